"""The one way tests build a graph: small tables written as the planners' CSV files and loaded by the
real ingest (``ingest.pipeline.ingest_dataset``), so a test sees exactly the nodes, keys, aliases,
flags and relationships a user's upload would give — and a change to the ingest shows in every test
that depends on it, instead of being hidden by a hand-written ``CREATE``.

Tables are keyed by their template name (docs/data-templates.md: ``平台``, ``单位``, ``人才``,
``平台人员``, ``合作``, ``产业``, ``建设目标``, ``评估记录``, or the English names); each is either a list
of rows (dicts from header to cell; a list or tuple cell is joined with ``;``, the template's
multi-value separator) or the CSV text itself.

What the ingest cannot produce is not built here: analysis results (AnalysisRun, OVERLAPS,
OverlapGroup, gap and coverage write-backs) come from running the analysis, or — when a test needs
a result with exact planted values (a score, a run key) — from a short, named write-back in the
test's own fixture module, on top of a graph built by :func:`ingest_tables`.
"""

from __future__ import annotations

import csv
import io
import shutil
import tempfile
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from graph.store import Store
from ingest.pipeline import ingest_dataset

Cell = str | int | float | Sequence[str] | None
Rows = Sequence[Mapping[str, Cell]]


def _cell(value: Cell) -> str:
    if value is None:
        return ""
    if isinstance(value, (list, tuple)):
        return ";".join(str(v) for v in value)
    return str(value)


def table_csv(rows: Rows) -> str:
    """The CSV text of ``rows`` (header: every key, in first-seen order)."""
    headers: list[str] = []
    for row in rows:
        headers.extend(h for h in row if h not in headers)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(headers)
    for row in rows:
        writer.writerow([_cell(row.get(h)) for h in headers])
    return out.getvalue()


def write_tables(folder: Path, tables: Mapping[str, Rows | str]) -> Path:
    """Write ``tables`` as ``<name>.csv`` files into ``folder`` (UTF-8, as the templates are)."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, table in tables.items():
        text = table if isinstance(table, str) else table_csv(table)
        (folder / f"{name}.csv").write_text(text, encoding="utf-8")
    return folder


def ingest_tables(store: Store, tables: Mapping[str, Rows | str], *, rejected: int | None = 0,
                  bulk: bool = False) -> dict[str, Any]:
    """Load ``tables`` through the real ingest into ``store``; the ingest summary.

    ``rejected``: how many rows the test expects in the rejects file (default none, so a typo in a
    fixture fails loudly instead of silently building a smaller graph); ``None`` accepts any number.
    ``bulk=False`` writes through Cypher (the path an incremental upload takes); the offline importer
    needs an empty local engine and is tested by tests/test_ingest_bulk.py.
    The full-text index is brought up to date before returning, so search tests see every row.
    """
    folder = Path(tempfile.mkdtemp(prefix="platgraph-test-tables-"))
    try:
        write_tables(folder / "dataset", tables)
        summary = ingest_dataset(store, folder / "dataset", rejects_path=folder / "rejects.csv", bulk=bulk)
        if rejected is not None:
            count = sum(summary["rejected"].values()) if isinstance(summary["rejected"], dict) else summary["rejected"]
            if count != rejected:
                reasons = (folder / "rejects.csv").read_text(encoding="utf-8-sig") if count else ""
                raise AssertionError(f"the test tables gave {count} rejected rows, expected {rejected}:\n{reasons}")
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    store.write("CALL db.index.fulltext.awaitEventuallyConsistentIndexRefresh()")
    return summary
