"""The key-industry platform network drawn in section 2: key industries as hubs, the platforms that
serve them around, and platform–platform links where two platforms share a host or co-builder.

Why a selection: 2,000 platforms on one page is a grey blot. The figure keeps the largest key
industries and, within them, the platforms with the most shared-institution links (the ones a
planner should look at for overlap), and says in its caption how many it shows out of how many.
"""

from __future__ import annotations

from dataclasses import dataclass

import networkx as nx

from graph.store import Store
from viz.report.cypher import cypher
from viz.report.scope import Scope

MAX_INDUSTRIES = 8
MAX_PLATFORMS = 240


@dataclass
class PlatformNetwork:
    graph: nx.Graph  # nodes: ("i", key) industries, ("p", key) platforms
    platforms_total: int
    industries_total: int

    @property
    def platforms_shown(self) -> int:
        return sum(1 for kind, _ in self.graph.nodes if kind == "p")

    @property
    def industries_shown(self) -> int:
        return sum(1 for kind, _ in self.graph.nodes if kind == "i")


def read_platform_network(store: Store, scope: Scope) -> PlatformNetwork:
    rows = store.read(cypher("key_industry_platforms"), scope.params())
    per_industry: dict[str, int] = {}
    for row in rows:
        for ind in row["industries"]:
            per_industry[ind] = per_industry.get(ind, 0) + 1
    top = sorted(per_industry, key=lambda k: (-per_industry[k], k))[:MAX_INDUSTRIES]
    chosen = [r for r in rows if set(r["industries"]) & set(top)]
    links = store.read(cypher("shared_institution_links"), {"keys": [r["key"] for r in chosen]}) if chosen else []
    keys = {r["key"] for r in chosen}
    links = [link for link in links if link["a"] in keys and link["b"] in keys]
    link_degree: dict[str, int] = {}
    for link in links:
        link_degree[link["a"]] = link_degree.get(link["a"], 0) + 1
        link_degree[link["b"]] = link_degree.get(link["b"], 0) + 1
    chosen.sort(key=lambda r: (-link_degree.get(r["key"], 0), r["key"]))
    chosen = chosen[:MAX_PLATFORMS]
    kept = {r["key"] for r in chosen}

    graph = nx.Graph()
    for ind in top:
        graph.add_node(("i", ind), platforms=per_industry[ind])
    for row in chosen:
        graph.add_node(("p", row["key"]), name=row["name"], category=row["category"])
        for ind in row["industries"]:
            if ind in top:
                graph.add_edge(("p", row["key"]), ("i", ind), kind="serves")
    for link in links:
        if link["a"] in kept and link["b"] in kept:
            graph.add_edge(("p", link["a"]), ("p", link["b"]), kind="shared", weight=int(link["shared"]))
    return PlatformNetwork(graph=graph, platforms_total=len(rows), industries_total=len(per_industry))
