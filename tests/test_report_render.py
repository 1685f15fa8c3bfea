"""The HTML report renders in headless Chromium (the page image in docs/images comes from this
path): the screenshot is a real, non-blank PNG. The DOCX rendering needs LibreOffice and runs
outside the default test command (``python scripts/render_report_pages.py``)."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest
from PIL import Image

from graph.store import Store
from tests.test_report_build import small_graph  # noqa: F401 - the shared module fixture
from viz.report import build_report

REPO = Path(__file__).resolve().parent.parent


def _script():
    spec = importlib.util.spec_from_file_location("render_report_pages", REPO / "scripts" / "render_report_pages.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.browser
def test_html_report_renders_in_chromium(small_graph: Store, tmp_path: Path) -> None:  # noqa: F811
    html = build_report(small_graph, tmp_path / "report.html")
    png = _script().render_html_page(html, tmp_path / "page.png", width=1000, height=1200)
    with Image.open(png) as image:
        assert image.size == (1000, 1200)
        colours = image.convert("L").getcolors(maxcolors=1_000_000)
    assert colours is not None and len(colours) > 20  # text, chart and table, not a blank page
