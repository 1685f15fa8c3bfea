"""Run the overlap analysis once when no completed analysis has produced results yet.

Why: ``platgraph overlaps`` and the API read the write-back; on a freshly loaded graph there is none,
and an empty answer would read as "no duplicates". This runs it under its own AnalysisRun.
"""

from __future__ import annotations

from graph.store import Store
from queries.overlap import cypher
from queries.overlap.analysis import run_overlap_analysis
from queries.runs import ensure_analysed


def ensure_overlap_analysis(store: Store) -> str | None:
    """The key of the run that was started here, or None when results already existed."""
    return ensure_analysed(store, "overlap", run_overlap_analysis, cypher.LATEST_OVERLAP_RUN)
