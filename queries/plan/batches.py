"""The 优化调整 (optimise), 撤销淘汰 (retire) and 限期整改 (rectify) batches, and the lists the region
passes on (national, municipal, coordination), each item with evidence from the graph.

The rules are data (``graph/data/policy.toml``, cited in docs/methods.md):

* **authority** — the plan acts on regional platforms of its four departments. A national or
  ministerial platform never enters 撤销淘汰: it goes to the recommendations to the national
  department; a municipal one to the city list; a departmental (厅级) one, or one of a department
  outside the four, to the coordination list;
* **evaluations** — 不合格 and 整改不通过 end the recognition (``evaluation_failed``); 整改 opens a
  one-year rectification (限期整改), never a retirement by itself; 整改通过 continues as 合格. The
  history comes from the evaluations table; without one, the platform's 评估结果 is its latest result;
* **long inactivity** — still 建设中 ``inactive_years`` after recognition (``long_inactive``);
* **merges** — an overlap group recommended for a merge is merged only within one department the
  plan acts on; members outside it become a coordination item. The platform that keeps is never
  one with failing evidence;
* **合理归并** — a platform of a legacy type becomes a 转建/纳入 item (``convert``);
* **one line per platform** — precedence retire > merge > rectify > convert: a platform absorbed by
  a merge is listed under 优化调整 with its survivor and nowhere else.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from graph.i18n import Lang, tr
from graph.store import Store
from queries.coverage._cypher import cypher
from queries.coverage.snapshot import PlatformFacts, Snapshot
from queries.plan.policy import Policy
from queries.plan.results import (
    ConvertItem,
    CoordinationItem,
    CoverageLoss,
    GroupItem,
    Reason,
    RectifyItem,
    RetireItem,
    RoutedConvert,
    RoutedRectify,
    RoutedRetire,
)
from queries.plan.whatif import CoverageIndex, describe_loss

REC_NAMES = {"merge": ("合并", "merge"), "integrate": ("一体化管理", "integrate"), "refocus": ("调整方向", "refocus"),
             "review": ("复核", "review")}


def rec_name(rec: str, lang: Lang) -> str:
    """A group's recommendation (merge, integrate…) as a planner reads it; an unknown one as is."""
    zh, en = REC_NAMES.get(rec, (rec, rec))
    return tr(zh, en, lang)


ROUTE_NAMES = {"national": ("国家级、部级平台（建议报国家主管部门）", "national and ministerial platforms (recommendations to "
                            "the national department)"),
               "municipal": ("市级平台（交由设区市）", "municipal platforms (for the city)"),
               "department": ("其他部门平台（需与主管部门协调）", "platforms of other departments (to coordinate)")}


def read_groups(store: Store) -> list[dict[str, Any]]:
    """The latest overlap run's groups (empty when the overlap analysis has not run)."""
    return store.read(cypher("overlap_groups", "plan"))


def read_evaluations(store: Store) -> dict[str, list[dict[str, Any]]]:
    """Platform key → its evaluation records (year, result, note)."""
    return {r["platform"]: r["records"] for r in store.read(cypher("evaluations", "plan"))}


@dataclass
class Standing:
    """What the evaluations and the status say about one platform, with the evidence."""

    key: str
    route: str
    department: str | None
    latest: str | None = None
    latest_year: int | None = None
    history: list[dict[str, Any]] = field(default_factory=list)
    fail: Reason | None = None  # the reason, when the recognition should end
    inactive: Reason | None = None
    rectify: Reason | None = None


def _history_text(history: list[dict[str, Any]], lang: Lang) -> str:
    if lang == "en":
        return ", ".join(f"{h['year']} {h['result']}" for h in history)
    return "，".join(f"{h['year']} 年{h['result']}" for h in history)


