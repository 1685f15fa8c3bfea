"""``/overlaps``: the overlapping pairs and groups the latest analysis wrote back, and the
pre-approval check of a proposed platform (live, writes nothing).

The work is done by ``queries.overlap`` (the same functions as ``platgraph overlaps``), so the API
and the CLI give the same answer for the same input. The check scores the proposal against the
graph's check index (profiles, tf-idf vocabulary and vectors, host/people/name-core look-ups), kept
per data version (the one cache mechanism, ``graph/versioned_cache.py``) and shared by the checks
that follow; a new version refreshes the last index from what the new ingest runs wrote instead of
rebuilding it from a full read (:func:`check_index`).
"""

from __future__ import annotations

from typing import Annotated, Any

import orjson
from fastapi import APIRouter, Body, Depends, Query, Request, Response
from starlette.concurrency import run_in_threadpool

from api.cache import current_version
from api.deps import LangParam, LimitParam, OffsetParam, get_store, holder
from api.routers._common import READ_ERRORS
from api.schemas import ErrorBody, ProposalBody
from api.security import read_dependencies
from graph.settings import Settings
from graph.store import Store
from graph.versioned_cache import VersionedCache
from queries.overlap import CheckIndex, check_proposal, read_groups, read_overlaps, refresh_check_index
from queries.overlap.results import CheckResult, GroupsResult, OverlapsResult

PROPOSAL_EXAMPLE = {
    "name": "广西工程机械智能制造工程研究中心",
    "type": "工程研究中心",
    "level": "regional",
    "host": "广西柳工机械股份有限公司",
    "co_builders": ["广西大学"],
    "city": "柳州",
    "fields": ["工程机械", "智能制造"],
    "industries": ["机械装备"],
    "people": ["张三"],
}


CHECK_INDEX_KEY = "check_index"
# Reasons are worded for the strongest this many pairs by default: at 100,000 platforms a proposal
# overlaps dozens, and wording every pair's evidence was half the cost of a check (docs/api.md).
DEFAULT_REASONS = 10
MAX_REASONS = 1_000


def check_index_cache(request: Request) -> VersionedCache[str, Any]:
    """The app's cache of the proposal-check index (one entry, kept per data version)."""
    state = request.app.state
    if getattr(state, "proposal_index", None) is None:
        state.proposal_index = VersionedCache(state.data_version, max_entries=1)
    return state.proposal_index


def check_index(request: Request, store: Store) -> CheckIndex:
    """The proposal-check index for the current data version. A new version does not rebuild it:
    the last index is refreshed from what the new ingest runs wrote (and kept as it is when no
    platform data changed, e.g. after an analysis), ``queries/overlap/proposal_index.py``."""
    state = request.app.state

    def refresh() -> CheckIndex:
        state.last_check_index = refresh_check_index(store, getattr(state, "last_check_index", None))
        return state.last_check_index

    index: CheckIndex = check_index_cache(request).get_or_build(CHECK_INDEX_KEY, refresh)
    return index


async def kept_check_index(request: Request) -> CheckIndex | None:
    """The index kept for the current data version, or None (the check then runs in a worker thread,
    which refreshes the index after an ingest, or meets an unreachable Neo4j).

    A stale data version is re-read off the loop and awaited (:func:`api.cache.current_version`, one
    read for all waiting callers; under steady traffic it is renewed ahead and nobody waits): the
    check itself stays on the event loop. Why: a stale version used to send every request that
    arrived during its re-read to the thread pool — once a second most of a worker's in-flight
    checks — where they contended for the GIL with the loop and with each other and answered several
    times slower: the tail of the 32-client benchmark (docs/benchmarks.md, proposal check)."""
    state = request.app.state
    cache = getattr(state, "proposal_index", None)
    if cache is None or not state.data_version.enabled or holder(request.app).suspect:
        return None
    version = await current_version(state.data_version)
    if version is None:
        return None
    index: CheckIndex | None = cache.get(version, CHECK_INDEX_KEY)
    return index


def _checked(result: CheckResult) -> Response:
    """The answer as JSON bytes (orjson), not through response-model validation: with dozens of
    pairs that validation cost as much as a fifth of a check at 100,000 platforms. The result is
    ``CheckResult`` already (typed in queries/overlap/results.py, and a test compares the two)."""
    return Response(orjson.dumps(result, option=orjson.OPT_SERIALIZE_NUMPY), media_type="application/json")


