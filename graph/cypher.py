"""The one loader for Cypher kept in ``.cypher`` files.

Why files: a query of more than a few lines reads, diffs and tunes better as Cypher than as a Python
string, and a file name chosen in code can never carry user text into a query. Each package with
such files keeps them in its own ``cypher/`` folder and binds a loader to it::

    cypher = CypherDir(Path(__file__).parent / "cypher")
    rows = store.read(cypher("platforms"), params)

``tests/test_cypher_explain.py`` runs ``EXPLAIN`` on every file and every query constant against the
real engine, so a query that no longer parses fails the tests, not a planner's request.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path


class CypherDir:
    """Reads ``<folder>/<name>.cypher`` once per process (names are fixed strings in code)."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def __call__(self, name: str) -> str:
        return _read(self.folder / f"{name}.cypher")

    def names(self) -> list[str]:
        return sorted(p.stem for p in self.folder.glob("*.cypher"))


@cache
def _read(path: Path) -> str:
    return path.read_text(encoding="utf-8")
