"""Reading the gap analysis for the CLI, the API, the plan and the reports (one shape for all of them).

Why mostly from the write-back: ``run_gap_analysis`` already stored per-industry matrices, gaps,
synergy and brokers, per-platform flags and per-enterprise suggestions, so serving them is a few
indexed reads. A city filter is the exception: the city's industries are computed live on the
city's bounded projection (its institutions and the ties between them), with the same code.
"""

from __future__ import annotations

import json
from typing import Any

from graph.errors import UsageError
from graph.i18n import Lang, tr
from graph.reference import resolve_city
from graph.store import Store
from queries.collaboration import cypher
from queries.collaboration.analysis import compute
from queries.collaboration.projection import load_projection
from queries.collaboration.results import (
    Broker,
    GapsResult,
    IndustryGaps,
    MissingPair,
    PartnerSuggestion,
    SectorPair,
    SingleSectorPlatform,
    Synergy,
)
from queries.collaboration.sectors import gap_reason


def resolve_industry(store: Store, name: str) -> tuple[str, list[str], str | None]:
    """``(Industry key, [keys whose platforms count for it], parent industry key or None)`` from a
    name, alias or English name."""
    rows = store.read(cypher.RESOLVE_INDUSTRY, {"name": name.strip()})
    if not rows:
        raise UsageError(tr("未知产业：{n}（请使用产业名称或别名）", "unknown industry: {n} (use an industry "
                            "name or alias)", n=name))
    row = rows[0]
    return row["key"], [row["key"], *row["segments"]], row["parent"]


def _industry_entry(key: str, name_en: str | None, level: str | None, priority: int | None,
                    counts: dict[str, int], pairs: list[SectorPair], gaps: list[dict[str, Any]], syn: Synergy,
                    brokers: list[dict[str, Any]], lang: Lang) -> IndustryGaps:
    name = key if lang == "zh" else (name_en or key)
    return {
        "industry": key, "name": name, "level": level, "priority": priority,
        "sectors": counts, "pairs": pairs,
        "missing_pairs": [MissingPair(sectors=g["sectors"], ties=g["ties"], collaborations=g["collaborations"],
                                      expected=g["expected"], co_built_platforms=g["co_built_platforms"],
                                      kind=g["kind"], severity=g["severity"], absent=g["absent"],
                                      rank=g["rank"], reason=gap_reason(g, name, lang))
                          for g in gaps],
        "synergy": syn,
        "brokers": [Broker(id=b["id"], name=b["name"], sector=b["sector"], constraint=b["constraint"],
                           contact_sectors=b["contact_sectors"])
                    for b in brokers if b.get("broker")],
    }


def _stored_industries(store: Store, industry: str | None, lang: Lang) -> tuple[list[IndustryGaps], str | None]:
    rows = store.read(cypher.READ_INDUSTRIES, {"industry": industry})
    out: list[IndustryGaps] = []
    run: str | None = None
    for r in rows:
        counts = json.loads(r["sector_counts"] or "{}")
        if not any(counts.values()):
            continue
        matrix = json.loads(r["sector_matrix"] or "{}")
        out.append(_industry_entry(
            r["key"], r["name_en"], r["level"], r["priority"], counts, matrix.get("pairs", []),
            json.loads(r["missing_pairs"] or "[]"),
            {"t3": r["synergy_t3"], "t4": r["synergy_t4"], "records": matrix.get("records", 0)},
            json.loads(r["brokers"] or "[]"), lang))
        run = r["run"]
    return out, run


def _live_industries(store: Store, city: str, industry: str | None, lang: Lang) -> list[IndustryGaps]:
    projection = load_projection(store, city)
    result = compute(projection, with_partners=False)
    out: list[IndustryGaps] = []
    for key, ind in result["industries"].items():
        node = projection.industries[key]
        if (industry is None and node.level != "industry") or (industry is not None and key != industry):
            continue
        if not any(ind["sector_counts"].values()):
            continue
        out.append(_industry_entry(key, node.name_en, node.level, node.priority, ind["sector_counts"],
                                   ind["pairs"], ind["missing_pairs"], ind["synergy"], ind["brokers"], lang))
    out.sort(key=lambda e: (e["priority"] if e["priority"] is not None else 9, e["industry"]))
    return out


def read_gaps(store: Store, *, industry: str | None = None, city: str | None = None, lang: Lang = "zh",
              limit: int = 100) -> GapsResult:
    """Collaboration gaps: industries (sector counts, pair matrix, ranked missing pairs,
    synergy, brokers), single-sector platforms (the first ``limit``; ``single_sector_total`` counts
    them all) and the ``limit`` best suggested partners, filtered by industry (name or alias; a chain
    segment too) and city. ``run`` is the analysis run read (None: never run)."""
    if limit < 1:
        raise UsageError(tr("limit 必须为正整数", "limit must be a positive integer"))
    industry_key, scope, parent = resolve_industry(store, industry) if industry else (None, None, None)
    city_key = None
    if city:
        city_key = resolve_city(city)
        if city_key is None:
            raise UsageError(tr("未知城市：{c}", "unknown city: {c}", c=city))
    stored, run = _stored_industries(store, industry_key, lang)
    industries = _live_industries(store, city_key, industry_key, lang) if city_key else stored
    singles = [SingleSectorPlatform(id=r["id"], name=r["name"], sector=r["sector"], missing_sectors=r["missing_sectors"],
                                    city=r["city"], status=r["status"])
               for r in store.read(cypher.READ_SINGLE_SECTOR, {"city": city_key, "industries": scope, "limit": limit})]
    singles_total = store.read(cypher.COUNT_SINGLE_SECTOR, {"city": city_key, "industries": scope})[0]["n"]
    # suggestions are made per industry; a chain segment shows its industry's
    suggestion_scope = None if industry_key is None else [k for k in (industry_key, parent) if k]
    suggestions: list[PartnerSuggestion] = []
    # with an industry filter, an enterprise's best score may belong to another industry: read all
    shipped = limit if suggestion_scope is None else 1_000_000_000
    for row in store.read(cypher.READ_SUGGESTIONS, {"industries": suggestion_scope, "city": city_key,
                                                    "limit": shipped}):
        for s in json.loads(row["suggested_partners"]):
            if suggestion_scope is not None and s["industry"] not in suggestion_scope:
                continue
            suggestions.append({
                "enterprise": {"id": row["key"], "name": row["name"]},
                "partner": s["partner"], "industry": s["industry"], "score": s["score"],
                "reason": s["reason_zh"] if lang == "zh" else s["reason_en"],
                "platforms": s.get("platforms", []),
            })
    suggestions.sort(key=lambda s: (-s["score"], s["enterprise"]["id"], s["partner"]["id"]))
    return {
        "run": run, "industry": industry_key, "city": city_key,
        "industries": industries,
        "single_sector_platforms": singles,
        "single_sector_total": singles_total,
        "suggested_partners": suggestions[:limit],
    }
