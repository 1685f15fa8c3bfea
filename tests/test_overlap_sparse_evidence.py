"""Evidence on sparse lists (names, types, hosts only): what counts and what must not.

- same host, names pointing to one industry chain segment (土方机械 / 装载机 at 柳工): a duplicate
  candidate even though the cores share no character;
- the same pair at two unrelated hosts: a shared industry is coverage, not duplication;
- a common core (智能制造) at unrelated hosts is not reported; a rare one (非粮生物质) is;
- field stations at two sites (policy: laid out by ecosystem and region) are never reported.
"""

from __future__ import annotations

from queries.overlap.profiles import Profile
from queries.overlap.signals import THRESHOLD, PairScore, combine, explain, score_pair
from queries.overlap.text import prepare
from queries.overlap.topics import different_sites, topic_match


def prof(key: str, name: str, host: str | None, type_: str = "工程技术研究中心", family: str | None = "engineering_centre",
         city: str | None = None, host_name: str | None = None) -> Profile:
    p = Profile(key=key, name=name, type=type_, family=family, level="regional", host=host, city=city)
    if host:
        p.institutions = {host: host_name or host}
        p.institution_spellings = {host_name or host}
    return p


def background(n: int = 30) -> list[Profile]:
    """Unrelated platforms, so a core carried by 3 or fewer is rare and one carried by many is common."""
    topics = ["甘蔗育种", "水牛繁育", "铝合金加工", "北部湾海洋", "桉树培育", "稀土材料", "茶叶加工", "芒果保鲜",
              "碳酸钙粉体", "船舶动力", "中药资源", "壮医药", "荔枝栽培", "林产化工", "锰系材料"]
    return [prof(f"BG{i}", f"广西{topics[i % len(topics)]}{'工程技术研究中心' if i < 15 else '工程研究中心'}", f"BGH{i}")
            for i in range(n)]


def scored(a: Profile, b: Profile, others: list[Profile] | None = None) -> PairScore:
    prepare([a, b, *(others or [])])
    return score_pair(a, b, 0.0)


def test_same_host_same_chain_segment_is_found_without_shared_characters() -> None:
    a = prof("A", "国家土方机械工程技术研究中心", "LG", city="柳州", host_name="广西柳工机械股份有限公司")
    b = prof("B", "广西装载机智能控制重点实验室", "LG", "自治区重点实验室", "laboratory", "柳州", "广西柳工机械股份有限公司")
    pair = scored(a, b)
    assert a.core == "土方机械" and b.core.startswith("装载机")
    assert topic_match(a, b).level == "segment" and pair.name_level == "topic"
    assert pair.score >= THRESHOLD
    zh = [s.detail_zh for s in explain(pair, a, b)]
    assert any("同一依托单位，名称指向同一产业链环节「工程机械整机」" in d and "土方机械" in d for d in zh)


def test_the_same_industry_at_two_unrelated_hosts_is_not_evidence() -> None:
    a = prof("A", "国家土方机械工程技术研究中心", "LG", city="柳州")
    b = prof("B", "广西装载机智能控制重点实验室", "YC", "自治区重点实验室", "laboratory", "柳州")
    pair = scored(a, b)
    assert topic_match(a, b).level == "" and pair.score < THRESHOLD


def test_same_host_sibling_segments_are_complementary_not_duplicates() -> None:
    a = prof("A", "广西装载机工程技术研究中心", "LG")  # 工程机械整机
    b = prof("B", "广西液压传动工程技术研究中心", "LG")  # 液压与传动: another link of the same chain
    assert topic_match(a, b).level == ""
    assert scored(a, b).score < THRESHOLD


def test_a_common_core_at_unrelated_hosts_is_not_reported() -> None:
    common = [prof(f"S{i}", f"广西智能制造{'工程技术研究中心' if i % 2 else '工程研究中心'}{i}号", f"H{i}")
              for i in range(8)]
    for p in common:  # the same core 智能制造 at eight hosts (names kept unique by a number stripped below)
        p.core = "智能制造"
    a, b = common[0], common[1]
    pair = scored(a, b, [*common[2:], *background()])
    assert pair.name_level == "exact" and a.core_weight < 1.0
    assert pair.score < THRESHOLD


def test_a_rare_core_at_unrelated_hosts_is_reported() -> None:
    a = prof("A", "广西非粮生物质工程技术研究中心", "GXU")
    b = prof("B", "广西非粮生物质技术创新中心", "GXAS", "技术创新中心")
    pair = scored(a, b, background())
    assert a.core == b.core == "非粮生物质" and a.core_weight == 1.0
    assert pair.score >= THRESHOLD
    # the same rare core with incompatible types (a lab and a crowd-space) is not enough across hosts
    c = prof("C", "广西非粮生物质众创空间", "GXAS", "众创空间", None)
    assert scored(a, c, background()).score < THRESHOLD


def test_field_stations_at_two_sites_are_never_reported() -> None:
    station = "野外科学观测研究站"
    a = prof("A", "广西喀斯特生态系统野外科学观测研究站", "IGG", station, None, "河池")
    b = prof("B", "广西喀斯特生态系统野外科学观测研究站（二）", "KARST", station, None, "百色")
    assert different_sites(a, b) and scored(a, b, background()).score == 0.0
    c = prof("C", "广西喀斯特生态系统野外科学观测研究站（三）", "IGG", station, None, "百色")
    assert different_sites(a, c) and scored(a, c, background()).score == 0.0  # one host, two sites
    d = prof("D", "喀斯特生态系统野外科学观测研究站", "IGG", "国家野外科学观测研究站", None, "河池")
    assert not different_sites(a, d)
    assert combine(*_parts(a, d)) >= THRESHOLD  # one host, one site, two badges: still found


def _parts(a: Profile, b: Profile):  # type: ignore[no-untyped-def]
    from queries.overlap.signals import score_parts

    prepare([a, b, *background()])
    return score_parts(a, b, 0.0)
