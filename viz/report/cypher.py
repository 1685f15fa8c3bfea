"""The report's own Cypher, kept in ``viz/report/cypher/*.cypher`` so it can be read and reviewed
as Cypher. Every value reaches it as a parameter; no query text is ever built from input."""

from __future__ import annotations

from functools import cache
from pathlib import Path

CYPHER_DIR = Path(__file__).parent / "cypher"


@cache
def cypher(name: str) -> str:
    """The text of ``cypher/<name>.cypher`` (a fixed file name chosen in code, never user input)."""
    return (CYPHER_DIR / f"{name}.cypher").read_text(encoding="utf-8")
