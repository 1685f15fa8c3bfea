"""Evidence on sparse lists (names, types, hosts only): what counts and what must not.

- same host, names naming one concept of the topic thesaurus (土方机械 / 装载机 at 柳工), or a concept
  and a narrower one (家畜 ⊃ 水牛): 一平台多牌子 even though the cores share no character; sibling
  concepts (水牛 / 生猪) and merely similar cores (正极材料 / 负极材料) are not;
- one host written two ways (…集团有限公司 / …股份有限公司) is one host; a centre named after its host
  alone (…糖业有限公司技术中心) is about what the host's name says;
- the same pair at two unrelated hosts: a shared industry is coverage, not duplication;
- a common core (智能制造) at unrelated hosts is not reported; a rare one (非粮生物质) is;
- field stations at two sites (policy: laid out by ecosystem and region) are never reported.
"""

from __future__ import annotations

from queries.overlap.profiles import Profile
from queries.overlap.signals import MULTI_BRAND, THRESHOLD, PairScore, combine, explain, score_pair
from queries.overlap.text import core_similarity, prepare
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


def test_same_host_same_thesaurus_concept_is_found_without_shared_characters() -> None:
    a = prof("A", "国家土方机械工程技术研究中心", "LG", city="柳州", host_name="广西柳工机械股份有限公司")
    b = prof("B", "广西装载机智能控制重点实验室", "LG", "自治区重点实验室", "laboratory", "柳州", "广西柳工机械股份有限公司")
    pair = scored(a, b)
    assert a.core == "土方机械" and b.core.startswith("装载机")
    assert topic_match(a, b).level == "concept" and pair.name_level == "topic"
    assert pair.score >= THRESHOLD and pair.relation == MULTI_BRAND  # a national centre and a regional lab
    direction = next(s for s in explain(pair, a, b) if s.signal == "direction")
    assert direction.detail_zh == f"同一依托单位，名称指向同一主题「工程机械」（「土方机械」/「装载机」，主题词表）（+{direction.weight:.2f}）"
    assert direction.detail_en == ("same host, names point to one topic '工程机械' ('土方机械' / '装载机', topic thesaurus) "
                                   f"(+{direction.weight:.2f})")
    host = next(s for s in explain(pair, a, b) if s.signal == "institutions")
    assert host.detail_zh == f"依托单位相同：广西柳工机械股份有限公司（+{host.weight:.2f}）" and host.weight > 0


def test_a_broader_concept_covers_a_narrower_one_but_siblings_differ() -> None:
    host = "广西畜牧研究所"
    a = prof("A", "广西水牛遗传繁育重点实验室", "XM", "自治区重点实验室", "laboratory", host_name=host)
    b = prof("B", "广西家畜遗传改良工程技术研究中心", "XM", host_name=host)
    pair = scored(a, b)
    assert topic_match(a, b).key == "牲畜饲养" and pair.score >= THRESHOLD and pair.relation == MULTI_BRAND
    c = prof("C", "广西生猪健康养殖工程技术研究中心", "XM", host_name=host)
    assert topic_match(a, c).level == "" and scored(a, c).score < THRESHOLD  # 牛 and 猪: two topics


def test_merely_similar_cores_at_one_host_are_not_reported() -> None:
    a = prof("A", "广西正极材料技术创新中心", "BT", "技术创新中心", "engineering_centre")
    b = prof("B", "广西负极材料工程技术研究中心", "BT")
    pair = scored(a, b, background())
    assert core_similarity(a, b)[1] == "similar" and pair.score < THRESHOLD


