"""The ``platgraph`` command line (Typer + Rich). Each command group lives in ``api/commands/``."""

from __future__ import annotations

import typer

from api.commands import analyze, db, demo
from graph.i18n import set_lang

app = typer.Typer(
    name="platgraph",
    help="科技创新平台知识图谱 / platgraph: a knowledge graph of S&T innovation platforms",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
app.add_typer(db.app, name="db")
# Command modules register here, one line each (api/commands/<name>.py):
app.command(name="analyze")(analyze.analyze)
app.command(name="demo")(demo.demo)


@app.callback()
def _global(
    lang: str = typer.Option(None, "--lang", help="zh | en (默认 PLATGRAPH_LANG 或 zh)", envvar="PLATGRAPH_LANG"),
) -> None:
    if lang in ("zh", "en"):
        set_lang(lang)  # type: ignore[arg-type]


def main() -> None:
    app()


if __name__ == "__main__":
    main()
