"""The fast row validation (ingest/validate_fast.py) gives exactly what the pydantic models give.

``validate_row`` takes the fast path for rows without problems and asks the model otherwise; these
tests compare the fast path with the model alone, on the generated sample (every table) and on
random cells built from the values the rules know (aliases, bad years, control characters,
multi-valued cells, empty and absent columns), so a rule added to a model and not to the fast path
shows up as a difference.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from ingest import models
from ingest.readers import read_dataset


def model_only(table: str, cells: dict[str, str]) -> tuple[dict[str, Any] | None, list]:
    """What ``validate_row`` returned before the fast path: the model for every row."""
    derived: dict[str, Any] = {}
    problems: list = []
    if table == "platforms" or (table == "targets" and models.clean_text(cells.get("type"))):
        derived, problems = models.type_and_level(cells)
    elif table == "targets":
        derived, problems = models._level_only(cells)
    try:
        row = models.MODELS[table].model_validate(cells)
    except models.ValidationError:
        return None, ["model"]
    if problems:
        return None, problems
    values = row.model_dump()
    values.update(derived)
    return values, []


def test_sample_rows_validate_the_same(sample_dir: Path) -> None:
    dataset = read_dataset(sample_dir)
    fast_rows = 0
    for table_key, table in dataset.tables.items():
        compiled = models._fast_table(table_key)
        for raw in table.rows:
            if raw.error is not None:
                continue
            expected, problems = model_only(table_key, raw.cells)
            got, got_problems = models.validate_row(table_key, raw.cells)
            assert got == expected, (table.source, raw.row)
            assert bool(got_problems) == bool(problems), (table.source, raw.row)
            if compiled.validate(raw.cells) is not None:
                fast_rows += 1
    assert fast_rows > 1000  # the sample's rows went through the fast path, not around it


CELL_VALUES = st.sampled_from([
    "", " ", "广西大学", " 广西  大学 ", "南宁", "南宁市", "柳州", "北京", "2019", "2019年", "2019.0", "1899",
    "3000", "-1", "12", "abc", "高校", "企业", "公司", "其他", "产", "学", "用户", "x", "运行", "在建", "撤销",
    "整改通过", "优秀(A级)", "整改（2021年）", "好", "负责人", "核心成员", "成员", "合作项目", "联合专利", "是",
    "否", "重点", "国家级", "自治区级", "厅级", "部级", "市级", "省级", "重点实验室", "自治区重点实验室",
    "工程研究中心", "技术创新中心", "科学与工程研究", "基础支撑", "91450000198230983X", "91450000198230983Y",
    "人工智能;大数据、新材料", "a;a;b", "广西\x01大学", "x" * 201, "y" * 2001, "铝;糖", "南宁;柳州", "南宁;北京",
])


@settings(max_examples=400, deadline=None)
@given(table=st.sampled_from(sorted(models.MODELS)), data=st.data())
def test_random_cells_validate_the_same(table: str, data: st.DataObject) -> None:
    names = list(models.MODELS[table].model_fields)
    chosen = data.draw(st.lists(st.sampled_from(names), unique=True))
    cells = {name: data.draw(CELL_VALUES) for name in chosen}
    expected, problems = model_only(table, cells)
    got, got_problems = models.validate_row(table, cells)
    assert got == expected
    assert bool(got_problems) == bool(problems)
    if got is not None:
        # each row owns its lists (the plan keeps and extends them)
        again, _ = models.validate_row(table, cells)
        for key, value in got.items():
            if isinstance(value, list):
                assert value is not again[key]
