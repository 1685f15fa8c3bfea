"""The national-scale rewrites of the gap analysis give what the per-item algorithms gave.

Why: at 100,000 platforms the participation roll-up (``sectors.collect``) and the partner scoring
(``partners.suggest_partners``) were rewritten as set updates and sparse products. Here the earlier
per-item forms — kept in this file as the reference, written the plain way — run on the same
projection of a random graph loaded into the real database, and every participant, tie, co-built
count, suggestion, score and reason must agree.
"""

from __future__ import annotations

import math
from collections import defaultdict
from itertools import combinations
from typing import Any

import networkx as nx
import numpy as np
import pytest

from graph.store import Store
from queries.collaboration.partners import (
    CITY_PREFIX,
    IND_PREFIX,
    PARTNER_SECTORS,
    _top_rows,
    context_graph,
    suggest_partners,
)
from queries.collaboration.projection import Projection, load_projection
from queries.collaboration.sectors import SECTOR_INDEX, IndustryStats, collect
from tests.collaboration_graph import CollabGraph

INDUSTRIES = ("蔗糖", "制糖工艺", "汽车及新能源汽车", "动力电池", "汽车零部件", "机械装备")
SECTORS = ("industry", "industry", "industry", "academia", "research", "user")
CITIES = ("南宁", "柳州", "崇左", None)


def random_graph(seed: int) -> CollabGraph:
    """Institutions of every sector in four cities (one unknown), platforms with co-builders and
    people from anywhere, ties tagged with industries, segments or nothing."""
    rng = np.random.default_rng(seed)
    g = CollabGraph()
    keys = []
    for n in range(70):
        sector = SECTORS[int(rng.integers(len(SECTORS)))]
        key = f"{sector[0]}{n:02d}"
        keys.append(key)
        declared = tuple(str(i) for i in rng.choice(INDUSTRIES, size=int(rng.integers(0, 3)), replace=False))
        g.inst(key, sector, city=CITIES[int(rng.integers(len(CITIES)))], industries=declared)
    for n in range(45):
        host = keys[int(rng.integers(len(keys)))]
        others = [str(k) for k in rng.choice(keys, size=int(rng.integers(0, 6)), replace=False) if k != host]
        served = tuple(str(i) for i in rng.choice(INDUSTRIES, size=int(rng.integers(0, 3)), replace=False))
        g.platform(f"P{n:02d}", host, co_builders=tuple(others[:2]), people=tuple(others[2:]), industries=served)
    for _ in range(160):
        a, b = (str(k) for k in rng.choice(keys, size=2, replace=False))
        tag = ("", *INDUSTRIES)[int(rng.integers(len(INDUSTRIES) + 1))]
        g.collab(a, b, industry=tag, count=int(rng.integers(1, 4)))
    return g


def reference_collect(projection: Projection) -> dict[str, IndustryStats]:
    """``collect`` as it was written per item before the rewrite."""
    stats = {k: IndustryStats(k) for k in projection.industries}
    insts = projection.institutions

    def add(industry: str, inst: str) -> None:
        if inst in insts:
            for scope in projection.scopes(industry):
                stats[scope].participants.add(inst)

    for inst, industry in projection.inst_industries:
        add(industry, inst)
    for platform in projection.platforms:
        members = platform.builders | {k for k, _ in platform.people}
        builder_sectors = {insts[k].sector for k in platform.builders if k in insts}
        for industry in platform.industries:
            for inst in members:
                add(industry, inst)
            for scope in projection.scopes(industry):
                for a, b in combinations(sorted(builder_sectors, key=SECTOR_INDEX.__getitem__), 2):
                    stats[scope].co_platforms[(a, b)] += 1
    for collab in projection.collaborations:
        if collab.a == collab.b:
            continue
        for scope in projection.scopes(collab.industry):
            add(scope, collab.a)
            add(scope, collab.b)
            if collab.a not in insts or collab.b not in insts:
                continue
            pair = (collab.a, collab.b) if collab.a < collab.b else (collab.b, collab.a)
            stats[scope].ties[pair] = stats[scope].ties.get(pair, 0.0) + collab.count
    return stats


