"""Backup and restore of the local engine's store files.

Why offline copies: Community edition has no online backup, and copying store files of a running
database gives an inconsistent copy. So a backup stops the engine (if it runs), archives the whole
store directory with a manifest (Neo4j version, counts, time, and a SHA-256 of every file and of
the archive), and starts it again; a restore stops the engine, keeps the current store aside until
the restored one has started, then removes it. For an external Neo4j, use its own tools
(``neo4j-admin database dump``) or ``platgraph export``.

Why a restore trusts nothing in the archive: the engine is started right after, so a member outside
``neo4j/`` (the engine's classpath or classes, the password file) would be code or a credential we
then run with. A restore therefore accepts only regular files and folders under ``neo4j/``, checks
the archive's checksum against the manifest, extracts into a staging folder, checks every file's
checksum and that no file is missing or extra, and only then touches the current store. If the
restored store does not start, the previous one is put back and started again.

Why ``.partial`` then rename: an interrupted backup must never look like a complete one. Archives
and manifests are owner-only (0600) in an owner-only folder: they hold every row of the graph.
Backup, restore and reset refuse while an ingest holds its lock (graph/locks.py).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import shutil
import tarfile
import time
from datetime import UTC, datetime
from pathlib import Path, PurePosixPath
from typing import Any

from graph import local_neo4j
from graph.errors import EngineError, UsageError
from graph.i18n import tr
from graph.settings import Settings, ensure_private_dir
from graph.store import Store

MANIFEST = "manifest.json"
ARCHIVE = "neo4j-store.tar.gz"
STORE_ROOT = "neo4j"
CHUNK = 1 << 20


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def _counts(settings: Settings) -> dict[str, Any]:
    with Store(settings, max_retry_seconds=2.0) as store:
        info = store.server_info()
    return {"version": info.get("version"), "nodes": info.get("nodes"), "relationships": info.get("relationships")}


def _refuse_under_ingest(settings: Settings) -> None:
    from graph.locks import refuse_if_held

    with Store(settings, max_retry_seconds=2.0) as store:
        refuse_if_held(store)


def write_archive(data: Path, target: Path, extra: dict[str, Any] | None = None) -> dict[str, Any]:
    """Archive the store folder ``data`` as ``target/neo4j-store.tar.gz`` with ``target/manifest.json``
    (checksums of every file and of the archive), each written as ``.partial`` and then renamed."""
    ensure_private_dir(target)
    archive, manifest_path = target / ARCHIVE, target / MANIFEST
    if archive.exists():
        raise UsageError(tr("{f} 已存在，请换一个目录", "{f} already exists; choose another folder", f=archive))
    files = {str(PurePosixPath(STORE_ROOT, *p.relative_to(data).parts)): _sha256(p)
             for p in sorted(data.rglob("*")) if p.is_file()}
    partial = target / f".{ARCHIVE}.partial"
    partial.touch(mode=0o600)
    with tarfile.open(partial, "w:gz", compresslevel=1) as tar:  # store files: speed over size
        tar.add(data, arcname=STORE_ROOT)
    partial.chmod(0o600)
    manifest = {"created": datetime.now(UTC).isoformat(), "archive": ARCHIVE, **(extra or {}),
                "bytes": partial.stat().st_size, "archive_sha256": _sha256(partial), "files": files}
    partial_manifest = target / f".{MANIFEST}.partial"
    partial_manifest.write_text(json.dumps(manifest, ensure_ascii=False, indent=2), encoding="utf-8")
    partial_manifest.chmod(0o600)
    partial.replace(archive)
    partial_manifest.replace(manifest_path)
    return manifest


def backup(settings: Settings, target: Path) -> dict[str, Any]:
    """Write ``target/neo4j-store.tar.gz`` and ``target/manifest.json``; returns the manifest."""
    if not settings.uses_local_engine:
        raise UsageError(tr("db backup 只适用于本地引擎；外部 Neo4j 请用 neo4j-admin database dump 或 platgraph export。",
                            "db backup is for the local engine; for an external Neo4j use neo4j-admin database dump "
                            "or platgraph export."))
    paths = local_neo4j.EnginePaths(settings.home)
    if not paths.data.is_dir():
        raise UsageError(tr("没有可备份的本地数据库（{d}）", "no local database to back up ({d})", d=paths.data))
    if (target / ARCHIVE).exists():
        raise UsageError(tr("{f} 已存在，请换一个目录", "{f} already exists; choose another folder", f=target / ARCHIVE))
    was_running = local_neo4j.is_running(settings)
    counts: dict[str, Any] = {}
    if was_running:
        _refuse_under_ingest(settings)
        counts = _counts(settings)
    began = time.monotonic()
    if was_running:
        local_neo4j.stop(settings)
    try:
        manifest = write_archive(paths.data, target, counts)
    finally:
        if was_running:
            local_neo4j.start(settings)
    manifest["seconds"] = round(time.monotonic() - began, 2)
    return {k: v for k, v in manifest.items() if k != "files"}


def _bad(zh: str, en: str, **kw: object) -> UsageError:
    return UsageError(tr("备份不可用，未做任何修改：" + zh, "unusable backup, nothing was changed: " + en, None, **kw))


def _check_members(tar: tarfile.TarFile) -> None:
    """Only regular files and folders under ``neo4j/``, no ``..``, no links or devices."""
    for member in tar.getmembers():
        parts = PurePosixPath(member.name).parts
        if (not parts or parts[0] != STORE_ROOT or ".." in parts or member.name.startswith("/")
                or not (member.isfile() or member.isdir())):
            raise _bad("压缩包含有数据库目录以外的成员：{m}", "the archive holds a member outside the store: {m}",
                       m=member.name)


def stage(source: Path, staging: Path) -> Path:
    """Check the backup in ``source`` and extract its store into ``staging``; the staged store folder."""
    archive, manifest_path = source / ARCHIVE, source / MANIFEST
    if not archive.is_file():
        raise UsageError(tr("{f} 不存在", "{f} does not exist", f=archive))
    try:
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
        expected: dict[str, str] = dict(manifest["files"])
        archive_sum = str(manifest["archive_sha256"])
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise _bad("缺少或无法读取带校验和的清单 {f}", "missing or unreadable manifest with checksums {f}",
                   f=manifest_path) from exc
    if _sha256(archive) != archive_sum:
        raise _bad("压缩包校验和与清单不符", "the archive's checksum does not match the manifest")
    ensure_private_dir(staging)
    with tarfile.open(archive, "r:gz") as tar:
        _check_members(tar)
        tar.extractall(staging, filter="data")
    store = staging / STORE_ROOT
    found = {str(PurePosixPath(STORE_ROOT, *p.relative_to(store).parts)): p
             for p in sorted(store.rglob("*")) if p.is_file()} if store.is_dir() else {}
    if set(found) != set(expected):
        raise _bad("文件与清单不符（缺少 {a} 个，多出 {b} 个）", "files differ from the manifest ({a} missing, {b} extra)",
                   a=len(set(expected) - set(found)), b=len(set(found) - set(expected)))
    for name, path in found.items():
        if _sha256(path) != expected[name]:
            raise _bad("文件校验和与清单不符：{n}", "a file's checksum does not match the manifest: {n}", n=name)
    return store


def restore(settings: Settings, source: Path) -> dict[str, Any]:
    """Replace the local store with the backup in ``source``; the engine runs afterwards."""
    if not settings.uses_local_engine:
        raise UsageError(tr("db restore 只适用于本地引擎", "db restore is for the local engine"))
    paths = local_neo4j.EnginePaths(settings.home)
    ensure_private_dir(settings.home)
    staging = settings.home / f".restore-staging-{int(time.time())}"
    try:
        staged = stage(Path(source), staging)
        was_running = local_neo4j.is_running(settings)
        if was_running:
            _refuse_under_ingest(settings)
        local_neo4j.stop(settings)
        aside = paths.home / f"neo4j.before-restore-{int(time.time())}"
        if paths.data.exists():
            paths.data.rename(aside)
        try:
            staged.rename(paths.data)
            local_neo4j.start(settings)
        except Exception as exc:
            shutil.rmtree(paths.data, ignore_errors=True)
            if aside.exists():
                aside.rename(paths.data)
                # the previous store runs again; the restore's own failure is the one to report
                with contextlib.suppress(Exception):
                    local_neo4j.start(settings)
            raise EngineError(tr("恢复失败，已恢复并重新启动原数据库：{e}",
                                 "restore failed; the previous store was put back and started: {e}", e=exc)) from exc
        shutil.rmtree(aside, ignore_errors=True)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return _counts(settings)
