"""``/platforms``: search and filter platforms; one platform with its host, co-builders, people,
industries, topics and the overlaps the latest analysis wrote back."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query

from api.deps import LangParam, LimitParam, OffsetParam, get_store
from api.routers._common import (
    NOT_FOUND,
    READ_ERRORS,
    fulltext_query,
    jsonable,
    needs_contains,
    not_found,
    parse_json,
    search_words,
    where_clause,
)
from api.schemas import PlatformDetail, PlatformPage
from api.security import read_dependencies
from graph.names import normalize_name
from graph.reference import resolve_level
from graph.schema import FULLTEXT_INDEX
from graph.settings import Settings
from graph.store import Store

# One WHERE fragment per filter; a request's WHERE clause joins the fragments of the filters it uses
# (fixed text chosen by name; every value stays a parameter), so Neo4j can use the property indexes
# on Platform(type, level, status, city, category) instead of scanning with `$x IS NULL OR …`.
PLATFORM_FILTERS: dict[str, str] = {
    "type": "p.type = $type",
    "category": "p.category = $category",
    "level": "p.level = $level",
    "city": "p.city = $city",
    "status": "p.status = $status",
    "industry": "EXISTS { MATCH (p)-[:SERVES]->(:Industry)-[:PART_OF*0..1]->(ind:Industry) WHERE ind.key = $industry }",
    "host": "EXISTS { MATCH (p)-[:HOSTED_BY]->(h:Institution) "
            "WHERE h.key = $host OR h.name = $host OR $host_norm IN h.alias_norms }",
}

PLATFORM_ROW = """
RETURN p.key AS id, p.name AS name, p.type AS type, p.level AS level, p.category AS category,
       p.city AS city, p.status AS status, p.established AS established,
       p.overlap_group AS overlap_group, score,
       COLLECT { MATCH (p)-[:HOSTED_BY]->(h:Institution) RETURN {id: h.key, name: h.name} }[0] AS host
"""

MATCH_PLATFORMS = "MATCH (p:Platform) WHERE "
SEARCH_HITS = """
CALL db.index.fulltext.queryNodes($index, $q) YIELD node, score
WITH node AS p, score WHERE p:Platform AND
"""
# One-character words (糖, 铝, 桂): the first word through the Platform(name) text index, every word
# must be in the name (see api.routers._common.needs_contains).
CONTAINS_HITS = """
MATCH (p:Platform) WHERE p.name CONTAINS $first
WITH p, 0.0 AS score WHERE all(t IN $words WHERE p.name CONTAINS t) AND
"""
COUNT_TAIL = " RETURN count(p) AS total"
LIST_TAIL = " WITH p, null AS score ORDER BY p.key SKIP $offset LIMIT $limit " + PLATFORM_ROW
SEARCH_TAIL = " WITH p, score ORDER BY score DESC, p.key SKIP $offset LIMIT $limit " + PLATFORM_ROW


SEARCHES = {"fulltext": SEARCH_HITS, "contains": CONTAINS_HITS}  # how a name query finds its hits


def platform_queries(filters: dict[str, Any], *, search: str | None) -> tuple[str, str]:
    """(count query, page query) for the filters in use (those not None), without a name query
    (``search`` None) or with one (a key of :data:`SEARCHES`). The one place the fragments above are
    joined, so the EXPLAIN test (tests/test_cypher_explain.py) can plan every combination."""
    where = where_clause(PLATFORM_FILTERS, filters)
    if search is not None:
        return SEARCHES[search] + where + COUNT_TAIL, SEARCHES[search] + where + SEARCH_TAIL
    return MATCH_PLATFORMS + where + COUNT_TAIL, MATCH_PLATFORMS + where + LIST_TAIL


PLATFORM_DETAIL = """
MATCH (p:Platform {key: $id})
RETURN properties(p) AS props,
  COLLECT { MATCH (p)-[:HOSTED_BY]->(h:Institution) RETURN {id: h.key, name: h.name} }[0] AS host,
  COLLECT { MATCH (p)-[:CO_BUILT_BY]->(c:Institution)
            RETURN {id: c.key, name: c.name} AS c ORDER BY c.id } AS co_builders,
  COLLECT { MATCH (r:Researcher)-[m:MEMBER_OF]->(p)
            RETURN {id: r.key, name: r.name, role: m.role, title: r.title,
                    institution: COLLECT { MATCH (r)-[:WORKS_AT]->(i:Institution)
                                           RETURN {id: i.key, name: i.name} }[0]} AS person
            ORDER BY person.role, person.id } AS people,
  COLLECT { MATCH (p)-[r:SERVES]->(s:Industry)
            RETURN {id: s.key, name: s.name, level: s.level, inferred: coalesce(r.inferred, false),
                    via: r.via, evidence: r.evidence} AS s ORDER BY s.id } AS industries,
  COLLECT { MATCH (p)-[:ON_TOPIC]->(t:Topic) RETURN coalesce(t.name, t.key) AS t ORDER BY t } AS topics,
  COLLECT { MATCH (p)-[o:OVERLAPS]-(q:Platform)
            RETURN {id: q.key, name: q.name, score: o.score, reasons_zh: o.reasons_zh,
                    reasons_en: o.reasons_en, signals: o.signals, run: o.run} AS o
            ORDER BY o.score DESC, o.id } AS overlaps,
  COLLECT { MATCH (p)-[:IN_GROUP]->(g:OverlapGroup) RETURN properties(g) AS g }[0] AS grp
