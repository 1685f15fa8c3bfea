"""``platgraph coverage`` and ``platgraph talent`` end to end against the real Neo4j."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from api.cli import app
from graph.store import Store
from tests.test_coverage_fixtures import build_graph

runner = CliRunner()


def test_coverage_json_runs_analysis_and_writes_back(clean_graph: Store) -> None:
    build_graph(clean_graph)
    result = runner.invoke(app, ["coverage", "--format", "json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert {"matrix", "gaps", "cities"} <= set(data)
    assert {"industry", "category", "level", "count"} <= set(data["matrix"][0])
    gap = next(g for g in data["gaps"] if (g["industry"], g["kind"]) == ("铝", "level"))
    assert {"industry", "missing", "priority", "rank", "nearest", "reason"} <= set(gap)
    runs = clean_graph.read("MATCH (r:AnalysisRun {kind: 'coverage'}) RETURN r.key AS key, r.status AS status")
    assert len(runs) == 1 and runs[0]["status"] == "completed"
    assert clean_graph.read("MATCH (i:Industry {key: '铝'}) RETURN i.coverage_run AS run")[0]["run"] == runs[0]["key"]
    # a second call reads the stored run; --refresh makes a new one
    assert runner.invoke(app, ["coverage", "--format", "json"]).exit_code == 0
    assert len(clean_graph.read("MATCH (r:AnalysisRun {kind: 'coverage'}) RETURN r")) == 1
    assert runner.invoke(app, ["coverage", "--refresh", "--industry", "铝"]).exit_code == 0
    assert len(clean_graph.read("MATCH (r:AnalysisRun {kind: 'coverage'}) RETURN r")) == 2


def test_coverage_table_in_english_and_bad_industry(clean_graph: Store) -> None:
    build_graph(clean_graph)
    result = runner.invoke(app, ["--lang", "en", "coverage", "--industry", "碳酸钙"])
    assert result.exit_code == 0, result.output
    assert "Coverage gaps" in result.output
    bad = runner.invoke(app, ["coverage", "--industry", "没有这个产业"])
    assert bad.exit_code == 2
    assert "Traceback" not in bad.output


def test_talent_json(clean_graph: Store) -> None:
    build_graph(clean_graph)
    result = runner.invoke(app, ["talent", "--min-roles", "3", "--format", "json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert [r["key"] for r in data["overstretched"]] == ["R1"]
    assert runner.invoke(app, ["talent"]).exit_code == 0
