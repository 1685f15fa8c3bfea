"""Row validation with pydantic: one model per template, cells in, clean values out.

Why pydantic: the rules (required, enumerations with their Chinese aliases, years, credit-code
check digit, lengths) are declared next to the fields, and a failing row yields every bad column at
once, each with a reason in Chinese and English for the rejects file. Checks that need the rest of
the dataset or the graph (does the host institution exist?) happen later, in :mod:`ingest.resolve`.
"""

from __future__ import annotations

import re
from datetime import date
from functools import cache, lru_cache
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, ValidationError, model_validator
from pydantic_core import PydanticCustomError

from graph.credit_code import is_valid_credit_code, normalize_credit_code
from graph.names import normalize_name, split_multi
from graph.reference import KIND_SECTOR, load_taxonomy, resolve_city, resolve_level, suggest_levels
from graph.textsafe import first_control
from ingest.validate_fast import CompiledTable, compile_table

MAX_NAME = 200
MAX_TEXT = 2000
MIN_YEAR, MAX_YEAR = 1900, date.today().year + 30


def clean_text(value: object) -> str:
    """``graph.names.clean_text`` (trim, collapse inner whitespace) via str.split: same result, C speed."""
    if not value:
        return ""
    return " ".join(str(value).split())


@lru_cache(maxsize=100_000)
def norm(text: str) -> str:
    """Memoised :func:`graph.names.normalize_name`: the same names recur across files."""
    return normalize_name(text)


def fail(zh: str, en: str) -> PydanticCustomError:
    """A validation error carrying both languages (read back by :func:`validate_row`)."""
    return PydanticCustomError("platgraph", "{en}", {"zh": zh, "en": en})


def _no_controls(text: str) -> str:
    """Reject a value carrying a control character (graph.textsafe), naming which one."""
    found = first_control(text) if text else None
    if found:
        raise fail(f"含控制字符 {found}（不可见字符，会损坏报告），请删除后重新导入",
                   f"contains the control character {found} (invisible, breaks reports); remove it and re-ingest")
    return text


# ---------------------------------------------------------------------- field types
def _text(limit: int) -> Any:
    def check(value: object) -> str | None:
        text = _no_controls(clean_text(value))
        if len(text) > limit:
            raise fail(f"内容过长（{len(text)} 字符，上限 {limit}）", f"too long ({len(text)} characters, limit {limit})")
        return text or None

    return BeforeValidator(check)


def _required(limit: int) -> Any:
    def check(value: object) -> str:
        text = _no_controls(clean_text(value))
        if not text:
            raise fail("必填项为空", "required value is empty")
        if len(text) > limit:
            raise fail(f"内容过长（{len(text)} 字符，上限 {limit}）", f"too long ({len(text)} characters, limit {limit})")
        return text

    return BeforeValidator(check)


def _multi(value: object) -> list[str]:
    if not value:
        return []
    text = _no_controls(clean_text(value))
    if len(text) > MAX_TEXT:
        raise fail(f"内容过长（{len(text)} 字符，上限 {MAX_TEXT}）", f"too long ({len(text)} characters, limit {MAX_TEXT})")
    items = split_multi(text)
    for item in items:
        if len(item) > MAX_NAME:
            raise fail(f"某一项过长（上限 {MAX_NAME} 字符）", f"an item is too long (limit {MAX_NAME} characters)")
    return items


_INT = re.compile(r"^[+]?\d+$")


def _int_value(value: object, low: int, high: int, zh: str, en: str) -> int | None:
    text = norm(clean_text(value)) if value else ""
    if not text:
        return None
    text = text.removesuffix("年").removesuffix(".0")
    if not _INT.match(text) or not (low <= int(text) <= high):
        raise fail(zh, en)
    return int(text)


def _year(value: object) -> int | None:
    return _int_value(value, MIN_YEAR, MAX_YEAR, f"年份应为 {MIN_YEAR}–{MAX_YEAR} 之间的四位整数",
                      f"year must be a four-digit integer between {MIN_YEAR} and {MAX_YEAR}")


def _required_year(value: object) -> int:
    year = _year(value)
    if year is None:
        raise fail("必填项为空（评估年份）", "required value is empty (year of the evaluation)")
    return year


def _count(value: object) -> int | None:
    return _int_value(value, 0, 10**9, "应为非负整数", "must be a non-negative integer")


_BRACKETED_NOTE = re.compile(r"\s*[(（][^()（）]*[)）]\s*$")


