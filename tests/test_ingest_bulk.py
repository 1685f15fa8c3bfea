"""The bulk first load (offline importer, ingest/bulk.py) gives the same graph as the Cypher path,
node for node, with the same rejects and run record; it runs only where it may."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from neo4j.time import DateTime

from graph import local_neo4j
from graph.errors import UsageError
from graph.settings import Settings
from graph.store import Store
from ingest.bulk import unavailable_reason
from ingest.bulk_csv import NodeFile, NotBulkable, RelFile, value_type
from ingest.pipeline import ingest_dataset
from tests.conftest import GraphState
from tests.test_ingest_pipeline import SMALL
from tests.test_ingest_write_paths import small_sample  # noqa: F401  (fixture)

NODES = """
MATCH (n) WHERE NOT n:IngestRun AND NOT n:IngestLock
RETURN labels(n) AS labels, properties(n) AS p, [k IN keys(n) | [k, valueType(n[k])]] AS types
"""
RELS = """
MATCH (a)-[r]->(b)
RETURN labels(a) AS al, a.key AS a, type(r) AS t, labels(b) AS bl, b.key AS b, properties(r) AS p,
       [k IN keys(r) | [k, valueType(r[k])]] AS types
"""


def graph_image(store: Store) -> tuple[Counter, Counter]:
    """Every node (labels, properties with their stored types) and every relationship (ends, type,
    properties), counted: duplicates or a LIST vs missing property both show. Provenance (src_run,
    which names the run) and the run records themselves are left out."""
    def frozen(props: dict, types: list) -> str:
        return json.dumps({k: [v, dict(types)[k]] for k, v in props.items() if k != "src_run"},
                          sort_keys=True, ensure_ascii=False, default=str)

    nodes = Counter((tuple(r["labels"]), frozen(r["p"], r["types"])) for r in store.read(NODES))
    rels = Counter((tuple(r["al"]), r["a"], r["t"], tuple(r["bl"]), r["b"], frozen(r["p"], r["types"]))
                   for r in store.read(RELS))
    return nodes, rels


def _run_record(store: Store, run: str) -> dict:
    row = store.read("MATCH (r:IngestRun {key: $k}) RETURN r.status AS status, r.read AS read, "
                     "r.rejected AS rejected, r.loaded AS loaded", {"k": run})[0]
    return {**row, "loaded": json.loads(row["loaded"])}


def _needs_local_engine(engine: Settings) -> None:
    if "bulk-import" not in local_neo4j.engine_features(engine):
        pytest.fail("the test engine must be the local launcher of this build (restart it: it predates "
                    "the bulk import)")


@pytest.mark.parametrize("dataset", ["small", "sample"])
def test_bulk_load_equals_cypher_load(engine: Settings, clean_graph: Store, graph_state: GraphState,
                                      small_sample: Path,  # noqa: F811
                                      tmp_path: Path, dataset: str) -> None:
    _needs_local_engine(engine)
    data = SMALL if dataset == "small" else small_sample
    bulk = ingest_dataset(clean_graph, data, rejects_path=tmp_path / "bulk-rejects.csv", bulk=True)
    assert bulk["write_path"] == "bulk"
    bulk_image, bulk_run = graph_image(clean_graph), _run_record(clean_graph, bulk["run"])
    assert not clean_graph.read("MATCH (l:IngestLock) RETURN l")  # released after the restart

    graph_state.reset()
    cypher = ingest_dataset(clean_graph, data, rejects_path=tmp_path / "cypher-rejects.csv", bulk=False)
    assert cypher["write_path"] == "cypher"
    cypher_image = graph_image(clean_graph)

    assert sum(bulk_image[0].values()) > 20 and sum(bulk_image[1].values()) > 20
    assert bulk_image[0] == cypher_image[0]
    assert bulk_image[1] == cypher_image[1]
    assert bulk_run == _run_record(clean_graph, cypher["run"])
    assert bulk_run["status"] == "completed"
    assert (tmp_path / "bulk-rejects.csv").read_bytes() == (tmp_path / "cypher-rejects.csv").read_bytes()
    assert bulk["loaded"] == cypher["loaded"] and bulk["rejected"] == cypher["rejected"]
    # constraints and indexes were rebuilt after the import
    names = {r["name"] for r in clean_graph.read("SHOW INDEXES YIELD name, state WHERE state = 'ONLINE' "
                                                 "RETURN name")}
    assert {"platform_key_unique", "institution_name_idx", "name_fulltext"} <= names


def test_bulk_only_into_an_empty_local_graph(engine: Settings, clean_graph: Store, tmp_path: Path) -> None:
    _needs_local_engine(engine)
    assert unavailable_reason(clean_graph, 10, forced=True) is None
    assert "rows" in (unavailable_reason(clean_graph, 10, forced=False) or "")  # small: Cypher is faster
    ingest_dataset(clean_graph, SMALL, rejects_path=tmp_path / "r.csv", bulk=False)
    assert "already holds data" in (unavailable_reason(clean_graph, 10**7, forced=True) or "")
    with pytest.raises(UsageError):
        ingest_dataset(clean_graph, SMALL, rejects_path=tmp_path / "r2.csv", bulk=True)
    again = ingest_dataset(clean_graph, SMALL, rejects_path=tmp_path / "r3.csv")
    assert again["write_path"] == "cypher" and "already holds data" in again["bulk_skipped"]


def test_remote_graph_keeps_the_transactional_path(engine: Settings, clean_graph: Store) -> None:
    remote = Store(engine.model_copy(update={"neo4j_uri": "bolt://neo4j.example.org:7687"}))
    try:
        assert "local engine" in (unavailable_reason(remote, 10**7, forced=True) or "")
    finally:
        remote.close()


def test_import_files_keep_types_and_refuse_what_they_cannot_carry(tmp_path: Path) -> None:
    assert value_type(True) == "boolean" and value_type(3) == "long" and value_type(0.5) == "double"
    assert value_type(["a"]) == "string[]" and value_type([]) is None
    assert value_type(DateTime(2026, 1, 2, 3, 4, 5)) == "datetime"
    nodes = NodeFile(tmp_path, "Platform")
    nodes.add("p1", {"name": "", "fields": [], "established": 2001, "note": None, "tags": ['含"引号', "b,c"]})
    nodes.add("p2", {"name": "平台", "fields": ["x"], "established": None})
    header, data = nodes.write()
    assert header.read_text(encoding="utf-8").strip() == (
        "key:ID(Platform),name:string,fields:string[],established:long,tags:string[]")
    first, second = data.read_text(encoding="utf-8").splitlines()
    assert first == '"p1","",,2001,"含""引号\x1fb,c"'  # "" is an empty string, nothing is no property
    assert second == '"p2","平台","x",,'
    # set after the import, by key: these nodes carry no run provenance, so a scan could not tell
    assert nodes.empty_list_fixes() == ([], [{"key": "p1", "props": {"fields": []}}])
    with pytest.raises(NotBulkable):
        nodes.add("p3", {"established": "2001"})  # one column, one type
        nodes.scan()
    with pytest.raises(NotBulkable):
        nodes.add("p1", {})  # one node per key
        nodes.scan()

    # plan rows come from a source read twice (types, then lines), never copied; the run's
    # provenance is a constant column. A property every row carries as a list is fixed by one scan.
    planned: dict[str, dict[str, Any]] = {"q1": {"fields": [], "flags": []}, "q2": {"fields": ["a"], "flags": None}}
    run_nodes = NodeFile(tmp_path, "Researcher", {"src_run": "R1"})
    run_nodes.add_source(lambda: (((k,), v) for k, v in planned.items()))
    header, data = run_nodes.write()
    assert header.read_text(encoding="utf-8").strip() == (
        "key:ID(Researcher),src_run:string,fields:string[],flags:string[]")
    assert data.read_text(encoding="utf-8").splitlines() == ['"q1","R1",,', '"q2","R1","a",']
    assert run_nodes.empty_list_fixes() == (["fields"], [{"key": "q1", "props": {"flags": []}}])
    planned["q3"] = {"fields": 7}
    with pytest.raises(NotBulkable):
        run_nodes.scan()
    rels = RelFile(tmp_path, "MEMBER_OF", "Researcher", "Platform")
    with pytest.raises(NotBulkable):
        rels.add("r", "p1", {"roles": []})
