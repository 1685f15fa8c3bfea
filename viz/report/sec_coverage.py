"""Section 5: coverage of the key industries — industry × category heat map, ranked gaps, and the
industry × city matrix — as ``read_coverage`` returns them."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from graph.reference import load_cities, load_taxonomy
from viz.report import charts
from viz.report.context import Ctx, plain
from viz.report.model import Block, Figure, Heading, Paragraph, Table

GAPS_LISTED = 60


def industry_category_counts(matrix: list[dict[str, Any]]) -> tuple[list[str], dict[tuple[str, str], int]]:
    """Top-level industries (in the order given) and their platform counts per category, all levels."""
    industries: list[str] = []
    cells: dict[tuple[str, str], int] = defaultdict(int)
    for row in matrix:
        if row.get("industry_level", "industry") != "industry":
            continue
        if row["industry"] not in industries:
            industries.append(row["industry"])
        cells[(row["industry"], row["category"])] += int(row.get("count") or 0)
    return industries, cells


def coverage_section(ctx: Ctx, coverage: dict[str, Any] | None, inferred: dict[str, int] | None = None) -> list[Block]:
    blocks: list[Block] = [Heading(ctx.t("五、重点产业平台布局覆盖", "5. Coverage of the key industries"), 1, "coverage")]
    if coverage is None:
        blocks.append(Paragraph(ctx.t("覆盖分析不可用（未安装 queries.coverage）。",
                                      "Coverage analysis is not available (queries.coverage is not installed).")))
        return blocks
    if ctx.scope.city and (note := ctx.whole_region_note("覆盖分析", "coverage")) is not None:
        blocks.append(note)
    categories = list(load_taxonomy().categories)
    industries, cells = industry_category_counts(coverage.get("matrix", []))
    cat_names = [ctx.labels.category(c) for c in categories]
    if ctx.charts and industries:
        values = [[cells[(i, c)] for c in categories] for i in industries]
        png = charts.heat_map(ctx.t("重点产业 × 平台类别（平台数）", "Key industry × category (platforms)"),
                              [ctx.labels.industry(i) for i in industries], cat_names, values)
        blocks.append(Figure(ctx.next_figure(ctx.t("重点产业与平台类别覆盖热力图", "Industry × category heat map")),
                             png, kind="coverage-heatmap"))
    blocks.append(Table(ctx.next_table(ctx.t("重点产业 × 平台类别", "Key industry × category")),
                        [ctx.t("产业", "Industry"), *cat_names, ctx.t("合计", "Total")],
                        [[ctx.labels.industry(i), *[cells[(i, c)] for c in categories],
                          sum(cells[(i, c)] for c in categories)] for i in industries],
                        kind="coverage-matrix"))
    if inferred and inferred.get("platforms"):
        blocks.append(Paragraph(ctx.t(
            "注：其中 {p} 个平台未填写服务产业，其产业为推断（按名称 {n}、研究方向 {f}、依托单位 {h} 条关键词依据，"
            "见方法说明），已计入上表；填写服务产业后以填写为准。",
            "Note: {p} platforms declare no industries; theirs were inferred (from the name {n}, research fields "
            "{f}, host {h} times; see the method notes) and are counted above. A declared value replaces them.",
            p=inferred["platforms"], n=inferred.get("by_name", 0), f=inferred.get("by_fields", 0),
            h=inferred.get("by_host", 0))))

    gaps = coverage.get("gaps", [])
    blocks.append(Heading(ctx.t("覆盖缺口（按优先级排序）", "Coverage gaps, ranked"), 2))
    blocks.append(Paragraph(ctx.t("共识别覆盖缺口 {n} 处，下表列出最靠前的 {s} 处及可承担的现有平台。",
                                  "{n} coverage gaps were found; the table lists the first {s} and the existing "
                                  "platforms nearest to filling them.", n=len(gaps), s=min(len(gaps), GAPS_LISTED))))
    blocks.append(Table(ctx.next_table(ctx.t("覆盖缺口", "Coverage gaps")),
                        [ctx.t("排序", "Rank"), ctx.t("产业", "Industry"), ctx.t("缺少", "Missing"),
                         ctx.t("依据", "Evidence"), ctx.t("最接近的现有平台", "Nearest existing platforms")],
                        [[g.get("rank"), ctx.labels.industry(g.get("industry")), g.get("missing"), g.get("reason"),
                          plain([n.get("name") for n in g.get("nearest", [])], ctx.lang)]
                         for g in gaps[:GAPS_LISTED]], kind="coverage-gaps"))

    city_rows = coverage.get("cities", [])
    blocks.append(Heading(ctx.t("城市布局", "Coverage by city"), 2))
    city_keys = list(load_cities())
    by_ind: dict[str, dict[str, dict[str, Any]]] = defaultdict(dict)
    for row in city_rows:
        by_ind[row["industry"]][row["city"]] = row
    ind_order = [i for i in industries if i in by_ind] + sorted(set(by_ind) - set(industries))
    if ctx.charts and ind_order:
        values = [[int(by_ind[i].get(c, {}).get("count") or 0) for c in city_keys] for i in ind_order]
        png = charts.heat_map(ctx.t("重点产业 × 城市（平台数）", "Key industry × city (platforms)"),
                              [ctx.labels.industry(i) for i in ind_order], [ctx.labels.city(c) for c in city_keys],
                              values, cmap="Greens")
        blocks.append(Figure(ctx.next_figure(ctx.t("重点产业城市布局矩阵", "Industry × city matrix")), png,
                             kind="coverage-cities"))
    sep = "、" if ctx.lang == "zh" else ", "
    rows = []
    for ind in ind_order:
        declared = [r for c, r in sorted(by_ind[ind].items()) if r.get("declared")]
        others = [r for c, r in sorted(by_ind[ind].items()) if not r.get("declared") and r.get("count")]
        rows.append([ctx.labels.industry(ind),
                     sep.join(f"{ctx.labels.city(r['city'])} {r.get('count', 0)}" for r in declared),
                     sum(int(r.get("count") or 0) for r in declared),
                     sep.join(f"{ctx.labels.city(r['city'])} {r.get('count', 0)}" for r in others)])
    blocks.append(Table(ctx.next_table(ctx.t("重点产业城市布局", "Key industries by city")),
                        [ctx.t("产业", "Industry"), ctx.t("布局城市（平台数）", "Layout cities (platforms)"),
                         ctx.t("布局城市平台合计", "Platforms in layout cities"),
                         ctx.t("其他城市（平台数）", "Other cities (platforms)")], rows, kind="coverage-cities"))
    return blocks
