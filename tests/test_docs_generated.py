"""The generated references match the code: a command or endpoint added without regenerating the
docs (``python scripts/gen_docs.py``) fails here, so docs/cli.md and docs/api-reference.md cannot drift."""

from __future__ import annotations

from api.reference_docs import api_reference, cli_reference, openapi_document
from tests.conftest import REPO


def test_cli_reference_is_current() -> None:
    on_disk = (REPO / "docs" / "cli.md").read_text(encoding="utf-8")
    assert on_disk == cli_reference(), "docs/cli.md is stale: run python scripts/gen_docs.py"


def test_api_reference_is_current() -> None:
    on_disk = (REPO / "docs" / "api-reference.md").read_text(encoding="utf-8")
    assert on_disk == api_reference(openapi_document()), "docs/api-reference.md is stale: run python scripts/gen_docs.py"


def test_cli_reference_follows_the_workflow_order() -> None:
    text = cli_reference()
    order = ["platgraph db`", "platgraph sample`", "platgraph ingest`", "platgraph analyze`",
             "platgraph overlaps`", "platgraph plan`", "platgraph report`", "platgraph serve`", "platgraph demo`"]
    positions = [text.index(f"`{name}") for name in order]
    assert positions == sorted(positions)
    for panel in ("引擎 / Engine", "数据 / Data", "分析 / Analyses", "输出 / Outputs", "演示 / Demo"):
        assert panel in text
