"""Unified social credit code (统一社会信用代码) validation per GB 32100-2015.

18 characters from a 31-symbol alphabet (digits and capitals without I, O, Z, S, V); the last one
is a check character computed from the first 17 with fixed weights, modulo 31. A valid code is the
most reliable institution key there is, so ingest prefers it over names.
"""

from __future__ import annotations

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_VALUE = {ch: i for i, ch in enumerate(ALPHABET)}
WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)


def check_character(first17: str) -> str:
    """The GB 32100-2015 check character for the first 17 characters of a code."""
    total = sum(_VALUE[ch] * w for ch, w in zip(first17, WEIGHTS, strict=True))
    return ALPHABET[(31 - total % 31) % 31]


def normalize_credit_code(code: str) -> str:
    """Upper-case, half-width, without spaces: the form that is validated and stored."""
    import unicodedata

    return unicodedata.normalize("NFKC", code or "").replace(" ", "").upper()


def is_valid_credit_code(code: str) -> bool:
    """True when ``code`` is 18 characters of the alphabet with a correct check character."""
    code = normalize_credit_code(code)
    if len(code) != 18 or any(ch not in _VALUE for ch in code):
        return False
    return check_character(code[:17]) == code[17]


def make_credit_code(first17: str) -> str:
    """Append the check character: used by the sample generator to make valid codes."""
    return first17 + check_character(first17)
