"""Who takes part in each industry, the 4×4 matrix of ties between sectors, and the gaps in it.

Participation (an institution "takes part" in an industry or chain segment) comes from four
sources: its declared industries (IN_INDUSTRY), the platforms it hosts or co-builds and the
platforms its people belong to (when the platform SERVES the industry), and its collaborations
tagged with the industry. A chain segment's participants and ties also count for its industry.

Ties are COLLABORATES_WITH relationships tagged with the industry (or one of its segments); a tie
is one institution pair, whatever the number of kinds and years (``collaborations`` sums the
counts). The expected number of ties between sectors a and b comes from the industry's size under
random mixing: E_ab = T · P_ab / Σ P, with T the industry's ties and P_ab the possible pairs
(n_a·n_b across sectors, n_a(n_a−1)/2 within one). A cross-sector pair is a gap when both sectors
take part but there is no tie (``no_tie``), when the tie count is below WEAK_RATIO · E_ab with
E_ab ≥ WEAK_MIN_EXPECTED (``weak``), or when one of the two sectors takes no part at all
(``absent_sector``).
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from itertools import combinations, combinations_with_replacement
from typing import Any

from graph.i18n import Lang
from queries.collaboration.projection import Projection
from queries.collaboration.synergy import SECTORS, synergy

WEAK_RATIO = 0.25
WEAK_MIN_EXPECTED = 4.0
GAP_KIND_ORDER = {"no_tie": 0, "weak": 1, "absent_sector": 2}
SECTOR_INDEX = {s: i for i, s in enumerate(SECTORS)}
SECTOR_NAMES = {"industry": ("产", "industry"), "academia": ("学", "academia"),
                "research": ("研", "research"), "user": ("用", "user")}


def pair_key(a: str, b: str) -> tuple[str, str]:
    """A sector pair in 产学研用 order."""
    return (a, b) if SECTOR_INDEX[a] <= SECTOR_INDEX[b] else (b, a)


@dataclass
class IndustryStats:
    """Everything the analysis knows about one industry (or segment) in one scope (all / a city)."""

    key: str
    participants: set[str] = field(default_factory=set)
    ties: dict[tuple[str, str], float] = field(default_factory=dict)  # (inst a, inst b) -> count
    co_platforms: dict[tuple[str, str], int] = field(default_factory=lambda: defaultdict(int))


def collect(projection: Projection) -> dict[str, IndustryStats]:
    """Participants, ties and co-built platforms per Industry key (segments roll up).

    Each industry's roll-up scopes are looked up once, and a platform's members are added to a
    scope as one set update: at 100,000 platforms this ran hundreds of thousands of times. Platforms
    serving the same industries share one list of scopes (there are few distinct combinations)."""
    stats: dict[str, IndustryStats] = {k: IndustryStats(k) for k in projection.industries}
    insts = projection.institutions
    sector = projection.sector_of
    scopes = {k: projection.scopes(k) for k in projection.industries}
    # participation through a scope rolls up once more (a segment's tie counts for its industry)
    reach = {k: list(dict.fromkeys(s2 for s in scoped for s2 in scopes[s])) for k, scoped in scopes.items()}
    reach_stats = {k: [stats[s] for s in scoped] for k, scoped in reach.items()}

    for inst, industry in projection.inst_industries:
        if inst in insts:
            for scope in scopes.get(industry, ()):
                stats[scope].participants.add(inst)
    # a platform's scopes, in the order its industries and their scopes come (each once per industry)
    platform_scopes: dict[tuple[str, ...], list[IndustryStats]] = {}
    sector_pairs: dict[frozenset[str], list[tuple[str, str]]] = {}
    for platform in projection.platforms:
        if not platform.industries:
            continue
        inds = tuple(platform.industries)
        targets = platform_scopes.get(inds)
        if targets is None:
            targets = platform_scopes[inds] = [stats[scope] for industry in inds
                                               for scope in scopes.get(industry, ())]
        if not targets:
            continue
        builders = platform.builders
        members = {k for k in builders | {k for k, _ in platform.people} if k in insts}
        builder_sectors = frozenset(sector[k] for k in builders if k in insts)
        pairs = sector_pairs.get(builder_sectors)
        if pairs is None:
            pairs = sector_pairs[builder_sectors] = list(combinations(
                sorted(builder_sectors, key=SECTOR_INDEX.__getitem__), 2))
        for st in targets:
            st.participants |= members
            for pair in pairs:
                st.co_platforms[pair] += 1
    for collab in projection.collaborations:
        a, b = collab.a, collab.b
        if a == b:
            continue
        scoped = scopes.get(collab.industry)
        if not scoped:
            continue
        a_in, b_in = a in insts, b in insts
        if a_in and b_in:
            for st in reach_stats[collab.industry]:
                st.participants.add(a)
                st.participants.add(b)
        else:
            known = a if a_in else b if b_in else None
            if known is not None:
                for st in reach_stats[collab.industry]:
                    st.participants.add(known)
            continue  # a tie leaving a city's projection: participation only
        pair = (a, b) if a < b else (b, a)
        for scope in scoped:
            ties = stats[scope].ties
            ties[pair] = ties.get(pair, 0.0) + collab.count
    return stats


def sector_counts(stats: IndustryStats, projection: Projection) -> dict[str, int]:
    counts = dict.fromkeys(SECTORS, 0)
    counts.update(Counter(map(projection.sector_of.__getitem__, stats.participants)))
    return counts


def analyse_industry(stats: IndustryStats, projection: Projection) -> dict[str, Any]:
    """Sector counts, the pair matrix with expectations, ranked gaps and synergy for one industry."""
    sector = projection.sector_of
    counts = sector_counts(stats, projection)
    observed: dict[tuple[str, str], int] = defaultdict(int)
    weighted: dict[tuple[str, str], float] = defaultdict(float)
    records: dict[frozenset[str], float] = defaultdict(float)
    for (a, b), count in stats.ties.items():
        sa, sb = sector[a], sector[b]
        key = pair_key(sa, sb)
        observed[key] += 1
        weighted[key] += count
        records[frozenset((sa, sb))] += count
    possible = {}
    for a, b in combinations_with_replacement(SECTORS, 2):
        possible[(a, b)] = counts[a] * counts[b] if a != b else counts[a] * (counts[a] - 1) / 2
    total_possible = sum(possible.values())
    total_ties = sum(observed.values())
    pairs: list[dict[str, Any]] = []
    gaps: list[dict[str, Any]] = []
    for (a, b), n_possible in possible.items():
        expected = total_ties * n_possible / total_possible if total_possible else 0.0
        obs = observed.get((a, b), 0)
        entry = {"sectors": [a, b], "ties": obs, "collaborations": round(weighted.get((a, b), 0.0), 3),
                 "expected": round(expected, 3), "co_built_platforms": stats.co_platforms.get((a, b), 0)}
        pairs.append(entry)
        if a == b:
            continue
        kind = None
        if counts[a] == 0 or counts[b] == 0:
            kind = "absent_sector"
        elif obs == 0:
            kind = "no_tie"
        elif expected >= WEAK_MIN_EXPECTED and obs < WEAK_RATIO * expected:
            kind = "weak"
        if kind:
            severity = (expected - obs) / math.sqrt(expected) if expected > 0 else 0.0
            gaps.append({**entry, "kind": kind, "severity": round(severity, 3),
                         "absent": [s for s in (a, b) if counts[s] == 0]})
    gaps.sort(key=lambda g: (GAP_KIND_ORDER[g["kind"]], -g["severity"], SECTOR_INDEX[g["sectors"][0]],
                             SECTOR_INDEX[g["sectors"][1]]))
    for rank, gap in enumerate(gaps, 1):
        gap["rank"] = rank
    syn = synergy(records)
    return {"sector_counts": counts, "pairs": pairs, "missing_pairs": gaps,
            "synergy": {k: (round(v, 9) if isinstance(v, float) else v) for k, v in syn.items()},
            "ties": total_ties}


def gap_reason(gap: Mapping[str, Any], industry_name: str, lang: Lang) -> str:
    """One sentence a planner can check: which pair, what was seen, what the size predicts."""
    from graph.i18n import tr

    a, b = gap["sectors"]
    na = SECTOR_NAMES[a][0 if lang == "zh" else 1]
    nb = SECTOR_NAMES[b][0 if lang == "zh" else 1]
    if gap["kind"] == "absent_sector":
        missing = "、".join(SECTOR_NAMES[s][0] for s in gap["absent"]) if lang == "zh" else \
            ", ".join(SECTOR_NAMES[s][1] for s in gap["absent"])
        return tr("{ind}：没有{m}方单位参与，{a}–{b}无从合作", "{ind}: no {m} institution takes part, so no "
                  "{a}–{b} tie is possible", lang=lang, ind=industry_name, m=missing, a=na, b=nb)
    if gap["kind"] == "no_tie":
        return tr("{ind}：{a}–{b}之间没有任何合作（按规模预期 {e} 条）",
                  "{ind}: no {a}–{b} collaboration at all ({e} expected from the industry's size)",
                  lang=lang, ind=industry_name, a=na, b=nb, e=gap["expected"])
    return tr("{ind}：{a}–{b}合作 {o} 条，远低于按规模预期的 {e} 条",
              "{ind}: {o} {a}–{b} ties, far below the {e} expected from the industry's size",
              lang=lang, ind=industry_name, a=na, b=nb, o=gap["ties"], e=gap["expected"])
