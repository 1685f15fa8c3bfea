"""``platgraph export``: the graph written back as a dataset in the ingest templates.

``export_dataset(store, out, fmt=..., lang=...)`` is the entry point (:mod:`ingest.export.dataset`);
the graph is read page by page (:mod:`.source`, :mod:`.cypher`), turned into template rows
(:mod:`.rows`, :mod:`.refs`) and written as CSV, XLSX or JSON Lines (:mod:`.writers`).
"""

from __future__ import annotations

from ingest.export.dataset import MANIFEST, export_dataset
from ingest.export.writers import FORMATS

__all__ = ["FORMATS", "MANIFEST", "export_dataset"]
