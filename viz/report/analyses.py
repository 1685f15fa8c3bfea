"""The analyses' results, read through the query functions the API uses (``queries.*``).

Why through those functions: the acceptance test is that the report's numbers equal the API's
numbers for the same graph, so the report never re-derives overlap, gaps, coverage or the plan.
Each function is looked up when the report is built; if an analysis module is not installed the
section says so instead of failing the whole report (the summary and network sections only need
the graph).
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass, field
from typing import Any

from graph.store import Store
from viz.report.cypher import cypher
from viz.report.scope import Scope

GROUP_LIMIT = 1000  # overlap groups read (the report ranks them by strength and lists the top ones)
GAP_LIMIT = 50
OVERLAP_MIN_SCORE = 0.0  # pairs as stored by the last run (the run already applied its threshold)


def query_function(module: str, name: str) -> Any | None:
    """``queries.<module>.<name>``, or None when that analysis is not available in this install."""
    try:
        return getattr(importlib.import_module(f"queries.{module}"), name)
    except (ImportError, AttributeError):
        return None


@dataclass
class AnalysisResults:
    latest_run: dict[str, Any] | None = None
    groups: dict[str, Any] | None = None
    overlaps: dict[str, Any] | None = None
    gaps: dict[str, Any] | None = None
    coverage: dict[str, Any] | None = None
    targets: list[dict[str, Any]] | None = None
    plan: dict[str, Any] | None = None
    missing: list[str] = field(default_factory=list)  # "module.function" names not available
    strength: dict[str, dict[str, Any]] = field(default_factory=dict)  # overlap group key → pair scores


def read_analyses(store: Store, scope: Scope, lang: str) -> AnalysisResults:
    out = AnalysisResults()

    def call(module: str, name: str, *args: Any, **kwargs: Any) -> Any:
        func = query_function(module, name)
        if func is None:
            out.missing.append(f"queries.{module}.{name}")
            return None
        return func(store, *args, **kwargs)

    out.latest_run = call("runs", "latest_run")
    out.groups = call("overlap", "read_groups", lang=lang, limit=GROUP_LIMIT, offset=0)
    out.overlaps = call("overlap", "read_overlaps", min_score=OVERLAP_MIN_SCORE, limit=1, offset=0, lang=lang)
    out.gaps = call("collaboration", "read_gaps", industry=scope.industry, city=scope.city, lang=lang,
                    limit=GAP_LIMIT)
    out.coverage = call("coverage", "read_coverage", industry=scope.industry, lang=lang)
    out.targets = call("coverage", "targets_vs_actual")
    out.plan = call("plan", "build_plan", lang=lang)
    if out.groups is not None:
        out.strength = {r["group"]: r for r in store.read(cypher("group_strength"), {})}
    return out
