"""``/industries``: key industries and their chain segments, with the platforms serving them."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query

from api.deps import LangParam, get_store
from api.routers._common import NOT_FOUND, READ_ERRORS, jsonable, not_found, parse_json
from api.schemas import IndustryDetail, IndustryList
from api.security import read_dependencies
from graph.settings import Settings
from graph.store import Store

LIST_INDUSTRIES = """
MATCH (i:Industry)
WHERE ($level IS NULL OR i.level = $level) AND ($key_industry IS NULL OR i.key_industry = $key_industry)
RETURN i.key AS id, i.name AS name, i.name_en AS name_en, i.level AS level, i.priority AS priority,
       i.key_industry AS key_industry,
       COLLECT { MATCH (i)-[:PART_OF]->(parent:Industry) RETURN parent.key }[0] AS parent,
       COUNT { MATCH (p:Platform)-[:SERVES]->(:Industry)-[:PART_OF*0..1]->(i) RETURN DISTINCT p } AS platforms
ORDER BY coalesce(i.priority, 99), i.level, i.key
"""

INDUSTRY_DETAIL = """
MATCH (i:Industry {key: $id})
RETURN properties(i) AS props,
  COLLECT { MATCH (i)-[:PART_OF]->(p:Industry) RETURN {id: p.key, name: p.name, level: p.level} }[0] AS parent,
  COLLECT { MATCH (s:Industry)-[:PART_OF]->(i)
            RETURN {id: s.key, name: s.name, level: s.level} AS s ORDER BY s.id } AS segments,
  COLLECT { MATCH (i)-[:LAID_OUT_IN]->(c:City) RETURN c.key AS c ORDER BY c } AS cities,
  COLLECT { MATCH (p:Platform)-[:SERVES]->(:Industry)-[:PART_OF*0..1]->(i)
            WITH DISTINCT p RETURN coalesce(p.level, 'unknown') AS level } AS levels
"""

JSON_PROPERTIES = ("coverage", "coverage_gaps", "sector_counts")


def build_router(settings: Settings) -> APIRouter:
    router = APIRouter(tags=["industries"], dependencies=read_dependencies(settings), responses=READ_ERRORS)

    @router.get(
        "/industries",
        response_model=IndustryList,
        summary="重点产业列表 / key industries",
        description="重点产业与产业链环节，按优先级排序，含服务平台数。\n\n"
        "Key industries and chain segments by priority, with the number of platforms serving each.",
    )
    def list_industries(
        store: Annotated[Store, Depends(get_store)],
        level: Annotated[str | None, Query(max_length=20, description="industry | segment")] = None,
        key_industry: Annotated[bool | None, Query(description="仅重点产业 / key industries only")] = None,
        lang: LangParam = "zh",
    ) -> dict[str, Any]:
        rows = jsonable(store.read(LIST_INDUSTRIES, {"level": level, "key_industry": key_industry}))
        return {"total": len(rows), "items": rows}

    @router.get(
        "/industries/{id:path}",
        response_model=IndustryDetail,
        responses=NOT_FOUND,
        summary="产业详情 / one industry",
        description="上级产业、链环节、布局城市、服务平台数（按级别），以及分析写回的覆盖与协同指标。\n\n"
        "Parent, segments, layout cities, platforms serving it (by level), and the coverage and "
        "synergy figures written back by the analyses.",
    )
    def get_industry(
        store: Annotated[Store, Depends(get_store)],
        id: Annotated[str, Path(description="产业键（中文名）/ industry key", examples=["汽车及新能源汽车"])],
        lang: LangParam = "zh",
    ) -> dict[str, Any]:
        rows = store.read(INDUSTRY_DETAIL, {"id": id})
        if not rows:
            raise not_found("产业", "industry", id)
        row = jsonable(rows[0])
        props = row["props"]
        for name in JSON_PROPERTIES:
            if name in props:
                props[name] = parse_json(props[name], props[name])
        by_level: dict[str, int] = {}
        for level in row["levels"]:
            by_level[level] = by_level.get(level, 0) + 1
        return {"id": props["key"], "name": props.get("name"), "properties": props, "parent": row["parent"],
                "segments": row["segments"], "cities": row["cities"], "platforms": len(row["levels"]),
                "platforms_by_level": by_level}

    return router
