"""Triple Helix and four-helix T against values computed by hand (docs/methods.md worked example)."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from queries.collaboration.synergy import (
    SECTORS,
    entropy_bits,
    four_helix_t,
    presence_table,
    synergy,
    triple_helix_t,
)

LOG2_3 = math.log2(3)


def table3(cells: dict[tuple[int, int, int], float]) -> np.ndarray:
    t = np.zeros((2, 2, 2))
    for idx, n in cells.items():
        t[idx] = n
    return t


def test_entropy_of_a_fair_coin_and_of_nothing() -> None:
    assert entropy_bits(np.array([1, 1])) == pytest.approx(1.0, abs=1e-12)
    assert entropy_bits(np.array([0, 0])) == 0.0
    assert entropy_bits(np.array([1, 1, 2])) == pytest.approx(1.5, abs=1e-12)


def test_triple_helix_hand_computed_case() -> None:
    # records: 产学 ×2, 产研 ×1, 学研 ×1 (docs/methods.md): H_产 = H_学 = h(3/4) = 2 − ¾·log2 3,
    # H_研 = 1, every pair and the triple = 1.5 bits → T = 2·h(3/4) + 1 − 4.5 + 1.5 = 2 − 1.5·log2 3
    t = table3({(1, 1, 0): 2, (1, 0, 1): 1, (0, 1, 1): 1})
    assert triple_helix_t(t) == pytest.approx(2 - 1.5 * LOG2_3, abs=1e-9)
    assert triple_helix_t(t) < 0  # synergy


def test_triple_helix_extremes() -> None:
    # three copies of one fair coin: T = 3·1 − 3·1 + 1 = +1 (no synergy)
    assert triple_helix_t(table3({(0, 0, 0): 1, (1, 1, 1): 1})) == pytest.approx(1.0, abs=1e-9)
    # independent uniform axes: T = 0
    assert triple_helix_t(np.ones((2, 2, 2))) == pytest.approx(0.0, abs=1e-9)
    # XOR: any two axes independent, the third determined → T = 3 − 6 + 2 = −1
    xor = table3({(0, 0, 0): 1, (0, 1, 1): 1, (1, 0, 1): 1, (1, 1, 0): 1})
    assert triple_helix_t(xor) == pytest.approx(-1.0, abs=1e-9)


def test_four_helix_hand_computed_case() -> None:
    # records: 产学 ×2, 产用 ×1, 研用 ×1 → T4 = h(3/4) − 0.5 = 1.5 − 0.75·log2 3 (docs/methods.md)
    records = {frozenset({"industry", "academia"}): 2, frozenset({"industry", "user"}): 1,
               frozenset({"research", "user"}): 1}
    t4 = presence_table(records, SECTORS)
    assert t4[1, 1, 0, 0] == 2 and t4[1, 0, 0, 1] == 1 and t4[0, 0, 1, 1] == 1 and t4.sum() == 4
    assert four_helix_t(t4) == pytest.approx(1.5 - 0.75 * LOG2_3, abs=1e-9)
    assert synergy(records)["t4"] == pytest.approx(1.5 - 0.75 * LOG2_3, abs=1e-9)


def test_t3_from_records_leaves_out_user_only_ties() -> None:
    records = {frozenset({"industry", "academia"}): 2, frozenset({"industry", "research"}): 1,
               frozenset({"academia", "research"}): 1, frozenset({"user"}): 5}
    assert synergy(records)["t3"] == pytest.approx(2 - 1.5 * LOG2_3, abs=1e-9)
    assert synergy({})["t3"] is None and synergy({})["t4"] is None


def test_wrong_dimensions_are_refused() -> None:
    with pytest.raises(ValueError):
        triple_helix_t(np.ones((2, 2)))
    with pytest.raises(ValueError):
        four_helix_t(np.ones((2, 2, 2)))
    with pytest.raises(ValueError):
        triple_helix_t(-np.ones((2, 2, 2)))


cells = st.lists(st.integers(min_value=0, max_value=50), min_size=8, max_size=8).filter(lambda c: sum(c) > 0)


@given(cells)
def test_t3_does_not_depend_on_axis_order(values: list[int]) -> None:
    t = np.array(values, dtype=float).reshape(2, 2, 2)
    assert triple_helix_t(t) == pytest.approx(triple_helix_t(t.transpose(2, 0, 1)), abs=1e-9)
    assert triple_helix_t(t) == pytest.approx(triple_helix_t(t.transpose(1, 0, 2)), abs=1e-9)


@given(cells)
def test_t4_vanishes_when_a_fourth_helix_never_takes_part(values: list[int]) -> None:
    t4 = np.zeros((2, 2, 2, 2))
    t4[..., 0] = np.array(values, dtype=float).reshape(2, 2, 2)
    assert four_helix_t(t4) == pytest.approx(0.0, abs=1e-9)
