"""API keys for write, admin, heavy and (when closed) read endpoints; the Host allow-list.

Why a key compared with ``hmac.compare_digest``: the API is called by other government systems on a
private network; a shared secret in the ``X-API-Key`` header is what they can configure, and the
constant-time comparison keeps the key from leaking through response timing. With no key configured,
write/admin endpoints refuse every call (403) rather than run open by accident.

Why two kinds of key: a planner's browser or a reporting script needs to read, not to replace the
graph; the admin key (``PLATGRAPH_API_KEY``) uploads datasets and re-runs analyses, the read keys
(``PLATGRAPH_READ_KEYS``) read closed endpoints and build reports. Each setting may list several
keys separated by commas, so a key is rotated by adding the new one, moving clients, then removing
the old one. Keys must be printable ASCII of at least 16 characters (checked at start).

Why the admin check also runs before the body is read (:class:`AdminKeyGate`): FastAPI parses a
multipart upload before it runs an endpoint's dependencies, so without the gate anyone could make
the server spool 50 MB to disk per request with a wrong key.

Why a Host allow-list: a page on another site can make a browser on the planner's machine resolve
its own name to 127.0.0.1 (DNS rebinding) and then read the loopback API as "same origin"; such a
request still carries the attacker's name in ``Host``, which the allow-list refuses.
"""

from __future__ import annotations

import hmac
from typing import Any

from fastapi import Depends, HTTPException, Request, Security
from fastapi.security import APIKeyHeader
from starlette.types import ASGIApp, Receive, Scope, Send

from api.errors import problem_response
from graph.i18n import tr
from graph.settings import Settings, check_keys

API_KEY_HEADER = "X-API-Key"
API_PREFIX = "/api/v1"

# Routes that write or replace data (admin key) and routes that are heavy to answer (a read key,
# unless PLATGRAPH_OPEN_REPORTS). tests/test_api_route_inventory.py proves every route of the app
# is one of: public, read, heavy, admin — and that heavy and admin routes refuse a call without key.
ADMIN_ROUTES = frozenset({("POST", f"{API_PREFIX}/datasets"), ("POST", f"{API_PREFIX}/analyses")})
HEAVY_ROUTES = frozenset({("GET", f"{API_PREFIX}/reports/network")})
PUBLIC_ROUTES = frozenset({("GET", f"{API_PREFIX}/health")})
# POSTs that only read (a proposal to check, the nodes on screen to draw): read keys, small bodies.
READ_POST_ROUTES = frozenset({("POST", f"{API_PREFIX}/overlaps/check"), ("POST", f"{API_PREFIX}/graph/export")})

api_key_header = APIKeyHeader(
    name=API_KEY_HEADER,
    auto_error=False,
    description="API 密钥：管理密钥 PLATGRAPH_API_KEY，读取密钥 PLATGRAPH_READ_KEYS / API key: admin key "
    "PLATGRAPH_API_KEY, read keys PLATGRAPH_READ_KEYS",
)


def _settings(request: Request) -> Settings:
    return request.app.state.settings


def validate_key_settings(settings: Settings) -> None:
    """Refuse to build an app whose keys are too short or not ASCII (``model_copy`` skips the
    settings' own validators, so the app checks again)."""
    for value in (settings.platgraph_api_key, settings.platgraph_read_keys):
        if value is not None:
            check_keys(value.get_secret_value())


def _matches(keys: list[str], supplied: str | None) -> bool:
    if not keys or not supplied:
        return False
    given = supplied.encode("utf-8", "surrogateescape")
    found = False
    for key in keys:  # every key compared, so timing does not say which one matched
        found |= hmac.compare_digest(key.encode("ascii"), given)
    return found


def key_matches(settings: Settings, supplied: str | None) -> bool:
    """True when ``supplied`` equals one of the admin keys (constant-time comparison)."""
    return _matches(settings.admin_keys(), supplied)


