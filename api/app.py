"""The FastAPI application: ``create_app(settings)`` builds one app with its own Neo4j store.

Why a factory: the CLI (``platgraph serve``), the tests (one app against the test engine, one
against an unreachable URI) and the benchmark each need an app bound to their own settings. The
app starts without touching Neo4j; the store is created on first use (see ``api/deps.py``).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from urllib.parse import parse_qs

from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware
from fastapi_offline import FastAPIOffline
from starlette.middleware.trustedhost import TrustedHostMiddleware
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.cache import ResponseCache, ResponseCacheMiddleware
from api.deps import StoreHolder
from api.errors import document_problems, install_error_handlers
from api.security import ADMIN_ROUTES, AdminKeyGate, validate_key_settings
from graph.errors import TooLarge
from graph.i18n import set_lang
from graph.logs import configure_logging
from graph.settings import Settings, get_settings
from graph.versioned_cache import DataVersion
from viz import explorer

API_PREFIX = "/api/v1"

DESCRIPTION = """
**platgraph 科技创新平台知识图谱 HTTP 接口**：平台、依托单位、产业的查询，交叉重复识别（含拟新建平台的
预审核查）、产学研用协同缺口、重点产业覆盖与三批次方案。分析结果来自最近一次分析运行的回写。

**platgraph HTTP API** over the knowledge graph of S&T innovation platforms: platforms,
institutions and industries; overlap detection (including the pre-approval check of a proposed
platform), collaboration gaps, industry coverage and the three-batch plan. Analysis results are
served from the latest analysis run's write-back.

- 语言 / language: `lang=zh`（默认 default）或 `lang=en`
- 写入与管理接口需要请求头 `X-API-Key` / write and admin endpoints need the `X-API-Key` header
- Neo4j 不可达时返回 503 / 503 when Neo4j is unreachable
"""

TAGS = [
    {"name": "platforms", "description": "平台 / innovation platforms"},
    {"name": "institutions", "description": "依托与共建单位 / host and co-building institutions"},
    {"name": "industries", "description": "重点产业与产业链环节 / key industries and chain segments"},
    {"name": "graph", "description": "图浏览 / graph explorer data"},
    {"name": "overlaps", "description": "交叉重复识别 / overlap detection"},
    {"name": "analyses", "description": "协同缺口、覆盖、方案与分析运行 / gaps, coverage, plan and runs"},
    {"name": "datasets", "description": "数据导入（管理）/ dataset upload (admin)"},
    {"name": "reports", "description": "网络分析报告 / network reports"},
    {"name": "quality", "description": "数据质量清单 / data-quality list"},
    {"name": "health", "description": "运行状态 / health"},
]


class LanguageMiddleware:
    """Pins the request's language (``?lang=``) for everything that runs for it, error handlers
    included, so ``tr()`` answers in that language."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            values = parse_qs(scope.get("query_string", b"").decode("latin-1")).get("lang", [])
            set_lang("en" if values and values[0] == "en" else "zh")
        await self.app(scope, receive, send)


class UploadTooLarge(TooLarge):
    """Raised from inside the body stream to stop reading; :class:`BodySizeLimit` answers 413."""


