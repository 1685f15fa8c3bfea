"""Section 4: collaboration gaps (产学研用协同) per key industry — the sector matrix as a heat map,
the synergy values, single-sector platforms and suggested partners — as ``read_gaps`` returns them."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from viz.report import charts
from viz.report.context import ReportContext, localised, plain
from viz.report.labels import SECTOR_ORDER
from viz.report.model import Block, Figure, Heading, Paragraph, Table

MAX_PANELS = 12  # heat maps per figure (the report's key industries, highest priority first)
LISTED = 6  # single-sector platforms and suggested partners shown; the full lists are in the workbook / API


def sector_matrix(entry: dict[str, Any]) -> list[list[float]] | None:
    """The symmetric 4×4 产学研用 matrix of collaboration ties, from the entry's ``pairs``."""
    pairs = entry.get("pairs")
    if not isinstance(pairs, list) or not pairs:
        return None
    index = {s: i for i, s in enumerate(SECTOR_ORDER)}
    matrix = [[0.0] * len(SECTOR_ORDER) for _ in SECTOR_ORDER]
    for pair in pairs:
        sectors = pair.get("sectors") if isinstance(pair, dict) else None
        if not sectors or len(sectors) != 2 or sectors[0] not in index or sectors[1] not in index:
            continue
        a, b = index[sectors[0]], index[sectors[1]]
        value = float(pair.get("ties", pair.get("count", 0)) or 0)
        matrix[a][b] = matrix[b][a] = value
    return matrix


def synergy_values(entry: dict[str, Any]) -> tuple[float | None, float | None]:
    syn = entry.get("synergy")
    if isinstance(syn, dict):
        return syn.get("t3"), syn.get("t4")
    if isinstance(syn, int | float):
        return None, float(syn)
    return None, None


def sector_counts_text(ctx: ReportContext, sectors: Any) -> Any:
    if isinstance(sectors, dict):
        sep = "; " if ctx.lang == "en" else "；"
        return sep.join(f"{ctx.labels.sector(s)} {sectors[s]}" for s in SECTOR_ORDER if s in sectors)
    if isinstance(sectors, list):
        return plain([ctx.labels.sector(s) if isinstance(s, str) else s for s in sectors], ctx.lang)
    return plain(sectors, ctx.lang)


def missing_text(ctx: ReportContext, missing: Any) -> Any:
    if not isinstance(missing, list):
        return plain(missing, ctx.lang)
    parts = []
    for gap in missing:
        if isinstance(gap, dict) and gap.get("sectors"):
            a, b = gap["sectors"][:2]
            parts.append(f"{ctx.labels.sector(a)}–{ctx.labels.sector(b)}")
        else:
            parts.append(str(plain(gap, ctx.lang)))
    return ("、" if ctx.lang == "zh" else ", ").join(parts)


