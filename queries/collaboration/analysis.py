"""The gap analysis end to end: project, compute, write back (replacing the previous run).

Why one ``compute`` for both paths: ``run_gap_analysis`` computes on the whole graph and writes
the results back; ``read_gaps(city=…)`` computes live on the city's bounded projection. Both go
through :func:`compute`, so a city view and the province view can never disagree on method.
"""

from __future__ import annotations

import json
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from graph.store import Store
from queries.collaboration import cypher
from queries.collaboration.brokers import brokers
from queries.collaboration.partners import suggest_partners
from queries.collaboration.projection import Projection, load_projection
from queries.collaboration.sectors import analyse_industry, collect
from queries.collaboration.synergy import SECTORS

MAX_BROKERS_STORED = 20
WRITERS = 2  # concurrent write streams of the write-back
WRITE_BATCH = 5_000


def platform_flags(projection: Projection) -> list[dict[str, Any]]:
    """Per platform: its sectors (host, co-builders, people), single-sector flag, missing sectors.

    A platform with no known institution has no sectors and is not called single-sector (there is
    nothing to say about it); it is listed with all four sectors missing.
    """
    rows = []
    for platform in projection.platforms:
        sectors = platform.sectors
        rows.append({"key": platform.key, "name": platform.name, "city": platform.city,
                     "industries": platform.industries, "sectors": sectors,
                     "single_sector": len(sectors) == 1,
                     "missing_sectors": [s for s in SECTORS if s not in sectors]})
    return rows


def compute(projection: Projection, *, with_brokers: bool = True, with_partners: bool = True) -> dict[str, Any]:
    """Every finding of the analysis on one projection (no database access)."""
    stats = collect(projection)
    industries: dict[str, dict[str, Any]] = {}
    for key, st in stats.items():
        result = analyse_industry(st, projection)
        if with_brokers and projection.industries[key].level == "industry":
            result["brokers"] = brokers(st, projection)
        else:
            result["brokers"] = []
        industries[key] = result
    partners = suggest_partners(projection, stats) if with_partners else {}
    return {"industries": industries, "platforms": platform_flags(projection), "partners": partners}


def _institution_rows(projection: Projection, result: dict[str, Any]) -> list[dict[str, Any]]:
    per_inst: dict[str, dict[str, Any]] = {}
    for key, ind in result["industries"].items():
        for b in ind["brokers"]:
            row = per_inst.setdefault(b["id"], {"key": b["id"], "constraint": b["constraint"], "broker": False,
                                                "broker_industries": []})
            row["constraint"] = min(row["constraint"], b["constraint"])
            if b["broker"]:
                row["broker"] = True
                row["broker_industries"].append(key)
    for inst, suggestions in result["partners"].items():
        row = per_inst.setdefault(inst, {"key": inst, "constraint": None, "broker": False, "broker_industries": []})
        row["suggested_partners"] = json.dumps(suggestions, ensure_ascii=False)
        row["suggest_industries"] = sorted({s["industry"] for s in suggestions})
        row["suggest_best"] = max(s["score"] for s in suggestions)
    for row in per_inst.values():
        row.setdefault("suggested_partners", None)
        row.setdefault("suggest_industries", None)
        row.setdefault("suggest_best", None)
    return list(per_inst.values())


def _industry_rows(result: dict[str, Any]) -> list[dict[str, Any]]:
    rows = []
    for key, ind in result["industries"].items():
        rows.append({
            "key": key,
            "synergy_t3": ind["synergy"]["t3"], "synergy_t4": ind["synergy"]["t4"],
            "sector_counts": json.dumps(ind["sector_counts"], ensure_ascii=False),
            "sector_matrix": json.dumps({"pairs": ind["pairs"], "ties": ind["ties"],
                                         "records": ind["synergy"]["records"]}, ensure_ascii=False),
            "missing_pairs": json.dumps(ind["missing_pairs"], ensure_ascii=False),
            "brokers": json.dumps([b for b in ind["brokers"] if b["broker"]][:MAX_BROKERS_STORED],
                                  ensure_ascii=False),
        })
    return rows


def write_back(store: Store, run_key: str, result: dict[str, Any], projection: Projection) -> None:
    """Write the run's flags and scores, then remove what earlier runs left behind.

    The rows go in WRITERS streams of transactions at once, each node in exactly one stream (so no
    two transactions wait on each other's locks): at 100,000 platforms the 333,000 node updates were
    one engine thread's work while the engine had a second core free."""
    extra = {"run": run_key}
    platform_rows = [{k: r[k] for k in ("key", "sectors", "single_sector", "missing_sectors")}
                     for r in result["platforms"]]
    institution_rows = _institution_rows(projection, result)
    jobs = [(cypher.WRITE_INDUSTRIES, _industry_rows(result), 100)]
    jobs += [(cypher.WRITE_PLATFORMS, platform_rows[n::WRITERS], WRITE_BATCH) for n in range(WRITERS)]
    jobs += [(cypher.WRITE_INSTITUTIONS, institution_rows[n::WRITERS], WRITE_BATCH) for n in range(WRITERS)]
    with ThreadPoolExecutor(max_workers=WRITERS) as pool:
        for future in [pool.submit(store.upsert_batches, query, rows, batch_size=size, extra=extra)
                       for query, rows, size in jobs if rows]:
            future.result()
    for statement in (cypher.CLEAR_STALE_PLATFORMS, cypher.CLEAR_STALE_INDUSTRIES, cypher.CLEAR_STALE_INSTITUTIONS):
        store.write(statement, extra)


def run_gap_analysis(store: Store, run_key: str) -> dict[str, Any]:
    """Compute collaboration gaps on the whole graph and write them back under ``run_key``.

    Returns a summary: counts of single-sector platforms, industries with gaps, missing pairs,
    brokers, enterprises given partner suggestions, and the seconds spent reading, computing and
    writing.
    """
    began = time.perf_counter()
    projection = load_projection(store)
    read_s = time.perf_counter() - began
    result = compute(projection)
    compute_s = time.perf_counter() - began - read_s
    write_back(store, run_key, result, projection)
    write_s = time.perf_counter() - began - read_s - compute_s
    top = {k: v for k, v in result["industries"].items() if projection.industries[k].level == "industry"}
    return {
        "platforms": len(result["platforms"]),
        "single_sector_platforms": sum(1 for p in result["platforms"] if p["single_sector"]),
        "industries": len(top),
        "industries_with_gaps": sum(1 for v in top.values() if v["missing_pairs"]),
        "missing_pairs": sum(len(v["missing_pairs"]) for v in top.values()),
        "brokers": len({b["id"] for v in top.values() for b in v["brokers"] if b["broker"]}),
        "enterprises_with_suggestions": len(result["partners"]),
        "read_seconds": round(read_s, 2), "compute_seconds": round(compute_s, 2),
        "write_seconds": round(write_s, 2),
    }
