"""The input templates (docs/data-templates.md): table names and column headers in English and Chinese.

Why one module: the readers (header mapping), the validators (required columns), the blank
templates and ``docs/data-templates.md`` all describe the same contract; keeping it in one table
means a column added here appears everywhere at once.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass


@dataclass(frozen=True)
class Column:
    key: str  # canonical English header
    zh: str  # Chinese header
    required: bool = False
    help_zh: str = ""
    help_en: str = ""
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True)
class TableSpec:
    key: str  # canonical English table name (file stem / sheet name)
    zh: str
    columns: tuple[Column, ...]
    aliases: tuple[str, ...] = ()

    @property
    def required(self) -> tuple[Column, ...]:
        return tuple(c for c in self.columns if c.required)

    def column(self, key: str) -> Column:
        for col in self.columns:
            if col.key == key:
                return col
        raise KeyError(key)


C = Column
MULTI_ZH = "多个值用 ; ；或 、 分隔"
MULTI_EN = "several values separated by ; ； or 、"

TABLES: tuple[TableSpec, ...] = (
    TableSpec("institutions", "单位", (
        C("name", "单位名称", True, "单位全称", "full name"),
        C("kind", "单位类型", False, "企业/高校/科研院所/医院/政府部门/其他",
          "enterprise/university/institute/hospital/government/other"),
        C("sector", "产学研用", False, "产/学/研/用（覆盖按单位类型推定的值）",
          "industry/academia/research/user (overrides the default from kind)"),
        C("credit_code", "统一社会信用代码", False, "18 位，含校验位", "18 characters with check digit"),
        C("city", "所在市", False, "广西 14 个地级市之一", "one of Guangxi's 14 cities"),
        C("aliases", "别名", False, "简称、曾用名；" + MULTI_ZH, "short or former names; " + MULTI_EN),
        C("industries", "所属产业", False, "重点产业或产业链环节；" + MULTI_ZH, "key industries or segments; " + MULTI_EN),
        C("id", "编号", False, "可选的唯一编号", "optional unique id"),
    ), aliases=("institution", "organisations", "organizations", "单位表", "单位信息")),
    TableSpec("platforms", "平台", (
        C("name", "平台名称", True, "平台全称", "full name"),
        C("type", "平台类型", True, "见 graph/data/taxonomy.toml", "see graph/data/taxonomy.toml"),
        C("host", "依托单位", True, "单位名称、别名或统一社会信用代码", "institution name, alias or credit code"),
        C("level", "级别", False, "国家级/部级/自治区级/厅级/市级；空则按平台类型",
          "national/ministerial/regional/departmental/municipal; empty: the type's own level"),
        C("co_builders", "共建单位", False, MULTI_ZH, MULTI_EN),
        C("city", "所在市", False, "广西 14 个地级市之一", "one of Guangxi's 14 cities"),
        C("established", "认定年份", False, "四位年份", "four-digit year"),
        C("status", "状态", False, "运行/建设中/撤销/整合", "active/building/revoked/merged"),
        C("fields", "研究方向", False, MULTI_ZH, MULTI_EN),
        C("industries", "服务产业", False, MULTI_ZH, MULTI_EN),
        C("director", "负责人", False, "姓名", "name"),
        C("evaluation", "评估结果", False, "最新评估结果：优秀/良好/合格/整改/整改通过/整改不通过/不合格（历次评估填评估记录表）",
          "latest result: excellent/good/pass/rectify/rectified/rectification_failed/fail (history: the "
          "evaluations table)"),
        C("department", "主管部门", False, "", ""),
        C("id", "编号", False, "唯一编号（推荐填写）", "unique id (recommended)"),
    ), aliases=("platform", "平台表", "平台信息", "平台清单")),
    TableSpec("researchers", "人才", (
        C("name", "姓名", True, "", ""),
        C("institution", "工作单位", True, "单位名称、别名或统一社会信用代码", "institution name, alias or credit code"),
        C("title", "职称", False, "", ""),
        C("fields", "研究领域", False, MULTI_ZH, MULTI_EN),
        C("talent_programs", "人才计划", False, MULTI_ZH, MULTI_EN),
        C("id", "编号", False, "唯一编号（推荐填写）", "unique id (recommended)"),
    ), aliases=("researcher", "people", "talent", "人员", "人才表")),
    TableSpec("memberships", "平台人员", (
        C("platform", "平台", True, "平台编号或名称", "platform id or name"),
        C("researcher", "人员", True, "人员编号或姓名", "researcher id or name"),
        C("institution", "工作单位", False, "姓名重名时用于区分", "tells namesakes apart"),
        C("role", "角色", False, "负责人/首席科学家/学术委员会/核心成员",
          "director/chief_scientist/academic_committee/core_member"),
    ), aliases=("membership", "members", "平台成员")),
    TableSpec("industries", "产业", (
        C("name", "产业名称", True, "", ""),
        C("parent", "上级产业", False, "产业链环节所属的产业", "the industry a chain segment belongs to"),
        C("key", "重点产业", False, "是/否", "yes/no"),
        C("priority", "优先级", False, "1 最高", "1 is highest"),
        C("cities", "布局城市", False, MULTI_ZH, MULTI_EN),
    ), aliases=("industry", "产业表")),
    TableSpec("collaborations", "合作", (
        C("a", "单位甲", True, "单位名称、别名或统一社会信用代码", "institution name, alias or credit code"),
        C("b", "单位乙", True, "单位名称、别名或统一社会信用代码", "institution name, alias or credit code"),
        C("kind", "合作类型", True, "合作项目/联合专利/合著论文/技术合同/产业联盟",
          "project/patent/paper/contract/alliance"),
        C("year", "年份", False, "四位年份", "four-digit year"),
        C("count", "次数", False, "正整数，默认 1", "positive integer, default 1"),
        C("industry", "产业", False, "", ""),
    ), aliases=("collaboration", "合作关系", "产学研合作")),
    TableSpec("targets", "建设目标", (
        C("type", "平台类型", False, "平台类型、类别、级别至少填一项；只填类别或级别即按类别/级别统计",
          "give a platform type, a category or a level (at least one); a category or level alone counts "
          "every type in it"),
        C("category", "类别", False, "科学与工程研究/技术创新与成果转化/基础支撑与条件保障",
          "science_engineering/innovation_transfer/basic_support"),
        C("level", "级别", False, "", ""),
        C("year", "年份", False, "目标年份", "target year"),
        C("new", "新建数量", False, "", ""),
        C("integrated_or_revoked", "优化整合或撤销淘汰数量", False, "", ""),
        C("total", "总保有量", False, "", ""),
    ), aliases=("target", "目标")),
    TableSpec("evaluations", "评估记录", (
        C("platform", "平台", True, "平台编号或名称", "platform id or name", aliases=("平台名称", "平台编号")),
        C("year", "评估年份", True, "四位年份", "four-digit year", aliases=("年份",)),
        C("result", "评估结果", True, "优秀/良好/合格/整改/整改通过/整改不通过/不合格",
          "excellent/good/pass/rectify/rectified/rectification_failed/fail"),
        C("note", "备注", False, "如评估批次、文号、来源", "e.g. the evaluation round, notice number or source",
          aliases=("来源", "source", "文号")),
    ), aliases=("evaluation", "评估", "评估结果表", "评估记录表")),
)

TABLES_BY_KEY = {t.key: t for t in TABLES}
# Loading order: what a table references must be known before it (institutions before platforms …).
TABLE_ORDER = ("industries", "institutions", "platforms", "researchers", "memberships", "collaborations", "targets",
               "evaluations")

_HEADER_JUNK = re.compile(r"[\s*＊_\-]+")
_HEADER_SPLIT = re.compile(r"[\s/|()（）\[\]【】:：]+")


def _norm(text: str) -> str:
    return _HEADER_JUNK.sub("", unicodedata.normalize("NFKC", str(text))).lower()


def table_for_name(name: str) -> TableSpec | None:
    """The table a file stem or sheet name stands for, in English or Chinese ('平台', 'Platforms')."""
    norm = _norm(name)
    for table in TABLES:
        if norm in {_norm(s) for s in (table.key, table.zh, *table.aliases)}:
            return table
    return None


def map_headers(table: TableSpec, headers: list[str]) -> tuple[dict[str, int], list[str]]:
    """Map the headers as written to canonical column keys.

    Returns ``({column key: position}, [headers not recognised])``. A header may be English,
    Chinese, or both ('平台名称 name', '平台名称（name）'); a leading '*' marks required columns in
    the templates and is ignored. When a column appears twice, the first one wins and the second is
    reported as not recognised.
    """
    index: dict[str, str] = {}
    for col in table.columns:
        for spelling in (col.key, col.zh, *col.aliases):
            index.setdefault(_norm(spelling), col.key)
    mapping: dict[str, int] = {}
    unknown: list[str] = []
    for pos, header in enumerate(headers):
        text = "" if header is None else str(header)
        key = index.get(_norm(text))
        if key is None:
            for token in _HEADER_SPLIT.split(unicodedata.normalize("NFKC", text)):
                key = index.get(_norm(token)) if token else None
                if key is not None:
                    break
        if key is None or key in mapping:
            if text.strip():
                unknown.append(text)
            continue
        mapping[key] = pos
    return mapping, unknown
