"""Data-quality flags: the codes ingest writes on a node that loaded incomplete, with their labels.

Why one table: ingest writes the codes (``Platform.quality_flags`` / ``Institution.quality_flags``,
and ``Institution.kind_inferred``), while the quality list, the API, the explorer and the report
appendix show them; keeping the zh/en labels here means all of them say the same thing.
A flagged row is *in the graph* (counted for coverage and the plan); the flag says what a planner
should complete, so nothing a real list omits makes a platform vanish.
"""

from __future__ import annotations

# code -> (label zh, label en, what to do zh, what to do en)
FLAGS: dict[str, tuple[str, str, str, str]] = {
    "host_missing": ("依托单位缺失", "host missing",
                     "在平台表中补填依托单位后重新导入", "fill in the host in the platforms file and ingest again"),
    "host_unresolved": ("依托单位无法识别", "host not recognised",
                        "名称与已有单位相近或有歧义，未自动关联；见歧义报告，在单位表中添加别名或信用代码",
                        "close to or shared by known institutions, so not linked; see the ambiguity report and "
                        "declare the alias or credit code in the institutions file"),
    "co_builder_unresolved": ("共建单位无法识别", "co-builder not recognised",
                              "见歧义报告，在单位表中添加别名或信用代码",
                              "see the ambiguity report; declare the alias or credit code"),
    "city_unknown": ("所在市无法识别", "city not recognised",
                     "填写广西 14 个地级市之一", "write one of Guangxi's 14 prefecture cities"),
    "kind_inferred": ("单位类型按名称推断", "institution kind inferred from its name",
                      "导入单位表（名称或别名与之相同）以核实单位类型、产学研用和所在市",
                      "ingest an institutions file (same name or alias) to confirm kind, sector and city"),
}

PLATFORM_FLAGS = ("host_missing", "host_unresolved", "co_builder_unresolved", "city_unknown")
INSTITUTION_FLAGS = ("city_unknown", "kind_inferred")


def flag_label(code: str, lang: str = "zh") -> str:
    zh, en, _hz, _he = FLAGS.get(code, (code, code, "", ""))
    return en if lang == "en" else zh
