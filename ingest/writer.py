"""Writes a :class:`ingest.plan.Plan` into Neo4j: nodes first, then relationships, in batches.

Why this order: relationship upserts ``MATCH`` both ends by key (a unique-constraint index seek),
so every node must exist first; pruning (dropping relationships a re-stated node no longer lists)
runs before the new relationships are merged. Each step is one batched ``UNWIND … MERGE`` query
through :meth:`graph.store.Store.upsert_batches`.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from graph.store import Store
from ingest import cypher
from ingest.plan import Plan

BATCH_SIZE = 5_000

NODE_QUERIES: tuple[tuple[str, str], ...] = (
    ("Industry", cypher.UPSERT_INDUSTRIES),
    ("Institution", cypher.UPSERT_INSTITUTIONS),
    ("Topic", cypher.UPSERT_TOPICS),
    ("Platform", cypher.UPSERT_PLATFORMS),
    ("Researcher", cypher.UPSERT_RESEARCHERS),
    ("Target", cypher.UPSERT_TARGETS),
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

Step = tuple[str, str, list[dict[str, Any]]]  # (name for progress/timing, query, rows)


def write_steps(plan: Plan) -> list[Step]:
    """The ordered write steps of a plan (nodes, prunes, relationships)."""
    steps: list[Step] = []
    for label, query in NODE_QUERIES:
        rows = list(plan.nodes.get(label, {}).values())
        if rows:
            steps.append((label, query, rows))
    for (a, rel, b), targets in plan.prune.items():
        rows = [{"key": key, "targets": [t for t in keys if t]} for key, keys in targets.items()]
        if rows:
            steps.append((f"prune {rel}", cypher.prune_query(a, rel, b), rows))
    # LOCATED_IN links platforms too: split by source label
    # LOCATED_IN and ON_TOPIC start from two labels: rows are split by the label of their source
    platform_keys = set(plan.nodes.get("Platform", {}))
    shared = {"LOCATED_IN": "Institution", "ON_TOPIC": "Researcher"}
    for rel, a, b, with_role in REL_SPECS:
        rows = list(plan.rels.get(rel, {}).values())
        if rel in shared:
            in_platforms = a == "Platform"
            rows = [r for r in rows if (r["a"] in platform_keys) == in_platforms]
        if rows:
            steps.append((rel, cypher.rel_query(a, rel, b, with_role=with_role), rows))
    collab = list(plan.rels.get("COLLABORATES_WITH", {}).values())
    if collab:
        steps.append(("COLLABORATES_WITH", cypher.UPSERT_COLLABORATIONS, collab))
    return steps


def write_plan(store: Store, plan: Plan, run: str, *, on_step: Callable[[str, int], Any] | None = None,
               on_batch: Callable[[str, int], Any] | None = None,
               batch_size: int = BATCH_SIZE) -> tuple[dict[str, int], dict[str, float]]:
    """Run every write step; returns ``({label or type: rows written}, {step: seconds})``."""
    loaded: dict[str, int] = {}
    seconds: dict[str, float] = {}
    for name, query, rows in write_steps(plan):
        if on_step is not None:
            on_step(name, len(rows))
        began = time.perf_counter()
        store.upsert_batches(query, rows, batch_size=batch_size, extra={"run": run},
                             on_batch=(lambda n, name=name: on_batch(name, n)) if on_batch else None)
        seconds[name] = seconds.get(name, 0.0) + time.perf_counter() - began
        if not name.startswith("prune "):
            loaded[name] = loaded.get(name, 0) + len(rows)
    return loaded, seconds
