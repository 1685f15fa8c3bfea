"""API-key checks for write and admin endpoints, and for reads when they are closed.

Why a key compared with ``hmac.compare_digest``: the API is called by other government systems on a
private network; a shared secret in the ``X-API-Key`` header is what they can configure, and the
constant-time comparison keeps the key from leaking through response timing. With no key configured,
write/admin endpoints refuse every call (403) rather than run open by accident.
"""

from __future__ import annotations

import hmac
from typing import Any

from fastapi import Depends, HTTPException, Request, Security
from fastapi.security import APIKeyHeader

from graph.i18n import tr
from graph.settings import Settings

API_KEY_HEADER = "X-API-Key"

api_key_header = APIKeyHeader(
    name=API_KEY_HEADER,
    auto_error=False,
    description="管理/写入接口所需的 API 密钥（设置 PLATGRAPH_API_KEY）/ API key for write and admin "
    "endpoints (set PLATGRAPH_API_KEY)",
)


def _settings(request: Request) -> Settings:
    return request.app.state.settings


def key_matches(settings: Settings, supplied: str | None) -> bool:
    """True when a key is configured and ``supplied`` equals it (constant-time comparison)."""
    if settings.platgraph_api_key is None or not supplied:
        return False
    expected = settings.platgraph_api_key.get_secret_value().encode("utf-8")
    return hmac.compare_digest(expected, supplied.encode("utf-8"))


def _not_configured() -> HTTPException:
    return HTTPException(
        status_code=403,
        detail=tr(
            "此接口需要 API 密钥，但服务器未配置：请在环境变量或 .env 中设置 PLATGRAPH_API_KEY 后重启服务，"
            "并在请求头 X-API-Key 中提供该密钥",
            "this endpoint needs an API key but none is configured: set PLATGRAPH_API_KEY in the "
            "environment or .env, restart the server, and send the key in the X-API-Key header",
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


def require_admin(request: Request, supplied: str | None = Security(api_key_header)) -> None:
    """Dependency for write and admin endpoints: 403 when no key is configured, 401 when wrong."""
    settings = _settings(request)
    if settings.platgraph_api_key is None:
        raise _not_configured()
    if not key_matches(settings, supplied):
        raise _bad_key(supplied)


def require_read(request: Request) -> None:
    """Dependency for read endpoints: open when ``PLATGRAPH_OPEN_READS`` is true, else the same key
    as admin. Reads the header itself, so OpenAPI does not claim open reads need a key."""
    settings = _settings(request)
    if settings.platgraph_open_reads:
        return
    require_admin(request, request.headers.get(API_KEY_HEADER))


def _require_read_documented(request: Request, supplied: str | None = Security(api_key_header)) -> None:
    settings = _settings(request)
    if not settings.platgraph_open_reads:
        require_admin(request, supplied)


def read_dependencies(settings: Settings) -> list[Any]:
    """The dependencies of read routers: none when reads are open, the key check (documented in
    OpenAPI as the ``X-API-Key`` scheme) when ``PLATGRAPH_OPEN_READS`` is false."""
    return [] if settings.platgraph_open_reads else [Depends(_require_read_documented)]
