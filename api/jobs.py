"""Long CPU-bound jobs the API starts — re-running the analyses, ingesting an upload — run in a
child process.

Why: an analysis or an ingest is seconds (minutes on a large graph) of pure-Python work —
networkx, overlap scoring, validating and resolving rows — between its Cypher round trips. In one
of the API's worker threads it competes for the interpreter lock with every read the server
answers meanwhile (the event loop serving cached answers, the threads running misses): under 24
readers (``bench/load.py``) the analysis took 21–23 s in a thread and 5.5–6.4 s in a child. In a
child process it has its own interpreter and the operating system shares the cores; at niceness
10 the reads keep the upper hand (their p99 during the analysis fell from 263–268 to 228–235 ms).

Why ``spawn`` and a fresh process per job: forking a process that runs threads (uvicorn's pool,
the Neo4j driver's connections) is unsafe, and a child that dies (killed, out of memory) must not
leave a broken pool behind for the next request. Starting the interpreter costs about a second,
small against the job. The child opens its own driver from the same settings; the result and
exceptions come back pickled, Neo4j being unreachable as :class:`DatabaseUnavailable` (503).

Why a timeout (``PLATGRAPH_JOB_TIMEOUT_SECONDS``): a hostile or broken input must not occupy a
child for ever; past the limit the child is killed and the caller gets :class:`JobTimeout` (504).
A killed ingest leaves its lock and run behind, which the next ingest recognises as stale (the
pid is dead) and closes as 'interrupted'.

Why a gate on heavy jobs (:class:`HeavyJobGate`): building a report takes tens of seconds of CPU;
a few parallel calls would starve every other reader. At most ``PLATGRAPH_MAX_HEAVY_JOBS`` run at
once; a caller beyond that gets 429 with ``Retry-After`` at once instead of queueing unseen.
"""

from __future__ import annotations

import multiprocessing
import os
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from fastapi import HTTPException
from neo4j.exceptions import AuthError, ServiceUnavailable, SessionExpired

from api.routers._common import jsonable
from graph import errors
from graph.errors import DatabaseUnavailable
from graph.i18n import Lang, current_lang, set_lang, tr
from graph.settings import Settings
from graph.store import Store
from ingest.pipeline import ingest_dataset
from queries.analyze import run_all
from viz.report import build_report

_SPAWN = multiprocessing.get_context("spawn")
# A batch job yields the CPU to the interactive reads: the planners browsing wait on every click,
# the admin who started the job waits once.
CHILD_NICENESS = 10


class JobTimeout(errors.JobTimeout):
    """A child job ran past its time limit and was killed: 504, saying which limit."""

    def __init__(self, seconds: float) -> None:
        zh = f"任务超过时间上限（{round(seconds)} 秒，见 PLATGRAPH_JOB_TIMEOUT_SECONDS），已终止"
        en = (f"the job ran past its time limit ({round(seconds)} s, see PLATGRAPH_JOB_TIMEOUT_SECONDS) "
              "and was stopped")
        super().__init__(en if current_lang() == "en" else zh, zh=zh, en=en)


def run_in_child(job: Callable[..., Any], *args: Any, timeout: float | None = None) -> Any:
    """Run ``job(*args)`` (a module-level function: it is pickled by name) in a fresh child process,
    in the request's language (its messages — an unreadable file's 422 — are the caller's). Past
    ``timeout`` seconds the child is killed and :class:`JobTimeout` raised."""
    pool = ProcessPoolExecutor(max_workers=1, mp_context=_SPAWN)
    try:
        future = pool.submit(_child_main, current_lang(), job, *args)
        try:
            return future.result(timeout=timeout)
        except FutureTimeout:
            for process in list((getattr(pool, "_processes", None) or {}).values()):
                process.kill()
            raise JobTimeout(timeout or 0) from None
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


class HeavyJobGate:
    """At most ``limit`` heavy jobs at once; :meth:`slot` raises 429 (with ``Retry-After``) when full."""

    def __init__(self, limit: int, retry_after: int = 30) -> None:
        self._slots = threading.BoundedSemaphore(limit)
        self.retry_after = retry_after

    @contextmanager
    def slot(self) -> Iterator[None]:
        if not self._slots.acquire(blocking=False):
            raise HTTPException(status_code=429, headers={"Retry-After": str(self.retry_after)}, detail=tr(
                "正在生成的报告已达并发上限（PLATGRAPH_MAX_HEAVY_JOBS），请稍后再试",
                "too many reports are being built at once (PLATGRAPH_MAX_HEAVY_JOBS); try again shortly"))
        try:
            yield
        finally:
            self._slots.release()


def _child_main(lang: Lang, job: Callable[..., dict[str, Any]], *args: Any) -> dict[str, Any]:
    """What the child runs: lower its priority, take the request's language, run the job."""
    os.nice(CHILD_NICENESS)
    set_lang(lang)
    return job(*args)


def run_analyses_in_child(settings: Settings) -> dict[str, Any]:
    """Every analysis (``queries.analyze.run_all``) under one run; its summary, as JSON data."""
    return run_in_child(_run_analyses, settings, timeout=settings.platgraph_job_timeout_seconds)


def ingest_in_child(settings: Settings, dataset: Path) -> dict[str, Any]:
    """``ingest.pipeline.ingest_dataset`` of ``dataset`` (rejects kept under PLATGRAPH_HOME/ingest/);
    its summary. Input errors (exit 2) and a held ingest lock (409) come back as raised."""
    return run_in_child(_ingest, settings, dataset, timeout=settings.platgraph_job_timeout_seconds)


def report_in_child(settings: Settings, out: Path, fmt: str, lang: str, industry: str | None,
                    city: str | None) -> Path:
    """``viz.report.build_report`` into ``out``, in a child process; the written path."""
    return Path(run_in_child(_report, settings, out, fmt, lang, industry, city,
                             timeout=settings.platgraph_job_timeout_seconds))


def _report(settings: Settings, out: Path, fmt: str, lang: str, industry: str | None, city: str | None) -> str:
    with _child_store(settings) as store:
        return str(build_report(store, out, fmt=fmt, lang=lang, industry=industry, city=city))


def _run_analyses(settings: Settings) -> dict[str, Any]:
    """The child's side: its own store, the analyses, an answer that pickles."""
    with _child_store(settings) as store:
        return jsonable(run_all(store))


def _ingest(settings: Settings, dataset: Path) -> dict[str, Any]:
    with _child_store(settings) as store:
        # never the offline bulk load: it closes the database, and this server is answering readers
        return dict(ingest_dataset(store, dataset, rejects_path=None, progress=False, bulk=False))


@contextmanager
def _child_store(settings: Settings) -> Iterator[Store]:
    """The child's own store. Driver exceptions leave as :class:`DatabaseUnavailable` (the API maps
    it to 503): they carry connection state that need not pickle."""
    try:
        with Store(settings) as store:
            yield store
    except (ServiceUnavailable, SessionExpired, AuthError) as exc:
        raise DatabaseUnavailable(str(exc)) from None