def standing(plat: PlatformFacts, records: list[dict[str, Any]], policy: Policy, year: int, lang: Lang) -> Standing:
    """The platform's standing under the policy: failing evidence, inactivity, rectification."""
    dept = policy.department_of(plat.type)
    route = policy.route(plat.level, dept)
    if route == "municipal":
        # a municipal platform is recognised by its city, whatever regional department its type has
        # (graph/data/policy.toml [levels]); naming the regional department would send the planner
        # to the wrong office
        dept = policy.municipal_department(plat.city, lang)
    st = Standing(plat.key, route, dept)
    hist = sorted((r for r in records if r.get("result")), key=lambda r: (r["year"] or 0, policy.stage(r["result"])))
    st.history = [{"year": r["year"], "result": r["result"], "note": r.get("note")} for r in hist]
    if hist:
        st.latest, st.latest_year = hist[-1]["result"], hist[-1]["year"]
    else:
        st.latest = plat.evaluation
    meaning = policy.meaning(st.latest)
    seen = tr("评估记录：{h}", "evaluation records: {h}", lang, h=_history_text(st.history, lang)) if st.history else \
        tr("平台表评估结果（最新）：{g}", "latest result in the platforms table: {g}", lang, g=st.latest)
    evidence = {"evaluation": st.latest, "evaluation_year": st.latest_year,
                "history": [f"{h['year']} {h['result']}" for h in st.history]}
    if meaning == "fail":
        text = (tr("整改期满验收不通过（整改不通过），取消认定资格", "failed the acceptance review after rectification "
                   "(整改不通过): the recognition ends", lang) if st.latest == "整改不通过"
                else tr("评估结果为不合格", "evaluation result: 不合格 (fail)", lang))
        st.fail = {"code": "evaluation_failed", "grade": st.latest, "text": f"{text}（{seen}）" if lang != "en"
                   else f"{text} ({seen})", "evidence": evidence}
    elif meaning == "rectify":
        due = (st.latest_year + policy.rectify_years) if st.latest_year else None
        overdue = due is not None and year > due
        text = tr("评估结果为整改：限期 {n} 年整改，期满验收；整改不是撤销理由", "graded 整改 (rectify): {n}-year "
                  "rectification, then an acceptance review; 整改 alone is no reason to retire", lang,
                  n=policy.rectify_years)
        if due is not None:
            text += tr("（整改期限至 {d} 年{o}）", " (due {d}{o})", lang, d=due,
                       o=tr("，已到期，应组织验收", ", overdue: hold the acceptance review", lang) if overdue else "")
        st.rectify = {"code": "rectify", "grade": "整改", "due": due, "overdue": overdue,
                      "text": f"{text}；{seen}" if lang != "en" else f"{text}; {seen}", "evidence": evidence}
    if (plat.status == "building" and plat.established is not None
            and year - plat.established >= policy.inactive_years):
        st.inactive = {"code": "long_inactive",
                       "text": tr("{y} 年认定，至今（{n} 年）仍处于建设中", "recognised in {y} and still being built "
                                  "{n} years later", lang, y=plat.established, n=year - plat.established),
                       "evidence": {"status": plat.status, "established": plat.established, "as_of": year}}
    return st


def standings(store: Store, snap: Snapshot, policy: Policy, lang: Lang, as_of: int | None,
              inactive_years: int | None = None) -> dict[str, Standing]:
    year = as_of or datetime.now(UTC).year
    if inactive_years is not None and inactive_years != policy.inactive_years:
        from dataclasses import replace
        policy = replace(policy, inactive_years=inactive_years)
    records = read_evaluations(store)
    return {p.key: standing(p, records.get(p.key, []), policy, year, lang)
            for p in snap.platforms.values() if p.covering}


def _reasons_text(g: dict[str, Any], lang: Lang) -> list[str]:
    return (g.get("reasons_en") if lang == "en" else g.get("reasons_zh")) or []


def _group_reasons(g: dict[str, Any], members: list[str], lang: Lang) -> list[Reason]:
    texts = _reasons_text(g, lang) or [tr("重叠分析将这些平台归为一组", "the overlap analysis grouped these platforms", lang)]
    return [{"code": "overlap", "text": t, "evidence": {"platforms": members}} for t in texts]


