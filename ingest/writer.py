"""Writes a :class:`ingest.load_plan.Plan` into Neo4j: nodes first, then relationships, in batches.

Why this order: relationship upserts ``MATCH`` both ends by key (a unique-constraint index seek),
so every node must exist first; pruning (dropping relationships a re-stated node no longer lists)
runs before the new relationships are merged.

Why two paths: a node the graph did not hold when the run was planned cannot have relationships
yet, so it is CREATEd together with the edges that start from it in one statement (about three
times faster than MERGE-ing node and edges separately: no MERGE locks, one key lookup per node).
Nodes that already existed, and edges between existing nodes, go through ``MERGE … SET``.
Each step is one batched ``UNWIND`` query
through :meth:`graph.store.Store.upsert_batches`.
"""

from __future__ import annotations

import queue
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import FIRST_EXCEPTION, ThreadPoolExecutor, wait
from typing import Any, overload

from graph.errors import Cancelled
from graph.store import Store
from ingest import cypher
from ingest.load_plan import Plan, read_values

BATCH_SIZE = 5_000

NODE_QUERIES: tuple[tuple[str, str], ...] = (
    ("Industry", cypher.UPSERT_INDUSTRIES),
    ("Institution", cypher.UPSERT_INSTITUTIONS),
    ("Topic", cypher.UPSERT_TOPICS),
    ("Platform", cypher.UPSERT_PLATFORMS),
    ("Researcher", cypher.UPSERT_RESEARCHERS),
    ("Target", cypher.UPSERT_TARGETS),
    ("Evaluation", cypher.UPSERT_EVALUATIONS),
)

# (relationship type, from label, to label, carries a role)
REL_SPECS: tuple[tuple[str, str, str, bool], ...] = (
    ("PART_OF", "Industry", "Industry", False),
    ("LAID_OUT_IN", "Industry", "City", False),
    ("LOCATED_IN", "Institution", "City", False),
    ("LOCATED_IN", "Platform", "City", False),
    ("IN_INDUSTRY", "Institution", "Industry", False),
    ("HOSTED_BY", "Platform", "Institution", False),
    ("CO_BUILT_BY", "Platform", "Institution", False),
    ("OF_TYPE", "Platform", "PlatformType", False),
    ("SERVES", "Platform", "Industry", False),
    ("ON_TOPIC", "Platform", "Topic", False),
    ("WORKS_AT", "Researcher", "Institution", False),
    ("ON_TOPIC", "Researcher", "Topic", False),
    ("MEMBER_OF", "Researcher", "Platform", True),
)

Step = tuple[str, str, Sequence[dict[str, Any]]]  # (name for progress/timing, query, rows)

# Labels whose new nodes are created together with the relationships that start from them:
# (label, CREATE query, {relationship type: field of the node row that lists its targets}).
FRESH_SPECS: tuple[tuple[str, str, dict[str, str]], ...] = (
    ("Institution", cypher.CREATE_INSTITUTIONS, {"LOCATED_IN": "cities", "IN_INDUSTRY": "industries"}),
    ("Platform", cypher.CREATE_PLATFORMS, {
        "HOSTED_BY": "hosts", "CO_BUILT_BY": "co_builders", "OF_TYPE": "types", "LOCATED_IN": "cities",
        "SERVES": "industries", "ON_TOPIC": "topics"}),
    ("Researcher", cypher.CREATE_RESEARCHERS, {"WORKS_AT": "institutions", "ON_TOPIC": "topics"}),
)
SHARED_RELS = ("LOCATED_IN", "ON_TOPIC")  # relationship types that start from two labels
FRESH_QUERIES = {label: query for label, query, _fields in FRESH_SPECS}

# The labels whose CREATE step can name its edges' far ends by element id (write_steps(store=...)):
# the query, and the label of each target field (MEMBER_OF's platforms ride as "memberships").
# Institutions (a few edges each, to 14 cities and 64 industries) keep their key lookups.
BY_ID_SPECS: dict[str, tuple[str, dict[str, str]]] = {
    "Platform": (cypher.CREATE_PLATFORMS_BY_ID, {
        "hosts": "Institution", "co_builders": "Institution", "types": "PlatformType", "cities": "City",
        "industries": "Industry", "topics": "Topic"}),
    "Researcher": (cypher.CREATE_RESEARCHERS_BY_ID, {
        "institutions": "Institution", "topics": "Topic", "memberships": "Platform"}),
}

