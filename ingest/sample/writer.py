"""Writing the tables: CSV files in their promised encodings, and optionally one XLSX workbook.

Why byte-for-byte determinism matters: tests and benchmarks compare runs, so the same seed must give
the same files. CSV is deterministic by itself; an XLSX (a zip with timestamps and document
properties) is normalised after openpyxl writes it.
"""

from __future__ import annotations

import csv
import datetime as dt
import re
import zipfile
from pathlib import Path

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell

from ingest.sample.layout import Table

FIXED_TIME = dt.datetime(2025, 1, 1, 0, 0, 0)
XLSX_NAME = "dataset.xlsx"
XLSX_DIR = "xlsx"


def write_csv(out_dir: Path, table: Table) -> Path:
    path = out_dir / table.file
    with open(path, "w", encoding=table.encoding, newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(table.headers)
        writer.writerows(table.rows)
    return path


def write_xlsx(path: Path, tables: list[Table]) -> Path:
    """One sheet per template, same rows; numeric columns as numbers, every other cell as text."""
    path.parent.mkdir(parents=True, exist_ok=True)
    wb = Workbook(write_only=True)
    wb.properties.created = FIXED_TIME
    wb.properties.modified = FIXED_TIME
    wb.properties.creator = "platgraph sample"
    for table in tables:
        ws = wb.create_sheet(title=table.sheet)
        ws.append(table.headers)
        numeric = {table.headers.index(h) for h in table.numeric}
        for row in table.rows:
            cells = []
            for i, value in enumerate(row):
                if i in numeric and value.isdigit():
                    cells.append(int(value))
                    continue
                cell = WriteOnlyCell(ws, value=value)
                cell.data_type = "s"  # text, even when it looks like a formula (=cmd|…)
                cells.append(cell)
            ws.append(cells)
    wb.save(path)
    _normalise_zip(path)
    return path


_MODIFIED = re.compile(rb"(<dcterms:modified[^>]*>)[^<]*(</dcterms:modified>)")


def _normalise_zip(path: Path) -> None:
    """Rewrite the zip with fixed timestamps and a fixed core.xml time so the bytes are reproducible."""
    with zipfile.ZipFile(path) as src:
        entries = [(info.filename, src.read(info.filename)) for info in src.infolist()]
    stamp = FIXED_TIME.strftime("%Y-%m-%dT%H:%M:%SZ").encode()
    entries = [(name, _MODIFIED.sub(rb"\g<1>" + stamp + rb"\g<2>", data) if name == "docProps/core.xml" else data)
               for name, data in entries]
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as dst:
        for name, data in entries:
            info = zipfile.ZipInfo(name, date_time=FIXED_TIME.timetuple()[:6])
            info.compress_type = zipfile.ZIP_DEFLATED
            dst.writestr(info, data)
