"""The Word version (python-docx): real Heading 1/2 styles (so Word's navigation pane and table of
contents work), tables with a repeating bold header row, figures with numbered captions (a ``SEQ``
field, as Word's own Insert Caption makes), and East-Asian fonts set on the styles (``w:eastAsia``)
so Chinese shows in 宋体 / 黑体 rather than a fallback, and the document stays editable.
"""

from __future__ import annotations

import io
from pathlib import Path

from docx import Document
from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor

from viz.report.layout import MARGIN_CM, PAGE_CM, TABLE_FONT_PT, column_widths, usable_cm
from viz.report.model import Figure, Heading, Layout, Paragraph, Report, Table, clean_report

BODY_EAST_ASIA = "宋体"  # SimSun: the standard body face of Chinese official documents
HEADING_EAST_ASIA = "黑体"  # SimHei for headings
LATIN = "Times New Roman"
LATIN_HEADINGS = "Arial"


def _set_fonts(style, east_asia: str, latin: str, size: float | None = None, bold: bool | None = None) -> None:
    """Latin and East-Asian faces on a style (python-docx only sets the Latin one by itself)."""
    style.font.name = latin
    if size is not None:
        style.font.size = Pt(size)
    if bold is not None:
        style.font.bold = bold
    rpr = style.element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for attr, value in (("w:ascii", latin), ("w:hAnsi", latin), ("w:eastAsia", east_asia), ("w:cs", latin)):
        fonts.set(qn(attr), value)
    for theme_attr in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        fonts.attrib.pop(qn(theme_attr), None)
    lang = rpr.find(qn("w:lang"))
    if lang is None:
        lang = OxmlElement("w:lang")
        rpr.append(lang)
    lang.set(qn("w:eastAsia"), "zh-CN")


def _setup_styles(document) -> None:
    styles = document.styles
    _set_fonts(styles["Normal"], BODY_EAST_ASIA, LATIN, size=10.5)
    _set_fonts(styles["Title"], HEADING_EAST_ASIA, LATIN_HEADINGS, size=20, bold=True)
    _set_fonts(styles["Heading 1"], HEADING_EAST_ASIA, LATIN_HEADINGS, size=16, bold=True)
    _set_fonts(styles["Heading 2"], HEADING_EAST_ASIA, LATIN_HEADINGS, size=13, bold=True)
    _set_fonts(styles["Caption"], HEADING_EAST_ASIA, LATIN_HEADINGS, size=9, bold=False)
    for name in ("Title", "Heading 1", "Heading 2", "Caption"):
        styles[name].font.color.rgb = RGBColor(0x1D, 0x1D, 0x1F)


def _caption(document, text: str, label: str) -> None:
    """A Caption-style paragraph whose number is a real ``SEQ`` field (Word renumbers it)."""
    paragraph = document.add_paragraph(style="Caption")
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    # text is "图 3  caption" / "Figure 3. caption": keep the label word, field the number
    head, _, rest = text.partition(" ")
    number, _, tail = rest.partition(" ")
    paragraph.add_run(head + " ")
    _field(paragraph, f" SEQ {label} \\* ARABIC ", number.rstrip("."))
    paragraph.add_run(("." if number.endswith(".") else "") + " " + tail.lstrip())


def _field(paragraph, instruction: str, shown: str) -> None:
    """A complex field (begin, instruction, separate, cached result, end) as direct runs, so Word
    updates it and readers that only look at runs still see the number."""

    def char(kind: str) -> None:
        element = OxmlElement("w:fldChar")
        element.set(qn("w:fldCharType"), kind)
        paragraph.add_run()._r.append(element)

    char("begin")
    instr = OxmlElement("w:instrText")
    instr.set(qn("xml:space"), "preserve")
    instr.text = instruction
    paragraph.add_run()._r.append(instr)
    char("separate")
    paragraph.add_run(shown)
    char("end")


