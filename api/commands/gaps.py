"""``platgraph gaps``: collaboration gaps (产学研用) per industry and city, from the latest analysis.

Reads what ``platgraph analyze`` wrote back; when no analysis has run yet it runs the gap analysis
once (under its own AnalysisRun) so the command always answers.
"""

from __future__ import annotations

import typer

from api.console import OutputFormat, console, handle_errors, print_json, print_table
from graph.i18n import current_lang, tr
from graph.store import Store

SECTOR_SHORT = {"industry": ("产", "I"), "academia": ("学", "A"), "research": ("研", "R"), "user": ("用", "U")}


def _sector(code: str, lang: str) -> str:
    zh, en = SECTOR_SHORT.get(code, (code, code))
    return zh if lang == "zh" else en


def _fmt(value: float | None) -> str:
    return "—" if value is None else f"{value:.4f}"


def _ensure_analysis(store: Store) -> None:
    from queries.collaboration import run_gap_analysis
    from queries.collaboration.cypher import LATEST_GAP_RUN
    from queries.runs import ensure_analysed

    ensure_analysed(store, "collaboration", run_gap_analysis, LATEST_GAP_RUN)


@handle_errors
def gaps(
    industry: str = typer.Option(None, "--industry", help="产业名称或别名 / industry name or alias"),
    city: str = typer.Option(None, "--city", help="城市，如 柳州 / city, e.g. 柳州"),
    limit: int = typer.Option(100, "--limit", min=1, help="平台与建议的最多条数 / max platforms and suggestions"),
    fmt: OutputFormat = typer.Option(OutputFormat.table, "--format", help="table | json"),
) -> None:
    """产学研用协同缺口 / Collaboration gaps: missing sector ties, single-sector platforms, partners."""
    from queries.collaboration import read_gaps

    lang = current_lang()
    with Store() as store:
        store.verify()
        _ensure_analysis(store)
        data = read_gaps(store, industry=industry, city=city, lang=lang, limit=limit)
    if fmt is OutputFormat.json:
        print_json(data)
        return
    s = lambda c: _sector(c, lang)  # noqa: E731
    print_table(
        tr("产学研用协同（运行 {run}）", "Sector collaboration (run {run})", run=data["run"]),
        [tr("产业", "industry"), tr("产/学/研/用 单位数", "I/A/R/U institutions"), "T3", "T4",
         tr("缺口（按严重程度）", "gaps (ranked)"), tr("中介单位", "brokers")],
        [(e["name"], "/".join(str(e["sectors"].get(c, 0)) for c in SECTOR_SHORT),
          _fmt(e["synergy"]["t3"]), _fmt(e["synergy"]["t4"]),
          "; ".join(f"{s(g['sectors'][0])}{s(g['sectors'][1])}:{g['kind']}" for g in e["missing_pairs"]),
          ", ".join(b["name"] for b in e["brokers"][:3]))
         for e in data["industries"]],
    )
    print_table(
        tr("单一部门平台（共 {n} 个）", "Single-sector platforms ({n} in all)", n=data["single_sector_total"]),
        [tr("编号", "id"), tr("平台", "platform"), tr("部门", "sector"), tr("缺少", "missing")],
        [(p["id"], p["name"], s(p["sector"]), "".join(s(m) for m in p["missing_sectors"] or []))
         for p in data["single_sector_platforms"]],
    )
    print_table(
        tr("建议合作伙伴", "Suggested partners"),
        [tr("企业", "enterprise"), tr("建议伙伴", "partner"), tr("产业", "industry"), tr("得分", "score"),
         tr("理由", "reason")],
        [(x["enterprise"]["name"], x["partner"]["name"], x["industry"], f"{x['score']:.3f}", x["reason"])
         for x in data["suggested_partners"]],
    )
    if not data["industries"]:
        console.print(tr("没有符合条件的产业数据", "no industry data matches the filters"))
