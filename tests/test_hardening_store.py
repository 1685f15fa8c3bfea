"""Backup, restore and the home folder (docs/security.md): a restore accepts only the store and only
when every checksum in the manifest matches, archives are written as .partial then renamed and are
owner-only, a failed restore starts the previous store again, the home is 0700, and the local
engine's password is never offered to a remote URI."""

from __future__ import annotations

import io
import json
import os
import stat
import tarfile
from pathlib import Path

import pytest

from graph import backup as backup_module
from graph import local_neo4j
from graph.backup import ARCHIVE, MANIFEST, restore, stage, write_archive
from graph.errors import EngineError, UsageError
from graph.settings import Settings
from graph.store import Store


def fake_store(root: Path) -> Path:
    (root / "databases" / "neo4j").mkdir(parents=True)
    (root / "databases" / "neo4j" / "neostore").write_bytes(b"store bytes")
    (root / "transactions").mkdir()
    (root / "transactions" / "tx.log").write_bytes(b"log bytes")
    return root


def local_settings(settings: Settings, tmp_path: Path) -> Settings:
    """A local-engine URI on a port nothing listens on, with its own home (no engine runs there)."""
    return settings.model_copy(update={"neo4j_uri": "bolt://127.0.0.1:7", "platgraph_home": tmp_path / "home"})


def test_backup_files_are_written_partial_then_renamed_and_owner_only(tmp_path: Path,
                                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    data = fake_store(tmp_path / "neo4j")
    manifest = write_archive(data, tmp_path / "bk")
    assert set(manifest["files"]) == {"neo4j/databases/neo4j/neostore", "neo4j/transactions/tx.log"}
    for name in (ARCHIVE, MANIFEST):
        assert stat.S_IMODE((tmp_path / "bk" / name).stat().st_mode) == 0o600
    assert stat.S_IMODE((tmp_path / "bk").stat().st_mode) == 0o700
    assert not list((tmp_path / "bk").glob(".*partial"))

    def fail(*args: object, **kwargs: object) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(tarfile.TarFile, "add", fail)
    with pytest.raises(OSError):
        write_archive(data, tmp_path / "interrupted")
    assert not (tmp_path / "interrupted" / ARCHIVE).exists()  # never a complete-looking archive


def _archive_with(target: Path, members: dict[str, bytes]) -> None:
    """An archive with these members and a manifest whose checksums match them."""
    import hashlib

    target.mkdir(parents=True)
    with tarfile.open(target / ARCHIVE, "w:gz") as tar:
        for name, data in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    files = {n: hashlib.sha256(d).hexdigest() for n, d in members.items()}
    (target / MANIFEST).write_text(json.dumps({
        "files": files, "archive_sha256": hashlib.sha256((target / ARCHIVE).read_bytes()).hexdigest()}))


def test_restore_accepts_only_the_store(settings: Settings, tmp_path: Path) -> None:
    local = local_settings(settings, tmp_path)
    _archive_with(tmp_path / "evil", {"neo4j/databases/x": b"ok",
                                      "engine/classes/platgraph/engine/Launcher.class": b"\xca\xfe\xba\xbe",
                                      "neo4j-password": b"attacker"})
    with pytest.raises(UsageError) as caught:
        restore(local, tmp_path / "evil")
    assert "engine/classes" in str(caught.value) or "neo4j-password" in str(caught.value)
    assert not (local.home / "engine").exists() and not (local.home / "neo4j-password").exists()
    assert not (local.home / "neo4j").exists()


def test_restore_verifies_every_checksum_before_touching_the_store(settings: Settings, tmp_path: Path) -> None:
    local = local_settings(settings, tmp_path)
    current = fake_store(local.home / "neo4j")
    write_archive(fake_store(tmp_path / "saved"), tmp_path / "bk")
    manifest = json.loads((tmp_path / "bk" / MANIFEST).read_text())
    manifest["files"]["neo4j/transactions/tx.log"] = "0" * 64  # one file differs from its checksum
    (tmp_path / "bk" / MANIFEST).write_text(json.dumps(manifest))
    with pytest.raises(UsageError):
        restore(local, tmp_path / "bk")
    no_manifest = tmp_path / "no-manifest"
    no_manifest.mkdir()
    (no_manifest / ARCHIVE).write_bytes((tmp_path / "bk" / ARCHIVE).read_bytes())
    with pytest.raises(UsageError):
        restore(local, no_manifest)
    assert (current / "transactions" / "tx.log").read_bytes() == b"log bytes"  # untouched


def test_a_good_backup_stages_cleanly(tmp_path: Path) -> None:
    write_archive(fake_store(tmp_path / "saved"), tmp_path / "bk")
    staged = stage(tmp_path / "bk", tmp_path / "staging")
    assert (staged / "databases" / "neo4j" / "neostore").read_bytes() == b"store bytes"


def test_a_failed_restore_starts_the_previous_store_again(engine: Settings, clean_graph: Store, tmp_path: Path,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    if os.environ.get("PLATGRAPH_TEST_NEO4J_URI"):
        pytest.fail("store-file backups need the local test engine (PLATGRAPH_TEST_PORT)")
    clean_graph.write("CREATE (:Platform {key: 'before-restore'})")
    backup_module.backup(engine, tmp_path / "bk")
    clean_graph.write("CREATE (:Platform {key: 'after-backup'})")
    real_start = local_neo4j.start
    calls: list[int] = []

    def start_fails_once(settings: Settings) -> dict:
        calls.append(1)
        if len(calls) == 1:
            raise EngineError("the restored store does not start")
        return real_start(settings)

    monkeypatch.setattr(local_neo4j, "start", start_fails_once)
    with pytest.raises(EngineError):
        restore(engine, tmp_path / "bk")
    monkeypatch.undo()
    assert local_neo4j.is_running(engine)
    with Store(engine) as fresh:
        keys = {r["k"] for r in fresh.read("MATCH (p:Platform) RETURN p.key AS k")}
    assert keys == {"before-restore", "after-backup"}  # the previous store, running


def test_home_is_owner_only(settings: Settings, tmp_path: Path) -> None:
    generated = settings.model_copy(update={"neo4j_uri": "bolt://127.0.0.1:7999", "platgraph_home": tmp_path / "h",
                                            "neo4j_password": None})
    local_neo4j.ensure_password(generated)
    assert stat.S_IMODE(generated.home.stat().st_mode) == 0o700


def test_the_local_password_is_never_offered_to_a_remote_uri(tmp_path: Path) -> None:
    home = tmp_path / "home"
    home.mkdir()
    (home / "neo4j-password").write_text("local-engine-secret")
    local = Settings(neo4j_uri="bolt://127.0.0.1:7687", platgraph_home=home, neo4j_password=None)
    remote = Settings(neo4j_uri="neo4j+s://graph.example.org:7687", platgraph_home=home, neo4j_password=None)
    assert local.resolved_password() == "local-engine-secret"
    assert remote.resolved_password() is None
