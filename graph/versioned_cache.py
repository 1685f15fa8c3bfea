"""The one cache mechanism: values derived from the graph, kept while the graph's data version holds.

Why one mechanism: the API's read answers, the proposal check's index and anything else computed
from the whole graph are correct exactly as long as nothing has been written since they were
computed. Each used to decide that on its own; now each keeps its values in a
:class:`VersionedCache` and asks one :class:`DataVersion` whether the graph has changed.

- The **data version** (:func:`read_data_version`) is the database's last committed transaction
  (the bookmark of a trivial read transaction — any committed write anywhere, by the API, the CLI or
  another process, changes it), together with the node and relationship counts and the latest
  IngestRun/AnalysisRun keys and statuses (belt and braces should a server ever return no bookmark
  for reads).
- :class:`DataVersion` re-reads it at most every ``interval`` seconds (on the first request after
  that interval); ``invalidate()`` forces a re-read (after a write through this process). An
  interval of 0 turns caching off: :meth:`DataVersion.current` then answers ``None``. A caller on an
  event loop may renew a reading past half its interval in the background
  (:meth:`DataVersion.refresh_ahead`), so that under steady traffic no request waits for the read.
- :class:`VersionedCache` keeps values of one version only (a newer version drops them all), bounded
  by entry count and total size, least recently used dropped first. A value is stored under the
  version observed *before* it was computed, and only if that is still the current one, so a cached
  value is never older than the version it is served for. :meth:`VersionedCache.get_or_build` builds
  a missing value once however many callers ask for it at the same time.

This module is the graph layer's: it knows nothing of HTTP (``api/cache.py`` puts the response cache
on top of it) and nothing of what is cached.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

import neo4j
from neo4j.exceptions import AuthError, ServiceUnavailable, SessionExpired, TransientError

from graph.errors import DatabaseUnavailable
from graph.store import Store

# Raised when Neo4j is unreachable or refusing: the version is then unknown ("unavailable").
UNAVAILABLE = (DatabaseUnavailable, ServiceUnavailable, SessionExpired, AuthError, TransientError, OSError)

# A reading older than this share of the interval may be renewed in the background (refresh_ahead).
REFRESH_AHEAD = 0.5

# Counts come from Neo4j's count store (constant time); the run fingerprints read a handful of nodes.
DATA_VERSION_QUERY = """
CALL () { MATCH (n) RETURN count(n) AS nodes }
CALL () { MATCH ()-[r]->() RETURN count(r) AS rels }
CALL () { OPTIONAL MATCH (i:IngestRun) WITH i ORDER BY i.started DESC LIMIT 1
          RETURN coalesce(i.key, '') + ':' + coalesce(i.status, '') AS ingest }
CALL () { OPTIONAL MATCH (a:AnalysisRun) WITH a ORDER BY a.started DESC LIMIT 1
          RETURN coalesce(a.key, '') + ':' + coalesce(a.status, '') AS analysis }
RETURN nodes, rels, ingest, analysis
"""

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


def read_data_version(store: Store) -> str:
    """The graph's data version now: last committed transaction, counts and the latest runs."""
    def work(tx: neo4j.ManagedTransaction) -> dict[str, Any]:
        return tx.run(DATA_VERSION_QUERY).single(strict=True).data()

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
    """The data version, re-read at most every ``interval`` seconds (``None``: caching off, or the
    version could not be read — :attr:`unavailable` tells whether Neo4j was unreachable).

    :meth:`peek` takes no lock and does no I/O (the fast path of an event loop); :meth:`current`
    re-reads under a lock when the reading is stale, so concurrent callers wait for one read instead
    of each making one.
    """

    def __init__(self, store: Callable[[], Store], interval: float,
                 reader: Callable[[Store], str] = read_data_version) -> None:
        self._store = store
        self.interval = interval
        self._reader = reader
        self._version: Version | None = None
        self._checked = float("-inf")
        self._lock = threading.Lock()
        self.reads = 0  # how many times the version was read (tests and the bench report it)
        self.unavailable = False  # the last read failed because Neo4j is unreachable or refusing
        self._ahead = False  # a background re-read (refresh_ahead) is under way
        self._ahead_lock = threading.Lock()  # guards the flag only (never held across a read)

    @property
    def enabled(self) -> bool:
        return self.interval > 0

    def peek(self) -> tuple[bool, Version | None]:
        """(still fresh?, the last reading) without reading anything."""
        return time.monotonic() - self._checked < self.interval, self._version

    def current(self) -> Version | None:
        """The version now (re-read when stale); ``None`` when caching is off or it cannot be read."""
        if not self.enabled:
            return None
        fresh, version = self.peek()
        if fresh:
            return version
        with self._lock:
            fresh, version = self.peek()
            if fresh:
                return version
            return self._read()

    def _read(self) -> Version | None:
        """Read the version now (the caller holds the lock)."""
        self.reads += 1
        try:
            self._version = Version(self._reader(self._store()), self.reads)
            self.unavailable = False
        except UNAVAILABLE:  # unknown until the next check (no second wait)
            self._version, self.unavailable = None, True
        except Exception:  # anything else: callers go uncached and meet the error themselves
            self._version, self.unavailable = None, False
        self._checked = time.monotonic()
        return self._version

    def due(self) -> bool:
        """Whether the reading is past ``REFRESH_AHEAD`` of its interval (still fresh, but worth
        renewing before it goes stale) and no renewal is under way."""
        return self.enabled and not self._ahead and time.monotonic() - self._checked >= self.interval * REFRESH_AHEAD

    def refresh_ahead(self) -> None:
        """Renew the reading in a background thread, one at a time; returns at once.

        Why: when a reading goes stale, every request that arrives while it is re-read has to wait
        for that read (a Neo4j round trip, longer on a busy machine). In the API those requests were
        handed to worker threads, where CPU-bound checks then contended for the GIL with the event
        loop: under 32 clients most of a worker's requests, once a second, answered several times
        slower (docs/benchmarks.md, proposal check). Renewed at half the interval, the reading
        stays fresh under steady traffic and no request waits; an idle server reads nothing."""
        with self._ahead_lock:  # not the read lock: the caller (an event loop) must never wait for a read
            if self._ahead:
                return
            self._ahead = True
        threading.Thread(target=self._read_ahead, name="data-version", daemon=True).start()

    def _read_ahead(self) -> None:
        try:
            with self._lock:
                if time.monotonic() - self._checked >= self.interval * REFRESH_AHEAD:  # not renewed meanwhile
                    self._read()
        finally:
            self._ahead = False

    def invalidate(self) -> None:
        """Re-read the version on the next request (after a write through this process)."""
        self._checked = float("-inf")

    def suspect(self) -> None:
        """A caller just found Neo4j unreachable: re-read on the next request, unless the last read
        already failed (then the next read is due at the end of the interval, so that callers do
        not queue behind one slow failing read after another)."""
        if not self.unavailable:
            self.invalidate()


