"""The ``platgraph`` command line (Typer + Rich). Each command group lives in ``api/commands/``."""

from __future__ import annotations

from typing import Any

import typer
from typer.core import TyperGroup

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
from graph.i18n import as_lang, set_lang
from graph.logs import configure_logging

# The order of the work: engine, data, analyses, outputs, demo. Typer lists plain commands before
# command groups; this group lists them in this order instead (commands not named here come last).
WORKFLOW_ORDER = ("db", "sample", "ingest", "export", "quality", "analyze", "overlaps", "gaps", "coverage",
                  "talent", "plan", "report", "viz", "serve", "demo")


class WorkflowOrderGroup(TyperGroup):
    """A Typer group that lists its commands in the planners' workflow order."""

    # ctx: Any because the Context class is typer's vendored click (private typer._click) in typer
    # 0.29 and click's own in older typer; the argument is not used.
    def list_commands(self, ctx: Any) -> list[str]:
        names = list(self.commands)
        rank = {name: i for i, name in enumerate(WORKFLOW_ORDER)}
        return sorted(names, key=lambda name: (rank.get(name, len(rank)), names.index(name)))


app = typer.Typer(
    name="platgraph",
    cls=WorkflowOrderGroup,
    help="科技创新平台知识图谱 / platgraph: a knowledge graph of S&T innovation platforms",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
# Commands in the order planners work, one panel per stage (``platgraph --help`` shows them so, and
# the generated docs/cli.md follows). One line per command; the modules live in api/commands/.
ENGINE = "1 引擎 / Engine"
DATA = "2 数据 / Data"
ANALYSES = "3 分析 / Analyses"
OUTPUTS = "4 输出 / Outputs"
DEMO = "5 演示 / Demo"

app.add_typer(db.app, name="db", rich_help_panel=ENGINE)
app.command(name="sample", rich_help_panel=DATA)(sample_command)
app.command(name="ingest", rich_help_panel=DATA)(ingest_command)
app.command(name="export", rich_help_panel=DATA)(export_command)
app.command(name="quality", rich_help_panel=DATA)(quality_command)
app.command(name="analyze", rich_help_panel=ANALYSES)(analyze.analyze)
app.add_typer(overlaps_cmd.app, name="overlaps", rich_help_panel=ANALYSES)
app.command(name="gaps", rich_help_panel=ANALYSES)(gaps.gaps)
app.command(name="coverage", rich_help_panel=ANALYSES)(coverage_cmd.coverage)
app.command(name="talent", rich_help_panel=ANALYSES)(plan_cmd.talent)
app.add_typer(plan_cmd.app, name="plan", rich_help_panel=ANALYSES)
app.command(name="report", rich_help_panel=OUTPUTS)(report_command)
app.command(name="viz", rich_help_panel=OUTPUTS)(viz_command)
app.command(name="serve", rich_help_panel=OUTPUTS)(serve_command)
app.command(name="demo", rich_help_panel=DEMO)(demo.demo)


@app.callback()
def _global(
    lang: str = typer.Option(None, "--lang", help="zh | en (默认 PLATGRAPH_LANG 或 zh)", envvar="PLATGRAPH_LANG"),
) -> None:
    configure_logging()
    if lang in ("zh", "en"):
        set_lang(as_lang(lang))


def main() -> None:
    app()


if __name__ == "__main__":
    main()
