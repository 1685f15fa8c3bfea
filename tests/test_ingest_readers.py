"""Hostile input at the readers and validators: malformed cells, encodings, huge cells, formulas.

Property: whatever the cells hold, ingest does not crash, every row is either loaded or rejected
(loaded + rejected = read, per file), every rejected row is in the rejects file, and text is
stored exactly as written (nothing from the input is ever executed as Cypher).
"""

from __future__ import annotations

import csv
import io
import zipfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from graph.errors import UsageError
from graph.schema import NODE_LABELS, REL_TYPES
from graph.store import Store
from ingest.load_plan import Planner
from ingest.pipeline import ingest_dataset
from ingest.readers import XLSX_MAX_RATIO, check_zip_safe, read_dataset
from ingest.rejects import read_rejects
from ingest.tables import TABLES_BY_KEY, map_headers, table_for_name

NASTY = [
    "=cmd|' /C calc'!A0", "=1+1", "+SUM(A1)", "@foo", "-2", "'); MATCH (n) DETACH DELETE n //",
    "`Platform`", 'a "quoted" name', "O'Brien", "\\", "}", "{key: 1}", "$rows", "x" * 300_000,
    "广西大学\n第二行", "\t", "\u3000", "（柳工）", "２０１９", "2019.0", "N/A", "\x00", "", " ",
]
cell = st.one_of(st.sampled_from(NASTY), st.text(
    alphabet=st.characters(blacklist_categories=("Cs",)), max_size=40))
HEADER = ["编号", "平台名称", "平台类型", "级别", "依托单位", "所在市", "认定年份", "研究方向", "负责人"]
VALID = ["", "测试平台", "重点实验室", "自治区级", "广西大学", "南宁", "2019", "a;b", "张三"]


def platform_rows() -> st.SearchStrategy[list[list[str]]]:
    """Rows that start valid and have some cells replaced by hostile ones."""
    row = st.lists(st.tuples(st.integers(0, len(HEADER) - 1), cell), max_size=4).map(
        lambda subs: [dict(subs).get(i, v) for i, v in enumerate(VALID)])
    return st.lists(row, min_size=1, max_size=8).map(
        lambda rows: [[f"H{n}", *r[1:]] if r[0] == "" else r for n, r in enumerate(rows)])


def write_dataset(folder: Path, rows: list[list[str]], encoding: str) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "单位.csv").write_text("单位名称,单位类型\n广西大学,高校\n", encoding="utf-8")
    buffer = io.StringIO(newline="")
    csv.writer(buffer).writerows([HEADER, *rows])
    (folder / "平台.csv").write_bytes(buffer.getvalue().encode(encoding, errors="replace"))


HYPO = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                       HealthCheck.too_slow])