class VersionedCache(Generic[K, V]):
    """Values of one data version under their keys (see the module docstring).

    ``size`` measures a value for the ``max_size`` budget (default: every value counts 0); a value
    larger than ``max_item_size`` is not kept. ``hits``, ``misses`` and ``builds`` are counters for
    tests and benchmarks.
    """

    def __init__(self, versions: DataVersion, *, max_entries: int = 4_096, max_size: int | None = None,
                 size: Callable[[V], int] | None = None, max_item_size: int | None = None) -> None:
        self.versions = versions
        self.max_entries = max_entries
        self.max_size = max_size
        self.max_item_size = max_item_size
        self._size = size or (lambda _value: 0)
        self.version: Version | None = None
        self._entries: OrderedDict[K, V] = OrderedDict()
        self._total = 0
        self._lock = threading.Lock()
        self._building: dict[tuple[str, K], threading.Lock] = {}
        self.hits = 0
        self.misses = 0
        self.builds = 0

    def __len__(self) -> int:
        return len(self._entries)

    def _current(self, version: Version) -> bool:
        """Move to ``version`` when it is newer; True when it is the cache's version."""
        if self.version is None or version.generation > self.version.generation:
            if self.version is None or version.value != self.version.value:
                self._entries.clear()
                self._total = 0
            self.version = version
        return version.value == self.version.value

    def get(self, version: Version, key: K) -> V | None:
        """The value kept for ``key`` in ``version``, if any."""
        with self._lock:
            if not self._current(version):
                return None
            value = self._entries.get(key)
            if value is not None:
                self._entries.move_to_end(key)
            return value

    def put(self, version: Version, key: K, value: V) -> None:
        """Keep ``value`` unless the version moved on while it was computed (or it is too large)."""
        size = self._size(value)
        with self._lock:
            if not self._current(version) or (self.max_item_size is not None and size > self.max_item_size):
                return
            old = self._entries.pop(key, None)
            if old is not None:
                self._total -= self._size(old)
            self._entries[key] = value
            self._total += size
            while len(self._entries) > self.max_entries or (self.max_size is not None and self._total > self.max_size):
                _, dropped = self._entries.popitem(last=False)
                self._total -= self._size(dropped)

    def get_or_build(self, key: K, build: Callable[[], V]) -> V:
        """The value for ``key`` in the current version, built by ``build()`` when missing.

        Concurrent callers missing the same key in the same version share one build. When caching
        is off or the version cannot be read, ``build()`` runs uncached (and meets the outage itself).
        """
        version = self.versions.current()
        if version is None:
            return build()
        value = self.get(version, key)
        if value is not None:
            self.hits += 1
            return value
        flight = (version.value, key)
        with self._lock:
            gate = self._building.setdefault(flight, threading.Lock())
        with gate:
            value = self.get(version, key)  # built by the caller we waited for
            if value is None:
                self.misses += 1
                self.builds += 1
                value = build()
                self.put(version, key, value)
            else:
                self.hits += 1
        with self._lock:
            if self._building.get(flight) is gate and not gate.locked():
                del self._building[flight]
        return value

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
            self._total = 0
            self.version = None
