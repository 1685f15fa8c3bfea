"""The ingest pipeline: read → validate → resolve → write, with provenance and a summary.

Why this order: every reason to refuse a *file* (unreadable, missing required column) is found while
reading, before the first write. Rows are then planned (validated, resolved) segment by segment
(:data:`ingest.load_plan.SEGMENTS`); a finished segment holds only rows that passed, and is written on a
background thread while the next segment is planned, so Python and Neo4j work on the two cores at
once. The run is recorded as an ``IngestRun`` that goes ``running`` → ``completed``; if Neo4j goes
away mid-run the run stays ``running`` (visibly unfinished) and, since every write is idempotent
(``MERGE … SET``, or CREATE guarded by "node not there yet"), running the same ingest again
completes the load exactly.
"""

from __future__ import annotations

import contextlib
import json
import secrets
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from graph.errors import DatabaseUnavailable, UsageError
from graph.i18n import tr
from graph.reference import load_reference
from graph.schema import apply_schema
from graph.store import Store
from ingest import cypher
from ingest.bulk import unavailable_reason as bulk_unavailable
from ingest.infer_industries import infer_industries
from ingest.load_plan import Planner
from ingest.lock import IngestLock
from ingest.readers import read_dataset
from ingest.rejects import check_writable, write_ambiguities, write_rejects
from ingest.writer import BackgroundWriter, loaded_counts, write_steps


def new_run_key() -> str:
    return "I" + datetime.now(UTC).strftime("%Y%m%dT%H%M%S") + "-" + secrets.token_hex(3)


def default_rejects_path(store: Store, run: str) -> Path:
    return store.settings.home / "ingest" / f"{run}-rejects.csv"


