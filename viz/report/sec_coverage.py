"""Section 5: coverage of the key industries — industry × category heat map, ranked gaps, and the
industry × city matrix — as ``read_coverage`` returns them."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from typing import Any

from graph.reference import load_taxonomy
from viz.geo.figure import city_map_png
from viz.report import charts
from viz.report.context import ReportContext, plain
from viz.report.heatgrid import heat_grid
from viz.report.model import Block, Cell, Figure, Heading, Paragraph, Table

GAPS_LISTED = 8  # the report's top items; the full list is in the plan workbook


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


def industry_text(ctx: ReportContext, item: dict[str, Any]) -> str:
    """An industry, or a chain segment with its industry in brackets: 液压与传动（机械装备）."""
    name = ctx.labels.industry(item.get("industry"))
    parent = item.get("parent")
    if item.get("industry_level") == "segment" and parent:
        return ctx.t("{s}（{p}）", "{s} ({p})", s=name, p=ctx.labels.industry(parent))
    return name


def city_map_figure(ctx: ReportContext, city_platforms: dict[str, int],
                    by_ind: dict[str, dict[str, dict[str, Any]]], ind_order: list[str]) -> list[Block]:
    """Guangxi's 14 cities coloured by platforms; red where a key industry's layout city (布局城市)
    has no platform serving it, named below the map so the figure can be read without the table."""
    gaps: dict[str, list[str]] = defaultdict(list)
    for ind in ind_order:
        for city, row in by_ind[ind].items():
            if row.get("declared") and not int(row.get("count") or 0):
                gaps[city].append(ctx.labels.industry(ind))
    png = city_map_png(city_platforms, title=ctx.t("各市平台数与重点产业布局缺口", "Platforms per city and layout gaps"),
                       gap_cities=sorted(gaps), legend_gap=ctx.t("重点产业布局城市无平台", "Layout city without a platform"),
                       lang=ctx.lang)
    blocks: list[Block] = [Figure(ctx.next_figure(ctx.t("广西各市平台分布与布局缺口", "Platforms across Guangxi's cities")),
                                  png, kind="coverage-map")]
    sep = "、" if ctx.lang == "zh" else ", "
    if gaps:
        listed = "；".join(f"{ctx.labels.city(c)}（{sep.join(inds)}）" for c, inds in sorted(gaps.items()))
        blocks.append(Paragraph(ctx.t("红色城市是重点产业的布局城市，但没有服务该产业的平台：{x}。",
                                      "Red cities are layout cities of a key industry with no platform serving it: {x}.",
                                      x=listed)))
    else:
        blocks.append(Paragraph(ctx.t("每个重点产业的布局城市都至少有一个服务该产业的平台。",
                                      "Every layout city of every key industry has at least one platform serving it.")))
    return blocks


def coverage_section(ctx: ReportContext, coverage: Mapping[str, Any] | None, inferred: dict[str, int] | None = None,
                     city_platforms: dict[str, int] | None = None) -> list[Block]:
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
    grid = heat_grid(coverage)
    blocks.append(Paragraph(ctx.t(
        "下图按重点产业（粗体）及其产业链环节（缩进）、平台类别和级别统计在运行和建设中的平台数；红色格为覆盖缺口"
        "（该产业没有这一类别的平台，或没有国家级平台），共 {g} 格；灰色格为没有平台但不计为缺口。",
        "The figure counts running and building platforms per key industry (bold) and chain segment "
        "(indented), by category and level. Red cells are coverage gaps (no platform of that category, or "
        "no national platform): {g} cells. Grey cells have no platform but are not counted as gaps.",
        g=grid.gap_cells())))
    if ctx.charts and grid.rows:
        png = charts.coverage_grid(
            ctx.t("重点产业与产业链环节 × 平台类别 × 级别（平台数）",
                  "Key industry and segment × category × level (platforms)"),
            [ctx.labels.industry(r.industry) for r in grid.rows], [r.level == "segment" for r in grid.rows],
            [ctx.labels.category(c) for c in grid.categories], [ctx.labels.level(lv) for lv in grid.levels],
            [[r.counts.get(col, 0) for col in grid.columns] for r in grid.rows],
            [[col in r.gaps for col in grid.columns] for r in grid.rows],
            (ctx.t("覆盖缺口", "Coverage gap"), ctx.t("平台数（颜色越深越多）", "Platforms (darker = more)"),
             ctx.t("无平台（不计为缺口）", "None (not a gap)")))
        blocks.append(Figure(ctx.next_figure(ctx.t("重点产业覆盖热力图（红色为缺口）",
                                                   "Coverage heat map (gaps in red)")),
                             png, kind="coverage-heatmap", width_cm=17.0))
    # The figure carries the counts; without charts the same grid is a table (industries only).
    if not ctx.charts:
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
    blocks.append(Paragraph(ctx.t("共识别覆盖缺口 {n} 处，下表列出最靠前的 {s} 处及可承担的现有平台；"
                                  "全部缺口见 platgraph coverage（或接口 /api/v1/coverage），需新建的见规划工作簿。",
                                  "{n} coverage gaps were found; the table lists the first {s} and the existing "
                                  "platforms nearest to filling them; all of them: platgraph coverage (or "
                                  "/api/v1/coverage); those to build are in the plan workbook.",
                                  n=len(gaps), s=min(len(gaps), GAPS_LISTED))))
    blocks.append(Table(ctx.next_table(ctx.t("覆盖缺口", "Coverage gaps")),
                        [ctx.t("排序", "Rank"), ctx.t("产业", "Industry"), ctx.t("缺少", "Missing"),
                         ctx.t("依据", "Evidence"), ctx.t("最接近的现有平台", "Nearest existing platforms")],
                        [[g.get("rank"), industry_text(ctx, g), g.get("missing"), g.get("reason"),
                          plain([n.get("name") for n in g.get("nearest", [])], ctx.lang)]
                         for g in gaps[:GAPS_LISTED]], kind="coverage-gaps", weights=[1, 3, 3, 8, 6]))

    city_rows = coverage.get("cities", [])
    blocks.append(Heading(ctx.t("城市布局", "Coverage by city"), 2))
    by_ind: dict[str, dict[str, dict[str, Any]]] = defaultdict(dict)
    for row in city_rows:
        by_ind[row["industry"]][row["city"]] = row
    ind_order = [i for i in industries if i in by_ind] + sorted(set(by_ind) - set(industries))
    if ctx.charts and city_platforms is not None:
        blocks.extend(city_map_figure(ctx, city_platforms, by_ind, ind_order))
    sep = "、" if ctx.lang == "zh" else ", "
    rows: list[list[Cell]] = []
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
