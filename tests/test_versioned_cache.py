"""The one cache mechanism (graph/versioned_cache.py): values kept per data version, dropped when
it changes, built once for concurrent callers — and the version read from the real Neo4j changes
with any committed write."""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor

from graph.store import Store
from graph.versioned_cache import DataVersion, VersionedCache, read_data_version


class Versions:
    """A data version the test moves by hand (the real one is read from Neo4j below)."""

    def __init__(self) -> None:
        self.value = "v1"

    def read(self, _store: Store) -> str:
        return self.value


def versions_for(source: Versions) -> DataVersion:
    return DataVersion(lambda: None, interval=3600.0, reader=source.read)  # type: ignore[arg-type,return-value]


def test_values_live_as_long_as_their_version() -> None:
    source = Versions()
    versions = versions_for(source)
    cache: VersionedCache[str, list[str]] = VersionedCache(versions)
    first = cache.get_or_build("k", lambda: ["built", source.value])
    assert cache.get_or_build("k", lambda: ["again"]) is first and cache.builds == 1 and cache.hits == 1
    source.value = "v2"
    assert cache.get_or_build("k", lambda: ["again"]) is first  # not re-read yet: within the interval
    versions.invalidate()
    assert cache.get_or_build("k", lambda: ["after", source.value]) == ["after", "v2"] and cache.builds == 2


def test_a_value_computed_across_a_version_change_is_not_kept() -> None:
    source = Versions()
    versions = versions_for(source)
    cache: VersionedCache[str, str] = VersionedCache(versions)
    old = versions.current()
    assert old is not None
    source.value = "v2"
    versions.invalidate()
    new = versions.current()
    assert new is not None
    cache.put(new, "k", "new")
    cache.put(old, "k", "computed under v1")
    assert cache.get(new, "k") == "new"


def test_size_budget_drops_the_least_recently_used() -> None:
    versions = versions_for(Versions())
    cache: VersionedCache[str, bytes] = VersionedCache(versions, max_size=10, size=len, max_item_size=6)
    version = versions.current()
    assert version is not None
    cache.put(version, "a", b"aaaa")
    cache.put(version, "b", b"bbbb")
    cache.get(version, "a")  # a is now the more recent
    cache.put(version, "c", b"cccc")
    cache.put(version, "huge", b"x" * 7)
    assert (cache.get(version, "a"), cache.get(version, "b"), cache.get(version, "c")) == (b"aaaa", None, b"cccc")
    assert cache.get(version, "huge") is None and len(cache) == 2


def test_concurrent_callers_share_one_build() -> None:
    versions = versions_for(Versions())
    cache: VersionedCache[str, int] = VersionedCache(versions)
    entered, release = threading.Event(), threading.Event()

    def build() -> int:
        entered.set()
        release.wait(30)
        return 42

    with ThreadPoolExecutor(max_workers=6) as pool:
        futures = [pool.submit(cache.get_or_build, "index", build) for _ in range(6)]
        assert entered.wait(30)
        release.set()
        assert [f.result(30) for f in futures] == [42] * 6
    assert cache.builds == 1 and cache.hits == 5


def test_interval_zero_turns_caching_off() -> None:
    source = Versions()
    cache: VersionedCache[str, str] = VersionedCache(DataVersion(lambda: None, 0.0, reader=source.read))  # type: ignore[arg-type,return-value]
    assert [cache.get_or_build("k", lambda: "v") for _ in range(2)] == ["v", "v"]
    assert cache.versions.reads == 0 and len(cache) == 0


def test_a_reading_past_half_its_interval_is_renewed_in_the_background() -> None:
    """refresh_ahead: the caller (an event loop) never waits for the read; one renewal at a time;
    the renewed reading is fresh again and sees a change made meanwhile."""
    source = Versions()
    entered, release = threading.Event(), threading.Event()

    def slow_read(store: Store) -> str:
        entered.set()
        release.wait(30)
        return source.read(store)

    versions = DataVersion(lambda: None, interval=0.2, reader=lambda s: source.read(s))  # type: ignore[arg-type,return-value]
    first = versions.current()
    assert first is not None and first.value == "v1" and not versions.due()  # just read
    time.sleep(0.12)  # past half the interval, still fresh
    assert versions.peek()[0] and versions.due()
    versions._reader = slow_read  # the next read blocks until released
    source.value = "v2"
    versions.refresh_ahead()
    assert entered.wait(30)
    versions.refresh_ahead()  # one renewal at a time: no second read starts
    assert not versions.due()
    fresh, still = versions.peek()  # answered at once, while the renewal waits
    assert still == first
    release.set()
    for _ in range(300):
        if not versions._ahead:
            break
        time.sleep(0.01)
    fresh, renewed = versions.peek()
    assert fresh and renewed is not None and renewed.value == "v2" and versions.reads == 2


def test_no_renewal_when_caching_is_off() -> None:
    versions = DataVersion(lambda: None, 0.0, reader=Versions().read)  # type: ignore[arg-type,return-value]
    assert not versions.due()


def test_the_data_version_changes_with_any_committed_write(clean_graph: Store) -> None:
    before = read_data_version(clean_graph)
    assert read_data_version(clean_graph) == before  # reads do not move it
    clean_graph.write("MATCH (c:City) WITH c LIMIT 1 SET c.touched = true")  # counts unchanged
    after = read_data_version(clean_graph)
    assert after != before
