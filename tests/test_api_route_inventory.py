"""Every route of the app is public, read, heavy or admin — and each class needs its key: admin
routes the admin key (a read key is refused), heavy routes a read key even when reads are open,
read routes a read key when reads are closed, and only /health answers without one. A route added
without a class fails here (docs/security.md)."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from pydantic import SecretStr

from api.app import create_app
from api.security import ADMIN_ROUTES, HEAVY_ROUTES, PUBLIC_ROUTES, READ_POST_ROUTES
from graph.settings import Settings
from graph.store import Store

ADMIN = "inventory-admin-key-0001"
READER = "inventory-read-key-00001"


def routes(settings: Settings) -> set[tuple[str, str]]:
    app = create_app(settings)
    return {(method.upper(), path) for path, ops in app.openapi()["paths"].items() for method in ops}


def concrete(path: str) -> str:
    return path.replace("{id}", "P001")


def test_every_route_has_a_class_and_every_post_is_admin_or_a_listed_read(settings: Settings) -> None:
    found = routes(settings)
    classified = ADMIN_ROUTES | HEAVY_ROUTES | PUBLIC_ROUTES
    assert found >= ADMIN_ROUTES | HEAVY_ROUTES | PUBLIC_ROUTES | READ_POST_ROUTES  # no stale entries
    unlisted_posts = {r for r in found if r[0] != "GET" and r not in ADMIN_ROUTES | READ_POST_ROUTES}
    assert not unlisted_posts, f"a write route without the admin key: {unlisted_posts}"
    reads = found - classified
    assert reads and all(m == "GET" or (m, p) in READ_POST_ROUTES for m, p in reads)


@pytest.fixture(scope="module")
def closed(store: Store, settings: Settings, tmp_path_factory: pytest.TempPathFactory) -> TestClient:
    home: Path = tmp_path_factory.mktemp("inventory")
    app = create_app(settings.model_copy(update={
        "platgraph_api_key": SecretStr(ADMIN), "platgraph_read_keys": SecretStr(READER),
        "platgraph_open_reads": False, "platgraph_home": home}))
    return TestClient(app)


def test_each_class_refuses_a_call_without_its_key(closed: TestClient, settings: Settings) -> None:
    for method, path in sorted(routes(settings)):
        url = concrete(path)
        anonymous = closed.request(method, url)
        if (method, path) in PUBLIC_ROUTES:
            assert anonymous.status_code == 200, (method, path)
            continue
        assert anonymous.status_code == 401, (method, path, anonymous.status_code)
        # a heavy route gets a bad parameter: the key passes, the work does not start (422)
        params = {"format": "pdf"} if (method, path) in HEAVY_ROUTES else None
        as_reader = closed.request(method, url, headers={"X-API-Key": READER}, params=params)
        if (method, path) in ADMIN_ROUTES:
            assert as_reader.status_code == 401, (method, path)
        else:
            assert as_reader.status_code not in (401, 403), (method, path, as_reader.status_code)


def test_heavy_routes_need_a_key_even_when_reads_are_open(store: Store, settings: Settings, tmp_path: Path) -> None:
    app = create_app(settings.model_copy(update={"platgraph_api_key": SecretStr(ADMIN),
                                                 "platgraph_open_reads": True, "platgraph_home": tmp_path}))
    with TestClient(app) as client:
        for method, path in HEAVY_ROUTES | ADMIN_ROUTES:
            assert client.request(method, concrete(path)).status_code == 401, (method, path)
