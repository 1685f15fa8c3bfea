"""Find a CJK font for matplotlib at run time, or stop with a message that says what to install.

Why at run time: the report must show Chinese as characters, never as boxes, and matplotlib's
default fonts have no CJK glyphs. The font is a system package (Debian ``fonts-noto-cjk``), so we
look it up where matplotlib can see it, including fonts installed after matplotlib built its cache.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from matplotlib import font_manager

from graph.errors import PlatgraphError
from graph.i18n import both

# Families tried in order; the first one found wins. Simplified-Chinese faces first.
PREFERRED_FAMILIES = (
    "Noto Sans CJK SC",
    "Noto Serif CJK SC",
    "Source Han Sans SC",
    "Source Han Sans CN",
    "Source Han Serif SC",
    "WenQuanYi Zen Hei",
    "WenQuanYi Micro Hei",
    "Noto Sans CJK JP",
    "Noto Sans CJK TC",
    "Noto Serif CJK JP",
)
# File-name fragments of CJK fonts, to register fonts installed after matplotlib's cache was built.
FILE_HINTS = ("notosanscjk", "notoserifcjk", "sourcehan", "wqy", "wenquanyi")

MISSING_FONT_MESSAGE = both(
    "找不到中文字体（需要 Noto Sans CJK SC、WenQuanYi 或 Source Han 之一），图表中的中文会显示为方框。"
    "请安装 Debian 软件包 fonts-noto-cjk：apt-get install -y fonts-noto-cjk",
    "no CJK font found (need one of Noto Sans CJK SC, WenQuanYi, Source Han); Chinese in charts would "
    "show as boxes. Install the Debian package fonts-noto-cjk: apt-get install -y fonts-noto-cjk",
)


class MissingFontError(PlatgraphError):
    """No CJK font is installed: the report cannot render Chinese (exit code 2, a setup problem)."""

    exit_code = 2
    http_status = 503  # the server lacks the font: an operator installs it
    code = "font_missing"


def _known_families() -> set[str]:
    return {entry.name for entry in font_manager.fontManager.ttflist}


def _register_system_cjk_fonts() -> None:
    """Add CJK font files matplotlib's cached font list does not know yet (installed later)."""
    known_files = {entry.fname for entry in font_manager.fontManager.ttflist}
    for path in font_manager.findSystemFonts():
        name = Path(path).name.lower().replace("-", "").replace("_", "")
        if path not in known_files and any(hint in name for hint in FILE_HINTS):
            try:
                font_manager.fontManager.addfont(path)
            except (OSError, RuntimeError, ValueError):  # unreadable font file: skip it
                continue


@lru_cache(maxsize=1)
def cjk_font_family() -> str:
    """The CJK font family matplotlib should use; raises :class:`MissingFontError` when none."""
    for attempt in range(2):
        families = _known_families()
        for family in PREFERRED_FAMILIES:
            if family in families:
                return family
        if attempt == 0:
            _register_system_cjk_fonts()
    raise MissingFontError(MISSING_FONT_MESSAGE)


def configure_matplotlib() -> str:
    """Point matplotlib's sans-serif at the CJK font (and keep minus signs renderable)."""
    import matplotlib

    family = cjk_font_family()
    matplotlib.rcParams["font.family"] = "sans-serif"
    matplotlib.rcParams["font.sans-serif"] = [family, "DejaVu Sans"]
    matplotlib.rcParams["axes.unicode_minus"] = False
    return family