def gaps_section(ctx: ReportContext, gaps: Mapping[str, Any] | None) -> list[Block]:
    blocks: list[Block] = [Heading(ctx.t("四、产学研用协同缺口", "4. Collaboration gaps"), 1, "gaps")]
    if gaps is None:
        blocks.append(Paragraph(ctx.t("协同缺口分析不可用（未安装 queries.collaboration）。",
                                      "Collaboration-gap analysis is not available (queries.collaboration is not "
                                      "installed).")))
        return blocks
    industries = gaps.get("industries", [])
    blocks.append(Paragraph(ctx.t(
        "按重点产业统计参与合作的产、学、研、用四方单位及其两两合作情况；协同度 T 为负表示存在协同"
        "（四方之间的合作减少了不确定性）。",
        "For each key industry: the industry, academia, research and user institutions taking part and how "
        "each pair of sectors collaborates; a negative synergy T means synergy (collaboration reduces "
        "uncertainty beyond what pairs explain).")))
    panels = [(ctx.labels.industry(e.get("industry")), m) for e in industries
              if (m := sector_matrix(e)) is not None][:MAX_PANELS]
    if ctx.charts and panels:
        axis = [ctx.labels.sector(s) for s in SECTOR_ORDER]
        png = charts.small_heat_maps(ctx.t("重点产业产学研用合作矩阵（合作关系数）",
                                           "Sector collaboration matrix per key industry (ties)"), panels, axis)
        blocks.append(Figure(ctx.next_figure(ctx.t("各重点产业的产学研用合作矩阵", "Sector matrices per key industry")),
                             png, kind="gaps-matrices"))
    rows = []
    for entry in industries:
        t3, t4 = synergy_values(entry)
        matrix = sector_matrix(entry)
        ties = int(sum(matrix[i][j] for i in range(4) for j in range(i, 4))) if matrix else None
        rows.append([ctx.labels.industry(entry.get("industry")), sector_counts_text(ctx, entry.get("sectors")),
                     ties, missing_text(ctx, entry.get("missing_pairs")),
                     None if t3 is None else round(float(t3), 4), None if t4 is None else round(float(t4), 4)])
    blocks.append(Table(ctx.next_table(ctx.t("重点产业协同情况与协同度", "Collaboration and synergy per key industry")),
                        [ctx.t("产业", "Industry"), ctx.t("参与单位（产/学/研/用）", "Institutions by sector"),
                         ctx.t("合作关系数", "Ties"), ctx.t("缺失或薄弱的合作", "Missing or weak pairs"),
                         ctx.t("三螺旋协同度 T3", "Synergy T3"), ctx.t("四螺旋协同度 T4", "Synergy T4")],
                        rows, kind="gaps-industries", weights=[4, 8, 2, 4, 2, 2]))

    singles = gaps.get("single_sector_platforms", [])
    blocks.append(Heading(ctx.t("单一主体平台", "Single-sector platforms"), 2))
    blocks.append(Paragraph(ctx.t(
        "依托、共建单位和人员全部来自同一方（产、学、研或用）的平台，共 {n} 个；下表列出前 {s} 个，"
        "全部名单可在图谱浏览器的“协同缺口”图层或接口 /api/v1/gaps 中查看。",
        "Platforms whose host, co-builders and people all come from one sector: {n}; the table lists the first "
        "{s}; all of them are in the explorer's collaboration-gap layer and at /api/v1/gaps.",
        n=gaps.get("single_sector_total", len(singles)), s=min(len(singles), LISTED))))
    blocks.append(Table(ctx.next_table(ctx.t("单一主体平台", "Single-sector platforms")),
                        [ctx.t("平台", "Platform"), ctx.t("所属方", "Sector"), ctx.t("缺少的方", "Missing sectors"),
                         ctx.t("所在市", "City")],
                        [[p.get("name"), ctx.labels.sector(p.get("sector")),
                          plain([ctx.labels.sector(s) for s in p.get("missing_sectors") or []], ctx.lang),
                          ctx.labels.city(p.get("city")) if p.get("city") else None]
                         for p in singles[:LISTED]], kind="gaps-single-sector", weights=[10, 2, 4, 2]))

    partners = gaps.get("suggested_partners", [])
    blocks.append(Heading(ctx.t("建议合作伙伴", "Suggested partners"), 2))
    blocks.append(Table(ctx.next_table(ctx.t("建议合作伙伴", "Suggested partners")),
                        [ctx.t("单位", "Institution"), ctx.t("建议合作单位", "Suggested partners"),
                         ctx.t("理由", "Why")],
                        [partner_row(ctx, p) for p in partners[:LISTED]], kind="gaps-partners", weights=[4, 4, 12]))
    return blocks


def partner_row(ctx: ReportContext, item: Any) -> list:
    if not isinstance(item, dict):
        return [plain(item, ctx.lang), None, None]
    # Shape from queries.collaboration.read_gaps: {enterprise{id,name}, partner{id,name,sector}, industry, …}
    who = item.get("enterprise") or item.get("institution") or item.get("name")
    partners = item.get("partner") or item.get("partners")
    why = localised(item, "reason", ctx.lang) or localised(item, "why", ctx.lang)
    return [plain(who, ctx.lang), plain(partners, ctx.lang), plain(why, ctx.lang)]
