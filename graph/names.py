"""Name normalisation for Chinese institution and platform names.

Spreadsheets spell one institution many ways: full-width vs half-width characters, （） vs (),
stray spaces, 有限公司 vs 有限责任公司, a trailing short name in brackets (“（柳工）”). Entity
resolution compares names only after :func:`normalize_name`, so these variants collapse to one key
while genuinely different names stay different.
"""

from __future__ import annotations

import re
import unicodedata

_SPACES = re.compile(r"\s+")
_TRAILING_BRACKET = re.compile(r"\(([^()]{1,12})\)$")
# Longest first so 股份有限公司 is not read as …股份 + 有限公司.
_COMPANY_SUFFIXES = ("股份有限公司", "有限责任公司", "有限公司", "集团公司")
_CANONICAL_SUFFIX = "有限公司"


def to_halfwidth(text: str) -> str:
    """NFKC folds full-width Latin letters, digits and brackets to their half-width forms."""
    return unicodedata.normalize("NFKC", text)


def clean_text(value: object) -> str:
    """A cell as trimmed text with collapsed inner whitespace ('' for None)."""
    if value is None:
        return ""
    return _SPACES.sub(" ", str(value)).strip()


def normalize_name(name: str, *, strip_short_name: bool = True) -> str:
    """The comparison form of a name: half-width, no spaces, unified brackets and company suffix.

    ``strip_short_name`` drops a trailing bracketed short name (广西柳工机械股份有限公司（柳工） →
    广西柳工机械股份有限公司); the short name itself is kept by callers as an alias.
    """
    text = to_halfwidth(clean_text(name))
    text = text.replace("【", "(").replace("】", ")").replace("[", "(").replace("]", ")")
    text = _SPACES.sub("", text)
    if strip_short_name:
        match = _TRAILING_BRACKET.search(text)
        if match and match.start() > 0:
            text = text[: match.start()]
    for suffix in _COMPANY_SUFFIXES:
        if text.endswith(suffix):
            text = text[: -len(suffix)] + ("股份" if suffix == "股份有限公司" else "") + _CANONICAL_SUFFIX
            break
    return text.lower()


def trailing_short_name(name: str) -> str | None:
    """The bracketed short name at the end of a name, e.g. '柳工' in '…公司（柳工）', if any."""
    text = _SPACES.sub("", to_halfwidth(clean_text(name)))
    match = _TRAILING_BRACKET.search(text)
    if match and match.start() > 0:
        return match.group(1)
    return None


_MULTI_SPLIT = re.compile(r"[;；、,，|\n]+")


def split_multi(value: object) -> list[str]:
    """Split a multi-valued cell on ; ； 、 , ， | or newlines; drop empties, keep order, dedupe."""
    if value is None:
        return []
    if isinstance(value, list | tuple):
        items = [clean_text(v) for v in value]
    else:
        items = [clean_text(part) for part in _MULTI_SPLIT.split(str(value))]
    seen: dict[str, None] = {}
    for item in items:
        if item and item not in seen:
            seen[item] = None
    return list(seen)
