"""Scoring a proposal against all its candidates in one pass (the proposal check's hot path).

Why not :func:`~queries.overlap.analysis.score_candidates`: that scores pair by pair through a
dozen small functions (``score_parts``, ``combine``, ``same_host``, ``type_score``, ``known_link`` …),
each re-reading the proposal's side, and at 100,000 platforms a check has ~90 candidates, so those
calls were ~60 % of a check's CPU (docs/benchmarks.md, "Proposal check"). Here one side of every
pair is the same proposal: what depends on it alone is read once, the type comparison is memoised
by the candidate's type, each candidate is read in one loop, and a candidate whose direction cannot
be compared (score 0, never reported above a positive threshold) costs nothing more. Only what
needs the two names together — the names-only direction (name cores, thesaurus topic, partner
segment), the rare-core test of the sparse-evidence guards, the people and industry signals — still
calls the per-pair functions of :mod:`queries.overlap.signals`, for the candidates that need them.

Tried first: numpy over the candidates (each signal one array pass, guards and weighted mean as
array operations). Slower than the per-pair code at 100,000 platforms: ~90 candidates are too few
to pay for ~40 small array operations, and each pass re-read the scattered candidate objects.

Same answer, bit for bit: each float is computed by the same operations in the same order as
``score_parts`` + ``combine`` (the weighted sums from 0 in the signals' order, the guard factors
multiplied in the same order, Python's ``round``), and the reported pairs are built, ordered and
explained by the same code; a threshold of 0 (every candidate reported, even without a direction)
takes the per-pair path. tests/test_overlap_check_scoring.py compares the two on random graphs.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from queries.overlap.analysis import score_candidates
from queries.overlap.profiles import Profile
from queries.overlap.signals import (
    CONTENT_MIN,
    KEYWORD_SHARE,
    SAME_HOST,
    SAME_HOST_SAME_FAMILY,
    SEGMENT_GUARD,
    SHARED_INSTITUTION,
    SHARED_INSTITUTIONS_2,
    SITE_GUARD,
    UNKNOWN_HOST_GUARD,
    UNKNOWN_HOST_NEEDS_RARE,
    UNLINKED_FACTOR,
    WEIGHTS,
    PairScore,
    compatible_types,
    explain,
    industry_score,
    name_direction,
    name_level_of,
    names_comparable,
    people_score,
    relation_of,
    type_score,
)
from queries.overlap.text import rare_core_match
from queries.overlap.topics import different_sites, is_field_station

W_DIRECTION, W_PEOPLE, W_INSTITUTIONS = WEIGHTS["direction"], WEIGHTS["people"], WEIGHTS["institutions"]
W_INDUSTRY, W_TYPE, W_CITY = WEIGHTS["industry"], WEIGHTS["type_family"], WEIGHTS["city"]
COSINE_SHARE = 1.0 - KEYWORD_SHARE  # as score_parts computes it


def score_proposal(a: Profile, cands: Sequence[Profile], cosines: np.ndarray, threshold: float, *,
                   explain_top: int | None = None) -> list[PairScore]:
    """The pairs (``a``, candidate) at or above ``threshold``, explained (the strongest ``explain_top``;
    None: all), strongest first — what ``score_candidates([a], None, zeros, rows, threshold,
    others=cands, cosines=cosines, explain_top=explain_top)`` returns."""
    if threshold <= 0:  # every candidate is reported, those without a direction too: the per-pair path
        return score_candidates([a], None, np.zeros(len(cands), dtype=np.int64), np.arange(len(cands)),
                                threshold, others=cands, cosines=cosines, explain_top=explain_top)
    type_memo: dict[tuple[str | None, str | None], float] = {}  # type_score reads only the types and families
    a_host, a_family, a_type, a_city = a.host, a.host_family, a.type, a.city
    a_inst = a.institutions.keys()
    a_people, a_industries, a_terms = bool(a.people), bool(a.industries), a.terms
    a_names = names_comparable(a)
    a_station = is_field_station(a)
    found: list[tuple[PairScore, Profile, Profile]] = []
    for b, cosine in zip(cands, cosines.tolist(), strict=True):
        both_terms = bool(a_terms) and bool(b.terms)  # a candidate's keywords read only when the proposal has some
        how = ""
        if both_terms:
            b_terms = b.terms
            union = len(a_terms | b_terms)
            direction = KEYWORD_SHARE * (len(a_terms & b_terms) / union if union else 0.0) + COSINE_SHARE * cosine
        elif a_names and (b.core or b.name_concepts):
            direction, how = name_direction(a, b, cosine)
        else:
            continue  # no direction: score 0, below any positive threshold
        b_host = b.host
        same_host = bool(a_host) and bool(b_host) and (b_host == a_host or (bool(a_family) and b.host_family == a_family))
        b_inst = b.institutions
        shared = len(a_inst & b_inst.keys()) if a_inst else 0
        has_people = a_people and bool(b.people)
        people = people_score(a, b) if has_people else None
        b_type = b.type
        typ = 0.0
        if a_type and b_type or same_host:
            key = (b_type, b.family)
            known = type_memo.get(key)
            typ = type_memo[key] = type_score(a, b) if known is None else known
        if a_inst and b_inst:
            institutions: float | None = ((SAME_HOST_SAME_FAMILY if typ > 0 else SAME_HOST) if same_host else
                                          SHARED_INSTITUTIONS_2 if shared >= 2 else
                                          SHARED_INSTITUTION if shared == 1 else 0.0)
        else:
            institutions = None
        industry, different_segments = industry_score(a, b) if a_industries and b.industries else (None, False)
        type_family = typ if a_type and b_type else None
        b_city = b.city
        city = (1.0 if a_city == b_city else 0.0) if a_city and b_city else None
        # the guards, in score_parts' order
        people0 = people or 0.0
        guard = SEGMENT_GUARD if different_segments and people0 < 0.3 else 1.0
        if institutions is not None and has_people and institutions == 0.0 and people0 == 0.0:
            guard *= UNLINKED_FACTOR
        if not has_people and direction < CONTENT_MIN:
            guard *= UNLINKED_FACTOR
        if not both_terms and not has_people and not shared and not same_host:
            if a_host and b_host:
                if not (rare_core_match(a, b) and compatible_types(a, b)):
                    guard *= UNLINKED_FACTOR
            elif UNKNOWN_HOST_NEEDS_RARE and not (rare_core_match(a, b) and compatible_types(a, b)) \
                    and how != "topic":  # how: name_level_of(a, b) for names compared
                guard *= UNKNOWN_HOST_GUARD
        if a_station and different_sites(a, b):
            guard *= SITE_GUARD
        # combine: the weighted mean of the signals present (summed from 0 in the signals' order)
        total: float = 0
        weighted: float = 0
        total += W_DIRECTION
        weighted += W_DIRECTION * direction
        if people is not None:
            total += W_PEOPLE
            weighted += W_PEOPLE * people
        if institutions is not None:
            total += W_INSTITUTIONS
            weighted += W_INSTITUTIONS * institutions
        if industry is not None:
            total += W_INDUSTRY
            weighted += W_INDUSTRY * industry
        if type_family is not None:
            total += W_TYPE
            weighted += W_TYPE * type_family
        if city is not None:
            total += W_CITY
            weighted += W_CITY * city
        score = round(guard * weighted / total, 4)
        if score < threshold:
            continue
        parts: dict[str, float | None] = {"direction": direction, "people": people, "institutions": institutions,
                                          "industry": industry, "type_family": type_family, "city": city}
        pa, pb = (b, a) if a.key > b.key else (a, b)
        level = name_level_of(pa, pb, cosine)
        found.append((PairScore(pa.key, pb.key, score, parts, guard, relation=relation_of(pa, pb, level),
                                name_level=level), pa, pb))
    found.sort(key=lambda f: (-f[0].score, f[0].a, f[0].b))
    for rank, (pair, pa, pb) in enumerate(found):
        if explain_top is None or rank < explain_top:
            pair.signals = explain(pair, pa, pb)
    return [pair for pair, _, _ in found]


__all__ = ["score_proposal"]
