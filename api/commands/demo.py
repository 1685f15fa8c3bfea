"""``platgraph demo``: the README's main job, end to end, on the sample dataset.

Start (or reach) Neo4j → schema and reference data → write the sample → ingest it → run every
analysis → write the network report (Word and HTML) → say where everything is. Each step is the
same code the individual commands run, so the demo proves the whole product on one machine.
"""

from __future__ import annotations

from pathlib import Path

import typer

from api.console import console, handle_errors
from graph import local_neo4j
from graph.database import migrate_database
from graph.errors import UsageError
from graph.i18n import current_lang, tr
from graph.settings import get_settings
from graph.store import Store

HAS_PLATFORMS = "MATCH (p:Platform) RETURN count(p) AS n"


@handle_errors
def demo(
    out: Path = typer.Option(Path("out"), "--out", help="输出目录 / output folder"),
    platforms: int = typer.Option(2000, "--platforms", min=10, help="样例平台数 / sample size"),
    seed: int = typer.Option(7, "--seed", help="样例随机种子 / sample seed"),
    platforms_only: bool = typer.Option(
        False, "--platforms-only",
        help="只导入平台清单（名称、类型、级别、依托单位简称、城市、年份），如实际收到的清单；需空图谱 / load only "
             "the platform list (as a real list arrives) into an empty graph"),
) -> None:
    """一键演示：启动 Neo4j、加载样例、分析、生成报告 / Run the whole demo end to end."""
    from ingest.pipeline import ingest_dataset
    from ingest.sample import generate_sample
    from queries.analyze import run_all
    from viz.report import build_report

    settings = get_settings()
    out.mkdir(parents=True, exist_ok=True)
    lang = current_lang()
    step = 0

    def say(zh: str, en: str, **fmt: object) -> None:
        nonlocal step
        step += 1
        console.print(f"[bold cyan]{step}.[/] " + tr(zh, en, lang, **fmt))

    if settings.uses_local_engine:
        with console.status(tr("正在启动本地 Neo4j…", "Starting the local Neo4j…")):
            info = local_neo4j.start(settings)
        say("Neo4j 就绪：{uri}", "Neo4j ready at {uri}", uri=settings.neo4j_uri)
        del info
    with Store(settings) as store:
        store.verify()
        counts = migrate_database(store)
        say("图模式与参考数据：{c}", "schema and reference data: {c}", c=counts)

        sample_dir = out / "sample"
        truth = generate_sample(sample_dir, platforms=platforms, seed=seed)
        say("样例数据已写入 {d}（{n} 个平台）", "sample written to {d} ({n} platforms)", d=sample_dir,
            n=truth.get("platforms_requested", platforms))

        only = sample_dir / truth["platforms_only"]["file"]
        if platforms_only:
            if store.read(HAS_PLATFORMS)[0]["n"]:
                raise UsageError(tr("图谱中已有平台；平台清单演示需要空图谱：先运行 platgraph db reset --yes",
                                    "the graph already holds platforms; the platform-list demo needs an empty graph: "
                                    "run platgraph db reset --yes first"))
            summary = ingest_dataset(store, only.parent, rejects_path=out / "rejects-platforms-only.csv",
                                     progress=console.is_terminal)
        else:
            summary = ingest_dataset(store, sample_dir, rejects_path=out / "rejects.csv",
                                     progress=console.is_terminal)
        say("已导入 {read} 行，拒收 {rej} 行（见 {file}）", "ingested {read} rows, {rej} rejected (see {file})",
            read=summary["read"], rej=summary["rejected"], file=summary.get("rejects_file"))
        if platforms_only:
            quality = summary.get("quality", {})
            say("由平台清单创建单位 {c} 个；依托单位缺失 {m} 个、无法识别 {u} 个（明细：platgraph quality）",
                "{c} institutions created from the list; {m} platforms without a host, {u} with an unrecognised "
                "host (details: platgraph quality)", c=quality.get("institutions_created", 0),
                m=quality.get("host_missing", 0), u=quality.get("host_unresolved", 0))
        else:
            say("另附平台清单数据集（仅平台表）：{d}；演示：platgraph db reset --yes && platgraph demo --platforms-only",
                "also written: the platforms-only dataset {d}; demo it with platgraph db reset --yes && "
                "platgraph demo --platforms-only", d=only)

        with console.status(tr("正在分析…", "Analysing…")):
            analysis = run_all(store)
        say("分析完成：运行 {run}，用时 {s} 秒", "analyses done: run {run}, {s} s", run=analysis["run"],
            s=analysis["seconds"])

        reports = []
        stem = f"report-platforms-only-{lang}" if platforms_only else f"report-{lang}"
        for fmt in ("docx", "html"):
            path = build_report(store, out / f"{stem}.{fmt}", fmt=fmt, lang=lang)
            reports.append(path)
        say("网络分析报告：{paths}", "network report: {paths}", paths=", ".join(str(p) for p in reports))

        from api.commands.plan import write_plan_workbook
        from queries.plan import build_plan

        workbook = out / f"plan-{lang}.xlsx"
        write_plan_workbook(store, build_plan(store, lang=lang), workbook, lang=lang)
        say("方案工作簿（在“决定”列作出决定后运行 platgraph plan apply）：{p}",
            "plan workbook (decide in the 决定 column, then run platgraph plan apply): {p}", p=workbook)
    console.print(tr("[bold green]✓ 完成。[/] 浏览图谱：platgraph serve，然后打开 http://127.0.0.1:8000/explore",
                     "[bold green]✓ Done.[/] Explore the graph: platgraph serve, then open http://127.0.0.1:8000/explore"))
