"""The report's numbers equal the query functions' (the API's) numbers for the same graph, here the
sample dataset at small size, ingested and analysed; and both writers carry the model's tables
unchanged. Also: the sparse Burt constraint equals networkx's on small graphs."""

from __future__ import annotations

import math
import random
from collections import Counter, defaultdict
from pathlib import Path

import networkx as nx
import pytest
from docx import Document

from graph.store import Store
from tests.conftest import GraphState
from tests.test_report_build import parse_html
from viz.report import build_report, compose_report
from viz.report.model import Paragraph, Report, Table, safe_text
from viz.report.network import burt_constraint

SAMPLE_PLATFORMS = 120


@pytest.fixture(scope="module")
def small_sample(store: Store, graph_state: GraphState, tmp_path_factory: pytest.TempPathFactory) -> Store:
    from ingest.pipeline import ingest_dataset
    from ingest.sample import generate_sample
    from queries.analyze import run_all

    out = tmp_path_factory.mktemp("sample")
    generate_sample(out, platforms=SAMPLE_PLATFORMS, seed=7)
    def build(store: Store) -> Store:
        ingest_dataset(store, out, rejects_path=out / "rejects.csv")
        run_all(store)
        return store

    return graph_state.use("report-sample", build)


@pytest.fixture(scope="module")
def report(small_sample: Store) -> Report:
    return compose_report(small_sample, charts=False)


def table(report: Report, kind: str) -> Table:
    found = report.tables(kind)
    assert len(found) == 1, f"expected one {kind} table"
    return found[0]


def test_summary_counts_equal_the_graph(small_sample: Store, report: Report) -> None:
    rows = small_sample.read("MATCH (p:Platform) RETURN p.level AS level, p.status AS status, count(*) AS n")
    by_level: Counter = Counter()
    for r in rows:
        by_level[r["level"]] += r["n"]
    labels = {"national": "国家级", "regional": "自治区级", "municipal": "市级"}
    assert {row[0]: row[1] for row in table(report, "summary-level").rows} == {
        labels[k]: v for k, v in by_level.items()}
    total = sum(by_level.values())
    for dimension in ("category", "type", "status", "city"):
        assert sum(row[1] for row in table(report, f"summary-{dimension}").rows) == total


def test_targets_equal_targets_vs_actual(small_sample: Store, report: Report) -> None:
    from queries.coverage import targets_vs_actual

    expected = [e for e in targets_vs_actual(small_sample) if e["target_total"] is not None]  # those with a target
    rows = table(report, "targets").rows
    assert len(rows) == len(expected) > 0
    assert [(r[3], r[4], r[5]) for r in rows] == [(e["holding"], e["target_total"], e["distance_total"])
                                                 for e in expected]


def test_network_size_equals_the_graph(small_sample: Store, report: Report) -> None:
    pairs = small_sample.read(
        "MATCH (a:Institution)-[:COLLABORATES_WITH]->(b:Institution) WITH DISTINCT a, b "
        "RETURN count(*) AS pairs, size(collect(DISTINCT a) + collect(DISTINCT b)) AS ends")[0]
    connected = small_sample.read(
        "MATCH (i:Institution) WHERE EXISTS { (i)-[:COLLABORATES_WITH]-() } RETURN count(i) AS n")[0]["n"]
    stats = {row[0]: row[1] for row in table(report, "network-stats").rows}
    assert stats["合作关系（单位对）"] == pairs["pairs"] > 0
    assert stats["有合作的单位数（网络规模）"] == connected
    brokers = table(report, "network-brokers").rows
    assert brokers and [r[4] for r in brokers] == sorted(r[4] for r in brokers)


def test_overlap_groups_equal_read_groups(small_sample: Store, report: Report) -> None:
    from queries.overlap import read_groups
    from viz.report.sec_overlap import LISTED

    expected = read_groups(small_sample, lang="zh", limit=200, offset=0)
    rows = table(report, "overlap-groups").rows
    assert expected["total"] > 0 and len(rows) == min(LISTED, len(expected["groups"]))
    by_names = {"；".join(p["name"] for p in g["platforms"]): g for g in expected["groups"]}
    for row in rows:  # the strongest groups, each as read_groups gives it
        assert row[4] == "；".join(by_names[row[1]]["reasons"])
    assert str(expected["total"]) in report.blocks[report.blocks.index(table(report, "overlap-groups")) - 1].text


def test_gaps_equal_read_gaps(small_sample: Store, report: Report) -> None:
    from queries.collaboration import read_gaps

    expected = read_gaps(small_sample, industry=None, city=None, lang="zh", limit=50)
    rows = table(report, "gaps-industries").rows
    assert len(rows) == len(expected["industries"]) > 0
    for row, entry in zip(rows, expected["industries"], strict=True):
        t3, t4 = entry["synergy"]["t3"], entry["synergy"]["t4"]
        assert row[4] == (None if t3 is None else round(t3, 4))
        assert row[5] == (None if t4 is None else round(t4, 4))
        assert row[2] == sum(p["ties"] for p in entry["pairs"])
    singles = table(report, "gaps-single-sector").rows  # names, not keys: the first six
    assert [r[0] for r in singles] == [p["name"] for p in expected["single_sector_platforms"][:6]]


