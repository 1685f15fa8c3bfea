"""Graph locks: at most one ingest (and at most one analysis) writes to a graph at a time, across
processes and machines.

Why in Neo4j and not a file: the CLI, the API's ``POST /datasets`` and a second machine pointing at
the same ``NEO4J_URI`` share nothing but the database. Two ingests planning against the same graph
and writing at once could interleave their pruning and merging into a mix neither file describes,
so the second one is refused with :class:`graph.errors.IngestBusy` (CLI exit 4, HTTP 409).

Two analyses at once are the same hazard: each write-back deletes what older runs wrote, so two
interleaved runs could both end 'completed' with partial results. :class:`AnalysisLock` is the
same lock under another name (``'analysis'``; :class:`graph.errors.AnalysisBusy`, CLI exit 4,
HTTP 409); whoever takes it marks analysis runs still 'running' as 'interrupted' (their process is
gone, or it would hold the lock).

How: one ``(:IngestLock {key: <name>})`` node under the label's uniqueness constraint
(``ingestlock_key_unique``, from :mod:`graph.schema`). Acquiring is a plain ``CREATE``: of two
concurrent creators the constraint lets exactly one commit. The holder records a random ``token``,
its host (hostname + boot id + container), pid, dataset and a ``heartbeat`` that a daemon thread
refreshes every :data:`HEARTBEAT_SECONDS` with the *server's* clock (client clocks never compare).
Releasing deletes the node only if it still carries our token.

A holder that was paused (a frozen VM, SIGSTOP) past the staleness limit may find its lock taken
over when it resumes. The heartbeat then sets ``lost``, and :meth:`GraphLock.check` — called by
the ingest before every write batch — raises :class:`graph.errors.LockLost`, so the paused writer
stops instead of writing beside the new holder. ``check`` also re-reads the token from the
database at most once a second, so a takeover is seen even before the next heartbeat.

The container part of the host id: two containers may share a hostname and a boot id (Docker's
``--hostname``, Kubernetes pods), but each has its own pid namespace, so "that pid is not alive
here" proves nothing about a holder in another container. The pid namespace's inode
(``/proc/self/ns/pid``) tells them apart.

Staleness (a lock left by a killed process, or by a release that failed because Neo4j was down):
an existing lock is taken over when

1. its holder is this process (same host and pid) but this process no longer holds that token, or
2. its holder is on this host and that pid is no longer alive, or
3. its heartbeat is older than :data:`STALE_AFTER_SECONDS` (a crashed machine, a frozen process).

The takeover deletes the stale node by its token and creates ours in one transaction, so two
processes that both judge a lock stale still end with exactly one holder.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import secrets
import socket
import threading
import time
from pathlib import Path
from types import TracebackType
from typing import Any, Self

from neo4j.exceptions import ConstraintError, DriverError, Neo4jError

from graph.errors import AnalysisBusy, IngestBusy, LockLost
from graph.schema import constraint_name
from graph.store import Store

LOCK_NAME = "ingest"
ANALYSIS_LOCK = "analysis"
HEARTBEAT_SECONDS = 10.0
STALE_AFTER_SECONDS = 120.0

ENSURE_CONSTRAINT = (f"CREATE CONSTRAINT {constraint_name('IngestLock')} IF NOT EXISTS "
                     "FOR (l:IngestLock) REQUIRE l.key IS UNIQUE")

CREATE_LOCK = """
OPTIONAL MATCH (stale:IngestLock {key: $name, token: $stale_token})
DETACH DELETE stale
WITH count(*) AS _
CREATE (l:IngestLock {key: $name, token: $token, host: $host, pid: $pid, dataset: $dataset,
                      acquired: datetime(), heartbeat: datetime()})
"""

READ_LOCK = """
MATCH (l:IngestLock {key: $name})
RETURN l.token AS token, l.host AS host, l.pid AS pid, l.dataset AS dataset,
       toString(l.acquired) AS acquired, duration.inSeconds(l.heartbeat, datetime()).seconds AS age
