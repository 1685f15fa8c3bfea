"""The API's response cache (api/cache.py) against the real Neo4j: answers are reused within a data
version, kept apart by language, paging and filters, never served stale after a write — through
the API at once, through the store or the CLI within the documented interval — and never served
to a caller the endpoint would refuse."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from pydantic import SecretStr

from api.app import create_app
from api.cache import request_key
from graph.settings import Settings
from graph.store import Store
from queries.overlap import check_proposal
from tests.api_fixtures import build_small_graph
from tests.conftest import GraphState
from tests.test_api_analyses import PROPOSAL, dataset_zip

API = "/api/v1"
KEY = "cache-test-admin-key-0001"
ADMIN = {"X-API-Key": KEY}
REPO = Path(__file__).resolve().parent.parent
LONG = 3600.0  # an interval no test waits for: only writes through the API can show up
SHORT = 0.5


@pytest.fixture
def small(graph_state: GraphState) -> Store:
    graph_state.use("api-cache", build_small_graph)
    clean_graph = graph_state.store
    return clean_graph


@contextmanager
def client_for(settings: Settings, interval: float, **update: object) -> Iterator[TestClient]:
    app = create_app(settings.model_copy(update={"platgraph_api_key": SecretStr(KEY),
                                                 "platgraph_api_cache_seconds": interval, **update}))
    with TestClient(app) as c:
        yield c


def get(c: TestClient, path: str, **params: object):  # noqa: ANN201 - httpx.Response
    response = c.get(API + path, params=params)
    assert response.status_code == 200, response.text
    return response


def add_platform(store: Store, key: str) -> None:
    store.write("CREATE (:Platform {key: $key, name: '缓存测试平台', city: '柳州', status: 'active', "
                "level: 'regional'})", {"key": key})


def test_request_key_is_canonical_but_keeps_parameters_apart() -> None:
    def key(query: str) -> str:
        return request_key({"path": "/api/v1/platforms", "query_string": query.encode()})

    assert key("limit=2&offset=1") == key("offset=1&limit=2")
    distinct = {key(q) for q in ("", "lang=en", "lang=zh", "offset=1", "offset=2", "city=柳州", "city=南宁",
                                  "limit=2&offset=1", "q=工程", "q=工程&city=柳州")}
    assert len(distinct) == 10


def test_repeated_reads_are_served_from_the_cache(small: Store, settings: Settings) -> None:
    with client_for(settings, LONG) as c:
        first = get(c, "/platforms", limit=2, offset=1)
        again = c.get(f"{API}/platforms?offset=1&limit=2")  # same request, other parameter order
        assert first.headers["x-cache"] == "miss" and again.headers["x-cache"] == "hit"
        assert again.content == first.content and again.headers["content-type"] == first.headers["content-type"]
        health = get(c, "/health")
        assert "x-cache" not in health.headers  # /health always asks Neo4j
        assert c.app.state.response_cache.hits == 1  # type: ignore[attr-defined]


def test_language_paging_and_filters_stay_apart(small: Store, settings: Settings) -> None:
    with client_for(settings, LONG) as c:
        for _ in range(2):  # second round: every answer from the cache, each still its own
            zh = get(c, "/platforms/P001").json()
            en = get(c, "/platforms/P001", lang="en").json()
            assert zh["overlaps"][0]["reasons"][0] == "同一依托单位"
            assert en["overlaps"][0]["reasons"][0] == "same host"
            page0 = get(c, "/platforms", limit=1, offset=0).json()
            page1 = get(c, "/platforms", limit=1, offset=1).json()
            assert page0["items"][0]["id"] != page1["items"][0]["id"]
            assert page0["offset"] == 0 and page1["offset"] == 1
            liuzhou = {p["id"] for p in get(c, "/platforms", city="柳州").json()["items"]}
            nanning = {p["id"] for p in get(c, "/platforms", city="南宁").json()["items"]}
            assert liuzhou == {"P001", "P002"} and "P004" in nanning and not liuzhou & nanning
        assert c.get(f"{API}/platforms/P001", params={"lang": "en"}).headers["x-cache"] == "hit"


def test_errors_are_not_cached(small: Store, settings: Settings) -> None:
    with client_for(settings, LONG) as c:
        for _ in range(2):
            missing = c.get(f"{API}/platforms/NO-SUCH")
            assert missing.status_code == 404 and missing.headers.get("x-cache") != "hit"
            bad = c.get(f"{API}/platforms", params={"limit": 0})
            assert bad.status_code == 422 and bad.headers.get("x-cache") != "hit"
        add_platform(small, "NO-SUCH")  # a 404 was not kept: the new platform shows at once
        c.app.state.data_version.invalidate()  # type: ignore[attr-defined]
        assert c.get(f"{API}/platforms/NO-SUCH").status_code == 200


def test_direct_writes_show_within_the_interval(small: Store, settings: Settings) -> None:
    with client_for(settings, SHORT) as c:
        before = get(c, "/platforms", city="柳州").json()["total"]
        assert get(c, "/platforms", city="柳州").headers["x-cache"] == "hit"
        add_platform(small, "P-direct")
        time.sleep(SHORT + 0.1)
        after = get(c, "/platforms", city="柳州")
        assert after.json()["total"] == before + 1 and after.headers["x-cache"] == "miss"
        # A property change (same counts, no run) is a new transaction: seen too.
        small.write("MATCH (p:Platform {key: 'P-direct'}) SET p.name = '改名后的平台'")
        time.sleep(SHORT + 0.1)
        names = {p["name"] for p in get(c, "/platforms", city="柳州").json()["items"]}
        assert "改名后的平台" in names


def test_a_long_interval_really_caches(small: Store, settings: Settings) -> None:
    """The control for the test above: without a version check, the direct write is not seen."""
    with client_for(settings, LONG) as c:
        before = get(c, "/platforms", city="柳州").json()["total"]
        add_platform(small, "P-unseen")
        assert get(c, "/platforms", city="柳州").json()["total"] == before
        c.app.state.data_version.invalidate()  # type: ignore[attr-defined]
        assert get(c, "/platforms", city="柳州").json()["total"] == before + 1


def test_cli_analysis_shows_within_the_interval(small: Store, settings: Settings) -> None:
    with client_for(settings, SHORT) as c:
        assert get(c, "/analyses/latest").json()["key"] == "A1"
        env = {**os.environ, "NEO4J_URI": settings.neo4j_uri,
               "NEO4J_PASSWORD": settings.resolved_password() or "", "PLATGRAPH_HOME": str(settings.home)}
        proc = subprocess.run([sys.executable, "-m", "api.cli", "analyze"], cwd=REPO, env=env,
                              capture_output=True, text=True, timeout=300)
        assert proc.returncode == 0, proc.stderr
        time.sleep(SHORT + 0.1)
        latest = get(c, "/analyses/latest").json()
        assert latest["key"] != "A1" and latest["kind"] == "all"


def test_writes_through_the_api_show_at_once(clean_graph: Store, settings: Settings) -> None:
    with client_for(settings, LONG) as c:
        assert get(c, "/platforms").json()["total"] == 0
        assert get(c, "/platforms").headers["x-cache"] == "hit"
        assert c.get(f"{API}/analyses/latest").status_code == 404
        uploaded = c.post(f"{API}/datasets", headers=ADMIN,
                          files={"file": ("广西平台.zip", dataset_zip(), "application/zip")})
        assert uploaded.status_code == 200, uploaded.text
        assert get(c, "/platforms").json()["total"] == 3  # no waiting: the upload re-read the version
        first = get(c, "/overlaps").json()
        analysed = c.post(f"{API}/analyses", headers=ADMIN)
        assert analysed.status_code == 200, analysed.text
        assert get(c, "/analyses/latest").json()["key"] == analysed.json()["run"]
        after = get(c, "/overlaps").json()
        assert first["total"] == 0 and after["total"] >= 1 and after["run"] == analysed.json()["run"]


def test_closed_reads_get_no_cached_answer_without_the_key(small: Store, settings: Settings) -> None:
    with client_for(settings, LONG, platgraph_open_reads=False) as c:
        for _ in range(2):
            ok = c.get(f"{API}/platforms", headers=ADMIN)
            assert ok.status_code == 200
        assert ok.headers["x-cache"] == "hit"
        assert c.get(f"{API}/platforms").status_code == 401
        assert c.get(f"{API}/platforms", headers={"X-API-Key": "wrong"}).status_code == 401


def test_interval_zero_turns_the_cache_off(small: Store, settings: Settings) -> None:
    with client_for(settings, 0.0) as c:
        for _ in range(2):
            assert "x-cache" not in get(c, "/platforms").headers
        assert c.app.state.data_version.reads == 0  # type: ignore[attr-defined]


def test_proposal_index_is_built_once_per_version(clean_graph: Store, settings: Settings) -> None:
    with client_for(settings, SHORT) as c:
        assert c.post(f"{API}/datasets", headers=ADMIN,
                      files={"file": ("d.zip", dataset_zip(), "application/zip")}).status_code == 200
        answers = [c.post(f"{API}/overlaps/check", json=PROPOSAL) for _ in range(3)]
        assert all(a.status_code == 200 for a in answers)
        profiles = c.app.state.proposal_index  # type: ignore[attr-defined]
        assert profiles.builds == 1
        expected = check_proposal(clean_graph, PROPOSAL)  # builds the index itself, like the CLI
        assert answers[0].json()["pairs"] == expected["pairs"] and expected["pairs"]
        # Remove the team member the proposal shares: after the interval the check sees it.
        clean_graph.write("MATCH (:Researcher {name: '张伟'})-[m:MEMBER_OF]->() DELETE m")
        time.sleep(SHORT + 0.1)
        changed = c.post(f"{API}/overlaps/check", json=PROPOSAL).json()
        assert profiles.builds == 2
        assert changed["pairs"] == check_proposal(clean_graph, PROPOSAL)["pairs"]
        assert changed["pairs"] != answers[0].json()["pairs"]


def test_a_check_after_the_interval_rereads_the_version_and_keeps_the_index(small: Store,
                                                                          settings: Settings) -> None:
    """A stale data version is re-read (awaited off the event loop) and the kept index answers: same
    pairs, no rebuild; under steady traffic the reading is renewed ahead (no request waits)."""
    body = {k: v for k, v in PROPOSAL.items() if k != "people"}  # answered on the event loop
    with client_for(settings, SHORT) as c:
        first = c.post(f"{API}/overlaps/check", json=body)
        assert first.status_code == 200
        versions = c.app.state.data_version  # type: ignore[attr-defined]
        index = c.app.state.proposal_index  # type: ignore[attr-defined]
        reads = versions.reads
        time.sleep(SHORT + 0.1)  # stale now
        again = c.post(f"{API}/overlaps/check", json=body)
        assert again.status_code == 200 and again.json()["pairs"] == first.json()["pairs"]
        assert versions.reads == reads + 1 and index.builds == 1
        time.sleep(SHORT * 0.6)  # past half the interval: this check starts a renewal, answered at once
        assert c.post(f"{API}/overlaps/check", json=body).json()["pairs"] == first.json()["pairs"]
        for _ in range(300):
            if versions.reads == reads + 2:
                break
            time.sleep(0.01)
        assert versions.reads == reads + 2 and versions.peek()[0] and index.builds == 1


def test_concurrent_misses_are_computed_once(small: Store, settings: Settings) -> None:
    from concurrent.futures import ThreadPoolExecutor

    with client_for(settings, LONG) as c:
        with ThreadPoolExecutor(max_workers=8) as pool:
            answers = list(pool.map(lambda _: c.get(f"{API}/overlaps/groups"), range(16)))
        assert all(a.status_code == 200 for a in answers)
        assert len({a.content for a in answers}) == 1
        cache = c.app.state.response_cache  # type: ignore[attr-defined]
        assert cache.misses + cache.hits == 16 and cache.misses == 1  # the others waited for it
        assert sum(a.headers["x-cache"] == "miss" for a in answers) == cache.misses


def test_an_outage_seen_by_any_request_stops_cached_answers(small: Store, settings: Settings) -> None:
    """Neo4j stopped under a running app whose cache would otherwise keep answering for 30 s."""
    from graph import local_neo4j

    if not settings.uses_local_engine:
        pytest.fail("this test needs the local test engine (PLATGRAPH_TEST_PORT)")
    with client_for(settings, 30.0) as c:
        get(c, "/platforms")
        assert get(c, "/platforms").headers["x-cache"] == "hit"
        local_neo4j.stop(settings)
        try:
            assert c.get(f"{API}/health").status_code == 503  # an uncached probe sees the outage
            down = c.get(f"{API}/platforms")
            assert down.status_code == 503 and down.json()["code"] == "database_unavailable"
        finally:
            local_neo4j.start(settings)
        deadline = time.monotonic() + 60
        while c.get(f"{API}/health").status_code != 200 and time.monotonic() < deadline:
            time.sleep(0.5)
        back = c.get(f"{API}/platforms")  # recovered with /health, not 30 s later
        assert back.status_code == 200, back.text