def ingest_dataset(store: Store, path: Path, *, rejects_path: Path | None = None,
                   progress: bool = False, bulk: bool | None = None) -> dict:
    """Load the dataset at ``path`` into the graph and return its summary (the fields
    ``platgraph ingest --format json`` prints, docs/cli.md).

    Raises :class:`graph.errors.UsageError` (exit 2) for an unreadable file or a missing required
    column before anything is written, and :class:`graph.errors.DatabaseUnavailable` (exit 3)
    when Neo4j cannot be reached, :class:`graph.errors.IngestBusy` (exit 4) when another ingest
    holds the ingest lock (:mod:`ingest.lock`).

    ``bulk``: ``None`` writes a large first load into an empty local engine with the offline
    importer (:mod:`ingest.bulk`) and everything else through Cypher; ``True`` insists on the
    importer (``UsageError`` naming why it cannot run); ``False`` always uses Cypher.
    """
    began = time.perf_counter()
    timings: dict[str, float] = {}
    bar = _Bar(progress)
    with bar, contextlib.ExitStack() as held:
        t = time.perf_counter()
        dataset = read_dataset(Path(path))
        timings["read"] = time.perf_counter() - t
        for table in dataset.tables.values():
            bar.add_file(table.source, table.row_count)

        check_writable((Path(rejects_path) if rejects_path else default_rejects_path(store, "-")).parent)
        store.verify()
        apply_schema(store)
        # one ingest at a time, from planning to the last write (ingest/lock.py); refused: IngestBusy
        lock = held.enter_context(IngestLock(store, dataset=str(path)))
        if store.read(cypher.HAS_REFERENCE)[0]["n"] == 0:
            load_reference(store)

        run = new_run_key()
        rejects_file = Path(rejects_path) if rejects_path else default_rejects_path(store, run)
        store.write(cypher.START_RUN, {"key": run, "sources": dataset.sources, "dataset": str(dataset.path)})
        interrupted = [r["key"] for r in store.write(cypher.CLOSE_INTERRUPTED_RUNS, {"key": run})]
        bulk_reason = "--no-bulk" if bulk is False else bulk_unavailable(
            store, sum(t.row_count for t in dataset.tables.values()), forced=bool(bulk))
        if bulk and bulk_reason:
            raise UsageError(tr("无法使用离线批量导入：{why}", "the offline bulk import cannot run: {why}",
                                why=bulk_reason))
        t = time.perf_counter()
        planner = Planner(store, dataset, on_row=bar.advance_file, release_rows=True)
        plan = planner.plan

        def batch_written(name: str, n: int) -> None:
            bar.advance_step(name, n)
            lock.check()  # before the next batch: stop if a takeover ended our hold (graph/locks.py)

        ambiguities_file: Path | None = None
        if bulk_reason is None:  # plan everything, then write it with the offline importer
            with _failing_run(store, run, plan, rejects_file, began):
                planner.build()
                timings["validate"] = planner.validate_seconds
                timings["resolve"] = time.perf_counter() - t - planner.validate_seconds
                write_rejects(rejects_file, plan.rejects)
                ambiguities_file = _write_ambiguities(rejects_file, plan)
                lock.check()
                write_seconds = _bulk_write(store, plan, run)
                retries, write_path = 0, "bulk"
                if write_seconds is None:
                    bulk_reason, write_path = "the plan holds rows the importer cannot reproduce", "cypher"
                    writer = BackgroundWriter(store, run, on_batch=batch_written)
                    try:
                        lock.check()
                        writer.submit(write_steps(plan, store=store))
                        write_seconds = writer.finish()
                    except BaseException:
                        writer.cancel()
                        raise
                    retries = writer.retries
                timings["write"] = sum(write_seconds.values())
                t = time.perf_counter()
                inferred = infer_industries(store, run)  # platforms without 服务产业: read from what they say
                timings["infer_industries"] = time.perf_counter() - t
            loaded = loaded_counts(plan)
            _mark(store, run, "completed", plan, loaded, rejects_file, ambiguities_file, began)
            return _summary(plan, loaded, rejects_file, ambiguities_file, run, interrupted, dataset, timings,
                            began, write_seconds, retries, inferred, write_path=write_path, bulk_skipped=bulk_reason)
        writer = BackgroundWriter(store, run, on_batch=batch_written)
        try:
            # each finished segment is written on the writer thread while the next one is planned
            for sources in planner.segments():
                steps = write_steps(plan, sources, store=store)
                for name, _query, rows in steps:
                    bar.add_step(name, len(rows))
                lock.check()
                writer.submit(steps)
            timings["validate"] = planner.validate_seconds
            timings["resolve"] = time.perf_counter() - t - planner.validate_seconds
            write_rejects(rejects_file, plan.rejects)
            ambiguities_file = _write_ambiguities(rejects_file, plan)
            waited = time.perf_counter()
            write_seconds = writer.finish()
            timings["write_wait"] = time.perf_counter() - waited
            t = time.perf_counter()
            inferred = infer_industries(store, run)  # platforms without 服务产业: read from what they say
            timings["infer_industries"] = time.perf_counter() - t
        except DatabaseUnavailable:
            writer.cancel()
            raise  # the run stays 'running': visibly unfinished; a re-run completes it
        except BaseException:
            writer.cancel()
            _mark(store, run, "failed", plan, {}, rejects_file, ambiguities_file, began)
            raise
        timings["write"] = writer.busy
        loaded = loaded_counts(plan)
        _mark(store, run, "completed", plan, loaded, rejects_file, ambiguities_file, began)

    return _summary(plan, loaded, rejects_file, ambiguities_file, run, interrupted, dataset, timings, began,
                    write_seconds, writer.retries, inferred, write_path="cypher", bulk_skipped=bulk_reason)


def _write_ambiguities(rejects_file: Path, plan: Any) -> Path | None:
    if not plan.ambiguities:
        return None
    ambiguities_file = rejects_file.with_name(rejects_file.stem.removesuffix("-rejects") + "-ambiguities.csv")
    if ambiguities_file == rejects_file:
        ambiguities_file = rejects_file.with_name(rejects_file.stem + "-ambiguities.csv")
    write_ambiguities(ambiguities_file, plan.ambiguities)
    return ambiguities_file