"""

BEAT = """
MATCH (l:IngestLock {key: $name, token: $token})
SET l.heartbeat = datetime()
RETURN count(l) AS held
"""

RELEASE = "MATCH (l:IngestLock {key: $name, token: $token}) DELETE l"

HOLDS = "MATCH (l:IngestLock {key: $name, token: $token}) RETURN count(l) AS held"

# Taken with the analysis lock: any run still 'running' belongs to a process that is gone.
INTERRUPT_ANALYSES = """
MATCH (r:AnalysisRun {status: 'running'})
SET r.status = 'interrupted', r.finished = datetime()
RETURN r.key AS key
"""

# Tokens this process holds right now: a lock naming this pid but a token not in here was left
# behind by a release that failed (Neo4j was down), so it is stale.
_HELD: set[str] = set()
_HELD_LOCK = threading.Lock()


def container_id() -> str:
    """This process's pid namespace (its inode), else a digest of its cgroup: what tells two
    containers with one hostname apart (see the module docstring)."""
    with contextlib.suppress(OSError):
        return os.readlink("/proc/self/ns/pid").removeprefix("pid:").strip("[]")
    with contextlib.suppress(OSError):
        return hashlib.sha256(Path("/proc/self/cgroup").read_bytes()).hexdigest()[:12]
    return ""


def host_id() -> str:
    """This machine's identity for the pid check: hostname, boot id (pids restart at boot) and the
    container (pid namespace)."""
    boot = ""
    with contextlib.suppress(OSError):
        boot = Path("/proc/sys/kernel/random/boot_id").read_text().strip()[:8]
    return "/".join(part for part in (socket.gethostname(), boot, container_id()) if part)


def pid_alive(pid: int) -> bool:
    """True if ``pid`` names a live (non-zombie) process on this machine."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    with contextlib.suppress(OSError, IndexError):
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    return True


def is_stale(holder: dict[str, Any], *, stale_after: float = STALE_AFTER_SECONDS) -> bool:
    """The staleness rule of the module docstring, applied to a lock row from :data:`READ_LOCK`."""
    if holder.get("host") == host_id():
        pid = int(holder.get("pid") or 0)
        if pid == os.getpid():
            with _HELD_LOCK:
                return holder.get("token") not in _HELD
        if not pid_alive(pid):
            return True
    return (holder.get("age") or 0) > stale_after


def read_lock(store: Store, name: str = LOCK_NAME) -> dict[str, Any] | None:
    """The current holder of lock ``name`` (``token, host, pid, dataset, acquired, age``) or None."""
    rows = store.read(READ_LOCK, {"name": name})
    return rows[0] if rows else None


def refuse_if_held(store: Store, name: str = LOCK_NAME) -> None:
    """Raise :class:`IngestBusy` when a live holder has lock ``name``: reset, backup, restore and
    export must not run under a writing ingest (a stale lock does not count)."""
    holder = read_lock(store, name)
    if holder is not None and not is_stale(holder):
        raise busy(holder)


