"""``platgraph viz OUT``: a self-contained pyvis HTML of one subgraph, for planners without internet.

Exactly one of ``--around`` (a platform, institution, person or industry by name, alias or key),
``--industry`` (an industry with its chain segments, the platforms serving them and their hosts)
or ``--overlap-group`` (an overlap group from the last analysis) chooses what to draw.
"""

from __future__ import annotations

from pathlib import Path

import typer

from api.console import OutputFormat, console, handle_errors, print_json
from graph.errors import UsageError
from graph.i18n import as_lang, tr
from graph.store import Store
from viz import graphdata, pyvis_export


@handle_errors
def viz(
    out: Path = typer.Argument(..., help="输出的 HTML 文件 / the HTML file to write", dir_okay=False),
    around: str = typer.Option(None, "--around", help="以该节点为中心（名称、别名或编号）/ centre on this node"),
    industry: str = typer.Option(None, "--industry", help="产业（名称或别名）/ an industry"),
    overlap_group: str = typer.Option(None, "--overlap-group", help="重叠组编号 / an overlap group id"),
    depth: int = typer.Option(1, "--depth", min=1, max=2, help="--around 的跳数 / hops for --around (1–2)"),
    limit: int = typer.Option(graphdata.DEFAULT_LIMIT, "--limit", min=1, max=graphdata.MAX_LIMIT,
                              help="节点上限 / node cap"),
    lang: str = typer.Option(None, "--lang", help="zh | en（默认当前语言 / default: current language）"),
    fmt: OutputFormat = typer.Option(OutputFormat.table, "--format", help="table | json"),
) -> None:
    """导出子图为离线可用的 pyvis 网页 / Write a subgraph as a self-contained, offline pyvis HTML."""
    chosen = [v for v in (around, industry, overlap_group) if v]
    if len(chosen) != 1:
        raise UsageError(tr("请给出且只给出 --around、--industry、--overlap-group 之一",
                            "give exactly one of --around, --industry, --overlap-group"))
    if lang not in (None, "zh", "en"):
        raise UsageError(tr("--lang 只能是 zh 或 en", "--lang must be zh or en"))
    language = as_lang(lang)
    if out.suffix.lower() not in (".html", ".htm"):
        raise UsageError(tr("输出文件须以 .html 结尾：{p}", "the output file must end in .html: {p}", p=out))
    with Store() as store:
        store.verify()
        if around:
            graph = graphdata.around_name(store, around, depth=depth, limit=limit, lang=language)
        elif industry:
            graph = graphdata.industry(store, industry, limit=limit, lang=language)
        else:
            graph = graphdata.overlap_group(store, overlap_group, limit=limit, lang=language)
    try:
        path = pyvis_export.write_html(graph, out, language)
    except OSError as exc:
        raise UsageError(tr("无法写入 {p}：{e}", "cannot write {p}: {e}", p=out, e=exc.strerror or exc)) from exc
    result = {"file": str(path), "title": graph.title, "nodes": len(graph.nodes), "edges": len(graph.edges),
              "truncated": graph.truncated}
    if fmt is OutputFormat.json:
        print_json(result)
    else:
        console.print(tr("✓ 已写入 {p}（{n} 个节点，{e} 条边{t}）", "✓ wrote {p} ({n} nodes, {e} edges{t})",
                         p=path, n=result["nodes"], e=result["edges"],
                         t=tr("，已按上限截断", ", cut at the node limit") if graph.truncated else ""))
