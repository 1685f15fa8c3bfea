"""``POST /datasets`` (admin): upload a dataset — a zip of CSV files or an XLSX workbook — and
ingest it; the answer is the ingest summary and the rejected rows.

Why the checks before extracting: an upload is untrusted. A zip (and an XLSX is a zip) can declare
gigabytes of content in a few kilobytes, hold thousands of members or paths like ``../../x``. We
read the central directory first and refuse too many members, too much uncompressed data or
extreme compression ratios; then extract only data files, by base name, into a private temporary
directory, counting the bytes actually written (declared sizes can lie).

Why the answer names files by name only: the summary the ingest returns carries server paths (the
rejects file under PLATGRAPH_HOME, the temporary upload folder); the caller gets the file names.
Why the sweeps: a server killed mid-upload leaves its temporary folder behind, and every upload
leaves a rejects file; folders older than a day and rejects files older than
``PLATGRAPH_REJECTS_KEEP_DAYS`` are removed when the next upload comes.
"""

from __future__ import annotations

import contextlib
import csv
import shutil
import tempfile
import time
import zipfile
from pathlib import Path, PurePosixPath
from typing import Annotated, Any

from fastapi import APIRouter, Depends, File, HTTPException, Request, UploadFile

from api.deps import LangParam, get_store
from api.errors import redact
from api.jobs import ingest_in_child
from api.routers._common import READ_ERRORS
from api.schemas import DatasetResult, ErrorBody
from api.security import require_admin
from graph.errors import TooLarge, UsageError
from graph.i18n import tr
from graph.settings import Settings, ensure_private_dir

DATA_SUFFIXES = {".csv", ".jsonl", ".json"}
MAX_MEMBERS = {"zip": 64, "xlsx": 2_000}
MAX_RATIO = 200  # uncompressed / compressed, per member
UNCOMPRESSED_FACTOR = 10  # total uncompressed ≤ factor × upload limit
MAX_REJECT_ROWS = 1_000
CHUNK = 1 << 20
STALE_UPLOAD_SECONDS = 24 * 3600
REJECT_SUFFIXES = ("-rejects.csv", "-ambiguities.csv")


def upload_root(settings: Settings) -> Path:
    """Where uploads are unpacked: a private folder under PLATGRAPH_HOME (not the shared /tmp)."""
    return ensure_private_dir(settings.home / "uploads")


def sweep(settings: Settings, now: float | None = None) -> list[Path]:
    """Remove upload folders left by a killed server and rejects files past their keeping time;
    returns what was removed."""
    now = time.time() if now is None else now
    removed: list[Path] = []
    root = settings.home / "uploads"
    if root.is_dir():
        for folder in root.glob("platgraph-upload-*"):
            with contextlib.suppress(OSError):
                if now - folder.stat().st_mtime > max(STALE_UPLOAD_SECONDS, settings.platgraph_job_timeout_seconds):
                    shutil.rmtree(folder, ignore_errors=True)
                    removed.append(folder)
    rejects = settings.home / "ingest"
    if rejects.is_dir():
        keep = settings.platgraph_rejects_keep_days * 86400
        for file in rejects.iterdir():
            with contextlib.suppress(OSError):
                if file.name.endswith(REJECT_SUFFIXES) and now - file.stat().st_mtime > keep:
                    file.unlink()
                    removed.append(file)
    return removed


def public_summary(value: Any, key: str = "") -> Any:
    """The ingest summary without server paths: files by their name, other text redacted."""
    if isinstance(value, dict):
        return {k: public_summary(v, k) for k, v in value.items()}
    if isinstance(value, list):
        return [public_summary(v, key) for v in value]
    if isinstance(value, str):
        return Path(value).name if key.endswith("_file") else redact(value)
    return value


class UnsafeArchive(UsageError):
    """An upload refused before anything is extracted: 422, or 413 when it is too large unpacked."""

    def __init__(self, detail: str, status_code: int = 422) -> None:
        super().__init__(detail)
        self.http_status = status_code
        if status_code == 413:
            self.code = "too_large"


