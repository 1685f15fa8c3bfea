"""Text that is safe to write out: one formula-neutralising rule and one control-character rule for
everything platgraph writes (exports, rejects and ambiguity files, reports) and reads back.

Why one module, in ``graph``: the export writers and the readers (``ingest``), the rejects files
(``ingest``) and the reports (``viz``) must apply the same rule, or a cell that one of them leaves
live runs as a formula when a planner opens the file in Excel. ``graph`` is below both layers.

Formulas: a spreadsheet runs a cell beginning with ``=``, ``+``, ``-`` or ``@`` (or a tab or a
carriage return) as a formula (CSV / formula injection). Such text gets a leading ``'``. For the
round trip to be exact, a value that itself begins with apostrophes followed by one of those
characters (``'=x``) gets one more ``'``, so ``unneutralise(neutralise(v)) == v`` for every text.
Numbers written as numbers (a negative count) are never prefixed: a numeric cell is not a formula.
The readers undo the prefix only in datasets platgraph itself exported (:mod:`ingest.readers`), so
a planner's own leading ``'`` is kept as typed.

Control characters: C0 (except tab, newline, carriage return), DEL and C1 break XML (a Word report
refuses the whole document) and hide text on screen. The ingest rejects a value containing one,
naming it (``U+0001``); the report writers strip any that reach them anyway.
"""

from __future__ import annotations

import re

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
PREFIX = "'"
CONTROL_CHARS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def needs_prefix(text: str) -> bool:
    """True when ``text`` must carry the prefix: it starts, after any apostrophes, with a trigger."""
    return text.lstrip(PREFIX).startswith(FORMULA_TRIGGERS)


def neutralise(text: str) -> str:
    """The cell to write for ``text``: inert in a spreadsheet, and read back as ``text``."""
    return PREFIX + text if needs_prefix(text) else text


def unneutralise(text: str) -> str:
    """The value a written cell stands for: one leading ``'`` dropped before a formula character."""
    if text.startswith(PREFIX) and needs_prefix(text):
        return text[1:]
    return text


def first_control(text: str) -> str | None:
    """The first control character in ``text`` as ``U+XXXX`` (for a reject reason), or None."""
    found = CONTROL_CHARS.search(text)
    return f"U+{ord(found.group()):04X}" if found else None


def strip_controls(text: str) -> str:
    """``text`` without control characters (tab, newline and carriage return kept)."""
    return CONTROL_CHARS.sub("", text) if CONTROL_CHARS.search(text) else text
