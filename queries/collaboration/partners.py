"""Suggested partners: link prediction for enterprises that lack an academic or research tie.

For each key industry, an enterprise (产) that takes part in it but has no tie tagged with it to a
university (学) or institute (研) gets the universities and institutes whose platforms (as host or
co-builder) serve the industry, ranked by the Adamic–Adar index on the institution–industry–city
graph H: nodes are institutions, industries and chain segments, and cities; an institution links to
the industries and segments it takes part in, to its city and to the institutions it collaborates
with. AA(e, c) = Σ_{z ∈ N(e) ∩ N(c)} 1 / ln deg(z): a shared small chain segment, a shared city
or a shared partner with few ties says more than a shared large industry.

Never suggested: a pair that already collaborates (any COLLABORATES_WITH, any industry) or that
already works together on a platform (host, co-builder or people). Each suggestion carries its
reason in Chinese and English, naming the shared neighbours and the partner's platforms.
"""

from __future__ import annotations

import math
from collections import defaultdict
from typing import Any

import networkx as nx
import numpy as np
from scipy import sparse

from queries.collaboration.projection import Projection
from queries.collaboration.sectors import IndustryStats

PARTNER_SECTORS = ("academia", "research")
TOP_K = 3
CHUNK = 1000  # enterprises scored at once (a CHUNK × candidates dense block)
IND_PREFIX = "ind:"
CITY_PREFIX = "city:"


def context_graph(projection: Projection, stats: dict[str, IndustryStats]) -> nx.Graph:
    """H: institutions linked to their industries/segments, their city and their collaborators."""
    graph = nx.Graph()
    graph.add_nodes_from(projection.institutions)
    for key, st in stats.items():
        graph.add_edges_from((inst, IND_PREFIX + key) for inst in st.participants)
    for inst in projection.institutions.values():
        if inst.city:
            graph.add_edge(inst.key, CITY_PREFIX + inst.city)
    for collab in projection.collaborations:
        if collab.a in projection.institutions and collab.b in projection.institutions and collab.a != collab.b:
            graph.add_edge(collab.a, collab.b)
    return graph


def _collaborators(projection: Projection) -> dict[str, set[str]]:
    out: dict[str, set[str]] = defaultdict(set)
    for collab in projection.collaborations:
        out[collab.a].add(collab.b)
        out[collab.b].add(collab.a)
    return out


def _platform_mates(projection: Projection) -> dict[str, set[str]]:
    """Institutions that already share a platform with each institution."""
    out: dict[str, set[str]] = defaultdict(set)
    for platform in projection.platforms:
        members = platform.builders | {k for k, _ in platform.people}
        for m in members:
            out[m] |= members
    return out


def _reason(e: str, c: str, industry: str, adj: dict[str, set[str]], projection: Projection,
            platforms: list[str]) -> tuple[str, str]:
    shared = adj[e] & adj[c]
    segments = sorted(z[len(IND_PREFIX):] for z in shared if z.startswith(IND_PREFIX) and z != IND_PREFIX + industry)
    cities = sorted(z[len(CITY_PREFIX):] for z in shared if z.startswith(CITY_PREFIX))
    partners = sorted(projection.institutions[z].name for z in shared if z in projection.institutions)
    name_c = projection.institutions[c].name
    example = platforms[0] if platforms else ""
    node = projection.industries.get(industry)
    industry_en = (node.name_en if node else None) or industry
    zh = [f"{name_c}有 {len(platforms)} 个平台服务{industry}（如「{example}」）"]
    en = [f"{name_c} runs {len(platforms)} platform(s) serving {industry_en} (e.g. “{example}”)"]
    if segments:
        zh.append("共同参与的产业链环节或产业：" + "、".join(segments))
        en.append("shared chain segments or industries: " + ", ".join(segments))
    if cities:
        zh.append("同在" + "、".join(cities))
        en.append("both in " + ", ".join(cities))
    if partners:
        zh.append("共同合作伙伴：" + "、".join(partners[:3]))
        en.append("common partners: " + ", ".join(partners[:3]))
    zh.append("双方尚无合作")
    en.append("they do not collaborate yet")
    return "；".join(zh), "; ".join(en)


