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

import re
from typing import Annotated, Any

import orjson
from fastapi import APIRouter, Body, Depends, Query, Request, Response
from pydantic import ValidationError
from starlette.concurrency import run_in_threadpool
from starlette.types import ASGIApp, Message, Receive, Scope, Send

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


CHECK_PATH = "/api/v1/overlaps/check"
_DECIMAL = re.compile(r"(?:[01]|[01]?\.[0-9]{1,12})")
_COUNT = re.compile(r"0|[1-9][0-9]{0,3}")
_JSON_TYPES = (b"application/json", b"application/json; charset=utf-8", b"application/json;charset=utf-8")


def fast_check_params(query_string: bytes) -> dict[str, Any] | None:
    """The check's query parameters (``min_score``, ``reasons``, ``lang``) when each is given at most
    once in its plain form and within its bounds; None for anything else (the route then decides,
    with its own validation and error). Other parameters are ignored, as the route ignores them."""
    params: dict[str, Any] = {"min_score": None, "reasons": DEFAULT_REASONS, "lang": "zh"}
    seen: set[str] = set()
    if not query_string:
        return params
    try:
        text = query_string.decode("ascii")
    except UnicodeDecodeError:
        return None
    for part in text.split("&"):
        name, _, value = part.partition("=")
        if name not in params:
            if "%" in name or "+" in name:  # an encoded name might be one of ours
                return None
            continue
        if name in seen:
            return None
        seen.add(name)
        if name == "min_score" and _DECIMAL.fullmatch(value) and float(value) <= 1.0:
            params[name] = float(value)
        elif name == "reasons" and _COUNT.fullmatch(value) and int(value) <= MAX_REASONS:
            params[name] = int(value)
        elif name == "lang" and value in ("zh", "en"):
            params[name] = value
        else:
            return None
    return params


class CheckFastPath:
    """``POST /overlaps/check`` answered without FastAPI's routing, dependency solving and body model
    when nothing needs them: reads open, a JSON body that ``ProposalBody`` accepts (parsed once from
    the raw bytes by ``model_validate_json``), plain query parameters (:func:`fast_check_params`),
    no people named and the index kept for the current data version. The answer is the route's: the
    same ``check_proposal`` call on the same index, the same orjson bytes.

    Anything else — a body or parameter the route would refuse (422, 400), closed reads, people to
    resolve in Neo4j, a stale or missing index, an error while checking — goes to the route with the
    body replayed, so every error, its problem body and the OpenAPI schema stay the route's.

    Why: at 100,000 platforms a check costs ~2.5 ms of CPU and the framework around it ~1 ms more
    (seven route matches, the dependency solver, the body parsed into a dict and validated in Python
    mode); with 32 clients on two cores the queue that CPU makes is the tail (docs/benchmarks.md,
    proposal check). Installed innermost of the app's own middleware, so the language, size limit,
    trusted hosts and CORS still apply."""

    def __init__(self, app: ASGIApp, settings: Settings) -> None:
        self.app = app
        self.enabled = settings.platgraph_open_reads
        self.answered = 0  # checks answered here (the rest went to the route); read by the tests

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if (not self.enabled or scope["type"] != "http" or scope.get("path") != CHECK_PATH
                or scope.get("method") != "POST"):
            await self.app(scope, receive, send)
            return
        params = fast_check_params(scope.get("query_string", b""))
        content_type = next((v for k, v in scope.get("headers") or [] if k == b"content-type"), None)
        if params is None or content_type is None or content_type.lower() not in _JSON_TYPES:
            await self.app(scope, receive, send)
            return
        messages: list[Message] = []
        chunks: list[bytes] = []
        while True:
            message = await receive()
            messages.append(message)
            if message["type"] != "http.request":
                break
            chunks.append(message.get("body", b""))
            if not message.get("more_body", False):
                break

        async def replay() -> Message:
            return messages.pop(0) if messages else await receive()

        if messages[-1]["type"] != "http.request":
            await self.app(scope, replay, send)
            return
        try:
            body = ProposalBody.model_validate_json(b"".join(chunks)).model_dump()
        except ValidationError:
            await self.app(scope, replay, send)
            return
        index = None if body["people"] else await kept_check_index(Request(scope))
        if index is None:
            await self.app(scope, replay, send)
            return
        try:
            result = check_proposal(None, body, lang=params["lang"], min_score=params["min_score"], index=index,
                                    explain=params["reasons"])
        except Exception:  # noqa: BLE001 - the route checks again and answers the error its own way
            await self.app(scope, replay, send)
            return
        self.answered += 1
        await _checked(result)(scope, replay, send)


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
