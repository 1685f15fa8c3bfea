"""Writing template rows as a dataset ingest reads back: CSV files, one XLSX workbook, or JSON Lines.

Why these choices:
- CSV is UTF-8 *with* BOM, so Excel opens the Chinese correctly; one file per table.
- XLSX is written with openpyxl's write-only mode (rows go to a temporary file as they come, so a
  100,000-platform graph does not sit in memory as cells); numbers are numeric cells, text cells
  are text.
- JSON Lines has one object per row with every header as a key (null when empty) and multi-valued
  cells as arrays.
- Every text cell goes through :func:`ingest.cells.neutralise` (a leading ``'`` before
  ``= + - @``, tab or CR), in every format, so no cell of an export runs as a formula in a
  spreadsheet; the readers drop that ``'`` again, so the round trip is exact.
- Files are written under hidden ``.…partial`` names and renamed only when every table is done, so
  an interrupted export never looks like a complete dataset (ingest skips dot-files).
"""

from __future__ import annotations

import csv
import json
import os
from pathlib import Path
from typing import IO, Any

from graph.errors import UsageError
from graph.i18n import tr
from ingest.cells import neutralise
from ingest.export.rows import TemplateRow, label
from ingest.tables import TableSpec

FORMATS = ("csv", "xlsx", "jsonl")
WORKBOOK_NAMES = {"zh": "platgraph-导出.xlsx", "en": "platgraph-export.xlsx"}
XLSX_MAX_ROWS = 1_048_576  # Excel's sheet limit, header included


def headers(spec: TableSpec, lang: str) -> list[str]:
    return [c.zh if lang == "zh" else c.key for c in spec.columns]


def file_name(spec: TableSpec, lang: str, suffix: str) -> str:
    return (spec.zh if lang == "zh" else spec.key) + suffix


def _partial(path: Path) -> Path:
    return path.with_name("." + path.name + ".partial")


def render(spec: TableSpec, row: TemplateRow, lang: str, *, lists: bool = False) -> list[Any]:
    """The cells of one row in column order: labels for codes, ints kept, text neutralised.

    ``lists``: keep multi-valued cells as lists (JSON Lines) instead of ``;``-joined text.
    """
    cells: list[Any] = []
    for col in spec.columns:
        value = label(spec.key, col.key, row.get(col.key), lang)
        if value is None or isinstance(value, int):
            cells.append(value)
        elif isinstance(value, list):
            cells.append([neutralise(v) for v in value] if lists else (neutralise(";".join(value)) or None))
        else:
            cells.append(neutralise(str(value)))
    return cells


class DatasetWriter:
    """Writes the tables of one dataset into ``out`` (a folder), all or nothing."""

    def __init__(self, out: Path, fmt: str, lang: str) -> None:
        self.out, self.fmt, self.lang = out, fmt, lang
        self.files: dict[str, int] = {}  # file (or workbook:sheet) -> data rows
        self._partials: list[tuple[Path, Path]] = []  # (partial, final)
        self._workbook: Any = None
        self._handle: IO[str] | None = None

    # ------------------------------------------------------------------ paths
    def targets(self, specs: list[TableSpec]) -> list[Path]:
        """The files this export will create (to check the folder before writing)."""
        if self.fmt == "xlsx":
            return [self.out / WORKBOOK_NAMES[self.lang]]
        return [self.out / file_name(spec, self.lang, "." + self.fmt) for spec in specs]

    # ------------------------------------------------------------------ writing
    def write_table(self, spec: TableSpec, rows: Any) -> int:
        """Write every row of one table; returns the number of data rows."""
        if self.fmt == "csv":
            n = self._write_csv(spec, rows)
        elif self.fmt == "jsonl":
            n = self._write_jsonl(spec, rows)
        else:
            n = self._write_sheet(spec, rows)
        return n

    def _open(self, name: str) -> IO[str]:
        final = self.out / name
        partial = _partial(final)
        self._partials.append((partial, final))
        encoding = "utf-8-sig" if name.endswith(".csv") else "utf-8"
        self._handle = open(partial, "w", encoding=encoding, newline="")  # noqa: SIM115 - closed in _close
        return self._handle

    def _close(self) -> None:
        if self._handle is not None:
            self._handle.close()
            self._handle = None

    def _write_csv(self, spec: TableSpec, rows: Any) -> int:
        name = file_name(spec, self.lang, ".csv")
        writer = csv.writer(self._open(name))
        writer.writerow(headers(spec, self.lang))
        n = 0
        for row in rows:
            writer.writerow(["" if c is None else c for c in render(spec, row, self.lang)])
            n += 1
        self._close()
        self.files[name] = n
        return n

    def _write_jsonl(self, spec: TableSpec, rows: Any) -> int:
        name = file_name(spec, self.lang, ".jsonl")
        keys = headers(spec, self.lang)
        handle = self._open(name)
        n = 0
        for row in rows:
            handle.write(json.dumps(dict(zip(keys, render(spec, row, self.lang, lists=True), strict=True)),
                                    ensure_ascii=False) + "\n")
            n += 1
        self._close()
        if n == 0:
            # JSON Lines has no header row: an empty file would read as a table without its
            # required columns, so an empty table is left out (ingest then has nothing to load).
            partial, _final = self._partials.pop()
            partial.unlink()
        else:
            self.files[name] = n
        return n

    def _write_sheet(self, spec: TableSpec, rows: Any) -> int:
        from openpyxl import Workbook
        from openpyxl.utils.exceptions import IllegalCharacterError

        if self._workbook is None:
            self._workbook = Workbook(write_only=True)
            self._workbook.properties.creator = "platgraph export"
        title = spec.zh if self.lang == "zh" else spec.key
        sheet = self._workbook.create_sheet(title=title)
        sheet.append(headers(spec, self.lang))
        n = 0
        for row in rows:
            cells = render(spec, row, self.lang)
            n += 1
            if n >= XLSX_MAX_ROWS:
                raise UsageError(tr(
                    "“{t}”表超过 Excel 工作表的行数上限（{m} 行）；请改用 --format csv 或 jsonl",
                    "table '{t}' exceeds Excel's sheet limit ({m} rows); use --format csv or jsonl",
                    t=title, m=XLSX_MAX_ROWS))
            try:
                sheet.append(cells)
            except IllegalCharacterError as exc:
                raise UsageError(tr(
                    "“{t}”表第 {n} 行含有 XLSX 无法保存的控制字符；请改用 --format csv 或 jsonl",
                    "table '{t}' row {n} holds a control character XLSX cannot store; use --format csv or jsonl",
                    t=title, n=n + 1)) from exc
        self.files[f"{WORKBOOK_NAMES[self.lang]}:{title}"] = n
        return n

    # ------------------------------------------------------------------ finishing
    def commit(self) -> list[Path]:
        """Save the workbook, then give every file its final name; returns the files written."""
        if self._workbook is not None:
            final = self.out / WORKBOOK_NAMES[self.lang]
            partial = _partial(final)
            self._workbook.save(partial)
            self._workbook = None
            self._partials.append((partial, final))
        written = []
        for partial, final in self._partials:
            os.replace(partial, final)
            written.append(final)
        self._partials = []
        return written

    def abort(self) -> None:
        """Remove whatever was half-written (an interrupted export leaves no partial dataset)."""
        self._close()
        self._workbook = None
        for partial, _final in self._partials:
            partial.unlink(missing_ok=True)
        self._partials = []
