"""Page geometry and fixed table column widths, shared by the Word and the HTML writers.

Why fixed widths computed here: when a word processor or a browser sizes columns by itself, a table
with one long "reasons" column squeezes the name column to one character per line when printed.
So every column gets at least :data:`MIN_CHARS` characters of the table font, the rest of the width
goes to the columns whose text is long, and both writers print the same widths (Word: the table
grid and cell widths, fixed layout; HTML: ``<col>`` widths with ``table-layout: fixed``).
"""

from __future__ import annotations

from collections.abc import Sequence

from viz.report.model import Table

PAGE_CM = (21.0, 29.7)  # A4, as Chinese offices print
MARGIN_CM = 2.0
TABLE_FONT_PT = 9.0
CM_PER_PT = 2.54 / 72
EM_CM = TABLE_FONT_PT * CM_PER_PT  # one CJK character of the table font
CELL_PAD_CM = 0.38  # left + right cell padding (Word's default 0.19 cm each side; the HTML CSS matches)
MIN_CHARS = 4  # no column narrower than four characters of the table font
FLOOR_CHARS = MIN_CHARS + 0.3  # what a column is given: borders and unit rounding take a little of it
TEXT_CAP_CHARS = 36  # beyond this a column wraps anyway: a longer text earns no extra width
NUMBER_CAP_CHARS = 12


def usable_cm(landscape: bool = False) -> float:
    """The text width of a page in cm."""
    width = PAGE_CM[1] if landscape else PAGE_CM[0]
    return width - 2 * MARGIN_CM


def text_em(text: str) -> float:
    """Printed width of ``text`` in ems of its font: CJK and full-width characters are one em,
    others about half (a rough but safe estimate for a proportional Latin face)."""
    return sum(1.0 if ord(ch) >= 0x2E80 else 0.55 for ch in text)


def _numeric(table: Table, index: int) -> bool:
    values = [row[index] for row in table.rows if row[index] not in (None, "")]
    return bool(values) and all(isinstance(v, int | float) and not isinstance(v, bool) for v in values)


def desired_chars(table: Table) -> list[float]:
    """How many characters each column would like: the longest cell (capped), the header's longest
    word counted only up to six characters (a header may wrap), never below :data:`MIN_CHARS`."""
    texts = table.text_rows()
    wants: list[float] = []
    for index, title in enumerate(table.columns):
        longest = max([text_em(row[index]) for row in texts] or [0.0])
        cap = NUMBER_CAP_CHARS if _numeric(table, index) else TEXT_CAP_CHARS
        wants.append(max(FLOOR_CHARS, min(max(longest, min(text_em(title), 6.0)), cap)))
    if table.weights:
        total = sum(table.weights)
        budget = sum(wants)
        wants = [max(FLOOR_CHARS, budget * w / total) for w in table.weights]
    return wants


def column_widths(table: Table, width_cm: float) -> list[float]:
    """Column widths in cm that fill ``width_cm``: every column first gets its floor (four
    characters, or its whole number if numeric), the rest is shared in proportion to what each
    column still wants, and any surplus in proportion to what it wants in all."""
    wants = desired_chars(table)
    floors = [max(FLOOR_CHARS, min(w, NUMBER_CAP_CHARS)) if _numeric(table, i) else FLOOR_CHARS
              for i, w in enumerate(wants)]
    floor_cm = [f * EM_CM + CELL_PAD_CM for f in floors]
    want_cm = [w * EM_CM + CELL_PAD_CM for w in wants]
    room = width_cm - sum(floor_cm)
    if room <= 0:
        return floor_cm  # more columns than the page holds: the check in the tests reports it
    extra = [w - f for w, f in zip(want_cm, floor_cm, strict=True)]
    if sum(extra) >= room:
        return [f + room * e / sum(extra) for f, e in zip(floor_cm, extra, strict=True)]
    surplus = width_cm - sum(want_cm)
    return [w + surplus * w / sum(want_cm) for w in want_cm]


def min_chars(widths_cm: Sequence[float], font_pt: float = TABLE_FONT_PT, pad_cm: float = CELL_PAD_CM) -> float:
    """The narrowest column's text width in characters of a ``font_pt`` font (what the tests check)."""
    return min((w - pad_cm) / (font_pt * CM_PER_PT) for w in widths_cm)
