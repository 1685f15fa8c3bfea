"""The neutralising prefix: how a text cell is made inert for spreadsheets and read back exactly.

Why one module for both directions: anything platgraph writes out (an export, a report) may be
opened in Excel, which runs a cell beginning with ``=``, ``+``, ``-`` or ``@`` (or a tab or carriage
return) as a formula (CSV / formula injection). The writer therefore puts a ``'`` in front of such a
cell; the readers take exactly one ``'`` off again. For the round trip to be exact, a value that
itself begins with apostrophes followed by one of those characters (``'=x``) gets one more ``'`` on
the way out, so ``unneutralise(neutralise(v)) == v`` for every text ``v``. Numbers written as numbers
(a negative count) are never prefixed: a numeric cell is not a formula.
"""

from __future__ import annotations

# Characters that make a spreadsheet treat a cell as a formula (OWASP "CSV injection").
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
PREFIX = "'"


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
