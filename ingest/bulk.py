"""Bulk first load: write a validated plan with Neo4j's offline importer instead of Cypher.

Why: on an empty graph every node is new, so the transactional path's work — a unique-index lookup
and a lock per node and per relationship, in batches of 5,000 — buys nothing that the offline
importer (``neo4j-admin database import full``; ``graph/engine/BulkImport.java``) does not do
an order of magnitude faster by writing the store files directly.

What stays the same: reading, validation, entity resolution, rejects, ambiguities and the
``IngestRun`` are the pipeline's (:mod:`ingest.pipeline`); only the write step differs. The graph
is the same node for node (``tests/test_ingest_bulk.py`` compares both paths on the sample):

1. the few steps that touch reference data (dataset industries, their ``PART_OF`` /
   ``LAID_OUT_IN``, targets) run through their usual Cypher upserts on the live graph, so their
   ``coalesce`` rules over the reference values hold;
2. everything then in the graph (reference data, runs, the ingest lock) and every planned new node
   with its relationships — exactly the rows the ``CREATE`` queries of :mod:`ingest.writer` would
   write — become import files (:mod:`ingest.bulk_csv`);
3. the engine is stopped, the importer replaces the ``neo4j`` database, the engine is started;
4. constraints and indexes are applied (:func:`build_schema`, two constraints at a time), the remaining steps
   (evaluations) run through Cypher, and properties that are empty lists (which the importer cannot
   write) are set. The pipeline then infers industries as after any load.

When: only for the local engine (``graph/local_neo4j.py``: we must be able to stop and start it)
holding no data yet (reference data and run records only), and only when the plan holds nothing
the importer cannot reproduce (:class:`NotBulkable`) — otherwise the transactional path runs.
Below :data:`AUTO_MIN_ROWS` rows the transactional path is faster (the restart costs seconds) and is
used unless ``--bulk`` asks for this one.
"""

from __future__ import annotations

import shutil
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from graph import local_neo4j
from graph.schema import apply_schema, check_label, schema_statements
from graph.store import Store
from ingest.bulk_csv import PROPERTY_NAME, NodeFile, NotBulkable, RelFile, import_args
from ingest.load_plan import Pairs, Plan
from ingest.writer import (
    FRESH_QUERIES,
    NODE_QUERIES,
    REL_SPECS,
    SHARED_RELS,
    _node_props,
    write_steps,
)

AUTO_MIN_ROWS = 200_000  # rows read (~9,000 platforms); below this the Cypher path is as fast

# Labels that hold data: a graph with any of these is not empty (reference data and run records are
# carried over by the import).
HAS_DATA = """
CALL () { MATCH (n:Platform) RETURN n LIMIT 1
  UNION MATCH (n:Institution) RETURN n LIMIT 1
  UNION MATCH (n:Researcher) RETURN n LIMIT 1
  UNION MATCH (n:Topic) RETURN n LIMIT 1
  UNION MATCH (n:Target) RETURN n LIMIT 1
  UNION MATCH (n:OverlapGroup) RETURN n LIMIT 1
  UNION MATCH (n:Evaluation) RETURN n LIMIT 1
  UNION MATCH (n:Industry) WHERE n.reference IS NULL OR n.reference = false RETURN n LIMIT 1 }
RETURN count(n) AS n
"""

EXPORT_NODES = "MATCH (n) RETURN labels(n) AS labels, properties(n) AS props"
EXPORT_RELS = """
MATCH (a)-[r]->(b)
RETURN labels(a) AS a_labels, a.key AS a, type(r) AS rel, labels(b) AS b_labels, b.key AS b, properties(r) AS props
"""

# Steps run through Cypher before the export: they upsert reference-side nodes whose final values
# depend on what the graph holds (coalesce over the reference list).
PRE_STEPS = frozenset({"Industry", "PART_OF", "LAID_OUT_IN", "Target", "prune PART_OF", "prune LAID_OUT_IN"})

REFERENCE_KEYS = """
MATCH (n) WHERE n:City OR n:PlatformType OR n:Industry
RETURN labels(n)[0] AS label, n.key AS key
"""

