"""Industry words: which reference industry a name means, and which ones a text talks about.

Why one module for both: a dataset's industry cell written the way Guangxi writes it (铝及铝加工,
高端铝合金新材料) and a platform's own name (广西铝合金材料与加工重点实验室) are read by the same
rule, from the same data — the keys, ``aliases`` and ``keywords`` of graph/data/industries.toml.

The rule: every key, alias and keyword of a reference industry or chain segment is a *term*. A text
is scanned left to right and at each position the longest term wins (新能源汽车, not 新能源), so a
longer, more specific word hides the shorter one inside it. *Stop terms* (糖尿病) win the same way
and mean nothing. A term may belong to several industries (甘蔗: the sugar industry's word and the
agriculture segment's name); such a term alone cannot decide.

- :meth:`IndustryTerms.resolve_name` — a dataset industry *name* that is not a key or an alias:
  the terms found must point to exactly one top-level industry, which is the answer; terms of two
  or more → ambiguous (the caller reports it; never a parallel industry).
- :meth:`IndustryTerms.infer` — free text (a platform's name, one research field): every industry
  or segment its unambiguous terms point to, with the term as evidence. A term of a segment gives
  the segment (coverage rolls a segment up to its industry through PART_OF).
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from graph.names import normalize_name
from graph.reference import DATA_DIR, Industry, load_industries


def term_form(text: str) -> str:
    """The comparison form of a term or a scanned text: half-width, no spaces, lower case."""
    return normalize_name(text, strip_short_name=False)


@dataclass(frozen=True)
class NameMatch:
    """What a dataset industry name resolves to: ``key`` (one industry) or ``candidates`` (several)."""

    key: str | None
    candidates: tuple[str, ...] = ()
    terms: tuple[str, ...] = ()  # the words that decided, for the report


@dataclass
class IndustryTerms:
    """The term index over the reference industries (see the module docstring for the rule)."""

    industries: dict[str, Industry]
    stop_terms: tuple[str, ...] = ()
    host_max_industries: int = 2
    owners: dict[str, set[str]] = field(default_factory=dict)  # term form -> industry/segment keys
    _pattern: re.Pattern[str] | None = field(default=None, repr=False)

    def __post_init__(self) -> None:
        for ind in self.industries.values():
            # a one-character key or alias (糖, 铝) is a word to scan for only when it is also listed
            # as a keyword: 糖 alone is in 糖尿病 and 多糖; 铝 is listed, it means aluminium
            names = [w for w in (ind.key, *ind.aliases) if len(term_form(w)) > 1]
            for word in (*names, *ind.keywords):
                form = term_form(word)
                if form:
                    self.owners.setdefault(form, set()).add(ind.key)
        stops = {term_form(s) for s in self.stop_terms} - {""}
        words = sorted(set(self.owners) | stops, key=lambda w: (-len(w), w))
        self._stops = stops
        self._pattern = re.compile("|".join(re.escape(w) for w in words)) if words else None

    def top(self, key: str) -> str:
        """The top-level industry of an industry or segment key."""
        ind = self.industries.get(key)
        return ind.parent if ind is not None and ind.parent else key

    def found(self, text: str) -> list[tuple[str, set[str]]]:
        """``[(term, owner keys)]`` in the order found, longest term first at each position."""
        if self._pattern is None or not text:
            return []
        out = []
        for match in self._pattern.finditer(term_form(text)):
            word = match.group(0)
            if word not in self._stops:
                out.append((word, self.owners[word]))
        return out

    def resolve_name(self, text: str) -> NameMatch:
        """The one top-level reference industry an unfamiliar industry name means, or the candidates."""
        by_top: dict[str, list[str]] = {}
        for word, owners in self.found(text):
            for top in {self.top(k) for k in owners}:
                by_top.setdefault(top, []).append(word)
        if len(by_top) == 1:
            (key, words), = by_top.items()
            return NameMatch(key, (key,), tuple(dict.fromkeys(words)))
        every_word = tuple(dict.fromkeys(w for ws in by_top.values() for w in ws))
        return NameMatch(None, tuple(sorted(by_top)), every_word)

    def infer(self, text: str) -> dict[str, str]:
        """``{industry or segment key: the term that says so}`` for one text.

        A term owned by several top-level industries says nothing on its own (skipped); a term owned
        by an industry and one of its segments means the segment (the more specific one).
        """
        out: dict[str, str] = {}
        for word, owners in self.found(text):
            tops = {self.top(k) for k in owners}
            if len(tops) != 1:
                continue
            segments = sorted(k for k in owners if self.industries[k].parent)
            key = segments[0] if len(segments) == 1 else next(iter(tops))
            out.setdefault(key, word)
        return out

    def infer_host(self, host_industries: list[str]) -> list[str]:
        """The host's industries when they say something about one platform: at most
        ``host_max_industries`` distinct top-level industries (a specialised host), else none."""
        known = [k for k in dict.fromkeys(host_industries) if k in self.industries]
        if not known or len({self.top(k) for k in known}) > self.host_max_industries:
            return []
        return known


@lru_cache(maxsize=4)
def load_terms(data_dir: Path | None = None) -> IndustryTerms:
    """The term index of graph/data/industries.toml (keys, aliases, keywords, [inference] settings)."""
    with open((data_dir or DATA_DIR) / "industries.toml", "rb") as fh:
        settings = tomllib.load(fh).get("inference", {})
    return IndustryTerms(load_industries(data_dir), tuple(settings.get("stop_terms", ())),
                         int(settings.get("host_max_industries", 2)))
