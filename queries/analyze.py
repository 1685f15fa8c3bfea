"""``platgraph analyze``: run every analysis once, under one AnalysisRun, and write results back.

Why one run for all: the plan, the explorer and the reports combine overlap, gap and coverage
results, and a planner must be able to say "these findings all come from run X of date Y".

Why the overlap analysis may run in a process of its own: the three analyses read and write
disjoint results (overlap pairs, groups and platform flags; collaboration flags and matrices;
coverage on the industries) and none reads another's write-back, so they need not run one after
the other. Each is mostly one core's Python between its Cypher round trips; on a machine with two
cores or more (``PLATGRAPH_ANALYSIS_PROCESSES``, default 2) the overlap and coverage analyses —
about half the work at 100,000 platforms — run in a spawned child beside the collaboration
analysis, with their own driver, under this run's key and lock. One core, or the setting at 1:
all three one after the other in this process.
"""

from __future__ import annotations

import gc
import multiprocessing
import os
import time
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from contextlib import contextmanager
from typing import Any

from neo4j.exceptions import AuthError, ServiceUnavailable, SessionExpired

from graph.errors import DatabaseUnavailable
from graph.i18n import Lang, current_lang, set_lang
from graph.locks import AnalysisLock
from graph.settings import Settings
from graph.store import Store
from queries.runs import finish_analysis_run, start_analysis_run

Analysis = Callable[[Store, str], dict[str, Any]]
# run one after the other in a child process when there are cores for it: about half the work
SIDE_ANALYSES = ("overlap", "coverage")


def analyses() -> dict[str, Analysis]:
    """The analyses in the order they run (and their results are listed) when run one at a time."""
    from queries.collaboration import run_gap_analysis
    from queries.coverage import run_coverage_analysis
    from queries.overlap import run_overlap_analysis

    return {
        "overlap": run_overlap_analysis,
        "collaboration": run_gap_analysis,
        "coverage": run_coverage_analysis,
    }


def available_cores() -> int:
    """The cores this process may run on (its affinity mask where the platform has one)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def processes(settings: Settings) -> int:
    """How many processes the analyses use: the setting, never more than the cores."""
    return max(1, min(settings.platgraph_analysis_processes, available_cores()))


@contextmanager
def collector_paused() -> Iterator[None]:
    """Python's cyclic garbage collector off for one analysis, one collection after it.

    Why: an analysis at 100,000 platforms holds millions of small objects (rows, sets, dicts) and
    allocates millions more; every few thousand allocations the collector walks the live ones again.
    That was a third of the collaboration analysis's compute time at 20,000 platforms, and it frees
    nothing here (the analyses build no reference cycles worth collecting before they end). The
    collection afterwards frees whatever cycles there were."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
        gc.collect()


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
    results: dict[str, dict[str, Any]] = {}
    began = time.perf_counter()
    steps = analyses()
    side: _Side | None = None
    try:
        if processes(store.settings) >= 2:
            side = _Side(store.settings, SIDE_ANALYSES, run_key)
        for name, analysis in steps.items():
            if side is not None and name in side.names:
                continue
            if on_step is not None:
                on_step(name)
            lock.check()  # taken over while paused: stop before writing more
            step_began = time.perf_counter()
            with collector_paused():
                result = analysis(store, run_key)
            results[name] = {**result, "seconds": round(time.perf_counter() - step_began, 2)}
        if side is not None:
            if on_step is not None:
                on_step(side.names[0])
            results.update(side.result())
    except BaseException:
        if side is not None:
            side.stop()
        finish_analysis_run(store, run_key, {"run": run_key, **results}, status="failed")
        raise
    summary: dict[str, Any] = {"run": run_key, **{name: results[name] for name in steps}}
    summary["seconds"] = round(time.perf_counter() - began, 2)
    if side is not None:
        summary["processes"] = 2
    finish_analysis_run(store, run_key, summary)
    return summary


class _Side:
    """Some analyses, one after the other, in a spawned child process (its own interpreter and
    driver), started at once.

    Why ``spawn``: forking a process whose driver holds connections and threads is unsafe; the child
    opens its own from the same settings. The summaries come back pickled, each with ``seconds``
    measured in the child (interpreter start not included) and the child's peak memory so far."""

    def __init__(self, settings: Settings, names: tuple[str, ...], run_key: str) -> None:
        self.names = names
        self._pool = ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("spawn"))
        self._future: Future[dict[str, dict[str, Any]]] = self._pool.submit(
            _side_main, settings, current_lang(), names, run_key)

    def result(self) -> dict[str, dict[str, Any]]:
        try:
            return self._future.result()
        finally:
            self._pool.shutdown(wait=True)

    def stop(self) -> None:
        """The other analyses failed: do not leave the child writing on; kill it and wait."""
        if not self._future.done():
            for process in list((getattr(self._pool, "_processes", None) or {}).values()):
                process.kill()
        self._pool.shutdown(wait=True, cancel_futures=True)


def _side_main(settings: Settings, lang: Lang, names: tuple[str, ...], run_key: str) -> dict[str, dict[str, Any]]:
    """The child's side: its own store, the analyses one after the other, summaries that pickle."""
    import resource  # noqa: PLC0415 - POSIX only, and only the child needs it

    _die_with_parent()
    set_lang(lang)
    results: dict[str, dict[str, Any]] = {}
    steps = analyses()
    try:
        with Store(settings) as store:
            for name in names:
                began = time.perf_counter()
                with collector_paused():
                    result = steps[name](store, run_key)
                results[name] = {**result, "seconds": round(time.perf_counter() - began, 2),
                                 "process_peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
                                                              / 1024, 1)}
    except (ServiceUnavailable, SessionExpired, AuthError) as exc:
        raise DatabaseUnavailable(str(exc)) from None  # driver exceptions carry state that need not pickle
    return results


def _die_with_parent() -> None:
    """Linux: the kernel kills this child when the analysis process dies (PR_SET_PDEATHSIG).

    Why: ``POST /analyses`` kills an analysis child that runs past its time limit; without this its
    own child would go on writing results for a run nobody waits for. Elsewhere a no-op."""
    import ctypes  # noqa: PLC0415
    import signal  # noqa: PLC0415

    try:
        libc = ctypes.CDLL("libc.so.6", use_errno=True)
    except OSError:
        return
    pr_set_pdeathsig = 1
    libc.prctl(pr_set_pdeathsig, signal.SIGKILL)