SET_EMPTY_LISTS_TEMPLATE = "UNWIND $rows AS row MATCH (n:{label} {{key: row.key}}) SET n += row.props"
# A property every imported row of the run carries as a list is missing after the import only where
# the list is empty: one scan sets it, in batches (no key lookups, nothing sent from Python).
EMPTY_LIST_SCAN_TEMPLATE = (
    "MATCH (n:{label}) WHERE n.src_run = $run AND n.{prop} IS NULL "
    "CALL (n) {{ SET n.{prop} = [] }} IN TRANSACTIONS OF 20000 ROWS")


SCHEMA_THREADS = 2  # the machine's two cores: each uniqueness constraint is populated by its creator


def build_schema(store: Store) -> None:
    """Constraints and indexes on the freshly imported store (the importer builds none).

    Why the constraints two at a time: creating a uniqueness constraint populates and checks its
    index in the creating transaction, one label after another, on one core; two sessions keep both
    cores busy (20,000 platforms: 7.5-9.7 s one by one, 5.0-8.9 s two at a time, on the busy shared
    machine). The other indexes populate in the background anyway; :func:`graph.schema.apply_schema`
    then creates whatever is still missing (the constraints are there: ``IF NOT EXISTS``) and waits
    until every index is online.
    """
    constraints = [s for s in schema_statements() if s.startswith("CREATE CONSTRAINT")]
    with ThreadPoolExecutor(SCHEMA_THREADS, thread_name_prefix="platgraph-schema") as pool:
        list(pool.map(store.write, constraints))
    apply_schema(store)


def set_empty_lists_query(label: str) -> str:
    """Sets the properties that are empty lists on nodes of ``label`` (whitelisted) after the import."""
    return SET_EMPTY_LISTS_TEMPLATE.format(label=check_label(label))


def unavailable_reason(store: Store, rows_read: int, *, forced: bool) -> str | None:
    """Why the bulk path cannot (or should not) run for this load, or ``None`` when it will."""
    settings = store.settings
    if not settings.uses_local_engine or not local_neo4j.is_running(settings):
        return "the graph is not the local engine this process can stop and start"
    if "bulk-import" not in local_neo4j.engine_features(settings):
        return "the running engine predates the bulk import: restart it (platgraph db stop; platgraph db start)"
    if store.read(HAS_DATA)[0]["n"]:
        return "the graph already holds data"
    if not forced and rows_read < AUTO_MIN_ROWS:
        return f"fewer than {AUTO_MIN_ROWS:,} rows (the transactional path is faster)"
    return None


Step = tuple[str, str, Sequence[dict[str, Any]]]

# Labels the import writes from the plan (every planned node of them is new on an empty graph), and
# the plan's sources whose steps stay Cypher (reference-side industries before, evaluations after).
IMPORTED_LABELS = ("Institution", "Platform", "Researcher")
CYPHER_SOURCES = frozenset({"Industry", "Target", "Evaluation"})


def _split_steps(plan: Plan) -> tuple[list[Step], list[Step]]:
    """The plan's write steps that stay Cypher: ``(before the import, after it)``. The import
    writes the new institutions, platforms and researchers with their relationships, topics and
    collaborations; reference-side steps run before (their nodes go into the import files); the
    other steps (evaluations, which point at imported platforms) run after, in the writer's order —
    as on the Cypher path, where they also run after those nodes exist. Raises NotBulkable when the
    plan would update nodes the graph already holds (only an empty graph is bulk-loaded, so this
    means a new kind of step)."""
    for label in IMPORTED_LABELS:
        existing = plan.existing.get(label, set())
        if existing and any(key in existing for key in plan.nodes.get(label, {})):
            raise NotBulkable(f"the plan updates {label} nodes the graph already holds")
    for (a, rel, _b), targets in plan.prune.items():
        if a not in CYPHER_SOURCES and targets:
            raise NotBulkable(f"write step 'prune {rel}' updates nodes the graph already holds")
    known = {label for label, _q in NODE_QUERIES} | {"COLLABORATES_WITH"}
    if set(plan.nodes) - known or set(FRESH_QUERIES) - set(IMPORTED_LABELS):
        raise NotBulkable("the plan holds a kind of node this bulk load does not know")
    pre: list[Step] = []
    post: list[Step] = []
    for name, query, rows in write_steps(plan, CYPHER_SOURCES):
        (pre if name in PRE_STEPS else post).append((name, query, rows))
    return pre, post


