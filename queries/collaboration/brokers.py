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

from typing import Any

import networkx as nx
import numpy as np
from scipy import sparse

from queries.collaboration.projection import Projection
from queries.collaboration.sectors import IndustryStats
from queries.collaboration.synergy import SECTORS

BROKER_MAX_CONSTRAINT = 0.5
BROKER_QUANTILE = 0.1


CHUNK = 2_000  # rows of P multiplied at once: bounds the two-step product's memory on hub-heavy networks


class Network:
    """One industry's weighted collaboration network as a sparse symmetric matrix.

    Why not networkx: ``nx.constraint`` walks every node's neighbours' neighbours in Python; at
    100,000 platforms that was most of the collaboration analysis. The same sums are two sparse
    products (:func:`burt_constraint`), computed in C."""

    def __init__(self, nodes: list[str], weights: sparse.csr_matrix) -> None:
        self.nodes, self.weights = nodes, weights
        self.degree = np.diff(weights.indptr)

    @classmethod
    def from_ties(cls, ties: dict[tuple[str, str], float]) -> Network:
        index: dict[str, int] = {}
        rows: list[int] = []
        cols: list[int] = []
        vals: list[float] = []
        for (a, b), count in ties.items():
            i, j = index.setdefault(a, len(index)), index.setdefault(b, len(index))
            rows += (i, j)
            cols += (j, i)
            vals += (count, count)
        n = len(index)
        weights = sparse.csr_matrix((np.asarray(vals, dtype=np.float64), (rows, cols)), shape=(n, n))
        weights.sum_duplicates()
        return cls(list(index), weights)

    @classmethod
    def from_graph(cls, graph: nx.Graph, weight: str = "weight") -> Network:
        nodes = list(graph.nodes)
        weights = nx.to_scipy_sparse_array(graph, nodelist=nodes, weight=weight, format="csr")
        return cls(nodes, sparse.csr_matrix(weights, dtype=float))

    def neighbours(self, i: int) -> np.ndarray:
        # asarray: scipy is untyped here, and this is already an ndarray (no copy)
        return np.asarray(self.weights.indices[self.weights.indptr[i]:self.weights.indptr[i + 1]])


def burt_constraint(net: Network) -> np.ndarray:
    """Burt's constraint of every node (NaN for a node without ties), as networkx computes it.

    With symmetric weights W and strengths s_i = Σ_k w_ik, networkx's normalised mutual weight is
    p_ij = (w_ij + w_ji) / Σ_k (w_ik + w_ki) = w_ij / s_i, so P = D⁻¹W and
    C_i = Σ_{j ∈ N(i)} (P_ij + (P·P)_ij)², the indirect term summed over i's neighbours q (P_iq is
    zero elsewhere). (P·P) is needed only on the edges of W: it is computed CHUNK rows at a time.
    """
    strength = np.asarray(net.weights.sum(axis=1)).ravel()
    inverse = np.divide(1.0, strength, out=np.zeros_like(strength), where=strength > 0)
    p = sparse.csr_matrix(sparse.diags(inverse) @ net.weights)
    out = np.full(len(net.nodes), np.nan)
    for begin in range(0, len(net.nodes), CHUNK):
        rows = p[begin:begin + CHUNK]
        mask = rows.copy()
        mask.data[:] = 1.0
        total = (rows + (rows @ p).multiply(mask)).tocsr()
        sums = np.asarray(total.multiply(total).sum(axis=1)).ravel()
        has = strength[begin:begin + CHUNK] > 0
        out[begin:begin + CHUNK][has] = sums[has]
    return out


def constraints(graph: nx.Graph) -> dict[str, float]:
    """Burt's constraint of every node with at least one tie (weighted, as ``nx.constraint``)."""
    if graph.number_of_edges() == 0:
        return {}
    net = Network.from_graph(graph)
    values = burt_constraint(net)
    return {node: float(v) for node, v in zip(net.nodes, values, strict=True) if v == v}  # drop NaN


def _sector_lists() -> list[list[str]]:
    """For each bit mask over SECTORS, the sectors it names in alphabetical order."""
    return [sorted(s for bit, s in enumerate(SECTORS) if mask >> bit & 1) for mask in range(1 << len(SECTORS))]


SECTOR_LISTS = _sector_lists()
SECTOR_BIT = {s: 1 << bit for bit, s in enumerate(SECTORS)}


def contact_masks(net: Network, sector_of: list[str]) -> np.ndarray:
    """Per node, the bit mask of its contacts' sectors (OR over each CSR row, in C)."""
    bits = np.array([SECTOR_BIT[s] for s in sector_of], dtype=np.int64)
    masks = np.zeros(len(net.nodes), dtype=np.int64)
    has = net.degree > 0
    if has.any():
        starts = net.weights.indptr[:-1][has]
        masks[has] = np.bitwise_or.reduceat(bits[net.weights.indices], starts)
    return masks


def brokers(stats: IndustryStats, projection: Projection) -> list[dict[str, Any]]:
    """Every institution in the industry network with its constraint, contact sectors and broker flag,
    lowest constraint (strongest broker) first."""
    if not stats.ties:
        return []
    net = Network.from_ties(stats.ties)
    insts = projection.institutions
    values = burt_constraint(net)
    multi = [v for v, d in zip(values, net.degree, strict=True) if v == v and d >= 2]
    cutoff = min(BROKER_MAX_CONSTRAINT, float(np.quantile(multi, BROKER_QUANTILE))) if multi else -1.0
    sector_of = [projection.sector_of[n] for n in net.nodes]
    masks = contact_masks(net, sector_of).tolist()
    out = []
    for node, value, degree, sector, mask in zip(net.nodes, values.tolist(), net.degree.tolist(), sector_of, masks,
                                                 strict=True):
        if value != value:
            continue
        contact_sectors = list(SECTOR_LISTS[mask])
        out.append({
            "id": node, "name": insts[node].name, "sector": sector,
            "constraint": round(value, 6), "degree": degree,
            "contact_sectors": contact_sectors,
            "broker": len(contact_sectors) >= 2 and value <= cutoff + 1e-12,
        })
    out.sort(key=lambda r: (not r["broker"], r["constraint"], r["id"]))
    return out