def build_router(settings: Settings) -> APIRouter:
    router = APIRouter(tags=["overlaps"], dependencies=read_dependencies(settings), responses=READ_ERRORS)

    @router.get(
        "/overlaps",
        response_model=OverlapsResult,
        summary="交叉重复平台对 / overlapping platform pairs",
        description="最近一次分析写回的交叉重复平台对（含得分与理由）及其分组，可按得分、类型、级别、城市、产业、平台筛选，分页。\n\n"
        "Overlapping pairs written back by the latest analysis (score and reasons) and their groups; "
        "filters by minimum score, type, level, city, industry, platform; paged.",
    )
    def list_overlaps(
        store: Annotated[Store, Depends(get_store)],
        min_score: Annotated[float, Query(ge=0.0, le=1.0, description="最低得分 / minimum score")] = 0.0,
        type: Annotated[str | None, Query(max_length=100, description="平台类型 / type")] = None,
        level: Annotated[str | None, Query(max_length=20, description="级别 / level")] = None,
        city: Annotated[str | None, Query(max_length=50, description="城市 / city")] = None,
        industry: Annotated[str | None, Query(max_length=100, description="产业 / industry")] = None,
        platform: Annotated[str | None, Query(max_length=200, description="平台键 / platform key")] = None,
        limit: LimitParam = 100,
        offset: OffsetParam = 0,
        lang: LangParam = "zh",
    ) -> OverlapsResult:
        return read_overlaps(store, min_score=min_score, type=type or None, level=level or None,
                             city=city or None, industry=industry or None, platform=platform or None,
                             limit=limit, offset=offset, lang=lang)

    @router.get(
        "/overlaps/groups",
        response_model=GroupsResult,
        summary="交叉重复分组与建议 / overlap groups and recommendations",
        description="每组平台与建议（整合 merge / 调整方向 refocus / 复核 review）及保留平台。\n\n"
        "Groups of overlapping platforms with a recommendation (merge, refocus, review) and the one to keep.",
    )
    def list_groups(
        store: Annotated[Store, Depends(get_store)],
        limit: LimitParam = 100,
        offset: OffsetParam = 0,
        lang: LangParam = "zh",
    ) -> GroupsResult:
        return read_groups(store, lang=lang, limit=limit, offset=offset)

    @router.post(
        "/overlaps/check",
        response_model=CheckResult,
        responses={400: {"model": ErrorBody, "description": "请求体无法解析 / body cannot be parsed"},
                   413: {"model": ErrorBody, "description": "请求体过大 / body too large"},
                   422: {"model": ErrorBody, "description": "请求体无效 / invalid body"}},
        summary="拟新建平台预审核查 / check a proposed platform",
        description="提交拟新建平台（名称、类型、级别、依托与共建单位、城市、研究方向、产业、人员），"
        "返回与之交叉重复的现有平台及理由；不写入任何数据。与 `platgraph overlaps check` 结果一致。\n\n"
        "Submit a proposed platform (name, type, level, host and co-builders, city, research "
        "directions, industries, people); returns the existing platforms it overlaps, with reasons. "
        "Writes nothing; same pairs as `platgraph overlaps check`.\n\n"
        f"每一对都列出（得分、关系）；理由只给得分最高的 `reasons` 对（默认 {DEFAULT_REASONS}），`explained` 为给出理由的对数。\n\n"
        f"Every pair is listed (score, relation); reasons are given for the strongest `reasons` pairs "
        f"(default {DEFAULT_REASONS}), `explained` says how many carry them.",
    )
    async def check(
        request: Request,
        proposal: Annotated[ProposalBody, Body(examples=[PROPOSAL_EXAMPLE])],
        min_score: Annotated[float | None, Query(ge=0.0, le=1.0, description="最低得分 / minimum score")] = None,
        reasons: Annotated[int, Query(ge=0, le=MAX_REASONS, description="给出理由的对数（得分最高者）/ pairs "
                                      "whose reasons are given, strongest first")] = DEFAULT_REASONS,
        lang: LangParam = "zh",
    ) -> Response:
        # Why async: a check is CPU work on the kept index (a few ms); answered here on the event
        # loop it needs no hand-over to a worker thread and back for the store and the endpoint.
        # Whatever may wait — refreshing the index after an ingest, resolving people in Neo4j — runs
        # in a worker thread; a stale data version is awaited off the loop (kept_check_index).
        body = proposal.model_dump()
        index = None if body["people"] else await kept_check_index(request)
        if index is not None:
            return _checked(check_proposal(None, body, lang=lang, min_score=min_score, index=index, explain=reasons))

        def in_thread() -> CheckResult:
            store = get_store(request)
            return check_proposal(store, body, lang=lang, min_score=min_score, index=check_index(request, store),
                                  explain=reasons)

        return _checked(await run_in_threadpool(in_thread))

    return router
