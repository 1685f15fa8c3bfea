"""The README's main job end to end: sample → ingest → analyses → report, on a small sample."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from api.cli import app
from graph.store import Store

runner = CliRunner()


def test_demo_runs_the_whole_pipeline(clean_graph: Store, tmp_path: Path) -> None:
    out = tmp_path / "demo"
    result = runner.invoke(app, ["demo", "--out", str(out), "--platforms", "150", "--seed", "3"])
    assert result.exit_code == 0, result.output
    assert (out / "report-zh.docx").stat().st_size > 10_000
    html = (out / "report-zh.html").read_text(encoding="utf-8")
    assert "交叉重复" in html and "<img" in html
    assert str(out / "report-zh.html") in result.output.replace("\n", "")
    import openpyxl  # the plan workbook, where planners decide (platgraph plan apply reads it back)

    assert {"优化调整", "撤销淘汰", "新认定建设"} <= set(openpyxl.load_workbook(out / "plan-zh.xlsx").sheetnames)
    platforms = clean_graph.read("MATCH (p:Platform) RETURN count(p) AS n")[0]["n"]
    assert 140 <= platforms <= 150  # 150 rows minus the planted bad ones
    runs = clean_graph.read("MATCH (r:AnalysisRun {status: 'completed'}) RETURN count(r) AS n")[0]["n"]
    assert runs >= 1


def test_demo_platforms_only_loads_the_list_alone(clean_graph: Store, tmp_path: Path) -> None:
    """The platforms-only demo: the sample's platform list alone, hosts created or resolved, report written."""
    out = tmp_path / "demo-list"
    result = runner.invoke(app, ["demo", "--out", str(out), "--platforms", "120", "--seed", "3", "--platforms-only"])
    assert result.exit_code == 0, result.output
    assert (out / "report-platforms-only-zh.html").is_file()
    rows = (out / "sample" / "platforms-only" / "platforms.csv").read_text(encoding="utf-8-sig").splitlines()
    platforms = clean_graph.read("MATCH (p:Platform) RETURN count(p) AS n")[0]["n"]
    assert platforms == len(rows) - 1  # every row of the list is in the graph
    assert clean_graph.read("MATCH (:Researcher) RETURN count(*) AS n")[0]["n"] == 0
    created = clean_graph.read("MATCH (i:Institution {created_from: 'platform_list'}) RETURN count(i) AS n")[0]["n"]
    assert created > 0 and "platgraph quality" in " ".join(result.output.split())
    # a second run on the same graph is refused (it would mix two datasets), naming the way out
    again = runner.invoke(app, ["demo", "--out", str(out), "--platforms", "120", "--seed", "3", "--platforms-only"])
    assert again.exit_code == 2 and "db reset --yes" in again.output
