"""The printed report on the default sample (2,000 platforms): at most 30 A4 pages, and no table
column narrower than four characters — for the HTML printed by Chromium and the DOCX converted by
LibreOffice, in Chinese and in English.

Why measured on the printed output: a report that reads well on screen printed to 110 pages, with
name columns one character wide. The page count comes from the PDFs (``pdfinfo``). The column
check reads the widths the writers set: the DOCX table grid against the table font size, and the
HTML columns as Chromium lays them out for print (print media, the page's text width) against the
computed font size.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from docx import Document
from docx.shared import Pt

from graph.store import Store
from tests.conftest import GraphState
from viz.report import build_report
from viz.report.layout import MARGIN_CM, MIN_CHARS, PAGE_CM

MAX_PAGES = 30
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking"]
CM_PX = 96 / 2.54
TWIP_EMU = 635
WORD_CELL_MARGIN_TWIPS = 108  # Word's default left and right cell margin (0.19 cm)

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def default_sample(graph_state: GraphState, sample_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Store:
    """The default sample, ingested and analysed (as ``platgraph demo`` leaves it)."""
    from ingest.pipeline import ingest_dataset
    from queries.analyze import run_all

    rejects = tmp_path_factory.mktemp("rejects") / "rejects.csv"

    def build(store: Store) -> Store:
        ingest_dataset(store, sample_dir, rejects_path=rejects)
        run_all(store)
        return store

    return graph_state.use("report-pages", build)


def pdf_pages(pdf: Path) -> int:
    info = subprocess.run(["pdfinfo", str(pdf)], check=True, capture_output=True, text=True).stdout
    return int(re.search(r"^Pages:\s+(\d+)", info, re.M).group(1))


def html_to_pdf(html: Path) -> Path:
    pdf = html.with_suffix(".html.pdf")
    subprocess.run([CHROMIUM, *CHROMIUM_ARGS, f"--print-to-pdf={pdf}", "--no-pdf-header-footer", html.as_uri()],
                   check=True, capture_output=True, timeout=180)
    return pdf


def docx_to_pdf(docx: Path) -> Path:
    office = shutil.which("soffice")
    assert office, "LibreOffice is missing: apt-get install libreoffice-writer-nogui (scripts/setup.sh)"
    profile = docx.parent / "lo-profile"
    subprocess.run([office, f"-env:UserInstallation={profile.as_uri()}", "--headless", "--convert-to", "pdf",
                    "--outdir", str(docx.parent), str(docx)], check=True, capture_output=True, timeout=300)
    return docx.with_suffix(".pdf")


def docx_narrow_columns(docx: Path) -> list[tuple[int, int, float]]:
    """(table, column, characters) for every DOCX column whose text width is under four characters
    of the font its cells are set in."""
    narrow = []
    for t_index, table in enumerate(Document(str(docx)).tables):
        sizes = [r.font.size for row in table.rows for c in row.cells for p in c.paragraphs for r in p.runs
                 if r.font.size]
        font = max(sizes) if sizes else Pt(10.5)
        for c_index, col in enumerate(table._tbl.tblGrid.gridCol_lst):
            chars = (col.w - 2 * WORD_CELL_MARGIN_TWIPS * TWIP_EMU) / font
            if chars < MIN_CHARS:
                narrow.append((t_index, c_index, round(chars, 2)))
    return narrow


COLUMN_WIDTHS_JS = """(landscape) => {
  const out = [];
  document.querySelectorAll('table').forEach(t => {
    if (!!t.closest('.landscape') !== landscape) return;
    const body = t.querySelector('tbody td') || t.querySelector('th');
    const font = parseFloat(getComputedStyle(body).fontSize);
    t.querySelectorAll('thead th').forEach((th, i) => {
      const cs = getComputedStyle(th);
      const inner = th.getBoundingClientRect().width - parseFloat(cs.paddingLeft) - parseFloat(cs.paddingRight)
                    - parseFloat(cs.borderLeftWidth) - parseFloat(cs.borderRightWidth);
      out.push([t.dataset.kind, i, inner / font]);
    });
  });
  return out;
}"""


def html_narrow_columns(browser: Any, html: Path) -> list[tuple[str, int, float]]:
    """Columns under four characters when Chromium lays the report out for print: portrait pages at
    the portrait text width, the landscape ones at the landscape text width."""
    narrow = []
    for landscape in (False, True):
        width_cm = (PAGE_CM[1] if landscape else PAGE_CM[0]) - 2 * MARGIN_CM
        page = browser.new_page(viewport={"width": int(width_cm * CM_PX), "height": 1000})
        page.emulate_media(media="print")
        page.goto(html.as_uri())
        narrow += [(k, i, round(c, 2)) for k, i, c in page.evaluate(COLUMN_WIDTHS_JS, landscape) if c < MIN_CHARS]
        page.close()
    return narrow


@pytest.fixture(scope="module")
def browser() -> Any:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_printed_report_fits_30_pages_with_legible_columns(default_sample: Store, browser: Any, tmp_path: Path,
                                                           lang: str) -> None:
    html = build_report(default_sample, tmp_path / f"report-{lang}.html", fmt="html", lang=lang)
    docx = build_report(default_sample, tmp_path / f"report-{lang}.docx", fmt="docx", lang=lang)

    assert docx_narrow_columns(docx) == []
    assert html_narrow_columns(browser, html.resolve()) == []
    html_pages, docx_pages = pdf_pages(html_to_pdf(html.resolve())), pdf_pages(docx_to_pdf(docx))
    assert html_pages <= MAX_PAGES, f"HTML prints to {html_pages} pages"
    assert docx_pages <= MAX_PAGES, f"DOCX prints to {docx_pages} pages"
    assert html_pages >= 10 and docx_pages >= 10  # the whole report printed, not an error page
