"""Endpoints the explorer needs beyond the core API: the aggregated industry overview, cross-kind
search suggestions, the subgraphs ``platgraph viz`` draws, and the pyvis HTML export of a view.

Why a separate router, mounted by ``viz.explorer.mount``: these answers exist for drawing (bounded
node/edge lists, an HTML file), they are built on :mod:`viz.graphdata` and :mod:`viz.pyvis_export`,
and keeping them here lets the explorer evolve without touching the API's other routers.
"""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Depends, Query
from fastapi.responses import HTMLResponse
from pydantic import BaseModel, Field

from api.deps import LangParam, get_store
from api.routers._common import READ_ERRORS, jsonable
from api.schemas import ErrorBody
from api.security import require_read
from graph.errors import UsageError
from graph.i18n import Lang, tr
from graph.store import Store
from queries.coverage import read_coverage
from viz import graphdata, pyvis_export
from viz.report.heatgrid import heat_grid
from viz.report.labels import Labels

API_PREFIX = "/api/v1"

NameParam = Annotated[str | None, Query(max_length=200)]


class NodeRef(BaseModel):
    id: str = Field(max_length=300, description="节点键 / node key")
    kind: str = Field(max_length=40, description="节点标签 / node label", examples=["Platform"])


class ExportRequest(BaseModel):
    nodes: list[NodeRef] = Field(max_length=graphdata.MAX_LIMIT, description="当前视图中的节点 / nodes on screen")
    title: str | None = Field(None, max_length=200)
    lang: str = Field("zh", pattern="^(zh|en)$")


def view_graph(store: Store, *, around: str | None, industry: str | None, overlap_group: str | None,
               depth: int, limit: int, lang: Any) -> graphdata.Graph:
    """The one subgraph named by exactly one of ``around`` / ``industry`` / ``overlap_group``."""
    chosen = [v for v in (around, industry, overlap_group) if v]
    if len(chosen) != 1:
        raise UsageError(tr("请给出且只给出 around、industry、overlap_group 之一",
                            "give exactly one of around, industry, overlap_group"))
    if around:
        return graphdata.around_name(store, around, depth=depth, limit=limit, lang=lang)
    if industry:
        return graphdata.industry(store, industry, limit=limit, lang=lang)
    return graphdata.overlap_group(store, str(overlap_group), limit=limit, lang=lang)


def _json_error(description: str) -> dict[str, Any]:
    """An error answer of an HTML route: JSON, not the route's text/html (for OpenAPI)."""
    return {"description": description, "content": {"application/json": {"schema": ErrorBody.model_json_schema()}}}


def _html(document: str, filename: str) -> HTMLResponse:
    disposition = f"attachment; filename=platgraph-view.html; filename*=UTF-8''{quote(filename)}"
    return HTMLResponse(document, headers={"Content-Disposition": disposition})


