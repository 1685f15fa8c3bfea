"""The 优化调整 (optimise) and 撤销淘汰 (retire) batches, each item with evidence from the graph.

Retire rules (a platform already revoked or merged is not listed again):

* ``evaluation_failed`` — 评估结果 不合格; or 整改 *not passed*. The templates carry one 评估结果 per
  platform and no evaluation year, so "整改 and no later pass" is read as: the latest recorded
  result is still 整改 (a later pass would have replaced it with 合格 or better). The item says which
  grade it saw;
* ``long_inactive`` — still 建设中 (status building) ``inactive_years`` or more after its year of
  recognition (认定年份): a construction period that never ended;
* ``absorbed_by_merge`` — a member of an overlap group whose recommendation is ``merge`` and which is
  not the platform that keeps (``keep``): fully absorbed by the merge.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from graph.i18n import Lang, tr
from graph.store import Store
from queries.coverage._cypher import cypher
from queries.coverage.snapshot import Snapshot
from queries.plan.whatif import CoverageIndex, describe_loss

INACTIVE_YEARS = 5
REC_NAMES = {"merge": ("合并", "merge"), "refocus": ("调整方向", "refocus"), "review": ("复核", "review")}


def read_groups(store: Store) -> list[dict[str, Any]]:
    """The latest overlap run's groups (empty when the overlap analysis has not run)."""
    return store.read(cypher("overlap_groups", "plan"))


def _keep(group: dict[str, Any]) -> str:
    members = sorted(group["members"])
    return group["keep"] if group.get("keep") in members else members[0]


def optimise_batch(index: CoverageIndex, groups: list[dict[str, Any]], lang: Lang) -> list[dict[str, Any]]:
    """One item per overlap group: the recommendation, the platform that keeps, the members, the
    overlap reasons and — for merges — what the merge alone would cost in coverage."""
    snap = index.snapshot
    items = []
    for g in groups:
        members = [k for k in sorted(g["members"]) if k in snap.platforms]
        keep = _keep(g)
        rec = g.get("recommendation") or "review"
        texts = (g.get("reasons_en") if lang == "en" else g.get("reasons_zh")) or []
        reasons = [{"code": "overlap", "text": t,
                    "evidence": {"group": g["key"], "run": g["run"], "platforms": members}} for t in texts]
        if not reasons:
            reasons = [{"code": "overlap", "text": tr("重叠分析将这些平台归为一组", "the overlap analysis grouped these platforms",
                                                       lang), "evidence": {"group": g["key"], "run": g["run"],
                                                                           "platforms": members}}]
        impact: list[dict[str, Any]] = []
        if rec == "merge" and len(members) >= 2:
            group = [keep] + [k for k in members if k != keep]
            impact = [describe_loss(index, u, p, lang) for u, p in index.losses([group], [])]
        zh, en = REC_NAMES.get(rec, (rec, rec))
        items.append({
            "group": g["key"], "run": g["run"], "recommendation": rec, "recommendation_name": tr(zh, en, lang),
            "keep": snap.platforms[keep].ref() if keep in snap.platforms else {"key": keep},
            "platforms": [snap.platforms[k].ref() for k in members],
            "size": g.get("size") or len(members), "reasons": reasons, "coverage_losses": impact,
        })
    return items


def _retire_reasons(plat, year: int, inactive_years: int, absorbed: dict[str, dict[str, Any]],
                    lang: Lang) -> list[dict[str, Any]]:
    reasons = []
    if plat.evaluation == "不合格":
        reasons.append({"code": "evaluation_failed", "grade": "不合格",
                        "text": tr("评估结果为不合格", "evaluation result: 不合格 (fail)", lang),
                        "evidence": {"evaluation": plat.evaluation}})
    elif plat.evaluation == "整改":
        reasons.append({"code": "evaluation_failed", "grade": "整改",
                        "text": tr("评估结果为整改，且没有其后通过的记录（最新评估结果仍为整改）",
                                   "evaluation 整改 (rectify) with no later pass recorded (the latest result is "
                                   "still 整改)", lang),
                        "evidence": {"evaluation": plat.evaluation}})
    if plat.status == "building" and plat.established is not None and year - plat.established >= inactive_years:
        reasons.append({"code": "long_inactive",
                        "text": tr("{y} 年认定，至今（{n} 年）仍处于建设中", "recognised in {y} and still being built "
                                   "{n} years later", lang, y=plat.established, n=year - plat.established),
                        "evidence": {"status": plat.status, "established": plat.established, "as_of": year}})
    if plat.key in absorbed:
        g = absorbed[plat.key]
        reasons.append({"code": "absorbed_by_merge",
                        "text": tr("重叠组 {g} 建议合并，由 {k} 整合吸收", "overlap group {g} recommends a merge into {k}",
                                   lang, g=g["group"], k=g["keep_name"]),
                        "evidence": {"group": g["group"], "run": g["run"], "keep": g["keep"],
                                     "overlap_reasons": g["reasons"]}})
    return reasons


def retire_batch(index: CoverageIndex, groups: list[dict[str, Any]], lang: Lang, *,
                 as_of: int | None = None, inactive_years: int = INACTIVE_YEARS) -> list[dict[str, Any]]:
    """Platforms to retire, each with its reasons and the coverage only it provides (a warning)."""
    snap: Snapshot = index.snapshot
    year = as_of or datetime.now(UTC).year
    absorbed: dict[str, dict[str, Any]] = {}
    for g in groups:
        if g.get("recommendation") != "merge":
            continue
        keep = _keep(g)
        keep_name = snap.platforms[keep].name if keep in snap.platforms else keep
        for key in g["members"]:
            if key != keep:
                absorbed[key] = {"group": g["key"], "run": g["run"], "keep": keep, "keep_name": keep_name,
                                 "reasons": (g.get("reasons_en") if lang == "en" else g.get("reasons_zh")) or []}
    sole = index.sole_units()
    items = []
    for plat in sorted(snap.platforms.values(), key=lambda p: p.key):
        if not plat.covering:
            continue
        reasons = _retire_reasons(plat, year, inactive_years, absorbed, lang)
        if not reasons:
            continue
        # absorbed platforms hand their industries to the survivor, so only outright retirement warns
        warn = [] if plat.key in absorbed else [describe_loss(index, u, {plat.key}, lang) for u in sole.get(plat.key, [])]
        items.append({**plat.ref(), "evaluation": plat.evaluation, "established": plat.established,
                      "reason": reasons[0]["code"], "reasons": reasons, "sole_coverage": warn})
    order = {"evaluation_failed": 0, "long_inactive": 1, "absorbed_by_merge": 2}
    items.sort(key=lambda i: (order[i["reason"]], i["key"]))
    return items
