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


def context_adjacency(projection: Projection, stats: dict[str, IndustryStats]) -> dict[str, set[str]]:
    """H as neighbour sets: institutions linked to their industries/segments, their city and their
    collaborators (plain dicts and sets: building a networkx graph for this cost seconds at scale)."""
    insts = projection.institutions
    adj: dict[str, set[str]] = {key: set() for key in insts}
    for key, st in stats.items():
        if not st.participants:
            continue
        node = IND_PREFIX + key
        adj[node] = set(st.participants)
        for member in st.participants:
            adj[member].add(node)
    for institution in insts.values():
        if institution.city:
            node = CITY_PREFIX + institution.city
            adj.setdefault(node, set()).add(institution.key)
            adj[institution.key].add(node)
    for collab in projection.collaborations:
        if collab.a in insts and collab.b in insts and collab.a != collab.b:
            adj[collab.a].add(collab.b)
            adj[collab.b].add(collab.a)
    return adj


def context_graph(projection: Projection, stats: dict[str, IndustryStats]) -> nx.Graph:
    """H as a networkx graph (what the tests check the scores against with networkx's Adamic–Adar)."""
    return nx.from_dict_of_lists(context_adjacency(projection, stats))


class _Reasons:
    """The reason sentences of suggestions, from H's neighbours split by kind once per node.

    Why a class: a national run writes hundreds of thousands of suggestions; splitting each shared
    neighbourhood into segments, city and partners again per suggestion was most of their cost.
    The neighbours come from the context's CSR rows, whose node index puts institutions first,
    then industries and segments, then cities, so a neighbour's kind is its index range."""

    def __init__(self, context: _Context, projection: Projection) -> None:
        self.context, self.projection = context, projection
        self._split: dict[int, tuple[frozenset[int], frozenset[int], frozenset[int]]] = {}
        self._heads: dict[tuple[str, str], tuple[str, str]] = {}
        adjacency = context.adjacency  # rows' columns are sorted, so each kind is one run of a row
        self._indptr = adjacency.indptr.tolist()
        self._first_industry = self._counts(adjacency.indices < context.n_insts)
        self._first_city = self._counts(adjacency.indices < context.n_inst_ind)

    def _counts(self, below: np.ndarray) -> list[int]:
        """Per CSR row, the position where its columns stop being ``below`` (row start + count)."""
        starts = np.asarray(self._indptr[:-1], dtype=np.int64)
        cum = np.concatenate(([0], np.cumsum(below, dtype=np.int64)))
        ends = np.asarray(self._indptr[1:], dtype=np.int64)
        counts: list[int] = (starts + (cum[ends] - cum[starts])).tolist()
        return counts

    def split(self, node: int) -> tuple[frozenset[int], frozenset[int], frozenset[int]]:
        """(industries and segments, cities, institutions) next to ``node``, as node indices."""
        got = self._split.get(node)
        if got is None:
            begin, end = self._indptr[node], self._indptr[node + 1]
            industry, city = self._first_industry[node], self._first_city[node]
            nbrs = self.context.adjacency.indices[begin:end].tolist()
            got = (frozenset(nbrs[industry - begin:city - begin]), frozenset(nbrs[city - begin:]),
                   frozenset(nbrs[:industry - begin]))
            self._split[node] = got
        return got

    def head(self, c: str, industry: str, platforms: list[str]) -> tuple[str, str]:
        got = self._heads.get((c, industry))
        if got is None:
            name_c = self.projection.institutions[c].name
            example = platforms[0] if platforms else ""
            node = self.projection.industries.get(industry)
            industry_en = (node.name_en if node else None) or industry
            got = (f"{name_c}有 {len(platforms)} 个平台服务{industry}（如「{example}」）",
                   f"{name_c} runs {len(platforms)} platform(s) serving {industry_en} (e.g. “{example}”)")
            self._heads[(c, industry)] = got
        return got

    def __call__(self, e: int, c: int, industry: str, platforms: list[str]) -> tuple[str, str]:
        e_inds, e_cities, e_insts = self.split(e)
        c_inds, c_cities, c_insts = self.split(c)
        labels = self.context.labels
        segments = sorted(labels[z] for z in e_inds & c_inds if labels[z] != industry)
        cities = sorted(labels[z] for z in e_cities & c_cities)
        insts = self.projection.institutions
        partners = sorted(insts[labels[z]].name for z in e_insts & c_insts)
        head_zh, head_en = self.head(labels[c], industry, platforms)
        zh, en = [head_zh], [head_en]
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


