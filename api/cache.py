"""The read-response cache: serialised answers kept per data version, served without touching Neo4j.

Why: every read endpoint answers from stored data (the analyses write back), so the same request
gives the same bytes until something writes to the graph. Re-running the Cypher, the pydantic
validation and the JSON encoding for every call is what made list endpoints slow under 32 clients.

The mechanism is the project's one cache (``graph/versioned_cache.py``): the data version, re-read
at most every ``PLATGRAPH_API_CACHE_SECONDS`` (default 1 s), and a :class:`VersionedCache` of the
answers; a changed version drops every cached answer. This module adds what is HTTP's:

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
from dataclasses import dataclass
from urllib.parse import parse_qsl, urlencode

from anyio import to_thread
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.errors import unavailable_response
from api.security import API_KEY_HEADER, read_key_matches
from graph.settings import Settings
from graph.versioned_cache import DataVersion, Version, VersionedCache

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


@dataclass(frozen=True)
class CachedResponse:
    status: int
    headers: list[tuple[bytes, bytes]]
    body: bytes


def _body_size(entry: CachedResponse) -> int:
    return len(entry.body)


class ResponseCache(VersionedCache[str, CachedResponse]):
    """Serialised answers of one data version under their request keys, least recently used dropped
    first; an answer larger than a sixteenth of the budget is not kept."""

    def __init__(self, versions: DataVersion, max_entries: int = MAX_ENTRIES, max_bytes: int = MAX_BYTES) -> None:
        super().__init__(versions, max_entries=max_entries, max_size=max_bytes, size=_body_size,
                         max_item_size=max_bytes // 16)


async def current_version(versions: DataVersion) -> Version | None:
    """:meth:`DataVersion.current` for the event loop: a stale reading is re-read in a worker thread
    (the callers wait for it without holding the loop); a fresh one past half its interval is renewed
    in the background (:meth:`DataVersion.refresh_ahead`), so that steady traffic never waits."""
    fresh, version = versions.peek()
    if fresh:
        if versions.due():
            versions.refresh_ahead()
        return version
    return await to_thread.run_sync(versions.current)


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
        version = await current_version(self.versions)
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
