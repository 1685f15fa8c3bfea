"""``platgraph export OUT``: write the whole graph back as a dataset in the ingest templates.

The portable backup: ``platgraph db reset --yes`` + ``platgraph ingest OUT`` rebuilds the same graph.
``--format`` chooses the dataset's format (csv | xlsx | jsonl); the command's own output is a table
on a terminal or JSON with ``--summary json`` (``--format`` already names the dataset format here).
"""

from __future__ import annotations

import sys
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING

import typer

from api.console import OutputFormat, console, err_console, handle_errors, print_json, print_table
from graph.i18n import current_lang, tr
from graph.store import Store

if TYPE_CHECKING:
    from rich.progress import Progress, TaskID


class DatasetFormat(StrEnum):
    csv = "csv"
    xlsx = "xlsx"
    jsonl = "jsonl"


class HeaderLang(StrEnum):
    zh = "zh"
    en = "en"


@handle_errors
def export(
    out: Path = typer.Argument(..., help="输出目录 / output folder"),
    fmt: DatasetFormat = typer.Option(DatasetFormat.csv, "--format", help="csv | xlsx | jsonl"),
    lang: HeaderLang = typer.Option(None, "--lang", help="表名与表头语言 zh | en（默认当前语言）/ file names and headers"),
    force: bool = typer.Option(False, "--force", help="覆盖目录中同名的导出文件 / replace files of the same name"),
    summary_fmt: OutputFormat = typer.Option(OutputFormat.table, "--summary", help="table | json"),
) -> None:
    """把整个图导出为导入模板格式的数据集（可再导入的备份）/ Export the graph as a re-importable dataset."""
    from ingest.export import export_dataset

    chosen_lang = lang.value if lang is not None else current_lang()
    show_progress = summary_fmt is OutputFormat.table and sys.stderr.isatty()
    from graph.locks import refuse_if_held

    with Store() as store, _Progress(show_progress) as progress:
        refuse_if_held(store)  # a dataset half written by a running ingest is no backup (exit 4)
        summary = export_dataset(store, out, fmt=fmt.value, lang=chosen_lang, force=force,
                                 on_table=progress.add, on_rows=progress.advance)
    if summary_fmt is OutputFormat.json:
        print_json(summary)
        return
    print_table(tr("已导出到 {p}", "Exported to {p}", p=summary["out"]),
                [tr("文件", "file"), tr("行数", "rows")], sorted(summary["files"].items()))
    console.print(tr("清单：{f}", "manifest: {f}", f=summary["manifest"]), highlight=False)
    if summary["warnings"]:
        err_console.print(tr("⚠ {n} 处内容重新导入后不会完全一致（详见清单）：",
                             "⚠ {n} values will not come back exactly when re-imported (see the manifest):",
                             n=summary["warnings"]), highlight=False)
        for item in summary["warning_list"][:10]:
            err_console.print("  " + tr(item["zh"], item["en"]), highlight=False)


class _Progress:
    """A Rich progress bar per table on a terminal (stderr), or nothing."""

    def __init__(self, enabled: bool) -> None:
        self.enabled = enabled
        self.bar: Progress | None = None
        self.tasks: dict[str, TaskID] = {}

    def __enter__(self) -> _Progress:
        if self.enabled:
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

            self.bar = Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                                TimeElapsedColumn(), console=err_console)
            self.bar.start()
        return self

    def __exit__(self, *exc: object) -> None:
        if self.bar is not None:
            self.bar.stop()

    def add(self, table: str, total: int) -> None:
        if self.bar is not None:
            self.tasks[table] = self.bar.add_task(tr("导出 {t}", "export {t}", t=table), total=total)

    def advance(self, table: str, n: int) -> None:
        if self.bar is not None and table in self.tasks:
            self.bar.advance(self.tasks[table], n)
