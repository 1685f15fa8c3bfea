"""Entity resolution rules and the blank templates (no database writes)."""

from __future__ import annotations

from pathlib import Path

from ingest.readers import read_dataset
from ingest.resolve import InstitutionIndex, name_norms, one_edit_pairs
from ingest.tables import TABLES
from ingest.templates import HERE, XLSX_NAME


def test_index_prefers_code_then_own_name_then_unique_alias() -> None:
    index = InstitutionIndex()
    index.add("914502001982306879", "914502001982306879", "广西柳工机械股份有限公司",
              name_norms("广西柳工机械股份有限公司（柳工）", ["柳工", "广西大学"]), "广西柳工机械股份有限公司（柳工）")
    index.add("广西大学", None, "广西大学", name_norms("广西大学", ["西大"]), "广西大学")
    index.add("西大医院", None, "西大医院", name_norms("西大医院", ["西大"]), "西大医院")
    assert index.resolve("９１４５０２００１９８２３０６８７９").key == "914502001982306879"  # full-width code
    assert index.resolve("广西柳工机械股份有限责任公司").key == "914502001982306879"
    assert index.resolve("柳工").key == "914502001982306879"
    assert index.resolve("广西大学").key == "广西大学"  # own name beats another's alias
    ambiguous = index.resolve("西大")
    assert ambiguous.key is None and ambiguous.ambiguous == ["广西大学", "西大医院"]
    assert index.resolve("广西大 学").key == "广西大学"
    assert index.resolve("桂林大学").key is None
    assert [k for k, _ in index.near_misses("广西大学校")][0] == "广西大学"
    assert index.near_misses("完全无关的名称") == []


def test_one_edit_pairs_finds_exactly_the_one_edit_neighbours() -> None:
    names = {"a": "广西科技大学", "b": "广西科大学", "c": "广西科技学院", "d": "桂林理工大学", "e": "桂林理工大学x",
             "f": "完全不同的名字"}
    pairs = {(a, b) for a, _, b, _ in one_edit_pairs(names)}
    assert pairs == {("a", "b"), ("d", "e")}


def test_templates_are_current_and_readable() -> None:
    for lang in ("zh", "en"):
        dataset = read_dataset(HERE / lang)
        assert set(dataset.tables) == {t.key for t in TABLES}
        for table in dataset.tables.values():
            assert table.rows == [] and table.unknown_headers == []
            assert set(table.headers) == {c.key for c in table.spec.columns}
    workbook = read_dataset(HERE / XLSX_NAME)
    assert set(workbook.tables) == {t.key for t in TABLES}
    assert workbook.ignored == [f"{XLSX_NAME}:说明 README"]
    assert (Path(__file__).parent.parent / "docs" / "data-templates.md").is_file()


def test_one_name_for_two_coded_institutions_is_ambiguous() -> None:
    index = InstitutionIndex()
    index.add("12450000498500001R", "12450000498500001R", "广西大学", ["广西大学"], "广西大学")
    index.add("914502001982306879", "914502001982306879", "广西大学", ["广西大学"], "广西大学")
    res = index.resolve("广西大学")
    assert res.key is None and res.ambiguous == ["12450000498500001R", "914502001982306879"]
    assert index.resolve("914502001982306879").key == "914502001982306879"