# Steps whose batches may run in concurrent transactions. Each row of them writes things no other
# row writes (a new researcher and the edges that start from it; one collaboration per
# (pair, kind, year, industry)), every row's targets were written by earlier steps, and the queries
# are guarded against a re-sent row, so batch order does not matter. A lock conflict between two
# batches (two researchers joining the same platform) is a transient error that the driver retries
# with the whole batch. Nodes that other steps point at (institutions, platforms) stay serial.
PARALLEL_STEPS = frozenset({"Researcher (new, with relationships)", "COLLABORATES_WITH"})


def _fresh_keys(plan: Plan, sources: frozenset[str] | set[str]) -> dict[str, set[str]]:
    """Per label, the planned nodes the graph did not hold: they and their edges can be CREATEd."""
    fresh: dict[str, set[str]] = {}
    for label, _query, _fields in FRESH_SPECS:
        if label in plan.existing and label in sources:
            existing = plan.existing[label]
            fresh[label] = {key for key in plan.nodes.get(label, {}) if key not in existing}
    return fresh


class ElementIds:
    """``key -> elementId`` of the nodes of some labels, read from the graph when first asked for.

    Why: a new node's edges are created by a seek on the far end's element id instead of a
    unique-index seek on its key (``cypher.CREATE_*_BY_ID``). The ids are read when the step's first
    batch is made — on the writer thread, after every earlier step (the nodes the edges point at)
    has committed — one label scan each instead of a million index seeks. An element id is stored as
    the number after the database's common prefix (``4:<database>:``), about 60 MB for the 450,000
    institutions and platforms of a 100,000-platform graph instead of twice that as strings.
    """

    def __init__(self, store: Store) -> None:
        self.store = store
        self.prefix = ""
        self._by_label: dict[str, dict[str, int | str]] = {}
        self._lock = threading.Lock()

    def of(self, label: str) -> dict[str, int | str]:
        with self._lock:  # rows are made on several writer threads at once
            ids = self._by_label.get(label)
            if ids is None:
                ids = self._by_label[label] = self._read(label)
            return ids

    def _read(self, label: str) -> dict[str, int | str]:
        ids: dict[str, int | str] = {}
        for key, element_id in read_values(self.store, cypher.element_ids_query(label)):
            head, _sep, number = element_id.rpartition(":")
            if not self.prefix:
                self.prefix = head + ":"
            ids[key] = int(number) if head + ":" == self.prefix and number.isdigit() else element_id
        return ids

    def element_id(self, value: int | str) -> str:
        return value if isinstance(value, str) else self.prefix + str(value)


class FreshRows(Sequence[dict[str, Any]]):
    """The CREATE rows of one label's new nodes, each made when its batch is sent.

    Why not a list: at 100,000 platforms an increment CREATEs a million researchers; a row dict per
    researcher with its target lists (and a dict per membership) held for the whole write step was
    several hundred megabytes beside the plan (the incremental load's peak memory). Here only the
    targets are indexed, by node key — one string for the usual single target — and a row is built
    from the plan when it is read (:meth:`__iter__`, slices for the parallel writer), with the same
    content and order as before. With ``ids`` the targets are given by element id (:class:`ElementIds`,
    for :data:`BY_ID_SPECS`' queries); a target the graph does not hold is left out, as the key
    lookup's ``MATCH`` left it out.
    """

    def __init__(self, label: str, keys: list[str], nodes: dict[str, dict[str, Any]], fields: dict[str, str],
                 targets: dict[str, dict[str, Any]], memberships: dict[str, Any] | None,
                 ids: ElementIds | None = None) -> None:
        self.label, self.keys, self.nodes, self.fields = label, keys, nodes, fields
        self.targets, self.memberships, self.ids = targets, memberships, ids

    def __len__(self) -> int:
        return len(self.keys)

    def __iter__(self) -> Iterator[dict[str, Any]]:
        return (self._row(key) for key in self.keys)

    @overload
    def __getitem__(self, index: int) -> dict[str, Any]: ...
    @overload
    def __getitem__(self, index: slice) -> list[dict[str, Any]]: ...

    def __getitem__(self, index: int | slice) -> dict[str, Any] | list[dict[str, Any]]:
        if isinstance(index, slice):
            return [self._row(key) for key in self.keys[index]]
        return self._row(self.keys[index])

    def _row(self, key: str) -> dict[str, Any]:
        row: dict[str, Any] = {"key": key, "props": _node_props(self.label, self.nodes[key])}
        by_id = BY_ID_SPECS[self.label][1] if self.ids is not None else None
        for field_name in self.fields.values():
            found = _as_list(self.targets[field_name].get(key))
            if by_id is not None and self.ids is not None:
                found = self._element_ids(by_id[field_name], found)
            row[field_name] = found
        if self.memberships is not None:
            members = _as_list(self.memberships.get(key))
            if by_id is not None and self.ids is not None:
                platforms = self.ids.of(by_id["memberships"])
                row["memberships"] = [{"b": self.ids.element_id(platforms[b]), "role": role, "roles": roles}
                                      for b, role, roles in members if b in platforms]
            else:
                row["memberships"] = [{"b": b, "role": role, "roles": roles} for b, role, roles in members]
        return row

    def _element_ids(self, label: str, keys: list[str]) -> list[str]:
        assert self.ids is not None
        known = self.ids.of(label)
        return [self.ids.element_id(known[k]) for k in keys if k in known]


