"""Rewrite the generated references: docs/cli.md (from the Typer app) and docs/api-reference.md
(from the OpenAPI document). ``tests/test_docs_generated.py`` fails when they are out of date."""

from __future__ import annotations

import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from api.reference_docs import api_reference, cli_reference, openapi_document  # noqa: E402


def main() -> None:
    (REPO / "docs" / "cli.md").write_text(cli_reference(), encoding="utf-8")
    (REPO / "docs" / "api-reference.md").write_text(api_reference(openapi_document()), encoding="utf-8")
    print("docs/cli.md and docs/api-reference.md rewritten")


if __name__ == "__main__":
    main()
