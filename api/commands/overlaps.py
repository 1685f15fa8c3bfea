"""``platgraph overlaps``: duplicate platforms (交叉重复) and ``overlaps check FILE.json`` (申报查重).

The listing reads what ``platgraph analyze`` wrote back (running the overlap analysis once if none
has run yet); the check scores a proposed platform live and writes nothing.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import typer

from api.console import OutputFormat, console, handle_errors, print_json, print_table
from graph.errors import UsageError
from graph.i18n import current_lang, tr
from graph.store import Store

app = typer.Typer(help="交叉重复平台与申报查重 / overlapping platforms and the proposal check",
                  invoke_without_command=True)

REC_NAMES = {"merge": ("整合", "merge"), "integrate": ("一体化管理", "integrate"), "refocus": ("调整方向", "refocus"),
             "review": ("人工核查", "review")}


def _reasons(reasons: list[dict], n: int = 3) -> str:
    return "\n".join(r["detail"] for r in reasons[:n])


def _pair_rows(pairs: Sequence[Mapping[str, Any]]) -> list[tuple]:
    return [(f"{p['score']:.2f}", p["a"]["name"], p["b"]["name"] + (f"\n{p['b']['id']}" if p["b"]["id"] else ""),
             _reasons(p["reasons"])) for p in pairs]


def _pair_columns() -> list[str]:
    return [tr("得分", "score"), tr("平台甲", "platform A"), tr("平台乙", "platform B"), tr("理由", "reasons")]


@app.callback()
@handle_errors
def overlaps(
    ctx: typer.Context,
    type_: str = typer.Option(None, "--type", help="平台类型或类型族 / platform type or type family"),
    level: str = typer.Option(None, "--level", help="national | ministerial | regional | departmental | municipal（或 国家级/部级/自治区级/厅级/市级）"),
    city: str = typer.Option(None, "--city", help="城市，如 柳州 / city, e.g. 柳州"),
    industry: str = typer.Option(None, "--industry", help="产业或产业链环节 / industry or chain segment"),
    min_score: float = typer.Option(0.0, "--min-score", min=0.0, max=1.0, help="最低得分 / minimum score"),
    limit: int = typer.Option(100, "--limit", min=1, help="最多列出的平台对 / max pairs listed"),
    fmt: OutputFormat = typer.Option(OutputFormat.table, "--format", help="table | json"),
) -> None:
    """交叉重复平台：得分、理由与整合建议 / Overlapping platforms: scores, reasons, recommendations."""
    if ctx.invoked_subcommand is not None:
        return
    from queries.overlap import ensure_overlap_analysis, read_overlaps

    lang = current_lang()
    with Store() as store:
        store.verify()
        ensure_overlap_analysis(store)
        data = read_overlaps(store, min_score=min_score, type=type_, level=level, city=city,
                             industry=industry, limit=limit, lang=lang)
    if fmt is OutputFormat.json:
        print_json(data)
        return
    print_table(tr("交叉重复平台对（共 {n} 对，显示 {m} 对）", "Overlapping pairs ({n} in all, {m} shown)",
                   n=data["total"], m=len(data["pairs"])), _pair_columns(), _pair_rows(data["pairs"]))
    rows = [(g["id"], tr(*REC_NAMES.get(g["recommendation"], (g["recommendation"],) * 2)),
             g.get("keep_name") or g.get("keep") or "", "\n".join(p["name"] for p in g["platforms"]),
             "\n".join(g["reasons"])) for g in data["groups"]]
    if rows:
        print_table(tr("重复平台组与建议", "Overlap groups and recommendations"),
                    [tr("组", "group"), tr("建议", "recommendation"), tr("保留/牵头", "keep"),
                     tr("平台", "platforms"), tr("理由", "reasons")], rows)


def _read_proposal(path: Path) -> dict:
    try:
        text = path.read_text(encoding="utf-8-sig")
    except OSError as exc:
        raise UsageError(tr("无法读取文件 {p}：{e}", "cannot read {p}: {e}", p=path, e=exc.strerror)) from exc
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise UsageError(tr("{p} 不是有效的 JSON：第 {l} 行 {e}", "{p} is not valid JSON: line {l}: {e}",
                            p=path, l=exc.lineno, e=exc.msg)) from exc
    if not isinstance(data, dict):
        raise UsageError(tr("{p} 应为一个 JSON 对象", "{p} must hold one JSON object", p=path))
    return data


@app.command()
@handle_errors
def check(
    file: Path = typer.Argument(..., help="申报平台 JSON 文件 / the proposed platform as JSON"),
    min_score: float = typer.Option(None, "--min-score", min=0.0, max=1.0,
                                    help="最低得分（默认：分析阈值）/ minimum score (default: the threshold)"),
    fmt: OutputFormat = typer.Option(OutputFormat.table, "--format", help="table | json"),
) -> None:
    """申报查重：拟新建平台与现有平台的重复情况（不写入数据库）/ Check a proposal (writes nothing)."""
    from queries.overlap import check_proposal

    proposal = _read_proposal(file)
    lang = current_lang()
    with Store() as store:
        store.verify()
        data = check_proposal(store, proposal, lang=lang, min_score=min_score)
    if fmt is OutputFormat.json:
        print_json(data)
        return
    unmatched = data["resolved"]["unmatched"]
    if unmatched:
        console.print(tr("未能在图中找到：{u}", "not found in the graph: {u}", u="、".join(unmatched)))
    if not data["pairs"]:
        console.print(tr("✓ 未发现与现有平台的重复（阈值 {t}）", "✓ no overlap with existing platforms (threshold {t})",
                         t=data["threshold"]))
        return
    print_table(tr("可能重复的现有平台（{n} 个）", "Existing platforms it would overlap ({n})", n=len(data["pairs"])),
                _pair_columns(), _pair_rows(data["pairs"]))
