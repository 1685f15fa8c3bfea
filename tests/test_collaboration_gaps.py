"""Collaboration gaps on small graphs with known answers, loaded through the ingest (real Neo4j, no mocks)."""

from __future__ import annotations

import json
import math

import networkx as nx
import pytest

from graph.errors import UsageError
from graph.store import Store
from queries.collaboration import read_gaps, run_gap_analysis, triple_helix_t
from queries.collaboration.partners import context_graph
from queries.collaboration.projection import load_projection
from queries.collaboration.sectors import collect
from tests.collaboration_graph import CollabGraph

SUGAR = "蔗糖"
SUGAR_SEGMENT = "制糖工艺"
CARS = "汽车及新能源汽车"


def sugar_graph() -> CollabGraph:
    """蔗糖: enterprises e1, e2, university u1, institute r1, hospital g1.
    Ties (tagged 蔗糖 or its segment 制糖工艺): e1–r1, e2–r1, u1–r1. No 产–学 tie at all."""
    g = CollabGraph()
    g.inst("e1", "industry", industries=(SUGAR,)).inst("e2", "industry", city="崇左")
    g.inst("u1", "academia").inst("r1", "research").inst("g1", "user", industries=(SUGAR,))
    g.platform("P1", "u1", people=("u1",), industries=(SUGAR,))             # academia only
    g.platform("P2", "r1", co_builders=("e2",), industries=(SUGAR_SEGMENT,))  # research + industry
    g.collab("e1", "r1", industry=SUGAR, count=2)
    g.collab("e2", "r1", industry=SUGAR_SEGMENT)
    g.collab("u1", "r1", industry=SUGAR, count=3)
    return g


def industry(data: dict, key: str) -> dict:
    return next(e for e in data["industries"] if e["industry"] == key)


def pair(entry: dict, a: str, b: str) -> dict:
    return next(p for p in entry["pairs"] if p["sectors"] == [a, b])


def test_sector_counts_matrix_expectation_and_ranked_gaps(clean_graph: Store) -> None:
    sugar_graph().write(clean_graph)
    run_gap_analysis(clean_graph, "A-test-1")
    data = read_gaps(clean_graph, industry=SUGAR)
    sugar = industry(data, SUGAR)
    assert sugar["sectors"] == {"industry": 2, "academia": 1, "research": 1, "user": 1}
    assert pair(sugar, "industry", "research")["ties"] == 2  # the segment's tie counts for the industry
    assert pair(sugar, "industry", "research")["collaborations"] == 3
    assert pair(sugar, "academia", "research")["ties"] == 1
    # T = 3 ties; possible pairs: 产产 1, 产学 2, 产研 2, 产用 2, 学研 1, 学用 1, 研用 1 → 10
    assert pair(sugar, "industry", "academia")["expected"] == pytest.approx(0.6)
    assert pair(sugar, "academia", "user")["expected"] == pytest.approx(0.3)
    gaps = [(tuple(g["sectors"]), g["kind"]) for g in sugar["missing_pairs"]]
    assert gaps == [(("industry", "academia"), "no_tie"), (("industry", "user"), "no_tie"),
                    (("academia", "user"), "no_tie"), (("research", "user"), "no_tie")]
    assert sugar["missing_pairs"][0]["severity"] == pytest.approx(0.6 / math.sqrt(0.6), abs=1e-3)
    assert all(g["reason"] and "蔗糖" in g["reason"] for g in sugar["missing_pairs"])
    # the segment alone: only E2–R1, and U1 does not take part in it
    seg = industry(read_gaps(clean_graph, industry=SUGAR_SEGMENT), SUGAR_SEGMENT)
    assert seg["sectors"] == {"industry": 1, "academia": 0, "research": 1, "user": 0}
    assert {g["kind"] for g in seg["missing_pairs"]} == {"absent_sector"}
    # synergy written back equals T over the hand table: 产研 ×3 (weights), 学研 ×3
    t3 = [[[0, 0], [0, 3]], [[0, 3], [0, 0]]]  # axes 产, 学, 研 (absent 0 / present 1)
    assert sugar["synergy"]["t3"] == pytest.approx(triple_helix_t(t3), abs=1e-9)
    assert sugar["synergy"]["records"] == 6


def test_well_connected_industry_has_no_tie_gap(clean_graph: Store) -> None:
    g = CollabGraph()
    members = {"ce1": "industry", "ce2": "industry", "cu1": "academia", "cr1": "research", "cg1": "user"}
    for key, sector in members.items():
        g.inst(key, sector, city="柳州")
    keys = sorted(members)
    for i, a in enumerate(keys):
        for b in keys[i + 1:]:
            g.collab(a, b, industry=CARS, count=2)
    g.write(clean_graph)
    run_gap_analysis(clean_graph, "A-test-cars")
    cars = industry(read_gaps(clean_graph, industry="汽车"), CARS)  # an alias resolves
    assert cars["missing_pairs"] == []
    assert pair(cars, "industry", "academia")["ties"] == 2


