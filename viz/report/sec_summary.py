"""Section 1: what the province has — platforms by category, type, level, status and city — and
how far it is from its targets."""

from __future__ import annotations

from typing import Any

from viz.report import charts
from viz.report.context import ReportContext
from viz.report.model import Block, Cell, Figure, Heading, Layout, Paragraph, Table
from viz.report.summary import DIMENSIONS, Summary

CHARTED_TOGETHER = ("category", "level", "status")  # a few bars each: one figure with three panels
TABLE_ONLY = ("type",)  # thirty-odd types: the table says it; a bar chart would repeat it on another page


def dimension_title(ctx: ReportContext, dimension: str) -> str:
    return {
        "category": ctx.t("平台类别", "Category"), "type": ctx.t("平台类型", "Platform type"),
        "level": ctx.t("级别", "Level"), "status": ctx.t("状态", "Status"), "city": ctx.t("所在市", "City"),
    }[dimension]


def summary_section(ctx: ReportContext, summary: Summary, targets: list[dict[str, Any]] | None) -> list[Block]:
    blocks: list[Block] = [Heading(ctx.t("一、总体情况", "1. Summary"), 1, "summary")]
    blocks.append(Paragraph(ctx.t("本报告范围内共有科技创新平台 {n} 个。", "The scope of this report holds {n} platforms.",
                                  n=f"{summary.total:,}")))
    if ctx.charts and summary.total:
        panels = [(dimension_title(ctx, d), [ctx.labels.dimension(d, v) for v, _ in summary.ranked(d)],
                   [n for _, n in summary.ranked(d)]) for d in CHARTED_TOGETHER]
        png = charts.bar_panels(ctx.t("平台数量：类别、级别、状态", "Platforms by category, level and status"), panels)
        blocks.append(Figure(ctx.next_figure(ctx.t("按类别、级别、状态统计的平台数量",
                                                   "Platforms by category, level and status")), png,
                             kind="summary-overview"))
    for dimension in DIMENSIONS:
        ranked = summary.ranked(dimension)
        title = dimension_title(ctx, dimension)
        names = [ctx.labels.dimension(dimension, value) for value, _ in ranked]
        counts = [n for _, n in ranked]
        blocks.append(Heading(ctx.t("按{d}统计", "By {d}", d=title.lower() if ctx.lang == "en" else title), 2))
        if ctx.charts and ranked and dimension not in CHARTED_TOGETHER + TABLE_ONLY:
            png = charts.bar_chart(ctx.t("平台数量（按{d}）", "Platforms by {d}", d=title), names, counts)
            blocks.append(Figure(ctx.next_figure(ctx.t("按{d}统计的平台数量", "Platforms by {d}", d=title)), png,
                                 kind=f"summary-{dimension}"))
        rows: list[list[Cell]] = [[name, n, round(100.0 * n / summary.total, 1) if summary.total else 0.0]
                for name, n in zip(names, counts, strict=True)]
        blocks.append(Table(ctx.next_table(ctx.t("按{d}统计", "Platforms by {d}", d=title)),
                            [title, ctx.t("数量", "Count"), ctx.t("占比（%）", "Share (%)")], rows,
                            kind=f"summary-{dimension}"))
    blocks.extend(targets_blocks(ctx, targets))
    return blocks


TARGET_COLUMNS = (
    ("type", "平台类型", "Type"), ("level", "级别", "Level"), ("year", "目标年份", "Target year"),
    ("holding", "现有（运行+建设中）", "Holding (active + building)"), ("target_total", "保有量目标", "Total target"),
    ("distance_total", "距保有量目标", "Total still to go"), ("new_in_period", "期内新建", "New in period"),
    ("target_new", "新建目标", "New target"), ("integrated_or_revoked_now", "已整合/撤销", "Merged / revoked"),
    ("target_integrated_or_revoked", "整合/撤销目标", "Merge / revoke target"),
)


def targets_blocks(ctx: ReportContext, targets: list[dict[str, Any]] | None) -> list[Block]:
    blocks: list[Block] = [Heading(ctx.t("建设目标与现状", "Targets vs actual"), 2, "targets")]
    if targets is None:
        blocks.append(Paragraph(ctx.t("目标对比功能不可用（未安装 queries.coverage）。",
                                      "Targets vs actual is not available (queries.coverage is not installed).")))
        return blocks
    targeted = [r for r in targets if r.get("target_total") is not None]
    if not targets:
        blocks.append(Paragraph(ctx.t("图中没有建设目标数据。", "The graph holds no targets.")))
        return blocks
    rows = []
    if len(targeted) < len(targets):
        blocks.append(Paragraph(ctx.t(
            "下表列出有建设目标的 {n} 项；没有目标的 {m} 类平台的数量见上文各表。",
            "The table lists the {n} types and levels with a target; the {m} without one are counted in the "
            "tables above.", n=len(targeted), m=len(targets) - len(targeted)), note=True))
    for r in targeted:
        row: list = []
        for key, _, _ in TARGET_COLUMNS:
            value = r.get(key)
            if key == "type":
                value = ctx.labels.ptype(value)
            elif key == "level":
                value = ctx.labels.level(value) if value else ctx.t("全部级别", "all levels")
            row.append(value)
        rows.append(row)
    # Ten columns: the table goes on landscape pages, then back to portrait.
    blocks.append(Layout(landscape=True))
    blocks.append(Table(ctx.next_table(ctx.t("建设目标与现状对比", "Targets vs actual")),
                        [ctx.t(zh, en) for _, zh, en in TARGET_COLUMNS], rows, kind="targets"))
    blocks.append(Layout(landscape=False))
    return blocks
