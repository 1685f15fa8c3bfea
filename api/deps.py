"""FastAPI dependencies: the per-app store, the request language, paging.

Why a lazily created store with short timeouts: the API must start while Neo4j is down and answer
503 within two seconds instead of hanging; the driver reconnects by itself when Neo4j returns, so
one store per app (created on first use) serves every request and recovers without a restart.
"""

from __future__ import annotations

import threading
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Annotated, Literal

from fastapi import FastAPI, Query, Request

from graph.errors import DatabaseUnavailable
from graph.i18n import set_lang
from graph.settings import Settings
from graph.store import Store

# Short waits for an unreachable Neo4j: a request gives up (503) well within 2 s.
API_CONNECT_TIMEOUT = 1.0
API_MAX_RETRY_SECONDS = 0.5
# After a 503, requests first wait this long for one shared probe (tests/test_faults_api_restart.py).
PROBE_WAIT_SECONDS = 1.0


class StoreHolder:
    """Creates the app's :class:`Store` on first use (the driver connects lazily, too)."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings.model_copy(
            update={"neo4j_connect_timeout": min(settings.neo4j_connect_timeout, API_CONNECT_TIMEOUT)}
        )
        self._store: Store | None = None
        self._lock = threading.Lock()
        # Why a probe gate: a Neo4j that is restarting (recovering after a crash) accepts Bolt
        # connections and then holds queries for seconds, and the driver has no read timeout. Once
        # a request has failed (``suspect``, set by the 503 handler), every request first waits at
        # most PROBE_WAIT_SECONDS for one shared ``RETURN 1``: a stalled or failing probe is a fast
        # 503, a successful one ends the suspicion and requests flow again (self-recovery).
        self.suspect = False
        self._probe: Future | None = None
        self._prober = ThreadPoolExecutor(max_workers=1, thread_name_prefix="neo4j-probe")

    def get(self) -> Store:
        with self._lock:
            if self._store is None:
                self._store = Store(self.settings, max_retry_seconds=API_MAX_RETRY_SECONDS)
            store = self._store
            if self.suspect and (self._probe is None or self._probe.done()):
                self._probe = self._prober.submit(store.read, "RETURN 1 AS ok")
            probe = self._probe if self.suspect else None
        if probe is not None:
            try:
                probe.result(timeout=PROBE_WAIT_SECONDS)
            except Exception as exc:  # noqa: BLE001 - a timeout or any driver failure: Neo4j is not back
                raise DatabaseUnavailable(str(exc) or "Neo4j is not answering yet") from exc
            self.suspect = False
        return store

    def close(self) -> None:
        with self._lock:
            if self._store is not None:
                self._store.close()
            self._store = None
        self._prober.shutdown(wait=False, cancel_futures=True)


def holder(app: FastAPI) -> StoreHolder:
    return app.state.store_holder


def get_store(request: Request) -> Store:
    """The app's store (one driver, pooled connections)."""
    return holder(request.app).get()


def get_app_settings(request: Request) -> Settings:
    return request.app.state.settings


LangParam = Annotated[
    Literal["zh", "en"],
    Query(description="返回文本的语言：zh（默认）或 en / language of texts: zh (default) or en"),
]


async def request_lang(lang: LangParam = "zh") -> str:
    """Pin the language for this request. Async on purpose: a context variable set here is copied
    into the worker thread that runs the (sync) endpoint, so ``tr()`` answers in this language."""
    set_lang(lang)
    return lang


LimitParam = Annotated[int, Query(ge=1, le=500, description="每页条数 / page size (1–500)")]
OffsetParam = Annotated[int, Query(ge=0, le=1_000_000, description="跳过条数 / rows to skip")]