def reference_reason(e: str, c: str, industry: str, graph: nx.Graph, projection: Projection,
                     platforms: list[str]) -> tuple[str, str]:
    """The reason sentences as the per-suggestion code built them from the shared neighbours."""
    shared = set(graph[e]) & set(graph[c])
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


def reference_partners(projection: Projection, stats: dict[str, IndustryStats]) -> dict[str, list[dict[str, Any]]]:
    """Every enterprise × candidate pair scored one by one with networkx's Adamic–Adar, excluded
    pairs marked one by one, then ranked by the same rule (``_top_rows``)."""
    insts = projection.institutions
    graph = context_graph(projection, stats)
    never: dict[str, set[str]] = defaultdict(set)
    for collab in projection.collaborations:
        never[collab.a].add(collab.b)
        never[collab.b].add(collab.a)
    for platform in projection.platforms:
        members = platform.builders | {k for k, _ in platform.people}
        for m in members:
            never[m] |= members
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
        tied: dict[str, set[str]] = defaultdict(set)
        for a, b in stats[key].ties:
            tied[a].add(insts[b].sector)
            tied[b].add(insts[a].sector)
        candidates = sorted(serving[key])
        n_platforms = np.array([len(serving[key][c]) for c in candidates], dtype=float)
        for e in sorted(i for i in stats[key].participants
                        if insts[i].sector == "industry" and not tied[i] & set(PARTNER_SECTORS)):
            scores = np.array([[-np.inf if c == e or c in never[e] else
                                next(nx.adamic_adar_index(graph, [(e, c)]))[2] for c in candidates]])
            for n in _top_rows(scores, n_platforms, 3)[0]:  # the ranking rule (tested on its own)
                if n < 0:
                    break
                c = candidates[n]
                zh, en = reference_reason(e, c, key, graph, projection, serving[key][c])
                out[e].append({"partner": c, "industry": key, "score": round(float(scores[0, n]), 6),
                               "platforms": serving[key][c][:3], "reason_zh": zh, "reason_en": en})
    return dict(out)


@pytest.mark.parametrize("seed", [3, 11])
def test_collect_and_partners_equal_the_per_item_algorithms(clean_graph: Store, seed: int) -> None:
    random_graph(seed).write(clean_graph)
    projection = load_projection(clean_graph)
    stats, expected = collect(projection), reference_collect(projection)
    assert stats.keys() == expected.keys()
    for key, st in stats.items():
        assert st.participants == expected[key].participants, key
        assert list(st.ties.items()) == list(expected[key].ties.items()), key  # same pairs, order and sums
        assert dict(st.co_platforms) == dict(expected[key].co_platforms), key
    assert sum(len(st.ties) for st in stats.values()) > 20  # the graph exercises the ties
    got = suggest_partners(projection, stats)
    want = reference_partners(projection, expected)
    assert sum(len(v) for v in want.values()) > 10  # and the suggestions
    assert got.keys() == want.keys()
    for e, suggestions in got.items():
        flat = [{**s, "partner": s["partner"]["id"]} for s in suggestions]
        assert [(s["industry"], s["partner"], s["score"]) for s in flat] == [(s["industry"], s["partner"], s["score"]) for s in want[e]], e
        for mine, theirs in zip(flat, want[e], strict=True):
            assert mine["score"] == pytest.approx(theirs["score"], abs=1e-6)
            assert {k: mine[k] for k in ("industry", "platforms", "reason_zh", "reason_en")} == \
                {k: theirs[k] for k in ("industry", "platforms", "reason_zh", "reason_en")}
    assert all(math.isfinite(s["score"]) for v in got.values() for s in v)
