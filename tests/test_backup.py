"""Backup and restore of the local engine's store: a restore brings back exactly what was saved."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from graph.backup import backup, restore
from graph.errors import UsageError
from graph.settings import Settings
from graph.store import Store


def test_backup_then_restore_round_trip(engine: Settings, clean_graph: Store, tmp_path: Path) -> None:
    if os.environ.get("PLATGRAPH_TEST_NEO4J_URI"):
        pytest.skip("store-file backups apply to the local engine only")  # external: use neo4j-admin
    clean_graph.write("UNWIND range(1, 50) AS i CREATE (:Platform {key: 'bk' + i, name: '备份平台' + i})")
    manifest = backup(engine, tmp_path / "bk")
    assert manifest["nodes"] == clean_graph.server_info()["nodes"]
    assert (tmp_path / "bk" / "neo4j-store.tar.gz").stat().st_size > 0

    clean_graph.write("MATCH (p:Platform) DETACH DELETE p")
    clean_graph.write("CREATE (:Platform {key: 'after-backup'})")
    counts = restore(engine, tmp_path / "bk")
    assert counts["nodes"] == manifest["nodes"]
    with Store(engine) as fresh:
        keys = {r["k"] for r in fresh.read("MATCH (p:Platform) RETURN p.key AS k")}
    assert keys == {f"bk{i}" for i in range(1, 51)}


def test_restore_of_missing_backup_is_a_usage_error(engine: Settings, tmp_path: Path) -> None:
    with pytest.raises(UsageError):
        restore(engine, tmp_path / "nothing-here")