class GraphLock:
    """Hold lock ``name`` for the duration of a ``with`` block (see the module docstring).

    Raises :class:`graph.errors.IngestBusy` on entry when a live process holds it. ``heartbeat`` and
    ``stale_after`` are parameters so the tests can exercise staleness in seconds, not minutes.
    """

    name = LOCK_NAME

    def __init__(self, store: Store, *, dataset: str = "", heartbeat: float = HEARTBEAT_SECONDS,
                 stale_after: float = STALE_AFTER_SECONDS, name: str | None = None) -> None:
        self.name = name or self.name
        self.store = store
        self.dataset = dataset
        self.heartbeat = heartbeat
        self.stale_after = stale_after
        self.token = secrets.token_hex(8)
        self.took_over: dict[str, Any] | None = None  # the stale lock we replaced, if any
        self.lost = False  # set when a heartbeat finds our lock gone (taken over as stale)
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._verified = 0.0

    def check(self) -> None:
        """Raise :class:`graph.errors.LockLost` when this lock was taken over (see the module
        docstring): the flag the heartbeat sets, and a token check at most once a second."""
        if not self.lost and time.monotonic() - self._verified >= 1.0:
            rows = self._once(HOLDS)
            if rows is not None:
                self._verified = time.monotonic()
                if rows[0]["held"] == 0:
                    self.lost = True
        if self.lost:
            raise lost(self.name)

    def acquire(self) -> None:
        self.store.write(ENSURE_CONSTRAINT)
        params = {"name": self.name, "token": self.token, "host": host_id(), "pid": os.getpid(),
                  "dataset": self.dataset, "stale_token": None}
        for _ in range(5):
            try:
                with _HELD_LOCK:
                    _HELD.add(self.token)
                self.store.write(CREATE_LOCK, params)
                break
            except ConstraintError:
                with _HELD_LOCK:
                    _HELD.discard(self.token)
                holder = read_lock(self.store, self.name)
                if holder is None:
                    continue  # released between our CREATE and our read: try again
                if not is_stale(holder, stale_after=self.stale_after):
                    raise self._busy(holder) from None
                self.took_over = holder
                params["stale_token"] = holder["token"]
            except BaseException:
                with _HELD_LOCK:
                    _HELD.discard(self.token)
                raise
        else:
            holder = read_lock(self.store, self.name) or {}
            raise self._busy(holder)
        self._verified = 0.0  # the first check() reads the token back from the database
        self._thread = threading.Thread(target=self._beat, name=f"{self.name}-lock-heartbeat", daemon=True)
        self._thread.start()

    def _busy(self, holder: dict[str, Any]) -> IngestBusy:
        return busy(holder)

    def _once(self, query: str) -> list[dict[str, Any]] | None:
        """One attempt, no retries: a heartbeat or a release must not hold up a failing ingest for
        the driver's retry window when Neo4j is gone (the staleness rule cleans up after us)."""
        try:
            with self.store.driver.session(database=self.store.database) as session:
                return session.run(query, {"name": self.name, "token": self.token}).data()
        except (Neo4jError, DriverError, OSError):
            return None

    def _beat(self) -> None:
        while not self._stop.wait(self.heartbeat):
            rows = self._once(BEAT)
            if rows and rows[0]["held"] == 0:
                self.lost = True
                return

    def release(self) -> None:
        """Stop the heartbeat and delete our lock; if Neo4j is down, rule 1 makes the lock stale."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=1.0)
        with _HELD_LOCK:
            _HELD.discard(self.token)
        self._once(RELEASE)

    def __enter__(self) -> Self:
        self.acquire()
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.release()


class IngestLock(GraphLock):
    """The ingest lock (``'ingest'``)."""

    name = LOCK_NAME


class AnalysisLock(GraphLock):
    """The analysis lock (``'analysis'``): one analysis writes back at a time. Taking it marks the
    runs left 'running' by a dead process as 'interrupted' (:attr:`interrupted` lists them)."""

    name = ANALYSIS_LOCK

    def acquire(self) -> None:
        super().acquire()
        self.interrupted = [r["key"] for r in self.store.write(INTERRUPT_ANALYSES)]

    def _busy(self, holder: dict[str, Any]) -> IngestBusy:
        since = holder.get("acquired") or "?"
        zh = f"另一个分析正在运行（开始于 {since}），本次分析未运行。请等它完成后再试。"
        en = f"another analysis is running (since {since}); this one did not run. Try again when it has finished."
        from graph.i18n import current_lang

        return AnalysisBusy(en if current_lang() == "en" else zh, zh=zh, en=en)


def lost(name: str) -> LockLost:
    """This process's lock was taken over (it was paused past the staleness limit): stop writing."""
    zh = (f"本进程持有的{'导入' if name == LOCK_NAME else '分析'}锁已被其他进程接管（本进程暂停超过 {int(STALE_AFTER_SECONDS)} 秒），"
          "已停止写入；请重新运行")
    en = (f"this process's {name} lock was taken over by another process (this one was paused for more than "
          f"{int(STALE_AFTER_SECONDS)} s); writing stopped. Run it again")
    from graph.i18n import current_lang

    return LockLost(en if current_lang() == "en" else zh, zh=zh, en=en)


def busy(holder: dict[str, Any]) -> IngestBusy:
    """The refusal: who holds the lock, since when, and what to do."""
    fmt = {"host": holder.get("host") or "?", "pid": holder.get("pid") or "?",
           "dataset": holder.get("dataset") or "?", "since": holder.get("acquired") or "?"}
    zh = ("另一个导入正在进行（主机 {host}，进程 {pid}，数据集 {dataset}，开始于 {since}），本次导入未写入任何数据。"
          "请等它完成后再试；若该进程已不存在，锁会在其心跳停止 {s} 秒后自动失效。").format(
              s=int(STALE_AFTER_SECONDS), **fmt)
    en = ("another ingest is running (host {host}, pid {pid}, dataset {dataset}, since {since}); nothing was "
          "written. Try again when it has finished; a lock left by a dead process expires {s} s after its "
          "last heartbeat.").format(s=int(STALE_AFTER_SECONDS), **fmt)
    from graph.i18n import current_lang

    error = IngestBusy(en if current_lang() == "en" else zh, zh=zh, en=en)
    # What an API caller is told: no host, pid or server path (api/errors.py logs the full text).
    error.public_zh = "另一个导入正在进行（开始于 {since}），本次导入未写入任何数据。请等它完成后再试。".format(**fmt)
    error.public_en = ("another ingest is running (since {since}); nothing was written. Try again when it has "
                       "finished.").format(**fmt)
    return error
