"""Blank input templates (CSV in Chinese and in English, one XLSX workbook), built from
:mod:`ingest.tables` so they can never disagree with what the readers accept.

``python -m ingest.templates`` rewrites the files in this folder; a test checks they are current.
Layout: ``zh/<表名>.csv`` (Chinese headers), ``en/<table>.csv`` (English headers), and
``platgraph-模板.xlsx`` with one sheet per table (Chinese headers, each explained in a cell
comment in both languages; required columns marked ``*``) plus a ``说明 README`` sheet.
"""

from __future__ import annotations

import csv
from pathlib import Path

from ingest.tables import TABLES

HERE = Path(__file__).parent
XLSX_NAME = "platgraph-模板.xlsx"
README_SHEET = "说明 README"


def write_templates(out: Path = HERE) -> list[Path]:
    """Write every blank template into ``out``; returns the paths written."""
    import openpyxl
    from openpyxl.comments import Comment
    from openpyxl.styles import Font, PatternFill

    written: list[Path] = []
    for lang in ("zh", "en"):
        folder = out / lang
        folder.mkdir(parents=True, exist_ok=True)
        for table in TABLES:
            name = table.zh if lang == "zh" else table.key
            path = folder / f"{name}.csv"
            with open(path, "w", encoding="utf-8-sig", newline="") as fh:
                csv.writer(fh).writerow([c.zh if lang == "zh" else c.key for c in table.columns])
            written.append(path)

    workbook = openpyxl.Workbook()
    readme = workbook.active
    readme.title = README_SHEET
    readme.append(["表 / sheet", "列 / column", "English", "必填 / required", "说明", "notes"])
    for cell in readme[1]:
        cell.font = Font(bold=True)
    bold = Font(bold=True)
    required_fill = PatternFill("solid", fgColor="FFF2CC")
    for table in TABLES:
        sheet = workbook.create_sheet(table.zh)
        sheet.append([("*" if c.required else "") + c.zh for c in table.columns])
        for cell, column in zip(sheet[1], table.columns, strict=True):
            cell.font = bold
            if column.required:
                cell.fill = required_fill
            note = f"{column.zh} / {column.key}" + ("（必填 required）" if column.required else "")
            if column.help_zh or column.help_en:
                note += f"\n{column.help_zh}\n{column.help_en}"
            cell.comment = Comment(note, "platgraph")
            sheet.column_dimensions[cell.column_letter].width = max(12, len(column.zh) * 2 + 4)
        for column in table.columns:
            readme.append([f"{table.zh} / {table.key}", column.zh, column.key, "是 yes" if column.required else "",
                           column.help_zh, column.help_en])
    path = out / XLSX_NAME
    workbook.save(path)
    written.append(path)
    return written
