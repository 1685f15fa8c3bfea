"""The report's own Cypher, kept in ``viz/report/cypher/*.cypher`` so it can be read and reviewed
as Cypher, read through the one loader in :mod:`graph.cypher`. Every value reaches it as a
parameter; no query text is ever built from input."""

from __future__ import annotations

from pathlib import Path

from graph.cypher import CypherDir

CYPHER_DIR = Path(__file__).parent / "cypher"
cypher = CypherDir(CYPHER_DIR)