def _as_list(found: Any) -> list[Any]:
    if found is None:
        return []
    return found if type(found) is list else [found]


def _add_target(index: dict[str, Any], key: str, value: Any) -> None:
    """``index[key]``: one value as itself, several as a list (most nodes have one target)."""
    known = index.get(key)
    if known is None:
        index[key] = value
    elif type(known) is list:
        known.append(value)
    else:
        index[key] = [known, value]


def _fresh_rows(plan: Plan, fresh: dict[str, set[str]], store: Store | None = None) -> dict[str, FreshRows]:
    """The CREATE rows of the new nodes: the node's properties plus, per relationship type, the keys
    of its targets (MEMBER_OF rows ride on the new researcher they start from)."""
    rows: dict[str, FreshRows] = {}
    platforms = plan.nodes.get("Platform", {})
    for label, _query, fields in FRESH_SPECS:
        if label not in fresh:
            continue
        keys = fresh[label]
        nodes = plan.nodes.get(label, {})
        targets: dict[str, dict[str, Any]] = {}
        for rel, field_name in fields.items():
            index: dict[str, Any] = {}
            for rel_row in plan.rels.get(rel, {}).values():
                a = rel_row["a"]
                # LOCATED_IN and ON_TOPIC start from two labels: a row is a platform's if its
                # source is a planned platform (the same rule as the MERGE steps below)
                if a in keys and (rel not in SHARED_RELS or (a in platforms) == (label == "Platform")):
                    _add_target(index, a, rel_row["b"])
            targets[field_name] = index
        memberships: dict[str, Any] | None = None
        if label == "Researcher":
            memberships = {}
            for rel_row in plan.rels.get("MEMBER_OF", {}).values():
                if rel_row["a"] in keys:
                    _add_target(memberships, rel_row["a"], (rel_row["b"], rel_row["role"], rel_row["roles"]))
        ids = ElementIds(store) if store is not None and label in BY_ID_SPECS else None
        rows[label] = FreshRows(label, [key for key in nodes if key in keys], nodes, fields, targets, memberships,
                                ids)
    return rows


def _node_props(label: str, node: dict[str, Any]) -> dict[str, Any]:
    """The properties a new node gets: what the MERGE upsert would set on a node it creates."""
    if label != "Institution":
        return node["props"]
    props = {k: v for k, v in node.items() if k != "rename"}  # rename: an instruction to the upsert
    props["aliases_text"] = " ".join(node["aliases"])
    return props


# Pruned relationships written by one statement with their MERGE (cypher.RESTATE_INSTITUTION_CITY):
# every restated institution has a prune row for its city, so the two steps went over the same
# 250,000 institutions at 100,000 platforms.
RESTATED: dict[tuple[str, str, str], str] = {("Institution", "LOCATED_IN", "City"): cypher.RESTATE_INSTITUTION_CITY}


def _restated_targets(plan: Plan, label: str, rel: str, pruned: dict[str, list[str]],
                      new: set[str]) -> dict[str, list[str]]:
    """Per pruned node, the targets of its planned ``rel`` edges that the MERGE step would write
    (none for a node created in this run: its edges came with it)."""
    platforms = plan.nodes.get("Platform", {})
    from_platform = label == "Platform"
    add: dict[str, list[str]] = {}
    for r in plan.rels.get(rel, {}).values():
        a = r["a"]
        if a in pruned and a not in new and (rel not in SHARED_RELS or (a in platforms) == from_platform):
            add.setdefault(a, []).append(r["b"])
    return add


