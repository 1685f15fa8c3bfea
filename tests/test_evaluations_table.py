"""The evaluations table (评估记录) and targets per category / level: validation, ingest, export round trip."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from graph.store import Store
from ingest.export import export_dataset
from ingest.models import validate_row
from ingest.pipeline import ingest_dataset
from queries.coverage.targets import targets_vs_actual
from tests.test_export import differences, reset, snapshot


def _write_csv(path: Path, header: list[str], rows: list[list[str]]) -> None:
    with open(path, "w", encoding="utf-8-sig", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(header)
        writer.writerows(rows)


def _dataset(folder: Path) -> Path:
    folder.mkdir()
    _write_csv(folder / "单位.csv", ["单位名称", "单位类型", "所在市"], [
        ["甲大学", "高校", "南宁"], ["乙公司", "企业", "柳州"]])
    _write_csv(folder / "平台.csv", ["编号", "平台名称", "平台类型", "级别", "依托单位", "认定年份", "评估结果"], [
        ["L1", "广西甲重点实验室", "自治区重点实验室", "自治区级", "甲大学", "2015", "整改通过"],
        ["L2", "广西乙重点实验室", "自治区重点实验室", "自治区级", "甲大学", "2016", "整改不通过"],
        ["T1", "广西乙技术创新中心", "技术创新中心", "自治区级", "乙公司", "2022", ""],
    ])
    _write_csv(folder / "评估记录.csv", ["平台", "评估年份", "评估结果", "备注"], [
        ["L1", "2021", "整改", "2021 年度评估"],
        ["L1", "2022", "整改通过", "桂科基字〔2023〕13号"],
        ["广西乙重点实验室", "2021", "整改", ""],
        ["L2", "2022", "整改不通过", ""],
        ["L9", "2022", "合格", ""],          # unknown platform: rejected, named
        ["L1", "", "合格", ""],              # no year: rejected
        ["L1", "2023", "还行", ""],          # unknown result: rejected
    ])
    _write_csv(folder / "建设目标.csv", ["平台类型", "类别", "级别", "年份", "新建数量", "总保有量"], [
        ["", "技术创新与成果转化", "自治区级", "2025", "3", "5"],
        ["", "", "自治区级", "2025", "", "10"],
        ["自治区重点实验室", "", "自治区级", "2025", "1", "2"],
    ])
    return folder


def test_evaluation_rows_validate_with_reasons() -> None:
    values, problems = validate_row("evaluations", {"platform": "L1", "year": "2022年", "result": "rectified"})
    assert problems == [] and values == {"platform": "L1", "year": 2022, "result": "整改通过", "note": None}
    assert validate_row("evaluations", {"platform": "L1", "year": "2022", "result": "整改不合格"})[0]["result"] == "整改不通过"
    _, problems = validate_row("evaluations", {"platform": "L1", "year": "", "result": "好"})
    assert {p[0] for p in problems} == {"year", "result"}
    _, problems = validate_row("targets", {"new": "3"})
    assert problems and "至少填一项" in problems[0][1]


def test_evaluations_and_category_targets_ingest_and_round_trip(store: Store, tmp_path: Path) -> None:
    reset(store)
    summary = ingest_dataset(store, _dataset(tmp_path / "in"), rejects_path=tmp_path / "rejects.csv")
    rejects = (tmp_path / "rejects.csv").read_text(encoding="utf-8-sig")
    assert summary["loaded"]["Evaluation"] == 4
    assert "L9" in rejects and "还行" in rejects and "评估年份" in rejects
    rows = store.read("MATCH (e:Evaluation)-[:EVALUATES]->(p:Platform) RETURN p.key AS p, e.year AS y, "
                      "e.result AS r, e.note AS note ORDER BY p, y")
    assert [(r["p"], r["y"], r["r"]) for r in rows] == [
        ("L1", 2021, "整改"), ("L1", 2022, "整改通过"), ("L2", 2021, "整改"), ("L2", 2022, "整改不通过")]
    # re-running never duplicates
    ingest_dataset(store, tmp_path / "in", rejects_path=tmp_path / "rejects2.csv")
    assert store.read("MATCH (e:Evaluation) RETURN count(e) AS n")[0]["n"] == 4

    targets = {(t["type"], t["category"], t["level"]): t for t in targets_vs_actual(store) if t["target_key"]}
    innov = targets[(None, "innovation_transfer", "regional")]
    assert innov["holding"] == 1 and innov["target_total"] == 5 and innov["distance_total"] == 4
    assert targets[(None, None, "regional")]["holding"] == 3
    assert targets[("自治区重点实验室", None, "regional")]["holding"] == 2

    before = snapshot(store)
    for fmt, lang in (("csv", "zh"), ("jsonl", "en")):
        out = tmp_path / f"export-{fmt}"
        exported = export_dataset(store, out, fmt=fmt, lang=lang)
        assert exported["tables"]["evaluations"] == 4 and exported["tables"]["targets"] == 3
        reset(store)
        again = ingest_dataset(store, out, rejects_path=tmp_path / f"r-{fmt}.csv")
        assert again["rejected"] == 0
        assert differences(before, snapshot(store)) == []


@pytest.mark.parametrize("result", ["整改通过", "整改不通过"])
def test_platform_column_takes_the_new_grades(result: str) -> None:
    values, problems = validate_row("platforms", {"name": "x", "type": "技术创新中心", "host": "y", "evaluation": result})
    assert problems == [] and values["evaluation"] == result
