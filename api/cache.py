"""The read-response cache: serialised answers kept per data version, served without touching Neo4j.

Why: every read endpoint answers from stored data (the analyses write back), so the same request
gives the same bytes until something writes to the graph. Re-running the Cypher, the pydantic
validation and the JSON encoding for every call is what made list endpoints slow under 32 clients.

How staleness is bounded:

- The **data version** (:data:`VERSION_QUERY`) is the database's last committed transaction (the
  bookmark of a trivial read transaction — any committed write anywhere, by this API, the CLI or
  another process, changes it), together with the node and relationship counts and the latest
  IngestRun/AnalysisRun keys and statuses (belt and braces should a server ever return no bookmark
  for reads). It is re-read at most every ``PLATGRAPH_API_CACHE_SECONDS`` (default 1 s), on the
  first request after that interval; a changed version drops every cached answer.
- ``POST /datasets`` and ``POST /analyses`` through this process force a re-read as soon as they
  answer, so their results are visible to the very next request.
- An answer is stored under the version observed *before* it was computed, and only if that is
  still the current version, so a cached answer is never older than the version it is served for.

So a read reflects every write committed more than the interval before it (writes through this
API process: at once). With ``--workers N`` each worker holds its own cache; a write through one
worker reaches the others within the interval. When Neo4j is unreachable the version cannot be
read; requests on cached paths then answer 503 (the same body as the endpoints' own 503) until
the next check. An uncached request that meets the outage (``/health``, a miss) forces that check at
once, and one that succeeds after it forces another, so outage and recovery show on cached paths as
soon as any request sees them, and within the interval at worst. An interval of 0 turns the cache off.

Only ``GET`` answers with status 200 on the read paths in :data:`CACHED_PREFIXES` are kept; ``/health``
is never cached. When reads are closed (``PLATGRAPH_OPEN_READS=false``) a cached answer is only
served to a request carrying the right key; other requests go through to the endpoint, which
refuses them. Concurrent misses for the same request are computed once (the others wait for it).
"""

from __future__ import annotations

import asyncio
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar
from urllib.parse import parse_qsl, urlencode

import neo4j
from anyio import to_thread
from neo4j.exceptions import AuthError, ServiceUnavailable, SessionExpired, TransientError
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.errors import unavailable_response
from api.security import API_KEY_HEADER, read_key_matches
from graph.errors import DatabaseUnavailable
from graph.settings import Settings
from graph.store import Store

UNAVAILABLE = (DatabaseUnavailable, ServiceUnavailable, SessionExpired, AuthError, TransientError, OSError)

# Counts come from Neo4j's count store (constant time); the run fingerprints read a handful of nodes.
VERSION_QUERY = """
CALL () { MATCH (n) RETURN count(n) AS nodes }
CALL () { MATCH ()-[r]->() RETURN count(r) AS rels }
CALL () { OPTIONAL MATCH (i:IngestRun) WITH i ORDER BY i.started DESC LIMIT 1
          RETURN coalesce(i.key, '') + ':' + coalesce(i.status, '') AS ingest }
CALL () { OPTIONAL MATCH (a:AnalysisRun) WITH a ORDER BY a.started DESC LIMIT 1
          RETURN coalesce(a.key, '') + ':' + coalesce(a.status, '') AS analysis }
RETURN nodes, rels, ingest, analysis
"""

API_PREFIX = "/api/v1"
# Read paths whose GET answers are cached (prefix match below /api/v1). Not /health (it must tell
# whether Neo4j answers now) and not the report and HTML exports (files, built on demand).
CACHED_PREFIXES = (
    "/platforms", "/institutions", "/industries", "/graph/neighbourhood/", "/graph/overview", "/graph/heatmap",
    "/graph/search", "/graph/subgraph", "/overlaps", "/gaps", "/coverage", "/plan", "/analyses/latest",
)
# Writes through this process: the version is re-read as soon as they answer.
WRITE_PATHS = ("/datasets", "/analyses")

MAX_ENTRIES = 4_096
MAX_BYTES = 256 * 1_048_576
CACHE_HEADER = b"x-cache"

T = TypeVar("T")


def read_version(store: Store) -> str:
    """The graph's data version now: last committed transaction, counts and the latest runs."""
    def work(tx: neo4j.ManagedTransaction) -> dict[str, Any]:
        return tx.run(VERSION_QUERY).data()[0]  # one row, always (aggregates)

    with store.driver.session(database=store.database, default_access_mode=neo4j.READ_ACCESS) as session:
        row = session.execute_read(work)
        bookmark = ",".join(sorted(session.last_bookmarks().raw_values))
    return f"{bookmark}|{row['nodes']}|{row['rels']}|{row['ingest']}|{row['analysis']}"


@dataclass(frozen=True)
class Version:
    """One reading of the data version; ``generation`` orders readings (later reads are larger)."""

    value: str
    generation: int


