"""Triple Helix and four-helix synergy: mutual information in three and four dimensions, in bits.

Why a pure module: the maths must be checkable by hand against a small table (docs/methods.md) and
must not depend on Neo4j. The unit of analysis is a *collaboration record* (one tie between two
institutions, weighted by its count); each record is coded by which sectors take part in it, so a
table has one binary axis (absent 0 / present 1) per sector: shape (2, 2, 2) for 产学研 and
(2, 2, 2, 2) for 产学研用.

Convention (Leydesdorff 2003; Leydesdorff, Park & Lengyel 2014, after McGill 1954): with Shannon
entropy H = −Σ p log₂ p of the (marginal) distributions,

    T(x₁…x_n) = Σᵢ H(xᵢ) − Σ_{i<j} H(xᵢxⱼ) + Σ_{i<j<k} H(xᵢxⱼx_k) − … + (−1)^{n+1} H(x₁…x_n)

so T₃ = H_u + H_i + H_g − H_ui − H_ug − H_ig + H_uig and
T₄ = ΣH_i − ΣH_ij + ΣH_ijk − H_1234. Negative T is read as synergy (reduction of uncertainty
that no pair of helices accounts for).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from itertools import combinations
from typing import Any

import numpy as np

SECTORS: tuple[str, ...] = ("industry", "academia", "research", "user")
SECTORS_T3: tuple[str, ...] = ("industry", "academia", "research")


def entropy_bits(counts: np.ndarray) -> float:
    """Shannon entropy in bits of the distribution proportional to ``counts`` (0 log 0 = 0)."""
    flat = np.asarray(counts, dtype=float).ravel()
    total = flat.sum()
    if total <= 0:
        return 0.0
    p = flat[flat > 0] / total
    return float(-(p * np.log2(p)).sum())


def marginal_entropy(table: np.ndarray, axes: tuple[int, ...]) -> float:
    """Entropy of the joint distribution of the axes ``axes`` (the others summed out)."""
    drop = tuple(a for a in range(table.ndim) if a not in axes)
    return entropy_bits(table.sum(axis=drop) if drop else table)


def co_information(table: np.ndarray | Iterable[Any]) -> float:
    """Mutual information among all axes of ``table`` with McGill's alternating signs (bits).

    ``table`` is an n-dimensional contingency table of non-negative counts. An empty table gives 0.
    """
    arr = np.asarray(table, dtype=float)
    if arr.ndim < 2:
        raise ValueError("a contingency table needs at least two dimensions")
    if (arr < 0).any():
        raise ValueError("counts must be non-negative")
    total = 0.0
    for order in range(1, arr.ndim + 1):
        sign = 1.0 if order % 2 == 1 else -1.0
        for axes in combinations(range(arr.ndim), order):
            total += sign * marginal_entropy(arr, axes)
    return total


def triple_helix_t(table: np.ndarray | Iterable[Any]) -> float:
    """Leydesdorff's T over a three-dimensional table (产, 学, 研); negative = synergy."""
    arr = np.asarray(table, dtype=float)
    if arr.ndim != 3:
        raise ValueError("triple_helix_t needs a three-dimensional table")
    return co_information(arr)


def four_helix_t(table: np.ndarray | Iterable[Any]) -> float:
    """The four-helix generalisation over (产, 学, 研, 用): ΣH_i − ΣH_ij + ΣH_ijk − H_1234."""
    arr = np.asarray(table, dtype=float)
    if arr.ndim != 4:
        raise ValueError("four_helix_t needs a four-dimensional table")
    return co_information(arr)


def presence_table(records: Mapping[frozenset[str], float], sectors: tuple[str, ...] = SECTORS) -> np.ndarray:
    """A (2,)*len(sectors) table from ``{set of sectors taking part: weight}``.

    Records that involve none of ``sectors`` are left out (for T₃, a tie between two 用 institutions
    says nothing about 产学研), so the all-absent cell only ever holds what the caller put there.
    """
    table = np.zeros((2,) * len(sectors), dtype=float)
    for combo, weight in records.items():
        index = tuple(1 if s in combo else 0 for s in sectors)
        if any(index):
            table[index] += float(weight)
    return table


def synergy(records: Mapping[frozenset[str], float]) -> dict[str, float | None]:
    """T₃ over 产学研 and T₄ over 产学研用 for a set of coded collaboration records (None if empty)."""
    t3 = presence_table(records, SECTORS_T3)
    t4 = presence_table(records, SECTORS)
    return {
        "t3": triple_helix_t(t3) if t3.sum() > 0 else None,
        "t4": four_helix_t(t4) if t4.sum() > 0 else None,
        "records": float(t4.sum()),
    }