def _enum(choices: dict[str, str], zh: str, en: str, *, bracketed_note: bool = False) -> Any:
    index = {normalize_name(k): v for k, v in choices.items()}

    def check(value: object) -> str | None:
        text = clean_text(value)
        if not text:
            return None
        # a trailing bracketed note ('优秀(A级)', '整改（2021年）') qualifies the value; the value is before it
        found = choices.get(text) or index.get(norm(text))
        if found is None and bracketed_note:
            found = index.get(norm(_BRACKETED_NOTE.sub("", text)))
        if found is None:
            raise fail(zh, en)
        return found

    return BeforeValidator(check)


@lru_cache(maxsize=256)
def cached_city(raw: str) -> str | None:
    return resolve_city(raw)


def _city(value: object) -> str | None:
    text = clean_text(value)
    if not text:
        return None
    city = cached_city(text)
    if city is None:
        raise fail("不是广西 14 个地级市之一", "not one of Guangxi's 14 prefecture cities")
    return city


def _credit_code(value: object) -> str | None:
    text = clean_text(value)
    if not text:
        return None
    code = normalize_credit_code(text)
    if not is_valid_credit_code(code):
        raise fail("统一社会信用代码无效（长度、字符或校验位不符合 GB 32100-2015）",
                   "invalid unified social credit code (length, characters or check digit, GB 32100-2015)")
    return code


KINDS = {
    "enterprise": "enterprise", "企业": "enterprise", "公司": "enterprise", "company": "enterprise",
    "university": "university", "高校": "university", "大学": "university", "高等院校": "university",
    "college": "university", "institute": "institute", "科研院所": "institute", "研究院所": "institute",
    "科研机构": "institute", "research institute": "institute", "hospital": "hospital", "医院": "hospital",
    "医疗机构": "hospital", "government": "government", "政府部门": "government", "政府": "government",
    "政府机构": "government", "事业单位": "government", "other": "other", "其他": "other",
}
SECTORS = {
    "industry": "industry", "产": "industry", "企业": "industry", "academia": "academia", "学": "academia",
    "高校": "academia", "research": "research", "研": "research", "科研": "research", "user": "user",
    "用": "user", "用户": "user",
}
STATUSES = {
    "active": "active", "运行": "active", "运行中": "active", "正常运行": "active", "在建": "building",
    "building": "building", "建设中": "building", "筹建": "building", "revoked": "revoked", "撤销": "revoked",
    "已撤销": "revoked", "摘牌": "revoked", "merged": "merged", "整合": "merged", "已整合": "merged",
}
EVALUATIONS = {
    "优秀": "优秀", "excellent": "优秀", "良好": "良好", "good": "良好", "合格": "合格", "pass": "合格",
    "通过": "合格", "整改": "整改", "rectify": "整改", "限期整改": "整改", "不合格": "不合格", "fail": "不合格",
    "不通过": "不合格", "整改通过": "整改通过", "rectified": "整改通过", "整改合格": "整改通过",
    "整改不通过": "整改不通过", "rectification_failed": "整改不通过", "rectification failed": "整改不通过",
    "整改不合格": "整改不通过", "取消资格": "整改不通过",
    # an evaluation that ended the recognition (e.g. 企业技术中心评价: 撤销) counts as a failing grade
    "撤销": "不合格", "淘汰": "不合格",
}
EVALUATION_CHOICES_ZH = "优秀/良好/合格/整改/整改通过/整改不通过/不合格"
CATEGORIES = {
    "science_engineering": "science_engineering", "科学与工程研究": "science_engineering", "科学与工程": "science_engineering",
    "innovation_transfer": "innovation_transfer", "技术创新与成果转化": "innovation_transfer",
    "技术创新": "innovation_transfer", "basic_support": "basic_support", "基础支撑与条件保障": "basic_support",
    "基础支撑": "basic_support",
}
ROLES = {
    "director": "director", "负责人": "director", "主任": "director", "平台负责人": "director",
    "chief_scientist": "chief_scientist", "chief scientist": "chief_scientist", "首席科学家": "chief_scientist",
    "academic_committee": "academic_committee", "academic committee": "academic_committee",
    "学术委员会": "academic_committee", "学术委员": "academic_committee", "学术委员会委员": "academic_committee",
    "core_member": "core_member", "core member": "core_member", "核心成员": "core_member",
    "骨干": "core_member", "成员": "core_member", "member": "core_member",
}
COLLAB_KINDS = {
    "project": "project", "合作项目": "project", "项目": "project", "联合项目": "project",
    "patent": "patent", "联合专利": "patent", "专利": "patent", "paper": "paper", "合著论文": "paper",
    "论文": "paper", "contract": "contract", "技术合同": "contract", "合同": "contract",
    "alliance": "alliance", "产业联盟": "alliance", "联盟": "alliance",
}
YES_NO = {"是": "yes", "否": "no", "yes": "yes", "no": "no", "y": "yes", "n": "no", "true": "yes",
          "false": "no", "1": "yes", "0": "no", "重点": "yes"}

