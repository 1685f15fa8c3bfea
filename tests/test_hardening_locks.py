"""Locks hardening (docs/security.md) against the real Neo4j: one analysis at a time (409 / exit 4),
write-back that deletes only older runs, dead 'running' analyses marked 'interrupted', an ingest that
stops when its lock was taken over, commands that refuse under a live ingest, the container in the
same-host staleness rule, and destructive commands that name their target."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from pydantic import SecretStr
from typer.testing import CliRunner

from api.app import create_app
from api.cli import app as cli
from graph import locks
from graph.errors import AnalysisBusy, IngestBusy, LockLost
from graph.locks import AnalysisLock, IngestLock, host_id, is_stale, read_lock
from graph.settings import Settings, get_settings
from graph.store import Store
from tests.api_fixtures import build_small_graph
from tests.conftest import GraphState

ADMIN = "locks-admin-key-000001"


@pytest.fixture
def small(graph_state: GraphState) -> Store:
    graph_state.use("locks-small", build_small_graph)
    return graph_state.store


def _runner_env(**env: str) -> dict[str, str]:
    get_settings.cache_clear()
    return env


# ---------------------------------------------------------------- item 3: analyses
def test_a_second_analysis_is_refused_by_function_api_and_cli(small: Store, settings: Settings) -> None:
    from queries.analyze import run_all

    with AnalysisLock(small):
        with pytest.raises(AnalysisBusy):
            run_all(small)
        app = create_app(settings.model_copy(update={"platgraph_api_key": SecretStr(ADMIN)}))
        with TestClient(app) as client:
            response = client.post("/api/v1/analyses", headers={"X-API-Key": ADMIN})
        assert response.status_code == 409 and response.json()["code"] == "analysis_busy"
        assert "pid" not in response.text and "进程" not in response.text  # no server internals
        assert response.headers["Retry-After"]
        get_settings.cache_clear()
        result = CliRunner().invoke(cli, ["analyze"])
        assert result.exit_code == 4, result.output
    assert small.read("MATCH (a:AnalysisRun) WHERE a.key <> 'A1' RETURN count(a) AS n")[0]["n"] == 0


def test_dead_running_analyses_are_marked_interrupted(small: Store) -> None:
    small.write("CREATE (:AnalysisRun {key: 'A-dead', kind: 'all', status: 'running', started: datetime()})")
    with AnalysisLock(small) as lock:
        assert lock.interrupted == ["A-dead"]
    assert small.read("MATCH (a:AnalysisRun {key: 'A-dead'}) RETURN a.status AS s")[0]["s"] == "interrupted"


def test_write_back_deletes_only_older_runs(small: Store) -> None:
    from queries.overlap import run_overlap_analysis

    # a pair written by a newer run (a concurrent analysis that started later) must survive
    small.write("MATCH (a:Platform {key: 'P002'}), (b:Platform {key: 'P004'}) "
                "CREATE (a)-[:OVERLAPS {run: 'A99991231T000000000000-ffffff', score: 0.9}]->(b)")
    run_overlap_analysis(small, "A20261201T000000000000-000001")
    runs = {r["run"] for r in small.read("MATCH ()-[o:OVERLAPS]->() RETURN DISTINCT o.run AS run")}
    assert "A99991231T000000000000-ffffff" in runs
    assert "A1" not in runs  # the older run's pairs were replaced


# ---------------------------------------------------------------- item 4: locks
def _tiny_dataset(folder: Path) -> Path:
    folder.mkdir()
    with (folder / "平台.csv").open("w", encoding="utf-8-sig", newline="") as handle:
        csv.writer(handle).writerows([["平台名称", "平台类型", "依托单位", "级别"],
                                      ["广西锁测试工程研究中心", "工程研究中心", "广西大学", "自治区级"]])
    return folder


def test_an_ingest_whose_lock_was_taken_over_writes_nothing(small: Store, tmp_path: Path,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    from ingest.pipeline import ingest_dataset

    original = IngestLock.acquire

    def acquire_then_lose(self: IngestLock) -> None:
        original(self)
        # another process judged us stale (we were paused) and took the lock over
        small.write("MATCH (l:IngestLock {key: 'ingest'}) DELETE l "
                    "CREATE (:IngestLock {key: 'ingest', token: 'usurper', host: 'elsewhere', pid: 1, "
                    "dataset: 'x', acquired: datetime(), heartbeat: datetime()})")

    monkeypatch.setattr(IngestLock, "acquire", acquire_then_lose)
    try:
        with pytest.raises(LockLost):
            ingest_dataset(small, _tiny_dataset(tmp_path / "d"), rejects_path=tmp_path / "r.csv")
        assert small.read("MATCH (p:Platform {name: '广西锁测试工程研究中心'}) RETURN count(p) AS n")[0]["n"] == 0
    finally:
        small.write("MATCH (l:IngestLock) DELETE l")


def test_reset_backup_restore_and_export_refuse_under_a_live_ingest(small: Store, engine: Settings,
                                                                      tmp_path: Path) -> None:
    from graph.backup import backup, restore, write_archive

    fake_store = tmp_path / "store"
    (fake_store / "databases").mkdir(parents=True)
    (fake_store / "databases" / "x.db").write_bytes(b"x")
    write_archive(fake_store, tmp_path / "bk")
    with IngestLock(small, dataset="running.csv"):
        get_settings.cache_clear()
        runner = CliRunner()
        assert runner.invoke(cli, ["db", "reset", "--yes"]).exit_code == 4
        assert runner.invoke(cli, ["export", str(tmp_path / "out")]).exit_code == 4
        with pytest.raises(IngestBusy):
            backup(engine, tmp_path / "refused")
        with pytest.raises(IngestBusy):
            restore(engine, tmp_path / "bk")
    assert small.read("MATCH (p:Platform) RETURN count(p) AS n")[0]["n"] == 4  # nothing was wiped
    assert read_lock(small) is None


def test_same_hostname_in_another_container_is_not_judged_by_its_pid(monkeypatch: pytest.MonkeyPatch) -> None:
    dead_pid = 2 ** 22 + 12345  # above pid_max's default: never alive here
    here = {"host": host_id(), "pid": dead_pid, "token": "t", "age": 1}
    assert is_stale(here)  # this host and container, pid gone: stale
    monkeypatch.setattr(locks, "container_id", lambda: "another-pid-namespace")
    other = {"host": host_id(), "pid": dead_pid, "token": "t", "age": 1}
    monkeypatch.undo()
    assert other["host"] != here["host"]
    assert not is_stale(other)  # another container with the same hostname: only the heartbeat counts


# ---------------------------------------------------------------- item 7: destructive commands
def test_reset_names_its_target_and_needs_the_database_name_when_not_local(monkeypatch: pytest.MonkeyPatch) -> None:
    runner = CliRunner()
    monkeypatch.setenv("NEO4J_URI", "bolt://graph.example.org:7687")
    monkeypatch.setenv("NEO4J_DATABASE", "planning")
    get_settings.cache_clear()
    try:
        refused = runner.invoke(cli, ["db", "reset", "--yes"])
        assert refused.exit_code == 2, refused.output
        assert "bolt://graph.example.org:7687" in refused.output and "planning" in refused.output
        assert "--database" in refused.output
        wrong = runner.invoke(cli, ["db", "reset", "--yes", "--database", "neo4j"])
        assert wrong.exit_code == 2
    finally:
        monkeypatch.undo()
        get_settings.cache_clear()
    local = runner.invoke(cli, ["db", "reset"])  # the local test engine: names it, asks for --yes
    assert local.exit_code == 2 and get_settings().neo4j_uri in local.output


def test_benchmarks_name_their_target_and_need_the_database_name_when_not_local(tmp_path: Path) -> None:
    import os
    import subprocess
    import sys

    repo = Path(__file__).resolve().parent.parent
    env = {**os.environ, "NEO4J_URI": "bolt://graph.example.org:7687", "NEO4J_DATABASE": "planning"}
    for script in ("bench/ingest.py", "bench/coverage.py"):
        done = subprocess.run([sys.executable, script, "--yes"], cwd=repo, env=env, capture_output=True,
                              text=True, timeout=120)
        assert done.returncode != 0, (script, done.stdout, done.stderr)
        assert "bolt://graph.example.org:7687" in done.stderr and "--database planning" in done.stderr, script