def test_one_host_written_two_ways_is_one_host() -> None:
    a = prof("A", "高效节能环保内燃机国家工程实验室", "YCJT", "国家工程实验室", "engineering_centre", "玉林",
             "广西玉柴机器集团有限公司")
    b = prof("B", "广西内燃机工程技术研究中心", "YCGF", city="玉林", host_name="广西玉柴机器股份有限公司")
    pair = scored(a, b, background())
    assert a.host_family == b.host_family == "广西玉柴机器"
    assert pair.score >= THRESHOLD and pair.relation == MULTI_BRAND
    host = next(s for s in explain(pair, a, b) if s.signal == "institutions")
    assert host.detail_zh.startswith("依托单位为同一主体的两种写法：广西玉柴机器集团有限公司 / 广西玉柴机器股份有限公司")
    # two companies that only share a region and a legal form are not one host
    c = prof("C", "广西内燃机工程研究中心", "OTHER", city="玉林", host_name="广西有限公司")
    assert c.host_family == "" and scored(a, c, background()).relation != MULTI_BRAND


def test_a_centre_named_after_its_host_is_about_the_hosts_business() -> None:
    host = "来宾达晨糖业发展有限公司"
    a = prof("A", f"{host}技术中心", "DC", "企业技术中心", None, host_name=host)
    b = prof("B", "广西甘蔗育种工程技术研究中心", "DC", host_name=host)
    pair = scored(a, b, background())
    assert a.core == "" and a.name_concepts == {"制糖": "糖业"}
    assert topic_match(a, b).level == "" and pair.score < THRESHOLD  # 糖料种植 is a sibling of 制糖
    c = prof("C", "广西制糖节能工程技术研究中心", "DC", host_name=host)
    pair = scored(a, c, background())
    assert topic_match(a, c).key == "制糖" and pair.score >= THRESHOLD and pair.relation == MULTI_BRAND


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


def test_a_core_common_inside_longer_cores_is_not_rare() -> None:
    """装载机 is carried whole by two platforms but inside five longer cores: across unrelated hosts a
    contained match on it is a common topic word, not the same platform twice."""
    from collections import Counter

    from queries.overlap.text import core_spread

    spread = core_spread(Counter({"装载机": 2, "装载机整机远程运维": 1, "智能装载机": 1, "装载机液压": 1,
                                  "甘蔗育种": 4}))
    assert spread["装载机"] == 5 and spread["装载机液压"] == 1 and spread["甘蔗育种"] == 4
    a = prof("A", "广西装载机工程技术研究中心", "H1")
    b = prof("B", "广西装载机整机远程运维工程技术研究中心", "H2")
    others = [prof("C", "广西智能装载机工程研究中心", "H3"), prof("D", "广西装载机液压工程研究中心", "H4"),
              prof("E", "广西装载机技术创新中心", "H5", "技术创新中心")]
    pair = scored(a, b, [*others, *background()])
    assert pair.name_level == "contained" and a.core_spread == 5
    assert pair.score < THRESHOLD
    # the same two names with no other 装载机 anywhere: rare, reported
    a2 = prof("A", "广西装载机工程技术研究中心", "H1")
    b2 = prof("B", "广西装载机整机远程运维工程技术研究中心", "H2")
    assert scored(a2, b2, background()).score >= THRESHOLD


def test_with_a_host_unknown_only_a_rare_topic_of_compatible_types_counts() -> None:
    a = prof("A", "广西水牛遗传繁育重点实验室", None, "自治区重点实验室", "laboratory")
    b = prof("B", "广西家畜遗传改良重点实验室", None, "自治区重点实验室", "laboratory")
    pair = scored(a, b)
    assert topic_match(a, b).key == "牲畜饲养" and pair.score >= THRESHOLD
    assert pair.relation != MULTI_BRAND  # one host is not known: a duplicate to check, not 一平台多牌子
    direction = next(s for s in explain(pair, a, b) if s.signal == "direction")
    assert direction.detail_zh.startswith("依托单位未知，名称指向同一少见主题「牲畜饲养」（「水牛」/「家畜」，主题词表）")
    # known different hosts: a shared topic is a coverage fact
    c = prof("C", "广西家畜遗传改良重点实验室", "GXU", "自治区重点实验室", "laboratory")
    d = prof("D", "广西水牛遗传繁育重点实验室", "BRI", "自治区重点实验室", "laboratory")
    assert topic_match(c, d).level == "" and scored(c, d).score < THRESHOLD
    # a common topic (four platforms name 牲畜饲养 or narrower) is not enough without a host
    many = [prof(f"M{i}", f"广西{w}健康养殖工程技术研究中心", f"MH{i}") for i, w in enumerate(("肉牛", "生猪", "山羊"))]
    assert topic_match(a, b).level == "concept"
    prepare([a, b, *many])
    assert a.concept_spread["牲畜饲养"] == 5 and topic_match(a, b).level == ""
    # incompatible types (a lab and a crowd-space) are not enough either
    e = prof("E", "广西家畜遗传改良众创空间", None, "众创空间", None)
    prepare([a, e])
    assert topic_match(a, e).level == ""


