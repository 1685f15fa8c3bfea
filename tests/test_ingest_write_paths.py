"""The two write paths of the ingest (CREATE for new nodes, MERGE for known ones) and the pipelined
writer give the same graph, and a retried batch never creates anything twice."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from graph.store import Store
from ingest.load_plan import SEGMENTS, Planner
from ingest.pipeline import ingest_dataset
from ingest.readers import read_dataset
from ingest.writer import ALL_SOURCES, BY_ID_SPECS, FRESH_QUERIES, write_plan, write_steps
from tests.conftest import GraphState
from tests.test_ingest_pipeline import SMALL, graph_counts, snapshot

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def small_sample(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A generated sample small enough to load three times in a test (300 platforms)."""
    out = tmp_path_factory.mktemp("sample300") / "s"
    code = ("import sys; from pathlib import Path; from ingest.sample import generate_sample; "
            "generate_sample(Path(sys.argv[1]), platforms=300, seed=5)")
    subprocess.run([sys.executable, "-c", code, str(out)], check=True, cwd=REPO)
    return out


def _merge_only(store: Store, data: Path) -> None:
    """Write a dataset as if every node already existed: the MERGE path only, no pipelining."""
    plan = Planner(store, read_dataset(data)).build()
    for label in plan.existing:
        plan.existing[label] = set(plan.nodes.get(label, {}))
    steps = write_steps(plan)
    assert not any(query in FRESH_QUERIES.values() for _name, query, _rows in steps)
    write_plan(store, plan, "merge-only")


@pytest.mark.parametrize("dataset", ["small", "sample"])
def test_create_path_equals_merge_path(clean_graph: Store, graph_state: GraphState, small_sample: Path,
                                       tmp_path: Path, dataset: str) -> None:
    data = SMALL if dataset == "small" else small_sample
    ingest_dataset(clean_graph, data, rejects_path=tmp_path / "r.csv")
    created = snapshot(clean_graph)
    assert len(created[0]) > 20 and len(created[1]) > 20
    graph_state.reset()
    _merge_only(clean_graph, data)
    assert snapshot(clean_graph) == created


def test_new_nodes_take_the_create_path(clean_graph: Store, small_sample: Path) -> None:
    plan = Planner(clean_graph, read_dataset(small_sample)).build()
    names = [name for name, _query, _rows in write_steps(plan)]
    assert {"Institution (new, with relationships)", "Platform (new, with relationships)",
            "Researcher (new, with relationships)"} <= set(names)
    # their relationships ride along: no separate MERGE step for edges that start from new nodes
    assert not {"HOSTED_BY", "WORKS_AT", "MEMBER_OF", "IN_INDUSTRY"} & set(names)


@pytest.mark.parametrize("by_id", [False, True], ids=["by-key", "by-element-id"])
def test_retried_create_batches_create_nothing_twice(clean_graph: Store, small_sample: Path, by_id: bool) -> None:
    plan = Planner(clean_graph, read_dataset(small_sample)).build()
    steps = write_steps(plan, store=clean_graph if by_id else None)
    by_id_queries = {query for query, _fields in BY_ID_SPECS.values()}
    assert any(query in by_id_queries for _name, query, _rows in steps) == by_id
    for _name, query, rows in steps:
        clean_graph.upsert_batches(query, rows, extra={"run": "first"})
    once = graph_counts(clean_graph)
    for _name, query, rows in steps:  # as if the driver re-sent every batch after it had committed
        clean_graph.upsert_batches(query, rows, extra={"run": "again"})
    assert graph_counts(clean_graph) == once
    assert once["Researcher"] == len(plan.nodes["Researcher"])
    assert once["MEMBER_OF"] == len(plan.rels["MEMBER_OF"])


def test_segments_write_every_row_once(clean_graph: Store, small_sample: Path) -> None:
    """Writing the plan segment by segment gives exactly the steps of the whole plan (topics, merged
    again with the researchers, aside)."""
    dataset = read_dataset(small_sample)
    planner = Planner(clean_graph, dataset)
    by_segment: list[tuple[str, int]] = []
    for sources in planner.segments():
        by_segment += [(name, len(rows)) for name, _q, rows in write_steps(planner.plan, sources)]
    whole = [(name, len(rows)) for name, _q, rows in write_steps(planner.plan, ALL_SOURCES)]
    assert sorted(s for s in by_segment if s[0] != "Topic") == sorted(s for s in whole if s[0] != "Topic")
    assert set().union(*(sources for _tables, sources in SEGMENTS)) == ALL_SOURCES


def test_parallel_writers_give_the_serial_graph(clean_graph: Store, graph_state: GraphState, small_sample: Path) -> None:
    """Small batches over three concurrent transactions: the same graph as one batch at a time."""
    from ingest.writer import PARALLEL_STEPS

    plan = Planner(clean_graph, read_dataset(small_sample)).build()
    parallel_rows = sum(len(rows) for name, _q, rows in write_steps(plan) if name in PARALLEL_STEPS)
    assert parallel_rows > 10 * 40  # many batches of 40 really run side by side
    write_plan(clean_graph, plan, "serial", batch_size=40, writers=1)
    serial, serial_counts = snapshot(clean_graph), graph_counts(clean_graph)
    graph_state.reset()
    plan = Planner(clean_graph, read_dataset(small_sample)).build()
    write_plan(clean_graph, plan, "parallel", batch_size=40, writers=3)
    assert graph_counts(clean_graph) == serial_counts  # nothing written twice (snapshots are sets)
    assert snapshot(clean_graph) == serial


def test_error_in_a_parallel_step_reaches_the_caller(clean_graph: Store) -> None:
    from ingest.writer import BackgroundWriter

    writer = BackgroundWriter(clean_graph, "r", batch_size=1, writers=2)
    rows = [{"x": i} for i in range(6)]
    writer.submit([("COLLABORATES_WITH", "UNWIND $rows AS row RETURN 1 / (row.x - 3) AS boom", rows)])
    with pytest.raises(Exception, match="/ by zero|division"):
        writer.finish()


def test_write_error_on_the_writer_thread_reaches_the_caller(clean_graph: Store, tmp_path: Path) -> None:
    from ingest.writer import BackgroundWriter

    writer = BackgroundWriter(clean_graph, "r")
    writer.submit([("broken", "UNWIND $rows AS row RETURN row.x / 0 AS boom", [{"x": 1}])])
    with pytest.raises(Exception, match="/ by zero|division"):
        writer.finish()


def test_by_id_creates_seek_their_ends_by_element_id(store: Store) -> None:
    """The point of the ``*_BY_ID`` queries: each edge's far end is a NodeByElementIdSeek, and the
    only index seek left is the "not there yet" guard on the new node's own key."""
    def operators(plan: dict) -> list[str]:
        return [plan["operatorType"].split("@")[0]] + [op for c in plan.get("children", []) for op in operators(c)]

    for label, (query, fields) in BY_ID_SPECS.items():
        with store.driver.session() as session:
            plan = session.run("EXPLAIN " + query, {"rows": [], "run": "x"}).consume().plan
        ops = operators(plan)
        assert ops.count("NodeByElementIdSeek") == len(fields), label
        assert sum(op.startswith("NodeUniqueIndexSeek") for op in ops) == 1, label