class BodySizeLimit:
    """Refuses request bodies over their limit with 413, checking ``Content-Length`` first and
    counting streamed bytes too (a chunked upload has no length to trust).

    Why two limits: an upload (``POST /datasets``) may be tens of MB, but every other body is a
    small JSON document (a proposal, the nodes on screen) that FastAPI parses whole in memory; tens
    of KB (``PLATGRAPH_MAX_JSON_KB``) is plenty for those and keeps one request from holding 50 MB."""

    def __init__(self, app: ASGIApp, max_bytes: int, json_max_bytes: int | None = None,
                 upload_paths: frozenset[str] = frozenset(), json_overrides: dict[str, int] | None = None) -> None:
        self.app = app
        self.upload_max = max_bytes
        self.json_max = json_max_bytes if json_max_bytes is not None else max_bytes
        self.upload_paths = upload_paths
        self.json_overrides = json_overrides or {}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope.get("method") not in ("POST", "PUT", "PATCH"):
            await self.app(scope, receive, send)
            return
        upload = scope.get("path") in self.upload_paths
        max_bytes = self.upload_max if upload else self.json_overrides.get(scope.get("path", ""), self.json_max)
        await self._limited(scope, receive, send, max_bytes, upload)

    async def _limited(self, scope: Scope, receive: Receive, send: Send, max_bytes: int, upload: bool) -> None:
        length = dict(scope.get("headers") or []).get(b"content-length")
        if length is not None and length.isdigit() and int(length) > max_bytes:
            await self._refuse(send, max_bytes, upload)
            return
        received = 0
        exceeded = False
        refused = False

        async def counting_receive() -> Message:
            nonlocal received, exceeded
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > max_bytes:
                    exceeded = True
                    raise UploadTooLarge
            return message

        async def guarded_send(message: Message) -> None:
            # Whatever the app answers after the body overflowed (FastAPI turns a body-parsing
            # failure into 400), the client gets the 413 instead.
            nonlocal refused
            if exceeded:
                if not refused:
                    refused = True
                    await self._refuse(send, max_bytes, upload)
                return
            await send(message)

        try:
            await self.app(scope, counting_receive, guarded_send)
        except UploadTooLarge:
            if not refused:
                refused = True
                await self._refuse(send, max_bytes, upload)

    async def _refuse(self, send: Send, max_bytes: int, upload: bool) -> None:
        from api.errors import problem_response
        from graph.i18n import tr

        detail = (tr("上传内容超过大小上限（{mb} MB，见 PLATGRAPH_MAX_UPLOAD_MB）",
                     "upload larger than the limit ({mb} MB, see PLATGRAPH_MAX_UPLOAD_MB)",
                     mb=round(max_bytes / 1_048_576, 1)) if upload else
                  tr("请求体超过大小上限（{kb} KB，见 PLATGRAPH_MAX_JSON_KB）",
                     "request body larger than the limit ({kb} KB, see PLATGRAPH_MAX_JSON_KB)",
                     kb=max_bytes // 1024))
        response = problem_response(413, detail, code=TooLarge.code, headers={"Connection": "close"})
        await response({"type": "http"}, _empty_receive, send)


async def _empty_receive() -> Message:
    return {"type": "http.disconnect"}


# The explorer's "export this view" posts the keys of up to 2,000 nodes on screen (Chinese keys of
# ~60 characters): about 400 KB at most, so that one body may be larger than the JSON default.
VIEW_EXPORT_MAX_BYTES = 1_048_576


def upload_limit_bytes(settings: Settings) -> int:
    """The upload limit plus a little room for the multipart envelope."""
    return settings.platgraph_max_upload_mb * 1_048_576 + 65_536


def create_app(settings: Settings | None = None) -> FastAPI:
    """Build the API for ``settings`` (default: the process settings). Does not contact Neo4j."""
    configure_logging()
    settings = settings or get_settings()
    validate_key_settings(settings)  # a weak or non-ASCII key stops the server at start
    holder = StoreHolder(settings)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        yield
        holder.close()

    # FastAPIOffline: /docs (Swagger UI) loads its script and styles from files shipped with the
    # fastapi-offline package instead of a CDN, so the API docs work on an offline network like the
    # explorer does. ReDoc is not served: its page links out to its vendor's site.
    app = FastAPIOffline(
        redoc_url=None,
        title="platgraph API",
        version="1.0.0",
        summary="科技创新平台知识图谱 / knowledge graph of S&T innovation platforms",
        description=DESCRIPTION,
        openapi_tags=TAGS,
        lifespan=lifespan,
    )
    app.state.settings = settings
    app.state.store_holder = holder
    install_error_handlers(app)

    from api.routers import (
        analyses,
        datasets,
        explore_overview,
        geo,
        graph_view,
        health,
        industries,
        institutions,
        overlaps,
        platforms,
        quality,
        reports,
    )

    for module in (health, platforms, institutions, industries, graph_view, overlaps, analyses,
                   datasets, reports, geo, quality):
        app.include_router(module.build_router(settings), prefix=API_PREFIX)

    # The explorer: its data endpoints are API routes; its page and assets are files of viz/explorer.
    app.include_router(explore_overview.build_router(), prefix=explore_overview.API_PREFIX)
    explorer.mount(app)

    # Innermost of ours: CORS headers and the language still apply to cached answers.
    app.state.data_version = DataVersion(holder.get, settings.platgraph_api_cache_seconds)
    app.state.response_cache = ResponseCache(app.state.data_version)
    # Innermost: the proposal check's fast path (api/routers/overlaps.py CheckFastPath), inside the
    # language, size limit, hosts and CORS; whatever it does not answer goes to the route.
    app.add_middleware(overlaps.CheckFastPath, settings=settings)
    app.add_middleware(ResponseCacheMiddleware, settings=settings, versions=app.state.data_version,
                       cache=app.state.response_cache)
    app.add_middleware(BodySizeLimit, max_bytes=upload_limit_bytes(settings),
                       json_max_bytes=settings.platgraph_max_json_kb * 1024,
                       upload_paths=frozenset(path for method, path in ADMIN_ROUTES if path.endswith("/datasets")),
                       json_overrides={f"{API_PREFIX}/graph/export": VIEW_EXPORT_MAX_BYTES})
    app.add_middleware(AdminKeyGate, settings=settings)  # the key before the body (api/security.py)
    if settings.platgraph_cors_origins:
        app.add_middleware(
            CORSMiddleware,
            allow_origins=settings.platgraph_cors_origins,
            allow_methods=["GET", "POST"],
            allow_headers=["X-API-Key", "Content-Type"],
        )
    if "*" not in settings.platgraph_allowed_hosts:
        app.add_middleware(TrustedHostMiddleware, allowed_hosts=settings.platgraph_allowed_hosts,
                           www_redirect=False)
    app.add_middleware(LanguageMiddleware)
    document_problems(app)
    return app