def build_router() -> APIRouter:
    router = APIRouter(tags=["graph"], dependencies=[Depends(require_read)], responses=READ_ERRORS)

    @router.get("/graph/overview", summary="产业总览（聚合）/ industry overview (aggregated)",
                description="产业 ↔ 平台类别 ↔ 城市，边权为平台数；不论平台多少，元素不超过数百个。\n\n"
                "Industries ↔ categories ↔ cities weighted by platform counts; a few hundred elements at most.")
    def overview(store: Annotated[Store, Depends(get_store)],
                 industry: NameParam = None, lang: LangParam = "zh") -> dict[str, Any]:
        return graphdata.overview(store, industry, lang=lang).as_dict()

    @router.get("/graph/heatmap", summary="覆盖热力图 / coverage heat map",
                description="重点产业及产业链环节 × 平台类别 × 级别的平台数，覆盖缺口单元格附缺口说明（同 /coverage）。\n\n"
                "Platforms per key industry and chain segment × category × level; gap cells carry the gap "
                "(as /coverage reports it).")
    def heatmap(store: Annotated[Store, Depends(get_store)], lang: LangParam = "zh") -> dict[str, Any]:
        coverage = read_coverage(store, industry=None, lang=lang)
        grid = heat_grid(coverage)
        labels = Labels("en" if lang == "en" else "zh")
        return jsonable({
            **grid.as_dict(), "run": coverage.get("run"),
            "names": {"category": {c: labels.category(c) for c in grid.categories},
                      "level": {lv: labels.level(lv) for lv in grid.levels},
                      "industry": {r.industry: labels.industry(r.industry) for r in grid.rows}},
        })

    @router.get("/graph/search", summary="搜索建议 / search suggestions",
                description="平台、单位、人员、产业的名称与别名检索（全文索引）。\n\n"
                "Platforms, institutions, people and industries by name or alias (full-text index).")
    def search(store: Annotated[Store, Depends(get_store)],
               q: Annotated[str, Query(min_length=1, max_length=100)],
               limit: Annotated[int, Query(ge=1, le=50)] = 10) -> dict[str, Any]:
        return {"items": graphdata.search(store, q, limit=limit)}

    @router.get("/graph/subgraph", summary="子图（节点周边/产业/重叠组）/ a subgraph for drawing")
    def subgraph(store: Annotated[Store, Depends(get_store)], around: NameParam = None,
                 industry: NameParam = None, overlap_group: NameParam = None,
                 depth: Annotated[int, Query(ge=1, le=2)] = 1,
                 limit: Annotated[int, Query(ge=1, le=graphdata.MAX_LIMIT)] = graphdata.DEFAULT_LIMIT,
                 lang: LangParam = "zh") -> dict[str, Any]:
        return view_graph(store, around=around, industry=industry, overlap_group=overlap_group,
                          depth=depth, limit=limit, lang=lang).as_dict()

    @router.get("/graph/export", response_class=HTMLResponse,
                summary="导出 pyvis 网页（子图）/ pyvis HTML of a subgraph",
                description="离线可用的单文件 HTML（内嵌 vis-network，无 CDN）。\n\n"
                "A self-contained HTML file that opens offline (vis-network inlined, no CDN).")
    def export_named(store: Annotated[Store, Depends(get_store)], around: NameParam = None,
                     industry: NameParam = None, overlap_group: NameParam = None,
                     depth: Annotated[int, Query(ge=1, le=2)] = 1,
                     limit: Annotated[int, Query(ge=1, le=graphdata.MAX_LIMIT)] = graphdata.DEFAULT_LIMIT,
                     lang: LangParam = "zh") -> HTMLResponse:
        graph = view_graph(store, around=around, industry=industry, overlap_group=overlap_group,
                           depth=depth, limit=limit, lang=lang)
        return _html(pyvis_export.render_html(graph, lang), f"{graph.title or 'platgraph'}.html")

    @router.post("/graph/export", response_class=HTMLResponse,
                 responses={400: _json_error("请求体无法解析 / body cannot be parsed"),
                            413: _json_error("请求体过大 / body too large")},
                 summary="导出当前视图为 pyvis 网页 / export the current view as pyvis HTML",
                 description="请求体给出屏幕上的节点（键与标签）；返回这些节点及其间关系的单文件 HTML。\n\n"
                 "The body lists the nodes on screen (key and label); returns a self-contained HTML of "
                 "those nodes and the relationships among them.")
    def export_view(store: Annotated[Store, Depends(get_store)], body: ExportRequest) -> HTMLResponse:
        lang: Lang = "en" if body.lang == "en" else "zh"
        graph = graphdata.nodes_by_keys(store, [n.model_dump() for n in body.nodes], lang=lang)
        graph.title = body.title or tr("平台关系网络（当前视图）", "Platform network (current view)", lang)
        return _html(pyvis_export.render_html(graph, lang), f"{graph.title}.html")

    return router
