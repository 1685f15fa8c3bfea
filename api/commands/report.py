"""``platgraph report OUT``: the network report (Word or HTML, Chinese by default) from the live
graph and the latest analysis run."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path

import typer

from api.console import console, handle_errors
from graph.i18n import as_lang, set_lang, tr
from graph.store import Store


class ReportFormat(StrEnum):
    html = "html"
    docx = "docx"


class ReportLang(StrEnum):
    zh = "zh"
    en = "en"


@handle_errors
def report(
    out: Path = typer.Argument(..., help="输出文件 / output file (.html or .docx)"),
    fmt: ReportFormat = typer.Option(None, "--format", help="html | docx（默认按文件扩展名，否则 html）"),
    lang: ReportLang = typer.Option(None, "--lang", help="zh | en（默认 zh）"),
    industry: str = typer.Option(None, "--industry", help="只看一个重点产业 / one key industry only"),
    city: str = typer.Option(None, "--city", help="只看一个城市 / one city only"),
) -> None:
    """生成网络分析报告（Word / HTML）/ Write the network report (Word or HTML)."""
    from viz.report import build_report

    chosen_lang = as_lang(lang.value if lang is not None else None)
    set_lang(chosen_lang)
    chosen_fmt = fmt.value if fmt is not None else ("docx" if out.suffix.lower() == ".docx" else "html")
    with Store() as store:
        store.verify()
        with console.status(tr("正在生成报告…", "Building the report…")):
            path = build_report(store, out, fmt=chosen_fmt, lang=chosen_lang, industry=industry, city=city)
    console.print(tr("✓ 报告已写入：{p}", "✓ report written to: {p}", p=path.resolve()), soft_wrap=True)
