"""What every section needs: the language, label lookups, and whether to draw charts.

``charts=False`` builds the same report without figures: the benchmark's baseline, and a quick
text-only report on a machine without a CJK font is *not* offered that way — a missing font is an
error, because the real report must have its charts.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from graph.i18n import Lang, tr
from viz.report.labels import Labels
from viz.report.model import Paragraph
from viz.report.scope import Scope


@dataclass
class ReportContext:
    """What every report section needs: language, scope, labels, whether to draw charts."""

    lang: Lang
    scope: Scope
    labels: Labels
    charts: bool = True
    figure_no: int = 0
    table_no: int = 0

    def t(self, zh: str, en: str, **fmt: Any) -> str:
        return tr(zh, en, self.lang, **fmt)

    def whole_region_note(self, what_zh: str, what_en: str) -> Paragraph | None:
        """A note for a section whose query has no industry/city filter, when the report is scoped."""
        if self.scope.is_whole:
            return None
        return Paragraph(self.t("注：{w}按全区统计，不受本报告的产业/城市范围限制。",
                                "Note: {w} covers the whole region; the report's industry/city scope does not "
                                "apply to it.", w=what_zh if self.lang == "zh" else what_en), note=True)

    def next_figure(self, caption: str) -> str:
        self.figure_no += 1
        return self.t("图 {n}  {c}", "Figure {n}. {c}", n=self.figure_no, c=caption)

    def next_table(self, caption: str) -> str:
        self.table_no += 1
        return self.t("表 {n}  {c}", "Table {n}. {c}", n=self.table_no, c=caption)


def plain(value: Any, lang: Lang = "zh") -> str | int | float | None:
    """A table cell from an arbitrary query value: names of referenced nodes, lists joined."""
    sep = "; " if lang == "en" else "；"
    if isinstance(value, bool):
        return tr("是", "yes", lang) if value else tr("否", "no", lang)
    if value is None or isinstance(value, int | float | str):
        return value
    if isinstance(value, dict):
        if "name" in value:
            return str(value["name"])
        return sep.join(f"{k}: {plain(v, lang)}" for k, v in value.items())
    if isinstance(value, list | tuple | set):
        return sep.join(str(plain(v, lang)) for v in value)
    return str(value)


def localised(item: dict[str, Any], key: str, lang: str) -> Any:
    """``item[key]``, or its ``key_zh`` / ``key_en`` variant for the language."""
    if key in item:
        return item[key]
    return item.get(f"{key}_{'en' if lang == 'en' else 'zh'}")


# An analysis run key (A20261201T002251780987-6f47a3) and an overlap group key (the run key plus
# ":12"), with the word that introduces them in reasons the analyses write.
INTERNAL_ID = re.compile(r"\s*(?:分析批次|analysis run)?\s*\bA\d{8}T\d{6,}-[0-9a-f]+(?::\d+)?")


def without_ids(text: str) -> str:
    """Text without analysis-run and overlap-group keys: "重叠组 A2026…:12 建议合并" → "重叠组建议合并".
    A reader identifies a group by its platforms; the run is named once, in the method section."""
    return INTERNAL_ID.sub("", text)


def scrub_ids(blocks: list[Any]) -> list[Any]:
    """The same blocks with internal keys removed from paragraphs and table cells."""
    from viz.report.model import Paragraph, Table

    for block in blocks:
        if isinstance(block, Paragraph):
            block.text = without_ids(block.text)
        elif isinstance(block, Table):
            block.rows = [[without_ids(c) if isinstance(c, str) else c for c in row] for row in block.rows]
    return blocks
