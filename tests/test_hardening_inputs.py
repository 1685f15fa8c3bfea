"""Hostile input hardening (docs/security.md): a workbook that declares a million rows 16,384
cells wide, control characters, and the one formula-neutralising rule for everything written out
while a planner's own leading ``'`` is read as typed. No database needed."""

from __future__ import annotations

import csv
import io
import re
import threading
import zipfile
from pathlib import Path

import openpyxl
import pytest

from graph.errors import UsageError
from graph.textsafe import neutralise
from ingest.models import validate_row
from ingest.readers import EXPORT_MANIFEST, read_dataset, read_xlsx
from ingest.rejects import _safe
from viz.report.docx_writer import write_docx
from viz.report.html_writer import write_html
from viz.report.model import Paragraph, Report, Table, safe_text


def hostile_workbook(path: Path) -> Path:
    """5 KB: a header, one row, one cell at the last row Excel has, and a sheet that declares
    A1:XFD1048576 (what made the read-only reader pad a million rows to 16,384 cells)."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "平台"
    sheet.append(["平台名称", "平台类型", "依托单位", "级别"])
    sheet.append(["广西测试工程研究中心", "工程研究中心", "广西大学", "自治区级"])
    sheet.cell(row=1_048_576, column=1, value="尾行平台")
    buffer = io.BytesIO()
    workbook.save(buffer)
    source = zipfile.ZipFile(io.BytesIO(buffer.getvalue()))
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out:
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename.startswith("xl/worksheets/sheet"):
                data = re.sub(rb'<dimension ref="[^"]*"/>', b'<dimension ref="A1:XFD1048576"/>', data)
                assert b"XFD1048576" in data
            out.writestr(info, data)
    assert path.stat().st_size < 10_000
    return path


def test_declared_dimensions_are_ignored_and_the_row_cap_names_file_sheet_and_row(tmp_path: Path) -> None:
    path = hostile_workbook(tmp_path / "hostile.xlsx")
    outcome: dict[str, BaseException | object] = {}

    def read() -> None:
        try:
            outcome["value"] = read_xlsx(path)
        except BaseException as exc:  # noqa: BLE001 - handed to the test thread
            outcome["error"] = exc

    worker = threading.Thread(target=read, daemon=True)
    worker.start()
    worker.join(180)  # a hang guard (today's bug took ~23 minutes), not a speed target
    assert not worker.is_alive(), "reading a 5 KB workbook did not finish"
    error = outcome.get("error")
    assert isinstance(error, UsageError), outcome
    message = str(error)
    assert "hostile.xlsx:平台" in message and "1048576" in message


def test_a_sheet_below_the_cap_reads_only_the_header_width(tmp_path: Path) -> None:
    path = tmp_path / "ok.xlsx"
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "平台"
    sheet.append(["平台名称", "平台类型", "依托单位", "级别"])
    sheet.append(["广西测试工程研究中心", "工程研究中心", "广西大学", "自治区级"])
    sheet.cell(row=40, column=2, value="工程研究中心")
    workbook.save(path)
    tables, _ = read_xlsx(path)
    assert [row.row for row in tables[0].rows] == [2, 40]  # nothing lost, nothing padded


def test_control_characters_are_rejected_naming_the_character() -> None:
    values, problems = validate_row("platforms", {"name": "广西\x01测试工程研究中心", "type": "工程研究中心",
                                                  "host": "广西大学", "level": "自治区级"})
    assert values is None
    assert any("U+0001" in zh and "U+0001" in en for _, zh, en in problems), problems
    values, problems = validate_row("institutions", {"name": "广西大学\x9b"})
    assert values is None and any("U+009B" in en for _, _, en in problems)


def test_report_writers_strip_control_characters(tmp_path: Path) -> None:
    report = Report(title="报告\x01", subtitle="副标题\x1b", lang="zh")
    report.add(Paragraph("平台\x01名称"), Table("表\x0b", ["名称\x02", "数量"], [["广西\x01平台", 3]], kind="t"))
    docx = write_docx(report, tmp_path / "r.docx")
    assert zipfile.ZipFile(docx).read("word/document.xml").find(b"\x01") == -1
    html = write_html(report, tmp_path / "r.html").read_text(encoding="utf-8")
    assert "\x01" not in html and "\x1b" not in html and "广西平台" in html


@pytest.mark.parametrize("text", ["=1+1", "+86", "-cmd", "@SUM(A1)", "\tcmd", "\r=1", "'=x", "''@y"])
def test_one_formula_rule_for_rejects_exports_and_reports(text: str) -> None:
    expected = neutralise(text)
    assert expected.startswith("'")
    assert _safe(text) == expected  # rejects and ambiguity files
    assert safe_text(text) == expected  # report tables


def _csv(path: Path, rows: list[list[str]]) -> None:
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        csv.writer(handle).writerows(rows)


def test_readers_keep_a_planners_own_leading_apostrophe(tmp_path: Path) -> None:
    header = ["平台名称", "平台类型", "依托单位", "级别", "研究方向"]
    row = ["广西测试工程研究中心", "工程研究中心", "广西大学", "自治区级", "'=SUM(1)"]
    typed = tmp_path / "typed"
    typed.mkdir()
    _csv(typed / "平台.csv", [header, row])
    assert read_dataset(typed).tables["platforms"].rows[0].cells["fields"] == "'=SUM(1)"
    exported = tmp_path / "exported"
    exported.mkdir()
    _csv(exported / "平台.csv", [header, row])
    (exported / EXPORT_MANIFEST).write_text("{}", encoding="utf-8")
    assert read_dataset(exported).tables["platforms"].rows[0].cells["fields"] == "=SUM(1)"
