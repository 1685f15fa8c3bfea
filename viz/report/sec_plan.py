"""Section 6: the three batches of the plan (优化调整 / 撤销淘汰 / 新认定建设), each item with the
reasons and the evidence ``build_plan`` gives for it."""

from __future__ import annotations

from typing import Any

from viz.report.context import Ctx, localised, plain
from viz.report.model import Block, Heading, Paragraph, Table

LISTED = 8  # items per batch in the report; every item is in the plan workbook (platgraph plan --xlsx)
# Evidence that names internal keys (overlap group, analysis run, platform keys): the method section
# names the run once, the workbook carries the keys; the report body shows names only.
INTERNAL_EVIDENCE = frozenset({"group", "run", "platforms", "nearest"})

EVIDENCE_NAMES = {
    "group": ("重叠组", "group"), "run": ("分析批次", "run"), "platforms": ("平台", "platforms"),
    "evaluation": ("评估结果", "evaluation"), "status": ("状态", "status"), "established": ("认定年份", "recognised"),
    "as_of": ("截至", "as of"), "keep": ("保留", "keep"), "overlap_reasons": ("重叠理由", "overlap reasons"),
    "platforms_serving": ("服务该产业的平台数", "platforms serving"), "priority": ("产业优先级", "priority"),
    "nearest": ("最接近的平台", "nearest platforms"),
}


def _texts(ctx: Ctx, reasons: Any) -> Any:
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


def _evidence(ctx: Ctx, reasons: Any) -> Any:
    """Each reason's evidence as "name: value" text a planner can check against the graph."""
    if not isinstance(reasons, list):
        return None
    parts: list[str] = []
    for reason in reasons:
        evidence = reason.get("evidence") if isinstance(reason, dict) else None
        if not isinstance(evidence, dict):
            continue
        for key, value in evidence.items():
            if value is None or value == [] or value == "" or key in INTERNAL_EVIDENCE:
                continue
            name = ctx.labels.pick(EVIDENCE_NAMES[key]) if key in EVIDENCE_NAMES else key
            part = f"{name}: {plain(value, ctx.lang)}"
            if part not in parts:  # several reasons often cite the same group and run
                parts.append(part)
    return ("; " if ctx.lang == "en" else "；").join(parts)


def _name(ref: Any) -> Any:
    if isinstance(ref, dict):
        return ref.get("name") or ref.get("key") or ref.get("id")
    return ref


def plan_section(ctx: Ctx, plan: dict[str, Any] | None) -> list[Block]:
    blocks: list[Block] = [Heading(ctx.t("六、优化整合三批清单", "6. The three batches"), 1, "plan")]
    if plan is None:
        blocks.append(Paragraph(ctx.t("三批清单不可用（未安装 queries.plan）。",
                                      "The plan is not available (queries.plan is not installed).")))
        return blocks
    if (note := ctx.whole_region_note("三批清单", "the plan")) is not None:
        blocks.append(note)
    optimise, retire, build = plan.get("optimise", []), plan.get("retire", []), plan.get("build", [])
    blocks.append(Paragraph(ctx.t(
        "优化调整一批 {o} 项，撤销淘汰一批 {r} 项，新认定建设一批 {b} 项。下表每批列出前 {n} 项及其理由和可核对的依据；"
        "全部各项见规划工作簿（platgraph plan --xlsx），可在其中逐项填写决定。",
        "Optimise: {o} items; retire: {r} items; build: {b} items. The tables list the first {n} of each batch "
        "with the reasons and the evidence to check them; every item is in the plan workbook (platgraph plan "
        "--xlsx), where the decisions are marked.", o=len(optimise), r=len(retire), b=len(build), n=LISTED)))
    optimise, retire, build = optimise[:LISTED], retire[:LISTED], build[:LISTED]

    blocks.append(Heading(ctx.t("优化调整一批", "Optimise (merge or refocus)"), 2, "plan-optimise"))
    blocks.append(Table(
        ctx.next_table(ctx.t("优化调整一批", "Optimise batch")),
        [ctx.t("序号", "#"), ctx.t("平台", "Platforms"), ctx.t("建议", "Action"), ctx.t("保留", "Keep"),
         ctx.t("理由", "Reasons"), ctx.t("依据", "Evidence"), ctx.t("覆盖影响", "Coverage impact")],
        [[i, plain([_name(p) for p in item.get("platforms", [])], ctx.lang),
          item.get("recommendation_name") or ctx.labels.recommendation(item.get("recommendation")),
          _name(item.get("keep")), _texts(ctx, item.get("reasons")), _evidence(ctx, item.get("reasons")),
          _texts(ctx, item.get("coverage_losses"))]
         for i, item in enumerate(optimise, start=1)], kind="plan-optimise"))

    blocks.append(Heading(ctx.t("撤销淘汰一批", "Retire"), 2, "plan-retire"))
    blocks.append(Table(
        ctx.next_table(ctx.t("撤销淘汰一批", "Retire batch")),
        [ctx.t("序号", "#"), ctx.t("平台", "Platform"), ctx.t("理由", "Reasons"), ctx.t("依据", "Evidence"),
         ctx.t("唯一覆盖提示", "Sole-coverage warning")],
        [[i, _name(item), _texts(ctx, item.get("reasons")), _evidence(ctx, item.get("reasons")),
          _texts(ctx, item.get("sole_coverage"))]
         for i, item in enumerate(retire, start=1)], kind="plan-retire"))

    blocks.append(Heading(ctx.t("新认定建设一批", "Build"), 2, "plan-build"))
    blocks.append(Table(
        ctx.next_table(ctx.t("新认定建设一批", "Build batch")),
        [ctx.t("序号", "#"), ctx.t("产业", "Industry"), ctx.t("建议建设", "Proposed platform"),
         ctx.t("候选依托单位", "Candidate hosts"), ctx.t("理由", "Reasons"), ctx.t("依据", "Evidence")],
        [[i, ctx.labels.industry(item.get("industry")), proposal_text(ctx, item),
          plain([_name(h) for h in item.get("candidate_hosts", [])], ctx.lang),
          _texts(ctx, item.get("reasons")), _evidence(ctx, item.get("reasons"))]
         for i, item in enumerate(build, start=1)], kind="plan-build"))
    return blocks


def proposal_text(ctx: Ctx, item: dict[str, Any]) -> str:
    parts = [item.get("suggested_type") and ctx.labels.ptype(item.get("suggested_type")),
             item.get("level") and ctx.labels.level(item.get("level")),
             item.get("city") and ctx.labels.city(item.get("city"))]
    return ("，" if ctx.lang == "zh" else ", ").join(p for p in parts if p)
