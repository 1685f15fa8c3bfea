"""``platgraph ingest PATH``: load a dataset (CSV folder, XLSX workbook or JSON Lines) into Neo4j."""

from __future__ import annotations

import sys
from pathlib import Path

import typer

from api.console import OutputFormat, console, handle_errors, print_json, print_table
from graph.i18n import tr
from graph.quality import FLAGS
from graph.store import Store


@handle_errors
def ingest(
    path: Path = typer.Argument(..., help="数据集目录、XLSX 工作簿或 JSONL 文件 / dataset folder, workbook or JSONL file"),
    rejects: Path = typer.Option(None, "--rejects", help="被拒行的 CSV 文件路径 / where to write the rejects CSV"),
    fmt: OutputFormat = typer.Option(OutputFormat.table, "--format", help="table | json"),
    bulk: bool = typer.Option(None, "--bulk/--no-bulk",
                              help="空的本地库用离线导入器（默认：20 万行以上自动）/ offline importer into an empty "
                                   "local graph (default: automatic from 200,000 rows)"),
) -> None:
    """导入数据集：校验、实体消歧并写入图数据库 / Load a dataset: validate, resolve and write into the graph."""
    from ingest.pipeline import ingest_dataset

    show_progress = fmt is OutputFormat.table and sys.stdout.isatty()
    with Store() as store:
        summary = ingest_dataset(store, path, rejects_path=rejects, progress=show_progress, bulk=bulk)
    if fmt is OutputFormat.json:
        print_json(summary)
        return
    rows = [(source, f["read"], f["loaded"], f["rejected"]) for source, f in summary["per_file"].items()]
    rows.append((tr("合计", "total"), summary["read"], summary["read"] - summary["rejected"], summary["rejected"]))
    print_table(tr("导入完成（运行 {run}）", "Ingest done (run {run})", run=summary["run"]),
                [tr("文件", "file"), tr("读取", "read"), tr("导入", "loaded"), tr("拒绝", "rejected")], rows)
    print_table(tr("写入图数据库", "Written to the graph"), [tr("标签/关系", "label/type"), tr("数量", "count")],
                sorted(summary["loaded"].items()))
    if summary.get("write_path") == "bulk":
        console.print(tr("写入方式：离线批量导入（数据库短暂关闭后已重新打开）",
                         "written with the offline importer (the database was closed briefly and is open again)"),
                      highlight=False)
    console.print(tr("被拒行：{f}", "rejected rows: {f}", f=summary["rejects_file"]), highlight=False)
    if summary["ambiguities_file"]:
        console.print(tr("待人工确认的相似名称（{n} 条）：{f}", "ambiguous or similar names to check ({n}): {f}",
                         n=summary["ambiguities"], f=summary["ambiguities_file"]), highlight=False)
    if summary.get("quality"):
        labels = {code: tr(zh, en) for code, (zh, en, _az, _ae) in FLAGS.items()}
        labels["institutions_created"] = tr("由平台清单创建的单位", "institutions created from the platform list")
        print_table(tr("已导入但需完善（platgraph quality 查看明细）", "Loaded but incomplete (details: platgraph quality)"),
                    [tr("问题", "issue"), tr("数量", "count")],
                    [(labels.get(code, code), n) for code, n in summary["quality"].items()])
    inferred = summary.get("inferred_industries") or {}
    if inferred.get("platforms"):
        via = inferred.get("via", {})
        console.print(tr("未填服务产业、产业为推断的平台：{p} 个（名称 {n}、研究方向 {f}、依托单位 {h} 条）",
                         "platforms without 服务产业 given inferred industries: {p} (name {n}, fields {f}, host {h})",
                         p=inferred["platforms"], n=via.get("name", 0), f=via.get("fields", 0),
                         h=via.get("host", 0)), highlight=False)
    if summary["interrupted_runs"]:
        console.print(tr("此前中断的导入已标记为 interrupted（本次导入已补齐其数据）：{r}",
                         "earlier interrupted ingests marked 'interrupted' (this ingest completed their data): {r}",
                         r=", ".join(summary["interrupted_runs"])), highlight=False)
    if summary["ignored"]:
        console.print(tr("未识别、已跳过：{f}", "not recognised, skipped: {f}", f=", ".join(summary["ignored"])),
                      highlight=False)
