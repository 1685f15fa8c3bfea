"""The foundation: the real local engine, authentication, loopback binding, schema, reference data."""

from __future__ import annotations

import json
import re
import socket
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from api.cli import app
from graph import local_neo4j
from graph.reference import load_cities, load_industries, load_taxonomy
from graph.schema import NODE_LABELS, REL_TYPES, constraint_name, existing_constraints
from graph.settings import Settings
from graph.store import Store

REPO = Path(__file__).resolve().parent.parent
runner = CliRunner()


def test_status_json_reports_running_526(clean_graph: Store) -> None:
    result = runner.invoke(app, ["db", "status", "--format", "json"])
    assert result.exit_code == 0, result.output
    status = json.loads(result.stdout)
    assert status["running"] is True
    assert re.fullmatch(r"5\.26\.\d+", status["version"])
    # reference data only: categories, type families, types, cities, industries (the data files)
    taxonomy = load_taxonomy()
    expected = (len(taxonomy.categories) + len(taxonomy.families) + len(taxonomy.types) + len(load_cities())
                + len(load_industries()))
    assert status["nodes"] == expected
    assert status["relationships"] > 0


def test_reference_data_loaded_matches_files(clean_graph: Store) -> None:
    counts = {row["label"]: row["n"] for row in clean_graph.read(
        "MATCH (n) RETURN labels(n)[0] AS label, count(*) AS n")}
    taxonomy = load_taxonomy()
    assert counts["PlatformType"] == len(taxonomy.types)
    assert counts["Category"] == 3
    assert counts["City"] == len(load_cities()) == 14
    assert counts["Industry"] == len(load_industries())
    assert len(taxonomy.regional15) == 15
    national = clean_graph.read(
        "MATCH (n:PlatformType {key: '国家工程研究中心'})-[:COUNTERPART_OF]->(r) RETURN r.key AS k")
    assert national == [{"k": "工程研究中心"}]
    segments = clean_graph.read("MATCH (:Industry {key:'动力电池'})-[:PART_OF]->(p) RETURN p.key AS k")
    assert segments == [{"k": "汽车及新能源汽车"}]


def test_constraints_match_schema_and_doc(clean_graph: Store) -> None:
    in_db = {(row["label"], row["property"]) for row in existing_constraints(clean_graph)}
    assert {(label, "key") for label in NODE_LABELS} <= in_db
    doc = (REPO / "docs" / "graph-model.md").read_text(encoding="utf-8")
    for label in NODE_LABELS:
        assert f"`{label}`" in doc, f"{label} is not documented in docs/graph-model.md"
        assert constraint_name(label) == f"{label.lower()}_key_unique"
    for rel in REL_TYPES:
        assert rel in doc, f"{rel} is not documented in docs/graph-model.md"


def test_uniqueness_constraint_is_enforced(clean_graph: Store) -> None:
    from neo4j.exceptions import ConstraintError

    clean_graph.write("CREATE (:Platform {key: 'dup-test'})")
    with pytest.raises(ConstraintError):
        clean_graph.write("CREATE (:Platform {key: 'dup-test'})")


def test_fulltext_index_finds_chinese_substrings(clean_graph: Store) -> None:
    clean_graph.write("CREATE (:Platform {key: 'p1', name: '广西汽车动力电池工程技术研究中心'})")
    clean_graph.write("CALL db.awaitIndexes(60)")
    rows = clean_graph.read(
        "CALL db.index.fulltext.queryNodes('name_fulltext', $q) YIELD node RETURN node.key AS key", {"q": "动力电池"})
    assert {"key": "p1"} in rows


def test_migrate_is_idempotent(clean_graph: Store) -> None:
    before = clean_graph.server_info()
    result = runner.invoke(app, ["db", "migrate"])
    assert result.exit_code == 0, result.output
    after = clean_graph.server_info()
    assert (before["nodes"], before["relationships"]) == (after["nodes"], after["relationships"])