def test_with_a_host_unknown_a_common_core_or_incompatible_types_are_no_evidence() -> None:
    """One host unknown: as across unrelated hosts, only a rare core of compatible types says "the
    same thing twice" (a missing host is no evidence for one body, so the name must carry it)."""
    a = prof("A", "广西非粮生物质工程技术研究中心", None)
    b = prof("B", "广西非粮生物质技术创新中心", "GXAS", "技术创新中心")
    assert scored(a, b, background()).score >= THRESHOLD  # rare core, one family: reported
    c = prof("C", "广西非粮生物质重点实验室", "GXAS", "自治区重点实验室", "laboratory")
    assert scored(a, c, background()).score == 0.0  # a lab and an engineering centre: not from names alone
    common = [prof(f"S{i}", f"广西智能制造工程技术研究中心{i}", f"H{i}") for i in range(6)]
    for p in common:
        p.core = "智能制造"
    d = prof("D", "广西智能制造工程研究中心", None)
    d.core = "智能制造"
    assert scored(d, common[0], [*common[1:], *background()]).score == 0.0  # seven platforms carry it


def linked(p: Profile, *others: tuple[str, str]) -> Profile:
    """``p`` with co-builders added (key, name)."""
    for key, name in others:
        p.institutions[key] = name
        p.institution_spellings.add(name)
    return p


def test_hosts_linked_as_co_builders_with_one_concept_are_reported() -> None:
    # the host of each is a co-builder of the other: the same bodies run both; one concept (牛 ⊃ 水牛)
    a = linked(prof("A", "广西水牛营养饲料工程技术研究中心", "HX", host_name="广西华翔农业科技股份有限公司"),
               ("ZD", "广西北海中德果业有限公司"))
    b = prof("B", "广西水牛良种繁育技术创新中心", "ZD", "技术创新中心", host_name="广西北海中德果业有限公司")
    pair = scored(a, b, background())
    assert topic_match(a, b).key == "牛" and pair.name_level == "topic"
    assert pair.score >= THRESHOLD and pair.relation != MULTI_BRAND  # two hosts: a duplicate, not one platform
    direction = next(s for s in explain(pair, a, b) if s.signal == "direction")
    assert direction.detail_zh.startswith("依托/共建单位相连，名称指向同一主题「牛」（「水牛」，主题词表）")
    # the same two names at unrelated hosts: a coverage fact, not evidence
    c = prof("C", "广西水牛良种繁育技术创新中心", "OTHER", "技术创新中心")
    assert topic_match(a, c).level == "" and scored(a, c, background()).score < THRESHOLD


def test_partner_hosts_on_one_chain_segment_are_reported_one_shared_partner_is_not() -> None:
    # 壮瑶医药 and 中药民族药 share no characters; both name the chain segment 中药民族药 (industries.toml)
    a = linked(prof("A", "广西中药民族药质量标准技术创新中心", "HL", "技术创新中心", host_name="广西煌漓生物医药有限公司"),
               ("NX", "南宁信息职业学院"))
    b = linked(prof("B", "广西壮瑶医药工程技术研究中心", "NX", host_name="南宁信息职业学院"),
               ("HL", "广西煌漓生物医药有限公司"))
    pair = scored(a, b, background())
    assert pair.name_level == "partners" and pair.score >= THRESHOLD
    direction = next(s for s in explain(pair, a, b) if s.signal == "direction")
    assert direction.detail_zh.startswith("两平台由同一组单位共建，名称指向同一产业链环节「中药民族药」")
    # only one of the two builds the other (one shared institution): a segment is too broad alone
    c = prof("C", "广西壮瑶医药工程技术研究中心", "NX", host_name="南宁信息职业学院")
    assert scored(a, c, background()).score < THRESHOLD
    # at one host a segment holds sibling technologies: not this rule
    d = prof("D", "广西壮瑶医药工程技术研究中心", "HL", host_name="广西煌漓生物医药有限公司")
    assert scored(a, d, background()).name_level != "partners"


