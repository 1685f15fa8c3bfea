"""``truth.json``: what the sample plants, and what Neo4j must hold after ingesting it.

Why computed from the world rather than hand-kept: every figure here is derived by construction from
the same objects the files were rendered from, using the resolution rules of docs/sample-data.md,
so the truth stays right at every ``--platforms`` scale. The tests recompute the counts
independently from the written files.
"""

from __future__ import annotations

from itertools import combinations

from graph.reference import load_cities, load_industries
from ingest.sample import pools
from ingest.sample.layout import Renderer, topic_key
from ingest.sample.model import SECTORS, Collaboration, Platform
from ingest.sample.planted import Planted
from ingest.sample.relations import root_industry
from ingest.sample.world import COVERAGE_GAPS, NEVER_COLLABORATING, WELL_CONNECTED, WELL_COVERED, World

LIVE = ("active", "building")
CATEGORIES = ("science_engineering", "innovation_transfer", "basic_support")


def platform_sectors(world: World, p: Platform) -> set[str]:
    insts = world.insts
    sectors = {insts[p.host].sector, *(insts[c].sector for c in p.co_builders)}
    sectors.update(insts[world.researchers[r].inst].sector for r, _ in p.members)
    return sectors


def expected_counts(world: World, collabs: list[Collaboration]) -> dict:
    insts, researchers, platforms = world.insts, world.researchers, world.platforms
    topics: set[str] = set()
    on_topic = 0
    for p in platforms:
        keys = {topic_key(k) for k in p.keywords}
        topics |= keys
        on_topic += len(keys)
    for r in researchers:
        keys = {topic_key(k) for k in r.fields}
        topics |= keys
        on_topic += len(keys)
    collab_keys = set()
    for c in collabs:
        a, b = sorted((insts[c.a].key, insts[c.b].key))
        collab_keys.add((a, b, c.kind, c.year, c.industry))
    memberships = {(r, p.idx) for p in platforms for r, _ in p.members}
    return {
        "nodes": {
            "Platform": len(platforms),
            "Institution": len(insts),
            "Researcher": len(researchers),
            "Industry": len(load_industries()) + len(pools.EXTRA_INDUSTRIES),
            "City": len(load_cities()),
            "Topic": len(topics),
        },
        "relationships": {
            "HOSTED_BY": len(platforms),
            "CO_BUILT_BY": sum(len({insts[c].key for c in p.co_builders}) for p in platforms),
            "MEMBER_OF": len(memberships),
            "WORKS_AT": len(researchers),
            "SERVES": sum(len(set(p.serves)) for p in platforms),
            "COLLABORATES_WITH": len(collab_keys),
            "OF_TYPE": len(platforms),
            "ON_TOPIC": on_topic,
            "LOCATED_IN": len(platforms) + sum(1 for i in insts if i.city),
            "IN_INDUSTRY": sum(len(set(i.industries)) for i in insts),
        },
    }


def collaboration_truth(world: World, collabs: list[Collaboration]) -> tuple[list[dict], list[dict], list[dict]]:
    """Rows per (industry, sector pair), the pairs that never collaborate, and the well-connected ones."""
    insts = world.insts
    key_inds = [k for k, v in world.industries.items() if v.level == "industry"]
    counts: dict[tuple[str, tuple[str, ...]], int] = {}
    for c in collabs:
        if not c.industry:
            continue
        s = tuple(sorted((insts[c.a].sector, insts[c.b].sector)))
        if s[0] == s[1]:
            continue
        k = (root_industry(world, c.industry), s)
        counts[k] = counts.get(k, 0) + 1
    planted = {(ind, tuple(sorted(pair))) for ind, pair in NEVER_COLLABORATING}
    matrix, never = [], []
    for ind in key_inds:
        for pair in combinations(sorted(SECTORS), 2):
            n = counts.get((ind, pair), 0)
            matrix.append({"industry": ind, "sectors": list(pair), "rows": n})
            if n == 0:
                never.append({"industry": ind, "sectors": list(pair), "planted": (ind, pair) in planted})
    for ind, planted_pair in planted:
        assert counts.get((ind, planted_pair), 0) == 0, (ind, planted_pair)
    well = []
    for ind, pair in WELL_CONNECTED:
        n = counts.get((ind, tuple(sorted(pair))), 0)
        assert n >= 10, (ind, pair, n)
        well.append({"industry": ind, "sectors": sorted(pair), "rows": n})
    return matrix, never, well


