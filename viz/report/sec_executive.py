"""The executive summary (摘要): one or two pages a leader reads first — the key numbers, the ten
strongest overlap groups, the ten most important coverage gaps, and the three batches with the
targets before and after the plan. Every figure here is also in the section that explains it;
the full lists are in the plan workbook (``platgraph plan --xlsx``).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from viz.report.analyses import AnalysisResults
from viz.report.context import ReportContext
from viz.report.model import Block, Heading, Paragraph, Table
from viz.report.sec_coverage import industry_text
from viz.report.sec_overlap import keep_name, strongest_groups
from viz.report.summary import Summary

TOP = 10
WORKBOOK = "out/plan-zh.xlsx"


def workbook_note(ctx: ReportContext) -> Paragraph:
    return Paragraph(ctx.t(
        "本报告只列出各项的前几位。三批清单的全部各项和数据质量问题（每项附理由与依据，可逐项填写“同意/不同意/修改”）"
        "见规划工作簿 {w}（由 platgraph plan --xlsx 生成，platgraph demo 也会写出）；全部覆盖缺口见 platgraph coverage。",
        "This report lists the top items only. Every item of the three batches and the data-quality issues — each "
        "with its reasons and evidence, and a column to mark agree / disagree / amend — are in the plan workbook "
        "{w} (written by platgraph plan --xlsx, and by platgraph demo); all coverage gaps: platgraph coverage.",
        w=WORKBOOK if ctx.lang == "zh" else WORKBOOK.replace("-zh", "-en")), note=True)


def _segment_support(gap: Mapping[str, Any]) -> bool:
    return (gap.get("kind") == "category" and gap.get("value") == "basic_support"
            and gap.get("industry_level") == "segment")


def _build_for(plan: Mapping[str, Any] | None, gap: dict[str, Any]) -> dict[str, Any] | None:
    for item in (plan or {}).get("build", []):
        if (item.get("industry"), item.get("kind"), item.get("value")) == (gap.get("industry"), gap.get("kind"),
                                                                            gap.get("value")):
            return item
    return None


def _proposal(ctx: ReportContext, item: dict[str, Any] | None) -> str:
    if not item:
        return ctx.t("本期未列入新建（见第五节最接近的现有平台）", "not in this round's build batch (see the nearest "
                     "existing platforms in section 5)")
    parts = [item.get("suggested_type") and ctx.labels.ptype(item["suggested_type"]),
             item.get("level") and ctx.labels.level(item["level"]),
             item.get("city") and ctx.labels.city(item["city"])]
    text = ("，" if ctx.lang == "zh" else ", ").join(p for p in parts if p)
    hosts = [h.get("name") for h in item.get("candidate_hosts") or [] if h.get("name")]
    if hosts:
        text += ctx.t("；候选依托：{h}", "; candidate host: {h}", h=hosts[0])
    return text


def key_numbers(ctx: ReportContext, summary: Summary, r: AnalysisResults) -> list[list[Any]]:
    groups = r.groups or {}
    coverage = r.coverage or {}
    gaps = r.gaps or {}
    plan = r.plan or {}
    running = summary.by["status"].get("active", 0) + summary.by["status"].get("building", 0)
    in_groups = sum(len(g.get("platforms", [])) for g in groups.get("groups", []))
    missing_pairs = sum(1 for e in gaps.get("industries", []) if e.get("missing_pairs"))
    rows: list[list[Any]] = [
        [ctx.t("平台总数", "Platforms"), summary.total,
         ctx.t("其中在运行或建设中 {n} 个", "{n} running or being built", n=f"{running:,}")],
        [ctx.t("交叉重复平台组", "Overlap groups"), groups.get("total", 0),
         ctx.t("涉及 {n} 个平台", "{n} platforms in them", n=in_groups)],
        [ctx.t("重点产业覆盖缺口", "Coverage gaps"), len(coverage.get("gaps", [])),
         ctx.t("缺少某类平台、缺少国家级平台或布局城市无平台", "a missing category, no national platform, or a "
               "layout city without one")],
        [ctx.t("单一主体平台", "Single-sector platforms"), gaps.get("single_sector_total", 0),
         ctx.t("依托、共建和人员全部来自产学研用中的一方", "host, co-builders and people all from one sector")],
        [ctx.t("存在未合作的产学研用组合的产业", "Industries with a sector pair that never collaborates"),
         missing_pairs, ctx.t("共 {n} 个重点产业参与统计", "of {n} key industries analysed",
                              n=len(gaps.get("industries", [])))],
    ]
    for batch, zh, en in (("optimise", "优化调整一批", "Optimise batch"), ("retire", "撤销淘汰一批", "Retire batch"),
                          ("rectify", "限期整改", "Rectify within a deadline"),
                          ("build", "新认定建设一批", "Build batch")):
        if batch in plan:  # 限期整改 only where the plan has it
            rows.append([ctx.t(zh, en), len(plan[batch]), ctx.t("项（全部见规划工作簿）", "items (all in the workbook)")])
    return rows


def _with_successors(targets: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """One row per target, a legacy type's row folded into its successor's (same level and year): the
    plan converts (转建/纳入) those platforms, so each row alone would read as a shortfall and an
    overshoot that are one movement."""
    by_slot = {(t.get("type"), t.get("level"), t.get("year")): t for t in targets}
    folded: dict[tuple[Any, ...], list[dict[str, Any]]] = {}
    out: list[dict[str, Any]] = []
    for t in targets:
        succ = by_slot.get((t.get("converts_to"), t.get("level"), t.get("year"))) if t.get("converts_to") else None
        if succ is not None:
            folded.setdefault((succ.get("type"), succ.get("level"), succ.get("year")), []).append(t)
        else:
            out.append(t)
    for i, t in enumerate(out):
        extra = folded.get((t.get("type"), t.get("level"), t.get("year")))
        if not extra:
            continue
        merged = dict(t)
        for key in ("target_total", "holding", "holding_after_plan", "plan_retire", "plan_build"):
            values = [r.get(key) for r in (t, *extra)]
            merged[key] = None if any(v is None for v in values) else sum(values)
        now, after, target = merged["holding"], merged["holding_after_plan"], merged["target_total"]
        merged["distance_total"] = None if target is None or now is None else target - now
        merged["distance_total_after_plan"] = None if target is None or after is None else target - after
        merged["folded"] = [r.get("type") for r in extra]
        out[i] = merged
    return out


def targets_rows(ctx: ReportContext, targets: list[dict[str, Any]] | None) -> tuple[list[list[Any]], int]:
    """Targets the plan moves or that are still missed, largest distance first (top ten); a legacy
    type's target is shown together with its successor's."""
    targeted = [t for t in targets or [] if t.get("target_total") is not None]
    moved = [t for t in _with_successors(targeted)
             if t.get("distance_total") or t.get("plan_retire") or t.get("plan_build")]
    moved.sort(key=lambda t: (-abs(t.get("distance_total") or 0), t.get("type") or "", t.get("level") or ""))
    rows = []
    for t in moved[:TOP]:
        name = ctx.labels.ptype(t.get("type"))
        if t.get("folded"):
            name += ctx.t("（含转建/纳入的{f}）", " (incl. converted {f})",
                          f=ctx.t("、", ", ").join(ctx.labels.ptype(f) for f in t["folded"]))
        if t.get("level"):
            name += ctx.t("（{l}）", " ({l})", l=ctx.labels.level(t["level"]))
        rows.append([name, t.get("target_total"), t.get("holding"), t.get("holding_after_plan", t.get("holding")),
                     t.get("distance_total"), t.get("distance_total_after_plan", t.get("distance_total"))])
    return rows, len(targeted)


def executive_section(ctx: ReportContext, summary: Summary, r: AnalysisResults,
                      strength: dict[str, dict[str, Any]]) -> list[Block]:
    blocks: list[Block] = [Heading(ctx.t("摘要", "Executive summary"), 1, "executive")]
    plan = r.plan or {}
    blocks.append(Paragraph(ctx.t(
        "全区现有科技创新平台 {n} 个。分析发现交叉重复平台 {g} 组、重点产业覆盖缺口 {c} 处、单一主体平台 {s} 个。"
        "按《广西科技创新平台优化整合方案》提出三批清单：优化调整一批 {o} 项、撤销淘汰一批 {x} 项、新认定建设一批 {b} 项。",
        "The region has {n} S&T innovation platforms. The analysis found {g} groups of overlapping platforms, "
        "{c} coverage gaps in the key industries and {s} single-sector platforms. Following the Guangxi plan "
        "for optimising and integrating S&T innovation platforms, it proposes three batches: optimise {o}, "
        "retire {x}, build {b}.",
        n=f"{summary.total:,}", g=(r.groups or {}).get("total", 0), c=len((r.coverage or {}).get("gaps", [])),
        s=(r.gaps or {}).get("single_sector_total", 0), o=len(plan.get("optimise", [])),
        x=len(plan.get("retire", [])), b=len(plan.get("build", [])))))
    blocks.append(Table(ctx.next_table(ctx.t("关键数字", "Key numbers")),
                        [ctx.t("指标", "Measure"), ctx.t("数量", "Count"), ctx.t("说明", "Note")],
                        key_numbers(ctx, summary, r), kind="executive-numbers", weights=[5, 2, 8]))

    if r.groups is not None:
        top = strongest_groups(r.groups.get("groups", []), strength)[:TOP]
        sep = "、" if ctx.lang == "zh" else "; "
        blocks.append(Table(
            ctx.next_table(ctx.t("最强的 {n} 组交叉重复平台", "The {n} strongest overlap groups", n=len(top))),
            [ctx.t("序号", "#"), ctx.t("平台", "Platforms"), ctx.t("相似度", "Similarity"),
             ctx.t("建议", "Recommendation"), ctx.t("建议保留", "Keep")],
            [[i, sep.join(p.get("name") or "" for p in g.get("platforms", [])),
              round(float(strength.get(g.get("id") or "", {}).get("strongest") or 0.0), 2),
              ctx.labels.recommendation(g.get("recommendation")), keep_name(g)]
             for i, g in enumerate(top, start=1)], kind="executive-overlaps", weights=[1, 12, 2, 2, 5]))

    if r.coverage is not None:
        every = r.coverage.get("gaps", [])
        # 基础支撑 is built per industry, never per chain segment (policy.toml, docs/methods.md): such a
        # segment gap is its industry's to close, so it is counted here, not listed as a build miss
        segment_support = [g for g in every if _segment_support(g)]
        gaps = [g for g in every if not _segment_support(g)][:TOP]
        if segment_support:
            blocks.append(Paragraph(ctx.t(
                "另有 {n} 处产业环节缺少基础支撑与条件保障类平台：此类平台按产业统筹建设、不按环节单建，"
                "由所属产业的布局统一考虑，未列入下表（全部缺口见 platgraph coverage）。",
                "Another {n} chain segments lack a basic-support platform: such platforms are built per "
                "industry, not per segment, so they are left to their industry's layout and not listed below "
                "(all gaps: platgraph coverage).", n=len(segment_support))))
        blocks.append(Table(
            ctx.next_table(ctx.t("最重要的 {n} 处覆盖缺口及建设建议", "The {n} most important coverage gaps and "
                                 "what to build", n=len(gaps))),
            [ctx.t("序号", "#"), ctx.t("产业（环节）", "Industry (segment)"), ctx.t("缺少", "Missing"),
             ctx.t("现有平台", "Platforms now"), ctx.t("建议新建（候选依托单位）", "Proposal (candidate host)")],
            [[g.get("rank"), industry_text(ctx, g), g.get("missing"), g.get("platforms"),
              _proposal(ctx, _build_for(r.plan, g))] for g in gaps],
            kind="executive-gaps", weights=[1, 5, 5, 2, 9]))

    if r.plan is not None:
        rows, targeted = targets_rows(ctx, plan.get("targets", r.targets))
        blocks.append(Paragraph(ctx.t(
            "三批清单实施后，各类平台保有量与建设目标的差距如下表（列出差距最大或方案有变动的 {s} 项，"
            "全部 {n} 项目标见第一节）。差距为正表示尚缺，为负表示超出。",
            "After the three batches, the holdings compare with the targets as below (the {s} targets furthest "
            "off or changed by the plan; all {n} targets are in section 1). A positive distance is still to go, "
            "a negative one is over the target.", s=len(rows), n=targeted)))
        blocks.append(Table(
            ctx.next_table(ctx.t("方案前后的建设目标对比", "Targets before and after the plan")),
            [ctx.t("平台类型（级别）", "Type (level)"), ctx.t("保有量目标", "Target"), ctx.t("现有", "Now"),
             ctx.t("方案后", "After plan"), ctx.t("现距目标", "Distance now"),
             ctx.t("方案后距目标", "Distance after")], rows, kind="executive-targets", weights=[6, 2, 2, 2, 2, 2]))
    blocks.append(workbook_note(ctx))
    return blocks