class BulkLoad:
    """Builds the import files for one plan and runs the offline import (see the module docstring)."""

    def __init__(self, store: Store, plan: Plan, run: str, directory: Path) -> None:
        self.store, self.plan, self.run, self.directory = store, plan, run, directory
        self.nodes: dict[str, NodeFile] = {}
        self.rels: dict[tuple[str, str, str], RelFile] = {}
        self.seconds: dict[str, float] = {}
        self.provenance = {"src_run": run}

    def _node(self, label: str, constant: dict[str, Any] | None = None) -> NodeFile:
        if label not in self.nodes:
            self.nodes[label] = NodeFile(self.directory, label, constant)
        return self.nodes[label]

    def _rel(self, rel: str, a: str, b: str, constant: dict[str, Any] | None = None) -> RelFile:
        if (rel, a, b) not in self.rels:
            self.rels[(rel, a, b)] = RelFile(self.directory, rel, a, b, constant)
        return self.rels[(rel, a, b)]

    def _timed(self, name: str, began: float) -> None:
        self.seconds[name] = round(time.perf_counter() - began, 3)

    def check(self) -> None:
        """Find the plan's import files and their column types, raising :class:`NotBulkable` before
        anything is written if the import cannot reproduce the plan exactly (a step that updates
        nodes the graph holds, or values one column type cannot carry)."""
        self.pre, self.post = _split_steps(self.plan)
        known: dict[str, set[str]] = {}
        for row in self.store.read(REFERENCE_KEYS):
            known.setdefault(row["label"], set()).add(row["key"])
        known.setdefault("Industry", set()).update(self.plan.nodes.get("Industry", {}))
        self._add_plan(known)
        for table in [*self.nodes.values(), *self.rels.values()]:
            table.scan()

    def run_load(self, on_step: Callable[[str], Any] | None = None) -> dict[str, float]:
        if not hasattr(self, "pre"):
            self.check()
        began = time.perf_counter()
        for name, query, rows in self.pre:
            self.store.upsert_batches(query, rows, extra={"run": self.run})
            if on_step:
                on_step(name)
        self._timed("cypher (reference-side steps)", began)

        began = time.perf_counter()
        self._export_graph()
        self.directory.mkdir(parents=True, exist_ok=True)
        args = import_args(self.nodes.values(), self.rels.values(), database=self.store.database,
                           report=self.directory / "import.report")
        self._timed("write import files", began)

        began = time.perf_counter()
        local_neo4j.import_in_engine(self.store.settings, [*args[:-1], "--max-off-heap-memory=1g", args[-1]])
        self.store.reconnect()
        self._timed("offline import (database closed, imported, opened)", began)

        began = time.perf_counter()
        build_schema(self.store)
        self._timed("constraints and indexes", began)
        began = time.perf_counter()
        for _name, query, rows in self.post:
            self.store.upsert_batches(query, rows, extra={"run": self.run})
        self._timed("cypher (steps after the import)", began)
        began = time.perf_counter()
        self._set_empty_lists()
        self._timed("empty lists", began)
        shutil.rmtree(self.directory, ignore_errors=True)
        return self.seconds

    def _set_empty_lists(self) -> None:
        """Properties that are empty lists, which the importer cannot write (:mod:`ingest.bulk_csv`)."""
        with self.store.driver.session(database=self.store.database) as session:
            for label, node in self.nodes.items():
                scan, by_key = node.empty_list_fixes()
                for prop in scan:  # auto-commit: CALL … IN TRANSACTIONS needs it
                    session.run(empty_list_scan_query(label, prop), {"run": self.run}).consume()
                if by_key:
                    self.store.upsert_batches(set_empty_lists_query(label), by_key, batch_size=20_000)

    # ------------------------------------------------------------------ the rows
    def _export_graph(self) -> None:
        """Everything the graph holds now (reference data, runs, the lock, the pre-steps' nodes)."""
        for row in self.store.read(EXPORT_NODES):
            labels, props = row["labels"], row["props"]
            if len(labels) != 1 or not isinstance(props.get("key"), str):
                raise NotBulkable(f"a node without exactly one label and a key: {labels}")
            self._node(labels[0]).add(props["key"], props)
        for row in self.store.read(EXPORT_RELS):
            self._rel(row["rel"], row["a_labels"][0], row["b_labels"][0]).add(row["a"], row["b"], row["props"])
        for table in [*self.nodes.values(), *self.rels.values()]:
            if not table.scanned:
                table.scan()

    def _add_plan(self, reference: dict[str, set[str]]) -> None:
        """The planned new nodes and their relationships as row sources (read from the plan when
        the files are written, never copied), as the writer's CREATE queries write them
        (``SET n = row.props, n.key = …, n.src_run = $run``; an edge only to a node that exists).
        ``reference``: keys per label of the nodes the graph holds or the Cypher steps will write."""
        plan, provenance = self.plan, self.provenance
        nodes = plan.nodes
        topics = nodes.get("Topic", {})
        if topics:
            self._node("Topic", provenance).add_source(
                lambda: (((key,), {"name": node["name"]}) for key, node in topics.items()))
        for label in IMPORTED_LABELS:
            planned = nodes.get(label, {})
            if planned:
                self._node(label, provenance).add_source(_node_rows(label, planned))

        def has(label: str) -> Callable[[str], bool]:
            extra = reference.get(label, set())
            own = nodes.get(label, {})
            return lambda key: key in own or key in extra

        platforms = nodes.get("Platform", {})
        for rel, a, b, with_role in REL_SPECS:
            rows = plan.rels.get(rel, {})
            if a not in IMPORTED_LABELS or not rows:
                continue
            if with_role:
                source = _role_rows(rows, has(a), has(b))
            else:
                source = _pair_rows(rows, has(a), has(b), platforms if rel in SHARED_RELS else None, a == "Platform")
            self._rel(rel, a, b, provenance).add_source(source)
        collaborations = plan.rels.get("COLLABORATES_WITH", {})
        if collaborations:
            institutions = has("Institution")
            self._rel("COLLABORATES_WITH", "Institution", "Institution", provenance).add_source(
                lambda: (((r["a"], r["b"]), {"kind": r["kind"], "year": r["year"], "industry": r["industry"],
                                             "count": r["count"]})
                         for r in collaborations.values() if institutions(r["a"]) and institutions(r["b"])))


