"""The HTML version: one self-contained file for screens — CSS inline, every figure inlined as a
base64 PNG, no script and no external URL, so it opens on an air-gapped network and can be mailed.

Every piece of text is HTML-escaped (data is untrusted); table cells are also neutralised against
spreadsheet formulas (:func:`viz.report.model.safe_text`), since people copy tables into Excel.
"""

from __future__ import annotations

import base64
from html import escape
from pathlib import Path

from viz.report.model import Figure, Heading, Paragraph, Report, Table, clean_report

CSS = """
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
"""


def _cell(value: object, text: str) -> str:
    numeric = isinstance(value, int | float) and not isinstance(value, bool)
    return f'<td class="num">{escape(text)}</td>' if numeric else f"<td>{escape(text)}</td>"


def render_html(report: Report) -> str:
    parts: list[str] = []
    toc: list[str] = []
    for block in report.blocks:
        if isinstance(block, Heading):
            tag = "h2" if block.level == 1 else "h3"
            anchor = f' id="{escape(block.anchor)}"' if block.anchor else ""
            if block.level == 1 and block.anchor:
                toc.append(f'<li><a href="#{escape(block.anchor)}">{escape(block.text)}</a></li>')
            section = f'<section data-section="{escape(block.anchor)}">' if block.level == 1 else ""
            if block.level == 1 and parts:
                parts.append("</section>")
            parts.append(f"{section}<{tag}{anchor}>{escape(block.text)}</{tag}>")
        elif isinstance(block, Paragraph):
            cls = ' class="note"' if block.note else ""
            parts.append(f"<p{cls}>{escape(block.text)}</p>")
        elif isinstance(block, Table):
            head = "".join(f"<th>{escape(c)}</th>" for c in block.columns)
            body = "".join(
                "<tr>" + "".join(_cell(v, t) for v, t in zip(row, texts, strict=True)) + "</tr>"
                for row, texts in zip(block.rows, block.text_rows(), strict=True)
            )
            if not block.rows:
                body = f'<tr><td colspan="{len(block.columns)}">—</td></tr>'
            parts.append(f'<div class="table-wrap"><table data-kind="{escape(block.kind)}">'
                         f"<caption>{escape(block.caption)}</caption><thead><tr>{head}</tr></thead>"
                         f"<tbody>{body}</tbody></table></div>")
        elif isinstance(block, Figure):
            data = base64.b64encode(block.png).decode("ascii")
            parts.append(f'<figure data-kind="{escape(block.kind)}"><img alt="{escape(block.caption)}" '
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
