"""``platgraph overlaps`` and ``platgraph overlaps check FILE.json`` against the real Neo4j."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from api.cli import app
from graph.store import Store
from tests.overlap_fixtures import build_scenario

runner = CliRunner()


def test_overlaps_json_runs_analysis_once_and_filters(clean_graph: Store) -> None:
    build_scenario(clean_graph)
    result = runner.invoke(app, ["overlaps", "--format", "json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["total"] == 4
    pair = data["pairs"][0]
    assert set(pair) == {"a", "b", "score", "relation", "relation_name", "reasons"} and set(pair["a"]) == {"id", "name"}
    assert {"signal", "detail"} <= set(pair["reasons"][0])
    assert {g["recommendation"] for g in data["groups"]} == {"merge", "refocus"}
    runs = clean_graph.read("MATCH (r:AnalysisRun {kind: 'overlap'}) RETURN count(r) AS n")[0]["n"]
    assert runs == 1
    result = runner.invoke(app, ["overlaps", "--city", "柳州", "--min-score", "0.3", "--format", "json"])
    assert result.exit_code == 0, result.output
    assert [(p["a"]["id"], p["b"]["id"]) for p in json.loads(result.stdout)["pairs"]] == [("S03", "S04")]
    assert clean_graph.read("MATCH (r:AnalysisRun {kind: 'overlap'}) RETURN count(r) AS n")[0]["n"] == 1
    table = runner.invoke(app, ["--lang", "en", "overlaps", "--type", "自治区重点实验室", "--limit", "5"])
    assert table.exit_code == 0, table.output
    assert "Overlapping pairs" in table.stdout and "广西大学" in table.stdout


def test_overlaps_check_file(clean_graph: Store, tmp_path: Path) -> None:
    build_scenario(clean_graph)
    proposal = {"name": "广西甘蔗分子育种重点实验室", "type": "重点实验室", "host": "西大学", "people": ["张伟"],
                "fields": ["甘蔗遗传育种", "分子育种"], "industries": ["甘蔗育种与种植"], "city": "南宁"}
    path = tmp_path / "proposal.json"
    path.write_text(json.dumps(proposal, ensure_ascii=False), encoding="utf-8")
    result = runner.invoke(app, ["overlaps", "check", str(path), "--format", "json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["pairs"][0]["b"]["id"] in {"S01", "S02"}
    assert "西大学" in data["resolved"]["unmatched"]
    # An unknown host is no evidence (changed: it used to count as a different host), so the other
    # sugarcane platform of the scenario, S10, is listed too.
    assert {p["b"]["id"] for p in data["pairs"]} == {"S01", "S02", "S10"}
    table = runner.invoke(app, ["overlaps", "check", str(path)])
    assert table.exit_code == 0 and f"可能重复的现有平台（{len(data['pairs'])} 个）" in table.stdout
    assert "S01" in table.stdout and "S02" in table.stdout


def test_overlaps_check_bad_input_exits_2(clean_graph: Store, tmp_path: Path) -> None:
    missing = runner.invoke(app, ["overlaps", "check", str(tmp_path / "nope.json")])
    assert missing.exit_code == 2 and "Traceback" not in missing.output
    bad = tmp_path / "bad.json"
    bad.write_text("{not json", encoding="utf-8")
    result = runner.invoke(app, ["overlaps", "check", str(bad)])
    assert result.exit_code == 2 and "JSON" in result.output
    wrong = tmp_path / "wrong.json"
    wrong.write_text(json.dumps({"name": "x", "type": "不存在的类型"}, ensure_ascii=False), encoding="utf-8")
    result = runner.invoke(app, ["overlaps", "check", str(wrong)])
    assert result.exit_code == 2 and "不存在的类型" in result.output
