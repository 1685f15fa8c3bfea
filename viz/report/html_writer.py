"""The HTML version: one self-contained file for screens — CSS inline, every figure inlined as a
base64 PNG, no script and no external URL, so it opens on an air-gapped network and can be mailed.

Every piece of text is HTML-escaped (data is untrusted); table cells are also neutralised against
spreadsheet formulas (:func:`viz.report.model.safe_text`), since people copy tables into Excel.
"""

from __future__ import annotations

import base64
from html import escape
from pathlib import Path

from viz.report.layout import CELL_PAD_CM, MARGIN_CM, TABLE_FONT_PT, column_widths, usable_cm
from viz.report.model import Figure, Heading, Layout, Paragraph, Report, Table, clean_report

CSS_TEMPLATE = """
body { font-family: "Noto Sans CJK SC", "Source Han Sans SC", "Microsoft YaHei", "PingFang SC",
       "WenQuanYi Micro Hei", sans-serif; margin: 0; color: #1d1d1f; background: #f5f5f7; }
main { max-width: 1100px; margin: 0 auto; padding: 24px 32px 64px; background: #fff; }
header h1 { font-size: 26px; margin: 8px 0 4px; }
header p { color: #555; margin: 0 0 16px; }
nav { border: 1px solid #ddd; padding: 8px 16px; margin-bottom: 16px; background: #fafafa; }
nav ol { margin: 4px 0; }
h2 { font-size: 21px; border-bottom: 2px solid #b8342c; padding-bottom: 4px; margin-top: 36px; }
h3 { font-size: 17px; margin-top: 24px; }
p.note { font-size: 13px; color: #444; }
figure { margin: 16px 0; text-align: center; }
figure img { max-width: 100%; height: auto; }
figcaption, caption { font-size: 13px; color: #333; padding: 6px 0; font-weight: bold; }
.table-wrap { overflow-x: auto; margin: 12px 0; }
table { border-collapse: collapse; width: 100%; font-size: 13px; }
th, td { border: 1px solid #ccc; padding: 4px 6px; vertical-align: top; text-align: left; }
th { background: #eef2f7; }
td.num { text-align: right; white-space: nowrap; }
tr:nth-child(even) td { background: #fafafa; }
table.fixed { table-layout: fixed; }
/* No overflow-wrap on cells: with it Chromium leaves landscape pages half empty when printing. */
/* Print (Chromium "Save as PDF", --print-to-pdf): A4, the same margins, fonts and fixed column widths
   as the Word version; wide tables on landscape pages (a named page). */
@page { size: A4 portrait; margin: @MARGIN@cm; }
@page wide { size: A4 landscape; margin: @MARGIN@cm; }
@media print {
  body { background: #fff; }
  main { max-width: none; padding: 0; }
  nav { display: none; }
  .landscape { page: wide; }
  header h1 { font-size: 20pt; }
  h2 { font-size: 15pt; margin-top: 14pt; break-after: avoid; }
  h3 { font-size: 12pt; margin-top: 10pt; break-after: avoid; }
  p { font-size: 10.5pt; margin: 4pt 0; }
  p.note { font-size: 9pt; }
  .table-wrap { overflow: visible; margin: 6pt 0; }
  table { font-size: @FONT@pt; }
  th, td { padding: 1pt @PAD@cm; }
  thead { display: table-header-group; }
  figure { break-inside: avoid; margin: 6pt 0; }
  figcaption, caption { font-size: 9pt; }
}
"""
CSS = (CSS_TEMPLATE.replace("@MARGIN@", str(MARGIN_CM)).replace("@FONT@", str(TABLE_FONT_PT))
       .replace("@PAD@", f"{CELL_PAD_CM / 2:.2f}"))


def _cell(value: object, text: str) -> str:
    numeric = isinstance(value, int | float) and not isinstance(value, bool)
    return f'<td class="num">{escape(text)}</td>' if numeric else f"<td>{escape(text)}</td>"


def _colgroup(block: Table, landscape: bool) -> str:
    """Fixed column widths as percentages of the printed text width (the same as the Word version)."""
    widths = column_widths(block, usable_cm(landscape))
    total = sum(widths)
    return "<colgroup>" + "".join(f'<col style="width:{100 * w / total:.2f}%">' for w in widths) + "</colgroup>"


def _table_html(block: Table, landscape: bool) -> str:
    head = "".join(f"<th>{escape(c)}</th>" for c in block.columns)
    body = "".join(
        "<tr>" + "".join(_cell(v, t) for v, t in zip(row, texts, strict=True)) + "</tr>"
        for row, texts in zip(block.rows, block.text_rows(), strict=True)
    )
    if not block.rows:
        body = f'<tr><td colspan="{len(block.columns)}">—</td></tr>'
    return (f'<div class="table-wrap"><table class="fixed" data-kind="{escape(block.kind)}">'
            f"<caption>{escape(block.caption)}</caption>{_colgroup(block, landscape)}"
            f"<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table></div>")


def render_html(report: Report) -> str:
    parts: list[str] = []
    toc: list[str] = []
    landscape = False

    def emit(html: str) -> None:
        # Each element on a landscape page carries the class (a CSS named page): consecutive ones
        # share pages, and the page changes where the orientation does.
        parts.append(f'<div class="landscape">{html}</div>' if landscape else html)

    for block in report.blocks:
        if isinstance(block, Layout):
            landscape = block.landscape
        elif isinstance(block, Heading):
            tag = "h2" if block.level == 1 else "h3"
            anchor = f' id="{escape(block.anchor)}"' if block.anchor else ""
            if block.level == 1:
                if block.anchor:
                    toc.append(f'<li><a href="#{escape(block.anchor)}">{escape(block.text)}</a></li>')
                if parts:
                    parts.append("</section>")
                parts.append(f'<section data-section="{escape(block.anchor)}">')
            emit(f"<{tag}{anchor}>{escape(block.text)}</{tag}>")
        elif isinstance(block, Paragraph):
            cls = ' class="note"' if block.note else ""
            emit(f"<p{cls}>{escape(block.text)}</p>")
        elif isinstance(block, Table):
            emit(_table_html(block, landscape))
        elif isinstance(block, Figure):
            data = base64.b64encode(block.png).decode("ascii")
            emit(f'<figure data-kind="{escape(block.kind)}"><img alt="{escape(block.caption)}" '
                 f'style="width:{block.width_cm:g}cm" '
                 f'src="data:image/png;base64,{data}"><figcaption>{escape(block.caption)}</figcaption></figure>')
    if parts:
        parts.append("</section>")
    lang = "en" if report.lang == "en" else "zh-CN"
    contents = "目录" if report.lang == "zh" else "Contents"
    return (
        f'<!DOCTYPE html>\n<html lang="{lang}">\n<head>\n<meta charset="utf-8">\n'
        f'<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{escape(report.title)}</title>\n<style>{CSS}</style>\n</head>\n<body>\n<main>\n"
        f"<header><h1>{escape(report.title)}</h1><p>{escape(report.subtitle)}</p></header>\n"
        f"<nav><strong>{contents}</strong><ol>{''.join(toc)}</ol></nav>\n"
        + "\n".join(parts) + "\n</main>\n</body>\n</html>\n"
    )


def write_html(report: Report, out_path: Path) -> Path:
    out_path.write_text(render_html(clean_report(report)), encoding="utf-8")
    return out_path
