"""Analysis results: collaboration gaps, industry coverage, the three-batch plan, and the analysis
runs (latest, and re-running them, which is an admin action).

Gaps, coverage and plan are read from the write-back by their ``queries`` modules; nothing is
recomputed per request.
"""

from __future__ import annotations

import threading
from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Query, Request

from api.deps import LangParam, LimitParam, OffsetParam, get_store
from api.jobs import run_analyses_in_child
from api.routers._common import NOT_FOUND, READ_ERRORS, jsonable
from api.schemas import AnalysisRunInfo, Document, PlanBatchPage, PlanPage
from api.security import read_dependencies, require_admin
from graph.i18n import Lang, tr
from graph.settings import Settings
from graph.store import Store
from queries.collaboration import read_gaps
from queries.collaboration.results import GapsResult
from queries.coverage import read_coverage
from queries.coverage.results import CoverageResult
from queries.plan import build_plan
from queries.runs import latest_run

# What the plan depends on changes only when an analysis completes or an ingest ends: the plan is
# cached per (latest completed analysis, latest ended ingest, language) and rebuilt when either
# moves. An ingest still running does not count: rebuilding (seconds) on data in flux would make
# every /plan reader wait for a plan that the ingest's end replaces anyway. Applying a plan workbook
# (a new PlanDecisionSet) moves it too: /plan carries the plan as decided in ``decided``.
PLAN_VERSION = """
CALL () { MATCH (a:AnalysisRun) WHERE a.status = 'completed' RETURN max(a.finished) AS analysed }
CALL () { MATCH (i:IngestRun) WHERE i.finished IS NOT NULL RETURN max(i.finished) AS ingested, count(i) AS ingests }
CALL () { MATCH (s:PlanDecisionSet) RETURN max(s.key) AS decided }
RETURN coalesce(toString(analysed), '-') + '|' + coalesce(toString(ingested), '-') + '|' + toString(ingests)
       + '|' + coalesce(decided, '-') AS version
"""


class PlanCache:
    """The latest plans by (data version, language): building one takes seconds, reading it none."""

    def __init__(self) -> None:
        self._entries: dict[tuple[str, str], dict[str, Any]] = {}
        self._lock = threading.Lock()

    def get(self, store: Store, lang: Lang) -> dict[str, Any]:
        version = store.read(PLAN_VERSION)[0]["version"] or ""
        key = (version, lang)
        with self._lock:  # one build at a time: concurrent callers wait and then share it
            if key not in self._entries:
                plan = jsonable(build_plan(store, lang=lang))
                self._entries = {k: v for k, v in self._entries.items() if k[0] == version}
                self._entries[key] = plan
            return self._entries[key]


def plan_batches(plan: dict[str, Any]) -> dict[str, list[Any]]:
    """Every list in the plan, by name: top-level lists (``optimise``, ``retire``, ``build``,
    ``targets`` and whatever batches the plan adds) and lists one level down as ``parent.child``
    (``impact.losses``). Generic on purpose: the plan's batches are the plan module's to define."""
    out: dict[str, list[Any]] = {}
    for name, value in plan.items():
        if isinstance(value, list):
            out[name] = value
        elif isinstance(value, dict):
            out.update({f"{name}.{sub}": v for sub, v in value.items() if isinstance(v, list)})
    return out


def page_plan(plan: dict[str, Any], *, limit: int, offset: int) -> dict[str, Any]:
    """The plan with every batch cut to one page, and ``page.totals`` the full length of each.

    Why: at 100,000 platforms the whole plan is about 10 MB of JSON; a screen shows a page of each
    batch and asks for more with ``batch=…&offset=…``; the whole plan is the workbook
    (``platgraph plan --xlsx``)."""
    totals: dict[str, int] = {}
    out: dict[str, Any] = {}
    for name, value in plan.items():
        if isinstance(value, list):
            totals[name] = len(value)
            out[name] = value[offset:offset + limit]
        elif isinstance(value, dict):
            inner = dict(value)
            for sub, v in value.items():
                if isinstance(v, list):
                    totals[f"{name}.{sub}"] = len(v)
                    inner[sub] = v[offset:offset + limit]
            out[name] = inner
        else:
            out[name] = value
    out["page"] = {"limit": limit, "offset": offset, "totals": totals}
    return out


