"""How an exported row names another node so that re-ingesting it finds exactly that node.

Why this needs care: an institution is referenced (a platform's host, a researcher's 工作单位, a
collaboration party) by *text*, and ingest resolves that text with the rule of
:mod:`ingest.resolve` (credit code, then own name, then aliases; a name several institutions share
is ambiguous). So for every institution the exporter builds the same index the re-import will
have, and picks the first of (name, credit code, key, aliases) that resolves back to that very
institution — and, for a multi-valued cell (共建单位), contains no list separator.

Platforms and researchers are referenced in the memberships file by their key, which ingest
looks up first (an 编号 when there is one, else ``name@level`` / ``name@institution``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from graph.names import normalize_name
from graph.store import Store
from ingest.export import cypher
from ingest.models import MAX_NAME
from ingest.resolve import InstitutionIndex

# The characters ingest splits a multi-valued cell on (graph.names.split_multi).
SEPARATORS = re.compile(r"[;；、,，|\n]")


def has_separator(text: str) -> bool:
    return bool(SEPARATORS.search(text))


@dataclass
class InstitutionRefs:
    """The re-import's view of the institutions, and the text that names each one."""

    index: InstitutionIndex
    claimed: set[str] = field(default_factory=set)  # own name is another institution's alias
    _refs: dict[str, tuple[str | None, str | None, str]] = field(default_factory=dict)

    @classmethod
    def from_graph(cls, store: Store) -> InstitutionRefs:
        """Index every institution as ingest would after reading the institutions file."""
        rows = store.read_tx(lambda tx: [tuple(r.values()) for r in tx.run(cypher.INSTITUTION_NAMES)])
        index = InstitutionIndex()
        for key, code, norm, norms, name in rows:
            index.add(key, code, norm or key, norms, name)
        refs = cls(index)
        for key, _code, norm, _norms, _name in rows:
            if index.by_alias.get(norm or key, set()) - {key}:
                refs.claimed.add(key)
        return refs

    def learn(self, key: str, code: str | None, name: str | None, aliases: Iterable[str]) -> None:
        """Choose the reference texts of one institution (call once per institution)."""
        single = multi = None
        for text in (name, code, key, *aliases):  # the name first: the file stays readable
            if not text or len(text) > MAX_NAME or self.index.resolve(text).key != key:
                continue
            single = single or text
            if not has_separator(text):
                multi = text
                break
        self._refs[key] = (single, multi, name or key)

    def ref(self, key: str, *, multi: bool = False) -> tuple[str, bool]:
        """``(text, exact)``: the text that names institution ``key`` (in a multi-valued cell: one
        without a separator). ``exact`` is False when no text resolves back to it; the text is then
        its name, which the re-import will reject or resolve elsewhere (reported as a warning)."""
        single, several, fallback = self._refs.get(key, (None, None, key))
        chosen = several if multi else single
        return (chosen, True) if chosen else (fallback, False)


def expected_institution_key(code: str | None, name: str) -> str:
    """The key a fresh ingest gives an institutions row (``ingest.load_plan.Planner._institution_key``
    when nothing is known yet): the credit code, else the normalised name."""
    return code or normalize_name(name)


def platform_ref(key: str, name: str | None) -> str:
    """Memberships name a platform by its key (looked up first); a key too long for the cell by name."""
    return key if len(key) <= MAX_NAME else (name or key)


def researcher_ref(key: str, name: str | None) -> tuple[str, bool]:
    """``(text, by_key)``: the researcher's key, or its name when the key is too long for the cell
    (then the 工作单位 column must tell namesakes apart)."""
    if len(key) <= MAX_NAME:
        return key, True
    return (name or key), False
