"""``platgraph sample OUT``: write the deterministic Guangxi sample dataset and its ``truth.json``."""

from __future__ import annotations

from pathlib import Path

import typer

from api.console import OutputFormat, console, handle_errors, print_json, print_table
from graph.errors import UsageError
from graph.i18n import tr
from ingest.sample import MIN_PLATFORMS, TRUTH_FILE, generate_sample

TEMPLATE_NAMES = {
    "institutions": ("单位", "institutions"), "platforms": ("平台", "platforms"), "researchers": ("人才", "researchers"),
    "memberships": ("平台人员", "memberships"), "industries": ("产业", "industries"),
    "collaborations": ("合作", "collaborations"), "targets": ("建设目标", "targets"),
}


@handle_errors
def sample(
    out: Path = typer.Argument(..., help="输出目录 / output folder"),
    platforms: int = typer.Option(2000, "--platforms", help="平台数量（其余按比例缩放）/ number of platforms (the rest scales)"),
    seed: int = typer.Option(7, "--seed", help="随机种子 / random seed"),
    xlsx: bool = typer.Option(False, "--xlsx", help="另写一份 XLSX 工作簿 / also write an XLSX workbook"),
    fmt: OutputFormat = typer.Option(OutputFormat.table, "--format", help="table | json"),
) -> None:
    """生成示例数据集与 truth.json / Write the sample dataset and its truth.json."""
    if platforms < MIN_PLATFORMS:
        raise UsageError(tr("--platforms 至少为 {n}", "--platforms must be at least {n}", n=MIN_PLATFORMS))
    if out.exists() and not out.is_dir():
        raise UsageError(tr("{p} 已存在且不是目录", "{p} exists and is not a folder", p=out))
    try:
        with console.status(tr("正在生成示例数据…", "Generating the sample…")):
            truth = generate_sample(out, platforms=platforms, seed=seed, xlsx=xlsx)
    except OSError as exc:
        raise UsageError(tr("无法写入 {p}：{e}", "cannot write {p}: {e}", p=out, e=exc)) from exc
    summary = _summary(out, truth)
    if fmt is OutputFormat.json:
        print_json(summary)
        return
    console.print(tr("✓ 示例数据已写入 {p}", "✓ sample written to {p}", p=out.resolve()))
    rows = []
    for template, info in truth["files"].items():
        zh, en = TEMPLATE_NAMES[template]
        rows.append((tr(zh, en), info["file"], info["encoding"], truth["rows_read"][template]))
    print_table(tr("文件", "Files"), [tr("模板", "template"), tr("文件名", "file"), tr("编码", "encoding"),
                                      tr("数据行", "rows")], rows)
    counts = truth["expected_counts"]
    print_table(tr("导入后应有的数量", "Expected counts after ingest"), [tr("类别", "kind"), tr("名称", "name"), tr("数量", "count")],
                [(tr("节点", "node"), k, v) for k, v in counts["nodes"].items()]
                + [(tr("关系", "relationship"), k, v) for k, v in counts["relationships"].items()])
    planted = [
        (tr("重复/交叉平台组", "overlap groups"), len(truth["overlap_groups"])),
        (tr("易误判的非重复对", "hard non-overlaps"), len(truth["hard_non_overlaps"])),
        (tr("单一主体平台", "single-sector platforms"), len(truth["single_sector_platforms"])),
        (tr("从未合作的产业/主体对", "never-collaborating pairs"), len(truth["never_collaborating"])),
        (tr("布局空白", "coverage gaps"), len(truth["coverage_gaps"])),
        (tr("应撤销/整改平台", "platforms to retire"), len(truth["retire"])),
        (tr("故意埋入的错误行", "planted bad rows"), len(truth["rejects"])),
    ]
    print_table(tr("埋入的已知答案（truth.json）", "Planted answers (truth.json)"), [tr("项目", "item"), tr("数量", "count")], planted)


def _summary(out: Path, truth: dict) -> dict:
    return {
        "out": str(out.resolve()),
        "truth": str((out / TRUTH_FILE).resolve()),
        "xlsx": str((out / truth["xlsx"]).resolve()) if truth["xlsx"] else None,
        "seed": truth["seed"],
        "platforms": truth["platforms_requested"],
        "rows_read": truth["rows_read"],
        "expected_counts": truth["expected_counts"],
        "planted": {
            "overlap_groups": len(truth["overlap_groups"]),
            "hard_non_overlaps": len(truth["hard_non_overlaps"]),
            "single_sector_platforms": len(truth["single_sector_platforms"]),
            "never_collaborating": len(truth["never_collaborating"]),
            "coverage_gaps": len(truth["coverage_gaps"]),
            "retire": len(truth["retire"]),
            "rejects": len(truth["rejects"]),
        },
    }
