"""Candidate generation (blocking): which pairs are worth scoring, without comparing all pairs.

Why these blocks: with the weights in :mod:`queries.overlap.signals`, a pair that shares neither an
institution (host or co-builder) nor a team member is scaled down by the linkage guard and cannot
reach the threshold (:func:`~queries.overlap.signals.max_unlinked_score`). So the candidates are the
pairs that share an institution or a person — found from inverted indexes, never by comparing all
pairs. An institution that hosts or co-builds more than ``INSTITUTION_CAP`` platforms (a big
university at national scale) would contribute a quadratic number of pairs; inside such an
institution each platform is paired only with its ``TOP_K`` nearest research-direction neighbours
(sparse TF-IDF cosine), which keeps the work near-linear. If the weights are changed so that an
unlinked pair could reach the threshold, a global top-k direction-neighbour block is added. The
cost is measured against exhaustive scoring in ``bench/overlap.py`` (blocking recall).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy import sparse

from queries.overlap.profiles import Profile
from queries.overlap.signals import THRESHOLD, max_unlinked_score
from queries.overlap.text import DirectionVectors

INSTITUTION_CAP = 200  # an institution hosting more platforms than this is left to the other blocks
PERSON_CAP = 60
TOP_K = 20
MIN_COSINE = 0.1
MAX_DF_FRACTION = 0.02  # tokens in more than 2% of platforms (and > MIN_MAX_DF) do not block
MIN_MAX_DF = 50
ROW_CHUNK = 500
CORE_CAP = 200  # platforms sharing one whole name core that a hostless platform is paired with
RARE_BIGRAM_DF = 30  # a core bigram in at most this many platforms is specific enough to block on


@dataclass
class Candidates:
    a: np.ndarray  # row indices, a < b
    b: np.ndarray
    by_block: dict[str, int]


def _posting_pairs(postings: dict[str, list[int]], cap: int,
                   vectors: DirectionVectors | None = None) -> np.ndarray:
    """All pairs inside each posting list; a list longer than ``cap`` gives each member's top-k
    direction neighbours inside the list instead (or nothing, without ``vectors``)."""
    chunks: list[np.ndarray] = []
    for rows in postings.values():
        n = len(rows)
        if n < 2:
            continue
        arr = np.asarray(sorted(set(rows)), dtype=np.int64)
        if n > cap:
            if vectors is not None:
                chunks.append(_neighbours_within(vectors, arr))
            continue
        i, j = np.triu_indices(len(arr), k=1)
        chunks.append(arr[i] * (1 << 32) + arr[j])
    return np.concatenate(chunks) if chunks else np.zeros(0, dtype=np.int64)


def _neighbours_within(vectors: DirectionVectors, members: np.ndarray, top_k: int = TOP_K) -> np.ndarray:
    sub = vectors.matrix[members]
    sims = sparse.csr_matrix(sub @ sub.T)
    return _top_k(sims, members, members, top_k, MIN_COSINE)


def _top_k(sims: sparse.csr_matrix, row_ids: np.ndarray, col_ids: np.ndarray, top_k: int,
           min_cosine: float) -> np.ndarray:
    """Encoded pairs (low << 32 | high) of each row's ``top_k`` most similar columns."""
    chunks: list[np.ndarray] = []
    for local, row in enumerate(row_ids.tolist()):
        lo, hi = sims.indptr[local], sims.indptr[local + 1]
        cols = col_ids[sims.indices[lo:hi]]
        vals = sims.data[lo:hi]
        mask = (vals >= min_cosine) & (cols != row)
        cols, vals = cols[mask], vals[mask]
        if len(cols) > top_k:
            cols = cols[np.argpartition(-vals, top_k)[:top_k]]
        if len(cols):
            chunks.append(np.minimum(cols, row).astype(np.int64) * (1 << 32) + np.maximum(cols, row))
    return np.concatenate(chunks) if chunks else np.zeros(0, dtype=np.int64)