Name = Annotated[str, _required(MAX_NAME)]
OptName = Annotated[str | None, _text(MAX_NAME)]
OptText = Annotated[str | None, _text(MAX_TEXT)]
Multi = Annotated[list[str], BeforeValidator(_multi)]
Year = Annotated[int | None, BeforeValidator(_year)]
Count = Annotated[int | None, BeforeValidator(_count)]
City = Annotated[str | None, BeforeValidator(_city)]
CreditCode = Annotated[str | None, BeforeValidator(_credit_code)]


# Name rules for an institution's kind, first match wins: (kind, pattern). A hospital is checked
# before a university (广西医科大学第一附属医院 is a hospital), an institute before a company
# (a 转制院所 such as …研究院有限公司 is still a research institute); 学院 inside 科学院 (广西农业科学院,
# 中国科学院…研究所) is not a college.
KIND_RULES: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("hospital", re.compile("医院|卫生院")),
    ("university", re.compile("职业技术学院|大学|(?<!科)学院|学校|高等专科")),
    ("institute", re.compile("研究院|研究所|科学院|研究中心|设计院")),
    ("enterprise", re.compile("公司|集团|股份|厂|企业|合作社")),
    ("government", re.compile("厅|局|委员会|人民政府|办公室")),
)


def infer_kind_rule(name: str) -> tuple[str, str]:
    """``(kind, the word that decided it)`` from an institution's name; ``('other', '')`` if none.

    Why keep the word: an institution created from a platform list shows *why* it is, say, a
    university (``inferred_from``), so a planner can judge the guess.
    """
    for kind, pattern in KIND_RULES:
        found = pattern.search(name)
        if found:
            return kind, found.group(0)
    return "other", ""


def infer_kind(name: str) -> str:
    """The institution kind from its name when the kind column is empty (大学 → university …)."""
    return infer_kind_rule(name)[0]


def _lenient_city(value: object) -> str | None:
    """The text of a city cell; resolved by the row model, which keeps an unknown city as written."""
    text = clean_text(value)
    if len(text) > MAX_NAME:
        raise fail(f"内容过长（{len(text)} 字符，上限 {MAX_NAME}）", f"too long ({len(text)} characters, limit {MAX_NAME})")
    return text or None


LenientCity = Annotated[str | None, BeforeValidator(_lenient_city)]


def split_city(text: str | None) -> tuple[str | None, str | None]:
    """``(city key, None)`` for a known city, ``(None, text as written)`` for an unknown one: an unknown
    city does not reject the row (it is flagged ``city_unknown``)."""
    if not text:
        return None, None
    city = cached_city(text)
    return (city, None) if city else (None, text)


def _cities(value: object) -> list[str]:
    resolved = []
    for raw in _multi(value):
        city = cached_city(raw)
        if city is None:
            raise fail(f"“{raw}”不是广西 14 个地级市之一", f"'{raw}' is not one of Guangxi's 14 cities")
        resolved.append(city)
    return resolved


class Row(BaseModel):
    model_config = ConfigDict(extra="ignore", str_strip_whitespace=False)


class InstitutionRow(Row):
    name: Name
    kind: Annotated[str | None, _enum(KINDS, "单位类型应为 企业/高校/科研院所/医院/政府部门/其他",
                                      "kind must be enterprise/university/institute/hospital/government/other")] = None
    sector: Annotated[str | None, _enum(SECTORS, "产学研用应为 产/学/研/用", "sector must be 产/学/研/用 "
                                        "(industry/academia/research/user)")] = None
    credit_code: CreditCode = None
    city: LenientCity = None
    city_written: str | None = None  # set by the model: an unknown city as written
    aliases: Multi = []
    industries: Multi = []
    id: OptName = None
    kind_inferred: bool = False  # set by the model: the kind column was empty, the name decided
    inferred_from: str | None = None

    @model_validator(mode="after")
    def _defaults(self) -> InstitutionRow:
        institution_defaults(self.__dict__)
        return self


