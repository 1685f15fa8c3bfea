"""API routers, one module per domain; each exposes ``build_router(settings) -> APIRouter``, which
``api.app.create_app`` includes under ``/api/v1`` (``explore_overview`` is mounted by the explorer)."""
