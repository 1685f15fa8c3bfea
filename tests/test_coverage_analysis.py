"""Coverage matrix, gaps, write-back, targets and the talent view on a hand-built graph (real Neo4j)."""

from __future__ import annotations

import json

import pytest

from graph.errors import UsageError
from graph.store import Store
from queries.coverage import read_coverage, run_coverage_analysis, talent_view, targets_vs_actual
from queries.coverage.analysis import compute_coverage
from tests.test_coverage_fixtures import build_graph


@pytest.fixture
def graph(clean_graph: Store) -> Store:
    return build_graph(clean_graph)


def _gap_keys(gaps: list[dict]) -> set[tuple[str, str, str]]:
    return {(g["industry"], g["kind"], g["value"]) for g in gaps}


def test_planted_gaps_found_and_well_covered_not_reported(graph: Store) -> None:
    _cov, gaps = compute_coverage(graph)
    keys = _gap_keys(gaps)
    # 碳酸钙: its only science lab P7 is revoked; no national platform; nothing in 梧州 (P7 revoked)
    assert ("碳酸钙", "category", "science_engineering") in keys
    assert ("碳酸钙", "level", "national") in keys
    assert ("碳酸钙", "city", "梧州") in keys
    assert ("铝", "level", "national") in keys
    # well covered: 汽车 has all three categories (P1 via its segment 动力电池), national P1, both cities
    assert not {k for k in keys if k[0] == "汽车及新能源汽车"}
    # 铝 has all categories (P8, P9/P10, P11) and all three layout cities (P9 百色, P11 来宾, P10 南宁)
    assert not {k for k in keys if k[0] == "铝" and k[1] in ("category", "city")}
    assert ("碳酸钙", "category", "innovation_transfer") not in keys  # P5
    assert ("碳酸钙", "city", "贺州") not in keys  # P5, P6


def test_segment_gaps_reported_only_when_parent_is_covered(graph: Store) -> None:
    _cov, gaps = compute_coverage(graph)
    keys = _gap_keys(gaps)
    # 动力电池 has only P1 (innovation_transfer) while its industry has all categories: segment gaps
    assert ("动力电池", "category", "science_engineering") in keys
    assert ("动力电池", "category", "basic_support") in keys
    assert ("动力电池", "category", "innovation_transfer") not in keys
    # 碳酸钙's segments share the industry's science gap: listed under it, not repeated
    assert ("重质碳酸钙", "category", "science_engineering") not in keys
    parent = next(g for g in gaps if (g["industry"], g["kind"], g["value"]) == ("碳酸钙", "category", "science_engineering"))
    assert set(parent["segments"]) == {"重质碳酸钙", "碳酸钙新材料"}


def test_gaps_ranked_by_priority_with_nearest_platforms(graph: Store) -> None:
    _cov, gaps = compute_coverage(graph)
    assert [g["rank"] for g in gaps] == list(range(1, len(gaps) + 1))
    assert [g["priority"] for g in gaps] == sorted(g["priority"] for g in gaps)
    rank = {(g["industry"], g["kind"], g["value"]): g["rank"] for g in gaps}
    assert rank[("铝", "level", "national")] < rank[("碳酸钙", "category", "science_engineering")]
    sci = next(g for g in gaps if (g["industry"], g["kind"], g["value"]) == ("碳酸钙", "category", "science_engineering"))
    # P8 is a science lab hosted by 贺州学院, which declares 碳酸钙 as its industry
    assert sci["nearest"][0]["key"] == "P8"
    assert sci["nearest"][0]["relation"] == "host_in_industry"
    nat = next(g for g in gaps if (g["industry"], g["kind"], g["value"]) == ("铝", "level", "national"))
    # regional 铝 platforms by evaluation: P10 良好, P8 合格, P11 none; P9 (不合格) is not asked to extend
    assert [n["key"] for n in nat["nearest"] if n["relation"] == "upgrade_candidate"] == ["P10", "P8", "P11"]
    city = next(g for g in gaps if (g["industry"], g["kind"], g["value"]) == ("碳酸钙", "city", "梧州"))
    assert {n["key"] for n in city["nearest"]} >= {"P5", "P6"}
    assert all(n["why_zh"] and n["why_en"] for g in gaps for n in g["nearest"])


def test_matrix_counts_match_hand_counts(graph: Store) -> None:
    run_coverage_analysis(graph, "A-test-1")
    cov = read_coverage(graph)
    cell = {(r["industry"], r["category"], r["level"]): r["count"] for r in cov["matrix"]}
    assert cell[("汽车及新能源汽车", "innovation_transfer", "national")] == 1  # P1 via 动力电池
    assert cell[("汽车及新能源汽车", "innovation_transfer", "regional")] == 2  # P4, P13
    assert cell[("汽车及新能源汽车", "basic_support", "regional")] == 1  # P3 (building counts)
    assert cell[("碳酸钙", "science_engineering", "regional")] == 0  # P7 revoked
    assert cell[("铝", "innovation_transfer", "regional")] == 2  # P9, P10 (P14 revoked, P15 merged)
    cities = {(r["industry"], r["city"]): r for r in cov["cities"]}
    assert cities[("碳酸钙", "梧州")] == {"industry": "碳酸钙", "city": "梧州", "count": 0, "declared": True}
    assert cities[("碳酸钙", "贺州")]["count"] == 2
    assert cities[("铝", "贺州")] == {"industry": "铝", "city": "贺州", "count": 1, "declared": False}


