"""The ``platgraph`` command line (Typer + Rich). Each command group lives in ``api/commands/``."""

from __future__ import annotations

import typer

from api.commands import analyze, db, demo, gaps
from api.commands import coverage as coverage_cmd
from api.commands import overlaps as overlaps_cmd
from api.commands import plan as plan_cmd
from api.commands.export import export as export_command
from api.commands.ingest import ingest as ingest_command
from api.commands.quality import quality as quality_command
from api.commands.report import report as report_command
from api.commands.sample import sample as sample_command
from api.commands.serve import serve as serve_command
from api.commands.viz import viz as viz_command
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
app.command(name="sample")(sample_command)
app.command(name="viz")(viz_command)
app.command(name="ingest")(ingest_command)
app.command(name="report")(report_command)
app.add_typer(overlaps_cmd.app, name="overlaps")
app.command(name="gaps")(gaps.gaps)
app.command(name="analyze")(analyze.analyze)
app.command(name="demo")(demo.demo)
app.command(name="coverage")(coverage_cmd.coverage)
app.add_typer(plan_cmd.app, name="plan")
app.command(name="talent")(plan_cmd.talent)
app.command(name="serve")(serve_command)
app.command(name="export")(export_command)
app.command(name="quality")(quality_command)


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