def institution_defaults(values: dict[str, Any]) -> None:
    """An institution row's derived values (kind from the name, sector from the kind, city split),
    on the model's field dict: the model and the fast path (:mod:`ingest.validate_fast`) share it."""
    if not values["kind"]:
        values["kind"], rule = infer_kind_rule(values["name"])
        values["kind_inferred"], values["inferred_from"] = True, rule or None
    values["sector"] = values["sector"] or KIND_SECTOR[values["kind"]]
    values["city"], values["city_written"] = split_city(values["city"])


class PlatformRow(Row):
    """A platform: only its name and type are indispensable. An empty host or an unknown city loads,
    flagged (graph/quality.py), because a real list often lacks them and the platform still exists."""

    name: Name
    type: Name
    host: OptName = None
    level: OptName = None
    co_builders: Multi = []
    city: LenientCity = None
    city_written: str | None = None  # set by the model: an unknown city as written
    established: Year = None
    status: Annotated[str | None, _enum(STATUSES, "状态应为 运行/建设中/撤销/整合",
                                        "status must be active/building/revoked/merged")] = None
    fields: Multi = []
    industries: Multi = []
    director: OptName = None
    evaluation: Annotated[str | None, _enum(EVALUATIONS, f"评估结果应为 {EVALUATION_CHOICES_ZH}",
                                            f"evaluation must be {EVALUATION_CHOICES_ZH}", bracketed_note=True)] = None
    department: OptName = None
    id: OptName = None

    @model_validator(mode="after")
    def _default_status(self) -> PlatformRow:
        platform_defaults(self.__dict__)
        return self


def platform_defaults(values: dict[str, Any]) -> None:
    """A platform row's status default and city split (shared with :mod:`ingest.validate_fast`)."""
    values["status"] = values["status"] or "active"
    values["city"], values["city_written"] = split_city(values["city"])


@lru_cache(maxsize=4096)
def _resolve_type(raw: str, level: str | None) -> tuple[str, str] | None:
    return load_taxonomy().resolve_type(raw, level)


@lru_cache(maxsize=1024)
def _suggest_types(raw: str) -> tuple[str, ...]:
    return tuple(load_taxonomy().suggest_types(raw))


class ResearcherRow(Row):
    name: Name
    institution: Name
    title: OptName = None
    fields: Multi = []
    talent_programs: Multi = []
    id: OptName = None


class MembershipRow(Row):
    platform: Name
    researcher: Name
    institution: OptName = None
    role: Annotated[str | None, _enum(ROLES, "角色应为 负责人/首席科学家/学术委员会/核心成员",
                                      "role must be director/chief_scientist/academic_committee/core_member")] = None

    @model_validator(mode="after")
    def _default_role(self) -> MembershipRow:
        membership_defaults(self.__dict__)
        return self


def membership_defaults(values: dict[str, Any]) -> None:
    values["role"] = values["role"] or "core_member"


class IndustryRow(Row):
    name: Name
    parent: OptName = None
    key: Annotated[str | None, _enum(YES_NO, "重点产业应为 是/否", "key must be 是/否 (yes/no)")] = None
    priority: Annotated[int | None, BeforeValidator(lambda v: _int_value(
        v, 1, 99, "优先级应为 1–99 的整数", "priority must be an integer from 1 to 99"))] = None
    cities: Annotated[list[str], BeforeValidator(lambda v: _cities(v))] = []



class CollaborationRow(Row):
    a: Name
    b: Name
    kind: Annotated[str, _enum(COLLAB_KINDS, "合作类型应为 合作项目/联合专利/合著论文/技术合同/产业联盟",
                               "kind must be project/patent/paper/contract/alliance"), _required(MAX_NAME)]
    year: Year = None
    count: Count = None
    industry: OptName = None


class TargetRow(Row):
    type: OptName = None
    category: Annotated[str | None, _enum(CATEGORIES, "类别应为 科学与工程研究/技术创新与成果转化/基础支撑与条件保障",
                                          "category must be science_engineering/innovation_transfer/basic_support")] = None
    level: OptName = None
    year: Year = None
    new: Count = None
    integrated_or_revoked: Count = None
    total: Count = None

    @model_validator(mode="after")
    def _something_targeted(self) -> TargetRow:
        target_check(self.__dict__)
        return self


def target_check(values: dict[str, Any]) -> None:
    if not (values["type"] or values["category"] or values["level"]):
        raise fail("平台类型、类别、级别至少填一项", "give a platform type, a category or a level")


