"""The topic thesaurus (graph/data/topic_thesaurus.toml): which concept a name's core is about.

Why a thesaurus and not n-grams: a list of names and hosts says 国家土方机械工程技术研究中心 and
机械工业铲土运输机械工程研究中心 at one company are one topic only in meaning — the words share no
characters a similarity could catch. Public classifications (GB/T 4754-2017 and others, cited in the
data file) group such words under one concept, so the rule is data a planner can read and extend.

Why here (graph/) and not in queries/: the sample generator (ingest/sample) keeps its background
platforms free of same-host, same-topic pairs by the very same rule the overlap analysis uses to find
them, and ingest may not import queries.

Matching: a text is scanned left to right and the longest term wins at each position; a name's
concepts are then reduced to the most specific ones (a concept whose narrower concept the name also
names is dropped). Two names share a topic when a concept of one is the same as, or an ancestor of,
a concept of the other (家畜 ⊃ 水牛); two narrower concepts under one parent are siblings, not one topic.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from graph.names import normalize_name
from graph.reference import DATA_DIR

THESAURUS_FILE = DATA_DIR / "topic_thesaurus.toml"


@dataclass(frozen=True)
class Thesaurus:
    term_to_concept: dict[str, str]
    parent: dict[str, str]
    pattern: re.Pattern[str] | None

    def ancestors(self, key: str) -> list[str]:
        """The concept and its broader concepts, narrowest first."""
        out = [key]
        while out[-1] in self.parent and len(out) < 10:
            out.append(self.parent[out[-1]])
        return out

    def concepts(self, text: str) -> dict[str, str]:
        """``{concept: the term that says so}``, the most specific concepts ``text`` names."""
        if not text or self.pattern is None:
            return {}
        found: dict[str, str] = {}
        for match in self.pattern.finditer(normalize_name(text, strip_short_name=False)):
            found.setdefault(self.term_to_concept[match.group(0)], match.group(0))
        broader = {a for key in found for a in self.ancestors(key)[1:]}
        return {k: v for k, v in found.items() if k not in broader}

    def shared(self, a: dict[str, str], b: dict[str, str]) -> tuple[str, str, str] | None:
        """(concept, term in a, term in b) when one concept of ``a`` is the same as, or an ancestor
        or descendant of, one of ``b`` (the broader concept is named); else None. Deterministic."""
        for ka in sorted(a):
            up_a = self.ancestors(ka)
            for kb in sorted(b):
                if kb in up_a:
                    return kb, a[ka], b[kb]
                if ka in self.ancestors(kb):
                    return ka, a[ka], b[kb]
        return None


@lru_cache(maxsize=1)
def load_thesaurus(path: Path = THESAURUS_FILE) -> Thesaurus:
    """Read and check the data file: every term in one concept only, every parent a concept."""
    with open(path, "rb") as fh:
        raw = tomllib.load(fh)
    term_to_concept: dict[str, str] = {}
    parent: dict[str, str] = {}
    keys = {c["key"] for c in raw.get("concept", [])}
    for concept in raw.get("concept", []):
        key = concept["key"]
        if concept.get("parent"):
            if concept["parent"] not in keys:
                raise ValueError(f"{path.name}: concept {key!r}: parent {concept['parent']!r} is not a concept")
            parent[key] = concept["parent"]
        for term in concept.get("terms", []):
            form = normalize_name(term, strip_short_name=False)
            if form in term_to_concept and term_to_concept[form] != key:
                raise ValueError(f"{path.name}: term {term!r} is in {term_to_concept[form]!r} and {key!r}")
            term_to_concept[form] = key
    terms = sorted(term_to_concept, key=len, reverse=True)
    pattern = re.compile("|".join(re.escape(t) for t in terms)) if terms else None
    return Thesaurus(term_to_concept, parent, pattern)