ALL_SOURCES = frozenset({label for label, _q in NODE_QUERIES} | {"COLLABORATES_WITH"})


def write_steps(plan: Plan, sources: frozenset[str] | set[str] = ALL_SOURCES, *,
                store: Store | None = None) -> list[Step]:
    """The ordered write steps of a plan: nodes (new ones with their edges), prunes, the remaining
    relationships. Every planned node and relationship is written by exactly one step.

    ``sources`` restricts the steps to the nodes of those labels and the relationships that start
    from them (``COLLABORATES_WITH`` names the collaborations): the pipeline writes the plan one
    segment at a time (:data:`ingest.load_plan.SEGMENTS`) while the next is planned.

    With ``store``, the new platforms' and researchers' edges name their far ends by element id,
    read from that graph when the step starts (:class:`ElementIds`); the steps must then be written
    in order into that graph, as :class:`BackgroundWriter` does.
    """
    fresh = _fresh_keys(plan, sources)
    fresh_rows = _fresh_rows(plan, fresh, store)
    steps: list[Step] = []
    for label, query in NODE_QUERIES:
        if label not in sources:
            continue
        nodes = plan.nodes.get(label, {})
        new = fresh.get(label, set())
        rows = [row for key, row in nodes.items() if key not in new]
        if rows:
            steps.append((label, query, rows))
        created = fresh_rows.get(label)
        if created:
            query = BY_ID_SPECS[label][0] if created.ids is not None else FRESH_QUERIES[label]
            steps.append((f"{label} (new, with relationships)", query, created))
    restated: dict[tuple[str, str], dict[str, list[str]]] = {}
    for (a, rel, b), targets in plan.prune.items():
        if a not in sources:
            continue
        rows = [{"key": key, "targets": [t for t in keys if t]} for key, keys in targets.items()]
        if rows and (a, rel, b) in RESTATED:
            add = _restated_targets(plan, a, rel, targets, fresh.get(a, set()))
            restated[(a, rel)] = targets
            for row in rows:
                row["add"] = add.get(row["key"], [])
            steps.append((f"restate {rel}", RESTATED[(a, rel, b)], rows))
        elif rows:
            steps.append((f"prune {rel}", cypher.prune_query(a, rel, b), rows))
    for rel, a, b, with_role in REL_SPECS:
        if a not in sources:
            continue
        new = fresh.get(a, set())
        platforms = plan.nodes.get("Platform", {})
        shared, from_platform = rel in SHARED_RELS, a == "Platform"
        done = restated.get((a, rel), {})  # written by the restate step
        # filtered as they are made: a shared type keeps this step's own (it starts from two
        # labels); a new node's relationships were created with it
        rows = [r for r in plan.rels.get(rel, {}).values()
                if (not shared or (r["a"] in platforms) == from_platform) and r["a"] not in new
                and r["a"] not in done]
        if rows:
            steps.append((rel, cypher.rel_query(a, rel, b, with_role=with_role), rows))
    collab = list(plan.rels.get("COLLABORATES_WITH", {}).values()) if "COLLABORATES_WITH" in sources else []
    if collab:
        steps.append(("COLLABORATES_WITH", cypher.UPSERT_COLLABORATIONS, collab))
    return steps