class DataVersion:
    """The data version, re-read at most every ``interval`` seconds (``None``: Neo4j unreachable).

    The fast path (version still fresh) takes no lock and no thread; the re-read runs in a worker
    thread under a lock, so concurrent requests wait for one read instead of each making one.
    """

    def __init__(self, store: Callable[[], Store], interval: float,
                 reader: Callable[[Store], str] = read_version) -> None:
        self._store = store
        self.interval = interval
        self._reader = reader
        self._version: Version | None = None
        self._checked = float("-inf")
        self._lock = threading.Lock()
        self.reads = 0  # how many times the version was read (tests and the bench report it)
        self.unavailable = False  # the last read failed because Neo4j is unreachable or refusing

    def _fresh(self) -> tuple[bool, Version | None]:
        return time.monotonic() - self._checked < self.interval, self._version

    async def current(self) -> Version | None:
        fresh, version = self._fresh()
        if fresh:
            return version
        return await to_thread.run_sync(self._refresh)

    def current_blocking(self) -> Version | None:
        """:meth:`current` for code already running in a worker thread (sync endpoints)."""
        fresh, version = self._fresh()
        return version if fresh else self._refresh()

    def _refresh(self) -> Version | None:
        with self._lock:
            fresh, version = self._fresh()
            if fresh:
                return version
            self.reads += 1
            try:
                self._version = Version(self._reader(self._store()), self.reads)
                self.unavailable = False
            except UNAVAILABLE:  # answer 503 at once until the next check (no second wait)
                self._version, self.unavailable = None, True
            except Exception:  # anything else: go uncached, the endpoint answers for itself
                self._version, self.unavailable = None, False
            self._checked = time.monotonic()
            return self._version

    def invalidate(self) -> None:
        """Re-read the version on the next request (after a write through this process)."""
        self._checked = float("-inf")

    def suspect(self) -> None:
        """An endpoint just found Neo4j unreachable: re-read on the next request, unless the last
        read already failed (then the next read is due at the end of the interval, so that requests
        do not queue behind one slow failing read after another)."""
        if not self.unavailable:
            self.invalidate()


class VersionedValue(Generic[T]):
    """One value derived from the whole graph (the proposal check's platform profiles), rebuilt
    when the data version changes; concurrent callers share one build."""

    def __init__(self, versions: DataVersion, build: Callable[[Store], T]) -> None:
        self.versions = versions
        self.build = build
        self._value: tuple[str, T] | None = None
        self._lock = threading.Lock()
        self.builds = 0

    def get(self, store: Store) -> T:
        version = self.versions.current_blocking() if self.versions.interval > 0 else None
        if version is None:  # cache off, or Neo4j unreachable (the build then raises the 503)
            return self.build(store)
        with self._lock:
            if self._value is None or self._value[0] != version.value:
                self.builds += 1
                self._value = (version.value, self.build(store))
            return self._value[1]


@dataclass(frozen=True)
class CachedResponse:
    status: int
    headers: list[tuple[bytes, bytes]]
    body: bytes


class ResponseCache:
    """Serialised answers of one data version, least recently used dropped first."""

    def __init__(self, max_entries: int = MAX_ENTRIES, max_bytes: int = MAX_BYTES) -> None:
        self.max_entries = max_entries
        self.max_bytes = max_bytes
        self.version: Version | None = None
        self._entries: OrderedDict[str, CachedResponse] = OrderedDict()
        self._bytes = 0
        self.hits = 0
        self.misses = 0

    def __len__(self) -> int:
        return len(self._entries)

    def _current(self, version: Version) -> bool:
        """Move to ``version`` when it is newer; True when it is the cache's version."""
        if self.version is None or version.generation > self.version.generation:
            if self.version is None or version.value != self.version.value:
                self._entries.clear()
                self._bytes = 0
            self.version = version
        return version.value == self.version.value

    def get(self, version: Version, key: str) -> CachedResponse | None:
        if not self._current(version):
            return None
        entry = self._entries.get(key)
        if entry is not None:
            self._entries.move_to_end(key)
        return entry

    def put(self, version: Version, key: str, entry: CachedResponse) -> None:
        """Keep ``entry`` unless the version moved on while it was computed (or it is too large)."""
        if not self._current(version) or len(entry.body) > self.max_bytes // 16:
            return
        old = self._entries.pop(key, None)
        if old is not None:
            self._bytes -= len(old.body)
        self._entries[key] = entry
        self._bytes += len(entry.body)
        while len(self._entries) > self.max_entries or self._bytes > self.max_bytes:
            _, dropped = self._entries.popitem(last=False)
            self._bytes -= len(dropped.body)

    def clear(self) -> None:
        self._entries.clear()
        self._bytes = 0
        self.version = None


