"""The coverage heat grid: key industries and their chain segments × category × level, with the
cells that are coverage gaps marked — what the report draws and the explorer's overview shows.

Why built from ``read_coverage``: the grid must show exactly the counts and gaps the coverage
analysis (and the API's ``/coverage``) reports, so it only reshapes that answer. A cell is a gap
when the analysis reports the gap: a *category* gap marks every level of that category in the
industry's row (and in the rows of the segments listed under it), a *national-level* gap marks the
national column of every category. City gaps are not in this grid (they are per city).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from graph.reference import LEVELS, load_industries, load_taxonomy


@dataclass
class GridRow:
    industry: str
    level: str  # "industry" | "segment"
    parent: str | None
    priority: int
    counts: dict[tuple[str, str], int] = field(default_factory=dict)  # (category, level) → platforms
    gaps: dict[tuple[str, str], dict[str, Any]] = field(default_factory=dict)  # cell → the gap it belongs to


@dataclass
class HeatGrid:
    categories: list[str]
    levels: list[str]
    rows: list[GridRow]

    @property
    def columns(self) -> list[tuple[str, str]]:
        return [(c, lv) for c in self.categories for lv in self.levels]

    def gap_cells(self) -> int:
        return sum(len(r.gaps) for r in self.rows)

    def as_dict(self) -> dict[str, Any]:
        """JSON for the explorer: cells keyed ``category|level``."""
        return {
            "categories": self.categories, "levels": self.levels,
            "rows": [{"industry": r.industry, "level": r.level, "parent": r.parent, "priority": r.priority,
                      "counts": {f"{c}|{lv}": n for (c, lv), n in r.counts.items()},
                      "gaps": {f"{c}|{lv}": g for (c, lv), g in r.gaps.items()}} for r in self.rows],
        }


def _gap_cells(gap: dict[str, Any], categories: list[str]) -> list[tuple[str, str]]:
    if gap.get("kind") == "category":
        return [(gap["value"], lv) for lv in LEVELS]
    if gap.get("kind") == "level":
        return [(c, gap["value"]) for c in categories]
    return []


def heat_grid(coverage: Mapping[str, Any]) -> HeatGrid:
    """Reshape ``read_coverage``'s matrix and gaps into rows ordered industry, then its segments
    (by priority, then the reference order)."""
    categories = list(load_taxonomy().categories)
    levels = list(LEVELS)
    reference = load_industries()
    rows: dict[str, GridRow] = {}
    for cell in coverage.get("matrix", []):
        name = cell["industry"]
        ref = reference.get(name)
        row = rows.get(name)
        if row is None:
            row = rows[name] = GridRow(name, cell.get("industry_level") or "industry", cell.get("parent"),
                                       ref.priority if ref else 9)
        if cell.get("level") in levels:
            key = (cell["category"], cell["level"])
            row.counts[key] = row.counts.get(key, 0) + int(cell.get("count") or 0)
    for gap in coverage.get("gaps", []):
        targets = [gap.get("industry"), *(gap.get("segments") or [])]
        for name in targets:
            row = rows.get(name)
            if row is None:
                continue
            for cell in _gap_cells(gap, categories):
                if row.counts.get(cell, 0) == 0:
                    row.gaps[cell] = gap
    order = list(reference)
    parents = sorted((r for r in rows.values() if r.level == "industry"),
                     key=lambda r: (r.priority, order.index(r.industry) if r.industry in order else 1e9))
    ordered: list[GridRow] = []
    for parent in parents:
        ordered.append(parent)
        ordered.extend(sorted((r for r in rows.values() if r.parent == parent.industry),
                              key=lambda r: order.index(r.industry) if r.industry in order else 1e9))
    ordered.extend(r for r in rows.values() if r not in ordered)
    return HeatGrid(categories, levels, ordered)
