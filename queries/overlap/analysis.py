"""The overlap analysis: load, block, score, explain, group, write back (replacing older runs)."""

from __future__ import annotations

import json
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from graph.store import Store
from queries.overlap import cypher
from queries.overlap.blocking import Candidates, candidate_pairs
from queries.overlap.groups import Group, build_groups
from queries.overlap.profiles import Profile, load_profiles
from queries.overlap.signals import (
    THRESHOLD,
    PairScore,
    combine,
    explain,
    name_level_of,
    relation_of,
    score_parts,
)
from queries.overlap.text import DirectionVectors, prepare

DELETE_CHUNK = 10_000


@dataclass
class OverlapResult:
    pairs: list[PairScore]
    groups: list[Group]
    stats: dict[str, Any] = field(default_factory=dict)


def score_candidates(profiles: Sequence[Profile], vectors: DirectionVectors | None, rows_a: np.ndarray,
                     rows_b: np.ndarray, threshold: float, *, others: Sequence[Profile] | None = None,
                     cosines: np.ndarray | None = None, explain_top: int | None = None) -> list[PairScore]:
    """Score row-index pairs; return those at or above ``threshold``, explained, strongest first.

    ``others`` (default: ``profiles``) holds the rows of ``rows_b``; the proposal check passes the
    proposal as ``profiles`` and the graph as ``others``, with the cosines it computed itself.
    ``explain_top``: explain only the strongest this many (the rest keep score and relation, no
    signals) — the proposal check's answer, where the wording was half the cost of a check."""
    others = profiles if others is None else others
    if cosines is None:
        assert vectors is not None
        cosines = vectors.cosine_many(rows_a, rows_b)
    found: list[tuple[PairScore, Profile, Profile]] = []
    for ia, ib, direction in zip(rows_a.tolist(), rows_b.tolist(), cosines.tolist(), strict=True):
        a, b = profiles[ia], others[ib]
        parts, guard = score_parts(a, b, direction)
        score = combine(parts, guard)
        if score >= threshold:
            if a.key > b.key:
                a, b = b, a
            level = name_level_of(a, b, direction)
            pair = PairScore(a.key, b.key, score, parts, guard, relation=relation_of(a, b, level), name_level=level)
            found.append((pair, a, b))
    found.sort(key=lambda f: (-f[0].score, f[0].a, f[0].b))
    for n, (pair, a, b) in enumerate(found):
        if explain_top is None or n < explain_top:
            pair.signals = explain(pair, a, b)
    return [pair for pair, _, _ in found]


def compute_overlaps(profiles: dict[str, Profile], threshold: float = THRESHOLD) -> OverlapResult:
    """Everything but the I/O: vectors, blocking, scoring and groups (the bench calls this too)."""
    started = time.perf_counter()
    ordered = [profiles[k] for k in sorted(profiles)]
    prepare(ordered)
    vectors = DirectionVectors(ordered)
    t_vec = time.perf_counter()
    cands: Candidates = candidate_pairs(ordered, vectors)
    t_block = time.perf_counter()
    pairs = score_candidates(ordered, vectors, cands.a, cands.b, threshold)
    t_score = time.perf_counter()
    groups = build_groups(pairs, profiles)
    stats = {
        "platforms": len(ordered), "candidates": int(len(cands.a)), "candidates_by_block": cands.by_block,
        "threshold": threshold,
        "seconds_vectors": round(t_vec - started, 3), "seconds_blocking": round(t_block - t_vec, 3),
        "seconds_scoring": round(t_score - t_block, 3),
        "seconds_groups": round(time.perf_counter() - t_score, 3),
    }
    return OverlapResult(pairs, groups, stats)


def pair_row(pair: PairScore) -> dict[str, Any]:
    return {
        "a": pair.a, "b": pair.b, "score": pair.score, "relation": pair.relation,
        "signals": json.dumps([s.as_dict() for s in pair.signals], ensure_ascii=False),
        "reasons_zh": [s.detail_zh for s in pair.signals],
        "reasons_en": [s.detail_en for s in pair.signals],
    }


def _delete_until_empty(store: Store, query: str, run_key: str) -> int:
    total = 0
    while True:
        n: int = store.write(query, {"run": run_key, "chunk": DELETE_CHUNK})[0]["n"]
        total += n
        if n == 0:
            return total


def write_back(store: Store, run_key: str, result: OverlapResult) -> dict[str, int]:
    """Write this run's pairs and groups, then delete every other run's (readers never see none)."""
    store.upsert_batches(cypher.WRITE_PAIRS, (pair_row(p) for p in result.pairs), extra={"run": run_key})
    group_rows = [
        {"key": f"{run_key}:{n}", "members": g.members, "recommendation": g.recommendation,
         "keep": g.keep, "reasons_zh": g.reasons_zh, "reasons_en": g.reasons_en, "size": len(g.members),
         "relation": g.relation}
        for n, g in enumerate(result.groups, start=1)
    ]
    store.upsert_batches(cypher.WRITE_GROUPS, group_rows, batch_size=1_000, extra={"run": run_key})
    return {
        "deleted_pairs": _delete_until_empty(store, cypher.DELETE_OLD_PAIRS, run_key),
        "deleted_groups": _delete_until_empty(store, cypher.DELETE_OLD_GROUPS, run_key),
        "cleared_flags": _delete_until_empty(store, cypher.CLEAR_OLD_FLAGS, run_key),
    }


def run_overlap_analysis(store: Store, run_key: str) -> dict[str, Any]:
    """Compute every overlap and group, write them back under ``run_key``, remove older runs' results.

    The caller (``platgraph analyze``) creates and finishes the AnalysisRun; this returns the summary
    it stores: counts of pairs, groups per recommendation, timings and blocking statistics.
    """
    started = time.perf_counter()
    profiles = load_profiles(store)
    t_load = time.perf_counter()
    result = compute_overlaps(profiles)
    t_compute = time.perf_counter()
    deleted = write_back(store, run_key, result)
    recs = {"merge": 0, "integrate": 0, "refocus": 0, "review": 0}
    for g in result.groups:
        recs[g.recommendation] += 1
    return {
        "pairs": len(result.pairs), "groups": len(result.groups), **recs,
        "seconds": round(time.perf_counter() - started, 3),
        "seconds_load": round(t_load - started, 3),
        "seconds_write": round(time.perf_counter() - t_compute, 3),
        **result.stats, **deleted, "run": run_key,
    }
