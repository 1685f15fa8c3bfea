"""Section 6: the plan (优化调整 / 撤销淘汰 / 限期整改 / 新认定建设, and the lists passed on to the national
department, the cities and the other departments), each batch with its count and its first items (``LISTED``),
the reasons in words. The full lists are in the plan workbook (``platgraph plan --xlsx``), where
planners decide; when a decided workbook has been applied, the section shows the plan as decided.

Terms, one per concept, in the whole plan output: 合并 (a merge of overlapping platforms; 优化整合 is
only the plan's name), 复核 (a check by a planner), 在运行 (active or being built).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from graph.i18n import Lang
from viz.report.context import ReportContext, localised, plain
from viz.report.model import Block, Heading, Paragraph, Table

LISTED = 6  # items per batch in the report (as the gaps section lists 6): every item is in the plan workbook
# (platgraph plan --xlsx). With eight, the English Word report printed to 31 A4 pages (the limit is 30,
# tests/test_report_pages.py): English reasons make tall rows, and the landscape plan tables took ten pages.
YEAR_KEYS = {"established", "as_of", "evaluation_year", "due", "year"}
EVIDENCE_NAMES = {
    "platforms": ("平台", "platforms"), "evaluation": ("最新评估结果", "latest evaluation"),
    "evaluation_year": ("评估年份", "evaluation year"), "history": ("评估记录", "evaluation records"),
    "status": ("状态", "status"), "established": ("认定年份", "recognised"), "as_of": ("截至", "as of"),
    "platforms_serving": ("服务该产业的平台数", "platforms serving"), "priority": ("产业优先级", "priority"),
    "nearest": ("最接近的平台", "nearest platforms"), "departments": ("主管部门", "departments"),
    "kinds": ("产业类型", "industry kinds"), "type": ("类型", "type"), "to": ("转为", "into"),
    "source": ("依据", "source"), "platform": ("平台", "platform"), "still_to_build": ("尚需新建", "still to build"),
}
# Evidence that names internal keys (overlap group, analysis run, platform keys) or repeats the item's
# own columns: the method section names the run once, the workbook carries the keys.
INTERNAL_EVIDENCE = frozenset({"group", "run", "keep", "overlap_reasons", "platforms", "nearest"})


def _texts(ctx: ReportContext, reasons: Any) -> Any:
    """The readable sentence of each reason (``text``, or ``reason`` for coverage losses)."""
    if isinstance(reasons, list):
        texts = []
        for r in reasons:
            if isinstance(r, dict):
                r = localised(r, "text", ctx.lang) or localised(r, "reason", ctx.lang)
            if r is not None:
                texts.append(r)
        return plain(texts, ctx.lang)
    return plain(reasons, ctx.lang)


def _value(key: str, value: Any, lang: Lang) -> Any:
    """Years as plain digits (a cell formatter would print 2025 as "2,025")."""
    if key in YEAR_KEYS and isinstance(value, int):
        return str(value)
    return plain(value, lang)


def _evidence(ctx: ReportContext, reasons: Any) -> Any:
    """Each reason's evidence as "name: value" text a planner can check against the graph."""
    if not isinstance(reasons, list):
        return None
    parts: list[str] = []
    for reason in reasons:
        evidence = reason.get("evidence") if isinstance(reason, dict) else None
        if not isinstance(evidence, dict):
            continue
        for key, value in evidence.items():
            if key in INTERNAL_EVIDENCE or value is None or value == [] or value == "":
                continue
            name = ctx.labels.pick(EVIDENCE_NAMES[key]) if key in EVIDENCE_NAMES else key
            part = f"{name}: {_value(key, value, ctx.lang)}"
            if part not in parts:  # several reasons often cite the same evidence
                parts.append(part)
    return ("; " if ctx.lang == "en" else "；").join(parts)


def _name(ref: Any) -> Any:
    if isinstance(ref, dict):
        return ref.get("name") or ref.get("key") or ref.get("id")
    return ref


def _more(ctx: ReportContext, total: int) -> list[Block]:
    if total <= LISTED:
        return []
    return [Paragraph(ctx.t("（以上为前 {n} 项，共 {t} 项；完整清单见方案工作簿。）",
                            "(The first {n} of {t} items; the full list is in the plan workbook.)", n=LISTED, t=total))]


