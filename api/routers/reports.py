"""``GET /reports/network``: the network report (HTML or Word), built by ``viz.report``.

Why a child job, a cache and a gate: building the report takes tens of seconds of CPU on a large
graph. Built inside the API process it competed with every reader for the interpreter; now it runs
in a child process (:mod:`api.jobs`), at most ``PLATGRAPH_MAX_HEAVY_JOBS`` at once (429 beyond),
and the file is kept per data version (the same version as every other cache,
``graph/versioned_cache.py``: any committed write changes it), format, language and filters, so
asking again costs a file read until the data changes. The files live on disk rather than in a
:class:`~graph.versioned_cache.VersionedCache` because they are large and worth keeping across API
restarts; the version they are keyed by is the one mechanism's. Building needs a read key unless ``PLATGRAPH_OPEN_REPORTS`` is true.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import threading
from pathlib import Path
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import FileResponse

from api.deps import LangParam, get_store
from api.jobs import HeavyJobGate, report_in_child
from api.routers._common import READ_ERRORS
from api.schemas import ErrorBody
from api.security import require_heavy
from graph.settings import Settings, ensure_private_dir
from graph.store import Store
from graph.versioned_cache import read_data_version

MEDIA_TYPES = {
    "html": "text/html; charset=utf-8",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}
CACHE_HEADER = "X-Report-Cache"


class ReportCache:
    """Report files under ``PLATGRAPH_HOME/cache/reports/<version>/``; older versions are removed."""

    def __init__(self, settings: Settings) -> None:
        self.root = settings.home / "cache" / "reports"
        self._lock = threading.Lock()

    def path(self, version: str, fmt: str, lang: str, industry: str | None, city: str | None) -> Path:
        digest = hashlib.sha256(version.encode()).hexdigest()[:16]
        params = hashlib.sha256(json.dumps([fmt, lang, industry, city], ensure_ascii=False).encode()).hexdigest()[:16]
        return self.root / digest / f"{params}.{fmt}"

    def prepare(self, target: Path) -> None:
        """Make the version's folder (owner-only) and drop the folders of other versions."""
        with self._lock:
            ensure_private_dir(self.root)
            for old in self.root.iterdir():
                if old != target.parent and old.is_dir():
                    shutil.rmtree(old, ignore_errors=True)
            ensure_private_dir(target.parent)


def build_router(settings: Settings) -> APIRouter:
    router = APIRouter(tags=["reports"], dependencies=[Depends(require_heavy)], responses=READ_ERRORS)
    gate = HeavyJobGate(settings.platgraph_max_heavy_jobs)
    cache = ReportCache(settings)

    @router.get(
        "/reports/network",
        response_class=FileResponse,
        responses={200: {"content": {MEDIA_TYPES["html"]: {}, MEDIA_TYPES["docx"]: {}},
                         "description": "报告文件 / the report file"},
                   429: {"model": ErrorBody, "description": "报告生成并发已满 / too many reports at once"},
                   504: {"model": ErrorBody, "description": "生成超时 / building took too long"}},
        summary="网络分析报告 / the network report",
        description="生成并下载网络分析报告：`format=html`（自包含，离线可用）或 `docx`（Word），默认中文。"
        "在子进程中生成，按数据版本缓存；并发已满时返回 429。需要读取密钥（除非 PLATGRAPH_OPEN_REPORTS=true）。\n\n"
        "Builds and returns the network report: `format=html` (self-contained, offline) or `docx` (Word); "
        "Chinese by default. Built in a child process and cached per data version; 429 when too many are "
        "being built. Needs a read key unless PLATGRAPH_OPEN_REPORTS=true.",
    )
    def network_report(
        request: Request,
        store: Annotated[Store, Depends(get_store)],
        format: Annotated[Literal["html", "docx"], Query(description="html | docx")] = "html",
        industry: Annotated[str | None, Query(max_length=100, description="产业 / industry")] = None,
        city: Annotated[str | None, Query(max_length=50, description="城市 / city")] = None,
        lang: LangParam = "zh",
    ) -> FileResponse:
        version = read_data_version(store)
        target = cache.path(version, format, lang, industry or None, city or None)
        hit = "hit"
        if not target.is_file():
            hit = "miss"
            with gate.slot():
                if not target.is_file():  # built by the call we waited on
                    cache.prepare(target)
                    partial = target.with_name(f".{target.name}.{os.getpid()}.{threading.get_ident()}.partial")
                    try:
                        report_in_child(request.app.state.settings, partial, format, lang, industry or None,
                                        city or None)
                        partial.chmod(0o600)
                        partial.replace(target)
                    finally:
                        partial.unlink(missing_ok=True)
        return FileResponse(target, media_type=MEDIA_TYPES[format],
                            filename=f"platgraph-network-report-{lang}.{format}", headers={CACHE_HEADER: hit})

    return router
