"""Hostile input beyond the hypothesis fuzzing of tests/test_ingest_readers.py: oversized files and
cells, deeply nested JSON Lines, zip bombs inside XLSX, and Cypher metacharacters in every free-text
column of every table, which must reach the graph verbatim as data and never run as Cypher.
"""

from __future__ import annotations

import csv
import io
import json
import os
import zipfile
from pathlib import Path

import openpyxl
import pytest

from graph.errors import UsageError
from graph.schema import NODE_LABELS, REL_TYPES
from graph.store import Store
from ingest.load_plan import Planner
from ingest.pipeline import ingest_dataset
from ingest.readers import (
    CSV_FIELD_LIMIT,
    JSON_MAX_DEPTH,
    MAX_INPUT_FILE_BYTES,
    XLSX_MAX_MEMBERS,
    XLSX_MEMBER_CHECK_BYTES,
    check_zip_safe,
    read_dataset,
)

# Cypher syntax that would do damage if any value were spliced into query text. No ';' or '、'
# (list separators in the templates) and no leading "'=" (the export neutralisation prefix).
PAYLOADS = [
    "x'}) MATCH (n) DETACH DELETE n //",
    'y"}) SET n.hacked = true //',
    "`Platform`:City {key: 'k'}",
    "$rows[0].key + $run",
    "\\' \\\" \\u0027",
    "/* c */ RETURN 1 UNION MATCH (m) RETURN m",
    "CALL db.labels() YIELD label",
    "}]->(b) WITH 1 AS one //",
]


def write_csv(path: Path, header: list[str], rows: list[list[str]]) -> None:
    buffer = io.StringIO(newline="")
    csv.writer(buffer).writerows([header, *rows])
    path.write_text(buffer.getvalue(), encoding="utf-8")


def test_cypher_metacharacters_in_every_text_field_are_stored_verbatim(clean_graph: Store, tmp_path: Path) -> None:
    folder = tmp_path / "ds"
    folder.mkdir()
    n = range(len(PAYLOADS))
    write_csv(folder / "产业.csv", ["产业名称"], [[f"产业{PAYLOADS[i]}"] for i in n])
    write_csv(folder / "单位.csv", ["单位名称", "单位类型", "别名", "所属产业", "编号"],
              [[f"单位{PAYLOADS[i]}", "高校", f"别名{PAYLOADS[i]}", f"产业{PAYLOADS[i]}", f"U{i}"] for i in n])
    write_csv(folder / "平台.csv", ["编号", "平台名称", "平台类型", "级别", "依托单位", "所在市", "认定年份",
                                   "研究方向", "服务产业", "负责人", "主管部门"],
              [[f"P{i}", f"平台{PAYLOADS[i]}", "重点实验室", "自治区级", f"单位{PAYLOADS[i]}", "南宁", "2019",
                f"方向{PAYLOADS[i]}", f"产业{PAYLOADS[i]}", PAYLOADS[i], PAYLOADS[i]] for i in n])
    write_csv(folder / "人才.csv", ["编号", "姓名", "工作单位", "职称", "研究领域", "人才计划"],
              [[f"R{i}", f"人{PAYLOADS[i]}", f"单位{PAYLOADS[i]}", PAYLOADS[i], f"领域{PAYLOADS[i]}",
                f"计划{PAYLOADS[i]}"] for i in n])
    write_csv(folder / "平台人员.csv", ["平台", "人员", "角色"], [[f"P{i}", f"R{i}", "骨干"] for i in n])
    before_reference = clean_graph.read("MATCH (n) WHERE n:City OR n:PlatformType RETURN count(n) AS n")

    summary = ingest_dataset(clean_graph, folder, rejects_path=tmp_path / "rejects.csv")
    assert summary["rejected"] == 0, (tmp_path / "rejects.csv").read_text(encoding="utf-8")

    platforms = {r["id"]: r for r in clean_graph.read(
        "MATCH (p:Platform)-[:HOSTED_BY]->(i:Institution) OPTIONAL MATCH (p)-[:SERVES]->(s:Industry) "
        "RETURN p.id AS id, p.name AS name, p.director AS director, p.department AS department, "
        "p.fields AS fields, i.name AS host, i.aliases AS aliases, collect(s.name) AS serves")}
    researchers = {r["id"]: r for r in clean_graph.read(
        "MATCH (r:Researcher)-[:MEMBER_OF]->(p:Platform) "
        "RETURN r.id AS id, r.name AS name, r.title AS title, r.fields AS fields, "
        "r.talent_programs AS programs, p.id AS platform")}
    topics = {r["name"] for r in clean_graph.read("MATCH (t:Topic) RETURN t.name AS name")}
    for i, payload in enumerate(PAYLOADS):
        p = platforms[f"P{i}"]
        assert (p["name"], p["director"], p["department"]) == (f"平台{payload}", payload, payload)
        assert p["fields"] == [f"方向{payload}"] and p["host"] == f"单位{payload}"
        assert f"别名{payload}" in p["aliases"] and p["serves"] == [f"产业{payload}"]
        r = researchers[f"R{i}"]
        assert (r["name"], r["title"], r["platform"]) == (f"人{payload}", payload, f"P{i}")
        assert r["fields"] == [f"领域{payload}"] and r["programs"] == [f"计划{payload}"]
        assert any(payload.lower() in t.lower() for t in topics)
    assert clean_graph.read("MATCH (n) WHERE n.hacked IS NOT NULL RETURN count(n) AS n") == [{"n": 0}]
    assert clean_graph.read("MATCH (n) WHERE n:City OR n:PlatformType RETURN count(n) AS n") == before_reference
    labels = {r["l"] for r in clean_graph.read("MATCH (n) UNWIND labels(n) AS l RETURN DISTINCT l")}
    types = {r["t"] for r in clean_graph.read("MATCH ()-[r]->() RETURN DISTINCT type(r) AS t")}
    assert labels <= set(NODE_LABELS) and types <= set(REL_TYPES)


