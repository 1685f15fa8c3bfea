"""Platforms per city and a key industry's layout cities without a platform: the map's data.

Why its own small query module: the map answers two questions the planners read at a glance — where
the platforms are (filtered by category, level, industry) and which layout cities (布局城市) of a key
industry have no platform serving it — straight from the graph, so it works before any analysis has
run and always shows the current data. Counting follows coverage (docs/methods.md): active or
building platforms; an industry counts its chain segments; declared and inferred SERVES alike.
"""

from __future__ import annotations

from typing import Any

from graph.store import Store

# Platforms per city, after the optional filters. Revoked and merged platforms are not counted.
CITY_COUNTS = """
MATCH (c:City)
OPTIONAL CALL (c) {
  MATCH (p:Platform)-[:LOCATED_IN]->(c)
  WHERE (p.status IS NULL OR p.status IN ['active', 'building'])
    AND ($category IS NULL OR p.category = $category)
    AND ($level IS NULL OR p.level = $level)
    AND ($industry IS NULL OR EXISTS {
          MATCH (p)-[:SERVES]->(:Industry)-[:PART_OF*0..1]->(:Industry {key: $industry}) })
  RETURN count(p) AS platforms
}
RETURN c.key AS key, c.name_en AS name_en, c.code AS code, coalesce(platforms, 0) AS platforms
ORDER BY c.code
"""

# For one industry: its layout cities, and per city whether an active platform there serves it.
INDUSTRY_CITIES = """
MATCH (i:Industry {key: $industry})
MATCH (c:City)
RETURN c.key AS key,
       EXISTS { MATCH (i)-[:LAID_OUT_IN]->(c) } AS laid_out,
       COUNT { MATCH (p:Platform)-[:LOCATED_IN]->(c)
               WHERE (p.status IS NULL OR p.status IN ['active', 'building'])
                 AND EXISTS { MATCH (p)-[:SERVES]->(:Industry)-[:PART_OF*0..1]->(i) } } AS serving
"""

INDUSTRY_EXISTS = "MATCH (i:Industry {key: $industry}) RETURN i.key AS key, i.name_en AS name_en"


def city_map(store: Store, *, category: str | None = None, level: str | None = None,
             industry: str | None = None) -> dict[str, Any]:
    """Per city: platforms after the filters; with ``industry``, whether it is a layout city and
    whether a platform there serves the industry (``gap`` = a layout city without one).

    Raises ``KeyError`` for an unknown industry key, so callers can answer 404 rather than an
    empty map that looks like "no gaps".
    """
    params = {"category": category, "level": level, "industry": industry}
    cities = [dict(r) for r in store.read(CITY_COUNTS, params)]
    result: dict[str, Any] = {"filters": params, "cities": cities, "industry": None}
    if industry:
        found = store.read(INDUSTRY_EXISTS, {"industry": industry})
        if not found:
            raise KeyError(industry)
        by_city = {r["key"]: r for r in store.read(INDUSTRY_CITIES, {"industry": industry})}
        for city in cities:
            row = by_city.get(city["key"], {})
            city["laid_out"] = bool(row.get("laid_out"))
            city["serving"] = int(row.get("serving") or 0)
            city["gap"] = city["laid_out"] and city["serving"] == 0
        result["industry"] = {"key": industry, "name_en": found[0]["name_en"],
                              "gap_cities": [c["key"] for c in cities if c.get("gap")]}
    return result
