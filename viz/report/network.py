"""Structure of the institution collaboration network (产学研用 network), computed with networkx
on a bulk-read projection: size, degree, components, the most central institutions and brokers.

Why networkx and not Cypher: centrality and Burt's constraint need the whole neighbourhood
structure, and a provincial network (thousands of institutions) fits in memory many times over.
Betweenness is estimated from a fixed sample of sources when the network is large (seeded, so the
same graph always gives the same report).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import networkx as nx
import numpy as np
import scipy.sparse as sp

from graph.store import Store
from viz.report.cypher import cypher
from viz.report.scope import Scope

TOP_N = 10
BETWEENNESS_EXACT_UP_TO = 300  # nodes; above this, betweenness is estimated from sampled sources
BETWEENNESS_SAMPLES = 64
BETWEENNESS_SEED = 7
BROKER_MIN_DEGREE = 2  # constraint of a node with one partner is 1 by definition: never a broker


@dataclass
class RankedInstitution:
    key: str
    name: str
    sector: str | None
    degree: int
    weighted_degree: int
    betweenness: float = 0.0
    constraint: float | None = None


@dataclass
class NetworkStats:
    institutions: int = 0  # institutions in scope
    connected: int = 0  # institutions with at least one collaboration
    edges: int = 0  # collaborating pairs
    collaborations: int = 0  # sum of collaboration counts
    density: float = 0.0
    mean_degree: float = 0.0
    max_degree: int = 0
    components: int = 0
    largest_component: int = 0
    central: list[RankedInstitution] = field(default_factory=list)
    brokers: list[RankedInstitution] = field(default_factory=list)


def collaboration_graph(store: Store, scope: Scope) -> nx.Graph:
    """Institution keys as nodes, collaborating pairs as edges (weight = number of collaborations)."""
    graph = nx.Graph()
    graph.add_weighted_edges_from(
        (row["a"], row["b"], int(row["weight"])) for row in store.read(cypher("collaboration_edges"), scope.params()))
    return graph


def network_stats(store: Store, scope: Scope) -> NetworkStats:
    in_scope = store.read(cypher("institutions_in_scope"), scope.params())[0]["n"]
    graph = collaboration_graph(store, scope)
    stats = NetworkStats(institutions=max(in_scope, graph.number_of_nodes()))
    if graph.number_of_nodes() == 0:
        return stats
    degrees = dict(graph.degree())
    strength = dict(graph.degree(weight="weight"))
    components = list(nx.connected_components(graph))
    stats.connected = graph.number_of_nodes()
    stats.edges = graph.number_of_edges()
    stats.collaborations = int(sum(w for _, _, w in graph.edges(data="weight")))
    stats.density = nx.density(graph)
    stats.mean_degree = 2 * stats.edges / stats.connected
    stats.max_degree = max(degrees.values())
    stats.components = len(components)
    stats.largest_component = max(len(c) for c in components)

    # Brokerage happens in the largest component (the rest are pairs and small cliques), so the
    # sampled sources are spent there; nodes outside it rank by degree after it.
    core = graph.subgraph(max(components, key=len)).copy()  # a copy: views are slow to traverse
    k = None if core.number_of_nodes() <= BETWEENNESS_EXACT_UP_TO else BETWEENNESS_SAMPLES
    betweenness = dict.fromkeys(graph.nodes, 0.0)
    betweenness.update(nx.betweenness_centrality(core, k=k, seed=BETWEENNESS_SEED, normalized=True))

    order = sorted(graph.nodes, key=lambda v: (-betweenness[v], -degrees[v], v))[:TOP_N]
    candidates = [v for v in graph.nodes if degrees[v] >= BROKER_MIN_DEGREE]
    constraint = burt_constraint(graph) if candidates else {}
    brokers = sorted(candidates, key=lambda v: (constraint[v], -degrees[v], v))[:TOP_N]
    names = {row["key"]: row for row in store.read(cypher("institution_names"), {"keys": [*order, *brokers]})}

    def ranked(key: str) -> RankedInstitution:
        info = names.get(key, {})
        return RankedInstitution(key=key, name=info.get("name") or key, sector=info.get("sector"),
                                 degree=degrees[key], weighted_degree=int(strength[key]),
                                 betweenness=betweenness[key], constraint=constraint.get(key))

    stats.central = [ranked(v) for v in order]
    stats.brokers = [ranked(v) for v in brokers]
    return stats


def burt_constraint(graph: nx.Graph, weight: str = "weight") -> dict[str, float]:
    """Burt's constraint of every node of an undirected weighted graph, as sparse matrix algebra.

    Same definition as :func:`networkx.constraint` (p_ij = w_ij / Σ_k w_ik;
    C_i = Σ_{j ∈ N(i)} (p_ij + Σ_q p_iq p_qj)²), which the tests check on small graphs; networkx's
    pure-Python version takes minutes on a provincial network, this takes milliseconds.
    Isolated nodes get NaN, as in networkx.
    """
    nodes = list(graph.nodes)
    adjacency = nx.to_scipy_sparse_array(graph, nodelist=nodes, weight=weight, format="csr", dtype=float)
    strength = np.asarray(adjacency.sum(axis=1)).ravel()
    with np.errstate(divide="ignore"):
        inverse = np.where(strength > 0, 1.0 / strength, 0.0)
    p = sp.diags(inverse) @ adjacency  # row-normalised proportional tie strengths, zero diagonal
    indirect = (p @ p).multiply(adjacency > 0)  # only for j a neighbour of i
    local = (p + indirect).power(2)
    totals = np.asarray(local.sum(axis=1)).ravel()
    return {node: (float(totals[i]) if strength[i] > 0 else float("nan")) for i, node in enumerate(nodes)}
