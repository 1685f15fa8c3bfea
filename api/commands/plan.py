"""``platgraph plan`` (the three batches), ``platgraph plan what-if`` and ``platgraph talent``.

The plan is drafted live from the graph (coverage computed on the spot, overlap groups from the
latest overlap run), so it always reflects the data as it is; ``what-if`` checks a proposed set of
merges and retirements before anyone commits to it.
"""

from __future__ import annotations

import typer

from api.console import OutputFormat, console, handle_errors, print_json, print_table
from graph.i18n import current_lang, tr
from graph.store import Store

app = typer.Typer(help="三批清单：优化调整 / 撤销淘汰 / 新认定建设 / the three-batch plan", invoke_without_command=True)


def _split(values: list[str] | None) -> list[str]:
    return [v.strip() for raw in values or [] for v in raw.replace("，", ",").split(",") if v.strip()]


@app.callback()
@handle_errors
def plan(
    ctx: typer.Context,
    top: int = typer.Option(20, "--top", min=1, help="新建批次取前 N 个缺口 / build: the top N gaps"),
    inactive_years: int = typer.Option(5, "--inactive-years", min=1,
                                       help="建设中超过 N 年视为长期未运行 / years 'building' before long inactive"),
    fmt: OutputFormat = typer.Option(OutputFormat.table, "--format", help="table | json"),
) -> None:
    """三批清单及目标对照 / The three batches (optimise, retire, build) with reasons, and targets vs actual."""
    if ctx.invoked_subcommand is not None:
        return
    from queries.plan import build_plan

    lang = current_lang()
    with Store() as store:
        store.verify()
        data = build_plan(store, lang=lang, build_top=top, inactive_years=inactive_years)
    if fmt is OutputFormat.json:
        print_json(data)
        return
    print_table(
        tr("优化调整（{n} 组）", "Optimise ({n} groups)", n=len(data["optimise"])),
        [tr("组", "group"), tr("建议", "recommendation"), tr("保留", "keep"), tr("平台", "platforms"),
         tr("理由", "reasons"), tr("覆盖损失", "coverage lost")],
        [(o["group"], o["recommendation_name"], o["keep"].get("name"), "、".join(p["name"] for p in o["platforms"]),
          "; ".join(r["text"] for r in o["reasons"]), "; ".join(x["reason"] for x in o["coverage_losses"]))
         for o in data["optimise"]],
    )
    print_table(
        tr("撤销淘汰（{n} 个）", "Retire ({n} platforms)", n=len(data["retire"])),
        [tr("编号", "id"), tr("平台", "platform"), tr("类型", "type"), tr("理由", "reasons"), tr("警示", "warning")],
        [(r["id"] or r["key"], r["name"], r["type"], "; ".join(x["text"] for x in r["reasons"]),
          "; ".join(x["reason"] for x in r["sole_coverage"])) for r in data["retire"]],
    )
    print_table(
        tr("新认定建设（前 {n} 个缺口）", "Build (top {n} gaps)", n=top),
        ["#", tr("产业", "industry"), tr("类别", "category"), tr("级别", "level"), tr("城市", "city"),
         tr("建议类型", "type"), tr("候选依托单位", "candidate hosts"), tr("理由", "reason")],
        [(b["rank"], b["industry"], b["category_name"], b["level_name"], b["city"], b["suggested_type"],
          "、".join(h["name"] for h in b["candidate_hosts"]), b["reasons"][0]["text"]) for b in data["build"]],
    )
    print_table(
        tr("建设目标对照", "Targets vs actual"),
        [tr("类型", "type"), tr("级别", "level"), tr("年份", "year"), tr("保有", "holding"),
         tr("目标总量", "target total"), tr("差距", "distance"), tr("期内新建", "new in period"),
         tr("新建目标", "target new"), tr("已整合/撤销", "integrated/revoked"), tr("整合目标", "target integrated"),
         tr("计划后保有", "after plan")],
        [(t["type"], t["level"], t["year"], t["holding"], t["target_total"], t["distance_total"], t["new_in_period"],
          t["target_new"], t["integrated_or_revoked_now"], t["target_integrated_or_revoked"], t["holding_after_plan"])
         for t in data["targets"] if t["target_key"]],
    )
    impact = data["impact"]
    if impact["safe"]:
        console.print(tr("✓ 整套方案不会让任何产业或城市失去唯一覆盖", "✓ the whole draft opens no new coverage gap"))
    else:
        console.print(tr("⚠ 整套方案将造成 {n} 处覆盖损失（详见 --format json 的 impact）",
                         "⚠ the whole draft would lose {n} coverage units (see impact in --format json)",
                         n=len(impact["losses"])))


