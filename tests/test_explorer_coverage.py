"""The explorer's coverage heat map (the default overview) and collaboration-gap layer in headless
Chromium, on a generated sample that has been ingested and analysed (so coverage gaps, the plan's
build batch and the collaboration gaps all exist). Every expected value is read from the API the
page uses, so the test checks that the page shows what the analyses say, not numbers typed here.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from graph.store import Store
from tests.conftest import GraphState
from tests.test_explorer_browser import (  # noqa: F401  (browser: a fixture)
    VIEWPORT,
    Recorder,
    ServerThread,
    browser,
    free_port,
    wait_stable,
)

pytestmark = pytest.mark.browser
SAMPLE_PLATFORMS = 300


@pytest.fixture(scope="module")
def analysed_sample(graph_state: GraphState, tmp_path_factory: pytest.TempPathFactory) -> Store:
    from ingest.pipeline import ingest_dataset
    from ingest.sample import generate_sample
    from queries.analyze import run_all

    out: Path = tmp_path_factory.mktemp("sample")
    generate_sample(out, platforms=SAMPLE_PLATFORMS, seed=7)

    def build(store: Store) -> Store:
        ingest_dataset(store, out, rejects_path=out / "rejects.csv")
        run_all(store)
        return store

    return graph_state.use("explorer-coverage", build)


@pytest.fixture(scope="module")
def server(analysed_sample: Store, settings: Any) -> Iterator[ServerThread]:
    from api.app import create_app

    with ServerThread(create_app(settings), free_port()) as running:
        yield running


@pytest.fixture
def page(browser: Any, server: ServerThread) -> Iterator[tuple[Any, Recorder]]:  # noqa: F811
    context = browser.new_context(viewport=VIEWPORT)
    pg = context.new_page()
    recorder = Recorder(pg)
    yield pg, recorder
    context.close()
    recorder.assert_local(server.url)


def api(pg: Any, path: str) -> Any:
    return pg.evaluate("(p) => fetch('/api/v1' + p).then(r => r.json())", path)


def test_heatmap_overview_cells_and_a_gap_proposal(page: tuple[Any, Recorder], server: ServerThread) -> None:
    pg, _ = page
    pg.goto(f"{server.url}/explore")
    pg.locator("#heatmap table.heat").wait_for(timeout=30_000)
    assert pg.locator("#heatmap").is_visible()  # the default overview
    grid, build_batch = api(pg, "/graph/heatmap"), api(pg, "/plan?batch=build&limit=500")
    assert pg.locator("#heatmap th.name").count() == len(grid["rows"])

    # a covered cell: its number is the coverage count and a click lists exactly those platforms
    row, key = next((r, k) for r in grid["rows"] for k, n in sorted(r["counts"].items(), key=lambda kv: -kv[1])
                    if n and r["level"] == "industry")
    category, level = key.split("|")
    selector = f"#heatmap td[data-industry='{row['industry']}'][data-category='{category}'][data-level='{level}']"
    assert pg.locator(selector).inner_text() == str(row["counts"][key])
    pg.locator(selector).click()
    items = pg.locator("#details-body ul.cell-platforms li")
    items.nth(row["counts"][key] - 1).wait_for(timeout=10_000)
    assert items.count() == row["counts"][key]

    # a gap cell with a build item in the plan: red, and its proposal and candidate hosts are shown
    proposals = {(b["industry"], b["kind"], b["value"]): b for b in build_batch["items"]}
    gap_row, gap_key, gap = next((r, k, g) for r in grid["rows"] for k, g in r["gaps"].items()
                                 if (g["industry"], g["kind"], g["value"]) in proposals)
    build = proposals[(gap["industry"], gap["kind"], gap["value"])]
    category, level = gap_key.split("|")
    cell = pg.locator(f"#heatmap td[data-industry='{gap_row['industry']}'][data-category='{category}']"
                      f"[data-level='{level}']")
    assert "gap" in cell.get_attribute("class")
    assert cell.evaluate("e => getComputedStyle(e).backgroundColor") == "rgb(214, 39, 40)"  # red
    cell.click()
    pg.locator("#details-body .proposal-text").wait_for(timeout=30_000)
    details = pg.locator("#details-body").inner_text()
    assert "覆盖缺口" in details and gap["missing"] in details
    assert build["suggested_type"] in pg.locator("#details-body .proposal-text").inner_text()
    hosts = pg.locator("#details-body ul.hosts li").all_inner_texts()
    assert [h.split("：")[0] for h in hosts] == [h["name"] for h in build["candidate_hosts"]]

    pg.click("#btn-overview")  # the aggregated web is still one click away
    assert pg.locator("#heatmap").is_hidden()
    assert set(pg.evaluate("window.explorer.nodes.get().map(n => n.kind)")) == {"Industry", "Category", "City"}
    pg.click("#btn-heatmap")
    assert pg.locator("#heatmap").is_visible()


def test_collaboration_layer_marks_missing_pairs_and_single_sector_platforms(page: tuple[Any, Recorder],
                                                                             server: ServerThread) -> None:
    pg, _ = page
    pg.goto(f"{server.url}/explore")
    pg.locator("#heatmap table.heat").wait_for(timeout=30_000)
    everything = api(pg, "/gaps?limit=500")
    entry = next((e for e in everything["industries"] if e["missing_pairs"]), everything["industries"][0])
    industry = entry["industry"]
    expected = pg.evaluate("(i) => fetch('/api/v1/gaps?limit=100&industry=' + encodeURIComponent(i))"
                           ".then(r => r.json())", industry)
    pg.locator(f"#gap-industry option[value='{industry}']").wait_for(state="attached", timeout=10_000)
    pg.select_option("#gap-industry", industry)
    pg.locator("#collab table.sector-matrix").wait_for(timeout=20_000)
    wait_stable(pg, f"window.explorer.state.view && window.explorer.nodes.get().some(n => n.id === '{industry}')")
    assert pg.locator("#heatmap").is_hidden() and pg.is_checked("#layer-gap")

    shown = expected["industries"][0]
    ties = {tuple(sorted(p["sectors"])): p["ties"] for p in shown["pairs"]}
    missing = {tuple(sorted(m["sectors"])) for m in shown["missing_pairs"]}
    sectors = ["industry", "academia", "research", "user"]
    never = {(a, b) for i, a in enumerate(sectors) for b in sectors[i + 1:]
             if tuple(sorted((a, b))) in missing or not ties.get(tuple(sorted((a, b))))}
    assert pg.locator("#collab td.never").count() == 2 * len(never)  # both halves of the matrix
    singles = pg.locator("#collab ul.singles li").all_inner_texts()
    assert [s.split("（")[0] for s in singles] == [p["name"] for p in expected["single_sector_platforms"]]
    drawn_singles = pg.evaluate(
        "window.explorer.nodes.get().filter(n => n.kind === 'Platform' && (n.properties || {}).single_sector === true)"
        ".map(n => n.id).sort()")
    assert drawn_singles == pg.evaluate("window.explorer.highlighted('Platform')")  # every one is ringed
