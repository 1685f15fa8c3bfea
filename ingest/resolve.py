"""Entity resolution: which institution a name, alias or credit code in a spreadsheet means.

The rule (docs/graph-model.md), shared by ingest and by the proposal check in overlap detection:
a valid unified social credit code wins; otherwise the name is compared after
:func:`graph.names.normalize_name` with every institution's ``alias_norms`` (its own name, declared
aliases, other spellings seen, and the trailing bracketed short name). An exact match on an
institution's own name beats an alias shared by several institutions; a name that matches several
institutions only through aliases is *ambiguous* and resolves to nothing.

Near-misses (a high rapidfuzz ratio, or two different institutions whose names are one edit apart)
are never merged: they go to the ambiguity report for a person to decide.

:func:`resolve_institution` is the pure lookup against the graph; :class:`InstitutionIndex` is
the same rule in memory, used by the ingest pipeline to resolve millions of references quickly.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache

from rapidfuzz import fuzz, process
from rapidfuzz.distance import Levenshtein

from graph.bulkread import chunked, chunked_rows
from graph.credit_code import is_valid_credit_code, normalize_credit_code
from graph.names import clean_text, normalize_name, trailing_short_name
from graph.reference import ReferenceInstitution
from graph.store import Store

# rapidfuzz ratio (0..100) from which an unresolved name is reported as a possible match.
NEAR_MISS_RATIO = 85.0

ALL_INSTITUTIONS = chunked(
    "MATCH (i:Institution) WITH [i.key, i.credit_code, i.norm_name, i.alias_norms, i.name, i.city, "
    "(i.created_from = 'platform_list' AND coalesce(i.kind_inferred, false))] AS row")
# Each lookup is its own indexed query (key: uniqueness constraint; credit_code, norm_name: range
# indexes); only the alias list needs a label scan, and it runs last.
FIND_BY_KEY = "MATCH (i:Institution {key: $value}) RETURN i.key AS key"
FIND_BY_CODE = "MATCH (i:Institution) WHERE i.credit_code = $value RETURN i.key AS key LIMIT 2"
FIND_BY_NAME = "MATCH (i:Institution) WHERE i.norm_name = $value RETURN i.key AS key LIMIT 2"
FIND_BY_ALIAS = "MATCH (i:Institution) WHERE $value IN i.alias_norms RETURN i.key AS key LIMIT 2"


@lru_cache(maxsize=200_000)
def lookup_forms(text: str) -> tuple[str | None, str]:
    """``(valid credit code or None, normalised name)``: the two forms every lookup compares."""
    raw = clean_text(text)
    code = normalize_credit_code(raw)
    return (code if is_valid_credit_code(code) else None), normalize_name(raw)


def name_norms(name: str, aliases: Iterable[str] = ()) -> list[str]:
    """The ``alias_norms`` of an institution: its name, its short name and every alias, normalised."""
    forms: dict[str, None] = {normalize_name(name): None}
    short = trailing_short_name(name)
    if short:
        forms[normalize_name(short)] = None
    for alias in aliases:
        forms[normalize_name(alias)] = None
        short = trailing_short_name(alias)
        if short:
            forms[normalize_name(short)] = None
    return [f for f in forms if f]


def resolve_institution(store: Store, text: str) -> str | None:
    """The key of the institution ``text`` names in the graph, or None (unknown or ambiguous)."""
    code, norm = lookup_forms(text)
    steps = ([(FIND_BY_KEY, code), (FIND_BY_CODE, code)] if code else []) + (
        [(FIND_BY_NAME, norm), (FIND_BY_KEY, norm), (FIND_BY_ALIAS, norm)] if norm else [])
    for query, value in steps:
        rows = store.read(query, {"value": value})
        if len(rows) == 1:
            return rows[0]["key"]
        if len(rows) > 1 and query is not FIND_BY_CODE:
            return None  # the same name or alias for several institutions: ambiguous
    return None


@dataclass(slots=True)
class Resolution:
    key: str | None
    ambiguous: list[str] = field(default_factory=list)  # several institutions match equally well


@dataclass
class InstitutionIndex:
    """The resolution rule over an in-memory set of institutions (graph + dataset)."""

    by_code: dict[str, str] = field(default_factory=dict)
    by_name: dict[str, str] = field(default_factory=dict)  # own normalised name (or key) -> key
    by_alias: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    names: dict[str, str] = field(default_factory=dict)  # key -> display name
    cities: dict[str, str | None] = field(default_factory=dict)  # key -> city (None: not known)
    # created from a platform list and not yet confirmed by an institutions file (kind still
    # inferred): an institutions row that names it by name or alias enriches it
    inferred: set[str] = field(default_factory=set)

    @classmethod
    def from_graph(cls, store: Store) -> InstitutionIndex:
        index = cls()
        rows = store.read_tx(lambda tx: list(chunked_rows(tx, ALL_INSTITUTIONS)))
        for key, code, norm, norms, name, city, inferred in rows:
            index.add(key, code, norm or key, norms or [], name)
            if city:
                index.cities[key] = city
            if inferred:
                index.inferred.add(key)
        return index

    name_conflicts: dict[str, set[str]] = field(default_factory=dict)  # one name, several institutions
    # text as written -> its Resolution, while the index is unchanged (emptied by every add): a large
    # load names each institution many times (a million researchers, 250,000 institutions), and
    # cleaning, normalising and looking up the same text once is enough
    _memo: dict[str, Resolution] = field(default_factory=dict, repr=False, compare=False)

    def add(self, key: str, code: str | None, norm: str, norms: Iterable[str], name: str | None = None) -> None:
        if self._memo:
            self._memo.clear()
        if code:
            self.by_code.setdefault(code, key)
        owner = self.by_name.setdefault(norm, key)
        if owner != key:  # e.g. two 广西大学 with different credit codes: the name alone cannot choose
            self.name_conflicts.setdefault(norm, {owner}).add(key)
        self.by_name.setdefault(key, key)
        for form in norms:
            self.by_alias[form].add(key)
        self.names.setdefault(key, name or norm)

    def find(self, code: str | None, norm: str) -> Resolution:
        if code and code in self.by_code:
            return Resolution(self.by_code[code])
        if not norm:
            return Resolution(None)
        if norm in self.name_conflicts:
            return Resolution(None, sorted(self.name_conflicts[norm]))
        if norm in self.by_name:
            return Resolution(self.by_name[norm])
        keys = self.by_alias.get(norm)
        if keys:
            if len(keys) == 1:
                return Resolution(next(iter(keys)))
            return Resolution(None, sorted(keys))
        return Resolution(None)

    def resolve(self, text: str) -> Resolution:
        """:meth:`find` for a text as written (the result is shared: callers do not change it)."""
        found = self._memo.get(text)
        if found is None:
            code, norm = lookup_forms(text)
            found = self._memo[text] = self.find(code, norm)
        return found

    def near_misses(self, text: str, limit: int = 3) -> list[tuple[str, float]]:
        """Known institutions whose names are close to ``text`` but not equal: ``[(key, ratio)]``."""
        _, norm = lookup_forms(text)
        if not norm:
            return []
        choices = self._choices()
        found = process.extract(norm, choices, scorer=fuzz.ratio, score_cutoff=NEAR_MISS_RATIO, limit=limit * 3)
        out: dict[str, float] = {}
        for choice, score, _position in found:
            owner = self.by_name.get(choice)
            for key in ([owner] if owner else []) + sorted(self.by_alias[choice]):
                out.setdefault(key, round(float(score), 1))
        return list(out.items())[:limit]

    def _choices(self) -> list[str]:
        cache: list[str] | None = getattr(self, "_choice_cache", None)
        if cache is None or len(cache) != len(self.by_alias):
            cache = self._choice_cache = list(self.by_alias)
        return cache


class ReferenceIndex:
    """The reference institutions (graph/data/institutions.toml) by every normalised name they go by.

    Consulted after the graph: a name the graph does not know but the reference list does (西大,
    广西林科院) means that reference institution. A form two entries share is ambiguous (None).
    """

    def __init__(self, refs: Iterable[ReferenceInstitution]) -> None:
        self.by_form: dict[str, list[ReferenceInstitution]] = defaultdict(list)
        for ref in refs:
            for form in name_norms(ref.name, ref.aliases):
                if ref not in self.by_form[form]:
                    self.by_form[form].append(ref)

    def find(self, text: str) -> ReferenceInstitution | None:
        code, norm = lookup_forms(text)
        found = self.by_form.get(norm, []) if norm and not code else []
        return found[0] if len(found) == 1 else None

    def near_misses(self, text: str, limit: int = 3) -> list[tuple[ReferenceInstitution, float]]:
        """Reference institutions whose names are close to ``text`` (the same rapidfuzz rule as
        :meth:`InstitutionIndex.near_misses`): a host written so is not created as a twin of one."""
        _code, norm = lookup_forms(text)
        if not norm or not self.by_form:
            return []
        found = process.extract(norm, list(self.by_form), scorer=fuzz.ratio, score_cutoff=NEAR_MISS_RATIO,
                                limit=limit)
        out: dict[str, tuple[ReferenceInstitution, float]] = {}
        for form, score, _pos in found:
            for ref in self.by_form[form]:
                out.setdefault(ref.name, (ref, round(float(score), 1)))
        return list(out.values())[:limit]


_ORDINALS = set("0123456789一二三四五六七八九十")


def numbered_siblings(a: str, b: str) -> bool:
    """第一人民医院 / 第三人民医院: same length, differing only in one numeral — siblings, not typos."""
    if len(a) != len(b):
        return False
    diff = [(x, y) for x, y in zip(a, b, strict=True) if x != y]
    return len(diff) == 1 and all(ch in _ORDINALS for ch in diff[0])


def one_edit_pairs(names: dict[str, str]) -> list[tuple[str, str, str, str]]:
    """Pairs of different keys whose normalised names are exactly one edit apart.

    ``names`` maps key → normalised name. Uses the deletion neighbourhood (two strings at
    Levenshtein distance ≤ 1 share a string obtained by deleting at most one character from
    each), so the cost is linear in the total length instead of quadratic in the count.
    Returns ``[(key_a, name_a, key_b, name_b)]`` with key_a < key_b.
    """
    # Most deletion variants belong to one name only: remember the first owner of each variant and
    # build a list only when a second one turns up (keys are hashes, to keep memory flat).
    first: dict[int, int] = {}
    shared: dict[int, list[int]] = {}
    items = list(names.items())
    for pos, (_key, name) in enumerate(items):
        if len(name) < 4:  # short names (简称) collide by chance; not evidence of a typo
            continue
        for variant in {name, *(name[:i] + name[i + 1:] for i in range(len(name)))}:
            h = hash(variant)
            owner = first.setdefault(h, pos)
            if owner != pos:
                members = shared.get(h)
                if members is None:
                    shared[h] = [owner, pos]
                else:
                    members.append(pos)
    pairs: set[tuple[int, int]] = set()
    for members in shared.values():
        if len(members) > 50:
            continue
        for i, a in enumerate(members):
            for b in members[i + 1:]:
                if a != b:
                    pairs.add((min(a, b), max(a, b)))
    out = []
    for a, b in sorted(pairs):
        (ka, na), (kb, nb) = items[a], items[b]
        if ka != kb and na != nb and Levenshtein.distance(na, nb) == 1:
            lower, upper = sorted(((ka, na), (kb, nb)))
            out.append((lower[0], lower[1], upper[0], upper[1]))
    return out
