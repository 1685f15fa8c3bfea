"""The local engine keeps its data across a clean stop and start, and explains missing tools."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from graph import local_neo4j
from graph.settings import Settings
from graph.store import Store

REPO = Path(__file__).resolve().parent.parent


def test_data_survives_stop_and_start(engine: Settings, clean_graph: Store) -> None:
    if not engine.uses_local_engine or os.environ.get("PLATGRAPH_TEST_NEO4J_URI"):
        pytest.skip("restarting applies to the local engine only")  # an external server is not ours to stop
    clean_graph.write("CREATE (:Platform {key: 'survivor', name: '持久化测试平台'})")
    assert local_neo4j.stop(engine) is True
    assert not local_neo4j.is_running(engine)
    info = local_neo4j.start(engine)
    assert info["started"] is True
    with Store(engine) as fresh:
        rows = fresh.read("MATCH (p:Platform {key: 'survivor'}) RETURN p.name AS name")
    assert rows == [{"name": "持久化测试平台"}]


def test_missing_java_is_explained_without_traceback(tmp_path: Path) -> None:
    env = dict(os.environ)
    env["PATH"] = str(tmp_path)  # no java, no mvn
    env["PLATGRAPH_HOME"] = str(tmp_path / "home")
    env["NEO4J_URI"] = "bolt://127.0.0.1:7699"
    proc = subprocess.run([sys.executable, "-m", "api.cli", "db", "start"], capture_output=True, text=True,
                          cwd=REPO, env=env, timeout=60)
    assert proc.returncode == 3
    assert "Traceback" not in proc.stderr
    assert "java" in proc.stderr and "NEO4J_URI" in proc.stderr