@contextlib.contextmanager
def _failing_run(store: Store, run: str, plan: Any, rejects_file: Path, began: float) -> Iterator[None]:
    """Marks the run 'failed' on an error other than Neo4j going away (which leaves it 'running')."""
    try:
        yield
    except DatabaseUnavailable:
        raise
    except BaseException:
        _mark(store, run, "failed", plan, {}, rejects_file, None, began)
        raise


def _bulk_write(store: Store, plan: Any, run: str) -> dict[str, float] | None:
    """Write the plan with the offline importer; ``None`` (nothing written) when the plan holds
    something the importer cannot reproduce exactly, so the caller falls back to Cypher."""
    from ingest.bulk import BulkLoad, NotBulkable  # noqa: PLC0415  (only a first load needs it)

    load = BulkLoad(store, plan, run, store.settings.home / "import" / run)
    try:
        load.check()
    except NotBulkable:
        return None
    return load.run_load()


def _summary(plan: Any, loaded: dict[str, int], rejects_file: Path, ambiguities_file: Path | None, run: str,
             interrupted: list[str], dataset: Any, timings: dict[str, float], began: float,
             write_seconds: dict[str, float], retries: int, inferred: Any, *, write_path: str,
             bulk_skipped: str | None = None) -> dict:
    return {
        "read": plan.read,
        "loaded": loaded,
        "rejected": plan.rejected,
        "rejects_file": str(rejects_file),
        "ambiguities_file": str(ambiguities_file) if ambiguities_file else None,
        "ambiguities": len(plan.ambiguities),
        # loaded but flagged (graph/quality.py codes), and hosts created from a platform list;
        # `platgraph quality` lists each one
        "quality": dict(plan.quality),
        "inferred_industries": inferred,
        "run": run,
        "interrupted_runs": interrupted,
        "per_file": plan.per_file,
        "ignored": dataset.ignored,
        "seconds": {**{k: round(v, 3) for k, v in timings.items()},
                    "total": round(time.perf_counter() - began, 3)},
        "write_seconds": {k: round(v, 3) for k, v in write_seconds.items()},
        "write_retries": retries,
        "write_path": write_path,
        "bulk_skipped": bulk_skipped,
    }


def _mark(store: Store, run: str, status: str, plan: Any, loaded: dict[str, int], rejects_file: Path,
          ambiguities_file: Path | None, began: float) -> None:
    try:
        store.write(cypher.FINISH_RUN, {
            "key": run, "status": status, "read": plan.read, "loaded": json.dumps(loaded, ensure_ascii=False),
            "rejected": plan.rejected, "rejects_file": str(rejects_file),
            "ambiguities_file": str(ambiguities_file) if ambiguities_file else None,
            "seconds": round(time.perf_counter() - began, 3)})
    except DatabaseUnavailable:
        if status == "completed":
            raise


class _Bar:
    """A Rich progress display (one bar per file, then one per write step), or nothing."""

    def __init__(self, enabled: bool) -> None:
        self.enabled = enabled
        self.progress: Any = None
        self.tasks: dict[str, Any] = {}

    def __enter__(self) -> _Bar:
        if self.enabled:
            from rich.console import Console
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

            self.progress = Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                                     TimeElapsedColumn(), console=Console(stderr=True), transient=False)
            self.progress.start()
        return self

    def __exit__(self, *exc: object) -> None:
        if self.progress is not None:
            self.progress.stop()

    def add_file(self, source: str, total: int) -> None:
        if self.progress is not None:
            self.tasks["file:" + source] = self.progress.add_task(f"校验 check {source}", total=total)

    def advance_file(self, source: str, n: int) -> None:
        if self.progress is not None and "file:" + source in self.tasks:
            self.progress.advance(self.tasks["file:" + source], n)

    def add_step(self, name: str, total: int) -> None:
        if self.progress is not None:
            key = "step:" + name
            if key in self.tasks:
                task = self.tasks[key]
                self.progress.update(task, total=self.progress.tasks[task].total + total)
            else:
                self.tasks[key] = self.progress.add_task(f"写入 write {name}", total=total)

    def advance_step(self, name: str, n: int) -> None:
        if self.progress is not None and "step:" + name in self.tasks:
            self.progress.advance(self.tasks["step:" + name], n)