"""


def search_platforms(store: Store, *, q: str | None, limit: int, offset: int, **filters: Any) -> dict[str, Any]:
    """One page of platforms matching the filters (and the full-text query), with the total."""
    host = filters.get("host")
    params: dict[str, Any] = {**filters, "host_norm": normalize_name(host) if host else None,
                              "limit": limit, "offset": offset}
    lucene = fulltext_query(q) if q else None
    search: str | None = None
    if lucene is not None and needs_contains(q):
        words = search_words(q or "")
        params.update(first=words[0], words=words)
        search = "contains"
    elif lucene is not None:
        params.update(q=lucene, index=FULLTEXT_INDEX)
        search = "fulltext"
    count_query, list_query = platform_queries(filters, search=search)

    def work(tx: Any) -> dict[str, Any]:
        total = tx.run(count_query, params).single()["total"]
        rows = [r.data() for r in tx.run(list_query, params)]
        return {"total": total, "items": rows}

    page = store.read_tx(work)
    return {"total": page["total"], "limit": limit, "offset": offset, "items": jsonable(page["items"])}


def platform_detail(store: Store, key: str, lang: str) -> dict[str, Any] | None:
    rows = store.read(PLATFORM_DETAIL, {"id": key})
    if not rows:
        return None
    row = jsonable(rows[0])
    props = row["props"]
    reasons_key = "reasons_en" if lang == "en" else "reasons_zh"
    overlaps = [
        {"platform": {"id": o["id"], "name": o["name"]}, "score": o["score"],
         "reasons": o.get(reasons_key) or [], "signals": parse_json(o.get("signals"), []), "run": o["run"]}
        for o in row["overlaps"]
    ]
    group = row["grp"]
    return {
        "id": props["key"], "name": props.get("name") or props["key"], "properties": props,
        "host": row["host"], "co_builders": row["co_builders"], "people": row["people"],
        "industries": row["industries"],
        # declared (服务产业) vs inferred from name / fields / host (ingest/infer_industries.py)
        "declared_industries": [i for i in row["industries"] if not i["inferred"]],
        "inferred_industries": [i for i in row["industries"] if i["inferred"]],
        "topics": row["topics"], "overlaps": overlaps,
        "overlap_group": None if group is None else {
            "id": group["key"], "recommendation": group.get("recommendation"), "keep": group.get("keep"),
            "reasons": group.get(reasons_key) or [], "size": group.get("size")},
    }


def build_router(settings: Settings) -> APIRouter:
    router = APIRouter(tags=["platforms"], dependencies=read_dependencies(settings), responses=READ_ERRORS)

    @router.get(
        "/platforms",
        response_model=PlatformPage,
        summary="平台检索与筛选 / search and filter platforms",
        description="按名称全文检索（中文，`q`）并按类型、类别、级别、城市、产业、状态、依托单位筛选，分页返回并给出总数。\n\n"
        "Full-text search by name (Chinese, `q`) and filters by type, category, level, city, industry "
        "(including its chain segments), status and host (key, name or alias); paged with a total.",
    )
    def list_platforms(
        store: Annotated[Store, Depends(get_store)],
        q: Annotated[str | None, Query(max_length=200, description="名称关键词 / name keywords",
                                       examples=["工程机械"])] = None,
        type: Annotated[str | None, Query(max_length=100, description="平台类型 / type", examples=["工程研究中心"])] = None,
        category: Annotated[str | None, Query(max_length=100, description="类别 / category",
                                              examples=["innovation_transfer"])] = None,
        level: Annotated[str | None, Query(max_length=20, description=(
            "national | ministerial | regional | departmental | municipal（或 国家级/部级/自治区级/厅级/市级）"))] = None,
        city: Annotated[str | None, Query(max_length=50, description="城市 / city", examples=["柳州"])] = None,
        industry: Annotated[str | None, Query(max_length=100, description="产业 / industry")] = None,
        status: Annotated[str | None, Query(max_length=20, description="active | building | revoked | merged")] = None,
        host: Annotated[str | None, Query(max_length=200, description="依托单位（键、名称或别名）/ host")] = None,
        limit: LimitParam = 50,
        offset: OffsetParam = 0,
        lang: LangParam = "zh",
    ) -> dict[str, Any]:
        level = (resolve_level(level) or level) if level else None  # 厅级 → departmental
        filters = {"type": type, "category": category, "level": level, "city": city, "industry": industry,
                   "status": status, "host": host}
        return search_platforms(store, q=q, limit=limit, offset=offset,
                                **{k: (v or None) for k, v in filters.items()})

    @router.get(
        "/platforms/{id:path}",
        response_model=PlatformDetail,
        responses=NOT_FOUND,
        summary="平台详情 / one platform",
        description="依托单位、共建单位、人员及角色、服务产业、研究方向，以及最近一次分析写回的交叉重复关系。\n\n"
        "Host, co-builders, people with roles, industries, topics, and the overlaps written back by the "
        "latest analysis. Keys may contain Chinese and `@` (URL-encode them).",
    )
    def get_platform(
        store: Annotated[Store, Depends(get_store)],
        id: Annotated[str, Path(description="平台键 / platform key", examples=["P00012"])],
        lang: LangParam = "zh",
    ) -> dict[str, Any]:
        detail = platform_detail(store, id, lang)
        if detail is None:
            raise not_found("平台", "platform", id)
        return detail

    return router
