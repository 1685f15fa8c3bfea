"""Every HTML page the server returns works offline: opened in Chromium with every request to another
host blocked, each page asks nothing of a remote host and names none in its markup.

Why a route inventory rather than a list of URLs: a page added later (or a library upgrade that brings
back a CDN link, as FastAPI's own /docs does by default) is found by walking the app's routes.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.routing import APIRoute
from pydantic import SecretStr

from tests.conftest import GraphState
from tests.test_explorer_browser import CHROMIUM, CHROMIUM_ARGS, ServerThread, free_port
from tests.viz_fixtures import load_small_graph

pytestmark = pytest.mark.browser

READ_KEY = "offline-pages-read-key-0123"
# Query strings for HTML routes that need one to return a page (the small graph's names).
PAGE_QUERIES = {"/api/v1/graph/export": "?around=广西大学", "/api/v1/reports/network": "?format=html"}
# Markup that would load or link something from another host: src/href/url(...) to http(s)://.
REMOTE_REFERENCE = re.compile(r"""(?:src|href)\s*=\s*["']?\s*(?:https?:)?//(?!127\.0\.0\.1|localhost)|"""
                              r"""url\(\s*["']?(?:https?:)?//(?!127\.0\.0\.1|localhost)|@import\s+["']?https?://""",
                              re.IGNORECASE)


def html_routes(app: Any) -> list[str]:
    """GET paths without path parameters that return HTML: the app's own pages outside the schema
    (Swagger UI, ReDoc, the explorer's pages) and every operation whose OpenAPI answer is text/html."""
    paths: list[str] = []
    for route in app.routes:  # top-level pages (the API's routers are nested and in the schema)
        path = getattr(route, "path", None)
        if (isinstance(route, APIRoute) and not route.include_in_schema and "GET" in route.methods
                and "{" not in path and not path.endswith("oauth2-redirect")):
            paths.append(path)
    for path, methods in app.openapi()["paths"].items():
        content = methods.get("get", {}).get("responses", {}).get("200", {}).get("content", {})
        if "{" not in path and any(media.startswith("text/html") for media in content):
            paths.append(path)
    return sorted(set(paths))


@pytest.fixture(scope="module")
def server(store: Any, settings: Any, graph_state: GraphState) -> Iterator[ServerThread]:
    from api.app import create_app

    graph_state.use("explorer-small", load_small_graph)
    keyed = settings.model_copy(update={"platgraph_read_keys": SecretStr(READ_KEY)})
    with ServerThread(create_app(keyed), free_port()) as running:
        yield running


def _guard(origin: str, blocked: list[str]) -> Any:
    """A route handler that lets same-origin requests through and aborts (and records) the rest."""

    def guard(route: Any, *_: Any) -> None:
        url = route.request.url
        if url.startswith((origin + "/", "data:", "blob:")):
            route.continue_()
        else:
            blocked.append(url)
            route.abort()

    return guard


def test_the_inventory_finds_the_docs_and_the_explorer(server: ServerThread) -> None:
    paths = html_routes(server.server.config.app)
    for expected in ("/docs", "/explore", "/explore/map", "/api/v1/graph/export"):
        assert expected in paths, paths


def test_every_html_page_loads_offline(server: ServerThread) -> None:
    from playwright import sync_api as playwright_api

    origin = server.url
    paths = html_routes(server.server.config.app)
    with playwright_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            for path in paths:
                # the key heavy pages (reports) need; sent by the browser as the explorer does
                context = browser.new_context(extra_http_headers={"X-API-Key": READ_KEY})
                page = context.new_page()
                blocked: list[str] = []
                page.route("**/*", _guard(origin, blocked))
                url = origin + path + PAGE_QUERIES.get(path, "")
                answer = context.request.get(url, timeout=240_000)  # a report is built on demand
                assert answer.ok, f"{path}: {answer.status}"
                if "attachment" in answer.headers.get("content-disposition", ""):
                    # a download (exports, reports): open the file's HTML as the user's browser would
                    page.set_content(answer.text(), wait_until="networkidle")
                else:
                    page.goto(url, wait_until="networkidle")
                html = page.content()
                assert blocked == [], f"{path} asked remote hosts for {blocked}"
                assert not REMOTE_REFERENCE.search(html), \
                    f"{path} references a remote host: {REMOTE_REFERENCE.search(html).group(0)!r}"
                if path == "/docs":  # Swagger UI really rendered from the local bundle
                    page.wait_for_selector(".swagger-ui .info .title", timeout=15_000)
                context.close()
        finally:
            browser.close()