class EvaluationRow(Row):
    """One evaluation (评估记录): the history the plan reads, so 整改 followed by 整改通过 is not a failure."""

    platform: Name
    year: Annotated[int, BeforeValidator(_required_year)]
    result: Annotated[str, _enum(EVALUATIONS, f"评估结果应为 {EVALUATION_CHOICES_ZH}",
                                 f"result must be {EVALUATION_CHOICES_ZH}", bracketed_note=True), _required(MAX_NAME)]
    note: OptText = None


MODELS: dict[str, type[Row]] = {
    "institutions": InstitutionRow, "platforms": PlatformRow, "researchers": ResearcherRow,
    "memberships": MembershipRow, "industries": IndustryRow, "collaborations": CollaborationRow,
    "targets": TargetRow, "evaluations": EvaluationRow,
}

Problem = tuple[str, str, str]  # (column key or '', reason zh, reason en)


def type_and_level(cells: dict[str, str]) -> tuple[dict[str, Any], list[Problem]]:
    """Resolve the type and level cells together: '工程研究中心' + 国家级 is 国家工程研究中心.

    Returns the derived values (type key, level, category, family) or the problems, per column.
    """
    problems: list[Problem] = []
    raw_level = clean_text(cells.get("level"))
    level = resolve_level(raw_level) if raw_level else None
    if raw_level and level is None:
        near = "、".join(suggest_levels(raw_level))
        problems.append(("level", f"未知的级别；应为 国家级/部级/自治区级/厅级/市级（您是否要写：{near}）",
                         f"unknown level; must be national/ministerial/regional/departmental/municipal "
                         f"(did you mean: {near})"))
    raw_type = clean_text(cells.get("type"))
    if not raw_type or len(raw_type) > MAX_NAME:
        return {}, problems  # the model reports empty / too long
    resolved = _resolve_type(raw_type, level)
    if resolved is None:
        near = "、".join(_suggest_types(raw_type)) or "—"
        problems.append(("type", f"未知的平台类型（您是否要写：{near}；全部类型见 graph/data/taxonomy.toml）",
                         f"unknown platform type (did you mean: {near}; all types in graph/data/taxonomy.toml)"))
        return {}, problems
    taxonomy = load_taxonomy()
    type_key, resolved_level = resolved
    return {"type": type_key, "level": resolved_level, "level_given": level,
            "category": taxonomy.category_of(type_key), "family": taxonomy.family_of(type_key)}, problems


def _level_only(cells: dict[str, str]) -> tuple[dict[str, Any], list[Problem]]:
    """A target without a type: only its level (if any) is resolved."""
    raw_level = clean_text(cells.get("level"))
    level = resolve_level(raw_level) if raw_level else None
    if raw_level and level is None:
        return {}, [("level", "级别应为 国家级/自治区级/市级", "level must be national/regional/municipal")]
    return {"type": None, "level": level, "level_given": level}, []


def validate_row(table: str, cells: dict[str, str]) -> tuple[dict[str, Any] | None, list[Problem]]:
    """Validate one row's cells. Returns (clean values, []) or (None, every problem found)."""
    problems: list[Problem] = []
    derived: dict[str, Any] = {}
    if table == "platforms" or (table == "targets" and clean_text(cells.get("type"))):
        derived, problems = type_and_level(cells)
    elif table == "targets":
        derived, problems = _level_only(cells)
    if not problems:
        fast = _fast_table(table).validate(cells)  # the happy path, without a model per row
        if fast is not None:
            fast.update(derived)
            return fast, []
    try:
        row = MODELS[table].model_validate(cells)
    except ValidationError as exc:
        for err in exc.errors(include_url=False, include_input=False):
            ctx = err.get("ctx") or {}
            column = str(err["loc"][0]) if err["loc"] else ""
            if "zh" in ctx:
                problems.append((column, ctx["zh"], ctx["en"]))
            else:
                problems.append((column, "格式不正确", err["msg"]))
        return None, _dedupe(problems)
    if problems:
        return None, _dedupe(problems)
    values = row.model_dump()
    values.update(derived)
    return values, []


AFTER_RULES: dict[str, Any] = {"institutions": institution_defaults, "platforms": platform_defaults,
                               "memberships": membership_defaults, "targets": target_check}


@cache
def _fast_table(table: str) -> CompiledTable:
    return compile_table(MODELS[table], AFTER_RULES.get(table))


def _dedupe(problems: list[Problem]) -> list[Problem]:
    seen: dict[Problem, None] = {}
    for p in problems:
        seen.setdefault(p, None)
    return list(seen)
