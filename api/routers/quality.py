"""``/quality``: the data-quality list — platforms and institutions that loaded incomplete or inferred.

Why an endpoint: the planner's web view and the report appendix show what to complete (a missing
or unrecognised host, an unknown city, an institution created from a platform list); the rows
themselves are in the graph and counted everywhere (queries/quality.py).
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query

from api.deps import LangParam, LimitParam, OffsetParam, get_store
from api.routers._common import READ_ERRORS, jsonable
from api.schemas import QualityPage
from api.security import read_dependencies
from graph.settings import Settings
from graph.store import Store
from queries.quality import quality_items


def build_router(settings: Settings) -> APIRouter:
    router = APIRouter(tags=["quality"], dependencies=read_dependencies(settings), responses=READ_ERRORS)

    @router.get(
        "/quality",
        response_model=QualityPage,
        summary="数据质量清单 / data-quality list",
        description="已导入但不完整（依托单位缺失/无法识别、所在市无法识别）或按名称推断（由平台清单创建的单位）的"
        "平台和单位，按问题类型筛选，分页。\n\n"
        "Platforms and institutions that loaded incomplete (host missing or not recognised, unknown city) "
        "or inferred (institutions created from a platform list); filter by flag or entity; paged.",
    )
    def list_quality(
        store: Annotated[Store, Depends(get_store)],
        flag: Annotated[str | None, Query(max_length=40, description="host_missing | host_unresolved | "
                                          "co_builder_unresolved | city_unknown | kind_inferred")] = None,
        entity: Annotated[str | None, Query(max_length=20, description="platform | institution")] = None,
        limit: LimitParam = 50,
        offset: OffsetParam = 0,
        lang: LangParam = "zh",
    ) -> dict[str, Any]:
        page = quality_items(store, flag=flag or None, entity=entity or None, limit=limit, offset=offset,
                             lang=lang)
        return {"total": page["total"], "limit": limit, "offset": offset, "counts": page["counts"],
                "items": jsonable(page["items"])}

    return router
