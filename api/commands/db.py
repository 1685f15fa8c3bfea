"""``platgraph db …``: the local Neo4j engine and the schema."""

from __future__ import annotations

import sys
from pathlib import Path

import typer

from api.console import OutputFormat, console, handle_errors, print_json, print_table
from graph import local_neo4j
from graph.backup import backup as backup_store
from graph.backup import restore as restore_store
from graph.database import migrate_database, wipe_graph
from graph.errors import UsageError
from graph.i18n import tr
from graph.locks import refuse_if_held
from graph.settings import Settings, check_destructive_target, get_settings
from graph.store import Store

app = typer.Typer(help="本地 Neo4j 引擎与图模式 / the local Neo4j engine and the graph schema", no_args_is_help=True)


@app.command()
@handle_errors
def start(
    migrate: bool = typer.Option(True, help="创建约束/索引并加载参考数据 / apply schema and reference data"),
) -> None:
    """启动本地 Neo4j（后台运行，仅监听 127.0.0.1）/ Start the local Neo4j (background, loopback only)."""
    settings = get_settings()
    with console.status(tr("正在启动 Neo4j…", "Starting Neo4j…")):
        info = local_neo4j.start(settings)
    if info["started"]:
        console.print(tr("✓ Neo4j 已启动：{uri}（pid {pid}，用时 {s} 秒）", "✓ Neo4j started at {uri} (pid {pid}, {s} s)",
                         uri=settings.neo4j_uri, pid=info["pid"], s=info["seconds"]))
    else:
        console.print(tr("✓ Neo4j 已在运行：{uri}（pid {pid}）", "✓ Neo4j already running at {uri} (pid {pid})",
                         uri=settings.neo4j_uri, pid=info["pid"]))
    if migrate:
        with Store(settings) as store:
            counts = migrate_database(store)
        console.print(tr("✓ 图模式与参考数据就绪：{c}", "✓ schema and reference data ready: {c}", c=counts))


@app.command()
@handle_errors
def stop() -> None:
    """停止本地 Neo4j（干净关闭）/ Stop the local Neo4j cleanly."""
    settings = get_settings()
    if local_neo4j.stop(settings):
        console.print(tr("✓ Neo4j 已停止", "✓ Neo4j stopped"))
    else:
        console.print(tr("Neo4j 没有在运行", "Neo4j is not running"))


@app.command()
@handle_errors
def status(fmt: OutputFormat = typer.Option(OutputFormat.table, "--format", help="table | json")) -> None:
    """数据库状态 / Database status: running, URI, version, node and relationship counts."""
    settings = get_settings()
    result: dict = {"running": False, "uri": settings.neo4j_uri, "version": None, "nodes": None,
                    "relationships": None}
    try:
        with Store(settings, max_retry_seconds=1.0) as store:
            store.verify()
            info = store.server_info()
        result.update(running=True, version=info.get("version"), edition=info.get("edition"),
                      nodes=info.get("nodes"), relationships=info.get("relationships"))
    except Exception as exc:  # noqa: BLE001 - status reports any failure as "not running"
        result["error"] = str(exc)
    if settings.uses_local_engine:
        result["local_engine"] = {"pid_running": local_neo4j.is_running(settings),
                                  "rss_mb": local_neo4j.process_rss_mb(settings),
                                  "home": str(settings.home)}
    if fmt is OutputFormat.json:
        print_json(result)
    else:
        rows = [(k, v) for k, v in result.items()]
        print_table(tr("数据库状态", "Database status"), [tr("项目", "item"), tr("值", "value")], rows)
    if not result["running"]:
        raise typer.Exit(code=3)


@app.command()
@handle_errors
def migrate() -> None:
    """创建约束、索引并加载参考数据（幂等）/ Apply constraints, indexes and reference data (idempotent)."""
    with Store() as store:
        store.verify()
        counts = migrate_database(store)
    console.print(tr("✓ 图模式与参考数据就绪：{c}", "✓ schema and reference data ready: {c}", c=counts))


def confirm_target(settings: Settings, yes: bool, database: str | None, what_zh: str, what_en: str) -> None:
    """Name the target (URI and database) before a destructive command, then require ``--yes`` and,
    when the URI is not the local engine, the database's name (``--database`` or typed at a prompt)."""
    console.print(tr("目标：{t}", "target: {t}", t=settings.target), highlight=False)
    if not yes:
        raise UsageError(tr("{w}；确认请加 --yes", "{w}; add --yes to confirm", w=tr(what_zh, what_en)))
    if database is None and not settings.uses_local_engine and sys.stdin.isatty():
        database = typer.prompt(tr("目标不是本地引擎；请输入数据库名确认", "the target is not the local engine; "
                                   "type the database name to confirm"))
    check_destructive_target(settings, database)


DatabaseOption = typer.Option(None, "--database", help="非本地引擎时须给出数据库名确认 / the database name, "
                              "required to confirm when the URI is not the local engine")


@app.command()
@handle_errors
def reset(yes: bool = typer.Option(False, "--yes", help="确认清空 / confirm emptying the graph"),
          database: str | None = DatabaseOption) -> None:
    """清空图中的全部数据（保留约束与索引，并重新加载参考数据）/ Empty the graph (keeps the schema)."""
    settings = get_settings()
    confirm_target(settings, yes, database, "这会删除图中的全部数据", "this deletes every node")
    with Store(settings) as store:
        store.verify()
        refuse_if_held(store)  # never under a running ingest (exit 4)
        wipe_graph(store)
        counts = migrate_database(store)
    console.print(tr("✓ 图已清空，参考数据已重新加载：{c}", "✓ graph emptied; reference data reloaded: {c}", c=counts))


@app.command()
@handle_errors
def backup(target: Path = typer.Argument(..., help="备份目录 / folder for the backup")) -> None:
    """备份本地数据库（短暂停机以保证一致）/ Back up the local store (briefly stops the engine)."""
    manifest = backup_store(get_settings(), target)
    console.print(tr("✓ 已备份到 {d}：{m}", "✓ backed up to {d}: {m}", d=target, m=manifest))


@app.command()
@handle_errors
def restore(
    source: Path = typer.Argument(..., help="备份目录 / backup folder"),
    yes: bool = typer.Option(False, "--yes", help="确认覆盖当前数据库 / confirm replacing the current store"),
) -> None:
    """用备份替换本地数据库 / Replace the local store with a backup."""
    settings = get_settings()
    confirm_target(settings, yes, None, "这会替换当前数据库", "this replaces the current store")
    counts = restore_store(settings, source)
    console.print(tr("✓ 已恢复：{c}", "✓ restored: {c}", c=counts))