def _top_rows(scores: np.ndarray, n_platforms: np.ndarray, k: int) -> np.ndarray:
    """Per row, the columns of the ``k`` best positive scores (−1 where there are fewer).

    Equal scores (to 1e-9): the candidate with more platforms first. Vectorised over the rows of a
    chunk, so ranking thousands of enterprises costs a few numpy calls, not a Python loop each.
    """
    rows, cols = scores.shape
    key = np.where(scores > 0, np.round(scores * 1e9), -1.0).astype(np.int64)
    key = np.where(key >= 0, key * (int(n_platforms.max()) + 1) + n_platforms.astype(np.int64), -1)
    part = np.argpartition(-key, k - 1, axis=1)[:, :k] if cols > k else np.tile(np.arange(cols), (rows, 1))
    picked = np.take_along_axis(key, part, axis=1)
    order = np.lexsort((part, -picked), axis=1)
    part = np.take_along_axis(part, order, axis=1)
    picked = np.take_along_axis(picked, order, axis=1)
    return np.where(picked > 0, part, -1)[:, :k]


def suggest_partners(projection: Projection, stats: dict[str, IndustryStats],
                     top_k: int = TOP_K) -> dict[str, list[dict[str, Any]]]:
    """``{enterprise key: [suggestion, …]}`` over every key industry (level ``industry``)."""
    insts = projection.institutions
    graph = context_graph(projection, stats)
    adj = {n: set(nbrs) for n, nbrs in graph.adjacency()}  # plain sets: fast membership in the loops
    weight = {z: 1.0 / math.log(len(nbrs)) for z, nbrs in adj.items() if len(nbrs) > 1}
    collaborators = _collaborators(projection)
    mates = _platform_mates(projection)
    serving: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    for platform in projection.platforms:
        scopes = {s for ind in platform.industries for s in projection.scopes(ind)}
        for inst in platform.builders:
            if inst in insts and insts[inst].sector in PARTNER_SECTORS:
                for scope in scopes:
                    serving[scope][inst].append(platform.name)
    out: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for key, node in projection.industries.items():
        if node.level != "industry" or not node.key_industry or not serving.get(key):
            continue
        st = stats[key]
        tied = defaultdict(set)
        for a, b in st.ties:
            tied[a].add(insts[b].sector)
            tied[b].add(insts[a].sector)
        enterprises = sorted(i for i in st.participants
                             if insts[i].sector == "industry" and not tied[i] & set(PARTNER_SECTORS))
        candidates = sorted(serving[key])
        index = {c: n for n, c in enumerate(candidates)}
        n_platforms = np.array([len(serving[key][c]) for c in candidates], dtype=float)
        # Adamic–Adar as a sparse product: (enterprise × context, weighted) @ (context × candidate)
        zindex: dict[str, int] = {}
        rows_c, cols_c = [], []
        for n, c in enumerate(candidates):
            for z in adj[c]:
                if z in weight:
                    rows_c.append(zindex.setdefault(z, len(zindex)))
                    cols_c.append(n)
        reach = sparse.csr_matrix((np.ones(len(rows_c)), (rows_c, cols_c)), shape=(len(zindex), len(candidates)))
        for begin in range(0, len(enterprises), CHUNK):
            chunk = enterprises[begin:begin + CHUNK]
            r, z_cols, w = [], [], []
            for row, e in enumerate(chunk):
                for z in adj[e]:
                    zi = zindex.get(z)
                    if zi is not None:
                        r.append(row)
                        z_cols.append(zi)
                        w.append(weight[z])
            left = sparse.csr_matrix((w, (r, z_cols)), shape=(len(chunk), len(zindex)))
            scores = (left @ reach).toarray()
            for row, e in enumerate(chunk):  # never an existing collaborator or platform mate
                for o in (*collaborators.get(e, ()), *mates.get(e, ()), e):
                    col = index.get(o)
                    if col is not None:
                        scores[row, col] = -np.inf
            best = _top_rows(scores, n_platforms, top_k)
            for row, e in enumerate(chunk):
                for n in best[row]:
                    if n < 0:
                        break
                    c = candidates[n]
                    reason_zh, reason_en = _reason(e, c, key, adj, projection, serving[key][c])
                    out[e].append({
                        "partner": {"id": c, "name": insts[c].name, "sector": insts[c].sector},
                        "industry": key, "score": round(float(scores[row, n]), 6),
                        "platforms": serving[key][c][:3], "reason_zh": reason_zh, "reason_en": reason_en,
                    })
    return dict(out)