def test_weak_pair_far_below_size_expectation(clean_graph: Store) -> None:
    g = CollabGraph()
    for n in range(6):
        g.inst(f"e{n}", "industry").inst(f"u{n}", "academia").inst(f"r{n}", "research")
    for n in range(6):  # dense 产–研 and 学–研, a single 产–学 tie
        for m in range(6):
            g.collab(f"e{n}", f"r{m}", industry=SUGAR)
            g.collab(f"u{n}", f"r{m}", industry=SUGAR)
    g.collab("e0", "u0", industry=SUGAR)
    g.write(clean_graph)
    run_gap_analysis(clean_graph, "A-weak")
    sugar = industry(read_gaps(clean_graph, industry=SUGAR), SUGAR)
    weak = [g for g in sugar["missing_pairs"] if g["kind"] == "weak"]
    assert [w["sectors"] for w in weak] == [["industry", "academia"]]
    # 73 ties; 产学 possible 36 of 36+36+36+15+15+15 = 153 → E = 73·36/153
    assert weak[0]["expected"] == pytest.approx(73 * 36 / 153, abs=1e-3)
    assert not any(g["sectors"] in (["industry", "research"], ["academia", "research"])
                   for g in sugar["missing_pairs"])


def test_single_sector_platforms_and_missing_sectors(clean_graph: Store) -> None:
    g = sugar_graph()
    g.inst("u2", "academia")
    g.platform("P3", "u1", co_builders=("u2",), industries=(SUGAR,))      # academia + academia
    g.platform("P4", "u1", people=("e1",), industries=(SUGAR,))            # a person from an enterprise
    g.platform("P5", "u1", co_builders=("g1",), industries=(CARS,), city="柳州")
    g.write(clean_graph)
    run_gap_analysis(clean_graph, "A-single")
    rows = {r["key"]: r for r in clean_graph.read(
        "MATCH (p:Platform) RETURN p.key AS key, p.sectors AS sectors, p.single_sector AS single, "
        "p.missing_sectors AS missing, p.gap_run AS run")}
    assert rows["P1"]["single"] is True and rows["P1"]["sectors"] == ["academia"]
    assert rows["P1"]["missing"] == ["industry", "research", "user"]
    assert rows["P3"]["single"] is True
    assert rows["P4"]["single"] is False and rows["P4"]["sectors"] == ["industry", "academia"]
    assert rows["P2"]["single"] is False and rows["P5"]["single"] is False
    assert {r["run"] for r in rows.values()} == {"A-single"}
    data = read_gaps(clean_graph)
    assert [(p["id"], p["sector"]) for p in data["single_sector_platforms"]] == [("P1", "academia"),
                                                                                  ("P3", "academia")]
    assert data["single_sector_total"] == 2
    first = read_gaps(clean_graph, limit=1)
    assert len(first["single_sector_platforms"]) == 1 and first["single_sector_total"] == 2
    assert read_gaps(clean_graph, industry=CARS)["single_sector_platforms"] == []
    assert read_gaps(clean_graph, city="柳州")["single_sector_platforms"] == []


def test_brokers_by_burt_constraint(clean_graph: Store) -> None:
    sugar_graph().write(clean_graph)
    run_gap_analysis(clean_graph, "A-brokers")
    sugar = industry(read_gaps(clean_graph, industry=SUGAR), SUGAR)
    assert [b["id"] for b in sugar["brokers"]] == ["r1"]
    # star R1 – {E1 (2), E2 (1), U1 (3)}: constraint = Σ p² = (2/6)² + (1/6)² + (3/6)² = 14/36
    assert sugar["brokers"][0]["constraint"] == pytest.approx(14 / 36, abs=1e-6)
    star = nx.Graph()
    star.add_edge("r1", "e1", weight=2)
    star.add_edge("r1", "e2", weight=1)
    star.add_edge("r1", "u1", weight=3)
    assert nx.constraint(star, weight="weight")["r1"] == pytest.approx(14 / 36, abs=1e-9)
    row = clean_graph.read("MATCH (i:Institution {key: 'r1'}) RETURN i.broker AS broker, i.constraint AS c, "
                           "i.broker_industries AS inds")[0]
    assert row["broker"] is True and row["c"] == pytest.approx(14 / 36, abs=1e-6) and SUGAR in row["inds"]
    e1 = clean_graph.read("MATCH (i:Institution {key: 'e1'}) RETURN i.broker AS b, i.constraint AS c")[0]
    assert e1["b"] is False and e1["c"] == pytest.approx(1.0)


