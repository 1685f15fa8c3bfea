"""Overlap detection on lists as they really arrive: names, types, levels and hosts only.

No research fields, no people, no served industries — what a planner's spreadsheet of recognised
platforms holds. The method must find the same host's platforms on one core topic, say 一平台多牌子
where one host wears several badges, word every reason with its weight, and treat what the list does
not say as no evidence (neither for nor against).
"""

from __future__ import annotations

import pytest

from graph.store import Store
from queries.overlap import check_proposal, read_groups, read_overlaps, run_overlap_analysis
from queries.overlap.profiles import Profile
from queries.overlap.signals import THRESHOLD, combine, score_parts
from queries.overlap.text import prepare
from queries.runs import start_analysis_run
from tests.overlap_fixtures import P, build

INSTITUTIONS = [
    ("GXMU", "广西医科大学", ["广西医大"]),
    ("LG", "广西柳工机械股份有限公司", ["柳工"]),
    ("GLMC", "桂林医学院"),
]


def sparse(key: str, name: str, type_: str, host: str | None, level: str = "regional", city: str | None = None) -> P:
    return P(key, name, type_, host, level=level, city=city, fields=[], topics=[])


PLATFORMS = [
    sparse("T1", "地中海贫血防治国家临床医学研究中心", "国家临床医学研究中心", "GXMU", "national", "南宁"),
    sparse("T2", "广西地中海贫血防治临床医学研究中心", "临床医学研究中心", "GXMU", city="南宁"),
    sparse("T3", "广西生物靶向诊治研究重点实验室", "自治区重点实验室", "GXMU", city="南宁"),
    sparse("M1", "广西工程机械工程技术研究中心", "工程技术研究中心", "LG", city="柳州"),
    sparse("M2", "广西工程机械智能控制重点实验室", "自治区重点实验室", "LG", city="柳州"),
    sparse("M3", "广西工程机械数字化转型技术创新中心", "技术创新中心", "LG", city="柳州"),
    # one host, one type, different topics: never duplicates
    sparse("G1", "广西高校呼吸疾病重点实验室", "高校重点实验室", "GLMC", city="桂林"),
    sparse("G2", "广西高校病原生物学重点实验室", "高校重点实验室", "GLMC", city="桂林"),
    sparse("G3", "广西高校高发病防治药理学重点实验室", "高校重点实验室", "GLMC", city="桂林"),
]


@pytest.fixture
def sparse_graph(clean_graph: Store) -> Store:
    build(clean_graph, INSTITUTIONS, [], PLATFORMS)
    run_overlap_analysis(clean_graph, start_analysis_run(clean_graph, "overlap"))
    return clean_graph


def _pairs(store: Store, lang: str = "zh") -> dict[tuple[str, str], dict]:
    data = read_overlaps(store, lang=lang, limit=1000)
    return {(p["a"]["id"], p["b"]["id"]): p for p in data["pairs"]}


def test_same_host_same_core_is_found_from_names_and_hosts_alone(sparse_graph: Store) -> None:
    pairs = _pairs(sparse_graph)
    assert ("T1", "T2") in pairs  # the example: 0.21 against 0.39 before
    assert {("M1", "M2"), ("M1", "M3"), ("M2", "M3")} <= set(pairs)  # 工程机械 three times at 柳工
    for other in ("T1", "T2"):
        assert tuple(sorted(("T3", other))) not in pairs  # same host, another disease
    assert not {k for k in pairs if k[0].startswith("G")}  # same host and type, different topics


def test_one_host_several_badges_is_reported_as_such_with_its_own_recommendation(sparse_graph: Store) -> None:
    pairs = _pairs(sparse_graph)
    assert pairs[("T1", "T2")]["relation"] == "multi_brand"
    assert pairs[("T1", "T2")]["relation_name"] == "一平台多牌子"
    groups = {tuple(p["id"] for p in g["platforms"]): g for g in read_groups(sparse_graph)["groups"]}
    thal = groups[("T1", "T2")]
    assert thal["recommendation"] == "integrate" and thal["relation"] == "multi_brand"
    assert "一平台多牌子" in thal["reasons"][0] and "一体化管理" in thal["reasons"][0]
    en = {tuple(p["id"] for p in g["platforms"]): g for g in read_groups(sparse_graph, lang="en")["groups"]}
    assert "several badges" in en[("T1", "T2")]["reasons"][0]