class _Context:
    """H as sparse matrices over one node index, for scoring whole chunks of enterprises at once.

    Nodes: the institutions (projection order), then the industries and segments with participants,
    then the cities (``labels`` names each: a key, an industry key, a city). ``adjacency`` (0/1,
    each neighbour once) and ``weight`` (1 / ln deg, 0 where deg ≤ 1) give
    AA = (A[E] · diag(w)) @ A[:, C]; ``collaborated`` (institution ties, any industry) and
    ``membership`` (platforms × nodes, host, co-builders and people) mark the pairs never suggested.
    Built from integer edge arrays, not neighbour sets: the same graph as :func:`context_adjacency`.
    """

    def __init__(self, projection: Projection, stats: dict[str, IndustryStats]) -> None:
        insts = projection.institutions
        self.labels: list[str] = list(insts)
        index = {k: i for i, k in enumerate(self.labels)}
        self.index = index
        self.n_insts = len(self.labels)
        src: list[np.ndarray] = []
        dst: list[np.ndarray] = []
        for key, st in stats.items():
            if not st.participants:
                continue
            node = len(self.labels)
            self.labels.append(key)
            members = np.fromiter((index[m] for m in st.participants), dtype=np.int64, count=len(st.participants))
            src.append(np.full(len(members), node, dtype=np.int64))
            dst.append(members)
        self.n_inst_ind = len(self.labels)
        cities: dict[str, int] = {}
        city_src, city_dst = [], []
        for i, institution in enumerate(insts.values()):
            if institution.city:
                city_node = cities.get(institution.city)
                if city_node is None:
                    city_node = cities[institution.city] = len(self.labels)
                    self.labels.append(institution.city)
                city_src.append(city_node)
                city_dst.append(i)
        src.append(np.asarray(city_src, dtype=np.int64))
        dst.append(np.asarray(city_dst, dtype=np.int64))
        ends = [(index[c.a], index[c.b]) for c in projection.collaborations
                if c.a != c.b and c.a in index and c.b in index]
        a = np.fromiter((x for x, _ in ends), dtype=np.int64, count=len(ends))
        b = np.fromiter((y for _, y in ends), dtype=np.int64, count=len(ends))
        src.append(a)
        dst.append(b)
        size = len(self.labels)
        rows, cols = np.concatenate(src), np.concatenate(dst)
        adjacency = sparse.csr_matrix((np.ones(2 * len(rows)), (np.concatenate((rows, cols)),
                                                                np.concatenate((cols, rows)))), shape=(size, size))
        adjacency.sum_duplicates()
        adjacency.data[:] = 1.0  # a neighbour counts once, however many ties or kinds link the two
        self.adjacency = adjacency
        degree = np.diff(adjacency.indptr)
        with np.errstate(divide="ignore"):
            self.weight = np.where(degree > 1, 1.0 / np.log(np.maximum(degree, 2)), 0.0)
        self.weighted = sparse.csr_matrix(self.adjacency @ sparse.diags(self.weight))
        self.collaborated = sparse.csr_matrix((np.ones(2 * len(a)), (np.concatenate((a, b)), np.concatenate((b, a)))),
                                              shape=(size, size))
        rows_p, members_p = [], []
        for n, platform in enumerate(projection.platforms):
            for m in platform.builders | {k for k, _ in platform.people}:
                member = index.get(m)
                if member is not None:
                    rows_p.append(n)
                    members_p.append(member)
        member_of = sparse.csr_matrix((np.ones(len(rows_p)), (rows_p, members_p)),
                                      shape=(len(projection.platforms), size))
        self.member_of = sparse.csr_matrix(member_of.T)  # nodes × platforms
        self.members = sparse.csc_matrix(member_of)  # platforms × nodes, column slices cheap

    def rows(self, keys: list[str]) -> np.ndarray:
        return np.fromiter((self.index[k] for k in keys), dtype=np.int64, count=len(keys))

    def excluded(self, e_rows: np.ndarray, c_rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(row, column) positions of the chunk's pairs that collaborate, share a platform or are one."""
        ties = self.collaborated[e_rows][:, c_rows]
        mates = self.member_of[e_rows] @ self.members[:, c_rows]
        same = sparse.csr_matrix((e_rows[:, None] == c_rows[None, :]).astype(float))
        r, c = (ties + mates + same).nonzero()
        return r, c


def suggest_partners(projection: Projection, stats: dict[str, IndustryStats],
                     top_k: int = TOP_K) -> dict[str, list[dict[str, Any]]]:
    """``{enterprise key: [suggestion, …]}`` over every key industry (level ``industry``)."""
    insts = projection.institutions
    sector = {key: inst.sector for key, inst in insts.items()}
    serving: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    scopes_of: dict[tuple[str, ...], set[str]] = {}
    for platform in projection.platforms:
        inds = tuple(platform.industries)
        scopes = scopes_of.get(inds)
        if scopes is None:
            scopes = scopes_of[inds] = {s for ind in inds for s in projection.scopes(ind)}
        if not scopes:
            continue
        for inst in platform.builders:
            if sector.get(inst) in PARTNER_SECTORS:
                for scope in scopes:
                    serving[scope][inst].append(platform.name)
    # platform names in name order, not read order: the first three are written back (and quoted in
    # the reason), and the read follows node order, which changes after a wipe and re-ingest
    for by_inst in serving.values():
        for names in by_inst.values():
            names.sort()
    out: dict[str, list[dict[str, Any]]] = defaultdict(list)
    context: _Context | None = None
    reason: _Reasons | None = None
    for key, node in projection.industries.items():
        if node.level != "industry" or not node.key_industry or not serving.get(key):
            continue
        st = stats[key]
        # an enterprise tied (in this industry) to a university or institute needs no suggestion
        tied_to_partner = set()
        for a, b in st.ties:
            if sector[b] in PARTNER_SECTORS:
                tied_to_partner.add(a)
            if sector[a] in PARTNER_SECTORS:
                tied_to_partner.add(b)
        enterprises = sorted(i for i in st.participants if sector[i] == "industry" and i not in tied_to_partner)
        if not enterprises:
            continue
        if context is None:
            context = _Context(projection, stats)
            reason = _Reasons(context, projection)
        assert reason is not None
        candidates = sorted(serving[key])
        c_rows = context.rows(candidates)
        c_list = c_rows.tolist()
        n_platforms = np.array([len(serving[key][c]) for c in candidates], dtype=float)
        partner_of = [{"id": c, "name": insts[c].name, "sector": insts[c].sector} for c in candidates]
        # Adamic–Adar as a sparse product: (enterprise × context, weighted) @ (context × candidate)
        reach = sparse.csr_matrix(context.adjacency[c_rows].T)
        for begin in range(0, len(enterprises), CHUNK):
            chunk = enterprises[begin:begin + CHUNK]
            e_rows = context.rows(chunk)
            scores = (context.weighted[e_rows] @ reach).toarray()
            r, c = context.excluded(e_rows, c_rows)  # never an existing collaborator or platform mate
            scores[r, c] = -np.inf
            best = _top_rows(scores, n_platforms, top_k)
            best_scores = np.take_along_axis(scores, np.maximum(best, 0), axis=1).tolist()
            for row, (e, e_row, picked) in enumerate(zip(chunk, e_rows.tolist(), best.tolist(), strict=True)):
                for rank, n in enumerate(picked):
                    if n < 0:
                        break
                    platforms = serving[key][candidates[n]]
                    reason_zh, reason_en = reason(e_row, c_list[n], key, platforms)
                    out[e].append({
                        "partner": dict(partner_of[n]),
                        "industry": key, "score": round(best_scores[row][rank], 6),
                        "platforms": platforms[:3], "reason_zh": reason_zh, "reason_en": reason_en,
                    })
    return dict(out)