def _summary(ctx: ReportContext, plan: Mapping[str, Any]) -> Paragraph:
    c = plan.get("counts") or {}
    status = plan.get("status_counts") or {}
    active = status.get("active", 0) + status.get("building", 0)
    return Paragraph(ctx.t(
        "现有在运行平台 {a} 个（含建设中 {b} 个；已撤销 {rv} 个、已合并 {mg} 个另列，不计入在运行）。"
        "方案：合并并入 {ab} 个、撤销淘汰 {r} 个，优化整合或撤销淘汰合计 {t} 个（每个平台只列一次）；"
        "转建/纳入 {cv} 个；限期整改 {k} 个；新认定建设 {bd} 项、培育争创国家级 {u} 项；"
        "另有国家级建议 {n} 项、市级清单 {m} 项、协调事项 {co} 项。",
        "Active platforms: {a} (of them {b} being built; {rv} revoked and {mg} merged are listed apart, not "
        "counted as active). The plan: {ab} absorbed by merges and {r} retired, {t} integrated or revoked in "
        "all (each platform listed once); {cv} converted; {k} to rectify; {bd} builds and {u} to cultivate for "
        "national level; {n} recommendations to the national department, {m} for the cities, {co} to "
        "coordinate.",
        a=active, b=status.get("building", 0), rv=status.get("revoked", 0), mg=status.get("merged", 0),
        ab=c.get("absorbed", 0), r=c.get("retired", 0), t=c.get("integrated_or_revoked", 0), cv=c.get("converted", 0),
        k=c.get("rectify", 0), bd=c.get("build", 0), u=c.get("cultivate", 0), n=len(plan.get("national", [])),
        m=len(plan.get("municipal", [])), co=len(plan.get("coordination", []))))


def _decided(ctx: ReportContext, decided: dict[str, Any] | None) -> list[Block]:
    if not decided:
        return [Paragraph(ctx.t("尚未记录决定：在方案工作簿的“决定”列作出决定后运行 platgraph plan apply。",
                                "No decisions recorded yet: decide in the workbook's 决定 column, then run "
                                "platgraph plan apply."))]
    rows = [[batch, plain(", ".join(f"{d} {n}" for d, n in per.items()), ctx.lang)]
            for batch, per in (decided.get("counts") or {}).items()]
    blocks: list[Block] = [
        Heading(ctx.t("决定后的方案", "The plan as decided"), 2, "plan-decided"),
        Paragraph(ctx.t("最近一次记录的决定（{f}）：{s}", "The latest decisions recorded ({f}): {s}",
                        f=decided.get("file") or "", s=(decided.get("what_if") or {}).get("summary", ""))),
        Table(ctx.next_table(ctx.t("各清单的决定", "Decisions per batch")),
              [ctx.t("清单", "Batch"), ctx.t("决定", "Decisions")], rows, kind="plan-decided"),
    ]
    return blocks