RowSource = Callable[[], Iterator[tuple[tuple[str, ...], Mapping[str, Any]]]]


def _node_rows(label: str, planned: Mapping[str, dict[str, Any]]) -> RowSource:
    """The import rows of a label's planned nodes: what the writer's CREATE sets (no nulls, no key)."""
    return lambda: (((key,), {k: v for k, v in _node_props(label, node).items() if v is not None and k != "key"})
                    for key, node in planned.items())


def _role_rows(rows: Mapping[tuple, dict[str, Any]], starts: Callable[[str], bool],
               ends: Callable[[str], bool]) -> RowSource:
    return lambda: (((r["a"], r["b"]), {"role": r["role"], "roles": r["roles"]}) for r in rows.values()
                    if starts(r["a"]) and ends(r["b"]))


def _pair_rows(rows: Mapping[tuple, dict[str, Any]], starts: Callable[[str], bool], ends: Callable[[str], bool],
               platforms: Mapping[str, Any] | None, from_platform: bool) -> RowSource:
    """Property-less edges (their ``src_run`` is the file's constant column). ``platforms``: for a
    type that starts from two labels, the planned platforms (an edge is this file's if its start is
    one exactly when the file is the platforms')."""
    def source() -> Iterator[tuple[tuple[str, ...], Mapping[str, Any]]]:
        pairs = rows if isinstance(rows, Pairs) else ((r["a"], r["b"]) for r in rows.values())
        return (((a, b), _NO_PROPS) for a, b in pairs
                if (platforms is None or (a in platforms) == from_platform) and starts(a) and ends(b))
    return source


_NO_PROPS: dict[str, Any] = {}


def empty_list_scan_query(label: str, prop: str) -> str:
    """Sets ``prop`` to ``[]`` on the run's ``label`` nodes that lack it (label whitelisted, the
    property a plain identifier of the plan's own rows, :data:`ingest.bulk_csv.PROPERTY_NAME`)."""
    if not PROPERTY_NAME.match(prop):
        raise NotBulkable(f"property name {prop!r}")
    return EMPTY_LIST_SCAN_TEMPLATE.format(label=check_label(label), prop=prop)
