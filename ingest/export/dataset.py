"""``export_dataset``: the whole graph as a dataset in the ingest templates (docs/data-templates.md).

Why an export in the *input* format: it is the backup planners can keep, diff and hand over, and it
is checked by the one thing that matters — ``platgraph db reset`` + ``platgraph ingest OUT``
rebuilds the same graph (same nodes, relationships and properties; provenance such as ``src_run``
and the ``IngestRun`` nodes aside, analysis results recomputed by ``platgraph analyze``).

The folder also gets ``platgraph-export.json`` (not a table, ingest skips it): the format, the
rows per file, the graph's node and relationship counts at export time, and any warnings.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from graph.errors import UsageError
from graph.i18n import tr
from graph.store import Store
from ingest.export import cypher
from ingest.export.rows import TableRows, Warnings
from ingest.export.source import count, graph_counts
from ingest.export.writers import FORMATS, DatasetWriter
from ingest.tables import TABLE_ORDER, TABLES_BY_KEY, table_for_name

MANIFEST = "platgraph-export.json"
DATA_SUFFIXES = (".csv", ".xlsx", ".jsonl")
# table -> the count query whose nodes its pass walks (progress totals)
PASS_TOTALS = {
    "industries": cypher.COUNT_INDUSTRIES, "institutions": cypher.COUNT_INSTITUTIONS,
    "platforms": cypher.COUNT_PLATFORMS, "researchers": cypher.COUNT_RESEARCHERS,
    "memberships": cypher.COUNT_RESEARCHERS, "collaborations": cypher.COUNT_INSTITUTIONS,
    "targets": cypher.COUNT_TARGETS, "evaluations": cypher.COUNT_EVALUATIONS,
}


def check_out(out: Path, writer: DatasetWriter, *, force: bool) -> None:
    """Refuse a folder that would make a confusing dataset: a file, or one already holding tables.

    With ``force`` the files this export writes are replaced; any *other* table file (say 平台.csv
    next to an English export's platforms.csv) still refuses, since ingest would read both.
    """
    if out.exists() and not out.is_dir():
        raise UsageError(tr("{p} 已存在且不是目录", "{p} exists and is not a folder", p=out))
    if not out.exists():
        return
    ours = {p.name for p in writer.targets([TABLES_BY_KEY[t] for t in TABLE_ORDER])}
    tables = [p.name for p in sorted(out.iterdir()) if p.is_file() and p.suffix.lower() in DATA_SUFFIXES
              and not p.name.startswith((".", "~$")) and (p.suffix.lower() == ".xlsx" or table_for_name(p.stem))]
    if not tables:
        return
    others = [name for name in tables if name not in ours]
    if not force or others:
        raise UsageError(tr(
            "{p} 中已有数据表文件（{f}）；请换一个空目录{hint}",
            "{p} already holds table files ({f}); choose an empty folder{hint}",
            p=out, f=", ".join((others or tables)[:5]),
            hint=tr("，或加 --force 覆盖同名文件", " or add --force to replace files of the same name")
            if not others else ""))


def export_dataset(store: Store, out: Path, *, fmt: str = "csv", lang: str = "zh", force: bool = False,
                   on_table: Callable[[str, int], Any] | None = None,
                   on_rows: Callable[[str, int], Any] | None = None) -> dict[str, Any]:
    """Write the graph into folder ``out`` as a dataset; returns the summary (also the manifest).

    ``on_table(table, nodes to walk)`` and ``on_rows(table, nodes walked)`` drive a progress bar.
    Raises :class:`UsageError` for a bad format or folder (before reading the graph) and
    :class:`graph.errors.DatabaseUnavailable` when Neo4j cannot be reached.
    """
    if fmt not in FORMATS:
        raise UsageError(tr("--format 只能是 csv、xlsx 或 jsonl", "--format must be csv, xlsx or jsonl"))
    if lang not in ("zh", "en"):
        raise UsageError(tr("--lang 只能是 zh 或 en", "--lang must be zh or en"))
    began = time.perf_counter()
    out = Path(out)
    writer = DatasetWriter(out, fmt, lang)
    check_out(out, writer, force=force)
    store.verify()
    counts = graph_counts(store, cypher.NODE_COUNTS, cypher.REL_COUNTS)
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise UsageError(tr("无法创建 {p}：{e}", "cannot create {p}: {e}", p=out, e=exc.strerror or exc)) from exc

    warnings = Warnings()
    source = TableRows(store, warnings, on_rows)
    rows_per_table: dict[str, int] = {}
    try:
        for table in TABLE_ORDER:
            if on_table is not None:
                on_table(table, count(store, PASS_TOTALS[table]))
            rows_per_table[table] = writer.write_table(TABLES_BY_KEY[table], getattr(source, table)())
        written = writer.commit()
    except OSError as exc:
        writer.abort()
        raise UsageError(tr("无法写入 {p}：{e}", "cannot write {p}: {e}", p=out, e=exc.strerror or exc)) from exc
    except BaseException:
        writer.abort()
        raise

    summary = {
        "out": str(out), "format": fmt, "lang": lang,
        "files": writer.files, "tables": rows_per_table,
        "written": [str(p) for p in written],
        "graph": counts,
        "warnings": warnings.count, "warning_list": warnings.items,
        "exported_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "seconds": round(time.perf_counter() - began, 3),
    }
    try:
        (out / MANIFEST).write_text(json.dumps(summary, ensure_ascii=False, indent=2), encoding="utf-8")
    except OSError as exc:
        raise UsageError(tr("无法写入 {p}：{e}", "cannot write {p}: {e}", p=out / MANIFEST, e=exc.strerror or exc)) from exc
    summary["manifest"] = str(out / MANIFEST)
    return summary
