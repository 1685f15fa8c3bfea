"""``platgraph serve``: the HTTP API (and the explorer, when installed) with uvicorn.

Binds to 127.0.0.1 by default: exposing the API on a network is a deliberate choice (``--host
0.0.0.0``) that should come with ``PLATGRAPH_API_KEY`` set and, if reads must not be public,
``PLATGRAPH_OPEN_READS=false``.
"""

from __future__ import annotations

import typer

from api.console import console, handle_errors
from graph.errors import UsageError
from graph.i18n import tr
from graph.settings import get_settings


@handle_errors
def serve(
    host: str = typer.Option("127.0.0.1", "--host", help="监听地址 / address to bind"),
    port: int = typer.Option(8000, "--port", help="端口 / port"),
    workers: int = typer.Option(1, "--workers", min=1, max=32, help="进程数 / worker processes"),
) -> None:
    """启动 HTTP 接口与图浏览器 / Serve the HTTP API (/api/v1, docs at /docs) and the explorer."""
    import uvicorn

    if not 0 < port < 65536:
        raise UsageError(tr("端口无效：{p}", "invalid port: {p}", p=port))
    settings = get_settings()
    if host not in ("127.0.0.1", "localhost", "::1") and settings.platgraph_api_key is None:
        console.print(tr("⚠ 未设置 PLATGRAPH_API_KEY：写入与管理接口将全部拒绝（403）",
                         "⚠ PLATGRAPH_API_KEY is not set: write and admin endpoints will refuse every call (403)"))
    console.print(tr("platgraph 接口：http://{h}:{p}/api/v1（文档 /docs；Neo4j {uri}）",
                     "platgraph API at http://{h}:{p}/api/v1 (docs at /docs; Neo4j {uri})",
                     h=host, p=port, uri=settings.neo4j_uri))
    from api.app import create_app

    if workers == 1:
        uvicorn.run(create_app(settings), host=host, port=port, log_level="warning")
    else:
        # forked after the proposal-check index is built, so the workers share it (api/workers.py)
        from api.workers import serve_forked

        console.print(tr("{n} 个工作进程；先建立申报查重索引（10 万个平台约需半分钟）",
                         "{n} worker processes; building the proposal-check index first (about half a "
                         "minute at 100,000 platforms)", n=workers))
        serve_forked(create_app(settings), settings, host, port, workers)
