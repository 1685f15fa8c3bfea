"""The 新认定建设 (build) batch: the top coverage gaps, each with where, what and who could host it.

For each gap the item proposes a category, a level, a city and a platform type, and ranks
*candidate hosts*: institutions with people in the field (researchers working there who sit in
platforms serving the industry; senior ones count double), ties to the industry (declared 所属产业,
collaborations recorded for the industry, platforms of the industry they already host), and a bonus
for being in the proposed city. The evidence counts are in each candidate, so a planner can check
them in the graph. Everything is read in four bulk queries for all gaps at once.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from typing import Any

from graph.i18n import Lang, tr
from graph.reference import load_taxonomy
from graph.store import Store
from queries.coverage._cypher import cypher
from queries.coverage.gaps import Coverage, level_name, localise_gap
from queries.coverage.talent import SENIOR_ROLES, SENIOR_TITLES

MAX_HOSTS = 3


def suggested_type(cov: Coverage, category: str, level: str) -> str | None:
    """The commonest type of that category and level in the graph; else the taxonomy's first."""
    counts = Counter(p.type for p in cov.platforms if p.category == category and p.level == level and p.type)
    if counts:
        return sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[0][0]
    for t in load_taxonomy().types.values():
        if t.category == category and t.level == level and (t.regional15 or level == "national"):
            return t.key
    return None


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
    return (e["people"] + 2 * e["senior"] + 2 * math.log1p(e["collaborations"]) + 3 * e["platforms"]
            + (2 if e["declares"] else 0) + (3 if same_city else 0))


def build_batch(store: Store, cov: Coverage, gaps: list[dict[str, Any]], lang: Lang, *, top: int = 20) -> list[dict]:
    """The ``top`` gaps as build proposals with candidate hosts and reasons."""
    chosen = gaps[:top]
    if not chosen:
        return []
    ev = _host_evidence(store, cov, sorted({g["industry"] for g in chosen}))
    keys = sorted({inst for ind in ev.values() for inst in ind})
    info = {r["key"]: r for r in store.read(cypher("institutions", "plan"), {"keys": keys})}
    items = []
    for gap in chosen:
        ind = cov.snapshot.industries[gap["industry"]]
        plats = cov.by_industry.get(ind.key, [])
        common_cat = Counter(p.category for p in plats if p.category).most_common(1)
        if gap["kind"] == "category":
            category, level, city = gap["value"], "regional", None
        elif gap["kind"] == "level":
            up = [n for n in gap["nearest"] if n["relation"] == "upgrade_candidate"]
            category = up[0]["category"] if up else (common_cat[0][0] if common_cat else None)
            level, city = "national", (up[0]["city"] if up else None)
        else:
            category = common_cat[0][0] if common_cat else next(iter(cov.snapshot.categories), None)
            level, city = "regional", gap["value"]
        scored = []
        for inst, e in ev.get(ind.key, {}).items():
            meta = info.get(inst)
            if meta is None or not (e["people"] or e["collaborations"] or e["platforms"] or e["declares"]):
                continue
            same_city = city is not None and meta.get("city") == city
            scored.append((_score(e, same_city), inst, meta, e))
        scored.sort(key=lambda s: (-s[0], s[1]))
        hosts = [{"key": inst, "name": meta["name"], "city": meta.get("city"), "kind": meta.get("kind"),
                  "sector": meta.get("sector"), "score": round(score, 2), "evidence": dict(e),
                  "why": tr("领域内人员 {p} 人（高级 {s} 人），产业合作 {c} 次，已依托本产业平台 {n} 个{d}",
                            "{p} people in the field ({s} senior), {c} industry collaborations, hosts {n} "
                            "platforms of the industry{d}", lang, p=e["people"], s=e["senior"],
                            c=e["collaborations"], n=e["platforms"],
                            d=tr("，所属产业含本产业", ", declares the industry", lang) if e["declares"] else "")}
                 for score, inst, meta, e in scored[:MAX_HOSTS]]
        if city is None:
            in_layout = [h["city"] for h in hosts if h["city"] in ind.cities]
            city = in_layout[0] if in_layout else (ind.cities[0] if ind.cities else (hosts[0]["city"] if hosts else None))
        local = localise_gap(gap, lang)
        evidence = {"platforms_serving": len(plats), "priority": ind.priority,
                    "nearest": [n["key"] for n in local["nearest"]]}
        items.append({
            "rank": gap["rank"], "industry": ind.key, "industry_level": ind.level, "parent": ind.parent,
            "priority": ind.priority, "kind": gap["kind"], "value": gap["value"],
            "category": category, "level": level, "city": city,
            "category_name": tr(*cov.snapshot.categories.get(category or "", (category, category)), lang=lang),
            "level_name": level_name(level, lang),
            "suggested_type": suggested_type(cov, category, level) if category else None,
            "candidate_hosts": hosts, "nearest": local["nearest"],
            "reasons": [{"code": f"coverage_gap_{gap['kind']}", "text": local["reason"], "evidence": evidence}],
        })
    return items
