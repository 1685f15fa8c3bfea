"""A platform name's core (名称核心词): the name without region, level, type words and its host.

Why: every platform name carries affixes that say nothing about what it works on — 广西, 国家,
自治区, 重点实验室, 工程技术研究中心, 临床医学研究中心, the host's own name. Compared whole, two names
on one disease (地中海贫血防治国家临床医学研究中心 / 广西地中海贫血防治临床医学研究中心) look only
half alike, and two unrelated 广西大学 重点实验室 look alike. Stripped to their cores (地中海贫血防治 /
地中海贫血防治) the first pair is an exact match and the second is not. The affixes are data
(``graph/data/name_affixes.toml``) together with the taxonomy's type names and aliases and the
city names, so a planner can add a word without touching code.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from graph.names import clean_text, normalize_name, to_halfwidth
from graph.reference import load_cities, load_taxonomy
from queries.overlap.profiles import NON_TEXT

AFFIX_FILE = Path(__file__).resolve().parents[2] / "graph" / "data" / "name_affixes.toml"
MIN_SPELLING = 2  # host spellings shorter than this are not removed (a one-character short name)
MIN_CORE = 2  # a one-character rest (和航众创空间 → 航) names no topic


@dataclass(frozen=True)
class Affixes:
    prefixes: tuple[str, ...]
    suffixes: tuple[str, ...]
    anywhere: tuple[str, ...]
    connectors: tuple[str, ...]
    generic: frozenset[str]
    company_name_ends: tuple[str, ...] = ()


def _longest_first(words: Iterable[str]) -> tuple[str, ...]:
    """Each word as normalised and as written (lower case): normalisation rewrites a company's legal
    form (有限责任公司 → 有限公司) only at the end of a whole name, so inside a name it stays as written."""
    forms = {f for w in words if w for f in (normalize_name(w, strip_short_name=False), w.lower())}
    return tuple(sorted(forms, key=len, reverse=True))


@lru_cache(maxsize=1)
def load_affixes(path: Path = AFFIX_FILE) -> Affixes:
    """The affix lists of the data file, completed with type names/aliases and city names."""
    with open(path, "rb") as fh:
        raw = tomllib.load(fh)
    types: set[str] = set()
    for ptype in load_taxonomy().types.values():
        types.add(ptype.key)
        types.update(ptype.aliases)
    places: set[str] = set()
    for city in load_cities().values():
        places.update({city.key, city.key + "市", *city.aliases})
    return Affixes(
        prefixes=_longest_first([*raw["prefixes"], *places, *types]),
        suffixes=_longest_first([*raw["suffixes"], *types]),
        anywhere=_longest_first(raw["anywhere"]),
        connectors=tuple(raw.get("connectors", ())),
        generic=frozenset(normalize_name(w, strip_short_name=False) for w in raw.get("generic", ())),
        company_name_ends=tuple(raw.get("company_name_ends", ())),
    )


@lru_cache(maxsize=1)
def _end_patterns() -> tuple[re.Pattern[str], re.Pattern[str]]:
    """One regex for every prefix and one for every suffix (longest first), repeated: a name is
    stripped in two regex calls instead of a loop over a few hundred words."""
    affixes = load_affixes()
    prefix = "|".join(re.escape(w) for w in affixes.prefixes)
    suffix = "|".join(re.escape(w) for w in affixes.suffixes)
    return re.compile(f"^(?:{prefix})+"), re.compile(f"(?:{suffix})+$")


def _strip_ends(text: str, affixes: Affixes) -> str:
    prefix, suffix = _end_patterns()
    for _ in range(3):
        before = text
        text = suffix.sub("", prefix.sub("", text))
        if text == before:
            break
    return text


def _only_generic(text: str, generic: frozenset[str]) -> bool:
    """True when the text is made of generic words only (技术研究, 工程技术 …)."""
    return not text or _generic_pattern(generic).fullmatch(text) is not None


@lru_cache(maxsize=2)
def _generic_pattern(generic: frozenset[str]) -> re.Pattern[str]:
    return re.compile("(?:" + "|".join(re.escape(w) for w in sorted(generic, key=len, reverse=True)) + ")+")


@lru_cache(maxsize=200_000)
def _spelling_forms(spelling: str) -> tuple[str, ...]:
    """How an institution's name can appear inside a platform name (normalised, and as written)."""
    # the full name without its bracketed short name too (南宁柳辰汽车零部件股份有限公司（柳辰汽车）is
    # written without the bracket inside 南宁柳辰汽车零部件股份有限公司技术中心), so the whole host name
    # is removed before its short name could leave the rest (零部件) as a false core
    forms = {NON_TEXT.sub("", normalize_name(spelling, strip_short_name=False)),
             NON_TEXT.sub("", normalize_name(spelling, strip_short_name=True)),
             NON_TEXT.sub("", to_halfwidth(clean_text(spelling)).lower())}
    return tuple(f for f in forms if len(f) >= MIN_SPELLING)


def name_core(name: str, institution_spellings: Iterable[str] = ()) -> str:
    """The core of ``name``: affixes stripped at both ends, hosts, regions and joining words removed.

    Returns ``""`` when nothing specific is left (a host-named 企业技术中心, a name made of generic
    words): such a name gives no name evidence either way.
    """
    affixes = load_affixes()
    text = NON_TEXT.sub("", normalize_name(name, strip_short_name=False))
    forms = sorted({f for s in institution_spellings if s for f in _spelling_forms(s)}, key=len, reverse=True)
    for spelling in forms:
        if spelling != text and spelling in text:
            text = text.replace(spelling, "")
    for end in affixes.company_name_ends:  # a company's name inside the platform's: up to its legal form
        cut = text.rfind(end)
        if cut >= 0:
            text = text[cut + len(end):]
    text = _strip_ends(text, affixes)
    for word in affixes.anywhere:
        if len(text) > len(word):
            text = text.replace(word, "")
    for word in affixes.connectors:
        text = text.replace(word, "")
    text = _strip_ends(text, affixes)
    return "" if len(text) < MIN_CORE or _only_generic(text, affixes.generic) else text


def only_generic(text: str) -> bool:
    """Is ``text`` made of the affix file's generic words only (技术研究, 工程技术)?"""
    return _only_generic(text, load_affixes().generic)


def named_after(name: str, spellings: Iterable[str]) -> bool:
    """Does ``name`` contain one of the institution's spellings (南宁柳辰汽车零部件股份有限公司技术中心)?
    Only such a name says its platform works on the host's business; a maker space with a brand
    name (南宁市和美众创空间) at the same company does not."""
    text = NON_TEXT.sub("", normalize_name(name, strip_short_name=False))
    return any(form in text for s in spellings if s for form in _spelling_forms(s))


def bigrams(text: str) -> list[str]:
    """Character bigrams of a core (a one-character core is its own token)."""
    if len(text) == 1:
        return [text]
    return [text[i : i + 2] for i in range(len(text) - 1)]
