"""``GET /reports/network``: the network report (HTML or Word), built by ``viz.report``."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Query
from fastapi.responses import FileResponse
from starlette.background import BackgroundTask

from api.deps import LangParam, get_store
from api.routers._common import READ_ERRORS, optional_function
from api.security import read_dependencies
from graph.settings import Settings
from graph.store import Store

MEDIA_TYPES = {
    "html": "text/html; charset=utf-8",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}


def build_router(settings: Settings) -> APIRouter:
    router = APIRouter(tags=["reports"], dependencies=read_dependencies(settings), responses=READ_ERRORS)

    @router.get(
        "/reports/network",
        response_class=FileResponse,
        responses={200: {"content": {MEDIA_TYPES["html"]: {}, MEDIA_TYPES["docx"]: {}},
                         "description": "报告文件 / the report file"}},
        summary="网络分析报告 / the network report",
        description="生成并下载网络分析报告：`format=html`（自包含，离线可用）或 `docx`（Word），默认中文。\n\n"
        "Builds and returns the network report: `format=html` (self-contained, offline) or `docx` (Word); "
        "Chinese by default.",
    )
    def network_report(
        store: Annotated[Store, Depends(get_store)],
        format: Annotated[Literal["html", "docx"], Query(description="html | docx")] = "html",
        industry: Annotated[str | None, Query(max_length=100, description="产业 / industry")] = None,
        city: Annotated[str | None, Query(max_length=50, description="城市 / city")] = None,
        lang: LangParam = "zh",
    ) -> FileResponse:
        build_report = optional_function("viz.report", "build_report")
        workdir = Path(tempfile.mkdtemp(prefix="platgraph-report-"))
        try:
            out = Path(build_report(store, workdir / f"network-report.{format}", fmt=format, lang=lang,
                                    industry=industry, city=city))
        except BaseException:
            shutil.rmtree(workdir, ignore_errors=True)
            raise
        return FileResponse(out, media_type=MEDIA_TYPES[format], filename=f"platgraph-network-report-{lang}.{format}",
                            background=BackgroundTask(shutil.rmtree, workdir, ignore_errors=True))

    return router