def test_a_brand_named_maker_space_does_not_take_its_hosts_topic() -> None:
    host = "南宁众隆甘蔗科技有限公司"
    a = prof("A", "南宁市和美众创空间", "ZL", "众创空间", "incubation", host_name=host)
    b = prof("B", f"{host}技术中心", "ZL", "企业技术中心", None, host_name=host)
    prepare([a, b, *background()])
    assert a.name_concepts == {} and b.name_concepts == {"糖料种植": "甘蔗"}


def test_the_whole_host_name_is_removed_before_its_short_name() -> None:
    from queries.overlap.names import name_core

    spellings = ["南宁柳辰汽车零部件股份有限公司（柳辰汽车）", "柳辰汽车"]
    assert name_core("南宁柳辰汽车零部件股份有限公司技术中心", spellings) == ""


def test_quality_inspection_centres_compare_by_their_product() -> None:
    from queries.overlap.names import name_core

    assert name_core("国家茉莉花产品质量监督检验中心") == name_core("广西茉莉花产品质量检验检测中心") == "茉莉花"


def test_a_partnership_sharing_a_three_character_topic_is_reported_two_characters_are_not() -> None:
    from queries.overlap.topics import shared_part

    a = linked(prof("A", "广西深远海养殖海藻资源工程技术研究中心", "XY", host_name="钦州翔越海洋科技集团有限公司"),
               ("BS", "百色水产科学研究所"), ("CZ", "崇左现代高等专科学校"))
    b = linked(prof("B", "广西深远海养殖与珍珠养殖工程技术研究中心", "NH", host_name="南宁海洋科学研究所"),
               ("BS", "百色水产科学研究所"), ("CZ", "崇左现代高等专科学校"))
    pair = scored(a, b, background())
    assert pair.name_level == "partners" and pair.score >= THRESHOLD
    direction = next(s for s in explain(pair, a, b) if s.signal == "direction")
    assert direction.detail_zh.startswith("两平台由同一组单位共建，名称有共同部分「深远海养殖」")
    assert shared_part("港航物流集装箱运输", "跨境物流") == ""  # 物流: two characters name no topic
    assert shared_part("技术研究开发", "技术研究应用") == ""  # generic words only


def test_a_hosts_own_rd_institute_has_no_core_but_its_hosts_name() -> None:
    from queries.overlap.names import name_core

    assert name_core("广西柳钢工程技术研究院", ["柳州钢铁集团有限公司", "柳钢"]) == ""
    assert name_core("广西钢铁工程院") == "钢铁"


def test_a_company_name_inside_a_platform_name_is_never_its_core() -> None:
    from queries.overlap.names import name_core

    # the list writes the host by its short name only: the rest of the company name is still not a topic
    assert name_core("广西新德资源循环股份有限公司技术中心", ["新德资源"]) == ""
    assert name_core("中国石油广西石化公司炼油工程技术中心") == "炼油"
    # the centre's topic is then read from the company name as the platform name writes it
    a = prof("A", "广西南宁西星动力电池有限公司技术中心", "XX", "企业技术中心", None, host_name="西星动力")
    b = prof("B", "广西电池包结构工程技术研究中心", "XX", host_name="西星动力")
    pair = scored(a, b, background())
    assert a.core == "" and "电池" in a.name_concepts
    assert pair.name_level == "topic" and pair.score >= THRESHOLD