def partner_graph() -> CollabGraph:
    """e3 (enterprise in 蔗糖, no 学/研 tie). u1 and u3 host platforms serving 蔗糖. e3 already
    collaborates with u1 (on another industry) and shares platform P9 with u4 → never suggested."""
    g = sugar_graph()
    g.inst("e3", "industry", industries=(SUGAR, SUGAR_SEGMENT), city="崇左")
    g.inst("u3", "academia", city="崇左").inst("u4", "academia").inst("r3", "research", city="崇左")
    g.platform("P6", "u3", industries=(SUGAR_SEGMENT,), name="糖业工程中心")
    g.platform("P7", "r3", industries=(SUGAR,))
    g.platform("P8", "u4", industries=(SUGAR,))
    g.platform("P9", "e3", co_builders=("u4",), industries=(CARS,))
    g.collab("e3", "u1", industry=CARS)
    g.collab("e3", "e2", industry=SUGAR)  # a common partner is E2 ... (E2 has no academic tie either)
    return g


def test_suggested_partners_never_existing_collaborators_and_carry_reasons(clean_graph: Store) -> None:
    partner_graph().write(clean_graph)
    run_gap_analysis(clean_graph, "A-partners")
    data = read_gaps(clean_graph, industry=SUGAR, limit=50)
    by_enterprise: dict[str, list[dict]] = {}
    for s in data["suggested_partners"]:
        by_enterprise.setdefault(s["enterprise"]["id"], []).append(s)
        assert s["reason"] and s["industry"] == SUGAR and s["score"] > 0
        assert s["partner"]["sector"] in ("academia", "research")
    # E1 and E2 have a research tie (R1) in 蔗糖: nothing to suggest
    assert "e1" not in by_enterprise and "e2" not in by_enterprise
    e3 = [s["partner"]["id"] for s in by_enterprise["e3"]]
    assert "u1" not in e3 and "u4" not in e3  # collaborates / shares a platform
    assert sorted(e3) == ["r1", "r3", "u3"]
    existing = {tuple(sorted((r["a"], r["b"]))) for r in clean_graph.read(
        "MATCH (a:Institution)-[:COLLABORATES_WITH]->(b:Institution) RETURN a.key AS a, b.key AS b")}
    assert not any(tuple(sorted((s["enterprise"]["id"], s["partner"]["id"]))) in existing
                   for s in data["suggested_partners"])
    u3 = next(s for s in by_enterprise["e3"] if s["partner"]["id"] == "u3")
    assert "糖业工程中心" in u3["reason"] and "崇左" in u3["reason"]  # its platform, the shared city
    r1 = next(s for s in by_enterprise["e3"] if s["partner"]["id"] == "r1")
    assert "e2" in r1["reason"]  # the common partner
    # scores and order are networkx's Adamic–Adar index on the same context graph
    projection = load_projection(clean_graph)
    graph = context_graph(projection, collect(projection))
    aa = {v: score for _, v, score in nx.adamic_adar_index(graph, [("e3", c) for c in e3])}
    assert [s["score"] for s in by_enterprise["e3"]] == pytest.approx([aa[c] for c in e3], abs=1e-6)
    assert e3 == sorted(e3, key=lambda c: -aa[c])
    english = read_gaps(clean_graph, industry=SUGAR, lang="en")["suggested_partners"][0]
    assert "do not collaborate yet" in english["reason"]


def test_write_back_replaces_the_previous_run(clean_graph: Store) -> None:
    sugar_graph().write(clean_graph)
    run_gap_analysis(clean_graph, "A-first")
    assert clean_graph.read("MATCH (i:Institution {key: 'r1'}) RETURN i.broker AS b")[0]["b"] is True
    # R1's ties go away, an 产–学 tie appears, P1 gains an enterprise co-builder
    clean_graph.write("MATCH (:Institution {key: 'r1'})-[r:COLLABORATES_WITH]-() DELETE r")
    CollabGraph().collab("e1", "u1", industry=SUGAR).write(clean_graph)
    clean_graph.write("MATCH (p:Platform {key: 'P1'}), (e:Institution {key: 'e1'}) CREATE (p)-[:CO_BUILT_BY]->(e)")
    run_gap_analysis(clean_graph, "A-second")
    stale = clean_graph.read("MATCH (n) WHERE n.gap_run = 'A-first' RETURN count(n) AS n")[0]["n"]
    assert stale == 0
    r1 = clean_graph.read("MATCH (i:Institution {key: 'r1'}) RETURN i.broker AS b, i.constraint AS c, "
                          "i.gap_run AS run")[0]
    assert r1 == {"b": None, "c": None, "run": None}
    p1 = clean_graph.read("MATCH (p:Platform {key: 'P1'}) RETURN p.single_sector AS s, p.gap_run AS run")[0]
    assert p1 == {"s": False, "run": "A-second"}
    data = read_gaps(clean_graph, industry=SUGAR)
    assert data["run"] == "A-second"
    sugar = industry(data, SUGAR)
    assert ["industry", "academia"] not in [g["sectors"] for g in sugar["missing_pairs"]]
    stored = json.loads(clean_graph.read("MATCH (n:Industry {key: $k}) RETURN n.missing_pairs AS m",
                                         {"k": SUGAR})[0]["m"])
    assert [g["sectors"] for g in stored] == [g["sectors"] for g in sugar["missing_pairs"]]


