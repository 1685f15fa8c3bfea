"""The offline graph explorer: one page at ``/explore`` with its assets at ``/explore/static/``.

Why served by the API process itself: planners open it on networks with no internet, so the page,
its script, its style and the vis-network library are all files in this package (no CDN), and its
data comes from the same origin (``/api/v1/...``). ``mount(app)`` is called by
``api.app.create_app``, which also includes the explorer's data endpoints (overview, search
suggestions, exports: ``api/routers/explore_overview.py``) — layers point down, so viz never
imports the API.
"""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI
from fastapi.responses import FileResponse, RedirectResponse
from fastapi.staticfiles import StaticFiles

STATIC_DIR = Path(__file__).parent / "static"
INDEX_FILE = STATIC_DIR / "index.html"
MAP_FILE = STATIC_DIR / "map.html"


def mount(app: FastAPI) -> None:
    """Serve the explorer page and its assets on ``app``."""
    app.mount("/explore/static", StaticFiles(directory=STATIC_DIR), name="explore-static")

    @app.get("/explore", include_in_schema=False)
    def explore_page() -> FileResponse:
        return FileResponse(INDEX_FILE, media_type="text/html; charset=utf-8",
                            headers={"Cache-Control": "no-cache"})

    @app.get("/explore/map", include_in_schema=False)
    def map_page() -> FileResponse:
        """Guangxi's 14 cities: platforms per city, a key industry's uncovered layout cities in red."""
        return FileResponse(MAP_FILE, media_type="text/html; charset=utf-8", headers={"Cache-Control": "no-cache"})

    @app.get("/explore/", include_in_schema=False)
    def explore_slash() -> RedirectResponse:
        return RedirectResponse("/explore")
