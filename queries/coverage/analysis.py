"""Run the coverage analysis, write it back onto the industries, and read it back.

Why write back: the API, the explorer and the reports show coverage without recomputing, and a
planner browsing Neo4j sees each industry's ``coverage`` (matrix and city counts, JSON),
``coverage_gaps`` (ranked gaps with reasons in both languages and the nearest platforms, JSON) and
the ``coverage_run`` that produced them. A new run replaces the previous one.
"""

from __future__ import annotations

import json
from collections import Counter
from typing import Any

from graph.errors import UsageError
from graph.i18n import Lang, current_lang, tr
from graph.store import Store
from queries.coverage._cypher import cypher
from queries.coverage.gaps import Coverage, city_rows, find_gaps, localise_gap, matrix_rows
from queries.coverage.results import CityCoverage, CoverageCell, CoverageGap, CoverageResult
from queries.coverage.snapshot import read_snapshot


def compute_coverage(store: Store) -> tuple[Coverage, list[dict[str, Any]]]:
    """The coverage and its ranked gaps, computed live (nothing written)."""
    cov = Coverage(read_snapshot(store))
    return cov, find_gaps(cov)


def run_coverage_analysis(store: Store, run_key: str) -> dict[str, Any]:
    """Compute coverage and gaps, write them onto every Industry with ``run_key``, drop earlier runs'
    flags, and return a summary ``{"run", "industries", "platforms_counted", "gaps", "by_kind"}``."""
    cov, gaps = compute_coverage(store)
    matrix = matrix_rows(cov)
    cities = city_rows(cov)
    per_ind: dict[str, dict[str, Any]] = {
        ind.key: {"categories": {}, "cities": {}, "total": len(cov.by_industry.get(ind.key, []))}
        for ind in cov.in_scope()
    }
    for row in matrix:
        per_ind[row["industry"]]["categories"].setdefault(row["category"], {})[row["level"]] = row["count"]
    for row in cities:
        per_ind[row["industry"]]["cities"][row["city"]] = {"count": row["count"], "declared": row["declared"]}
    gaps_by_ind: dict[str, list[dict[str, Any]]] = {k: [] for k in per_ind}
    for gap in gaps:
        gaps_by_ind.setdefault(gap["industry"], []).append(gap)
    rows = [{"key": k, "coverage": json.dumps(v, ensure_ascii=False),
             "gaps": json.dumps(gaps_by_ind.get(k, []), ensure_ascii=False)} for k, v in per_ind.items()]
    store.upsert_batches(cypher("write_coverage"), rows, extra={"run": run_key})
    store.write(cypher("clear_old_coverage"), {"run": run_key})
    return {
        "run": run_key,
        "industries": len(per_ind),
        "platforms_counted": len(cov.platforms),
        "gaps": len(gaps),
        "by_kind": dict(Counter(g["kind"] for g in gaps)),
    }


def read_coverage(store: Store, *, industry: str | None = None, lang: Lang | None = None) -> CoverageResult:
    """The stored coverage: ``{"run", "matrix", "gaps", "cities"}``.

    ``industry`` (key, name or alias) restricts it to that industry and its segments; an unknown
    name is a usage error. With no stored run yet, returns empty lists and ``run`` None.
    """
    lang = lang or current_lang()
    rows = store.read(cypher("read_coverage"))
    if industry is not None:
        wanted = _resolve(store, industry)
        rows = [r for r in rows if r["key"] == wanted or r["parent"] == wanted]
    matrix: list[CoverageCell] = []
    cities: list[CityCoverage] = []
    gaps: list[CoverageGap] = []
    runs = {r["run"] for r in rows}
    for r in rows:
        cov = json.loads(r["coverage"] or "{}")
        for cat, levels in sorted(cov.get("categories", {}).items()):
            for level, count in levels.items():
                matrix.append({"industry": r["key"], "industry_level": r["level"], "parent": r["parent"],
                               "category": cat, "level": level, "count": count})
        for city, info in sorted(cov.get("cities", {}).items()):
            cities.append({"industry": r["key"], "city": city, "count": info["count"], "declared": info["declared"]})
        gaps.extend(localise_gap(g, lang) for g in json.loads(r["gaps"] or "[]"))
    gaps.sort(key=lambda g: g["rank"])
    return {"run": max(runs) if runs else None, "matrix": matrix, "gaps": gaps, "cities": cities}


RESOLVE_INDUSTRY = """
MATCH (i:Industry) WHERE i.key = $text OR i.name = $text OR i.name_en = $text OR $text IN coalesce(i.aliases, [])
RETURN i.key AS key ORDER BY i.key LIMIT 1
"""


def _resolve(store: Store, text: str) -> str:
    rows = store.read(RESOLVE_INDUSTRY, {"text": text.strip()})
    if not rows:
        raise UsageError(tr("未知产业：{t}", "unknown industry: {t}", t=text))
    key: str = rows[0]["key"]
    return key
