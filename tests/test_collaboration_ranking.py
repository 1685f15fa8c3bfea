"""Partner ranking and broker maths without the database: top-k rows and Burt's constraint."""

from __future__ import annotations

import networkx as nx
import numpy as np
import pytest

from queries.collaboration.brokers import constraints
from queries.collaboration.partners import _top_rows


def test_top_rows_best_scores_then_more_platforms_and_never_excluded() -> None:
    scores = np.array([
        [0.5, 2.0, 1.0, 2.0],        # tie 2.0: candidate 3 has more platforms → first
        [-np.inf, 0.0, 0.3, -np.inf],  # only one positive score
        [0.0, 0.0, 0.0, 0.0],        # nothing to suggest
    ])
    n_platforms = np.array([1.0, 2.0, 1.0, 5.0])
    assert _top_rows(scores, n_platforms, 3).tolist() == [[3, 1, 2], [2, -1, -1], [-1, -1, -1]]
    assert _top_rows(scores[:, :2], n_platforms[:2], 3).tolist() == [[1, 0], [-1, -1], [-1, -1]]


def test_constraint_is_networkx_burt_on_a_bridge() -> None:
    # two triangles joined through B: B bridges them and is the least constrained
    g = nx.Graph()
    g.add_weighted_edges_from([("a1", "a2", 1), ("a1", "B", 1), ("a2", "B", 1),
                               ("B", "c1", 1), ("B", "c2", 1), ("c1", "c2", 1)])
    values = constraints(g)
    assert values == pytest.approx(nx.constraint(g, weight="weight"))
    assert min(values, key=values.get) == "B"
    assert constraints(nx.Graph()) == {}


@pytest.mark.parametrize("seed", range(4))
def test_sparse_constraint_equals_networkx_on_random_weighted_networks(seed: int) -> None:
    """The sparse computation (brokers.burt_constraint) is Burt's constraint exactly as networkx
    computes it, isolated nodes left out, on networks with hubs, leaves and uneven weights."""
    rng = np.random.default_rng(seed)
    g = nx.barabasi_albert_graph(300, 2, seed=seed)
    g.add_edges_from((i, i + 1) for i in range(300, 320))  # a chain of leaves and degree-2 nodes
    for a, b in g.edges:
        g[a][b]["weight"] = float(rng.integers(1, 6))
    g.add_node("alone")
    expected = {n: v for n, v in nx.constraint(g, weight="weight").items() if v == v}
    assert constraints(g) == pytest.approx(expected, rel=1e-12, abs=1e-12)
    assert "alone" not in constraints(g)
