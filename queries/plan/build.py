"""The 新认定建设 (build) batch: the gaps that matter most, each with where, what and who could host it.

Gaps rank by industry priority, then by how much the missing category matters to the industry's
kind (graph/data/policy.toml: technology innovation first for manufacturing). The type proposed
suits the industry (a field station serves ecological, agricultural, forestry or marine fields) and
is never a legacy type; a missing national platform becomes a 培育/争创 item; at most half of the
list is in one category; the list is as long as the targets' 新建数量 still to build.

*Candidate hosts* are institutions of the kind the type calls for (enterprise-led technology
innovation; universities and institutes for science and engineering) with a tie to the industry
itself (declared 所属产业, collaborations recorded for the industry, platforms of the industry they
already host), ranked by people in the field (senior ones count double), those ties and the city.
The evidence counts are in each candidate, so a planner can check them in the graph.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from typing import Any, Literal

from graph.i18n import Lang, tr
from graph.reference import load_taxonomy
from graph.store import Store
from queries.coverage._cypher import cypher
from queries.coverage.gaps import Coverage, level_name, localise_gap
from queries.coverage.talent import SENIOR_ROLES, SENIOR_TITLES
from queries.plan.policy import Policy, load_policy
from queries.plan.results import BuildItem, CandidateHost, Reason

MAX_HOSTS = 3
KIND_LABELS = {"enterprise": ("企业", "enterprise"), "university": ("高校", "university"),
               "institute": ("科研院所", "institute"), "hospital": ("医院", "hospital")}
KIND_NAMES = {"manufacturing": ("制造业", "manufacturing"), "agriculture": ("农业", "agriculture"),
              "forestry": ("林业", "forestry"), "health": ("医药卫生", "health"), "digital": ("数字经济", "digital"),
              "ecological": ("生态环境", "ecological"), "marine": ("海洋", "marine")}


def _host_evidence(store: Store, cov: Coverage, industries: list[str]) -> dict[str, dict[str, dict[str, Any]]]:
    """industry -> institution -> evidence counts, for all the gap industries at once."""
    snap = cov.snapshot
    top = {k: (i.parent or k) for k, i in snap.industries.items()}
    wanted = set(industries)
    all_inds = sorted(k for k in snap.industries if k in wanted or top[k] in wanted)
    ev: dict[str, dict[str, dict[str, Any]]] = defaultdict(lambda: defaultdict(
        lambda: {"people": 0, "senior": 0, "collaborations": 0, "partners": 0, "platforms": 0, "declares": False}))
    for row in store.read(cypher("field_people", "plan"), {"industries": sorted(wanted), "senior_roles": SENIOR_ROLES,
                                                           "senior_titles": SENIOR_TITLES}):
        e = ev[row["industry"]][row["institution"]]
        e["people"], e["senior"] = row["people"], row["senior"]
    for row in store.read(cypher("industry_collaborations", "plan"), {"all_industries": all_inds}):
        for ind in {row["industry"], top.get(row["industry"], row["industry"])} & wanted:
            e = ev[ind][row["institution"]]
            e["collaborations"] += row["n"]
            e["partners"] += row["partners"]
    for inst, inds in snap.host_industries.items():
        for ind in {top.get(i, i) for i in inds} | set(inds):
            if ind in wanted:
                ev[ind][inst]["declares"] = True
    for ind in wanted:
        for plat in cov.by_industry.get(ind, []):
            if plat.host:
                ev[ind][plat.host]["platforms"] += 1
    return ev


def _score(e: dict[str, Any], same_city: bool) -> float:
    score: float = (e["people"] + 2 * e["senior"] + 2 * math.log1p(e["collaborations"]) + 3 * e["platforms"]
            + (2 if e["declares"] else 0) + (3 if same_city else 0))
    return score


KIND_ORDER = {"category": 0, "city": 1, "level": 2, "thin": 3}


def type_quotas(targets: list[dict[str, Any]], policy: Policy) -> dict[str, int]:
    """Type → builds its regional targets still ask for (新建数量 minus what the period built), for the
    types a build may propose (not legacy, recognised by the plan's departments)."""
    types = load_taxonomy().types
    out: dict[str, int] = {}
    for t in targets:
        ptype = types.get(t["type"] or "")
        if (not t["target_key"] or ptype is None or t["target_new"] is None or t["level"] == "national"
                or ptype.legacy or t["type"] in policy.conversions or policy.route(ptype.level, ptype.department) != "act"):
            continue
        need = t["distance_new"] if t["distance_new"] is not None else t["target_new"]
        if need > 0:
            out[t["type"]] = out.get(t["type"], 0) + need
    return out


def _thin(cov: Coverage, policy: Policy, covered: set[tuple[str, str]]) -> list[dict[str, Any]]:
    """When the gaps are fewer than the builds the targets ask for: the industries (not segments)
    thinnest in a category that matters to them, by priority, relevance, then fewest platforms."""
    snap = cov.snapshot
    out: list[dict[str, Any]] = []
    for ind in snap.industries.values():
        if ind.level != "industry" or not ind.key_industry:
            continue
        kinds = policy.kinds_of(ind.key, None)
        for cat in snap.categories:
            if (ind.key, cat) in covered:
                continue
            n = cov.count(ind.key, cat)
            rel = policy.relevance(cat, kinds)
            total = len(cov.by_industry.get(ind.key, []))
            reason_zh = f"{ind.key}（优先级 {ind.priority}）现有 {total} 个在运行平台，其中{snap.categories[cat][0]}类仅 {n} 个"
            reason_en = (f"{ind.key} (priority {ind.priority}) has {total} running platforms, only {n} of them in "
                         f"{snap.categories[cat][1]}")
            out.append({"industry": ind.key, "industry_en": ind.name_en, "industry_level": ind.level,
                        "parent": None, "priority": ind.priority, "kind": "thin", "value": cat,
                        "missing_zh": reason_zh, "missing_en": reason_en, "reason_zh": reason_zh,
                        "reason_en": reason_en, "platforms": total, "segments": [], "nearest": [],
                        "rank": 10_000 + n, "category": cat, "kinds": kinds, "relevance": rel, "count": n})
    out.sort(key=lambda g: (g["priority"], -g["relevance"], g["count"], g["industry"], g["value"]))
    return out


def _candidate_gaps(cov: Coverage, gaps: list[dict[str, Any]], policy: Policy) -> list[dict[str, Any]]:
    """The gaps a build can close, each with its category, the industry's kinds and its relevance,
    ranked by industry priority, then the category's relevance to the industry's kinds.

    基础支撑 is needed per industry, not per chain segment: a segment's basic-support gap is dropped
    (its industry's own gap, if any, stands for it)."""
    snap = cov.snapshot
    out = []
    for gap in gaps:
        ind = snap.industries[gap["industry"]]
        kinds = policy.kinds_of(ind.key, ind.parent)
        plats = cov.by_industry.get(ind.key, [])
        if gap["kind"] == "category":
            category = gap["value"]
            if category == "basic_support" and ind.level == "segment":
                continue
        elif gap["kind"] == "level":
            up = [n for n in gap["nearest"] if n["relation"] == "upgrade_candidate"]
            category = up[0]["category"] if up else None
        else:
            held = Counter(p.category for p in plats if p.category)
            category = max(snap.categories, key=lambda c: (policy.relevance(c, kinds), held.get(c, 0), c == "innovation_transfer"))
        if category is None:
            continue
        rel = policy.relevance(category, kinds)
        out.append({**gap, "category": category, "kinds": kinds, "relevance": rel})
    out.sort(key=lambda g: (g["priority"], -g["relevance"], KIND_ORDER[g["kind"]], g["industry_level"] != "industry",
                            g["rank"]))
    return out


def _choose(candidates: list[dict[str, Any]], size: int, share: float) -> list[dict[str, Any]]:
    """The first ``size`` gaps with at most ``share`` of the list in one category: the cap is on
    the list as chosen, so a short list is trimmed from its lowest-ranked items until it holds."""
    cap = max(1, int(size * share))
    per_cat: Counter[str] = Counter()
    chosen: list[dict[str, Any]] = []
    for gap in candidates:
        if len(chosen) >= size:
            break
        if per_cat[gap["category"]] >= cap:
            continue
        per_cat[gap["category"]] += 1
        chosen.append(gap)
    while len(chosen) >= 2:
        cat, n = Counter(g["category"] for g in chosen).most_common(1)[0]
        if n <= len(chosen) * share:
            break
        drop = max(i for i, g in enumerate(chosen) if g["category"] == cat)
        chosen.pop(drop)
    return chosen


def _pick_type(gap: dict[str, Any], policy: Policy, quotas: dict[str, int]) -> str | None:
    """The type for a regional build: one whose target still asks for builds (policy order first),
    else the policy's preferred type for the category."""
    types = load_taxonomy().types
    ordered = list(policy.build_types.get(gap["category"], ())) + sorted(quotas)
    for key in ordered:
        ptype = types.get(key)
        if (quotas.get(key, 0) > 0 and ptype is not None and ptype.category == gap["category"]
                and policy.suits(key, gap["kinds"])):
            return key
    if gap["kind"] == "thin":
        return None  # a thin-coverage item only serves a target that still asks for builds
    ptype = policy.build_type(gap["category"], gap["kinds"])
    return ptype.key if ptype else None


def _hosts(ev: dict[str, dict[str, Any]], info: dict[str, dict[str, Any]], allowed: tuple[str, ...],
           city: str | None, lead: tuple[str, str] | None, lang: Lang) -> list[CandidateHost]:
    """Candidate hosts of the kinds the type calls for, tied to the industry itself (they declare
    it, host its platforms or collaborate in it: people alone are not a tie)."""
    scored = []
    for inst, e in ev.items():
        meta = info.get(inst)
        if meta is None or meta.get("kind") not in allowed:
            continue
        if not (e["declares"] or e["platforms"] or e["collaborations"]):
            continue
        same_city = city is not None and meta.get("city") == city
        # the kind the type calls for comes first (policy); within it, a city gap is filled by that
        # city's own institutions; one from another city is a second choice and says so
        away = int(city is not None and not same_city)
        scored.append((allowed.index(meta["kind"]), away, -_score(e, same_city), inst, meta, e))
    scored.sort(key=lambda s: (s[0], s[1], s[2], s[3]))
    out: list[CandidateHost] = []
    for _pref, away, neg, inst, meta, e in scored[:MAX_HOSTS]:
        why = tr("领域内人员 {p} 人（高级 {s} 人），产业合作 {c} 次，已依托本产业平台 {n} 个{d}",
                 "{p} people in the field ({s} senior), {c} industry collaborations, hosts {n} "
                 "platforms of the industry{d}", lang, p=e["people"], s=e["senior"],
                 c=e["collaborations"], n=e["platforms"],
                 d=tr("，所属产业含本产业", ", declares the industry", lang) if e["declares"] else "")
        if lead and meta["kind"] == allowed[0]:
            why = f"{tr(*lead, lang=lang)}；{why}" if lang != "en" else f"{tr(*lead, lang=lang)}; {why}"
        elif lead:  # the preferred kind has no institution tied to the industry: say so
            first = KIND_LABELS.get(allowed[0], (allowed[0], allowed[0]))
            note = tr("{l}，但本产业暂无有联系的{k}，此为次选", "{l}, but no {k} is tied to the industry: a second choice",
                      lang, l=tr(*lead, lang=lang), k=first[1] if lang == "en" else first[0])
            why = f"{note}；{why}" if lang != "en" else f"{note}; {why}"
        if away:
            note = tr("位于{h}，{c}暂无与本产业有联系的此类单位：可考虑在{c}共建或设分支机构",
                      "in {h}: {c} has no institution of this kind tied to the industry; consider a joint build "
                      "or a branch in {c}", lang, h=meta.get("city") or "?", c=city)
            why = f"{note}；{why}" if lang != "en" else f"{note}; {why}"
        out.append({"key": inst, "name": meta["name"], "city": meta.get("city"), "kind": meta.get("kind"),
                    "sector": meta.get("sector"), "score": round(-neg, 2), "evidence": dict(e), "why": why})
    return out


def build_batch(store: Store, cov: Coverage, gaps: list[dict[str, Any]], lang: Lang, *, size: int,
                policy: Policy | None = None, quotas: dict[str, int] | None = None,
                leaving: set[str] | frozenset[str] = frozenset()) -> list[BuildItem]:
    """Up to ``size`` build proposals for the gaps that matter most, each with a type that suits the
    industry (never a legacy type), candidate hosts of the kind the type calls for, and reasons.
    A missing national platform becomes a 培育/争创 item for the best regional candidate."""
    policy = policy or load_policy()
    snap = cov.snapshot
    left = dict(quotas or {})
    ranked = _candidate_gaps(cov, gaps, policy)
    if len(ranked) < size:
        ranked += _thin(cov, policy, {(g["industry"], g["category"]) for g in ranked if g["kind"] == "category"})
    candidates: list[dict[str, Any]] = []
    cap = max(1, int(size * policy.max_category_share))
    per_cat: Counter[str] = Counter()
    for gap in ranked:
        if len(candidates) >= size:
            break
        if per_cat[gap["category"]] >= cap:
            continue
        if gap["kind"] == "level":
            # a platform the plan retires or merges away is no candidate to cultivate
            up = [n for n in gap["nearest"] if n["relation"] == "upgrade_candidate" and n["key"] not in leaving]
            national = policy.national_counterpart(up[0]["type"]) if up else None
            if national is None or not policy.suits(national, gap["kinds"]):
                continue
            gap["ptype"], gap["candidate"] = national, up[0]
        else:
            ptype = _pick_type(gap, policy, left)
            if ptype is None:
                continue
            if left.get(ptype, 0) > 0:
                left[ptype] -= 1
            gap["ptype"], gap["candidate"] = ptype, None
        per_cat[gap["category"]] += 1
        candidates.append(gap)
    chosen = _choose(candidates, size, policy.max_category_share)
    if not chosen:
        return []
    ev = _host_evidence(store, cov, sorted({g["industry"] for g in chosen}))
    keys = sorted({inst for ind in ev.values() for inst in ind})
    info = {r["key"]: r for r in store.read(cypher("institutions", "plan"), {"keys": keys})}
    items: list[BuildItem] = []
    for n, gap in enumerate(chosen, start=1):
        ind = snap.industries[gap["industry"]]
        plats = cov.by_industry.get(ind.key, [])
        category, ptype = gap["category"], gap["ptype"]
        local = localise_gap(gap, lang)
        evidence = {"platforms_serving": len(plats), "priority": ind.priority,
                    "nearest": [x["name"] for x in local["nearest"]]}
        reasons: list[Reason] = [{"code": f"coverage_gap_{gap['kind']}", "text": local["reason"], "evidence": evidence}]
        action: Literal["build", "cultivate"]
        if gap["kind"] == "level":
            cand = gap["candidate"]
            hosts: list[CandidateHost] = [{"key": None, "name": cand.get("host"), "city": cand.get("city"), "kind": None, "sector": None,
                      "score": None, "evidence": {}, "why": tr("依托{p}培育争创", "cultivate {p}", lang, p=cand["name"])}]
            action, level, city = "cultivate", "national", cand.get("city")
            reasons.append({"code": "cultivate", "text": tr(
                "国家级平台由国家部门认定：培育{p}争创{t}", "national platforms are recognised nationally: cultivate {p} "
                "to compete for {t}", lang, p=cand["name"], t=ptype), "evidence": {"platform": cand["name"]}})
        else:
            action, level, city = "build", "regional", (gap["value"] if gap["kind"] == "city" else None)
            allowed = policy.hosts_for(category, gap["kinds"], ptype)
            hosts = _hosts(ev.get(ind.key, {}), info, allowed, city, policy.host_lead.get(category), lang)
            if city is None:
                in_layout = [h["city"] for h in hosts if h["city"] in ind.cities]
                city = in_layout[0] if in_layout else (ind.cities[0] if ind.cities else (hosts[0]["city"] if hosts else None))
            reasons.append({"code": "type_fits", "text": tr(
                "{t}适合{k}类产业，类别相关度 {r}/3", "{t} suits {k} industries; category relevance {r}/3", lang,
                t=ptype, k="、".join(KIND_NAMES.get(k, (k, k))[0 if lang != "en" else 1] for k in gap["kinds"]),
                r=gap["relevance"]), "evidence": {"kinds": list(gap["kinds"])}})
        if quotas and ptype in quotas:
            reasons.append({"code": "target_quota", "text": tr(
                "建设目标中{t}尚需新建 {q} 个", "the targets still ask for {q} new {t}", lang, t=ptype, q=quotas[ptype]),
                "evidence": {"type": ptype, "still_to_build": quotas[ptype]}})
        items.append({
            "rank": n, "gap_rank": gap["rank"], "item": f"build:{ind.key}:{gap['kind']}:{gap['value']}",
            "action": action, "action_name": tr("培育争创国家级", "cultivate for national", lang) if action == "cultivate"
            else tr("新认定建设", "build", lang),
            "industry": ind.key, "industry_level": ind.level, "parent": ind.parent,
            "priority": ind.priority, "kind": gap["kind"], "value": gap["value"], "kinds": list(gap["kinds"]),
            "relevance": gap["relevance"], "category": category, "level": level, "city": city,
            "category_name": tr(*snap.categories[category], lang=lang) if category in snap.categories else category,
            "level_name": level_name(level, lang), "suggested_type": ptype,
            "candidate_hosts": hosts, "nearest": local["nearest"], "reasons": reasons,
        })
    return items
