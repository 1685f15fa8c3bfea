"""Fault: two ingests at once. Both complete one after the other or one is refused with a clear
message (CLI exit 4, API 409) — never a mix. The lock lives in Neo4j (ingest/lock.py), so the
tests race real processes against the real engine, and check the staleness rule for locks left by
dead processes, dead machines and failed releases.
"""

from __future__ import annotations

import io
import os
import subprocess
import threading
import time
import zipfile
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from pydantic import SecretStr

from api.app import create_app
from graph.errors import IngestBusy
from graph.settings import Settings
from graph.store import Store
from ingest.lock import IngestLock, host_id, is_stale, read_lock
from tests.faults_common import REPO, FaultLog, cli_command, cli_env, run_cli, snapshot

SMALL = REPO / "tests" / "data" / "ingest_small"
KEY = "fault-admin-key-00001"
PLANT_LOCK = """
CREATE (:IngestLock {key: 'ingest', token: $token, host: $host, pid: $pid, dataset: 'planted',
                     acquired: datetime() - duration({minutes: $minutes}),
                     heartbeat: datetime() - duration({minutes: $minutes})})
"""


@pytest.fixture
def fault_log(capsys: pytest.CaptureFixture[str], request: pytest.FixtureRequest) -> FaultLog:
    return FaultLog(capsys, request.node.name)


def runs(store: Store) -> list[str]:
    return sorted(r["s"] for r in store.read("MATCH (r:IngestRun) RETURN r.status AS s"))


def dead_pid() -> int:
    proc = subprocess.Popen(["true"])
    proc.wait()
    return proc.pid


def test_second_ingest_is_refused_while_the_lock_is_held(clean_graph: Store, settings: Settings,
                                                         fault_log: FaultLog) -> None:
    before = snapshot(clean_graph)
    with IngestLock(clean_graph, dataset="held by the test"):
        fault_log.injected("ingest lock held by this process; `platgraph ingest` started in another process")
        proc = run_cli(settings, "ingest", str(SMALL))
        assert proc.returncode == 4, proc.stderr
        assert "另一个导入正在进行" in proc.stderr and "held by the test" in proc.stderr
        assert "Traceback" not in proc.stderr + proc.stdout
        assert snapshot(clean_graph) == before and runs(clean_graph) == []
        fault_log.verified("exit 4 with a clear message, no traceback, nothing written, no IngestRun")
    assert read_lock(clean_graph) is None
    proc = run_cli(settings, "ingest", str(SMALL), "--format", "json")
    assert proc.returncode == 0, proc.stderr
    assert runs(clean_graph) == ["completed"] and read_lock(clean_graph) is None
    fault_log.verified("after release the same ingest completes and leaves no lock behind")


def test_exactly_one_of_many_racing_acquirers_wins(clean_graph: Store, fault_log: FaultLog) -> None:
    contenders = 8
    barrier = threading.Barrier(contenders)
    outcome: list[object] = []
    locks = [IngestLock(clean_graph, dataset=f"racer {i}") for i in range(contenders)]

    def race(lock: IngestLock) -> None:
        barrier.wait()
        try:
            lock.acquire()
            outcome.append(lock)
        except IngestBusy as exc:
            outcome.append(exc)

    threads = [threading.Thread(target=race, args=(lock,)) for lock in locks]
    fault_log.injected(f"{contenders} threads acquire the ingest lock at the same instant")
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    winners = [o for o in outcome if isinstance(o, IngestLock)]
    assert len(outcome) == contenders and len(winners) == 1
    assert all("另一个导入正在进行" in str(o) for o in outcome if isinstance(o, IngestBusy))
    assert read_lock(clean_graph)["token"] == winners[0].token
    winners[0].release()
    assert read_lock(clean_graph) is None
    fault_log.verified(f"exactly one winner, {contenders - 1} refused with IngestBusy; released cleanly")


def test_two_ingest_processes_at_once_never_mix(clean_sample: tuple, clean_graph: Store, settings: Settings,
                                               sample_dir: Path, tmp_path: Path, fault_log: FaultLog) -> None:
    expected = clean_sample[0]  # one clean ingest of the sample (session fixture, before clean_graph)
    fault_log.injected("two `platgraph ingest` processes of the 2,000-platform sample started together")
    procs = [subprocess.Popen(cli_command("ingest", str(sample_dir), "--rejects", str(tmp_path / f"r{i}.csv")),
                              cwd=REPO, env=cli_env(settings), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              text=True) for i in range(2)]
    results = [(p.wait(600), *p.communicate()) for p in procs]
    codes = sorted(code for code, _, _ in results)
    assert codes in ([0, 0], [0, 4]), results
    for code, out, err in results:
        assert "Traceback" not in out + err
        if code == 4:
            assert "另一个导入正在进行" in err
    assert snapshot(clean_graph) == expected
    assert runs(clean_graph) == ["completed"] * codes.count(0) and read_lock(clean_graph) is None
    fault_log.verified(f"exit codes {codes}; the graph equals one clean ingest exactly; no lock left")


