"""Collaborations between institutions and the construction targets (建设目标).

Why collaborations follow platforms and industries: real 产学研 links run between a platform's host
and co-builders and within an industry's cluster. The planted never-collaborating sector pairs are
kept out of every row tagged with that industry (or one of its chain segments), and the planted
well-connected pairs get many rows, so the collaboration-gap analysis has known answers.
"""

from __future__ import annotations

from ingest.sample.model import Collaboration
from ingest.sample.world import WELL_CONNECTED, World, forbidden_pairs

KINDS = (("project", 35), ("paper", 25), ("patent", 15), ("contract", 20), ("alliance", 5))
_KIND_KEYS = [k for k, _ in KINDS]
_KIND_W = [w for _, w in KINDS]
# How often each kind of institution appears in an industry's collaborations (产 dominates).
CLUSTER_WEIGHTS = {"enterprise": 4, "university": 2.5, "institute": 2, "hospital": 0.6, "government": 0.5, "other": 0.5}


def root_industry(world: World, key: str) -> str:
    ind = world.industries.get(key)
    return ind.parent if ind is not None and ind.parent else key


def make_collaborations(world: World, per_platform: float = 4.0) -> list[Collaboration]:
    """Collaboration rows (duplicates included on purpose: the same relationship reported twice)."""
    rng, insts = world.rng, world.insts
    rows: list[Collaboration] = []

    def allowed(a: int, b: int, industry: str) -> bool:
        if a == b or insts[a].key == insts[b].key:
            return False
        pair = frozenset((insts[a].sector, insts[b].sector))
        return pair not in forbidden_pairs(root_industry(world, industry)) if industry else True

    def add(a: int, b: int, industry: str) -> None:
        if allowed(a, b, industry):
            kind = rng.choices(_KIND_KEYS, _KIND_W)[0]
            rows.append(Collaboration(a, b, kind, rng.randint(2015, 2024), rng.randint(1, 12), industry))

    # 1. host ↔ co-builders of each platform
    for p in world.platforms:
        for c in p.co_builders:
            for _ in range(rng.randint(1, 2)):
                add(p.host, c, rng.choice(p.serves))
    # 2. the industry clusters
    target = round(per_platform * len(world.platforms))
    kinds = list(world.fac.by_kind)
    inds = [k for k, v in world.industries.items() if v.level == "industry"]
    clusters = {ind: [(pool, CLUSTER_WEIGHTS[k]) for k in kinds if (pool := world.fac.by_kind_industry.get((k, ind)))]
                for ind in inds}
    segments = {ind: [s for s, v in world.industries.items() if v.parent == ind] for ind in inds}
    guard = 0
    while len(rows) < target and guard < target * 20:
        guard += 1
        industry = rng.choice(inds)
        cluster = clusters[industry]
        weights = [w for _, w in cluster]
        pa, pb = rng.choices(cluster, weights, k=2)
        a = rng.choice(pa[0])
        b = rng.choice(pb[0])
        segs = segments[industry]
        tag = rng.choice(segs) if segs and rng.random() < 0.6 else industry
        add(a, b, "" if rng.random() < 0.04 else tag)
    # 3. the planted well-connected pairs get plenty of rows
    per_pair = max(12, round(len(world.platforms) * 0.01))
    for industry, (s1, s2) in WELL_CONNECTED:
        left = [i for k in kinds for i in world.fac.by_kind_industry.get((k, industry), []) if insts[i].sector == s1]
        right = [i for k in kinds for i in world.fac.by_kind_industry.get((k, industry), []) if insts[i].sector == s2]
        for _ in range(per_pair):
            add(rng.choice(left), rng.choice(right), industry)
    # 4. duplicates: the same collaboration reported again (often with the parties swapped)
    extra: dict[int, list[Collaboration]] = {}
    for row in rng.sample(rows, max(3, len(rows) // 30)):
        a, b = (row.b, row.a) if rng.random() < 0.5 else (row.a, row.b)
        extra.setdefault(rng.randrange(len(rows) + 1), []).append(
            Collaboration(a, b, row.kind, row.year, row.count, row.industry))
    merged: list[Collaboration] = []
    for i, row in enumerate(rows):
        merged.extend(extra.get(i, ()))
        merged.append(row)
    merged.extend(extra.get(len(rows), ()))
    return merged


def make_targets(world: World, retire_ids: set[int]) -> list[dict]:
    """One target row per regional type (自治区级) and per national counterpart (国家级), for 2025."""
    rng = world.rng
    current: dict[str, int] = {}
    retiring: dict[str, int] = {}
    for p in world.platforms:
        if p.status in ("active", "building"):
            current[p.type_key] = current.get(p.type_key, 0) + 1
            if p.idx in retire_ids:
                retiring[p.type_key] = retiring.get(p.type_key, 0) + 1
    rows = []
    for t in world.tax.types.values():
        if not (t.regional15 or (t.level == "national" and t.counterpart and world.tax.types[t.counterpart].regional15)):
            continue
        have = current.get(t.key, 0)
        new = round(have * rng.uniform(0.08, 0.3)) + rng.randint(0, 2)
        out = retiring.get(t.key, 0) + round(have * rng.uniform(0.0, 0.08))
        rows.append({"type": t.key, "level": t.level, "year": 2025, "new": new, "integrated_or_revoked": out,
                     "total": have + new - out})
    return rows
