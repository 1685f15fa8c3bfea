"""The proposal check's index (queries/overlap/proposal_index.py): refreshed from what an ingest
wrote, it is the index a full build gives, and the fast check agrees with the full analysis.

Real Neo4j, real ingests of small CSV datasets (the stamps the refresh reads are the pipeline's own);
no timing (the speed is measured by bench/overlap_check.py)."""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np
import pytest

from graph.settings import Settings
from graph.store import Store
from ingest.pipeline import ingest_dataset
from queries.overlap import check_proposal, compute_overlaps
from queries.overlap.profiles import load_profiles
from queries.overlap.proposal_index import CheckIndex, build_check_index, refresh_check_index
from queries.overlap.text import DirectionVectors
from tests.overlap_fixtures import build_scenario

INSTITUTIONS = [
    ["单位名称", "单位类型", "所在市", "别名"],
    ["广西柳工机械股份有限公司", "企业", "柳州", "柳工"],
    ["广西大学", "高校", "南宁", "西大"],
    ["广西医科大学", "高校", "南宁", "广西医大"],
    ["广西科学院", "科研院所", "南宁", ""],
]
PLATFORM_HEADER = ["编号", "平台名称", "平台类型", "依托单位", "级别", "共建单位", "所在市", "认定年份", "状态", "研究方向",
                   "服务产业"]
FIRST = [
    ["P1", "广西工程机械智能制造工程研究中心", "工程研究中心", "柳工", "自治区级", "广西大学", "柳州", "2015", "运行",
     "工程机械;智能制造;液压传动", "机械装备"],
    ["P2", "广西工程机械智能制造工程技术研究中心", "工程技术研究中心", "广西柳工机械股份有限公司", "自治区级", "广西大学",
     "柳州", "2018", "运行", "工程机械;智能制造;液压传动", "机械装备"],
    ["P3", "广西甘蔗遗传改良重点实验室", "自治区重点实验室", "广西大学", "自治区级", "广西科学院", "南宁", "2012", "运行",
     "甘蔗育种;分子标记", "蔗糖"],
    ["P4", "地中海贫血防治国家临床医学研究中心", "国家临床医学研究中心", "广西医科大学", "国家级", "", "南宁", "2019",
     "运行", "", ""],
    ["P5", "广西糖业工程技术研究中心", "工程技术研究中心", "广西科学院", "自治区级", "", "南宁", "2010", "运行",
     "制糖工艺;甘蔗", "蔗糖"],
]
PEOPLE = [["姓名", "工作单位", "职称"], ["张伟", "广西大学", "教授"], ["李娜", "广西大学", "研究员"],
          ["王芳", "广西科学院", "研究员"]]
MEMBERS = [["平台", "人员", "角色"], ["P1", "张伟", "负责人"], ["P2", "张伟", "负责人"], ["P3", "李娜", "负责人"]]

# The second ingest: a new platform (a 一平台多牌子 of P4), P3 revoked, P5 restated with another host,
# and a team member added to P1 by a membership row alone (neither end restated).
SECOND_PLATFORMS = [
    ["P6", "广西地中海贫血防治临床医学研究中心", "自治区临床医学研究中心", "广西医科大学", "自治区级", "", "南宁", "2021",
     "运行", "", ""],
    ["P3", "广西甘蔗遗传改良重点实验室", "自治区重点实验室", "广西大学", "自治区级", "广西科学院", "南宁", "2012", "撤销",
     "甘蔗育种;分子标记", "蔗糖"],
    ["P5", "广西糖业工程技术研究中心", "工程技术研究中心", "广西大学", "自治区级", "", "南宁", "2010", "运行",
     "制糖工艺;甘蔗", "蔗糖"],
]
SECOND_MEMBERS = [["平台", "人员", "角色"], ["P1", "王芳", "核心成员"]]
# … and in the institutions file 柳工 gains an alias (its platforms' name cores change), while 广西大学
# and 广西医科大学 are restated as they were (nothing of their platforms changes: not reloaded).
SECOND_INSTITUTIONS = [
    ["单位名称", "单位类型", "所在市", "别名"],
    ["广西柳工机械股份有限公司", "企业", "柳州", "柳工;柳工工程机械"],
    ["广西大学", "高校", "南宁", "西大"],
    ["广西医科大学", "高校", "南宁", "广西医大"],
]

