"""Faults: a read-only data directory and a full disk give a clear error, never a traceback.

Read-only and full file systems are real ones: small tmpfs mounts (``mount -t tmpfs -o size=…,ro``),
which needs root with CAP_SYS_ADMIN (CI runs as root). Without it, read-only falls back to a
mode-555 directory for a non-root user; a full disk cannot be faked honestly, so that case skips
and says why.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from graph import local_neo4j
from graph.settings import Settings, get_settings
from graph.store import Store
from ingest.lock import read_lock
from tests.faults_common import REPO, SCRATCH_PASSWORD, FaultLog, fault_port, run_cli, snapshot

SMALL = REPO / "tests" / "data" / "ingest_small"
FULL_DISK_ENGINE_PORT = fault_port(7726)


@pytest.fixture
def fault_log(capsys: pytest.CaptureFixture[str], request: pytest.FixtureRequest) -> FaultLog:
    return FaultLog(capsys, request.node.name)


@contextmanager
def tmpfs(path: Path, size: str, *, read_only: bool = False) -> Iterator[Path]:
    path.mkdir(parents=True, exist_ok=True)
    options = f"size={size}" + (",ro" if read_only else "")
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", options, "tmpfs", str(path)], capture_output=True,
                             text=True, check=False)
    if mounted.returncode != 0:
        if read_only and os.geteuid() != 0:
            path.chmod(0o555)  # a non-root user cannot write here either
            yield path
            path.chmod(0o755)
            return
        pytest.skip(f"cannot mount a tmpfs here ({mounted.stderr.strip()}): needs root with CAP_SYS_ADMIN")
    try:
        yield path
    finally:
        subprocess.run(["umount", "-l", str(path)], check=False)


def fill(path: Path, leave: int = 0) -> None:
    """Fill the file system of ``path`` up to ``leave`` free bytes."""
    stat = os.statvfs(path)
    with open(path / "ballast", "wb") as fh:
        fh.write(b"\0" * max(stat.f_bavail * stat.f_frsize - leave, 0))


def with_engine_build(home: Path) -> Path:
    """``home`` with the engine already built in it (a copy of the test engine's build), so that
    ``db start`` there goes straight to starting Neo4j instead of running Maven and javac again for
    every fresh home (about 20 s on a busy machine; the build is not what these tests are about)."""
    built = local_neo4j.ensure_built(get_settings())
    shutil.copytree(built.build, local_neo4j.EnginePaths(home).build)
    return home


def assert_clear(proc: subprocess.CompletedProcess, code: int, *needles: str) -> str:
    err = " ".join(proc.stderr.split())
    assert proc.returncode == code, (proc.returncode, proc.stdout, proc.stderr)
    assert "Traceback" not in proc.stdout + proc.stderr
    assert err.startswith("✗"), err
    for needle in needles:
        assert needle in err, (needle, err)
    return err


def test_db_start_with_a_read_only_home(tmp_path: Path, fault_log: FaultLog) -> None:
    with tmpfs(tmp_path / "ro", "1m", read_only=True) as ro:
        settings = Settings(neo4j_uri=f"bolt://127.0.0.1:{fault_port(7729)}", platgraph_home=ro / "home",
                            neo4j_password=SCRATCH_PASSWORD)
        fault_log.injected(f"PLATGRAPH_HOME on a read-only file system ({ro}); `platgraph db start`")
        err = assert_clear(run_cli(settings, "db", "start", timeout=120), 3, "不可写", str(ro / "home"))
        fault_log.verified("exit 3, no traceback: " + err)


def test_rejects_file_on_read_only_or_full_disk(clean_graph: Store, settings: Settings, tmp_path: Path,
                                                fault_log: FaultLog) -> None:
    before = snapshot(clean_graph)
    with tmpfs(tmp_path / "ro", "1m", read_only=True) as ro:
        fault_log.injected(f"`platgraph ingest --rejects` into a read-only directory ({ro})")
        err = assert_clear(run_cli(settings, "ingest", str(SMALL), "--rejects", str(ro / "r.csv")), 2,
                           "无法写入", "未写入任何数据")
        fault_log.verified("exit 2, no traceback: " + err)
    with tmpfs(tmp_path / "full", "64k") as full:
        fill(full)
        fault_log.injected(f"`platgraph ingest --rejects` onto a full file system ({full}, 0 bytes free)")
        err = assert_clear(run_cli(settings, "ingest", str(SMALL), "--rejects", str(full / "r.csv")), 2,
                           "无法写入", "No space left on device")
        fault_log.verified("exit 2, no traceback: " + err)
    assert snapshot(clean_graph) == before and read_lock(clean_graph) is None
    assert clean_graph.read("MATCH (r:IngestRun) RETURN count(r) AS n") == [{"n": 0}]
    fault_log.verified("the graph is unchanged, no IngestRun was recorded and the ingest lock was released")


def test_report_into_a_read_only_directory(clean_graph: Store, settings: Settings, tmp_path: Path,
                                           fault_log: FaultLog) -> None:
    assert run_cli(settings, "ingest", str(SMALL), "--rejects", str(tmp_path / "r.csv")).returncode == 0
    with tmpfs(tmp_path / "ro", "1m", read_only=True) as ro:
        fault_log.injected(f"`platgraph report` into a read-only directory ({ro})")
        err = assert_clear(run_cli(settings, "report", str(ro / "report.html"), "--format", "html"), 2,
                           "无法写入", str(ro / "report.html"))
        fault_log.verified("exit 2, no traceback: " + err)


@pytest.mark.slow
def test_neo4j_without_room_for_its_transaction_logs(tmp_path: Path, fault_log: FaultLog) -> None:
    with tmpfs(tmp_path / "small", "200m") as small:
        settings = Settings(neo4j_uri=f"bolt://127.0.0.1:{FULL_DISK_ENGINE_PORT}", platgraph_home=with_engine_build(small / "home"),
                            neo4j_password=SCRATCH_PASSWORD, platgraph_engine_heap="1g",
                            platgraph_engine_pagecache_mb=128)
        try:
            fault_log.injected(f"PLATGRAPH_HOME on a 200 MB file system ({small}): too small for Neo4j to "
                               "preallocate its 256 MB transaction logs; `platgraph db start`")
            err = assert_clear(run_cli(settings, "db", "start", timeout=400), 3, "启动失败", "磁盘空间不足",
                               str(small / "home" / "neo4j"))
            fault_log.verified("exit 3, no traceback, the disk named as the likely cause: "
                               + err[err.index("可能原因"):])
            log = (small / "home" / "neo4j" / "logs" / "debug.log").read_text(errors="replace")
            assert "not have enough space" in log
            fault_log.verified("Neo4j's own log confirms it: it could not preallocate a transaction log")
        finally:
            local_neo4j.stop(settings)


@pytest.mark.slow
def test_neo4j_that_runs_but_cannot_serve_its_database(tmp_path: Path, fault_log: FaultLog) -> None:
    with tmpfs(tmp_path / "medium", "400m") as medium:
        settings = Settings(neo4j_uri=f"bolt://127.0.0.1:{FULL_DISK_ENGINE_PORT}", platgraph_home=with_engine_build(medium / "home"),
                            neo4j_password=SCRATCH_PASSWORD, platgraph_engine_heap="1g",
                            platgraph_engine_pagecache_mb=128)
        try:
            fault_log.injected(f"PLATGRAPH_HOME on a 400 MB file system ({medium}): room for the system "
                               "database's transaction log but not for the graph's; `platgraph db start`")
            err = assert_clear(run_cli(settings, "db", "start", timeout=400), 3, "无法提供服务", "磁盘空间不足",
                               str(medium / "home" / "neo4j" / "logs" / "debug.log"))
            fault_log.verified("exit 3, no traceback: " + err[:200])
        finally:
            local_neo4j.stop(settings)
