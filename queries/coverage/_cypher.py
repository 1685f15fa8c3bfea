"""The Cypher files of the coverage and plan analyses (``queries/coverage/cypher``,
``queries/plan/cypher``), read through the one loader in :mod:`graph.cypher`."""

from __future__ import annotations

from pathlib import Path

from graph.cypher import CypherDir

_DIRS = {
    "coverage": CypherDir(Path(__file__).parent / "cypher"),
    "plan": CypherDir(Path(__file__).parent.parent / "plan" / "cypher"),
}


def cypher(name: str, package: str = "coverage") -> str:
    """The text of ``<package>/cypher/<name>.cypher``."""
    return _DIRS[package](name)
