"""Appendix: data quality — what the analyses could not fully use, so a reader knows how far to
trust each finding: platforms flagged by ingest (no host, an unresolved host, an unknown city, …)
and the rows the last ingest rejected. The full lists are in the plan workbook's quality sheet and
the rejects file; the report gives the counts and a few names.
"""

from __future__ import annotations

from typing import Any

from graph.store import Store
from queries.quality import quality_items
from viz.report.context import ReportContext
from viz.report.cypher import cypher
from viz.report.model import Block, Heading, Paragraph, Table

EXAMPLES = 3


def flag_rows(ctx: ReportContext, store: Store) -> list[list[Any]]:
    """One row per data-quality flag: its label, how many items carry it, what to do, a few names.

    From ``queries.quality.quality_items``: the flags, labels and advice ingest defines, so the report
    and the workbook's quality sheet say the same thing."""
    sep = "、" if ctx.lang == "zh" else "; "
    data = quality_items(store, lang=ctx.lang)
    by_flag: dict[str, list[dict[str, Any]]] = {}
    for item in data["items"]:
        by_flag.setdefault(item["flag"], []).append(item)
    return [[items[0]["label"], data["counts"].get(flag, len(items)), items[0].get("action") or "",
             sep.join(i["name"] for i in items[:EXAMPLES])] for flag, items in by_flag.items()]


def quality_section(ctx: ReportContext, store: Store) -> list[Block]:
    blocks: list[Block] = [Heading(ctx.t("附录、数据质量", "Appendix. Data quality"), 1, "quality")]
    rows = flag_rows(ctx, store)
    runs = store.read(cypher("ingest_runs"), {"limit": 1})
    rejected: Any = runs[0]["rejected"] if runs else None
    flagged = sum(int(r[1]) for r in rows)
    blocks.append(Paragraph(ctx.t(
        "导入时发现的数据问题不会丢弃：不完整的平台仍进入图谱并加注标记，无法导入的行写入拒收文件（附原因与建议）。"
        "最近一次导入拒收 {r} 行；带有数据质量标记的 {f} 项列于下表（每类举例），全部名单见规划工作簿的数据质量工作表。"
        "带标记的平台在覆盖与重复分析中可能被低估（例如缺少依托单位的平台无法按依托单位比较），决策前请先核对。",
        "Data problems found at ingest are not dropped: incomplete platforms enter the graph with a flag, and "
        "rows that cannot be loaded go to the rejects file with a reason and a suggestion. The last ingest "
        "rejected {r} rows; the {f} flagged items are summarised below (with examples); the full list is the "
        "plan workbook's data-quality sheet. Flagged platforms may be under-counted in the coverage and "
        "overlap analyses (a platform without a host cannot be compared by host): check them before deciding.",
        r=rejected if rejected is not None else "—", f=flagged)))
    blocks.append(Table(ctx.next_table(ctx.t("数据质量问题", "Data-quality issues")),
                        [ctx.t("问题", "Issue"), ctx.t("数量", "Items"), ctx.t("处理建议", "What to do"),
                         ctx.t("示例", "Examples")], rows, kind="quality-flags", weights=[4, 2, 7, 9]))
    return blocks
