"""Shared CLI plumbing: the Rich console, output formats, and turning errors into exit codes.

Why here: every command prints a table for people or JSON for scripts (docs/cli.md), and every
user-facing failure must end with a clear message and the right exit code, never a traceback.
"""

from __future__ import annotations

import functools
import json
import sys
from collections.abc import Callable, Iterable, Sequence
from enum import StrEnum
from typing import Any, TypeVar

import typer
from rich.console import Console
from rich.table import Table

from graph.errors import PlatgraphError

console = Console()
err_console = Console(stderr=True)

F = TypeVar("F", bound=Callable[..., Any])


class OutputFormat(StrEnum):
    table = "table"
    json = "json"


def print_json(data: Any) -> None:
    """JSON on stdout, UTF-8 with Chinese kept readable (ensure_ascii=False)."""
    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2, default=str) + "\n")
    sys.stdout.flush()


def print_table(title: str, columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
    table = Table(title=title, show_lines=False)
    for column in columns:
        table.add_column(column)
    for row in rows:
        table.add_row(*("" if v is None else str(v) for v in row))
    console.print(table)


def handle_errors(func: F) -> F:
    """Decorator for commands: PlatgraphError → message on stderr + its exit code."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except PlatgraphError as exc:
            err_console.print(f"[bold red]✗[/] {exc}", highlight=False, soft_wrap=True)
            raise typer.Exit(code=exc.exit_code) from None
        except OSError as exc:
            # An output file or folder that cannot be written (read-only, disk full, no permission):
            # the user picks another place; exit 2 like any other unusable path (tests/test_faults_disk.py).
            from graph.i18n import tr

            err_console.print("[bold red]✗[/] " + tr("无法写入或读取 {f}：{e}", "cannot write or read {f}: {e}",
                                                     f=exc.filename or "", e=exc.strerror or exc),
                              highlight=False, soft_wrap=True)
            raise typer.Exit(code=2) from None

    return wrapper  # type: ignore[return-value]  # functools.wraps keeps the signature F promises
