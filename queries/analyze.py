"""``platgraph analyze``: run every analysis once, under one AnalysisRun, and write results back.

Why one run for all: the plan, the explorer and the reports combine overlap, gap and coverage
results, and a planner must be able to say "these findings all come from run X of date Y".
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from graph.locks import AnalysisLock
from graph.store import Store
from queries.runs import finish_analysis_run, start_analysis_run

Analysis = Callable[[Store, str], dict[str, Any]]


def analyses() -> dict[str, Analysis]:
    """The analyses in the order they run (coverage after overlap: the plan reads both)."""
    from queries.collaboration import run_gap_analysis
    from queries.coverage import run_coverage_analysis
    from queries.overlap import run_overlap_analysis

    return {
        "overlap": run_overlap_analysis,
        "collaboration": run_gap_analysis,
        "coverage": run_coverage_analysis,
    }


def run_all(store: Store, on_step: Callable[[str], None] | None = None) -> dict[str, Any]:
    """Run every analysis under a fresh AnalysisRun; mark the run failed if any step raises.

    Under the analysis lock (graph/locks.py): a second analysis meanwhile — the CLI, ``POST
    /analyses``, a retried request — is refused with AnalysisBusy (exit 4, HTTP 409) instead of
    deleting this run's results while it writes them."""
    with AnalysisLock(store) as lock:
        summary = _run_all(store, on_step, lock)
        if lock.interrupted:
            summary["interrupted_runs"] = lock.interrupted
        return summary


def _run_all(store: Store, on_step: Callable[[str], None] | None, lock: AnalysisLock) -> dict[str, Any]:
    run_key = start_analysis_run(store, "all")
    summary: dict[str, Any] = {"run": run_key}
    began = time.perf_counter()
    try:
        for name, analysis in analyses().items():
            if on_step is not None:
                on_step(name)
            lock.check()  # taken over while paused: stop before writing more
            step_began = time.perf_counter()
            result = analysis(store, run_key)
            summary[name] = {**result, "seconds": round(time.perf_counter() - step_began, 2)}
    except Exception:
        finish_analysis_run(store, run_key, summary, status="failed")
        raise
    summary["seconds"] = round(time.perf_counter() - began, 2)
    finish_analysis_run(store, run_key, summary)
    return summary