def test_write_back_replaces_earlier_run_and_reads_both_languages(graph: Store) -> None:
    first = run_coverage_analysis(graph, "A-test-1")
    assert first["gaps"] > 0 and first["platforms_counted"] == 12  # 15 minus P7, P14, P15
    graph.write("MATCH (p:Platform {key: 'P7'}) SET p.status = 'active'")  # 碳酸钙 regains its lab
    second = run_coverage_analysis(graph, "A-test-2")
    runs = graph.read("MATCH (i:Industry) RETURN DISTINCT i.coverage_run AS run")
    assert runs == [{"run": "A-test-2"}]
    stored = json.loads(graph.read("MATCH (i:Industry {key: '碳酸钙'}) RETURN i.coverage_gaps AS g")[0]["g"])
    assert ("碳酸钙", "category", "science_engineering") not in _gap_keys(stored)
    assert ("碳酸钙", "city", "梧州") not in _gap_keys(stored)  # P7 is in 梧州
    assert ("碳酸钙", "level", "national") in _gap_keys(stored)
    assert second["run"] == "A-test-2" and second["by_kind"]["level"] == first["by_kind"]["level"]
    zh = read_coverage(graph, industry="铝", lang="zh")
    en = read_coverage(graph, industry="Aluminium", lang="en")
    assert zh["run"] == "A-test-2"
    assert {r["industry"] for r in zh["matrix"]} == {"铝", "氧化铝与电解铝", "铝精深加工"}
    assert _gap_keys(zh["gaps"]) == _gap_keys(en["gaps"]) and zh["gaps"]
    assert "国家级" in next(g["reason"] for g in zh["gaps"] if g["kind"] == "level")
    assert "national" in next(g["reason"] for g in en["gaps"] if g["kind"] == "level")
    with pytest.raises(UsageError):
        read_coverage(graph, industry="不存在的产业")


def test_read_coverage_before_any_run_is_empty(clean_graph: Store) -> None:
    assert read_coverage(clean_graph) == {"run": None, "matrix": [], "gaps": [], "cities": []}


def test_targets_vs_actual_equal_hand_counts(graph: Store) -> None:
    rows = {(r["type"], r["level"], r["year"]): r for r in targets_vs_actual(graph)}
    tic = rows[("技术创新中心", "regional", 2025)]
    # P4 (2022), P5 (2018), P10 (2023) active; P14 revoked; P15 merged; new in 2021–2025: P4, P10
    assert (tic["active"], tic["building"], tic["revoked"], tic["merged"], tic["holding"]) == (3, 0, 1, 1, 3)
    assert (tic["new_in_period"], tic["integrated_or_revoked_now"]) == (2, 2)
    assert tic["period"] == [2021, 2025]
    assert (tic["distance_new"], tic["distance_integrated_or_revoked"], tic["distance_total"]) == (3, -1, 7)
    lab = rows[("自治区重点实验室", "regional", 2025)]
    # P2 (2010) and P8 (2021) active, P7 revoked
    assert (lab["holding"], lab["revoked"], lab["new_in_period"]) == (2, 1, 1)
    assert (lab["distance_new"], lab["distance_integrated_or_revoked"], lab["distance_total"]) == (0, -1, 2)
    share = rows[("科技资源共享服务平台", None, 2025)]  # no level: every level of the type
    assert (share["active"], share["building"], share["holding"], share["new_in_period"]) == (1, 1, 2, 1)
    assert share["distance_total"] == 1
    # a type with platforms but no target is still listed, with empty targets
    untargeted = rows[("国家技术创新中心", "national", None)]
    assert untargeted["holding"] == 1 and untargeted["target_total"] is None


def test_talent_view_finds_overstretched_and_thin_industries(graph: Store) -> None:
    view = talent_view(graph, min_roles=3, lang="zh")
    assert [r["key"] for r in view["overstretched"]] == ["R1"]
    r1 = view["overstretched"][0]
    assert r1["platforms"] == 3 and r1["senior_roles"] == 2
    assert any("工程与技术中心类" in s for s in r1["signs"])  # P4 and P13: one type family (engineering_centre)
    ind = {r["industry"]: r for r in view["industries"]}
    # 汽车: P1, P2, P3, P4, P13; people R1, R2; senior: R1 (教授, director) — R2 is 副教授
    assert (ind["汽车及新能源汽车"]["platforms"], ind["汽车及新能源汽车"]["people"],
            ind["汽车及新能源汽车"]["senior"]) == (5, 2, 1)
    # 铝: P8, P9, P10, P11; R3 (研究员) senior, R4 (副研究员) not
    assert (ind["铝"]["platforms"], ind["铝"]["people"], ind["铝"]["senior"]) == (4, 2, 1)
    assert (ind["碳酸钙"]["platforms"], ind["碳酸钙"]["senior"]) == (2, 0)
    assert {"汽车及新能源汽车", "铝", "碳酸钙"} <= {r["industry"] for r in view["thin_industries"]}
    assert talent_view(graph, min_roles=2)["overstretched"][-1]["key"] == "R2"