class BackgroundWriter:
    """Runs write steps in order on one worker thread, so the pipeline can plan the next segment
    while this one is written (Python validates on one core, Neo4j writes on the other).

    Steps run strictly in submission order, so nodes are always written before the relationships
    that need them; within a step of :data:`PARALLEL_STEPS` up to ``writers`` batches run at once
    (the step ends when all of them have). The first error stops the worker; :meth:`submit` and
    :meth:`finish` re-raise it in the caller's thread. :meth:`cancel` stops after the batches in
    flight.
    """

    def __init__(self, store: Store, run: str, *, on_batch: Callable[[str, int], Any] | None = None,
                 batch_size: int = BATCH_SIZE, writers: int | None = None) -> None:
        self.store, self.run, self.on_batch, self.batch_size = store, run, on_batch, batch_size
        self.writers = max(1, writers if writers is not None else store.settings.platgraph_ingest_writers)
        self.seconds: dict[str, float] = {}
        self.busy = 0.0
        self.retries = 0  # batches of parallel steps the driver re-ran after a transient conflict
        self.error: BaseException | None = None
        self._queue: queue.Queue[list[Step] | None] = queue.Queue()
        self._cancelled = threading.Event()
        self._thread = threading.Thread(target=self._work, name="platgraph-ingest-writer", daemon=True)
        self._thread.start()

    def submit(self, steps: list[Step]) -> None:
        self._raise()
        self._queue.put(steps)

    def finish(self) -> dict[str, float]:
        """Wait for every submitted step; returns seconds per step name (re-raises a write error)."""
        self._queue.put(None)
        self._thread.join()
        self._raise()
        return self.seconds

    def cancel(self) -> None:
        """Stop after the batch in flight and wait for the worker (used when the caller fails)."""
        self._cancelled.set()
        self._queue.put(None)
        self._thread.join()

    def _raise(self) -> None:
        if self.error is not None:
            raise self.error

    def _work(self) -> None:
        while (steps := self._queue.get()) is not None:
            if self.error is not None or self._cancelled.is_set():
                continue
            try:
                for name, query, rows in steps:
                    self._write(name, query, rows)
            except BaseException as exc:  # handed to the caller's thread by _raise()
                self.error = exc

    def _write(self, name: str, query: str, rows: Sequence[dict[str, Any]]) -> None:
        def batch_done(n: int) -> None:
            if self.on_batch is not None:
                self.on_batch(name, n)
            if self._cancelled.is_set():
                raise WriteCancelled(name)

        began = time.perf_counter()
        try:
            if self.writers > 1 and name in PARALLEL_STEPS and len(rows) > self.batch_size:
                self._write_parallel(query, rows, batch_done)
            else:
                self.store.upsert_batches(query, rows, batch_size=self.batch_size, extra={"run": self.run},
                                          on_batch=batch_done)
        finally:
            spent = time.perf_counter() - began
            self.seconds[name] = self.seconds.get(name, 0.0) + spent
            self.busy += spent

    def _write_parallel(self, query: str, rows: Sequence[dict[str, Any]], batch_done: Callable[[int], None]) -> None:
        """One step's batches over ``writers`` concurrent transactions; the first error (or a
        cancel) stops the batches not yet started and is raised once the others have finished."""
        # each batch's rows are made when the batch starts (a FreshRows slice builds them from the
        # plan), so at most ``writers`` batches of row dicts exist at a time, not the whole step's
        starts = range(0, len(rows), self.batch_size)
        failed = threading.Event()
        progress = threading.Lock()

        def one(start: int) -> None:
            if failed.is_set():
                return
            try:
                batch = list(rows[start:start + self.batch_size])
                self.store.upsert_batches(query, batch, batch_size=self.batch_size, extra={"run": self.run})
                with progress:
                    batch_done(len(batch))
            except BaseException:
                failed.set()
                raise

        retries_before = self.store.retries  # the driver re-runs a conflicting batch; Store counts it
        try:
            with ThreadPoolExecutor(self.writers, thread_name_prefix="platgraph-ingest-batch") as pool:
                futures = [pool.submit(one, start) for start in starts]
                wait(futures, return_when=FIRST_EXCEPTION)
        finally:
            self.retries += self.store.retries - retries_before
        for future in futures:
            error = future.exception()
            if error is not None:
                raise error


class WriteCancelled(Cancelled):
    """Raised inside the writer thread to stop after the batch in flight."""


def write_plan(store: Store, plan: Plan, run: str, *, on_batch: Callable[[str, int], Any] | None = None,
               batch_size: int = BATCH_SIZE, writers: int | None = None) -> tuple[dict[str, int], dict[str, float]]:
    """Write a whole plan in one go (no overlap with planning); returns ``(loaded, seconds per step)``."""
    writer = BackgroundWriter(store, run, on_batch=on_batch, batch_size=batch_size, writers=writers)
    try:
        writer.submit(write_steps(plan, store=store))
    except BaseException:
        writer.cancel()
        raise
    return loaded_counts(plan), writer.finish()


def loaded_counts(plan: Plan) -> dict[str, int]:
    """Rows written per label and relationship type (a new node's edges count under their type)."""
    loaded = {label: len(nodes) for label, _q in NODE_QUERIES if (nodes := plan.nodes.get(label))}
    for rel, _a, _b, _role in REL_SPECS:
        if plan.rels.get(rel):
            loaded[rel] = len(plan.rels[rel])
    if plan.rels.get("COLLABORATES_WITH"):
        loaded["COLLABORATES_WITH"] = len(plan.rels["COLLABORATES_WITH"])
    return loaded
