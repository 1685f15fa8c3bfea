"""The proposal check's fast path (api/routers/overlaps.py ``CheckFastPath``): the same answer as the
route, byte for byte, and every request it does not answer itself (errors included) left to the route."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from pydantic import SecretStr

from api.routers import overlaps
from api.routers.overlaps import DEFAULT_REASONS, CheckFastPath, fast_check_params
from graph.settings import Settings
from graph.store import Store
from tests.overlap_fixtures import build_scenario

CHECK = "/api/v1/overlaps/check"
BODY = {"name": "广西甘蔗生物育种工程研究中心", "type": "工程研究中心", "host": "广西大学",
        "fields": ["甘蔗遗传育种", "甘蔗生物技术", "分子育种"]}


@pytest.mark.parametrize(("query", "expected"), [
    (b"", {"min_score": None, "reasons": DEFAULT_REASONS, "lang": "zh"}),
    (b"lang=en&reasons=3&min_score=0.5", {"min_score": 0.5, "reasons": 3, "lang": "en"}),
    (b"min_score=1&reasons=0", {"min_score": 1.0, "reasons": 0, "lang": "zh"}),
    (b"min_score=.25&other=x", {"min_score": 0.25, "reasons": DEFAULT_REASONS, "lang": "zh"}),
    (b"reasons=1000", {"min_score": None, "reasons": 1000, "lang": "zh"}),
])
def test_plain_parameters_are_read(query: bytes, expected: dict[str, Any]) -> None:
    assert fast_check_params(query) == expected


@pytest.mark.parametrize("query", [
    b"reasons=1001", b"reasons=010", b"reasons=-1", b"reasons=", b"reasons=1&reasons=2", b"min_score=1.5",
    b"min_score=1e-1", b"min_score=nan", b"min_score=", b"lang=fr", b"lang=", b"min%5Fscore=0.5", b"lang=%65n",
    "lang=中".encode(),
])
def test_anything_else_goes_to_the_route(query: bytes) -> None:
    assert fast_check_params(query) is None


def _fast_path(app: FastAPI) -> CheckFastPath:
    layer: Any = app.middleware_stack
    while not isinstance(layer, CheckFastPath):
        layer = layer.app
    return layer


def _answers(client: TestClient, requests: list[dict[str, Any]]) -> list[tuple[int, str, bytes]]:
    out = []
    for request in requests:
        response = client.post(CHECK, **request)
        out.append((response.status_code, response.headers["content-type"], response.content))
    return out


REQUESTS: list[dict[str, Any]] = [
    {"json": BODY},
    {"json": BODY, "params": {"lang": "en", "reasons": 1}},
    {"json": BODY, "params": {"min_score": 0.2, "reasons": 0}},
    {"json": {"name": "广西甘蔗育种重点实验室", "fields": "甘蔗育种；分子育种"}},
    {"json": {**BODY, "people": ["张伟"]}},  # people: resolved in Neo4j, by the route
    {"json": BODY, "params": {"reasons": "010"}},  # not plain: the route reads it (as 10)
    {"json": BODY, "params": {"reasons": 100_000}},  # 422 from the route
    {"json": {**BODY, "fields": [f"方向{i}" for i in range(51)]}},  # 422: over the cap
    {"json": {**BODY, "colour": "red"}},  # 422: unknown field
    {"json": {**BODY, "type": "不存在的类型"}},  # 422 from check_proposal's own validation
    {"content": b'{"name": ', "headers": {"Content-Type": "application/json"}},  # 422: not JSON
    {"content": b"name=x", "headers": {"Content-Type": "application/x-www-form-urlencoded"}},
]


def test_the_fast_path_answers_as_the_route(clean_graph: Store, settings: Settings,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    from api.app import create_app

    build_scenario(clean_graph)
    with TestClient(create_app(settings)) as client:
        client.post(CHECK, json={**BODY, "people": ["张伟"]})  # the index built (in the route's thread)
        fast = _answers(client, REQUESTS)
        answered = _fast_path(client.app).answered  # type: ignore[arg-type]

    async def route_only(self: CheckFastPath, scope: Any, receive: Any, send: Any) -> None:
        await self.app(scope, receive, send)

    monkeypatch.setattr(CheckFastPath, "__call__", route_only)
    with TestClient(create_app(settings)) as client:
        client.post(CHECK, json={**BODY, "people": ["张伟"]})
        route = _answers(client, REQUESTS)

    assert fast == route
    assert [status for status, _, _ in fast] == [200] * 6 + [422] * 6
    assert answered == 4  # the first four; the rest went to the route
    assert b'"pairs":[{' in fast[0][2]


def test_closed_reads_leave_the_check_to_the_route(settings: Settings, tmp_path: Path) -> None:
    """With ``PLATGRAPH_OPEN_READS=false`` the key is the route's to check: the fast path stands aside."""
    from api.app import create_app

    closed = settings.model_copy(update={"platgraph_open_reads": False, "platgraph_api_key": SecretStr("k" * 32),
                                         "platgraph_home": tmp_path / "home"})
    with TestClient(create_app(closed)) as client:
        response = client.post(CHECK, json=BODY)
        assert response.status_code in (401, 403)
        assert _fast_path(client.app).answered == 0  # type: ignore[arg-type]
    assert overlaps.CHECK_PATH == CHECK