def test_batched_upsert_is_idempotent(clean_graph: Store) -> None:
    query = "UNWIND $rows AS row MERGE (t:Topic {key: row.key}) SET t.name = row.name"
    rows = [{"key": f"t{i}", "name": f"主题{i}"} for i in range(2_500)]
    assert clean_graph.upsert_batches(query, rows, batch_size=1_000) == 2_500
    clean_graph.upsert_batches(query, rows, batch_size=700)
    assert clean_graph.read("MATCH (t:Topic) RETURN count(t) AS n") == [{"n": 2_500}]


def test_bolt_listens_on_loopback_only(engine: Settings) -> None:
    if not engine.uses_local_engine:
        pytest.skip("only the local engine's sockets can be inspected")  # external server: not ours
    pid = local_neo4j.read_pid(local_neo4j.EnginePaths(engine.home))
    assert pid is not None
    listening = subprocess.run(["ss", "-Hltnp"], capture_output=True, text=True, check=True).stdout
    ours = [line for line in listening.splitlines() if f"pid={pid}," in line]
    assert ours, listening
    for line in ours:
        local = line.split()[3]
        assert local.startswith(("127.", "[::ffff:127.", "[::1]")), f"engine listens on {local}"
    # and not reachable through a non-loopback address of this machine
    host_ip = socket.gethostbyname(socket.gethostname())
    if not host_ip.startswith("127."):
        with socket.socket() as sock:
            sock.settimeout(1)
            assert sock.connect_ex((host_ip, engine.bolt_port)) != 0


def test_connection_without_password_is_refused(engine: Settings, store: Store) -> None:
    from neo4j import GraphDatabase
    from neo4j.exceptions import AuthError

    with GraphDatabase.driver(engine.neo4j_uri) as driver, pytest.raises(AuthError):
        driver.verify_connectivity()


def _cli_env(**overrides: str) -> dict[str, str]:
    import os

    env = dict(os.environ)
    env.update(overrides)
    return env


def test_wrong_password_exits_3_with_clear_message(store: Store) -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "api.cli", "db", "migrate"], capture_output=True, text=True, cwd=REPO,
        env=_cli_env(NEO4J_PASSWORD="definitely-wrong-password"), timeout=120,
    )
    assert proc.returncode == 3, proc.stderr
    assert "Traceback" not in proc.stderr
    assert "密码" in proc.stderr and "NEO4J_URI" in proc.stderr or "bolt://" in proc.stderr


def test_unreachable_uri_exits_3_with_how_to_start(store: Store) -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "api.cli", "db", "migrate"], capture_output=True, text=True, cwd=REPO,
        env=_cli_env(NEO4J_URI="bolt://127.0.0.1:1"), timeout=120,
    )
    assert proc.returncode == 3
    assert "Traceback" not in proc.stderr
    assert "bolt://127.0.0.1:1" in proc.stderr
    assert "platgraph db start" in proc.stderr


def test_english_messages_on_request(store: Store) -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "api.cli", "--lang", "en", "db", "migrate"], capture_output=True, text=True,
        cwd=REPO, env=_cli_env(NEO4J_URI="bolt://127.0.0.1:1"), timeout=120,
    )
    assert proc.returncode == 3
    assert "is unavailable" in proc.stderr


def test_reset_requires_yes(clean_graph: Store) -> None:
    result = runner.invoke(app, ["db", "reset"])
    assert result.exit_code == 2
    clean_graph.write("CREATE (:Platform {key: 'to-be-wiped'})")
    result = runner.invoke(app, ["db", "reset", "--yes"])
    assert result.exit_code == 0, result.output
    assert clean_graph.read("MATCH (p:Platform) RETURN count(p) AS n") == [{"n": 0}]
    assert clean_graph.read("MATCH (t:PlatformType) RETURN count(t) AS n")[0]["n"] > 0
