"""Overlap analysis on hand-built graphs where the right answer is known (real Neo4j, no mocks)."""

from __future__ import annotations

import json

import pytest

from graph.store import Store
from queries.overlap import read_groups, read_overlaps, run_overlap_analysis
from queries.runs import start_analysis_run
from tests.overlap_fixtures import P, add_platform, build_scenario, delete_platform, scenario_platforms

EXPECTED_PAIRS = {("S01", "S02"), ("S01", "S10"), ("S03", "S04"), ("S11", "S12")}
HARD_NON_OVERLAPS = [("S01", "S05"), ("S01", "S06"), ("S05", "S06"), ("S02", "S05"), ("S07", "S08")]

PAIRS_IN_DB = "MATCH (a:Platform)-[r:OVERLAPS]->(b:Platform) RETURN a.key AS a, b.key AS b, r.run AS run, r.score AS score"
GROUPS_IN_DB = """
MATCH (g:OverlapGroup)<-[i:IN_GROUP]-(p:Platform)
OPTIONAL MATCH (g)-[:FROM_RUN]->(ar:AnalysisRun)
RETURN g.key AS key, g.run AS run, g.recommendation AS rec, g.keep AS keep, g.size AS size,
       ar.key AS from_run, collect(p.key) AS members, collect(p.overlap_group) AS flags,
       collect(i.run) AS rel_runs
"""


def _analyse(store: Store) -> tuple[str, dict]:
    run = start_analysis_run(store, "overlap")
    return run, run_overlap_analysis(store, run)


@pytest.fixture
def scenario(clean_graph: Store) -> Store:
    build_scenario(clean_graph)
    return clean_graph


def test_finds_planted_pairs_and_not_hard_non_overlaps(scenario: Store) -> None:
    run, summary = _analyse(scenario)
    rows = scenario.read(PAIRS_IN_DB)
    found = {(r["a"], r["b"]) for r in rows}
    assert found == EXPECTED_PAIRS
    assert all(r["a"] < r["b"] and r["run"] == run and 0 < r["score"] <= 1 for r in rows)
    for pair in HARD_NON_OVERLAPS:
        assert tuple(sorted(pair)) not in found
    assert summary["pairs"] == 4 and summary["groups"] == 3
    assert summary["merge"] == 2 and summary["refocus"] == 1


def test_groups_recommendations_keep_and_flags(scenario: Store) -> None:
    run, _ = _analyse(scenario)
    groups = {tuple(sorted(g["members"])): g for g in scenario.read(GROUPS_IN_DB)}
    assert set(groups) == {("S01", "S02", "S10"), ("S03", "S04"), ("S11", "S12")}
    sugar = groups[("S01", "S02", "S10")]
    assert sugar["rec"] == "merge" and sugar["keep"] == "S01" and sugar["size"] == 3  # 优秀, oldest
    machinery = groups[("S03", "S04")]
    # S03 (合格) is a legacy 工程技术研究中心, itself to be 转建: the current 技术创新中心 S04 absorbs it
    assert machinery["rec"] == "merge" and machinery["keep"] == "S04"
    assert groups[("S11", "S12")]["rec"] == "refocus"  # same host 玉柴, neighbouring directions
    for g in groups.values():
        assert g["run"] == run and g["from_run"] == run and g["key"].startswith(run + ":")
        assert set(g["flags"]) == {g["key"]} and set(g["rel_runs"]) == {run}
    ungrouped = scenario.read("MATCH (p:Platform) WHERE p.overlap_group IS NULL RETURN collect(p.key) AS k")[0]["k"]
    assert sorted(ungrouped) == ["S05", "S06", "S07", "S08"]


def test_hard_case_renamed_different_hosts_partial_people(scenario: Store) -> None:
    """S03/S04: different names, different hosts, 2 of 3 people shared — found, explained by people."""
    _analyse(scenario)
    data = read_overlaps(scenario, platform="S04", lang="zh")
    assert data["total"] == 1
    pair = data["pairs"][0]
    signals = {r["signal"]: r["detail"] for r in pair["reasons"]}
    assert "institutions" not in signals
    assert "陈杰" in signals["people"] and "杨帆" in signals["people"]


def test_reasons_name_concrete_shared_things_in_both_languages(scenario: Store) -> None:
    _analyse(scenario)
    zh = read_overlaps(scenario, platform="S02", lang="zh")
    en = read_overlaps(scenario, platform="S02", lang="en")
    assert zh["total"] == en["total"] == 1
    zh_text = {r["signal"]: r["detail"] for r in zh["pairs"][0]["reasons"]}
    en_text = {r["signal"]: r["detail"] for r in en["pairs"][0]["reasons"]}
    # each reason carries its contribution to the score (changed: the wording now shows the weight)
    inst = next(r for r in zh["pairs"][0]["reasons"] if r["signal"] == "institutions")
    assert zh_text["institutions"] == f"依托单位相同：广西大学（+{inst['weight']:.2f}）" and inst["weight"] > 0
    assert en_text["institutions"] == f"same host institution: 广西大学 (+{inst['weight']:.2f})"
    assert "张伟" in zh_text["people"] and "负责人" in zh_text["people"]
    assert "张伟" in en_text["people"] and "director" in en_text["people"]
    assert "甘蔗遗传育种" in zh_text["direction"] and "甘蔗遗传育种" in en_text["direction"]
    assert "甘蔗育种与种植" in zh_text["industry"] and "Sugarcane breeding" in en_text["industry"]
    assert "实验室类" in zh_text["type_family"] and "Laboratories" in en_text["type_family"]
    # strongest first, in the same order in both languages
    assert [r["signal"] for r in zh["pairs"][0]["reasons"]] == [r["signal"] for r in en["pairs"][0]["reasons"]]
    weights = [r["weight"] for r in zh["pairs"][0]["reasons"]]
    assert len(weights) >= 4 and weights == sorted(weights, reverse=True)
    assert sum(weights) == pytest.approx(zh["pairs"][0]["score"], abs=1e-3)  # the reasons add up to the score
    stored = scenario.read("MATCH (:Platform {key:'S01'})-[r:OVERLAPS]->(:Platform {key:'S02'}) "
                           "RETURN r.signals AS s, r.reasons_zh AS zh, r.reasons_en AS en")[0]
    assert [s["detail_zh"] for s in json.loads(stored["s"])] == stored["zh"]
    assert len(stored["zh"]) == len(stored["en"])