def test_city_view_is_computed_on_the_city_subgraph(clean_graph: Store) -> None:
    sugar_graph().write(clean_graph)  # E2 is in 崇左, everyone else in 南宁
    run_gap_analysis(clean_graph, "A-city")
    nanning = industry(read_gaps(clean_graph, city="南宁市", industry=SUGAR), SUGAR)
    assert nanning["sectors"] == {"industry": 1, "academia": 1, "research": 1, "user": 1}
    assert pair(nanning, "industry", "research")["ties"] == 1  # E2–R1 crosses the city line
    # 崇左: E2 takes part (co-builds P2 in 南宁, ties with R1 in 南宁) but has no local partner
    chongzuo = read_gaps(clean_graph, city="崇左")
    assert [e["industry"] for e in chongzuo["industries"]] == [SUGAR]
    local = industry(chongzuo, SUGAR)
    assert local["sectors"] == {"industry": 1, "academia": 0, "research": 0, "user": 0}
    assert local["pairs"] and all(p["ties"] == 0 for p in local["pairs"])
    assert {g["kind"] for g in local["missing_pairs"]} == {"absent_sector"}


def test_bad_filters_are_usage_errors(clean_graph: Store) -> None:
    with pytest.raises(UsageError):
        read_gaps(clean_graph, industry="不存在的产业")
    with pytest.raises(UsageError):
        read_gaps(clean_graph, city="火星")
    empty = read_gaps(clean_graph)
    assert empty == {"run": None, "industry": None, "city": None, "industries": [],
                     "single_sector_platforms": [], "single_sector_total": 0, "suggested_partners": []}


def test_cli_gaps_json_shape_and_exit_codes(clean_graph: Store) -> None:
    from typer.testing import CliRunner

    from api.cli import app

    partner_graph().write(clean_graph)
    runner = CliRunner()
    result = runner.invoke(app, ["gaps", "--format", "json", "--industry", SUGAR])  # runs the analysis
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert set(data) >= {"industries", "single_sector_platforms", "suggested_partners"}
    entry = data["industries"][0]
    assert set(entry) >= {"industry", "sectors", "pairs", "missing_pairs", "synergy"}
    assert set(entry["synergy"]) >= {"t3", "t4"}
    assert all(set(p) == {"id", "name", "sector", "missing_sectors", "city", "status"}
               for p in data["single_sector_platforms"])
    assert data["suggested_partners"]
    for s in data["suggested_partners"]:
        assert set(s) >= {"enterprise", "partner", "industry", "score", "reason"}
        assert set(s["enterprise"]) == {"id", "name"} and set(s["partner"]) == {"id", "name", "sector"}
    runs = clean_graph.read("MATCH (r:AnalysisRun {kind: 'collaboration'}) RETURN r.status AS s")
    assert runs == [{"s": "completed"}]
    table = runner.invoke(app, ["gaps", "--city", "南宁"])
    assert table.exit_code == 0 and "单一部门平台" in table.stdout
    bad = runner.invoke(app, ["gaps", "--industry", "不存在的产业"])
    assert bad.exit_code == 2 and "Traceback" not in bad.output
    assert runner.invoke(app, ["gaps", "--city", "火星"]).exit_code == 2


def test_limit_keeps_the_best_suggestions(clean_graph: Store) -> None:
    partner_graph().write(clean_graph)
    run_gap_analysis(clean_graph, "A-limit")
    everything = read_gaps(clean_graph, limit=1000)["suggested_partners"]
    assert len(everything) >= 3
    best_two = read_gaps(clean_graph, limit=2)["suggested_partners"]
    assert [s["score"] for s in best_two] == [s["score"] for s in everything[:2]]
    assert [s["score"] for s in everything] == sorted((s["score"] for s in everything), reverse=True)
    with pytest.raises(UsageError):
        read_gaps(clean_graph, limit=0)
