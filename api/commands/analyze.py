"""``platgraph analyze``: run all analyses and write their results back into Neo4j."""

from __future__ import annotations

import typer

from api.console import OutputFormat, console, handle_errors, print_json, print_table
from graph.i18n import tr
from graph.store import Store

STEP_NAMES = {
    "overlap": ("交叉重复识别", "overlap detection"),
    "collaboration": ("产学研用协同缺口", "collaboration gaps"),
    "coverage": ("重点产业覆盖", "industry coverage"),
}


@handle_errors
def analyze(fmt: OutputFormat = typer.Option(OutputFormat.table, "--format", help="table | json")) -> None:
    """运行全部分析并写回图数据库 / Run every analysis and write the results back into the graph."""
    from queries.analyze import run_all

    with Store() as store:
        store.verify()
        if fmt is OutputFormat.json:
            summary = run_all(store)
        else:
            with console.status(tr("正在分析…", "Analysing…")) as status:
                summary = run_all(store, on_step=lambda name: status.update(
                    tr("正在分析：{s}", "Analysing: {s}", s=tr(*STEP_NAMES.get(name, (name, name))))))
    if fmt is OutputFormat.json:
        print_json(summary)
        return
    rows = []
    for name, (zh, en) in STEP_NAMES.items():
        result = summary.get(name, {})
        details = ", ".join(f"{k}={v}" for k, v in result.items() if k != "seconds" and not isinstance(v, dict | list))
        rows.append((tr(zh, en), result.get("seconds"), details))
    print_table(tr("分析完成（运行 {run}）", "Analyses done (run {run})", run=summary["run"]),
                [tr("分析", "analysis"), tr("秒", "s"), tr("结果", "result")], rows)