def neighbour_pairs(vectors: DirectionVectors, rows: Sequence[int] | None = None, *, top_k: int = TOP_K,
                    min_cosine: float = MIN_COSINE) -> np.ndarray:
    """Top-k direction neighbours of ``rows`` (default: all) as encoded pairs (low << 32 | high)."""
    matrix = vectors.matrix
    n = matrix.shape[0]
    max_df = max(MIN_MAX_DF, int(MAX_DF_FRACTION * n))
    keep = np.flatnonzero(vectors.df <= max_df)
    blocking = sparse.csr_matrix(matrix[:, keep])
    transposed = sparse.csr_matrix(blocking.T)
    targets = np.arange(n) if rows is None else np.asarray(rows, dtype=np.int64)
    all_ids = np.arange(n, dtype=np.int64)
    chunks: list[np.ndarray] = []
    for start in range(0, len(targets), ROW_CHUNK):
        block_rows = targets[start : start + ROW_CHUNK]
        sims = sparse.csr_matrix(blocking[block_rows] @ transposed)
        chunks.append(_top_k(sims, block_rows, all_ids, top_k, min_cosine))
    return np.concatenate(chunks) if chunks else np.zeros(0, dtype=np.int64)


def name_core_pairs(profiles: Sequence[Profile], rows: Sequence[int]) -> np.ndarray:
    """Pairs of ``rows`` (platforms that name no institution, so "unlinked" cannot be known) with
    any platform sharing their whole name core or a core bigram held by at most ``RARE_BIGRAM_DF``
    platforms — how a hostless duplicate is found without comparing all pairs."""
    by_core: dict[str, list[int]] = defaultdict(list)
    by_bigram: dict[str, list[int]] = defaultdict(list)
    for row, prof in enumerate(profiles):
        if prof.core:
            by_core[prof.core].append(row)
            for gram in set(_core_bigrams(prof.core)):
                by_bigram[gram].append(row)
    chunks: list[np.ndarray] = []
    for row in rows:
        core = profiles[row].core
        if not core:
            continue
        partners = set(by_core[core][:CORE_CAP])
        for gram in set(_core_bigrams(core)):
            posting = by_bigram[gram]
            if len(posting) <= RARE_BIGRAM_DF:
                partners.update(posting)
        partners.discard(row)
        if partners:
            other = np.fromiter(partners, dtype=np.int64)
            chunks.append(np.minimum(other, row) * (1 << 32) + np.maximum(other, row))
    return np.concatenate(chunks) if chunks else np.zeros(0, dtype=np.int64)


def _core_bigrams(core: str) -> list[str]:
    return [core] if len(core) < 2 else [core[i : i + 2] for i in range(len(core) - 1)]


def candidate_pairs(profiles: Sequence[Profile], vectors: DirectionVectors) -> Candidates:
    """The union of the institution, people and direction-neighbour blocks, as row-index pairs."""
    by_inst: dict[str, list[int]] = defaultdict(list)
    by_person: dict[str, list[int]] = defaultdict(list)
    for row, prof in enumerate(profiles):
        for inst in prof.institutions:
            by_inst[inst].append(row)
        if prof.host_family:  # one host written two ways (queries.overlap.topics.host_family)
            by_inst["family:" + prof.host_family].append(row)
        for person in prof.people:
            by_person[person].append(row)
    blocks = {
        "institutions": _posting_pairs(by_inst, INSTITUTION_CAP, vectors),
        "people": _posting_pairs(by_person, PERSON_CAP, vectors),
    }
    unknown = [row for row, prof in enumerate(profiles) if not prof.institutions or not prof.people]
    if unknown:
        blocks["name_core"] = name_core_pairs(profiles, unknown)
    if max_unlinked_score() >= THRESHOLD:
        blocks["direction"] = neighbour_pairs(vectors)
    encoded = np.unique(np.concatenate(list(blocks.values())))
    return Candidates(
        a=(encoded >> 32).astype(np.int64),
        b=(encoded & 0xFFFFFFFF).astype(np.int64),
        by_block={name: int(len(np.unique(arr))) for name, arr in blocks.items()},
    )
