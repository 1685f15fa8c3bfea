"""The overlap signals and score as pure functions (no database needed: profiles built in memory)."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from queries.overlap.groups import build_groups
from queries.overlap.profiles import Profile, add_industry
from queries.overlap.signals import (
    THRESHOLD,
    WEIGHTS,
    combine,
    max_unlinked_score,
    people_score,
    score_pair,
    score_parts,
)
from queries.overlap.text import DirectionVectors, name_core, shared_keywords

TYPES = ["工程技术研究中心", "工程研究中心", "自治区重点实验室", "众创空间", "技术转移示范机构"]
FAMILIES = {"工程技术研究中心": "engineering_centre", "工程研究中心": "engineering_centre",
            "自治区重点实验室": "laboratory", "众创空间": "incubation", "技术转移示范机构": None}
WORDS = ["甘蔗育种", "铝加工", "电池材料", "液压系统", "中药炮制", "智能控制", "稀土材料"]


def prof(key: str, *, host: str = "H1", type_: str = "工程技术研究中心", fields: list[str] | None = None,
         people: list[str] | None = None, co: list[str] | None = None, city: str | None = "南宁",
         segments: list[tuple[str, str]] | None = None, level: str = "regional",
         evaluation: str | None = "合格", established: int = 2015) -> Profile:
    p = Profile(key=key, name=f"广西{''.join(fields or [])}{type_}", type=type_, family=FAMILIES.get(type_),
                level=level, city=city, fields=list(fields or []), host=host, evaluation=evaluation,
                established=established)
    p.institutions = {host: host, **{c: c for c in (co or [])}}
    p.people = {r: r for r in (people or [])}
    for seg, parent in segments or []:
        add_industry(p, seg, "segment", parent)
    return p


def _score(a: Profile, b: Profile) -> float:
    vectors = DirectionVectors([a, b])
    cos = float(vectors.cosine_many(np.array([0]), np.array([1]))[0])
    return score_pair(a, b, cos).score


def test_weights_sum_to_one_and_unlinked_pairs_cannot_reach_the_threshold() -> None:
    assert abs(sum(WEIGHTS.values()) - 1.0) < 1e-9
    assert max_unlinked_score() < THRESHOLD
    a = prof("A", host="H1", fields=["甘蔗育种", "甘蔗栽培"], segments=[("甘蔗育种与种植", "蔗糖")], people=["r1"])
    b = prof("B", host="H2", fields=["甘蔗育种", "甘蔗栽培"], segments=[("甘蔗育种与种植", "蔗糖")], people=["r2"])
    assert _score(a, b) < THRESHOLD  # identical wording, unrelated hosts, teams known and different


def test_unknown_teams_are_no_evidence_so_the_linkage_guard_needs_both_teams() -> None:
    """Changed with the missing-is-no-evidence rule: without teams, "unlinked" is not known, so the
    same wording at two hosts is reported (the institutions signal still counts against it)."""
    a = prof("A", host="H1", fields=["甘蔗育种", "甘蔗栽培"], segments=[("甘蔗育种与种植", "蔗糖")])
    b = prof("B", host="H2", fields=["甘蔗育种", "甘蔗栽培"], segments=[("甘蔗育种与种植", "蔗糖")])
    parts, guard = score_parts(a, b, 1.0)
    assert parts["people"] is None and parts["institutions"] == 0.0 and guard == 1.0
    assert THRESHOLD <= _score(a, b) < 1.0


def test_people_signal_counts_teams_not_single_people() -> None:
    one = people_score(prof("A", people=["r1", "r2"]), prof("B", people=["r1", "r3"]))
    two = people_score(prof("A", people=["r1", "r2", "r4", "r5"]), prof("B", people=["r1", "r2", "r6", "r7"]))
    three = people_score(prof("A", people=[f"r{i}" for i in range(9)]), prof("B", people=["r0", "r1", "r2", "x"]))
    assert one == 0.25 and 0.6 < two < 0.7 and three == 1.0


def test_same_host_near_duplicate_types_with_shared_direction_overlap() -> None:
    a = prof("A", type_="工程技术研究中心", fields=["铝加工", "铝型材挤压", "铝箔轧制"])
    b = prof("B", type_="工程研究中心", fields=["铝加工", "铝型材挤压", "铝合金熔铸"])
    c = prof("C", type_="工程研究中心", fields=["铝加工", "稀土材料", "电池材料"])
    assert _score(a, b) >= THRESHOLD
    assert _score(a, c) < THRESHOLD  # one shared keyword at the same host is not a duplicate


def test_different_chain_segments_are_guarded() -> None:
    a = prof("A", host="H1", co=["Z"], fields=["动力电池", "电池材料"], segments=[("动力电池", "汽车及新能源汽车")])
    b = prof("B", host="H2", co=["Z"], fields=["动力电池", "电池材料"], segments=[("汽车电子", "汽车及新能源汽车")])
    vectors = DirectionVectors([a, b])
    parts, guard = score_parts(a, b, float(vectors.cosine_many(np.array([0]), np.array([1]))[0]))
    assert parts["industry"] == 0.1 and guard == 0.7


def test_shared_keywords_and_name_core() -> None:
    # the core keeps words inside the topic (技术 of 生物技术); region, level, type and host go
    assert name_core("广西大学甘蔗生物技术重点实验室", ["广西大学"]) == "甘蔗生物技术"
    assert name_core("地中海贫血防治国家临床医学研究中心") == name_core("广西地中海贫血防治临床医学研究中心") \
        == name_core("国家卫健委地中海贫血防治重点实验室") == "地中海贫血防治"
    assert name_core("广西柳工机械股份有限公司企业技术中心", ["广西柳工机械股份有限公司"]) == ""  # nothing specific
    assert name_core("广西技术研究中心") == ""  # generic words only
    a = prof("A", fields=["甘蔗遗传育种", "分子育种"])
    b = prof("B", fields=["分子育种", "甘蔗遗传育种", "其他"])
    assert shared_keywords(a, b)[:2] == ["甘蔗遗传育种", "分子育种"]


def test_keep_ranks_level_then_grade_then_size_then_age() -> None:
    base = {"fields": ["铝加工", "铝型材挤压"], "people": ["r1", "r2", "r3"]}
    profiles = {
        "A": prof("A", level="regional", evaluation="优秀", **base),
        "B": prof("B", level="national", evaluation="合格", **base),
        "C": prof("C", level="regional", evaluation="优秀", established=2001, **base),
    }
    ordered = [profiles[k] for k in sorted(profiles)]
    vectors = DirectionVectors(ordered)
    pairs = []
    for i, j in ((0, 1), (0, 2), (1, 2)):
        cos = float(vectors.cosine_many(np.array([i]), np.array([j]))[0])
        pairs.append(score_pair(ordered[i], ordered[j], cos))
    groups = build_groups(pairs, profiles)
    assert len(groups) == 1 and groups[0].keep == "B" and groups[0].recommendation == "merge"
    del profiles["B"]
    groups = build_groups([p for p in pairs if "B" not in (p.a, p.b)], profiles)
    assert groups[0].keep == "C"  # same level and grade and size: the older one


def test_keep_prefers_a_current_type_to_a_legacy_one_at_the_same_level() -> None:
    """A 工程技术研究中心 is itself to be 转建 (legacy): at one level it never absorbs a 技术创新中心,
    even with the better grade and the larger team."""
    legacy = prof("L", type_="工程技术研究中心", evaluation="优秀", people=["r1", "r2", "r3", "r4"])
    current = prof("T", type_="技术创新中心", evaluation="合格", people=["r1"])
    assert current.keep_rank() > legacy.keep_rank()
    national_legacy = prof("N", type_="国家工程技术研究中心", level="national", people=["r1"])
    assert national_legacy.keep_rank() > current.keep_rank()  # level still comes first


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(["H1", "H2", "H3"]), st.sampled_from(TYPES),
                          st.lists(st.sampled_from(WORDS), min_size=1, max_size=4, unique=True),
                          st.lists(st.sampled_from(["r1", "r2", "r3", "r4"]), max_size=3, unique=True),
                          st.sampled_from(["南宁", "柳州", None])), min_size=2, max_size=2))
def test_score_is_bounded_and_symmetric(specs: list) -> None:
    a, b = (prof(f"K{i}", host=h, type_=t, fields=f, people=p, city=c) for i, (h, t, f, p, c) in enumerate(specs))
    vectors = DirectionVectors([a, b])
    cos = float(vectors.cosine_many(np.array([0]), np.array([1]))[0])
    ab, guard_ab = score_parts(a, b, cos)
    ba, guard_ba = score_parts(b, a, cos)
    assert ab == ba and guard_ab == guard_ba
    assert all(v is None or 0.0 <= v <= 1.0 for v in ab.values())
    assert 0.0 <= combine(ab, guard_ab) <= 1.0