def limit_bytes(settings: Settings) -> int:
    return settings.platgraph_max_upload_mb * 1_048_576


def too_large(settings: Settings) -> TooLarge:
    return TooLarge(tr(
        "上传内容超过大小上限（{mb} MB，见 PLATGRAPH_MAX_UPLOAD_MB）",
        "upload larger than the limit ({mb} MB, see PLATGRAPH_MAX_UPLOAD_MB)",
        mb=settings.platgraph_max_upload_mb))


def save_upload(upload: UploadFile, target: Path, max_bytes: int, settings: Settings) -> int:
    """Copy the upload to ``target``, refusing (413) once it passes ``max_bytes``."""
    written = 0
    with target.open("wb") as out:
        while chunk := upload.file.read(CHUNK):
            written += len(chunk)
            if written > max_bytes:
                raise too_large(settings)
            out.write(chunk)
    return written


def member_name(info: zipfile.ZipInfo) -> str:
    """The member's name, repairing GBK names stored without the UTF-8 flag (Chinese Windows zips)."""
    name = info.filename
    if not info.flag_bits & 0x800:
        with contextlib.suppress(UnicodeEncodeError, UnicodeDecodeError):
            name = name.encode("cp437").decode("gb18030")
    return name


def check_archive(path: Path, kind: str, settings: Settings) -> list[zipfile.ZipInfo]:
    """Refuse a zip bomb before anything is extracted: member count, total and per-member sizes."""
    try:
        with zipfile.ZipFile(path) as archive:
            infos = archive.infolist()
    except (zipfile.BadZipFile, OSError) as exc:
        raise UnsafeArchive(tr("文件不是有效的 {k} 文件：{e}", "not a valid {k} file: {e}", k=kind.upper(),
                               e=exc)) from exc
    if len(infos) > MAX_MEMBERS[kind]:
        raise UnsafeArchive(tr("压缩包文件数过多（{n}，上限 {m}）", "too many members in the archive ({n}, limit {m})",
                               n=len(infos), m=MAX_MEMBERS[kind]), 413)
    total = sum(i.file_size for i in infos)
    if total > UNCOMPRESSED_FACTOR * limit_bytes(settings):
        raise UnsafeArchive(tr("解压后内容过大（{mb} MB）", "uncompressed content too large ({mb} MB)",
                               mb=round(total / 1_048_576)), 413)
    for info in infos:
        if info.flag_bits & 0x1:
            raise UnsafeArchive(tr("不支持加密的压缩包", "encrypted archives are not supported"))
        if info.file_size > 1_048_576 and info.file_size > MAX_RATIO * max(info.compress_size, 1):
            raise UnsafeArchive(tr("压缩比异常（疑似压缩炸弹）：{n}", "suspicious compression ratio (zip bomb?): {n}",
                                   n=member_name(info)), 413)
    return infos


def extract_data_files(path: Path, infos: list[zipfile.ZipInfo], target: Path, settings: Settings) -> list[Path]:
    """Extract the CSV/JSON members by base name only (no directories, no ``..``)."""
    budget = UNCOMPRESSED_FACTOR * limit_bytes(settings)
    written_total = 0
    files: list[Path] = []
    with zipfile.ZipFile(path) as archive:
        for info in infos:
            name = member_name(info)
            base = PurePosixPath(name.replace("\\", "/")).name
            if info.is_dir() or not base or base.startswith(".") or "__MACOSX" in name:
                continue
            if PurePosixPath(base).suffix.lower() not in DATA_SUFFIXES:
                continue
            out_path = target / base
            if out_path.exists():
                raise UnsafeArchive(tr("压缩包中有同名文件：{n}", "two files with the same name in the archive: {n}",
                                       n=base))
            with archive.open(info) as src, out_path.open("wb") as out:
                size = 0
                while chunk := src.read(CHUNK):
                    size += len(chunk)
                    written_total += len(chunk)
                    if size > info.file_size or written_total > budget:
                        raise UnsafeArchive(tr("解压后内容超出声明大小", "archive content exceeds its declared size"), 413)
                    out.write(chunk)
            files.append(out_path)
    if not files:
        raise UnsafeArchive(tr("压缩包中没有 CSV 或 JSON Lines 数据文件",
                               "no CSV or JSON Lines data files in the archive"))
    return files