def read_key_matches(settings: Settings, supplied: str | None) -> bool:
    """True when ``supplied`` is a read key or an admin key (constant-time comparison)."""
    return _matches(settings.read_keys(), supplied)


def _not_configured(variable: str = "PLATGRAPH_API_KEY") -> HTTPException:
    return HTTPException(
        status_code=403,
        detail=tr(
            "此接口需要 API 密钥，但服务器未配置：请在环境变量或 .env 中设置 {v} 后重启服务，"
            "并在请求头 X-API-Key 中提供该密钥",
            "this endpoint needs an API key but none is configured: set {v} in the "
            "environment or .env, restart the server, and send the key in the X-API-Key header",
            v=variable,
        ),
    )


def _bad_key(supplied: str | None) -> HTTPException:
    return HTTPException(
        status_code=401,
        detail=tr("缺少 API 密钥（请求头 X-API-Key）", "missing API key (X-API-Key header)")
        if not supplied
        else tr("API 密钥无效", "invalid API key"),
        headers={"WWW-Authenticate": API_KEY_HEADER},
    )


def check_admin(settings: Settings, supplied: str | None) -> None:
    """403 when no admin key is configured, 401 when ``supplied`` is not one."""
    if not settings.admin_keys():
        raise _not_configured()
    if not key_matches(settings, supplied):
        raise _bad_key(supplied)


def check_read(settings: Settings, supplied: str | None) -> None:
    """403 when no key at all is configured, 401 when ``supplied`` is neither a read nor an admin key."""
    if not settings.read_keys():
        raise _not_configured("PLATGRAPH_READ_KEYS / PLATGRAPH_API_KEY")
    if not read_key_matches(settings, supplied):
        raise _bad_key(supplied)


def require_admin(request: Request, supplied: str | None = Security(api_key_header)) -> None:
    """Dependency for write and admin endpoints: 403 when no key is configured, 401 when wrong."""
    check_admin(_settings(request), supplied)


def require_read(request: Request) -> None:
    """Dependency for read endpoints: open when ``PLATGRAPH_OPEN_READS`` is true, else a read or
    admin key. Reads the header itself, so OpenAPI does not claim open reads need a key."""
    settings = _settings(request)
    if settings.platgraph_open_reads:
        return
    check_read(settings, request.headers.get(API_KEY_HEADER))


def _require_read_documented(request: Request, supplied: str | None = Security(api_key_header)) -> None:
    settings = _settings(request)
    if not settings.platgraph_open_reads:
        check_read(settings, supplied)


def require_heavy(request: Request, supplied: str | None = Security(api_key_header)) -> None:
    """Dependency for heavy endpoints (building a report): a read key unless
    ``PLATGRAPH_OPEN_REPORTS`` is true."""
    settings = _settings(request)
    if not settings.platgraph_open_reports:
        check_read(settings, supplied)


def read_dependencies(settings: Settings) -> list[Any]:
    """The dependencies of read routers: none when reads are open, the key check (documented in
    OpenAPI as the ``X-API-Key`` scheme) when ``PLATGRAPH_OPEN_READS`` is false."""
    return [] if settings.platgraph_open_reads else [Depends(_require_read_documented)]


class AdminKeyGate:
    """Checks the admin key of :data:`ADMIN_ROUTES` before the request body is read (see the
    module docstring); the endpoint's own dependency checks it again."""

    def __init__(self, app: ASGIApp, settings: Settings) -> None:
        self.app = app
        self.settings = settings

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and (scope.get("method"), scope.get("path")) in ADMIN_ROUTES:
            supplied = None
            for name, value in scope.get("headers") or []:
                if name.lower() == API_KEY_HEADER.lower().encode():
                    supplied = value.decode("latin-1")
            try:
                check_admin(self.settings, supplied)
            except HTTPException as exc:
                response = problem_response(exc.status_code, str(exc.detail), instance=scope.get("path"),
                                            headers=exc.headers)
                response.headers["Connection"] = "close"  # the unread body is not drained
                await response(scope, receive, send)
                return
        await self.app(scope, receive, send)
