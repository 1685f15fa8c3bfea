"""Regenerate the user guide's pictures of the report and the coverage heat map from the live graph.

Why a script: the pictures in docs/user-guide.md must show what the current code prints, so they are
made, never edited by hand. Run it after ``platgraph demo`` (the default sample, analysed), with the
same settings (``NEO4J_URI`` …)::

    python scripts/screenshots.py [--out docs/images] [--lang zh]

It writes
  * ``report-summary.png`` — page 1 of the HTML report as Chromium prints it (the executive summary);
  * ``report-heatmap.png`` — the report's coverage heat map figure (industry/segment × category × level);
  * ``explorer-heatmap.png`` — the explorer's default overview with a gap cell chosen and its proposal;
  * ``explorer-collaboration.png`` — the collaboration-gap layer for the first key industry.
The explorer is served from this process (uvicorn on a free local port); nothing leaves the machine.
"""

from __future__ import annotations

import argparse
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking"]


def report_pictures(out: Path, lang: str) -> None:
    from graph.store import Store
    from viz.report.build import compose_report
    from viz.report.html_writer import write_html

    with Store() as store, tempfile.TemporaryDirectory() as tmp:
        store.verify()
        report = compose_report(store, lang=lang)
        figure = next(f for f in report.figures() if f.kind == "coverage-heatmap")
        (out / "report-heatmap.png").write_bytes(figure.png)
        html = write_html(report, Path(tmp) / "report.html")
        pdf = Path(tmp) / "report.pdf"
        subprocess.run([CHROMIUM, *CHROMIUM_ARGS, f"--print-to-pdf={pdf}", "--no-pdf-header-footer",
                        html.resolve().as_uri()], check=True, capture_output=True, timeout=180)
        stem = Path(tmp) / "page"
        subprocess.run(["pdftoppm", "-png", "-r", "80", "-f", "1", "-l", "1", "-singlefile", str(pdf), str(stem)],
                       check=True, capture_output=True, timeout=60)
        (out / "report-summary.png").write_bytes(stem.with_suffix(".png").read_bytes())


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def explorer_picture(out: Path, lang: str) -> None:
    import uvicorn
    from playwright.sync_api import sync_playwright

    from api.app import create_app

    port = free_port()
    server = uvicorn.Server(uvicorn.Config(create_app(), host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if time.monotonic() > deadline:
            raise SystemExit("the API server did not start")
        time.sleep(0.1)
    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            page = browser.new_page(viewport={"width": 1500, "height": 900})
            page.goto(f"http://127.0.0.1:{port}/explore?lang={lang}")
            page.locator("#heatmap table.heat").wait_for(timeout=60_000)
            gaps = page.locator("#heatmap td.gap")
            for index in range(min(gaps.count(), 60)):  # the first gap the plan proposes a build for
                gaps.nth(index).click()
                page.locator("#details-body .proposal h4").first.wait_for(timeout=120_000)
                if page.locator("#details-body .proposal-text").count():
                    break
            page.wait_for_timeout(500)
            page.screenshot(path=str(out / "explorer-heatmap.png"))
            page.check("#layer-gap")
            industry = page.locator("#gap-industry option").nth(1).get_attribute("value")
            page.select_option("#gap-industry", industry)
            page.locator("#collab table.sector-matrix").wait_for(timeout=60_000)
            page.wait_for_function("window.explorer.state.stable", timeout=60_000)
            page.screenshot(path=str(out / "explorer-collaboration.png"))
            browser.close()
    finally:
        server.should_exit = True
        thread.join(timeout=10)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=REPO / "docs" / "images")
    parser.add_argument("--lang", choices=("zh", "en"), default="zh")
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    report_pictures(args.out, args.lang)
    explorer_picture(args.out, args.lang)
    for name in ("report-summary.png", "report-heatmap.png", "explorer-heatmap.png", "explorer-collaboration.png"):
        print(args.out / name)
    return 0


if __name__ == "__main__":
    sys.exit(main())
