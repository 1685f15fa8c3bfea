"""The plan workbook round trip: write it, decide in it with openpyxl, apply it, see the what-if change
and the decision set in the graph (real Neo4j, the hand-built policy graph)."""

from __future__ import annotations

import json
from pathlib import Path

import openpyxl
from typer.testing import CliRunner

from api.cli import app
from graph.store import Store
from queries.plan.decisions import latest_decisions
from tests.plan_policy_graph import policy_graph

runner = CliRunner()
HOSTILE = "=HYPERLINK(\"http://x\",\"y\")"


def _sheet_rows(ws) -> tuple[list[str], list[tuple]]:
    rows = list(ws.iter_rows(values_only=True))
    return list(rows[0]), rows[1:]


def test_workbook_round_trip_changes_the_what_if(clean_graph: Store, tmp_path: Path) -> None:
    policy_graph(clean_graph)
    clean_graph.write("MATCH (p:Platform {key: 'P17'}) SET p.name = $n", {"n": HOSTILE})
    path = tmp_path / "plan.xlsx"
    result = runner.invoke(app, ["plan", "--as-of", "2026", "--xlsx", str(path)])
    assert result.exit_code == 0, result.output
    wb = openpyxl.load_workbook(path)
    assert {"优化调整", "撤销淘汰", "限期整改", "新认定建设", "国家级建议", "市级清单", "协调事项", "建设目标"} <= set(wb.sheetnames)
    retire = wb["撤销淘汰"]
    header, rows = _sheet_rows(retire)
    assert header[-3:] == ["决定", "备注", "key"]
    key_col = retire.cell(row=1, column=len(header)).column_letter
    assert retire.column_dimensions[key_col].hidden
    assert retire.data_validations.dataValidation, "决定 has a drop-down"
    assert '"同意,不同意,修改"' in retire.data_validations.dataValidation[0].formula1
    names = {r[1] for r in rows}
    assert {"测试平台P5", "测试平台P9", "测试平台P11"} == names
    # no internal ids in the visible columns: item keys, group keys, run ids live in the hidden column only
    for ws in wb.worksheets:
        if ws.title in ("meta",):
            continue
        h, body = _sheet_rows(ws)
        visible = [row[:-1] if h and h[-1] == "key" else row for row in body]
        for row in visible:
            for cell in row:
                assert not (isinstance(cell, str) and (cell.startswith(("retire:", "merge:", "build:")) or "A2:" in cell)), \
                    (ws.title, cell)
    # the hostile name is neutralised wherever it appears
    cells = [c.value for ws in wb.worksheets for row in ws.iter_rows() for c in row if isinstance(c.value, str)]
    assert any(v.startswith("'=HYPERLINK") for v in cells) and not any(v.startswith("=") for v in cells)

    # decide: keep P9 (铝's only 百色 platform: 不同意), agree to everything else
    dcol = header.index("决定") + 1
    ncol = header.index("备注") + 1
    for ws in wb.worksheets:
        h, body = _sheet_rows(ws)
        if "决定" not in h:
            continue
        for n, row in enumerate(body, start=2):
            disagree = row[1] == "测试平台P9"
            ws.cell(row=n, column=h.index("决定") + 1, value="不同意" if disagree else "同意")
            if disagree:
                ws.cell(row=n, column=h.index("备注") + 1, value="百色唯一的铝平台，先整改")
    assert dcol and ncol
    wb.save(path)

    applied = runner.invoke(app, ["plan", "apply", str(path), "--format", "json"])
    assert applied.exit_code == 0, applied.output
    data = json.loads(applied.stdout)
    draft = {(x["industry"], x["kind"], x["value"]) for x in data["draft"]["losses"]}
    decided = {(x["industry"], x["kind"], x["value"]) for x in data["decided"]["losses"]}
    assert ("铝", "city", "百色") in draft and ("铝", "city", "百色") not in decided
    assert {"industry": "铝", "kind": "city", "value": "百色"} in data["losses_avoided"]
    assert data["decided"]["retired"] == data["draft"]["retired"] - 1
    assert data["counts"]["retire"] == {"同意": 2, "不同意": 1}
    # recorded in the graph: the plan as decided
    latest = latest_decisions(clean_graph)
    assert latest is not None and latest["key"] == data["decision_set"]
    p9 = next(d for d in latest["decisions"] if d["item"] == "retire:P9")
    assert p9["decision"] == "不同意" and p9["note"] == "百色唯一的铝平台，先整改"
    concerns = clean_graph.read("MATCH (d:PlanDecision {item: 'retire:P9'})-[:CONCERNS]->(p:Platform) "
                                "RETURN collect(p.key) AS k")[0]["k"]
    assert concerns == ["P9"]
    # /api/v1/plan carries the plan as decided, and a new apply moves its cache version
    from api.routers.analyses import PlanCache

    cache = PlanCache()
    served = cache.get(clean_graph, "zh")
    assert served["decided"]["key"] == data["decision_set"]
    # a second apply becomes the latest; the first stays, no longer latest
    again = runner.invoke(app, ["plan", "apply", str(path)])
    assert again.exit_code == 0, again.output
    assert clean_graph.read("MATCH (s:PlanDecisionSet) RETURN count(s) AS n, sum(CASE WHEN s.latest THEN 1 ELSE 0 END)"
                            " AS latest")[0] == {"n": 2, "latest": 1}
    assert cache.get(clean_graph, "zh")["decided"]["key"] != data["decision_set"]


def test_apply_rejects_a_bad_decision(clean_graph: Store, tmp_path: Path) -> None:
    policy_graph(clean_graph)
    path = tmp_path / "plan.xlsx"
    assert runner.invoke(app, ["plan", "--as-of", "2026", "--xlsx", str(path)]).exit_code == 0
    wb = openpyxl.load_workbook(path)
    ws = wb["撤销淘汰"]
    header = [c.value for c in ws[1]]
    ws.cell(row=2, column=header.index("决定") + 1, value="也许")
    wb.save(path)
    bad = runner.invoke(app, ["plan", "apply", str(path)])
    assert bad.exit_code == 2 and "也许" in bad.output and "撤销淘汰!2" in bad.output
    not_plan = tmp_path / "other.xlsx"
    openpyxl.Workbook().save(not_plan)
    assert runner.invoke(app, ["plan", "apply", str(not_plan)]).exit_code == 2


def test_rows_read_true_beside_their_level_and_deadline() -> None:
    """A 市级 lab filed under the regional type reads 「重点实验室 · 市级」, not 「自治区重点实验室 · 市级」;
    a 整改 without an evaluation year says how the one-year term runs instead of an empty cell."""
    from api.commands.plan_workbook import _passed_row, _rectify_row

    municipal = {"name": "南宁市离子型稀土重点实验室", "type": "自治区重点实验室", "level": "municipal",
                 "department": "南宁市（市级认定）", "action": "限期整改", "reasons": []}
    row = _passed_row(municipal, "zh")
    assert row[1:4] == ["重点实验室", "市级", "南宁市（市级认定）"]
    regional = {**municipal, "level": "regional"}
    assert _passed_row(regional, "zh")[1] == "自治区重点实验室"
    rectify = {"name": "某中心", "type": "技术创新中心", "host": "某大学", "department": "自治区科技厅",
               "due": None, "overdue": False, "reasons": []}
    assert _rectify_row(rectify, "zh")[4] == "评估年份未记录：自决定之日起 1 年"
    assert _rectify_row({**rectify, "due": 2026}, "zh")[4] == 2026
    assert "1 year(s) from the decision" in _rectify_row(rectify, "en")[4]
