"""Type and level names as national and Guangxi announcements write them (no database needed).

Why these cases: each string below is one a real list uses (graph/data/taxonomy.toml cites where);
before this they were refused, and a refused type loses the platform.
"""

from __future__ import annotations

import pytest

from graph.reference import (
    LEVEL_NAMES,
    LEVEL_RANK,
    LEVELS,
    load_taxonomy,
    resolve_level,
    suggest_levels,
)
from ingest.models import type_and_level, validate_row

TAX = load_taxonomy()


@pytest.mark.parametrize(("written", "key", "level"), [
    ("企业国家重点实验室", "企业国家重点实验室", "national"),
    ("省部共建国家重点实验室", "省部共建国家重点实验室", "national"),
    ("国家地方联合工程研究中心", "国家地方联合工程研究中心", "national"),
    ("国家地方联合工程研究中心（工程实验室）", "国家地方联合工程研究中心", "national"),
    ("高校工程研究中心", "高校工程研究中心", "departmental"),
    ("广西高校工程研究中心", "高校工程研究中心", "departmental"),
    ("广西高校重点实验室", "高校重点实验室", "departmental"),
    ("科技基础条件平台", "科技基础条件平台", "regional"),
    ("专业技术领域类技术创新中心", "技术创新中心", "regional"),
    ("国际联合研究中心", "国际科技合作基地", "regional"),
    ("国家国际联合研究中心", "国家国际科技合作基地", "national"),
    ("教育部重点实验室", "教育部重点实验室", "ministerial"),
    ("农业农村部重点实验室", "部委重点实验室", "ministerial"),
    ("自治区级重点实验室", "自治区重点实验室", "regional"),
    ("广西野外科学观测研究站", "野外科学观测研究站", "regional"),
    ("广西众创空间", "众创空间", "regional"),
    ("广西科技企业孵化器", "科技企业孵化器", "regional"),
    ("广西国际科技合作基地", "国际科技合作基地", "regional"),
    ("广西壮族自治区重点实验室", "自治区重点实验室", "regional"),
    ("国家级工程研究中心", "国家工程研究中心", "national"),
    ("国家级孵化器", "国家级科技企业孵化器", "national"),
])
def test_type_names_as_written(written: str, key: str, level: str) -> None:
    assert TAX.resolve_type(written) == (key, level)


def test_prefixes_are_generic_not_aliases() -> None:
    """Every regional type resolves behind every region prefix without an alias for that spelling."""
    for ptype in TAX.types.values():
        if ptype.level not in ("regional", "departmental"):
            continue
        for prefix in ("广西", "广西壮族自治区", "自治区", "自治区级", "省级"):
            found = TAX.resolve_type(prefix + ptype.key)
            assert found is not None and found[0] == ptype.key, (prefix, ptype.key, found)
        national = TAX.resolve_type("国家级" + ptype.key)
        assert national is not None and national[1] == "national"


def test_level_column_and_fixed_levels() -> None:
    # a departmental type takes another level from the column; a ministerial one keeps its own
    assert TAX.resolve_type("高校重点实验室", "regional") == ("高校重点实验室", "regional")
    assert TAX.resolve_type("教育部重点实验室", "regional") == ("教育部重点实验室", "ministerial")
    # the national counterpart is still found through the level column
    assert TAX.resolve_type("工程研究中心", "national") == ("国家工程研究中心", "national")


@pytest.mark.parametrize(("written", "level"), [
    ("厅级", "departmental"), ("厅局级", "departmental"), ("部级", "ministerial"), ("部委级", "ministerial"),
    ("省部级", "regional"), ("自治区级", "regional"), ("国家级", "national"), ("市级", "municipal"),
    ("地市级", "municipal"), ("Departmental", "departmental"),
])
def test_level_words(written: str, level: str) -> None:
    assert resolve_level(written) == level


def test_levels_contract() -> None:
    assert LEVELS == ("national", "ministerial", "regional", "departmental", "municipal")
    assert [LEVEL_NAMES[lv][0] for lv in LEVELS] == ["国家级", "部级", "自治区级", "厅级", "市级"]
    assert sorted(LEVELS, key=LEVEL_RANK.__getitem__, reverse=True) == list(LEVELS)
    assert {t.level for t in TAX.types.values()} <= set(LEVELS)


def test_departmental_row_validates() -> None:
    values, problems = validate_row("platforms", {"name": "广西高校某重点实验室", "type": "广西高校重点实验室",
                                                  "level": "厅级", "host": "广西大学"})
    assert problems == [] and values is not None
    assert (values["type"], values["level"]) == ("高校重点实验室", "departmental")


def test_unknown_type_names_the_nearest() -> None:
    derived, problems = type_and_level({"type": "科技企业孵化基地", "level": ""})
    assert derived == {}
    (column, zh, en), = problems
    assert column == "type"
    assert "您是否要写" in zh and "科技企业孵化器" in zh
    assert "did you mean" in en and "科技企业孵化器" in en
    assert TAX.suggest_types("国家重点实验")[0] == "全国重点实验室"


def test_unknown_level_names_the_nearest() -> None:
    _derived, problems = type_and_level({"type": "重点实验室", "level": "厅处级"})
    (column, zh, en), = problems
    assert column == "level" and "您是否要写" in zh and "did you mean" in en
    assert suggest_levels("厅局")[0] == "厅级"
    assert suggest_levels("国家")[0] == "国家级"
    _derived, problems = type_and_level({"type": "重点实验室", "level": "县级"})
    assert problems and problems[0][0] == "level"