def build_router(settings: Settings) -> APIRouter:
    plans = PlanCache()
    router = APIRouter(tags=["analyses"], dependencies=read_dependencies(settings), responses=READ_ERRORS)

    @router.get(
        "/gaps",
        response_model=GapsResult,
        summary="产学研用协同缺口 / collaboration gaps",
        description="各重点产业（及城市）产学研用之间的协同缺口、单一主体平台、可作桥梁的单位与建议合作方。\n\n"
        "Per key industry (and city): which of industry/academia/research/user do not collaborate, "
        "single-sector platforms, brokers and suggested partners.",
    )
    def gaps(
        store: Annotated[Store, Depends(get_store)],
        industry: Annotated[str | None, Query(max_length=100, description="产业 / industry")] = None,
        city: Annotated[str | None, Query(max_length=50, description="城市 / city")] = None,
        limit: Annotated[int, Query(ge=1, le=500, description="条数上限 / max rows per list")] = 100,
        lang: LangParam = "zh",
    ) -> Any:
        return jsonable(read_gaps(store, industry=industry or None, city=city or None, lang=lang, limit=limit))

    @router.get(
        "/coverage",
        response_model=CoverageResult,
        summary="重点产业覆盖 / industry coverage",
        description="重点产业与产业链环节 × 平台类别 × 级别的覆盖矩阵，以及缺口（按优先级）。\n\n"
        "The coverage matrix (industry and segment × category × level) and the gaps, by priority.",
    )
    def coverage(
        store: Annotated[Store, Depends(get_store)],
        industry: Annotated[str | None, Query(max_length=100, description="产业 / industry")] = None,
        lang: LangParam = "zh",
    ) -> Any:
        return jsonable(read_coverage(store, industry=industry or None, lang=lang))

    @router.get(
        "/plan",
        response_model=PlanPage | PlanBatchPage,
        responses=NOT_FOUND,  # an unknown batch
        summary="三批次方案 / the three-batch plan",
        description="优化调整一批、撤销淘汰一批、新认定建设一批，附理由及建设目标与现状对比。"
        "分页：每个批次取 `offset` 起的 `limit` 条，`page.totals` 给出各批次总数；`batch=retire` 只取一个批次"
        "（`{batch, total, limit, offset, items}`）。完整方案请导出工作簿（platgraph plan --xlsx）。"
        "结果按最近一次完成的分析与结束的导入缓存，二者之一更新后重新生成（导入进行中不重建）。\n\n"
        "Optimise, retire and build batches with reasons, and targets versus actual. Paged: every batch "
        "is cut to `limit` items from `offset`, `page.totals` gives each batch's length; `batch=retire` "
        "returns one batch as `{batch, total, limit, offset, items}`. The whole plan is the workbook "
        "(platgraph plan --xlsx). Cached per latest completed analysis and ended ingest; rebuilt when "
        "either changes (not while an ingest runs).",
    )
    def plan(
        store: Annotated[Store, Depends(get_store)],
        batch: Annotated[str | None, Query(max_length=60, pattern=r"^[A-Za-z_][A-Za-z0-9_.]*$",
                                           description="只取一个批次 / one batch only, e.g. retire")] = None,
        limit: LimitParam = 50,
        offset: OffsetParam = 0,
        lang: LangParam = "zh",
    ) -> dict[str, Any]:
        full = plans.get(store, lang)
        if batch is None:
            return page_plan(full, limit=limit, offset=offset)
        items = plan_batches(full).get(batch)
        if items is None:
            raise HTTPException(status_code=404, detail=tr(
                "方案中没有批次“{b}”；可用：{all}", "the plan has no batch '{b}'; available: {all}",
                b=batch, all=", ".join(sorted(plan_batches(full)))))
        return {"batch": batch, "total": len(items), "limit": limit, "offset": offset,
                "items": items[offset:offset + limit]}

    @router.get(
        "/analyses/latest",
        response_model=AnalysisRunInfo,
        responses=NOT_FOUND,
        summary="最近一次分析运行 / the latest analysis run",
        description="最近完成的分析运行及其摘要；尚未分析时返回 404。\n\n"
        "The latest completed analysis run and its summary; 404 before the first analysis.",
    )
    def latest(
        store: Annotated[Store, Depends(get_store)],
        kind: Annotated[str | None, Query(max_length=30, description="分析类型 / analysis kind")] = None,
        lang: LangParam = "zh",
    ) -> dict[str, Any]:
        run = latest_run(store, kind)
        if run is None:
            raise HTTPException(status_code=404, detail=tr(
                "尚无已完成的分析运行：请先运行 platgraph analyze 或 POST /api/v1/analyses",
                "no completed analysis run yet: run platgraph analyze or POST /api/v1/analyses"))
        return jsonable(run)

    @router.post(
        "/analyses",
        response_model=Document,
        dependencies=[Depends(require_admin), Depends(get_store)],  # get_store: 503 at once when Neo4j is down
        summary="重新运行全部分析（管理）/ re-run every analysis (admin)",
        description="在一次分析运行中重新计算交叉重复、协同缺口与覆盖并写回图数据库，返回各项摘要。需要 `X-API-Key`。\n\n"
        "Recomputes overlap, gaps and coverage under one analysis run and writes them back; returns "
        "the summaries. Needs `X-API-Key`.",
    )
    def run_analyses(request: Request, lang: LangParam = "zh") -> dict[str, Any]:
        # In a child process, so that the reads this server answers meanwhile keep their latency.
        return run_analyses_in_child(request.app.state.settings)

    return router
