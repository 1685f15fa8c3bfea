"""Load the package's Cypher from ``.cypher`` files (kept out of Python so they can be read and
tuned on their own, and so no user text is ever formatted into a query)."""

from __future__ import annotations

from functools import cache
from pathlib import Path

_DIRS = {
    "coverage": Path(__file__).parent / "cypher",
    "plan": Path(__file__).parent.parent / "plan" / "cypher",
}


@cache
def cypher(name: str, package: str = "coverage") -> str:
    """The text of ``<package>/cypher/<name>.cypher``."""
    return (_DIRS[package] / f"{name}.cypher").read_text(encoding="utf-8")
