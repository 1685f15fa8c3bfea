"""Worker processes for ``platgraph serve --workers N`` that share one proposal-check index.

Why not uvicorn's own ``workers=N``: uvicorn starts each worker by *spawning* a fresh interpreter,
so every worker read every platform and built its own proposal-check index at its first check
(35 s and ~1.5 GB each at 100,000 platforms), and a planner's first check waited for that. Here the
parent binds the port, builds the app and the index once, then *forks* the workers: they share the
index's memory copy-on-write (it was moved out of the garbage collector's reach when built, so
collections in the workers do not write to its pages) and answer the first check at once. The
proposal check is CPU-bound Python, so a second worker is what lets it use the second core
(docs/benchmarks.md, proposal check).

Each worker opens its own Neo4j driver (the parent closes the one it built with before forking)
and, after an ingest, refreshes its own index from what the ingest wrote, as a single process does.
Each worker listens on its own ``SO_REUSEPORT`` socket, so the kernel spreads the connections over
the workers (:func:`reuseport_socket`). The parent only supervises: SIGTERM or SIGINT stops the workers (each finishes the requests it is
answering), a worker that dies is replaced by a new fork.
"""

from __future__ import annotations

import contextlib
import gc
import logging
import os
import signal
import socket
import sys
import time
from collections.abc import Callable
from types import FrameType

import uvicorn
from fastapi import FastAPI

from api.console import console
from graph.i18n import tr
from graph.settings import Settings
from graph.store import Store

log = logging.getLogger(__name__)

RESPAWN_PAUSE = 1.0  # seconds before replacing a worker that died (a crash loop must not spin)


def preload_check_index(app: FastAPI, settings: Settings) -> float | None:
    """Build the proposal-check index into ``app`` (seconds taken), or None when Neo4j cannot be
    read now: the workers then build it at their first check, as without preloading."""
    from queries.overlap import build_check_index, check_proposal

    started = time.perf_counter()
    try:
        with Store(settings) as store:
            index = build_check_index(store)
        if len(index):  # one check, so what the first check builds lazily (topic counts, name caches)
            # is built here once and shared too, not in every worker
            first = index.ordered[0]
            check_proposal(None, {"name": first.name, "type": None}, index=index, explain=1)
        app.state.last_check_index = index
    except Exception as exc:  # noqa: BLE001 - an unreachable or empty database must not stop the server
        log.warning("proposal-check index not preloaded (%s): workers build it at their first check", exc)
        return None
    return time.perf_counter() - started


def _run_worker(config: uvicorn.Config, listen: Callable[[], socket.socket]) -> None:
    """In a forked child: open its listening socket, serve until told to stop, then leave without
    running the parent's exit code."""
    code = 0
    try:
        signal.signal(signal.SIGINT, signal.SIG_DFL)
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        uvicorn.Server(config).run(sockets=[listen()])
    except BaseException:  # noqa: BLE001 - report and leave; the parent replaces the worker
        log.exception("worker %s failed", os.getpid())
        code = 1
    finally:
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)


def reuseport_socket(host: str, port: int, backlog: int | None) -> socket.socket:
    """A socket bound to ``host:port`` with ``SO_REUSEPORT``, listening when ``backlog`` is given.

    Why one listening socket per worker: on one shared socket, the worker whose event loop wakes
    first accepts every pending connection (asyncio accepts up to 100 per wake-up), so 32 clients
    connecting at once were split 5/27 or 9/23 between two workers (measured), and the loaded
    worker's queue made the tail. With ``SO_REUSEPORT`` the kernel spreads new connections over the
    workers' sockets by their addresses."""
    family, kind, proto, _, address = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)[0]
    sock = socket.socket(family, kind, proto)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
        sock.bind(address)
        if backlog is not None:
            sock.listen(backlog)
    except OSError:
        sock.close()
        raise
    return sock


def serve_forked(app: FastAPI, settings: Settings, host: str, port: int, workers: int) -> None:
    """Bind, preload the check index, fork ``workers`` uvicorn workers, supervise. Each worker listens
    on its own ``SO_REUSEPORT`` socket where the platform has it (:func:`reuseport_socket`), else all
    share the parent's."""
    config = uvicorn.Config(app, host=host, port=port, log_level="warning")
    sock = config.bind_socket()  # the port free? (an error now, not in every worker)
    if hasattr(socket, "SO_REUSEPORT"):
        sock.close()
        # held, bound but not listening, for the server's life: no other program takes the port
        # (and no connection is queued on it: only listening sockets receive them)
        sock = reuseport_socket(host, port, None)

        def listen() -> socket.socket:
            return reuseport_socket(host, port, config.backlog)
    else:  # pragma: no cover - every platform the project runs on has SO_REUSEPORT

        def listen() -> socket.socket:
            return sock
    seconds = preload_check_index(app, settings)
    if seconds is not None:
        console.print(tr("申报查重索引已建立（{s:.1f} 秒），启动 {n} 个工作进程",
                         "proposal-check index built ({s:.1f} s); starting {n} workers", s=seconds, n=workers))
    # what the preload made after the index was frozen (the first check's lazy caches) joins it in the
    # permanent generation: the workers' collections then never walk it (nor write to its pages)
    gc.freeze()
    children: set[int] = set()
    stopping = False

    def fork_one() -> None:
        pid = os.fork()
        if pid == 0:
            _run_worker(config, listen)
        children.add(pid)

    def stop(signum: int, _frame: FrameType | None) -> None:
        nonlocal stopping
        stopping = True
        for pid in list(children):
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGTERM)

    previous = {sig: signal.signal(sig, stop) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        for _ in range(workers):
            fork_one()
        while children:
            try:
                pid, status = os.wait()
            except ChildProcessError:
                break
            except InterruptedError:  # pragma: no cover - retried by Python (PEP 475)
                continue
            children.discard(pid)
            if not stopping:
                log.warning("worker %s ended (status %s); starting another", pid, status)
                time.sleep(RESPAWN_PAUSE)
                if not stopping:
                    fork_one()
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
        sock.close()
