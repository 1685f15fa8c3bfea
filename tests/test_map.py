"""The Guangxi map: the API's per-city counts and industry gaps, the explorer's map page in Chromium
(offline, 14 cities, click 柳州 → its platforms, uncovered layout cities red) and the report figure."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from graph.reference import load_cities
from tests.conftest import REPO, GraphState
from tests.test_explorer_browser import CHROMIUM, CHROMIUM_ARGS, ServerThread, free_port

SMALL = REPO / "tests" / "data" / "ingest_small"


@pytest.fixture(scope="module")
def small_dataset(store: Any, graph_state: GraphState, tmp_path_factory: pytest.TempPathFactory) -> Any:
    """tests/data/ingest_small through the ingest path: P001 and P003 in 柳州 serve 机械装备."""
    from ingest.pipeline import ingest_dataset

    graph_state.use("map-small", lambda s: ingest_dataset(
        s, SMALL, rejects_path=tmp_path_factory.mktemp("rejects") / "r.csv"))
    return store


@pytest.fixture(scope="module")
def client(small_dataset: Any, settings: Any) -> Iterator[TestClient]:
    from api.app import create_app

    with TestClient(create_app(settings)) as c:
        yield c


def test_cities_carry_their_division_codes() -> None:
    cities = load_cities()
    assert len(cities) == 14
    assert cities["柳州"].code == "450200" and cities["崇左"].code == "451400"
    assert len({c.code for c in cities.values()}) == 14


def test_shapes_are_the_fourteen_cities(client: TestClient) -> None:
    shapes = client.get("/api/v1/map/shapes").json()
    keys = {f["properties"]["key"] for f in shapes["features"]}
    assert keys == set(load_cities())
    for feature in shapes["features"]:
        assert feature["geometry"]["type"] in ("Polygon", "MultiPolygon")
        lon, lat = feature["properties"]["label"]
        assert 104 < lon < 113 and 20 < lat < 27  # inside Guangxi


def test_counts_per_city_and_industry_gaps(client: TestClient, small_dataset: Any) -> None:
    answer = client.get("/api/v1/map/cities").json()
    by_city = {c["key"]: c for c in answer["cities"]}
    assert len(by_city) == 14
    expected = small_dataset.read(
        "MATCH (p:Platform)-[:LOCATED_IN]->(:City {key: '柳州'}) "
        "WHERE p.status IS NULL OR p.status IN ['active', 'building'] RETURN count(p) AS n")[0]["n"]
    assert by_city["柳州"]["platforms"] == expected > 0
    machinery = client.get("/api/v1/map/cities", params={"industry": "机械装备"}).json()
    cities = {c["key"]: c for c in machinery["cities"]}
    assert cities["柳州"]["laid_out"] and not cities["柳州"]["gap"] and cities["柳州"]["serving"] >= 1
    assert cities["桂林"]["laid_out"] and cities["桂林"]["gap"]
    assert not cities["北海"]["laid_out"] and not cities["北海"]["gap"]
    assert set(machinery["industry"]["gap_cities"]) == {k for k, c in cities.items() if c["gap"]}
    national = client.get("/api/v1/map/cities", params={"level": "national"}).json()
    assert sum(c["platforms"] for c in national["cities"]) < sum(c["platforms"] for c in answer["cities"])


def test_unknown_industry_is_404(client: TestClient) -> None:
    assert client.get("/api/v1/map/cities", params={"industry": "不存在的产业"}).status_code == 404


@pytest.mark.browser
def test_map_page_offline_click_and_red_gaps(small_dataset: Any, settings: Any) -> None:
    from playwright import sync_api as playwright_api

    from api.app import create_app

    with ServerThread(create_app(settings), free_port()) as server, playwright_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1300, "height": 850})
            foreign: list[str] = []
            page.on("request", lambda r: foreign.append(r.url) if not r.url.startswith(server.url) else None)
            page.goto(f"{server.url}/explore")
            page.locator("#link-map").click()  # the explorer links to the map
            page.wait_for_url("**/explore/map")
            page.wait_for_function("window.platmap && window.platmap.state.ready", timeout=20_000)
            assert page.locator("path.city").count() == 14
            page.locator("path.city[data-city='柳州']").click()
            page.wait_for_function("window.platmap.state.listed !== undefined", timeout=10_000)
            listed = page.locator("#city-platforms li").all_inner_texts()
            assert any("广西工程机械工程技术研究中心" in text for text in listed), listed
            page.select_option("#f-industry", "机械装备")
            page.wait_for_function("window.platmap.state.industry && window.platmap.state.industry.key === '机械装备'")
            red = page.locator("path.city[data-gap='true']")
            red_cities = {red.nth(i).get_attribute("data-city") for i in range(red.count())}
            assert "桂林" in red_cities and "柳州" not in red_cities
            assert page.locator("path.city[data-city='桂林']").get_attribute("fill") == "#d73027"
            shots = REPO / "docs" / "images"
            shots.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(shots / "map-industry-gaps.png"))
            assert foreign == []
        finally:
            browser.close()


def test_report_map_figure_has_cjk_labels(tmp_path: Path) -> None:
    from matplotlib import font_manager

    from viz.geo.figure import city_map_png
    from viz.report.fonts import configure_matplotlib

    png = city_map_png({"柳州": 3, "南宁": 5}, title="机械装备：各市平台数", gap_cities=["桂林"],
                       laid_out=["柳州", "桂林"])
    assert png.startswith(b"\x89PNG") and len(png) > 20_000
    configure_matplotlib()
    import matplotlib

    family = matplotlib.rcParams["font.family"]
    names = family if isinstance(family, list) else [family]
    chosen = font_manager.findfont(font_manager.FontProperties(family=names))
    assert "CJK" in chosen or "Noto" in chosen or "WenQuanYi" in chosen, chosen


def test_report_carries_the_map(small_dataset: Any) -> None:
    """The coverage section of the report has the Guangxi map, with its gap cities named in words."""
    from queries.analyze import run_all
    from viz.report import compose_report

    run_all(small_dataset)
    report = compose_report(small_dataset, lang="zh")
    [figure] = [f for f in report.figures() if f.kind == "coverage-map"]
    assert figure.png.startswith(b"\x89PNG") and "广西" in figure.caption
    texts = [getattr(b, "text", "") for b in report.blocks]
    assert any("红色城市是重点产业的布局城市" in t and "桂林" in t for t in texts)
