"""``platgraph plan`` and ``platgraph plan what-if`` end to end against the real Neo4j."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from api.cli import app
from graph.store import Store
from tests.test_coverage_fixtures import build_graph

runner = CliRunner()


def test_plan_json_has_three_batches_and_targets(clean_graph: Store) -> None:
    build_graph(clean_graph)
    result = runner.invoke(app, ["plan", "--format", "json", "--top", "5"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert {"optimise", "retire", "rectify", "build", "national", "municipal", "coordination", "targets",
            "impact"} <= set(data)
    assert len(data["build"]) == 5
    # policy: P12 is municipal (city list), P13 is 工信厅's and only overlaps P4 (coordination)
    assert {r["key"] for r in data["retire"]} == {"P9", "P11"}
    assert [r["key"] for r in data["municipal"]] == ["P12"]
    table = runner.invoke(app, ["plan"])
    assert table.exit_code == 0, table.output
    assert "撤销淘汰" in table.output


def test_what_if_cli_reports_losses_and_rejects_unknown_keys(clean_graph: Store) -> None:
    build_graph(clean_graph)
    result = runner.invoke(app, ["plan", "what-if", "--merge", "P10,P9", "--retire", "P1", "--format", "json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert {(x["industry"], x["kind"], x["value"]) for x in data["losses"]} == {
        ("铝", "city", "百色"), ("动力电池", "category", "innovation_transfer"), ("动力电池", "level", "national"),
        ("动力电池", "city", "柳州"), ("汽车及新能源汽车", "level", "national")}
    assert data["merge"][0]["keep"]["key"] == "P10"
    safe = runner.invoke(app, ["--lang", "en", "plan", "what-if", "--retire", "P7"])
    assert safe.exit_code == 0 and "no industry" in safe.output
    bad = runner.invoke(app, ["plan", "what-if", "--retire", "P999"])
    assert bad.exit_code == 2 and "P999" in bad.output and "Traceback" not in bad.output
    assert runner.invoke(app, ["plan", "what-if"]).exit_code == 2
