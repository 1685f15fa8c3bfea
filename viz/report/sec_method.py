"""Section 7: how the findings are computed, and where the data and the findings come from (ingest
runs, the analysis run, the date the report was built)."""

from __future__ import annotations

import json
from typing import Any

from graph.i18n import Lang
from graph.store import Store
from viz.report.context import ReportContext, plain
from viz.report.cypher import cypher
from viz.report.model import Block, Heading, Paragraph, Table

RUNS_LISTED = 10

METHOD_NOTES: tuple[tuple[str, str], ...] = (
    ("交叉重复：对同一类型族（如工程技术研究中心、工程研究中心、企业技术中心等）或同一依托单位的平台两两比较，"
     "综合依托与共建单位、研究方向关键词、平台人员、服务产业和相近类型等信号打分；得分超过阈值的平台对归入重复组，"
     "并按组给出合并、调整方向或复核的建议及理由。",
     "Overlap: platforms in the same type family (engineering centres, laboratories, incubators) or with the "
     "same host are compared pairwise on host and co-builders, research-direction keywords, shared people, "
     "served industries and near-duplicate types; pairs above the threshold form groups, each with a merge, "
     "refocus or review recommendation and its reasons."),
    ("协同缺口：按重点产业统计参与的产（企业）、学（高校）、研（科研院所）、用（医院、政府等应用方）单位及其合作记录，"
     "比较各方两两之间的实际合作与按规模应有的合作；协同度采用 Leydesdorff 三螺旋互信息 "
     "T = H产 + H学 + H研 − H产学 − H产研 − H学研 + H产学研（以 2 为底的 Shannon 熵），四螺旋按阶交替正负号推广，T 为负表示协同。",
     "Collaboration gaps: per key industry, the industry, academia, research and user institutions taking part and "
     "their collaboration records; observed ties between each pair of sectors are compared with what their sizes "
     "predict. Synergy is Leydesdorff's Triple Helix mutual information T = H_u + H_i + H_g − H_ui − H_ug − H_ig "
     "+ H_uig (Shannon entropy in bits), generalised to four helices with alternating signs; negative T = synergy."),
    ("网络结构：单位合作网络以单位为节点、合作关系为边（权重为合作次数）；核心单位按中介中心性排序"
     "（网络较大时按固定随机种子抽样估计），桥梁单位为 Burt 约束度最低的单位（约束度低说明其连接的伙伴之间彼此较少直接合作）。",
     "Network structure: institutions are nodes and collaborations edges (weight = number of collaborations); central "
     "institutions are ranked by betweenness (estimated from a seeded sample of sources on large networks); brokers "
     "have the lowest Burt constraint (their partners rarely collaborate with each other directly)."),
    ("覆盖：统计服务各重点产业（含产业链环节）的在运行和建设中平台，按类别、级别和城市交叉计数；某产业缺少某类别、"
     "缺少国家级平台或布局城市没有平台即为缺口，按产业优先级排序。三批清单由上述结果与评估结果、建设状态生成。",
     "Coverage: active and building platforms serving each key industry (and its chain segments) are counted by "
     "category, level and city; a missing category, no national platform, or a layout city without platforms is a "
     "gap, ranked by industry priority. The three batches combine these findings with evaluations and status."),
)


# Run statuses as the graph stores them (ingest/cypher.py, queries/runs.py) → the reader's words.
RUN_STATUS: dict[str, tuple[str, str]] = {
    "completed": ("已完成", "completed"),
    "running": ("进行中（未完成）", "running (unfinished)"),
    "failed": ("失败", "failed"),
    "interrupted": ("已中断（由后续导入补齐）", "interrupted (completed by a later ingest)"),
}


def status_text(status: str | None, ctx: ReportContext) -> str:
    """A run's status in the report's language; an unknown value is shown as stored."""
    zh_en = RUN_STATUS.get(status or "")
    return ctx.t(*zh_en) if zh_en else status or ""


def _loaded_text(value: Any, lang: Lang) -> Any:
    if isinstance(value, str):
        try:
            return plain(json.loads(value), lang)
        except ValueError:
            return value
    return plain(value, lang)


def method_section(ctx: ReportContext, store: Store, latest_run: dict[str, Any] | None, generated: str) -> list[Block]:
    blocks: list[Block] = [Heading(ctx.t("七、方法说明与数据来源", "7. Method notes and data provenance"), 1, "method")]
    blocks.append(Heading(ctx.t("方法说明", "Method notes"), 2))
    blocks.extend(Paragraph(ctx.t(zh, en), note=True) for zh, en in METHOD_NOTES)

    blocks.append(Heading(ctx.t("数据来源", "Data provenance"), 2, "provenance"))
    if latest_run:
        blocks.append(Paragraph(ctx.t("本报告的分析结果来自分析批次 {k}（{s} 开始，{f} 完成）。报告生成时间：{g}。",
                                      "The findings come from analysis run {k} (started {s}, finished {f}). "
                                      "Report generated {g}.", k=latest_run.get("key"),
                                      s=_when(str(latest_run.get("started"))), f=_when(str(latest_run.get("finished"))),
                                      g=generated)))
    else:
        blocks.append(Paragraph(ctx.t("图中还没有完成的分析批次（请先运行 platgraph analyze）。报告生成时间：{g}。",
                                      "No completed analysis run in the graph yet (run platgraph analyze first). "
                                      "Report generated {g}.", g=generated)))
    ingest = store.read(cypher("ingest_runs"), {"limit": RUNS_LISTED})
    blocks.append(Table(
        ctx.next_table(ctx.t("数据导入批次", "Ingest runs")),
        [ctx.t("开始", "Started"), ctx.t("完成", "Finished"), ctx.t("状态", "Status"),
         ctx.t("读取行数", "Rows read"), ctx.t("导入", "Loaded"), ctx.t("拒收行数", "Rejected"),
         ctx.t("数据文件", "Sources")],
        [[_when(r["started"]), _when(r["finished"]), status_text(r["status"], ctx), r["read"],
          _loaded_text(r["loaded"], ctx.lang), r["rejected"], plain(r["sources"], ctx.lang)] for r in ingest],
        kind="provenance-ingest", weights=[3, 3, 2, 2, 8, 2, 5]))
    return blocks


def _when(value: Any) -> Any:
    """A stored timestamp to the minute (2026-12-01T00:22:51.78Z → 2026-12-01 00:22)."""
    return value[:16].replace("T", " ") if isinstance(value, str) and len(value) >= 16 else value
