"""Section 3: overlap groups (交叉重复), each with its reasons and the recommendation, in a table a
leader can read: one row per group, platform names rather than keys."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from viz.report.context import ReportContext, plain
from viz.report.model import Block, Heading, Paragraph, Table


def keep_name(group: dict[str, Any]) -> str | None:
    """The name of the platform to keep (``keep`` is a platform id/key, or already a name)."""
    keep = group.get("keep")
    if keep is None:
        return None
    if isinstance(keep, dict):
        return keep.get("name") or keep.get("id")
    for platform in group.get("platforms", []):
        if keep in (platform.get("id"), platform.get("key")):
            return platform.get("name") or keep
    return str(keep)


def strongest_groups(groups: list[dict[str, Any]], strength: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
    """Groups by their strongest pair score, then mean score, then size (ties by name order)."""
    def key(g: dict[str, Any]) -> tuple:
        s = strength.get(g.get("id") or "", {})
        return (-(s.get("strongest") or 0.0), -(s.get("mean") or 0.0), -(g.get("size") or 0))
    return sorted(groups, key=key)


LISTED = 6  # the strongest groups; all of them are in the plan workbook's 优化调整 sheet


def overlap_section(ctx: ReportContext, groups: Mapping[str, Any] | None, overlaps: Mapping[str, Any] | None,
                    strength: dict[str, dict[str, Any]] | None = None) -> list[Block]:
    blocks: list[Block] = [Heading(ctx.t("三、交叉重复平台", "3. Overlapping platforms"), 1, "overlap")]
    if groups is None:
        blocks.append(Paragraph(ctx.t("交叉重复分析不可用（未安装 queries.overlap）。",
                                      "Overlap analysis is not available (queries.overlap is not installed).")))
        return blocks
    if (note := ctx.whole_region_note("交叉重复分组", "the overlap grouping")) is not None:
        blocks.append(note)
    items = strongest_groups(groups.get("groups", []), strength or {})[:LISTED]
    pairs_total = overlaps.get("total") if overlaps else None
    blocks.append(Paragraph(ctx.t(
        "最近一次分析识别出 {g} 组交叉重复平台{p}。下表按相似度列出最强的 {s} 组，每组给出判定理由与处理建议；"
        "全部各组见规划工作簿。",
        "The latest analysis found {g} groups of overlapping platforms{p}. The table lists the {s} strongest, each "
        "with its reasons and the recommendation; all groups are in the plan workbook.",
        g=groups.get("total", len(items)), s=len(items),
        p=(ctx.t("（涉及 {n} 对平台）", " ({n} overlapping pairs)", n=pairs_total) if pairs_total is not None else ""))))
    rows = []
    for index, group in enumerate(items, start=1):
        names = [p.get("name") or p.get("id") for p in group.get("platforms", [])]
        rows.append([index, plain(names, ctx.lang), ctx.labels.recommendation(group.get("recommendation")),
                     keep_name(group), plain(group.get("reasons"), ctx.lang)])
    blocks.append(Table(ctx.next_table(ctx.t("交叉重复平台组", "Overlap groups")),
                        [ctx.t("序号", "#"), ctx.t("平台", "Platforms"), ctx.t("建议", "Recommendation"),
                         ctx.t("建议保留", "Keep"), ctx.t("理由", "Reasons")], rows, kind="overlap-groups",
                        weights=[1, 8, 2, 5, 12]))
    return blocks
