"""``platgraph coverage``: key-industry coverage (industry × category × level, cities) and its gaps.

Reads what the coverage analysis wrote back (``platgraph analyze``); when none has run yet, or with
``--refresh``, it runs the coverage analysis under its own AnalysisRun first, so the command always
answers and the flags in the graph match what it prints.
"""

from __future__ import annotations

import typer

from api.console import OutputFormat, console, handle_errors, print_json, print_table
from graph.i18n import current_lang, tr
from graph.reference import LEVEL_NAMES, LEVELS
from graph.store import Store

STORED_RUN = "MATCH (i:Industry) WHERE i.coverage_run IS NOT NULL RETURN i.coverage_run AS run LIMIT 1"
CATEGORY_NAMES = "MATCH (c:Category) RETURN c.key AS key, c.name AS zh, c.name_en AS en"


def ensure_coverage(store: Store, refresh: bool = False) -> None:
    """Run the coverage analysis (own AnalysisRun) unless a stored one exists and no refresh is asked."""
    from queries.coverage import run_coverage_analysis
    from queries.runs import ensure_analysed

    ensure_analysed(store, "coverage", run_coverage_analysis, STORED_RUN, refresh=refresh)


@handle_errors
def coverage(
    industry: str = typer.Option(None, "--industry", help="产业名称或别名 / industry name or alias"),
    refresh: bool = typer.Option(False, "--refresh", help="重新计算并写回 / recompute and write back"),
    limit: int = typer.Option(50, "--limit", min=1, help="表格中缺口的最多条数 / max gaps in the table"),
    fmt: OutputFormat = typer.Option(OutputFormat.table, "--format", help="table | json"),
) -> None:
    """重点产业平台覆盖与缺口 / Coverage of key industries by category, level and city, and the gaps."""
    from queries.coverage import read_coverage

    lang = current_lang()
    with Store() as store:
        store.verify()
        ensure_coverage(store, refresh)
        data = read_coverage(store, industry=industry, lang=lang)
        cats = {r["key"]: tr(r["zh"], r["en"], lang) for r in store.read(CATEGORY_NAMES)}
    if fmt is OutputFormat.json:
        print_json(data)
        return
    levels = LEVELS
    cells = {(r["industry"], r["category"], r["level"]): r["count"] for r in data["matrix"]}
    industries = list(dict.fromkeys(r["industry"] for r in data["matrix"]))
    columns = [tr("产业", "industry")] + [f"{cats.get(c, c)}·{tr(*LEVEL_NAMES[lv], lang=lang)}"
                                          for c in cats for lv in levels]
    print_table(tr("覆盖矩阵（运行 {run}）", "Coverage matrix (run {run})", run=data["run"]), columns,
                [[ind] + [cells.get((ind, c, lv), 0) for c in cats for lv in levels] for ind in industries])
    print_table(
        tr("覆盖缺口（按优先级排序）", "Coverage gaps (ranked)"),
        ["#", tr("产业", "industry"), tr("优先级", "priority"), tr("缺少", "missing"), tr("原因", "reason"),
         tr("可延伸的平台", "nearest platforms")],
        [(g["rank"], g["industry"], g["priority"], g["missing"], g["reason"],
          "; ".join(f"{n['name']}（{n['why']}）" for n in g["nearest"][:2])) for g in data["gaps"][:limit]],
    )
    if len(data["gaps"]) > limit:
        console.print(tr("另有 {n} 个缺口未显示（--limit 或 --format json）", "{n} more gaps not shown (--limit or "
                         "--format json)", n=len(data["gaps"]) - limit))