def test_coverage_equals_read_coverage(small_sample: Store, report: Report) -> None:
    from queries.coverage import read_coverage

    expected = read_coverage(small_sample, lang="zh")
    cells: dict[tuple[str, str], int] = defaultdict(int)
    for row in expected["matrix"]:
        if row["industry_level"] == "industry":
            cells[(row["industry"], row["category"])] += row["count"]
    rows = table(report, "coverage-matrix").rows
    categories = ["science_engineering", "innovation_transfer", "basic_support"]
    assert {r[0]: r[1:4] for r in rows} == {
        ind: [cells[(ind, c)] for c in categories] for ind in {k for k, _ in cells}}
    gaps = table(report, "coverage-gaps").rows
    assert [r[0] for r in gaps] == [g["rank"] for g in expected["gaps"][:8]]
    assert [r[3] for r in gaps] == [g["reason"] for g in expected["gaps"][:8]]


def test_plan_equals_build_plan(small_sample: Store, report: Report) -> None:
    from queries.plan import build_plan
    from viz.report.sec_plan import LISTED

    expected = build_plan(small_sample, lang="zh")
    # the report shows each batch's first LISTED items; the full lists are in the plan workbook (issue 18)
    for batch in ("optimise", "retire", "build"):
        assert len(table(report, f"plan-{batch}").rows) == min(LISTED, len(expected[batch]))
    assert [r[1] for r in table(report, "plan-retire").rows] == [item["name"] for item in expected["retire"][:LISTED]]
    for batch in ("optimise", "retire", "build"):  # the counts stated are the whole batches'
        assert str(len(expected[batch])) in " ".join(b.text for b in report.blocks if isinstance(b, Paragraph))
    assert expected["retire"] and expected["build"]


def test_provenance_lists_the_ingest_and_analysis_runs(small_sample: Store, report: Report) -> None:
    from queries.runs import latest_run

    ingest = table(report, "provenance-ingest").rows
    assert len(ingest) == 1 and ingest[0][2] == "已完成"  # the stored 'completed', in the report's language
    # The analysis run is named once, in the method section, and nowhere else in the body.
    key = latest_run(small_sample)["key"]
    texts = [b.text for b in report.blocks if isinstance(b, Paragraph)]
    texts += [str(c) for t in report.tables() for row in t.rows for c in row]
    assert sum(key in text for text in texts) == 1


def test_writers_carry_the_model_tables_unchanged(small_sample: Store, tmp_path: Path) -> None:
    model = compose_report(small_sample, charts=False)
    html = parse_html(build_report(small_sample, tmp_path / "r.html", charts=False))
    for block in model.tables():
        expected = [[safe_text(c) for c in block.columns], *block.text_rows()] if block.rows else None
        if expected:
            assert html.tables[block.kind] == expected, block.kind
    docx_tables = Document(str(build_report(small_sample, tmp_path / "r.docx", fmt="docx", charts=False))).tables
    assert len(docx_tables) == len(model.tables())
    for block, doc_table in zip(model.tables(), docx_tables, strict=True):
        got = [[cell.text for cell in row.cells] for row in doc_table.rows]
        assert got == [block.columns, *block.text_rows()], block.kind


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_sparse_burt_constraint_equals_networkx(seed: int) -> None:
    rnd = random.Random(seed)
    graph = nx.gnm_random_graph(40, 90, seed=seed)
    for u, v in graph.edges:
        graph[u][v]["weight"] = rnd.randint(1, 6)
    graph.add_node("isolated")
    ours, theirs = burt_constraint(graph), nx.constraint(graph, weight="weight")
    for node in graph:
        if math.isnan(theirs[node]):
            assert math.isnan(ours[node])
        else:
            assert ours[node] == pytest.approx(theirs[node], rel=1e-12)


def test_burt_constraint_hand_computed_star() -> None:
    # a star: the centre's three partners do not know each other, so C = 3 × (1/3)² = 1/3;
    # each leaf depends on its one partner only, so C = 1.
    star = nx.star_graph(3)
    nx.set_edge_attributes(star, 1, "weight")
    got = burt_constraint(star)
    assert got[0] == pytest.approx(1 / 3) and all(got[i] == pytest.approx(1.0) for i in (1, 2, 3))


def test_executive_gaps_leave_segment_basic_support_to_the_industry(small_sample: Store, report: Report) -> None:
    """The plan never builds 基础支撑 per chain segment, so the summary's gap table lists the other
    gaps in coverage order and counts those segment gaps in a sentence instead of a column of
    「本期未列入新建」."""
    from queries.coverage import read_coverage

    gaps = read_coverage(small_sample, lang="zh")["gaps"]
    segment = [g for g in gaps if g["kind"] == "category" and g["value"] == "basic_support"
               and g["industry_level"] == "segment"]
    listed = [g["rank"] for g in gaps if g not in segment][:10]
    assert [r[0] for r in table(report, "executive-gaps").rows] == listed
    text = " ".join(b.text for b in report.blocks if isinstance(b, Paragraph))
    assert segment, "the sample has segment gaps of 基础支撑 (the case this test is about)"
    assert f"另有 {len(segment)} 处产业环节缺少基础支撑与条件保障类平台" in text
