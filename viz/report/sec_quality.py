"""Appendix: data quality — what the analyses could not fully use, so a reader knows how far to
trust each finding: platforms flagged by ingest (no host, an unresolved host, an unknown city, …)
and the rows the last ingest rejected. The full lists are in the plan workbook's quality sheet and
the rejects file; the report gives the counts and a few names.
"""

from __future__ import annotations

import importlib
from typing import Any

from graph.store import Store
from viz.report.context import Ctx
from viz.report.cypher import cypher
from viz.report.model import Block, Heading, Paragraph, Table

EXAMPLES = 3


def flag_label(ctx: Ctx, code: str) -> str:
    """The flag's zh/en label from the one table ingest keeps (graph.reference), else the code."""
    try:
        names = importlib.import_module("graph.reference").QUALITY_FLAG_NAMES
    except AttributeError:
        return code
    pair = names.get(code)
    return ctx.labels.pick(pair) if pair else code


def quality_section(ctx: Ctx, store: Store) -> list[Block]:
    blocks: list[Block] = [Heading(ctx.t("附录、数据质量", "Appendix. Data quality"), 1, "quality")]
    flags = store.read(cypher("quality_flags"), {"examples": EXAMPLES})
    runs = store.read(cypher("ingest_runs"), {"limit": 1})
    rejected: Any = runs[0]["rejected"] if runs else None
    flagged = sum(int(r["platforms"]) for r in flags)
    blocks.append(Paragraph(ctx.t(
        "导入时发现的数据问题不会丢弃：不完整的平台仍进入图谱并加注标记，无法导入的行写入拒收文件（附原因与建议）。"
        "最近一次导入拒收 {r} 行；带有数据质量标记的平台 {f} 项次。带标记的平台在覆盖与重复分析中可能被低估"
        "（例如缺少依托单位的平台无法按依托单位比较），决策前请先核对。",
        "Data problems found at ingest are not dropped: incomplete platforms enter the graph with a flag, and "
        "rows that cannot be loaded go to the rejects file with a reason and a suggestion. The last ingest "
        "rejected {r} rows; platforms carry {f} data-quality flags. Flagged platforms may be under-counted in "
        "the coverage and overlap analyses (a platform without a host cannot be compared by host): check them "
        "before deciding.", r=rejected if rejected is not None else "—", f=flagged)))
    blocks.append(Table(ctx.next_table(ctx.t("数据质量标记", "Data-quality flags")),
                        [ctx.t("问题", "Issue"), ctx.t("平台数", "Platforms"), ctx.t("示例", "Examples")],
                        [[flag_label(ctx, r["flag"]), r["platforms"],
                          ("、" if ctx.lang == "zh" else "; ").join(r["examples"])] for r in flags],
                        kind="quality-flags", weights=[4, 2, 12]))
    return blocks
