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

# The rule lives in graph.textsafe so that the reports (viz) apply the very same one.
from graph.textsafe import FORMULA_TRIGGERS, PREFIX, needs_prefix, neutralise, unneutralise  # noqa: E402

__all__ = ["FORMULA_TRIGGERS", "PREFIX", "needs_prefix", "neutralise", "unneutralise"]