def test_write_back_replaces_previous_run(scenario: Store) -> None:
    first, _ = _analyse(scenario)
    # S04 leaves; S05 gets a twin (same host, same fields): the next run must reflect both changes.
    delete_platform(scenario, "S04")
    add_platform(scenario, P("S13", "广西大学稀土功能材料高校重点实验室", "高校重点实验室", "GXU",
                             fields=["稀土功能材料", "有色冶金"], industries=["稀土与稀有金属材料"],
                             people=[("R10", "director"), ("R12", "core_member")]))
    second, summary = _analyse(scenario)
    assert second != first
    rows = scenario.read(PAIRS_IN_DB)
    assert {r["run"] for r in rows} == {second}
    assert {(r["a"], r["b"]) for r in rows} == {("S01", "S02"), ("S01", "S10"), ("S11", "S12"), ("S05", "S13")}
    groups = scenario.read(GROUPS_IN_DB)
    assert {g["run"] for g in groups} == {second}
    assert scenario.read("MATCH (g:OverlapGroup) WHERE g.run = $r RETURN count(g) AS n", {"r": first})[0]["n"] == 0
    # S03 lost its partner: its group flag from the first run is cleared
    s03 = scenario.read("MATCH (p:Platform {key:'S03'}) RETURN p.overlap_group AS g, p.overlap_run AS r")[0]
    assert s03 == {"g": None, "r": None}
    # pairs that persist are updated in place (MERGE); S03–S04 went with S04; groups are per run
    assert summary["deleted_pairs"] == 0 and summary["deleted_groups"] == 3


def test_read_overlaps_filters_and_paging(scenario: Store) -> None:
    _analyse(scenario)
    everything = read_overlaps(scenario)
    assert everything["total"] == 4
    assert [p["score"] for p in everything["pairs"]] == sorted((p["score"] for p in everything["pairs"]), reverse=True)
    assert {(p["a"]["id"], p["b"]["id"]) for p in read_overlaps(scenario, city="柳州")["pairs"]} == {("S03", "S04")}
    assert {(p["a"]["id"], p["b"]["id"]) for p in read_overlaps(scenario, city="柳州市")["pairs"]} == {("S03", "S04")}
    farming = read_overlaps(scenario, industry="现代特色农业")
    assert farming["total"] == 0  # 甘蔗育种与种植 belongs to 蔗糖, not 现代特色农业
    cane = read_overlaps(scenario, industry="甘蔗育种与种植")
    assert {(p["a"]["id"], p["b"]["id"]) for p in cane["pairs"]} == {("S01", "S02"), ("S01", "S10")}
    assert read_overlaps(scenario, industry="蔗糖")["total"] == 2
    assert read_overlaps(scenario, type="技术创新中心")["total"] == 1
    assert read_overlaps(scenario, type="laboratory")["total"] == 2  # a type family
    assert read_overlaps(scenario, level="国家级")["total"] == 0
    assert read_overlaps(scenario, level="regional")["total"] == 4
    top = everything["pairs"][0]["score"]
    assert read_overlaps(scenario, min_score=top)["total"] == 1
    page = read_overlaps(scenario, limit=2, offset=2)
    assert page["total"] == 4 and [p["a"]["id"] for p in page["pairs"]] == [p["a"]["id"] for p in everything["pairs"][2:]]
    grouped = {g["id"] for g in everything["groups"]}
    assert len(grouped) == 3


def test_read_groups_shape(scenario: Store) -> None:
    _analyse(scenario)
    data = read_groups(scenario, lang="en")
    assert data["total"] == 3
    first = data["groups"][0]
    assert [p["id"] for p in first["platforms"]] == ["S01", "S02", "S10"]
    assert first["recommendation"] == "merge" and first["keep"] == "S01"
    assert any("广西大学甘蔗生物技术重点实验室" in r and "should absorb" in r for r in first["reasons"])
    zh = read_groups(scenario, lang="zh", limit=1, offset=2)
    assert zh["total"] == 3 and len(zh["groups"]) == 1
    assert zh["groups"][0]["recommendation"] == "refocus"
    assert "广西玉柴机器集团有限公司" in zh["groups"][0]["reasons"][0]


def test_revoked_platforms_are_not_duplicates(clean_graph: Store) -> None:
    platforms = scenario_platforms()
    for p in platforms:
        if p.key == "S02":
            p.status = "revoked"
    build_scenario(clean_graph, platforms)
    _analyse(clean_graph)
    found = {(r["a"], r["b"]) for r in clean_graph.read(PAIRS_IN_DB)}
    assert found == {("S01", "S10"), ("S03", "S04"), ("S11", "S12")}


def test_empty_graph(clean_graph: Store) -> None:
    _, summary = _analyse(clean_graph)
    assert summary["pairs"] == 0 and summary["groups"] == 0
    assert read_overlaps(clean_graph) == {"total": 0, "run": None, "pairs": [], "groups": []}
