"""The sample dataset end to end: its planted truth is exactly what the ingest produces."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from api.cli import app
from graph.store import Store
from ingest.rejects import read_rejects

runner = CliRunner()


def _counts(store: Store) -> tuple[dict[str, int], dict[str, int]]:
    nodes = {r["k"]: r["n"] for r in store.read("MATCH (n) RETURN labels(n)[0] AS k, count(*) AS n")}
    rels = {r["k"]: r["n"] for r in store.read("MATCH ()-[r]->() RETURN type(r) AS k, count(*) AS n")}
    return nodes, rels


def test_sample_counts_equal_truth(sample_graph: Store, sample_dir: Path, sample_summary: dict) -> None:
    truth = json.loads((sample_dir / "truth.json").read_text(encoding="utf-8"))
    nodes, rels = _counts(sample_graph)
    for label, n in truth["expected_counts"]["nodes"].items():
        assert nodes.get(label, 0) == n, label
    for rel, n in truth["expected_counts"]["relationships"].items():
        assert rels.get(rel, 0) == n, rel
    summary = sample_summary
    for stats in summary["per_file"].values():
        assert stats["loaded"] + stats["rejected"] == stats["read"]
    assert summary["read"] == sum(truth["rows_read"].values())


def test_sample_rejects_are_exactly_the_planted_bad_rows(sample_graph: Store, sample_dir: Path,
                                                         sample_summary: dict) -> None:
    truth = json.loads((sample_dir / "truth.json").read_text(encoding="utf-8"))
    got = {(r["file"], int(r["row"]), r["column"]) for r in read_rejects(Path(sample_summary["rejects_file"]))}
    assert got == {(r["file"], r["row"], r["column"]) for r in truth["rejects"]}


def test_sample_cli_json_and_rerun_idempotent(sample_graph: Store, sample_dir: Path, tmp_path: Path) -> None:
    before = _counts(sample_graph)
    result = runner.invoke(app, ["ingest", str(sample_dir), "--rejects", str(tmp_path / "r.csv"), "--format", "json"])
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)
    truth = json.loads((sample_dir / "truth.json").read_text(encoding="utf-8"))
    assert summary["rejected"] == len({(r["file"], r["row"]) for r in truth["rejects"]})
    after = _counts(sample_graph)
    assert after[1] == before[1]
    assert {k: v for k, v in after[0].items() if k != "IngestRun"} == \
        {k: v for k, v in before[0].items() if k != "IngestRun"}


def test_sample_xlsx_plans_the_same_graph_as_csv(clean_graph: Store, tmp_path: Path) -> None:
    """The XLSX form of the sample yields the same nodes, relationships and rejected rows as the CSV."""
    from ingest.load_plan import Planner
    from ingest.readers import read_dataset
    from ingest.sample import generate_sample

    truth = generate_sample(tmp_path / "s", platforms=300, xlsx=True)
    csv_plan = Planner(clean_graph, read_dataset(tmp_path / "s")).build()
    workbook = next((tmp_path / "s").rglob("*.xlsx"))
    xlsx_plan = Planner(clean_graph, read_dataset(workbook)).build()
    assert xlsx_plan.nodes == csv_plan.nodes
    assert xlsx_plan.rels == csv_plan.rels
    planted = {(r["sheet"], r["row"], r["column"]) for r in truth["rejects"]}
    assert {(r.file.split(":", 1)[1], r.row, r.column) for r in xlsx_plan.rejects} == planted
    assert {(r.file, r.row, r.column) for r in csv_plan.rejects} == {
        (r["file"], r["row"], r["column"]) for r in truth["rejects"]}