def _header_row(row) -> None:
    """Mark the first row as a header that repeats on every page, and make it bold."""
    tr_pr = row._tr.get_or_add_trPr()
    header = OxmlElement("w:tblHeader")
    header.set(qn("w:val"), "true")
    tr_pr.append(header)
    for cell in row.cells:
        for paragraph in cell.paragraphs:
            for run in paragraph.runs:
                run.font.bold = True
        shading = OxmlElement("w:shd")
        shading.set(qn("w:val"), "clear")
        shading.set(qn("w:color"), "auto")
        shading.set(qn("w:fill"), "EEF2F7")
        cell._tc.get_or_add_tcPr().append(shading)


def _fixed_layout(table) -> None:
    """``w:tblLayout type=fixed``: Word and LibreOffice keep our widths instead of autofitting."""
    tbl_pr = table._tbl.tblPr
    layout = OxmlElement("w:tblLayout")
    layout.set(qn("w:type"), "fixed")
    tbl_pr.append(layout)


def _table(document, block: Table, width_cm: float) -> None:
    _caption(document, block.caption, "Table")
    table = document.add_table(rows=1, cols=len(block.columns))
    table.style = document.styles["Table Grid"]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for cell, title in zip(table.rows[0].cells, block.columns, strict=True):
        cell.text = title
    _header_row(table.rows[0])
    for row, texts in zip(block.rows, block.text_rows(), strict=True):
        cells = table.add_row().cells
        for cell, value, text in zip(cells, row, texts, strict=True):
            cell.text = text
            if isinstance(value, int | float) and not isinstance(value, bool):
                cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.RIGHT
    table.autofit = False
    _fixed_layout(table)
    widths = column_widths(block, width_cm)
    for column, cm in zip(table.columns, widths, strict=True):
        column.width = Cm(cm)  # the table grid: what LibreOffice lays out by
    for row in table.rows:
        for cell, cm in zip(row.cells, widths, strict=True):
            cell.width = Cm(cm)
            for paragraph in cell.paragraphs:
                for run in paragraph.runs:
                    run.font.size = Pt(TABLE_FONT_PT)
    document.add_paragraph()


def _orient(section, landscape: bool) -> None:
    """A4 in the given orientation, with the report's margins."""
    short, long_ = Cm(PAGE_CM[0]), Cm(PAGE_CM[1])
    section.orientation = WD_ORIENT.LANDSCAPE if landscape else WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = (long_, short) if landscape else (short, long_)
    section.left_margin = section.right_margin = Cm(MARGIN_CM)
    section.top_margin = section.bottom_margin = Cm(MARGIN_CM)


def write_docx(report: Report, out_path: Path) -> Path:
    report = clean_report(report)  # no control characters reach the XML (graph.textsafe)
    document = Document()
    _setup_styles(document)
    _orient(document.sections[0], landscape=False)
    core = document.core_properties
    core.title = report.title
    core.subject = report.subtitle
    core.language = "zh-CN" if report.lang == "zh" else "en"
    document.add_paragraph(report.title, style="Title")
    document.add_paragraph(report.subtitle)
    landscape = False
    for block in report.blocks:
        if isinstance(block, Layout):
            if block.landscape != landscape:
                landscape = block.landscape
                _orient(document.add_section(WD_SECTION.NEW_PAGE), landscape)
        elif isinstance(block, Heading):
            document.add_heading(block.text, level=block.level)
        elif isinstance(block, Paragraph):
            paragraph = document.add_paragraph(block.text)
            if block.note:
                for run in paragraph.runs:
                    run.font.size = Pt(9)
        elif isinstance(block, Table):
            _table(document, block, usable_cm(landscape))
        elif isinstance(block, Figure):
            width = min(block.width_cm, usable_cm(landscape))
            document.add_picture(io.BytesIO(block.png), width=Cm(width))
            document.paragraphs[-1].alignment = WD_ALIGN_PARAGRAPH.CENTER
            _caption(document, block.caption, "Figure")
    document.save(str(out_path))
    return out_path
