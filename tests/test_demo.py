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
