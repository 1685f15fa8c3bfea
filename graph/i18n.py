"""Bilingual text: zh-CN is the default, English on request.

Messages are written where they are used as ``tr("中文", "English")`` so that the two versions are
reviewed together and can never drift apart in separate catalogue files.
"""

from __future__ import annotations

from contextvars import ContextVar
from typing import Literal

Lang = Literal["zh", "en"]

_current: ContextVar[Lang | None] = ContextVar("platgraph_lang", default=None)


def set_lang(lang: Lang | None) -> None:
    """Pin the language for this context (a CLI invocation, an API request)."""
    _current.set(lang)


def current_lang() -> Lang:
    lang = _current.get()
    if lang is not None:
        return lang
    from graph.settings import get_settings

    return get_settings().platgraph_lang


def as_lang(value: str | None) -> Lang:
    """A language code from outside (a CLI option, a workbook's metadata) as :data:`Lang`; None is
    the current language. Callers check user input first (with their own message): anything but
    ``zh``/``en`` here is a programming error."""
    if value is None:
        return current_lang()
    if value == "en":
        return "en"
    if value == "zh":
        return "zh"
    raise ValueError(f"unknown language: {value!r}")


def tr(zh: str, en: str, lang: Lang | None = None, **fmt: object) -> str:
    """Pick the text for ``lang`` (or the current language) and format it with ``fmt``."""
    text = en if (lang or current_lang()) == "en" else zh
    return text.format(**fmt) if fmt else text


def both(zh: str, en: str, **fmt: object) -> str:
    """Both languages in one string, for files a mixed audience reads (rejects, logs)."""
    return f"{zh.format(**fmt) if fmt else zh} / {en.format(**fmt) if fmt else en}"