def test_oversized_file_is_refused_before_it_is_read(tmp_path: Path) -> None:
    for name in ("平台.csv", "institutions.jsonl", "book.xlsx"):
        folder = tmp_path / name.split(".")[0]
        folder.mkdir()
        big = folder / name
        big.write_bytes(b"x")
        os.truncate(big, MAX_INPUT_FILE_BYTES + 1)  # sparse: costs no disk, would cost 1 GiB of memory
        with pytest.raises(UsageError) as refused:
            read_dataset(folder)
        assert "文件过大" in str(refused.value) and name in str(refused.value)


def test_oversized_cells(store: Store, tmp_path: Path) -> None:
    # beyond the CSV field limit: the file is refused as a whole, naming it
    (tmp_path / "huge").mkdir()
    write_csv(tmp_path / "huge" / "单位.csv", ["单位名称", "单位类型"], [["x" * (CSV_FIELD_LIMIT + 1), "高校"]])
    with pytest.raises(UsageError) as refused:
        read_dataset(tmp_path / "huge")
    assert "单位.csv" in str(refused.value)
    # a megabyte-long name is one rejected row; its neighbours load
    (tmp_path / "long").mkdir()
    write_csv(tmp_path / "long" / "单位.csv", ["单位名称", "单位类型", "别名"],
              [["广西大学", "高校", ""], ["长" * 1_000_000, "高校", ""], ["桂林理工大学", "高校", "别" * 1_000_000]])
    plan = Planner(store, read_dataset(tmp_path / "long")).build()
    assert plan.per_file["单位.csv"]["read"] == 3
    assert plan.per_file["单位.csv"]["loaded"] + plan.per_file["单位.csv"]["rejected"] == 3
    assert 3 in {r.row for r in plan.rejects}  # the long name (spreadsheet row 3)
    assert all(len(n["name"]) <= 200 for n in plan.nodes.get("Institution", {}).values())


def test_deeply_nested_json_lines_are_rejected_rows_not_crashes(store: Store, tmp_path: Path) -> None:
    lines = ['{"name": "广西大学", "kind": "高校"}']
    for depth in (JSON_MAX_DEPTH + 1, 500, 990, 100_000):
        lines.append('{"name": "嵌套' + str(depth) + '", "aliases": ' + "[" * depth + "]" * depth + "}")
        lines.append('{"name": "嵌套对象' + str(depth) + '", "kind": ' + '{"a":' * depth + "1" + "}" * depth + "}")
    lines.append(json.dumps({"name": "超长行", "aliases": "x" * (CSV_FIELD_LIMIT + 1)}, ensure_ascii=False))
    lines.append('{"name": "桂林电子科技大学", "aliases": [["桂电"]]}')
    (tmp_path / "institutions.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    dataset = read_dataset(tmp_path)
    plan = Planner(store, dataset).build()
    assert plan.per_file["institutions.jsonl"] == {"read": len(lines), "loaded": 2, "rejected": len(lines) - 2}
    assert sorted(r.row for r in plan.rejects) == list(range(2, len(lines)))
    assert all("嵌套过深" in r.reason_zh for r in plan.rejects)


def real_workbook(path: Path) -> None:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "单位"
    sheet.append(["单位名称", "单位类型"])
    sheet.append(["广西大学", "高校"])
    workbook.save(path)


def with_member(source: Path, target: Path, name: str, data: bytes) -> None:
    with zipfile.ZipFile(source) as src, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as out:
        for info in src.infolist():
            if info.filename != name:
                out.writestr(info, src.read(info))
        out.writestr(name, data)


def test_zip_bombs_inside_xlsx_are_refused_before_openpyxl(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    good = tmp_path / "good.xlsx"
    real_workbook(good)
    check_zip_safe(good)
    assert "institutions" in read_dataset(good).tables

    # openpyxl must never see a bomb: opening one fails this test instead of inflating it
    def must_not_open(*args: object, **kwargs: object) -> None:
        raise AssertionError("openpyxl was asked to open a zip bomb")

    monkeypatch.setattr(openpyxl, "load_workbook", must_not_open)
    shared = tmp_path / "shared-strings-bomb.xlsx"  # one member far below the 50 MB total rule
    with_member(good, shared, "xl/sharedStrings.xml", b"<si><t>a</t></si>" * (2 * XLSX_MEMBER_CHECK_BYTES // 16))
    assert shared.stat().st_size < 1024 * 1024
    members = tmp_path / "many-members.xlsx"
    with zipfile.ZipFile(members, "w") as archive:
        for i in range(XLSX_MAX_MEMBERS + 1):
            archive.writestr(f"xl/m{i}.xml", b"")
    for bomb in (shared, members):
        with pytest.raises(UsageError) as refused:
            read_dataset(bomb)
        assert "压缩炸弹" in str(refused.value) and bomb.name in str(refused.value)
