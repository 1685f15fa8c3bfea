"""Brokers: Burt's constraint on each industry's institution collaboration network (networkx).

Why per industry: brokerage between 产学研用 means something inside one industry's network, and the
bound keeps each networkx graph small enough at national scale. The network's nodes are the
institutions with a tie tagged with the industry (or its segments); edge weight = number of
collaborations. Burt: p_ij = (a_ij + a_ji) / Σ_k (a_ik + a_ki); C_i = Σ_j (p_ij + Σ_q p_iq p_qj)².
An institution is a *broker* in the industry when its contacts come from at least two sectors and
its constraint is at most BROKER_MAX_CONSTRAINT (0.5 = two unconnected equal contacts) and within
the lowest BROKER_QUANTILE of the constraints of the industry's institutions with two or more
contacts — so "broker" names the few best-placed bridges, not everyone with two partners.
"""

from __future__ import annotations

import networkx as nx
import numpy as np

from queries.collaboration.projection import Projection
from queries.collaboration.sectors import IndustryStats

BROKER_MAX_CONSTRAINT = 0.5
BROKER_QUANTILE = 0.1


def industry_network(stats: IndustryStats) -> nx.Graph:
    graph = nx.Graph()
    for (a, b), count in stats.ties.items():
        graph.add_edge(a, b, weight=count)
    return graph


def constraints(graph: nx.Graph) -> dict[str, float]:
    """Burt's constraint of every node with at least one tie (networkx, weighted)."""
    if graph.number_of_edges() == 0:
        return {}
    return {n: float(c) for n, c in nx.constraint(graph, weight="weight").items() if c == c}  # drop NaN


def brokers(stats: IndustryStats, projection: Projection) -> list[dict]:
    """Every institution in the industry network with its constraint, contact sectors and broker flag,
    lowest constraint (strongest broker) first."""
    graph = industry_network(stats)
    insts = projection.institutions
    values = constraints(graph)
    multi = [v for n, v in values.items() if graph.degree(n) >= 2]
    cutoff = min(BROKER_MAX_CONSTRAINT, float(np.quantile(multi, BROKER_QUANTILE))) if multi else -1.0
    out = []
    for node, value in values.items():
        contact_sectors = sorted({insts[n].sector for n in graph.neighbors(node)})
        out.append({
            "id": node, "name": insts[node].name, "sector": insts[node].sector,
            "constraint": round(value, 6), "degree": graph.degree(node),
            "contact_sectors": contact_sectors,
            "broker": len(contact_sectors) >= 2 and value <= cutoff + 1e-12,
        })
    out.sort(key=lambda r: (not r["broker"], r["constraint"], r["id"]))
    return out