def plan_section(ctx: ReportContext, plan: Mapping[str, Any] | None, decided: dict[str, Any] | None = None) -> list[Block]:
    blocks: list[Block] = [Heading(ctx.t("六、优化整合三批清单", "6. The three batches"), 1, "plan")]
    if plan is None:
        blocks.append(Paragraph(ctx.t("方案清单不可用（未安装 queries.plan）。",
                                      "The plan is not available (queries.plan is not installed).")))
        return blocks
    if (note := ctx.whole_region_note("方案清单", "the plan")) is not None:
        blocks.append(note)
    blocks.append(_summary(ctx, plan))
    optimise, retire = plan.get("optimise", []), plan.get("retire", [])
    rectify, build = plan.get("rectify", []), plan.get("build", [])

    blocks.append(Heading(ctx.t("优化调整一批", "Optimise (merge, refocus, convert)"), 2, "plan-optimise"))
    blocks.append(Table(
        ctx.next_table(ctx.t("优化调整一批", "Optimise batch")),
        [ctx.t("序号", "#"), ctx.t("平台", "Platforms"), ctx.t("建议", "Action"), ctx.t("保留", "Keep"),
         ctx.t("理由", "Reasons"), ctx.t("依据", "Evidence"), ctx.t("覆盖影响", "Coverage impact")],
        [[i, plain([_name(p) for p in item.get("platforms", [])], ctx.lang),
          item.get("recommendation_name") or ctx.labels.recommendation(item.get("recommendation")),
          _name(item.get("keep")), _texts(ctx, item.get("reasons")), _evidence(ctx, item.get("reasons")),
          _texts(ctx, item.get("coverage_losses"))]
         for i, item in enumerate(optimise[:LISTED], start=1)], kind="plan-optimise"))
    blocks += _more(ctx, len(optimise))

    blocks.append(Heading(ctx.t("撤销淘汰一批", "Retire"), 2, "plan-retire"))
    blocks.append(Table(
        ctx.next_table(ctx.t("撤销淘汰一批", "Retire batch")),
        [ctx.t("序号", "#"), ctx.t("平台", "Platform"), ctx.t("理由", "Reasons"), ctx.t("依据", "Evidence"),
         ctx.t("唯一覆盖提示", "Sole-coverage warning")],
        [[i, _name(item), _texts(ctx, item.get("reasons")), _evidence(ctx, item.get("reasons")),
          _texts(ctx, item.get("sole_coverage"))]
         for i, item in enumerate(retire[:LISTED], start=1)], kind="plan-retire"))
    blocks += _more(ctx, len(retire))

    if rectify:
        blocks.append(Heading(ctx.t("限期整改", "Rectify within a deadline"), 2, "plan-rectify"))
        blocks.append(Table(
            ctx.next_table(ctx.t("限期整改", "Rectification list")),
            [ctx.t("序号", "#"), ctx.t("平台", "Platform"), ctx.t("整改期限", "Due"), ctx.t("理由", "Reasons")],
            [[i, _name(item), str(item["due"]) if item.get("due") else "", _texts(ctx, item.get("reasons"))]
             for i, item in enumerate(rectify[:LISTED], start=1)], kind="plan-rectify"))
        blocks += _more(ctx, len(rectify))

    blocks.append(Heading(ctx.t("新认定建设一批", "Build"), 2, "plan-build"))
    blocks.append(Table(
        ctx.next_table(ctx.t("新认定建设一批", "Build batch")),
        [ctx.t("序号", "#"), ctx.t("产业", "Industry"), ctx.t("建议建设", "Proposed platform"),
         ctx.t("候选依托单位", "Candidate hosts"), ctx.t("理由", "Reasons"), ctx.t("依据", "Evidence")],
        [[i, ctx.labels.industry(item.get("industry")), proposal_text(ctx, item),
          plain([_name(h) for h in item.get("candidate_hosts", [])], ctx.lang),
          _texts(ctx, item.get("reasons")), _evidence(ctx, item.get("reasons"))]
         for i, item in enumerate(build[:LISTED], start=1)], kind="plan-build"))
    blocks += _more(ctx, len(build))

    for batch, zh, en in (("national", "国家级建议（报国家主管部门）", "Recommendations to the national department"),
                          ("municipal", "市级清单（交由设区市）", "For the cities"),
                          ("coordination", "协调事项（其他部门或跨部门）", "To coordinate with other departments")):
        items = plan.get(batch, [])
        if not items:
            continue
        blocks.append(Heading(ctx.t(zh, en), 2, f"plan-{batch}"))
        blocks.append(Table(
            ctx.next_table(ctx.t(zh, en)),
            [ctx.t("序号", "#"), ctx.t("平台", "Platforms"), ctx.t("建议", "Recommendation"), ctx.t("理由", "Reasons")],
            [[i, plain([_name(p) for p in item.get("platforms", [item]) + item.get("with", [])], ctx.lang),
              item.get("action"), _texts(ctx, item.get("reasons"))]
             for i, item in enumerate(items[:LISTED], start=1)], kind=f"plan-{batch}"))
        blocks += _more(ctx, len(items))
    blocks += _decided(ctx, decided if decided is not None else plan.get("decided"))
    return blocks


def proposal_text(ctx: ReportContext, item: dict[str, Any]) -> str:
    parts = [item.get("action_name"),
             item.get("suggested_type") and ctx.labels.ptype(item.get("suggested_type")),
             item.get("level") and ctx.labels.level(item.get("level")),
             item.get("city") and ctx.labels.city(item.get("city"))]
    return ("，" if ctx.lang == "zh" else ", ").join(p for p in parts if p)
