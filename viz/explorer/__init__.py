"""The offline graph explorer: one page at ``/explore`` with its assets at ``/explore/static/``.

Why served by the API process itself: planners open it on networks with no internet, so the page,
its script, its style and the vis-network library are all files in this package (no CDN), and its
data comes from the same origin (``/api/v1/...``). ``mount(app)`` is called by
``api.app.create_app``; it also includes the explorer's own router (overview, search suggestions,
exports), which lives with the API's routers in ``api/routers/explore_overview.py``.
"""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI
from fastapi.responses import FileResponse, RedirectResponse
from fastapi.staticfiles import StaticFiles

STATIC_DIR = Path(__file__).parent / "static"
INDEX_FILE = STATIC_DIR / "index.html"


def mount(app: FastAPI) -> None:
    """Serve the explorer page and assets on ``app`` and add the explorer's API endpoints."""
    # Imported here: the router belongs to the API layer (it uses the API's dependencies), and
    # importing it at module level would make `viz` import `api` for every user of viz.
    from api.routers import explore_overview

    app.include_router(explore_overview.build_router(), prefix=explore_overview.API_PREFIX)
    app.mount("/explore/static", StaticFiles(directory=STATIC_DIR), name="explore-static")

    @app.get("/explore", include_in_schema=False)
    def explore_page() -> FileResponse:
        return FileResponse(INDEX_FILE, media_type="text/html; charset=utf-8",
                            headers={"Cache-Control": "no-cache"})

    @app.get("/explore/", include_in_schema=False)
    def explore_slash() -> RedirectResponse:
        return RedirectResponse("/explore")
