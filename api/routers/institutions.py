"""``/institutions``: host and co-building institutions (enterprises, universities, institutes,
hospitals, government), with the platforms they carry and whom they collaborate with."""

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
    search_words,
    where_clause,
)
from api.schemas import InstitutionDetail, InstitutionPage
from api.security import read_dependencies
from graph.schema import FULLTEXT_INDEX
from graph.settings import Settings
from graph.store import Store

# Fixed WHERE fragments, joined for the filters in use (see api/routers/platforms.py).
INSTITUTION_FILTERS: dict[str, str] = {
    "kind": "i.kind = $kind",
    "sector": "i.sector = $sector",
    "city": "i.city = $city",
    "industry": "EXISTS { MATCH (i)-[:IN_INDUSTRY]->(:Industry)-[:PART_OF*0..1]->(ind:Industry) "
                "WHERE ind.key = $industry }",
}

INSTITUTION_ROW = """
RETURN i.key AS id, coalesce(i.name, i.key) AS name, i.kind AS kind, i.sector AS sector, i.city AS city,
       i.credit_code AS credit_code,
       COUNT { MATCH (p:Platform)-[:HOSTED_BY|CO_BUILT_BY]->(i) RETURN DISTINCT p } AS platforms
"""

MATCH_INSTITUTIONS = "MATCH (i:Institution) WHERE "
SEARCH_HITS = """
CALL db.index.fulltext.queryNodes($index, $q) YIELD node, score
WITH node AS i, score WHERE i:Institution AND
"""
# One-character words (桂): name or alias through the text indexes; every word must occur in one of them.
CONTAINS_HITS = """
MATCH (i:Institution) WHERE i.name CONTAINS $first OR i.aliases_text CONTAINS $first
WITH i, 0.0 AS score
WHERE all(t IN $words WHERE i.name CONTAINS t OR coalesce(i.aliases_text, '') CONTAINS t) AND
"""
COUNT_TAIL = " RETURN count(i) AS total"
LIST_TAIL = " WITH i ORDER BY i.key SKIP $offset LIMIT $limit " + INSTITUTION_ROW
SEARCH_TAIL = " WITH i, score ORDER BY score DESC, i.key SKIP $offset LIMIT $limit " + INSTITUTION_ROW


SEARCHES = {"fulltext": SEARCH_HITS, "contains": CONTAINS_HITS}  # how a name query finds its hits


def institution_queries(filters: dict[str, Any], *, search: str | None) -> tuple[str, str]:
    """(count query, page query) for the filters in use (those not None), without a name query or
    with one (a key of :data:`SEARCHES`); the one place the fragments above are joined (see
    platform_queries)."""
    where = where_clause(INSTITUTION_FILTERS, filters)
    if search is not None:
        return SEARCHES[search] + where + COUNT_TAIL, SEARCHES[search] + where + SEARCH_TAIL
    return MATCH_INSTITUTIONS + where + COUNT_TAIL, MATCH_INSTITUTIONS + where + LIST_TAIL

INSTITUTION_DETAIL = """
MATCH (i:Institution {key: $id})
RETURN properties(i) AS props,
  COLLECT { MATCH (p:Platform)-[:HOSTED_BY]->(i)
            RETURN {id: p.key, name: p.name} AS p ORDER BY p.id LIMIT 500 } AS hosted,
  COLLECT { MATCH (p:Platform)-[:CO_BUILT_BY]->(i)
            RETURN {id: p.key, name: p.name} AS p ORDER BY p.id LIMIT 500 } AS co_built,
  COUNT { MATCH (r:Researcher)-[:WORKS_AT]->(i) } AS researchers,
  COLLECT { MATCH (i)-[:IN_INDUSTRY]->(s:Industry)
            RETURN {id: s.key, name: s.name, level: s.level} AS s ORDER BY s.id } AS industries,
  COLLECT { MATCH (i)-[c:COLLABORATES_WITH]-(o:Institution)
            WITH o, sum(coalesce(c.count, 1)) AS n, collect(DISTINCT c.kind) AS kinds
            RETURN {institution: {id: o.key, name: o.name}, count: n, kinds: kinds} AS c
            ORDER BY c.count DESC, c.institution.id LIMIT 50 } AS collaborators
"""


def build_router(settings: Settings) -> APIRouter:
    router = APIRouter(tags=["institutions"], dependencies=read_dependencies(settings), responses=READ_ERRORS)

    @router.get(
        "/institutions",
        response_model=InstitutionPage,
        summary="单位检索 / search institutions",
        description="按名称或别名全文检索（`q`），按类型、产学研用、城市、产业筛选，分页。\n\n"
        "Full-text search over names and aliases (`q`); filters by kind, sector (产学研用), city, industry; paged.",
    )
    def list_institutions(
        store: Annotated[Store, Depends(get_store)],
        q: Annotated[str | None, Query(max_length=200, description="名称关键词 / name keywords",
                                       examples=["柳工"])] = None,
        kind: Annotated[str | None, Query(max_length=30, description="enterprise | university | institute | hospital | government | other")] = None,
        sector: Annotated[str | None, Query(max_length=30, description="industry | academia | research | user")] = None,
        city: Annotated[str | None, Query(max_length=50, description="城市 / city")] = None,
        industry: Annotated[str | None, Query(max_length=100, description="产业 / industry")] = None,
        limit: LimitParam = 50,
        offset: OffsetParam = 0,
        lang: LangParam = "zh",
    ) -> dict[str, Any]:
        params: dict[str, Any] = {"kind": kind or None, "sector": sector or None, "city": city or None,
                                  "industry": industry or None, "limit": limit, "offset": offset}
        lucene = fulltext_query(q) if q else None
        search: str | None = None
        if lucene is not None and needs_contains(q):
            words = search_words(q or "")
            params.update(first=words[0], words=words)
            search = "contains"
        elif lucene is not None:
            params.update(q=lucene, index=FULLTEXT_INDEX)
            search = "fulltext"
        count_query, list_query = institution_queries(params, search=search)

        def work(tx: Any) -> dict[str, Any]:
            total = tx.run(count_query, params).single()["total"]
            return {"total": total, "items": [r.data() for r in tx.run(list_query, params)]}

        page = store.read_tx(work)
        return {"total": page["total"], "limit": limit, "offset": offset, "items": jsonable(page["items"])}

    @router.get(
        "/institutions/{id:path}",
        response_model=InstitutionDetail,
        responses=NOT_FOUND,
        summary="单位详情 / one institution",
        description="依托与共建的平台、人员数、所属产业、主要合作单位。\n\n"
        "Platforms hosted and co-built, researcher count, industries, main collaborators.",
    )
    def get_institution(
        store: Annotated[Store, Depends(get_store)],
        id: Annotated[str, Path(description="单位键（信用代码或规范名）/ institution key")],
        lang: LangParam = "zh",
    ) -> dict[str, Any]:
        rows = store.read(INSTITUTION_DETAIL, {"id": id})
        if not rows:
            raise not_found("单位", "institution", id)
        row = jsonable(rows[0])
        props = row.pop("props")
        return {"id": props["key"], "name": props.get("name") or props["key"], "properties": props, **row}

    return router