def test_reasons_are_worded_with_their_weights_in_both_languages(sparse_graph: Store) -> None:
    zh = _pairs(sparse_graph)[("T1", "T2")]
    en = _pairs(sparse_graph, "en")[("T1", "T2")]
    by_signal = {r["signal"]: r for r in zh["reasons"]}
    core = by_signal["direction"]
    assert core["detail"] == f"名称核心词相同「地中海贫血防治」（+{core['weight']:.2f}）"
    host = by_signal["institutions"]
    assert host["detail"] == f"依托单位相同：广西医科大学（+{host['weight']:.2f}）"
    en_core = next(r for r in en["reasons"] if r["signal"] == "direction")
    assert en_core["detail"] == f"same name core '地中海贫血防治' (+{core['weight']:.2f})"
    assert core["weight"] > host["weight"] > 0
    assert sum(r["weight"] for r in zh["reasons"]) == pytest.approx(zh["score"], abs=1e-3)


def test_proposal_of_a_key_lab_on_the_same_disease_at_the_same_host(sparse_graph: Store) -> None:
    result = check_proposal(sparse_graph, {"name": "广西地中海贫血防治重点实验室", "type": "自治区重点实验室",
                                           "host": "广西医科大学"})
    found = {p["b"]["id"]: p for p in result["pairs"]}
    assert set(found) == {"T1", "T2"}
    assert all(p["relation"] == "multi_brand" for p in found.values())
    assert result["resolved"]["core"] == "地中海贫血防治"


def test_proposal_of_a_fourth_engineering_machinery_centre(sparse_graph: Store) -> None:
    result = check_proposal(sparse_graph, {"name": "广西工程机械绿色制造工程研究中心", "type": "工程研究中心",
                                           "host": "柳工"})
    assert {p["b"]["id"] for p in result["pairs"]} == {"M1", "M2", "M3"}


def _profile(key: str, name: str, host: str, type_: str = "工程技术研究中心", **extra: object) -> Profile:
    prof = Profile(key=key, name=name, type=type_, family="engineering_centre", level="regional", host=host,
                   city="南宁", **extra)  # type: ignore[arg-type]
    prof.institutions = {host: host}
    return prof


def test_missing_attributes_are_no_evidence() -> None:
    a = _profile("A", "广西甘蔗机械化收获工程技术研究中心", "H1")
    b = _profile("B", "广西甘蔗机械化收获技术创新中心", "H1", type_="技术创新中心")
    prepare([a, b])
    unknown_parts, unknown_guard = score_parts(a, b, 0.0)
    assert unknown_parts["people"] is None and unknown_parts["industry"] is None
    unknown = combine(unknown_parts, unknown_guard)
    assert unknown >= THRESHOLD
    # Known and different teams count against; known and shared teams count for; unknown is between.
    a.people, b.people = {"r1": "甲", "r2": "乙"}, {"r3": "丙", "r4": "丁"}
    against = combine(*score_parts(a, b, 0.0))
    a.people, b.people = {"r1": "甲", "r2": "乙"}, {"r1": "甲", "r2": "乙"}
    shared = combine(*score_parts(a, b, 0.0))
    assert against < unknown < shared
    # One side's team alone is not a comparison either.
    b.people = {}
    assert combine(*score_parts(a, b, 0.0)) == unknown


def test_proposal_lists_are_capped_with_a_clear_error() -> None:
    from pydantic import ValidationError

    from api.schemas import PROPOSAL_MAX_ITEM_LENGTH, PROPOSAL_MAX_ITEMS, ProposalBody
    from queries.overlap import Proposal
    from queries.overlap.proposal import MAX_ITEM_LENGTH, MAX_ITEMS

    assert (PROPOSAL_MAX_ITEMS, PROPOSAL_MAX_ITEM_LENGTH) == (MAX_ITEMS, MAX_ITEM_LENGTH)
    too_many = [f"方向{i}" for i in range(MAX_ITEMS + 1)]
    for model in (Proposal, ProposalBody):
        with pytest.raises(ValidationError, match="at most 50 items"):
            model.model_validate({"name": "x", "fields": too_many})
        with pytest.raises(ValidationError, match="at most 100 characters"):
            model.model_validate({"name": "x", "people": ["张" * (MAX_ITEM_LENGTH + 1)]})
    with pytest.raises(ValidationError, match="最多 50 项"):  # one ;-separated string is split, then capped
        Proposal.model_validate({"name": "x", "industries": "；".join(too_many)})
    assert Proposal.model_validate({"name": "x", "fields": too_many[:MAX_ITEMS]}).fields == too_many[:MAX_ITEMS]