@app.command("what-if")
@handle_errors
def what_if_command(
    merge: list[str] = typer.Option(None, "--merge", help="合并的平台（逗号分隔，首个保留；可重复）/ platforms to "
                                    "merge, comma-separated, first one keeps; repeatable"),
    retire: list[str] = typer.Option(None, "--retire", help="撤销的平台（逗号分隔，可重复）/ platforms to retire"),
    fmt: OutputFormat = typer.Option(OutputFormat.table, "--format", help="table | json"),
) -> None:
    """假设分析：合并/撤销这些平台会让哪些产业、城市失去唯一覆盖 / What merging or retiring would uncover."""
    from graph.errors import UsageError
    from queries.plan import what_if

    groups = [_split([m]) for m in merge or []]
    retire_keys = _split(retire)
    if not groups and not retire_keys:
        raise UsageError(tr("请用 --merge 或 --retire 指定平台", "name platforms with --merge or --retire"))
    with Store() as store:
        store.verify()
        data = what_if(store, merge=groups, retire=retire_keys, lang=current_lang())
    if fmt is OutputFormat.json:
        print_json(data)
        return
    if data["safe"]:
        console.print(tr("✓ 不会让任何产业或城市失去唯一覆盖", "✓ no industry or city loses its only coverage"))
        return
    print_table(
        tr("将失去的覆盖", "Coverage that would be lost"),
        [tr("产业", "industry"), tr("类型", "kind"), tr("值", "value"), tr("原因", "reason")],
        [(x["industry"], x["kind"], x["value"], x["reason"]) for x in data["losses"]],
    )


@handle_errors
def talent(
    min_roles: int = typer.Option(3, "--min-roles", min=2, help="任职平台数阈值 / roles threshold"),
    fmt: OutputFormat = typer.Option(OutputFormat.table, "--format", help="table | json"),
) -> None:
    """人才视图：多平台兼职人员、高级人才偏少的产业 / Over-stretched researchers, industries thin on seniors."""
    from queries.coverage import talent_view

    with Store() as store:
        store.verify()
        data = talent_view(store, min_roles=min_roles, lang=current_lang())
    if fmt is OutputFormat.json:
        print_json(data)
        return
    print_table(
        tr("多平台任职人员（≥{n} 个平台）", "Researchers in ≥{n} platforms", n=min_roles),
        [tr("姓名", "name"), tr("单位", "institution"), tr("职称", "title"), tr("平台数", "platforms"),
         tr("平台与角色", "platforms and roles"), tr("迹象", "signs")],
        [(r["name"], r["institution"], r["title"], r["platforms"],
          "; ".join(f"{x['name']}（{x['role_name']}）" for x in r["roles"]), "; ".join(r["signs"]))
         for r in data["overstretched"]],
    )
    print_table(
        tr("产业高级人才", "Senior people by industry"),
        [tr("产业", "industry"), tr("平台", "platforms"), tr("人员", "people"), tr("高级", "senior"),
         tr("每平台高级人才", "senior per platform"), tr("偏少", "thin")],
        [(r["industry"], r["platforms"], r["people"], r["senior"], r["senior_per_platform"],
          "⚠" if r["thin"] else "") for r in data["industries"]],
    )
