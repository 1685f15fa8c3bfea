"""Fault: Neo4j is SIGKILLed and restarted while the API serves readers.

tests/test_api_security.py covers a clean stop/start under an in-process TestClient. This test
goes further: a real ``platgraph serve`` process (HTTP on 127.0.0.1:7726) with concurrent readers,
its scratch engine (port 7725) killed as a crash would, kept down, then started again. What must
hold: during the outage every request is answered 503 (never a 500, never a hang: each reader goes on
answering request after request while the engine is still down, and requests in flight at the kill
end before the engine comes back); after the restart the same API process answers 200 again by
itself, with the same data. How fast it fails is a figure for the fault log, not an assertion.
"""

from __future__ import annotations

import subprocess
import threading
import time
from pathlib import Path

import httpx
import pytest

from graph import local_neo4j
from graph.reference import load_reference
from graph.store import Store
from ingest.pipeline import ingest_dataset
from tests.conftest import wipe
from tests.faults_common import REPO, FaultLog, cli_command, cli_env, fault_port, scratch_engine

ENGINE_PORT = fault_port(7725)
API_PORT = fault_port(7726)
BASE = f"http://127.0.0.1:{API_PORT}/api/v1"
SMALL = REPO / "tests" / "data" / "ingest_small"
PATHS = ("/health", "/platforms", "/institutions")


@pytest.fixture
def fault_log(capsys: pytest.CaptureFixture[str], request: pytest.FixtureRequest) -> FaultLog:
    return FaultLog(capsys, request.node.name)


class Readers:
    """Threads that GET the API in a loop and record (when, path, status, seconds, reader)."""

    def __init__(self, n: int = 4) -> None:
        self.n = n
        self.log: list[tuple[float, str, int, float, int]] = []
        self.stop = threading.Event()
        self.threads = [threading.Thread(target=self.run, args=(i,), daemon=True) for i in range(n)]

    def run(self, i: int) -> None:
        with httpx.Client(timeout=10.0) as client:
            n = i
            while not self.stop.is_set():
                path = PATHS[n % len(PATHS)]
                n += 1
                began = time.monotonic()
                try:
                    status = client.get(BASE + path).status_code
                except httpx.HTTPError:
                    status = -1  # connection error or timeout: the API itself failed
                self.log.append((began, path, status, time.monotonic() - began, i))
                time.sleep(0.05)

    def __enter__(self) -> Readers:
        for t in self.threads:
            t.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop.set()
        for t in self.threads:
            t.join(15)

    def between(self, start: float, end: float) -> list[tuple[float, str, int, float, int]]:
        return [r for r in self.log if start <= r[0] < end]

    def each_answered(self, after: float, times: int, status: int | None = None) -> bool:
        """Every reader has had ``times`` requests sent after ``after`` answered (with ``status``, or any)."""
        done = [r[4] for r in list(self.log) if r[0] >= after and (status is None or r[2] == status)]
        return all(done.count(i) >= times for i in range(self.n))


def wait_for(predicate, timeout: float) -> bool:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.25)
    return False


def status_of(path: str) -> int:
    try:
        return httpx.get(BASE + path, timeout=5.0).status_code
    except httpx.HTTPError:
        return -1


@pytest.mark.slow
def test_api_fails_fast_while_neo4j_is_down_and_recovers_by_itself(tmp_path: Path, fault_log: FaultLog) -> None:
    with scratch_engine(ENGINE_PORT) as settings:
        with Store(settings) as store:
            wipe(store)
            load_reference(store)
            ingest_dataset(store, SMALL, rejects_path=tmp_path / "r.csv")
        server = subprocess.Popen(cli_command("serve", "--port", str(API_PORT)), cwd=REPO, env=cli_env(settings),
                                  stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        try:
            if not wait_for(lambda: status_of("/health") == 200, 120):
                server.terminate()
                pytest.fail(f"the API did not come up: {server.communicate(timeout=30)[1][-2000:]}")
            before = httpx.get(BASE + "/platforms").json()
            with Readers() as readers:
                time.sleep(1.0)
                local_neo4j.kill(settings)
                killed = time.monotonic()
                fault_log.injected(f"SIGKILL to Neo4j (port {ENGINE_PORT}) under 4 concurrent API readers "
                                   f"(platgraph serve on {API_PORT}); engine kept down until every reader "
                                   f"had three 503 answers, then restarted")
                # Keep the engine down until every reader has had three 503s: a request that hung (or
                # waited for the engine) would stop its reader here. Counting any answer is not enough:
                # the first answers after the kill may be 200s from the response cache.
                assert wait_for(lambda: readers.each_answered(killed, 3, status=503), 120), \
                    "readers stopped getting answers (503) while the engine was down"
                restarting = time.monotonic()
                local_neo4j.start(settings)
                started = time.monotonic()
                assert wait_for(lambda: all(status_of(p) == 200 for p in PATHS), 60), "no recovery"
                recovered = time.monotonic()
                time.sleep(1.0)
            assert server.poll() is None, "the API process died"
            odd = [(round(r[0] - killed, 2), r[1], r[2], round(r[3], 2)) for r in readers.log if r[2] not in (200, 503)]
            assert not odd, f"unexpected answers (s after the kill, path, status, seconds): {odd}"
            # Once the API has answered one 503, every request sent after it and answered before the
            # restart is a 503 too (before that, an answer cached within PLATGRAPH_API_CACHE_SECONDS
            # may still be a 200).
            noticed = min(r[0] + r[3] for r in readers.between(killed, restarting) if r[2] == 503)
            outage = [r for r in readers.between(noticed, restarting) if r[0] + r[3] < restarting]
            assert len(outage) >= readers.n and {r[2] for r in outage} == {503}
            failures = [r for r in readers.between(killed, float("inf")) if r[2] == 503]
            # requests in flight at the kill ended while the engine was still down (none waited for it)
            in_flight = [r for r in readers.between(0, killed) if r[0] + r[3] > killed]
            assert all(r[0] + r[3] < restarting for r in in_flight), in_flight
            fault_log.verified(f"{len(outage)} requests while the engine was down: all 503; {len(failures)} 503s in "
                               f"all, slowest {max(r[3] for r in failures):.2f} s; {len(in_flight)} requests in flight at "
                               f"the kill ended before the restart; never a 500 or a hang")
            after = readers.between(recovered, float("inf"))
            assert after and {r[2] for r in after} == {200}
            assert httpx.get(BASE + "/platforms").json() == before
            warm = max((r[3] for r in readers.between(started, float("inf")) if r[2] == 200), default=0.0)
            fault_log.verified(f"the same API process answered 200 again {recovered - started:.1f} s after the "
                               f"engine was back (its restart took {started - restarting:.1f} s), same data; "
                               f"slowest 200 while the engine warmed up: {warm:.2f} s")
        finally:
            server.terminate()
            server.wait(30)