@HYPO
@given(rows=platform_rows(), encoding=st.sampled_from(["utf-8", "utf-8-sig", "gb18030"]))
def test_hostile_cells_never_crash_and_every_row_is_accounted(
        store: Store, tmp_path_factory: pytest.TempPathFactory, rows: list[list[str]], encoding: str) -> None:
    folder = tmp_path_factory.mktemp("ds")
    write_dataset(folder, rows, encoding)
    try:
        dataset = read_dataset(folder)
    except UsageError:
        return  # a file refused as a whole is a clean exit 2, never a crash
    plan = Planner(store, dataset).build()
    for source, stats in plan.per_file.items():
        assert stats["loaded"] + stats["rejected"] == stats["read"], source
    rejected_rows = {(r.file, r.row) for r in plan.rejects}
    assert len(rejected_rows) == plan.rejected
    assert all(r.reason_zh and r.reason_en for r in plan.rejects)
    table = dataset.tables["platforms"]
    loaded = {n["props"]["name"] for n in plan.nodes.get("Platform", {}).values()}
    for raw in table.rows:
        if ("平台.csv", raw.row) not in rejected_rows and len(raw.cells["name"]) > 200:
            pytest.fail("a huge name was loaded")
    assert all(len(name) <= 200 for name in loaded)


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                HealthCheck.too_slow])
@given(rows=platform_rows())
def test_hostile_cells_are_stored_verbatim(clean_graph: Store, tmp_path_factory: pytest.TempPathFactory,
                                          rows: list[list[str]]) -> None:
    folder = tmp_path_factory.mktemp("ds")
    write_dataset(folder, rows, "utf-8")
    rejects = folder.parent / (folder.name + "-rejects.csv")
    summary = ingest_dataset(clean_graph, folder, rejects_path=rejects)
    assert summary["per_file"]["平台.csv"]["loaded"] + summary["per_file"]["平台.csv"]["rejected"] == len(rows)
    assert len({(r["file"], r["row"]) for r in read_rejects(rejects)}) == summary["rejected"]
    stored = [(r["id"], r["name"]) for r in clean_graph.read(
        "MATCH (p:Platform {src_run: $run}) RETURN p.id AS id, p.name AS name", {"run": summary["run"]})]

    def cleaned(text: str) -> str:
        return " ".join(text.split())

    by_id: dict[str, str] = {}
    for r in rows:
        by_id.setdefault(cleaned(r[0]), r[1])
    names_without_id = {cleaned(r[1]) for r in rows if not cleaned(r[0])}
    for pid, name in stored:
        # an id that is only whitespace is no id: the platform is keyed by name and level instead
        expected = cleaned(by_id[pid]) if pid is not None else name if name in names_without_id else None
        assert name == expected, "a name was altered beyond whitespace cleaning"
    labels = {r["l"] for r in clean_graph.read("MATCH (n) UNWIND labels(n) AS l RETURN DISTINCT l")}
    assert labels <= set(NODE_LABELS)
    types = {r["t"] for r in clean_graph.read("MATCH ()-[r]->() RETURN DISTINCT type(r) AS t")}
    assert types <= set(REL_TYPES)
    assert clean_graph.read("MATCH (c:City) RETURN count(c) AS n") == [{"n": 14}]


def test_headers_in_english_chinese_or_both() -> None:
    spec = table_for_name("Platforms")
    assert spec is TABLES_BY_KEY["platforms"] and table_for_name("平台") is spec
    mapping, unknown = map_headers(spec, ["*平台名称", "type", "依托单位 host", "级别(level)", "备注"])
    assert mapping == {"name": 0, "type": 1, "host": 2, "level": 3}
    assert unknown == ["备注"]
    assert table_for_name("README") is None


def test_zip_bomb_is_refused(tmp_path: Path) -> None:
    bomb = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(bomb, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", b"\0" * (64 * 1024 * 1024))
    assert bomb.stat().st_size * XLSX_MAX_RATIO < 64 * 1024 * 1024
    with pytest.raises(UsageError):
        check_zip_safe(bomb)
    with pytest.raises(UsageError):
        read_dataset(bomb)


def test_corrupt_workbook_and_unknown_format_are_usage_errors(tmp_path: Path) -> None:
    (tmp_path / "broken.xlsx").write_bytes(b"PK\x03\x04 not really a zip")
    with pytest.raises(UsageError):
        read_dataset(tmp_path / "broken.xlsx")
    (tmp_path / "x.parquet").write_bytes(b"PAR1")
    with pytest.raises(UsageError):
        read_dataset(tmp_path / "x.parquet")
    with pytest.raises(UsageError):
        read_dataset(tmp_path / "missing-folder")


def test_jsonl_bad_line_is_one_reject(store: Store, tmp_path: Path) -> None:
    (tmp_path / "institutions.jsonl").write_text(
        '{"name": "广西大学", "kind": "高校"}\nnot json at all\n["a list"]\n{"单位名称": "桂林电子科技大学"}\n',
        encoding="utf-8")
    dataset = read_dataset(tmp_path)
    plan = Planner(store, dataset).build()
    assert plan.per_file["institutions.jsonl"] == {"read": 4, "loaded": 2, "rejected": 2}
    assert sorted(r.row for r in plan.rejects) == [2, 3]


def test_formula_cells_stay_data_in_xlsx(store: Store, tmp_path: Path) -> None:
    import openpyxl

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "单位"
    sheet.append(["单位名称", "别名"])
    sheet.append(["广西大学", None])
    sheet["B2"] = "=HYPERLINK(\"http://x\")"
    sheet["B2"].data_type = "s"
    workbook.save(tmp_path / "book.xlsx")
    dataset = read_dataset(tmp_path / "book.xlsx")
    assert dataset.tables["institutions"].rows[0].cells["aliases"] == "=HYPERLINK(\"http://x\")"
