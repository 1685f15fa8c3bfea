"""``/health``: is Neo4j reachable, which version, and the latest analysis run.

Open without an API key so that load balancers and operators can probe it; it reveals no data, and
no address or path either: not the Neo4j URI, not the run's files (the latest run is its key, kind
and times). Operators see the URI with ``platgraph db status``.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends

from api.deps import LangParam, get_app_settings, get_store
from api.routers._common import jsonable
from api.schemas import Health, UnavailableBody
from graph.settings import Settings
from graph.store import Store
from queries.runs import latest_run

SERVER_VERSION = "CALL dbms.components() YIELD versions, edition RETURN versions[0] AS version, edition"


def build_router(settings: Settings) -> APIRouter:
    router = APIRouter(tags=["health"])

    @router.get(
        "/health",
        response_model=Health,
        responses={503: {"model": UnavailableBody, "description": "Neo4j 不可达 / Neo4j unreachable"}},
        summary="运行状态 / health",
        description="Neo4j 可达时返回 200（版本与最近分析运行），不可达时返回 503。\n\n"
        "200 with the Neo4j version and the latest analysis run when Neo4j answers, else 503.",
    )
    def health(
        store: Annotated[Store, Depends(get_store)],
        settings: Annotated[Settings, Depends(get_app_settings)],
        lang: LangParam = "zh",
    ) -> dict[str, Any]:
        info = store.read(SERVER_VERSION)
        run = latest_run(store)
        public = {k: run[k] for k in ("key", "kind", "started", "finished") if k in run} if run else None
        return {
            "status": "ok",
            "neo4j": {"reachable": True, **(info[0] if info else {})},
            "latest_run": jsonable(public),
        }

    return router
