"""Backup and restore of the local engine's store files.

Why offline copies: Community edition has no online backup, and copying store files of a running
database gives an inconsistent copy. So a backup stops the engine (if it runs), archives the whole
store directory with a manifest (Neo4j version, counts, time), and starts it again; a restore stops
the engine, keeps the current store aside until the restored one has started, then removes it.
For an external Neo4j, use its own tools (``neo4j-admin database dump``) or ``platgraph export``.
"""

from __future__ import annotations

import json
import shutil
import tarfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from graph import local_neo4j
from graph.errors import EngineError, UsageError
from graph.i18n import tr
from graph.settings import Settings
from graph.store import Store

MANIFEST = "manifest.json"
ARCHIVE = "neo4j-store.tar.gz"


def _counts(settings: Settings) -> dict[str, Any]:
    with Store(settings, max_retry_seconds=2.0) as store:
        info = store.server_info()
    return {"version": info.get("version"), "nodes": info.get("nodes"), "relationships": info.get("relationships")}


def backup(settings: Settings, target: Path) -> dict[str, Any]:
    """Write ``target/neo4j-store.tar.gz`` and ``target/manifest.json``; returns the manifest."""
    if not settings.uses_local_engine:
        raise UsageError(tr("db backup 只适用于本地引擎；外部 Neo4j 请用 neo4j-admin database dump 或 platgraph export。",
                            "db backup is for the local engine; for an external Neo4j use neo4j-admin database dump "
                            "or platgraph export."))
    paths = local_neo4j.EnginePaths(settings.home)
    if not paths.data.is_dir():
        raise UsageError(tr("没有可备份的本地数据库（{d}）", "no local database to back up ({d})", d=paths.data))
    was_running = local_neo4j.is_running(settings)
    counts = _counts(settings) if was_running else {}
    target.mkdir(parents=True, exist_ok=True)
    if (target / ARCHIVE).exists():
        raise UsageError(tr("{f} 已存在，请换一个目录", "{f} already exists; choose another folder", f=target / ARCHIVE))
    began = time.monotonic()
    if was_running:
        local_neo4j.stop(settings)
    try:
        with tarfile.open(target / ARCHIVE, "w:gz") as tar:
            tar.add(paths.data, arcname="neo4j")
    finally:
        if was_running:
            local_neo4j.start(settings)
    manifest = {"created": datetime.now(UTC).isoformat(), "archive": ARCHIVE, **counts,
                "seconds": round(time.monotonic() - began, 2), "bytes": (target / ARCHIVE).stat().st_size}
    (target / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False, indent=2), encoding="utf-8")
    return manifest


def restore(settings: Settings, source: Path) -> dict[str, Any]:
    """Replace the local store with the backup in ``source``; the engine runs afterwards."""
    archive = source / ARCHIVE
    if not archive.is_file():
        raise UsageError(tr("{f} 不存在", "{f} does not exist", f=archive))
    paths = local_neo4j.EnginePaths(settings.home)
    local_neo4j.stop(settings)
    aside = paths.home / f"neo4j.before-restore-{int(time.time())}"
    if paths.data.exists():
        paths.data.rename(aside)
    try:
        with tarfile.open(archive, "r:gz") as tar:
            tar.extractall(paths.home, filter="data")
        local_neo4j.start(settings)
    except Exception as exc:
        shutil.rmtree(paths.data, ignore_errors=True)
        if aside.exists():
            aside.rename(paths.data)
        raise EngineError(tr("恢复失败，已保留原数据库：{e}", "restore failed; the previous store was kept: {e}", e=exc)) from exc
    shutil.rmtree(aside, ignore_errors=True)
    return _counts(settings)
