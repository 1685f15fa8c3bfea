"""The explorer in headless Chromium, served by ``api.app.create_app()`` against the real test Neo4j.

Each test records every console message and every request: the page must log no errors and never
ask anything of a host other than the local server (the offline promise). Screenshots of the
states tested go to ``docs/images/explorer-*.png`` for the user guide.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import uvicorn
from playwright import sync_api as playwright_api

from tests.conftest import REPO, GraphState
from tests.viz_fixtures import GROUP_KEY, load_small_graph

pytestmark = pytest.mark.browser

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
IMAGES = REPO / "docs" / "images"
VIEWPORT = {"width": 1400, "height": 850}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class ServerThread:
    """uvicorn in a background thread, stopped through ``should_exit``."""

    def __init__(self, app: Any, port: int) -> None:
        self.server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
        self.thread = threading.Thread(target=self.server.run, daemon=True)
        self.url = f"http://127.0.0.1:{port}"

    def __enter__(self) -> ServerThread:
        self.thread.start()
        deadline = time.monotonic() + 20
        while not self.server.started:
            if time.monotonic() > deadline or not self.thread.is_alive():
                raise RuntimeError("uvicorn did not start")
            time.sleep(0.05)
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)


@pytest.fixture(scope="module")
def explorer_graph(graph_state: GraphState) -> Any:
    """The small hand-checked graph (reference data + platforms, people, an overlap group, gaps)."""
    graph_state.use("explorer-small", load_small_graph)
    store = graph_state.store
    return store


@pytest.fixture(scope="module")
def server(explorer_graph: Any, settings: Any) -> Iterator[ServerThread]:
    from api.app import create_app

    with ServerThread(create_app(settings), free_port()) as running:
        yield running


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: apt-get install -y chromium (CI installs it)")
    with playwright_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield b
        b.close()


class Recorder:
    """Console errors, page errors and every request URL of one page."""

    def __init__(self, page: Any) -> None:
        self.errors: list[str] = []
        self.requests: list[str] = []
        page.on("console", lambda m: self.errors.append(m.text) if m.type in ("error", "warning") else None)
        page.on("pageerror", lambda e: self.errors.append(str(e)))
        page.on("request", lambda r: self.requests.append(r.url))

    def assert_local(self, origin: str) -> None:
        foreign = [u for u in self.requests if not (u.startswith(origin + "/") or u.startswith(("data:", "blob:")))]
        assert foreign == [], f"requests left {origin}: {foreign}"
        assert self.errors == [], f"console errors: {self.errors}"


@pytest.fixture
def page(browser: Any, server: ServerThread) -> Iterator[tuple[Any, Recorder]]:
    context = browser.new_context(viewport=VIEWPORT, accept_downloads=True)
    pg = context.new_page()
    recorder = Recorder(pg)
    yield pg, recorder
    context.close()
    recorder.assert_local(server.url)


def wait_stable(pg: Any, extra: str = "true") -> None:
    pg.wait_for_function(f"window.explorer && window.explorer.state.stable && ({extra})", timeout=20_000)


def open_explorer(pg: Any, server: ServerThread, query: str = "") -> None:
    pg.goto(f"{server.url}/explore{query}")
    wait_stable(pg)


def shot(pg: Any, name: str) -> None:
    IMAGES.mkdir(parents=True, exist_ok=True)
    pg.screenshot(path=str(IMAGES / f"explorer-{name}.png"))


def node_ids(pg: Any, kind: str | None = None) -> set[str]:
    return set(pg.evaluate("(k) => window.explorer.nodes.get().filter(n => !k || n.kind === k).map(n => n.id)", kind))


def test_page_loads_with_overview_and_no_foreign_requests(page: tuple[Any, Recorder], server: ServerThread) -> None:
    pg, rec = page
    open_explorer(pg, server)
    assert pg.title().startswith("科技创新平台图谱浏览器")
    # the overview aggregates: industries, categories, cities — never platforms
    kinds = set(pg.evaluate("window.explorer.nodes.get().map(n => n.kind)"))
    assert kinds == {"Industry", "Category", "City"}
    assert {"机械装备", "蔗糖"} <= node_ids(pg, "Industry")
    assert pg.evaluate("window.explorer.network().physics.physicsEnabled") is False  # settled, not moving
    assert any(u.endswith("/explore/static/vendor/vis-network/vis-network.min.js") for u in rec.requests)
    shot(pg, "overview")


def test_search_finds_platform_and_shows_details(page: tuple[Any, Recorder], server: ServerThread) -> None:
    pg, _ = page
    open_explorer(pg, server)
    pg.fill("#search", "工程研究中心")
    option = pg.locator("#suggestions li[role=option]", has_text="广西工程机械工程研究中心")
    option.wait_for(timeout=10_000)
    shot(pg, "search")
    option.click()
    wait_stable(pg, "window.explorer.state.view && window.explorer.state.view.center === 'P001'")
    assert {"P001", "P002"} <= node_ids(pg, "Platform")
    details = pg.locator("#details-body").inner_text()
    assert "广西工程机械工程研究中心" in details and "良好" in details  # evaluation shown
    assert "同一依托单位" in details  # overlap reason


def test_double_click_expands_host_and_people(page: tuple[Any, Recorder], server: ServerThread) -> None:
    pg, _ = page
    open_explorer(pg, server, "?around=液压")  # a topic: only P001 hangs off it
    assert node_ids(pg) == {"液压", "P001"}
    point = pg.evaluate(
        "() => { const n = window.explorer.network(); const p = n.getPositions(['P001']).P001;"
        " return n.canvasToDOM(p); }"
    )
    box = pg.locator("#graph").bounding_box()
    pg.mouse.dblclick(box["x"] + point["x"], box["y"] + point["y"])
    wait_stable(pg, "window.explorer.nodes.get('R001') !== null")
    assert "广西柳工机械股份有限公司" in node_ids(pg, "Institution")
    assert {"R001", "R002"} <= node_ids(pg, "Researcher")
    hosted = pg.evaluate("window.explorer.edges.get().filter(e => e.type === 'HOSTED_BY').map(e => [e.from, e.to])")
    assert ["P001", "广西柳工机械股份有限公司"] in hosted
    assert "液压" in node_ids(pg)  # expansion adds to the view, it does not replace it
    assert pg.evaluate("window.explorer.network().physics.physicsEnabled") is False  # settled again
    shot(pg, "expand")


def test_overlap_layer_highlights_group(page: tuple[Any, Recorder], server: ServerThread) -> None:
    pg, _ = page
    open_explorer(pg, server)
    pg.check("#layer-overlap")
    pg.locator(f"#overlap-groups option[value='{GROUP_KEY}']").wait_for(state="attached", timeout=10_000)
    pg.select_option("#overlap-groups", GROUP_KEY)
    wait_stable(pg, f"window.explorer.state.focusGroup === '{GROUP_KEY}'")
    assert pg.evaluate("window.explorer.highlighted('Platform')") == ["P001", "P002"]
    assert pg.evaluate("window.explorer.highlighted('OverlapGroup')") == [GROUP_KEY]
    width = pg.evaluate("window.explorer.nodes.get('P001').borderWidth")
    assert width > 1
    assert "广西大学" not in pg.evaluate("window.explorer.highlighted()")  # not a member: not highlighted
    pg.uncheck("#layer-overlap")
    assert pg.evaluate("window.explorer.highlighted()") == []
    pg.check("#layer-overlap")
    shot(pg, "overlap")


def test_gap_layer_marks_single_sector_platform_and_broker(page: tuple[Any, Recorder], server: ServerThread) -> None:
    pg, _ = page
    open_explorer(pg, server, "?around=P003")
    pg.check("#layer-gap")
    pg.locator("#gap-platforms option[value='P003']").wait_for(state="attached", timeout=10_000)
    assert pg.evaluate("window.explorer.highlighted()") == ["P003", "广西大学"]


def test_filters_hide_platforms(page: tuple[Any, Recorder], server: ServerThread) -> None:
    pg, _ = page
    open_explorer(pg, server, "?around=柳州")  # P001 and P002, the industries laid out in 柳州
    before = pg.evaluate("window.explorer.visibleCount()")
    assert {"P001", "P002"} <= node_ids(pg, "Platform")
    pg.select_option("#filters select[data-filter=type]", "工程研究中心")
    assert pg.evaluate("window.explorer.visibleCount()") == before - 1  # P002 (技术创新中心) hidden
    pg.select_option("#filters select[data-filter=type]", "")
    pg.select_option("#filters select[data-filter=industry]", "工程机械整机")
    assert pg.evaluate("window.explorer.visibleCount()") == before - 1  # P002 serves 机械装备 itself
    pg.select_option("#filters select[data-filter=industry]", "机械装备")
    assert pg.evaluate("window.explorer.visibleCount()") == before  # a segment counts for its industry


def test_english_switch(page: tuple[Any, Recorder], server: ServerThread) -> None:
    pg, _ = page
    open_explorer(pg, server)
    pg.click("#btn-lang")
    assert pg.locator("#btn-overview").inner_text() == "Industry overview"
    labels = pg.evaluate("window.explorer.nodes.get().map(n => n.label)")
    assert "Liuzhou" in labels and "Machinery and equipment" in labels
    pg.click("#btn-lang")
    assert pg.locator("#btn-overview").inner_text() == "产业总览"


def test_png_export(page: tuple[Any, Recorder], server: ServerThread) -> None:
    pg, _ = page
    open_explorer(pg, server, "?around=P001")
    with pg.expect_download() as info:
        pg.click("#btn-png")
    path = info.value.path()
    data = Path(path).read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 10_000


def open_offline(browser: Any, file: Path, name: str) -> dict[str, Any]:
    """Open an exported file with every non-file request aborted; report what it tried to load."""
    context = browser.new_context(viewport=VIEWPORT)
    attempted: list[str] = []
    errors: list[str] = []

    def block(route: Any) -> None:
        if route.request.url.startswith("file://"):
            route.continue_()
        else:
            attempted.append(route.request.url)
            route.abort()

    context.route("**/*", block)
    pg = context.new_page()
    pg.on("request", lambda r: None if r.url.startswith(("file://", "data:")) else attempted.append(r.url))
    pg.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    pg.on("pageerror", lambda e: errors.append(str(e)))
    pg.goto(file.resolve().as_uri())
    pg.wait_for_function("window.platgraphExport && window.platgraphExport.stable", timeout=20_000)
    result = {"canvas": pg.locator("#mynetwork canvas").count(), "nodes": pg.evaluate("window.platgraphExport.nodes"),
              "legend": pg.locator("#legend").inner_text(), "attempted": attempted, "errors": errors}
    pg.screenshot(path=str(IMAGES / f"explorer-{name}.png"))
    context.close()
    return result


def test_html_export_of_current_view_opens_offline(page: tuple[Any, Recorder], server: ServerThread,
                                                   browser: Any, tmp_path: Path) -> None:
    pg, _ = page
    open_explorer(pg, server, "?around=P001")
    shown = len(node_ids(pg))
    with pg.expect_download() as info:
        pg.click("#btn-html")
    file = tmp_path / "view.html"
    info.value.save_as(str(file))
    html = file.read_text(encoding="utf-8")
    assert "广西工程机械工程研究中心" in html  # Chinese labels as characters, not escapes
    result = open_offline(browser, file, "export")
    assert result["canvas"] == 1 and result["nodes"] == shown
    assert result["attempted"] == [] and result["errors"] == []
    assert "平台：技术创新与成果转化" in result["legend"]


def test_cli_export_opens_offline(explorer_graph: Any, browser: Any, tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from api.cli import app

    out = tmp_path / "group.html"
    res = CliRunner().invoke(app, ["viz", str(out), "--overlap-group", GROUP_KEY])
    assert res.exit_code == 0, res.output
    result = open_offline(browser, out, "export-group")
    assert result["canvas"] == 1 and result["nodes"] >= 3
    assert result["attempted"] == [] and result["errors"] == []
    assert "重叠组" in result["legend"]