def coverage_truth(world: World) -> tuple[list[dict], list[dict]]:
    """Gaps (complete list, planted ones flagged) and the planted well-covered cells with their counts."""
    inds = world.industries
    count: dict[tuple[str, str, str], int] = {}
    for p in world.platforms:
        if p.status not in LIVE:
            continue
        cat = world.category(p.type_key)
        roots = {root_industry(world, s) for s in p.serves}
        for scope in roots | set(p.serves):
            for cell in ((scope, "category", cat), (scope, "city", p.city)):
                count[cell] = count.get(cell, 0) + 1
            if p.level == "national":
                count[(scope, "level", "national")] = count.get((scope, "level", "national"), 0) + 1
    planted = set(COVERAGE_GAPS)
    gaps = []
    for key, ind in inds.items():
        if ind.level == "industry":
            cells = [(key, "category", c) for c in CATEGORIES] + [(key, "level", "national")]
            cells += [(key, "city", c) for c in ind.cities]
        else:
            cells = [(key, "category", c) for c in CATEGORIES]
        for cell in cells:
            if count.get(cell, 0) == 0:
                gaps.append({"industry": cell[0], "kind": cell[1], "value": cell[2],
                             "scope": ind.level, "planted": cell in planted})
    for cell in planted:
        assert count.get(cell, 0) == 0, cell
    covered = []
    for cell in WELL_COVERED:
        n = count.get(cell, 0)
        assert n >= 3, (cell, n)
        covered.append({"industry": cell[0], "kind": cell[1], "value": cell[2], "count": n})
    return gaps, covered


def build_truth(world: World, planted: Planted, collabs: list[Collaboration], renderer: Renderer, *,
                seed: int, platforms_requested: int, xlsx_path: str | None) -> dict:
    plats = world.platforms
    pid = [p.id for p in plats]
    groups = []
    pairs: set[tuple[str, str]] = set()
    for g in planted.groups:
        ids = [pid[i] for i in g["platforms"]]
        groups.append({"id": g["id"], "kind": g["kind"], "strength": g["strength"], "platforms": ids,
                       "keep": pid[g["keep"]]})
        pairs.update((min(x, y), max(x, y)) for x, y in combinations(ids, 2))
    single = []
    planted_single = {i for i, _ in planted.single}
    for p in sorted(plats, key=lambda p: p.id):
        sectors = platform_sectors(world, p)
        if len(sectors) == 1:
            single.append({"platform": p.id, "sector": next(iter(sectors)), "planted": p.idx in planted_single})
    for i, sector in planted.single:
        assert platform_sectors(world, plats[i]) == {sector}
    for i in planted.multi:
        assert len(platform_sectors(world, plats[i])) >= 3
    matrix, never, well = collaboration_truth(world, collabs)
    gaps, covered = coverage_truth(world)
    retire = [{"platform": p.id, "reason": "evaluation_failed", "evaluation": p.evaluation}
              for p in sorted(plats, key=lambda p: p.id) if p.evaluation in ("不合格", "整改") and p.status in LIVE]
    tables = renderer.tables
    return {
        "seed": seed,
        "platforms_requested": platforms_requested,
        "expected_counts": expected_counts(world, collabs),
        "rows_read": {t: tab.n_rows for t, tab in tables.items()},
        "rejects": renderer.rejects(),
        "overlap_groups": groups,
        "overlap_pairs": [list(p) for p in sorted(pairs)],
        "hard_non_overlaps": [{"kind": h["kind"], "platforms": [pid[i] for i in h["platforms"]]} for h in planted.hard],
        "single_sector_platforms": single,
        "multi_sector_platforms": sorted(pid[i] for i in planted.multi),
        "never_collaborating": never,
        "well_connected": well,
        "collaboration_matrix": matrix,
        "coverage_gaps": gaps,
        "well_covered": covered,
        "retire": retire,
        "formula_cells": [renderer.formula_cell()],
        "files": {t: {"file": tab.file, "sheet": tab.sheet, "encoding": tab.encoding, "headers": tab.language}
                  for t, tab in tables.items()},
        "xlsx": xlsx_path,
    }