def test_stale_locks_are_taken_over_and_live_ones_are_not(clean_graph: Store, fault_log: FaultLog) -> None:
    here = host_id()
    cases = [
        ("dead pid on this host", {"host": here, "pid": dead_pid(), "minutes": 0}, True),
        ("this process, token no longer held (failed release)", {"host": here, "pid": os.getpid(), "minutes": 0},
         True),
        ("another machine, heartbeat 10 min old", {"host": "elsewhere/00000000", "pid": 1, "minutes": 10}, True),
        ("another machine, fresh heartbeat", {"host": "elsewhere/00000000", "pid": 1, "minutes": 0}, False),
        ("live process on this host, fresh heartbeat", {"host": here, "pid": os.getppid(), "minutes": 0}, False),
    ]
    for what, params, stale in cases:
        clean_graph.write("MATCH (l:IngestLock) DELETE l")
        clean_graph.write(PLANT_LOCK, {"token": "planted-" + what, **params})
        fault_log.injected(f"planted lock: {what}")
        lock = IngestLock(clean_graph, dataset="taker")
        if stale:
            with lock:
                assert lock.took_over is not None and lock.took_over["token"] == "planted-" + what
                assert read_lock(clean_graph)["token"] == lock.token
            assert read_lock(clean_graph) is None
            fault_log.verified("judged stale: taken over, then released")
        else:
            with pytest.raises(IngestBusy) as refused:
                lock.acquire()
            assert str(params["pid"]) in str(refused.value) and params["host"] in str(refused.value)
            assert read_lock(clean_graph)["token"] == "planted-" + what
            fault_log.verified("judged live: refused, naming the holder's host and pid; lock untouched")
    clean_graph.write("MATCH (l:IngestLock) DELETE l")


def test_heartbeat_keeps_a_long_ingest_from_looking_stale(clean_graph: Store, fault_log: FaultLog) -> None:
    holder = IngestLock(clean_graph, dataset="long ingest", heartbeat=0.3)
    with holder:
        fault_log.injected("lock held for 2.5 s with a 0.3 s heartbeat; a rival judges staleness after 1 s")
        time.sleep(2.5)
        assert read_lock(clean_graph)["age"] < 1
        with pytest.raises(IngestBusy):
            IngestLock(clean_graph, stale_after=1.0).acquire()
        # the same lock seen from another machine once its heartbeat is 5 s old: stale
        clean_graph.write("MATCH (l:IngestLock) SET l.heartbeat = datetime() - duration({seconds: 5})")
        assert is_stale({**read_lock(clean_graph), "host": "elsewhere/00000000"}, stale_after=1.0)
        with pytest.raises(IngestBusy):
            IngestLock(clean_graph, stale_after=1.0).acquire()  # here its holder is known alive
    fault_log.verified("a beating lock stays young and is refused to rivals; an old heartbeat elsewhere is stale")


def test_api_upload_while_an_ingest_runs_is_409(clean_graph: Store, settings: Settings,
                                                fault_log: FaultLog) -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for path in sorted(SMALL.iterdir()):
            archive.write(path, path.name)
    upload = {"file": ("small.zip", buffer.getvalue(), "application/zip")}
    app_settings = settings.model_copy(update={"platgraph_api_key": SecretStr(KEY)})
    with TestClient(create_app(app_settings)) as client:
        with IngestLock(clean_graph, dataset="cli ingest"):
            fault_log.injected("ingest lock held (an ingest is running); POST /api/v1/datasets")
            response = client.post("/api/v1/datasets", files=upload, headers={"X-API-Key": KEY},
                                   params={"lang": "en"})
            assert response.status_code == 409, response.text
            body = response.json()
            assert body["code"] == "ingest_busy" and response.headers["Retry-After"] == "30"
            assert "another ingest is running" in body["detail"] and "另一个导入正在进行" in body["detail_zh"]
            assert runs(clean_graph) == []
            fault_log.verified("409 ingest_busy with a bilingual body and Retry-After; nothing written")
        response = client.post("/api/v1/datasets", files=upload, headers={"X-API-Key": KEY})
        assert response.status_code == 200, response.text
    assert runs(clean_graph) == ["completed"]
    fault_log.verified("after release the same upload is ingested (200)")