PROPOSALS = [
    {"name": "广西地中海贫血防治重点实验室", "type": "自治区重点实验室", "host": "广西医科大学"},
    {"name": "广西甘蔗遗传改良工程研究中心", "type": "工程研究中心", "host": "广西大学", "fields": ["甘蔗育种"]},
    {"name": "广西工程机械智能制造创新中心", "type": "工程研究中心", "host": "柳工", "co_builders": ["广西大学"],
     "fields": ["工程机械", "智能制造"], "industries": ["机械装备"], "people": ["张伟", "王芳"]},
    {"name": "广西制糖工艺工程技术研究中心", "type": "工程技术研究中心", "host": "广西大学", "fields": ["制糖工艺"]},
]


def _write(folder: Path, tables: dict[str, list[list[str]]]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, rows in tables.items():
        with open(folder / name, "w", encoding="utf-8-sig", newline="") as fh:
            csv.writer(fh).writerows(rows)
    return folder


def _ingest(store: Store, folder: Path, tables: dict[str, list[list[str]]]) -> None:
    ingest_dataset(store, _write(folder, tables), rejects_path=folder.parent / f"{folder.name}-rejects.csv")


def _vectors_by_key(index: CheckIndex) -> dict[str, dict[str, float]]:
    """Each platform's normalised tf-idf row, by token (row and column numbers differ between indexes)."""
    tokens = {col: tok for tok, col in index.vocab.items()}
    matrix = index.columns.tocsr()
    out = {}
    for key, row in index.row_of.items():
        lo, hi = matrix.indptr[row], matrix.indptr[row + 1]
        out[key] = {tokens[int(c)]: round(float(v), 5) for c, v in zip(matrix.indices[lo:hi], matrix.data[lo:hi],
                                                                         strict=True) if v}
    return out


def _postings_by_key(index: CheckIndex) -> dict[str, dict[str, list[str]]]:
    return {kind: {k: [index.rows[r].key for r in rows] for k, rows in m.items()}  # type: ignore[union-attr]
            for kind, m in index.postings.items()}


def _profile_view(index: CheckIndex) -> dict[str, tuple]:
    return {p.key: (p.core, round(p.core_weight, 6), p.core_spread, sorted(p.host_industries), sorted(p.name_topics),
                    sorted(p.people), sorted(p.institutions), sorted(p.industries), sorted(p.topics), p.status,
                    sorted(p.name_concepts), p.host_family, sorted(p.concept_spread.items()))
            for p in index.ordered}


def _lookups_view(index: CheckIndex) -> tuple:
    lookups = index.lookups
    assert lookups is not None
    return (lookups.institutions, {k: v for k, v in lookups.by_norm.items() if v},
            {k: v for k, v in lookups.by_code.items() if v}, dict(lookups.industries))


def _answers(store: Store, index: CheckIndex) -> list[list[tuple]]:
    out = []
    for proposal in PROPOSALS:
        result = check_proposal(store, proposal, lang="en", index=index)
        out.append([(p["b"]["id"], p["score"], p["relation"], [r["detail"] for r in p["reasons"]])
                    for p in result["pairs"]])
    return out


def test_refresh_after_an_ingest_is_the_full_build(clean_graph: Store, tmp_path: Path) -> None:
    store = clean_graph
    _ingest(store, tmp_path / "first", {"单位.csv": INSTITUTIONS, "平台.csv": [PLATFORM_HEADER, *FIRST],
                                        "人才.csv": PEOPLE, "平台人员.csv": MEMBERS})
    index = build_check_index(store)
    before = _answers(store, index)
    assert refresh_check_index(store, index) is index  # nothing changed
    from queries.overlap import run_overlap_analysis
    from queries.runs import start_analysis_run

    run_overlap_analysis(store, start_analysis_run(store, "overlap"))
    assert refresh_check_index(store, index) is index  # an analysis writes no platform data

    _ingest(store, tmp_path / "second", {"单位.csv": SECOND_INSTITUTIONS, "平台.csv": [PLATFORM_HEADER, *SECOND_PLATFORMS],
                                         "平台人员.csv": SECOND_MEMBERS})
    refreshed = refresh_check_index(store, index)
    assert refreshed.how == "updated"  # from the stamps, not a full read
    # P1 (new member, renamed host), P2 (renamed host), P3 and P5 (restated), P6 (new); not P4
    assert refreshed.reloaded == ["P1", "P2", "P3", "P5", "P6"]
    full = build_check_index(store)
    assert full.how == "built"
    assert set(refreshed.row_of) == set(full.row_of) == {"P1", "P2", "P4", "P5", "P6"}  # P6 in, P3 out
    assert _profile_view(refreshed) == _profile_view(full)
    assert _vectors_by_key(refreshed) == _vectors_by_key(full)
    assert _postings_by_key(refreshed) == _postings_by_key(full)
    assert _lookups_view(refreshed) == _lookups_view(full)  # 柳工's new alias re-read, the unchanged kept
    assert refreshed.core_counts == full.core_counts
    after = _answers(store, refreshed)
    assert after == _answers(store, full)
    assert any(b == "P6" for b, *_ in after[0])  # the new platform is found by the next check
    assert not any(b == "P3" for answer in after for b, *_ in answer)  # the revoked one is gone
    assert any(b == "P3" for b, *_ in before[1])
    assert "P1" in {b for b, *_ in after[2]}
    # the old index is untouched: checks still running on it keep their snapshot
    assert _answers(store, index) == before
    # the vectors are the analysis's own (DirectionVectors over the same profiles)
    analysis = DirectionVectors(full.ordered)
    tokens = {col: tok for tok, col in analysis.vocab.items()}
    theirs = {}
    for row, prof in enumerate(full.ordered):
        lo, hi = analysis.matrix.indptr[row], analysis.matrix.indptr[row + 1]
        theirs[prof.key] = {tokens[int(c)]: round(float(v), 5) for c, v in
                            zip(analysis.matrix.indices[lo:hi], analysis.matrix.data[lo:hi], strict=True) if v}
    assert _vectors_by_key(full) == theirs == _vectors_by_key(refreshed)


def test_every_profile_carries_its_terms_from_the_build(clean_graph: Store, tmp_path: Path) -> None:
    """Each profile's direction terms are made while the index is built (and frozen), for a full build
    and for a refresh alike: made lazily by a check, each was a new object stored into a frozen
    profile, which the collector tracked again, and a serving worker's full collections walked tens
    of thousands of them (the proposal check's 32-client tail, docs/benchmarks.md)."""
    from queries.overlap.profiles import direction_terms

    store = clean_graph
    _ingest(store, tmp_path / "first", {"单位.csv": INSTITUTIONS, "平台.csv": [PLATFORM_HEADER, *FIRST],
                                        "人才.csv": PEOPLE, "平台人员.csv": MEMBERS})
    index = build_check_index(store)
    _ingest(store, tmp_path / "second", {"单位.csv": SECOND_INSTITUTIONS, "平台.csv": [PLATFORM_HEADER, *SECOND_PLATFORMS],
                                         "平台人员.csv": SECOND_MEMBERS})
    refreshed = refresh_check_index(store, index)
    assert refreshed.how == "updated"
    for built in (index, refreshed):
        assert built.ordered
        for prof in built.ordered:
            assert prof.__dict__.get("terms") == frozenset(direction_terms(prof)), prof.key


def test_refresh_without_the_relationship_src_run_indexes(clean_graph: Store, tmp_path: Path) -> None:
    """A database whose schema predates the relationship ``src_run`` indexes: the refresh still finds
    a platform changed by a membership row alone (neither end restated), as with the indexes. Neo4j
    (``dbms.cypher.hints_error`` false, its default) plans around a hint naming a missing index, with
    a warning; the unhinted query — the fallback where that setting makes the hint an error — gives
    the same keys."""
    from graph.schema import SRC_RUN_REL_INDEXES, apply_schema
    from queries.overlap import proposal_cypher
    from queries.overlap.proposal_index import _changed_platforms

    store = clean_graph
    _ingest(store, tmp_path / "first", {"单位.csv": INSTITUTIONS, "平台.csv": [PLATFORM_HEADER, *FIRST],
                                        "人才.csv": PEOPLE, "平台人员.csv": MEMBERS})
    index = build_check_index(store)
    _ingest(store, tmp_path / "second", {"平台人员.csv": SECOND_MEMBERS})
    try:
        for rel in SRC_RUN_REL_INDEXES:
            store.write(f"DROP INDEX {rel.lower()}_src_run_idx IF EXISTS")
        runs = [r["run"] for r in store.read("MATCH ()-[r:MEMBER_OF]->() WHERE r.src_run IS NOT NULL "
                                             "RETURN DISTINCT r.src_run AS run")]
        assert not {r["name"] for r in store.read("SHOW INDEXES YIELD name RETURN name")} & {
            f"{rel.lower()}_src_run_idx" for rel in SRC_RUN_REL_INDEXES}
        hinted = store.read(proposal_cypher.CHANGED_PLATFORMS, {"runs": runs})[0]["keys"]
        unhinted = store.read(proposal_cypher.CHANGED_PLATFORMS_UNHINTED, {"runs": runs})[0]["keys"]
        assert sorted(hinted) == sorted(unhinted) == sorted(_changed_platforms(store, runs))
        assert "P1" in hinted
        refreshed = refresh_check_index(store, index)
        assert refreshed.how == "updated" and "P1" in refreshed.reloaded
        full = build_check_index(store)
        assert _profile_view(refreshed) == _profile_view(full)
        assert _answers(store, refreshed) == _answers(store, full)
    finally:
        apply_schema(store)  # the indexes back for the tests after this one


def test_a_write_outside_the_ingest_rebuilds(clean_graph: Store) -> None:
    build_scenario(clean_graph)
    index = build_check_index(clean_graph)
    assert refresh_check_index(clean_graph, index) is index
    clean_graph.write("MATCH (p:Platform {key: 'S01'}) DETACH DELETE p")
    refreshed = refresh_check_index(clean_graph, index)
    assert refreshed.how == "built" and "S01" not in refreshed.row_of and "S01" in index.row_of


def test_fast_check_agrees_with_the_analysis_for_every_platform(clean_graph: Store) -> None:
    """Each platform of the hand-built scenario, taken out of the index and proposed anew, finds the
    partners the full analysis pairs it with (same relation and reasons; the score within the
    difference the proposal's own absence from the idf makes)."""
    platforms = build_scenario(clean_graph)
    index = build_check_index(clean_graph)
    profiles = load_profiles(clean_graph)
    result = compute_overlaps(profiles)
    partners: dict[str, dict[str, object]] = {p.key: {} for p in platforms}
    for pair in result.pairs:
        partners[pair.a][pair.b] = pair
        partners[pair.b][pair.a] = pair
    names = {r["key"]: r["name"] for r in clean_graph.read("MATCH (r:Researcher) RETURN r.key AS key, r.name AS name")}
    hosts = {r["key"]: r["name"] for r in clean_graph.read("MATCH (i:Institution) RETURN i.key AS key, i.name AS name")}
    compared = 0
    for p in platforms:
        if p.status not in (None, "active", "building"):
            continue
        without = index.updated({p.key: None}, index.lookups, index.marker)  # type: ignore[arg-type]
        proposal = {"name": p.name, "type": p.type, "level": p.level, "host": hosts[p.host],
                    "co_builders": [hosts[c] for c in p.co_builders], "city": p.city, "fields": p.fields,
                    "industries": p.industries, "people": [names[k] for k, _ in p.people]}
        found = {q["b"]["id"]: q for q in check_proposal(clean_graph, proposal, lang="en", index=without)["pairs"]}
        assert set(found) == set(partners[p.key]), p.key
        for other, pair in found.items():
            expected = partners[p.key][other]
            assert pair["score"] == pytest.approx(expected.score, abs=0.05)  # type: ignore[attr-defined]
            assert pair["relation"] == expected.relation  # type: ignore[attr-defined]
            assert {r["signal"] for r in pair["reasons"]} == {s.signal for s in expected.signals}  # type: ignore[attr-defined]
        compared += len(found)
    assert compared > 0


def test_removing_and_re_adding_keeps_rows_consistent(clean_graph: Store) -> None:
    """Many updates in a row (rows emptied and re-laid) give the index a full build gives."""
    build_scenario(clean_graph)
    index = build_check_index(clean_graph)
    profiles = load_profiles(clean_graph)
    current = index
    for n, key in enumerate(sorted(profiles)):
        current = current.updated({key: None}, index.lookups, index.marker, relay=False)  # type: ignore[arg-type]
        current = current.updated({key: load_profiles(clean_graph, keys=[key])[key]}, index.lookups,
                                  index.marker, relay=n % 3 == 2)  # type: ignore[arg-type]
    assert current.how == "updated" and len(current.rows) > len(current)  # emptied rows are kept …
    relaid = current.updated({}, index.lookups, index.marker, relay=True)  # type: ignore[arg-type]
    assert relaid.how == "relaid" and len(relaid.rows) == len(relaid)  # … until the rows are re-laid
    assert _profile_view(current) == _profile_view(index)
    assert _vectors_by_key(current) == _vectors_by_key(index)
    assert _postings_by_key(current) == _postings_by_key(index)
    assert np.isclose(current.idf[[current.vocab[t] for t in index.vocab]], index.idf).all()
    assert _vectors_by_key(relaid) == _vectors_by_key(index)


@pytest.mark.parametrize(("field", "value", "says"), [
    ("fields", [f"方向{i}" for i in range(51)], "50"),
    ("people", ["张" * 101], "100"),
])
def test_an_oversized_proposal_is_a_clear_422(clean_graph: Store, settings: Settings, field: str,
                                              value: list[str], says: str) -> None:
    from fastapi.testclient import TestClient

    from api.app import create_app

    with TestClient(create_app(settings)) as client:
        response = client.post("/api/v1/overlaps/check", json={"name": "广西甘蔗育种重点实验室", field: value})
    assert response.status_code == 422
    text = response.text
    assert field in text and says in text  # names the field and the cap


def test_the_api_gives_reasons_for_the_strongest_pairs_and_lists_all(clean_graph: Store, settings: Settings) -> None:
    """``POST /overlaps/check?reasons=N``: every pair listed, reasons for the first N (default 10)."""
    from fastapi.testclient import TestClient

    from api.app import create_app
    from api.routers.overlaps import DEFAULT_REASONS

    build_scenario(clean_graph)
    body = {"name": "广西甘蔗生物育种工程研究中心", "type": "工程研究中心", "host": "广西大学",
            "fields": ["甘蔗遗传育种", "甘蔗生物技术", "分子育种"], "people": ["张伟"]}
    with TestClient(create_app(settings)) as client:
        default = client.post("/api/v1/overlaps/check", json=body).json()
        one = client.post("/api/v1/overlaps/check", params={"reasons": 1}, json=body).json()
        too_many = client.post("/api/v1/overlaps/check", params={"reasons": 100_000}, json=body)
    assert len(default["pairs"]) >= 2
    assert default["explained"] == min(DEFAULT_REASONS, len(default["pairs"]))
    assert [p["b"]["id"] for p in one["pairs"]] == [p["b"]["id"] for p in default["pairs"]]
    assert one["explained"] == 1 and one["pairs"][0]["reasons"] and not one["pairs"][1]["reasons"]
    assert too_many.status_code == 422