def optimise_batch(index: CoverageIndex, groups: list[dict[str, Any]], st: dict[str, Standing], policy: Policy,
                   lang: Lang, taken: set[str]) -> tuple[list[GroupItem], list[CoordinationItem]]:
    """One 优化调整 item per overlap group the plan can act on, and coordination items for the rest.

    A merge stays within one department the plan acts on (the largest such part of the group);
    members with failing evidence (already in 撤销淘汰, ``taken``) leave the group."""
    snap = index.snapshot
    items: list[GroupItem] = []
    coordinate: list[CoordinationItem] = []
    for g in groups:
        members = [k for k in sorted(g["members"]) if k in snap.platforms and k in st and k not in taken]
        rec = g.get("recommendation") or "review"
        by_dept: dict[str, list[str]] = {}
        outside: list[str] = []
        for k in members:
            s = st[k]
            if s.route == "act":
                by_dept.setdefault(s.department or "", []).append(k)
            else:
                outside.append(k)
        parts = sorted(by_dept.items(), key=lambda kv: (-len(kv[1]), kv[0]))
        main_dept, main = parts[0] if parts else ("", [])
        others = outside + [k for d, ks in parts[1:] for k in ks]
        if len(main) < 2 and not (rec != "merge" and main):
            others = members
            main = []
        if main:
            keep = g.get("keep") if g.get("keep") in main else None
            if keep is None or st[keep].rectify or st[keep].inactive:
                healthy = [k for k in main if not st[k].rectify and not st[k].inactive]
                keep = (healthy or main)[0]
            impact: list[CoverageLoss] = []
            if rec == "merge":
                impact = [describe_loss(index, u, p, lang) for u, p in index.losses([[keep] + [k for k in main
                                                                                                 if k != keep]], [])]
            zh, en = REC_NAMES.get(rec, (rec, rec))
            notes: list[str] = []
            for k in main:
                if st[k].rectify:
                    notes.append(tr("{n} 正在限期整改", "{n} is in rectification", lang, n=snap.platforms[k].name))
                conv = policy.conversions.get(snap.platforms[k].type or "")
                if conv is not None and (k == keep or rec != "merge"):  # an absorbed one needs no conversion
                    notes.append(tr("{n} 属合理归并类型（{src}），应{a}{t}", "{n} is a legacy type ({src}): {a} into {t}",
                                    lang, n=snap.platforms[k].name, src=conv.source, a=conv.action, t=conv.target_type))
            items.append({
                "item": f"merge:{g['key']}", "kind": "overlap", "group": g["key"], "run": g["run"],
                "recommendation": rec, "recommendation_name": tr(zh, en, lang), "department": main_dept or None,
                "keep": snap.platforms[keep].ref(),
                "platforms": [snap.platforms[k].ref() for k in main],
                "absorbed": [snap.platforms[k].ref() for k in main if k != keep] if rec == "merge" else [],
                "size": len(main), "reasons": _group_reasons(g, [snap.platforms[k].name for k in main], lang),
                "notes": notes, "coverage_losses": impact,
            })
            taken.update(main)
        if others and len(members) >= 2:
            names = [snap.platforms[k].name for k in members]
            depts = sorted({st[k].department or "?" for k in members})
            coordinate.append({
                "item": f"coordinate:{g['key']}", "kind": "overlap_across", "route": "department",
                "group": g["key"], "recommendation": rec,
                "platforms": [snap.platforms[k].ref() for k in others],
                "with": [snap.platforms[k].ref() for k in main],
                "action": tr("与主管部门协调重叠（{r}）", "coordinate the overlap with the departments ({r})", lang,
                             r=rec_name(rec, lang)),
                "reasons": _group_reasons(g, names, lang) + [{
                    "code": "across_departments",
                    "text": tr("涉及 {d}，合并不跨部门进行，由主管部门协调", "spans {d}: merges never cross departments; "
                               "the departments coordinate", lang, d="、".join(depts)),
                    "evidence": {"departments": depts}}],
            })
            taken.update(others)
    return items, coordinate


