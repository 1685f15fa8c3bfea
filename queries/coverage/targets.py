"""Targets (建设目标) against what the graph holds, per platform type and level.

For each ``Target`` (type, level, year) the current platforms of that type (and level; a target
without a level covers every level of the type) are counted by status, and compared. A target may
name a category or a level instead of a type (平台类型 left blank): it then counts every platform of
that category and/or level.

* ``holding`` = active + building (status empty counts as active) against ``total`` (总保有量);
* ``new_in_period`` = platforms recognised in the plan period — the five years ending in the target
  year (2021–2025 for a 2025 target, i.e. the 十四五 period) — that are still active or building,
  against ``new`` (新建数量);
* ``integrated_or_revoked_now`` = revoked + merged against ``integrated_or_revoked``.

``distance_*`` = target − actual: positive means still to do, negative means beyond the target.
Types and levels with platforms but no target are listed too (target fields null), so nothing in
the graph is left out of the comparison.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from graph.store import Store
from queries.coverage._cypher import cypher

PERIOD_YEARS = 5
STATUSES = ("active", "building", "revoked", "merged")


def _int(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def targets_vs_actual(store: Store, *, period_years: int = PERIOD_YEARS) -> list[dict[str, Any]]:
    """One row per target (and per type/level with platforms but no target), sorted by type, level."""
    counts = store.read(cypher("platform_counts"))
    targets = store.read(cypher("targets"))

    def actual(type_: str | None, level: str | None, year: int | None, category: str | None = None,
               ) -> dict[str, Any]:
        by_status = dict.fromkeys(STATUSES, 0)
        new = 0
        for c in counts:
            if type_ is not None and c["type"] != type_:
                continue
            if (category is not None and c.get("category") != category) or (level is not None and c["level"] != level):
                continue
            status = c["status"] or "active"
            by_status[status] = by_status.get(status, 0) + c["n"]
            est = _int(c["established"])
            if (year is not None and est is not None and year - period_years < est <= year
                    and status in ("active", "building")):
                new += c["n"]
        holding = by_status["active"] + by_status["building"]
        return {**by_status, "holding": holding, "integrated_or_revoked_now": by_status["revoked"] + by_status["merged"],
                "new_in_period": new if year is not None else None,
                "period": [year - period_years + 1, year] if year is not None else None}

    def distance(target: int | None, now: int | None) -> int | None:
        return None if target is None or now is None else target - now

    rows: list[dict[str, Any]] = []
    targeted: set[tuple[Any, Any]] = set()
    for t in targets:
        year = _int(t["year"])
        category = None if t["type"] else t.get("category")
        a = actual(t["type"], t["level"], year, category)
        tn, ti, tt = _int(t["new"]), _int(t["integrated_or_revoked"]), _int(t["total"])
        rows.append({
            "type": t["type"], "category": category, "level": t["level"], "year": year, "target_key": t["key"], **a,
            "target_new": tn, "target_integrated_or_revoked": ti, "target_total": tt,
            "distance_new": distance(tn, a["new_in_period"]),
            "distance_integrated_or_revoked": distance(ti, a["integrated_or_revoked_now"]),
            "distance_total": distance(tt, a["holding"]),
        })
        if t["type"] is not None:
            targeted.add((t["type"], t["level"]))
    untargeted: dict[tuple[Any, Any], None] = defaultdict(lambda: None)
    for c in counts:
        pair = (c["type"], c["level"])
        if pair not in targeted and (c["type"], None) not in targeted:
            untargeted[pair] = None
    for type_, level in untargeted:
        rows.append({"type": type_, "category": None, "level": level, "year": None, "target_key": None, **actual(type_, level, None),
                     "target_new": None, "target_integrated_or_revoked": None, "target_total": None,
                     "distance_new": None, "distance_integrated_or_revoked": None, "distance_total": None})
    rows.sort(key=lambda r: (r["type"] is None, str(r["type"]), str(r["category"]), str(r["level"]), r["year"] or 0))
    return rows