def read_rejects(path: Path | None) -> tuple[list[dict[str, Any]], int]:
    """The first rejected rows and how many there are in all."""
    if path is None or not path.is_file():
        return [], 0
    rows: list[dict[str, Any]] = []
    total = 0
    with path.open(encoding="utf-8-sig", newline="") as handle:
        for row in csv.DictReader(handle):
            total += 1
            if len(rows) < MAX_REJECT_ROWS:
                rows.append(dict(row))
    return rows, total


def build_router(settings: Settings) -> APIRouter:
    router = APIRouter(tags=["datasets"], responses=READ_ERRORS)

    @router.post(
        "/datasets",
        response_model=DatasetResult,
        dependencies=[Depends(require_admin), Depends(get_store)],  # get_store: 503 at once when Neo4j is down
        responses={400: {"model": ErrorBody, "description": "请求体无法解析 / body cannot be parsed"},
                   409: {"model": ErrorBody, "description": "另一个导入正在进行 / another ingest is running"},
                   413: {"model": ErrorBody, "description": "上传过大 / upload too large"},
                   422: {"model": ErrorBody, "description": "文件无法读取 / unreadable file"}},
        summary="上传并导入数据集（管理）/ upload and ingest a dataset (admin)",
        description="上传 CSV 文件的 zip 压缩包或 XLSX 工作簿（模板见 docs/data-templates.md），导入图数据库；返回导入摘要与被拒行。"
        "大小上限 `PLATGRAPH_MAX_UPLOAD_MB`，需要 `X-API-Key`。\n\n"
        "Upload a zip of CSV files or an XLSX workbook (templates in docs/data-templates.md) and ingest it; returns "
        "the ingest summary and the rejected rows. Size limit `PLATGRAPH_MAX_UPLOAD_MB`; needs `X-API-Key`.",
    )
    def upload_dataset(
        request: Request,
        file: Annotated[UploadFile, File(description="zip（CSV）或 xlsx / a zip of CSVs or an xlsx")],
        lang: LangParam = "zh",
    ) -> dict[str, Any]:
        settings: Settings = request.app.state.settings
        suffix = Path(file.filename or "").suffix.lower()
        if suffix not in (".zip", ".xlsx"):
            raise HTTPException(status_code=422, detail=tr(
                "仅支持 CSV 的 zip 压缩包或 XLSX 工作簿（收到：{n}）",
                "only a zip of CSV files or an XLSX workbook is accepted (got: {n})", n=file.filename or ""))
        sweep(settings)
        workdir = Path(tempfile.mkdtemp(prefix="platgraph-upload-", dir=upload_root(settings)))
        try:
            upload = workdir / f"upload{suffix}"
            save_upload(file, upload, limit_bytes(settings), settings)
            kind = suffix.lstrip(".")
            infos = check_archive(upload, kind, settings)
            if kind == "zip":
                dataset = workdir / "dataset"
                dataset.mkdir()
                extract_data_files(upload, infos, dataset, settings)
            else:
                dataset = upload
            # Rejects (and ambiguities) go where the CLI puts them, under PLATGRAPH_HOME/ingest/, so
            # the IngestRun's provenance keeps pointing at a file that exists; the rows are returned too.
            # In a child process (api/jobs.py), so that the reads this server answers meanwhile keep
            # their latency; the child takes the ingest lock like the CLI does.
            summary = ingest_in_child(settings, dataset)
            rejects, total = read_rejects(Path(summary["rejects_file"]) if summary.get("rejects_file") else None)
            ambiguities, _ = read_rejects(Path(summary["ambiguities_file"]) if summary.get("ambiguities_file")
                                          else None)
            return {"summary": public_summary(summary), "rejects": rejects, "rejects_total": total,
                    "ambiguities": ambiguities}
        finally:
            shutil.rmtree(workdir, ignore_errors=True)

    return router