def retire_batch(index: CoverageIndex, st: dict[str, Standing], lang: Lang) -> tuple[list[RetireItem], list[RoutedRetire]]:
    """Platforms whose recognition should end (acting departments), and the same evidence for
    platforms others recognise (routed to their lists)."""
    snap: Snapshot = index.snapshot
    sole = index.sole_units()
    items: list[RetireItem] = []
    passed_on: list[RoutedRetire] = []
    for key in sorted(st):
        s = st[key]
        reasons = [r for r in (s.fail, s.inactive) if r]
        if not reasons:
            continue
        plat = snap.platforms[key]
        item: RetireItem = {**plat.ref(), "item": f"retire:{key}", "evaluation": s.latest, "established": plat.established,
                "department": s.department, "reason": reasons[0]["code"], "reasons": reasons,
                "sole_coverage": [describe_loss(index, u, {key}, lang) for u in sole.get(key, [])]}
        if s.route == "act":
            items.append(item)
        else:
            passed_on.append({**item, "item": f"{s.route}:{key}", "route": s.route,
                              "action": tr("建议撤销（由认定部门决定）", "recommend revoking (the recognising "
                                           "department decides)", lang)})
    order = {"evaluation_failed": 0, "long_inactive": 1}
    items.sort(key=lambda i: (order[i["reason"]], i["key"]))
    return items, passed_on


def rectify_batch(snap: Snapshot, st: dict[str, Standing], lang: Lang,
                  taken: set[str]) -> tuple[list[RectifyItem], list[RoutedRectify]]:
    """限期整改: platforms graded 整改 whose rectification has not been decided yet."""
    items: list[RectifyItem] = []
    passed_on: list[RoutedRectify] = []
    for key in sorted(st):
        s = st[key]
        if s.rectify is None or key in taken:
            continue
        item: RectifyItem = {**snap.platforms[key].ref(), "item": f"rectify:{key}", "department": s.department,
                "evaluation": s.latest, "due": s.rectify["due"], "overdue": s.rectify["overdue"],
                "reason": "rectify", "reasons": [s.rectify]}
        if s.route == "act":
            items.append(item)
        else:
            passed_on.append({**item, "item": f"{s.route}:{key}", "route": s.route,
                              "action": tr("限期整改（由认定部门组织）", "rectification (organised by the recognising "
                                           "department)", lang)})
        taken.add(key)
    return items, passed_on


def convert_batch(snap: Snapshot, st: dict[str, Standing], policy: Policy, lang: Lang,
                  taken: set[str]) -> tuple[list[ConvertItem], list[RoutedConvert]]:
    """合理归并: each platform of a legacy type becomes a 转建 / 纳入 item (the plan's own ones), or a
    recommendation (national types)."""
    items: list[ConvertItem] = []
    passed_on: list[RoutedConvert] = []
    for key in sorted(st):
        plat = snap.platforms[key]
        conv = policy.conversions.get(plat.type or "")
        if conv is None or key in taken:
            continue
        s = st[key]
        reason: Reason = {"code": "legacy_type", "text": tr(
            "{f}属合理归并的类型（{src}），{a}{t}", "{f} is a type merged by function ({src}): {a} {t}", lang,
            f=conv.source_type, src=conv.source, a=conv.action, t=conv.target_type),
            "evidence": {"type": conv.source_type, "to": conv.target_type, "source": conv.source}}
        item: ConvertItem = {**plat.ref(), "item": f"convert:{key}", "kind": "convert", "department": s.department,
                "recommendation": "convert", "keep": plat.ref(), "platforms": [plat.ref()], "absorbed": [],
                "coverage_losses": [], "action": conv.action, "to_type": conv.target_type,
                "recommendation_name": tr(f"{conv.action}为{conv.target_type}", f"{conv.action} into {conv.target_type}",
                                          lang), "reasons": [reason]}
        if s.route == "act":
            items.append(item)
        else:
            passed_on.append({**item, "item": f"{s.route}:{key}", "route": s.route,
                              "action": tr("建议{a}为{t}", "recommend: {a} into {t}", lang, a=conv.action,
                                           t=conv.target_type)})
        taken.add(key)
    return items, passed_on