def request_key(scope: Scope) -> str:
    """Path plus the query parameters in a canonical order: ``?a=1&b=2`` and ``?b=2&a=1`` share an
    entry; everything else (language, paging, filters) keeps answers apart."""
    query = scope.get("query_string", b"").decode("latin-1")
    pairs = sorted(parse_qsl(query, keep_blank_values=True))
    return scope.get("path", "") + "?" + urlencode(pairs)


def is_cached_path(path: str) -> bool:
    if not path.startswith(API_PREFIX + "/"):
        return False
    rest = path[len(API_PREFIX):]
    return any(rest.startswith(p) if p.endswith("/") else rest == p or rest.startswith(p + "/")
               for p in CACHED_PREFIXES)


def is_write_path(method: str, path: str) -> bool:
    return method == "POST" and path.startswith(API_PREFIX) and path[len(API_PREFIX):] in WRITE_PATHS


class ResponseCacheMiddleware:
    """Serves cached GET answers and fills the cache (see the module docstring)."""

    def __init__(self, app: ASGIApp, settings: Settings, versions: DataVersion, cache: ResponseCache) -> None:
        self.app = app
        self.settings = settings
        self.versions = versions
        self.cache = cache
        self._inflight: dict[str, asyncio.Future[CachedResponse | None]] = {}

    def _authorised(self, scope: Scope) -> bool:
        if self.settings.platgraph_open_reads:
            return True
        wanted = API_KEY_HEADER.lower().encode("latin-1")
        supplied = next((v.decode("latin-1") for k, v in scope.get("headers") or [] if k == wanted), None)
        return read_key_matches(self.settings, supplied)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        method, path = scope.get("method", "GET"), scope.get("path", "")
        if is_write_path(method, path):
            async def send_after_write(message: Message) -> None:
                if message["type"] == "http.response.start":  # the write is done: before the client hears
                    self._written()
                await send(message)

            try:
                await self.app(scope, receive, send_after_write)
            finally:
                self._written()
            return
        if (method != "GET" or self.versions.interval <= 0 or not is_cached_path(path)
                or not self._authorised(scope)):
            await self._pass(scope, receive, send)
            return
        version = await self.versions.current()
        if version is None:
            if self.versions.unavailable:  # same answer as the endpoint's, without a second wait
                response = unavailable_response(self.settings, scope.get("path"))
                await response(scope, receive, send)
            else:
                await self._pass(scope, receive, send)
            return
        key = request_key(scope)
        entry: CachedResponse | None = self.cache.get(version, key)
        flight = f"{version.value}\n{key}"  # only share a computation started in the same version
        if entry is None and flight in self._inflight:
            entry = await asyncio.shield(self._inflight[flight])
        if entry is not None:
            self.cache.hits += 1
            await self._replay(entry, send)
            return
        self.cache.misses += 1
        future: asyncio.Future[CachedResponse | None] = asyncio.get_running_loop().create_future()
        self._inflight[flight] = future
        try:
            entry = await self._compute(scope, receive, send)
            if entry is not None:
                self.cache.put(version, key, entry)
        finally:
            if self._inflight.get(flight) is future:
                del self._inflight[flight]
            if not future.done():
                future.set_result(entry)

    async def _pass(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Run the endpoint uncached. A 503 from it (Neo4j unreachable, e.g. a ``/health`` probe)
        forces a version re-read, so cached paths answer 503 from the next request on instead of
        serving cached answers until the interval ends; an answer after an outage forces one too,
        so they recover as soon as the endpoints do."""
        async def watch(message: Message) -> None:
            if message["type"] == "http.response.start":
                if message["status"] == 503:
                    self.versions.suspect()
                elif message["status"] < 500 and self.versions.unavailable:
                    self.versions.invalidate()  # Neo4j answers again: re-read at once
            await send(message)

        await self.app(scope, receive, watch)

    def _written(self) -> None:
        self.cache.clear()
        self.versions.invalidate()

    async def _compute(self, scope: Scope, receive: Receive, send: Send) -> CachedResponse | None:
        """Run the endpoint, passing its answer through, and return it when it can be kept."""
        start: Message | None = None
        chunks: list[bytes] = []
        complete = False

        async def capture(message: Message) -> None:
            nonlocal start, complete
            if message["type"] == "http.response.start":
                start = message
                if message["status"] == 503:
                    self.versions.suspect()
                message = {**message, "headers": [*message.get("headers", []), (CACHE_HEADER, b"miss")]}
            elif message["type"] == "http.response.body":
                chunks.append(message.get("body", b""))
                complete = not message.get("more_body", False)
            await send(message)

        await self.app(scope, receive, capture)
        if start is None or start["status"] != 200 or not complete:
            return None
        return CachedResponse(200, list(start.get("headers", [])), b"".join(chunks))

    @staticmethod
    async def _replay(entry: CachedResponse, send: Send) -> None:
        await send({"type": "http.response.start", "status": entry.status,
                    "headers": [*entry.headers, (CACHE_HEADER, b"hit")]})
        await send({"type": "http.response.body", "body": entry.body})
