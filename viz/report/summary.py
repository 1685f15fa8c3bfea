"""Summary counts of the platforms in scope: by category, type, level, status and city.

One bulk query returns the counts per combination; the per-dimension totals are sums in Python, so
every dimension adds up to the same total by construction.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from graph.store import Store
from viz.report.cypher import cypher
from viz.report.scope import Scope

DIMENSIONS = ("category", "type", "level", "status", "city")
UNKNOWN = ""  # a missing value (e.g. no city) is counted under the empty key


@dataclass
class Summary:
    total: int = 0
    by: dict[str, Counter] = field(default_factory=lambda: {d: Counter() for d in DIMENSIONS})

    def ranked(self, dimension: str) -> list[tuple[str, int]]:
        """(value, count) pairs, largest first, ties by value, so tables and charts are stable."""
        return sorted(self.by[dimension].items(), key=lambda kv: (-kv[1], kv[0]))


def read_summary(store: Store, scope: Scope) -> Summary:
    summary = Summary()
    for row in store.read(cypher("summary_counts"), scope.params()):
        n = int(row["n"])
        summary.total += n
        for dimension in DIMENSIONS:
            summary.by[dimension][row[dimension] or UNKNOWN] += n
    return summary


def read_inferred(store: Store, scope: Scope) -> dict[str, int]:
    """How many platforms in scope count toward industries that were inferred, not declared:
    ``{platforms, edges, by_name, by_fields, by_host}`` (the coverage section says so)."""
    return store.read(cypher("inferred_industries"), scope.params())[0]
