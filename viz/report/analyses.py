"""The analyses' results, read through the query functions the API uses (``queries.*``).

Why through those functions: the acceptance test is that the report's numbers equal the API's
numbers for the same graph, so the report never re-derives overlap, gaps, coverage or the plan.
They are plain imports: a renamed query function is an import error, not a quietly missing section.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from graph.i18n import Lang
from graph.store import Store
from queries.collaboration import read_gaps
from queries.coverage import read_coverage, targets_vs_actual
from queries.overlap import read_groups, read_overlaps
from queries.plan import build_plan
from queries.runs import latest_run
from viz.report.cypher import cypher
from viz.report.scope import Scope

GROUP_LIMIT = 1000  # overlap groups read (the report ranks them by strength and lists the top ones)
GAP_LIMIT = 50
OVERLAP_MIN_SCORE = 0.0  # pairs as stored by the last run (the run already applied its threshold)


@dataclass
class AnalysisResults:
    latest_run: dict[str, Any] | None = None
    groups: Mapping[str, Any] | None = None
    overlaps: Mapping[str, Any] | None = None
    # The query layer's typed results (GapsResult, CoverageResult, Plan), read here as mappings:
    # the report's sections are written defensively (.get with defaults) for any scope's result.
    gaps: Mapping[str, Any] | None = None
    coverage: Mapping[str, Any] | None = None
    targets: list[dict[str, Any]] | None = None
    plan: Mapping[str, Any] | None = None
    strength: dict[str, dict[str, Any]] = field(default_factory=dict)  # overlap group key → pair scores


def read_analyses(store: Store, scope: Scope, lang: Lang) -> AnalysisResults:
    return AnalysisResults(
        latest_run=latest_run(store),
        groups=read_groups(store, lang=lang, limit=GROUP_LIMIT, offset=0),
        overlaps=read_overlaps(store, min_score=OVERLAP_MIN_SCORE, limit=1, offset=0, lang=lang),
        gaps=read_gaps(store, industry=scope.industry, city=scope.city, lang=lang, limit=GAP_LIMIT),
        coverage=read_coverage(store, industry=scope.industry, lang=lang),
        targets=targets_vs_actual(store),
        plan=build_plan(store, lang=lang),
        strength={r["group"]: r for r in store.read(cypher("group_strength"), {})},
    )
