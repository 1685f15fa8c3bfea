"""The report as a small document model that both writers (HTML, DOCX) render.

Why a model: the Word and the HTML versions must say the same thing with the same numbers, so the
sections are composed once into headings, paragraphs, tables and figures, and each writer only
decides how those look. It also lets the tests check the content independently of the format.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields, is_dataclass, replace

from graph.textsafe import FORMULA_TRIGGERS, neutralise, strip_controls

Cell = str | int | float | None

# Characters that make a spreadsheet or a Word field treat a cell as a formula or a command: the
# one rule of graph.textsafe (exports and rejects files use it too).
FORMULA_PREFIXES = FORMULA_TRIGGERS


def safe_text(value: Cell) -> str:
    """The text of a table cell. Strings come from data (untrusted): one starting with ``= + - @``
    is prefixed with ``'`` so that nobody pasting the table into Excel runs a formula. Numbers are
    formatted by us (a negative synergy value stays a number)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, float):
        return f"{value:,.4f}".rstrip("0").rstrip(".") if value == value else ""
    return neutralise(strip_controls(str(value)))


def clean_report(report: Report) -> Report:
    """A copy of ``report`` whose every text has no control characters: Word refuses a document
    with one (python-docx raises), and data may carry them (graph.textsafe)."""

    def clean(value: object) -> object:
        if isinstance(value, str):
            return strip_controls(value)
        if isinstance(value, list):
            return [clean(v) for v in value]
        if is_dataclass(value) and not isinstance(value, type):
            return replace(value, **{f.name: clean(getattr(value, f.name)) for f in fields(value)})
        return value

    # return-value: clean() keeps each value's type (a dataclass comes back as the same dataclass);
    # its signature, object to object, cannot say so
    return clean(report)  # type: ignore[return-value]


@dataclass
class Heading:
    text: str
    level: int = 1  # 1 = section (Heading 1), 2 = subsection (Heading 2)
    anchor: str = ""


@dataclass
class Paragraph:
    text: str
    note: bool = False  # a method or provenance note, rendered smaller


@dataclass
class Table:
    caption: str
    columns: list[str]
    rows: list[list[Cell]]
    kind: str = ""  # a stable name the tests and CSS use, e.g. "overlap-groups"
    # Relative share of the width each column wants (e.g. a name column 4, a count 1); None = by content.
    # The writers turn these into fixed widths with :func:`viz.report.layout.column_widths`.
    weights: list[float] | None = None

    def text_rows(self) -> list[list[str]]:
        return [[safe_text(cell) for cell in row] for row in self.rows]


@dataclass
class Figure:
    caption: str
    png: bytes
    kind: str = ""
    width_cm: float = 16.0


@dataclass
class Layout:
    """Switch the page orientation from here on: a wide table goes on landscape pages (a Word
    section, a CSS named page) and the report returns to portrait after it."""

    landscape: bool


Block = Heading | Paragraph | Table | Figure | Layout


@dataclass
class Report:
    title: str
    subtitle: str
    lang: str
    blocks: list[Block] = field(default_factory=list)

    def add(self, *blocks: Block) -> None:
        self.blocks.extend(blocks)

    def tables(self, kind: str | None = None) -> list[Table]:
        return [b for b in self.blocks if isinstance(b, Table) and (kind is None or b.kind == kind)]

    def figures(self) -> list[Figure]:
        return [b for b in self.blocks if isinstance(b, Figure)]
