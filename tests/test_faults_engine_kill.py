"""Fault: Neo4j is SIGKILLed while an ingest writes.

What must hold: the ``platgraph ingest`` command fails with a clear message (exit 3, no
traceback); after a restart the interrupted run is visible as unfinished (``running``, never
``completed``); and running the same ingest again yields exactly the graph of one clean ingest
(every node and relationship with all its properties). The engine here is a scratch engine of the
test's own (port 7724, home ``.platgraph/fault-7724``), so the kill touches nothing else.
"""

from __future__ import annotations

import subprocess
import time
from pathlib import Path

import pytest

from graph import local_neo4j
from graph.reference import load_reference
from graph.store import Store
from ingest.lock import read_lock
from tests.conftest import wipe
from tests.faults_common import (
    REPO,
    FaultLog,
    cli_command,
    cli_env,
    counts,
    fault_port,
    run_cli,
    scratch_engine,
    snapshot,
)

PORT = fault_port(7724)


@pytest.fixture
def fault_log(capsys: pytest.CaptureFixture[str], request: pytest.FixtureRequest) -> FaultLog:
    return FaultLog(capsys, request.node.name)


def statuses(store: Store) -> list[str]:
    return sorted(r["s"] for r in store.read("MATCH (r:IngestRun) RETURN r.status AS s"))


def wait_until_mid_write(store: Store, proc: subprocess.Popen, timeout: float = 300) -> dict[str, int]:
    """Poll until the ingest has committed some platforms but not all of its writes."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert proc.poll() is None, "the ingest finished before it could be interrupted"
        rows = store.read("OPTIONAL MATCH (r:IngestRun {status: 'running'}) WITH count(r) AS running "
                          "OPTIONAL MATCH (p:Platform) RETURN running, count(p) AS platforms")
        if rows[0]["running"] and rows[0]["platforms"]:
            return counts(store)
        time.sleep(0.05)
    pytest.fail("the ingest never reached its write phase")


@pytest.mark.slow
def test_sigkill_mid_ingest_then_rerun_gives_the_clean_graph(clean_sample: tuple, sample_dir: Path, tmp_path: Path,
                                                            fault_log: FaultLog) -> None:
    expected, expected_counts = clean_sample  # one clean ingest of the same sample (session fixture)
    with scratch_engine(PORT) as settings:
        with Store(settings) as store:
            wipe(store)
            load_reference(store)

            proc = subprocess.Popen(cli_command("ingest", str(sample_dir), "--rejects", str(tmp_path / "r1.csv")),
                                    cwd=REPO, env=cli_env(settings), stdout=subprocess.PIPE,
                                    stderr=subprocess.PIPE, text=True)
            at_kill = wait_until_mid_write(store, proc)
        assert local_neo4j.kill(settings)
        killed_at = time.monotonic()
        fault_log.injected(f"SIGKILL to Neo4j (port {PORT}) while `platgraph ingest` wrote the 2,000-platform "
                           f"sample; committed at the kill: {at_kill.get('Platform', 0)} of "
                           f"{expected_counts['Platform']} platforms")
        out, err = proc.communicate(timeout=120)
        failed_after = time.monotonic() - killed_at
        assert proc.returncode == 3, (proc.returncode, out, err)
        assert "Traceback" not in out + err
        assert err.lstrip().startswith("✗ 无法连接 Neo4j"), err  # the one message, no driver noise before it
        assert f"127.0.0.1:{PORT}" in err and "platgraph db start" in err
        fault_log.verified(f"the command failed with exit 3 after {failed_after:.1f} s, no traceback: "
                           + " ".join(err.split())[:160])

        local_neo4j.start(settings)
        with Store(settings) as store:
            assert statuses(store) == ["running"], "an interrupted run must never look completed"
            partial = counts(store)
            assert partial != expected_counts and snapshot(store) != expected
            assert read_lock(store) is not None  # the killed ingest could not release its lock
            fault_log.verified(f"after restart: the run is 'running' (unfinished), the graph is partial "
                               f"({partial.get('Platform', 0)} platforms), the dead ingest's lock is still there")

            rerun = run_cli(settings, "ingest", str(sample_dir), "--rejects", str(tmp_path / "r2.csv"))
            assert rerun.returncode == 0, rerun.stderr
            assert snapshot(store) == expected and counts(store) == expected_counts
            assert statuses(store) == ["completed", "interrupted"] and read_lock(store) is None
            assert "interrupted" in rerun.stdout, rerun.stdout  # the re-run says it closed the dead run
            fault_log.verified(f"re-run (exit 0) took over the dead process's lock, closed the dead run as "
                               f"'interrupted' and gave exactly the clean graph: "
                               f"{sum(expected_counts.values())} nodes+relationships, all properties equal")
