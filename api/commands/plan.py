"""``platgraph plan`` (the three batches), ``platgraph plan what-if`` and ``platgraph talent``.

The plan is drafted live from the graph (coverage computed on the spot, overlap groups from the
latest overlap run), so it always reflects the data as it is; ``what-if`` checks a proposed set of
merges and retirements before anyone commits to it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import typer

from api.console import OutputFormat, console, handle_errors, print_json, print_table
from graph.i18n import Lang, current_lang, tr
from graph.store import Store
from queries.quality import quality_items

app = typer.Typer(help="三批清单：优化调整 / 撤销淘汰 / 新认定建设 / the three-batch plan", invoke_without_command=True)


def _split(values: list[str] | None) -> list[str]:
    return [v.strip() for raw in values or [] for v in raw.replace("，", ",").split(",") if v.strip()]


@app.callback()
@handle_errors
def plan(
    ctx: typer.Context,
    top: int = typer.Option(None, "--top", min=1, help="新认定建设取前 N 项（默认按建设目标的新建数量）/ build: the "
                            "top N (default: sized by the targets' 新建数量)"),
    inactive_years: int = typer.Option(None, "--inactive-years", min=1,
                                       help="建设中超过 N 年视为长期未运行（默认见 policy.toml）/ years 'building' "
                                       "before long inactive (default: policy.toml)"),
    as_of: int = typer.Option(None, "--as-of", min=1900, max=2100, help="评估截至年份（默认今年）/ as-of year"),
    xlsx: Path = typer.Option(None, "--xlsx", help="写出方案工作簿（每批一个工作表，含决定列）/ write the plan workbook",
                              dir_okay=False),
    fmt: OutputFormat = typer.Option(OutputFormat.table, "--format", help="table | json"),
) -> None:
    """三批清单及目标对照 / The plan's batches (optimise, retire, rectify, build, and the lists passed on)."""
    if ctx.invoked_subcommand is not None:
        return
    from queries.plan import build_plan

    lang = current_lang()
    with Store() as store:
        store.verify()
        data = build_plan(store, lang=lang, build_top=top, inactive_years=inactive_years, as_of=as_of)
        if xlsx is not None:
            written = write_plan_workbook(store, data, xlsx, lang=lang, top=top, as_of=as_of,
                                          inactive_years=inactive_years)
            console.print(tr("方案工作簿已写入 {p}（{n}）", "plan workbook written to {p} ({n})", p=xlsx,
                             n=", ".join(f"{k} {v}" for k, v in written.items())))
    if fmt is OutputFormat.json:
        print_json(data)
        return
    if xlsx is None:
        print_plan(data, lang)


def write_plan_workbook(store: Store, data: Mapping[str, Any], path: Path, *, lang: Lang, top: int | None = None,
                        as_of: int | None = None, inactive_years: int | None = None) -> dict[str, int]:
    """The workbook of ``data``, with what ``plan apply`` needs to rebuild the same draft."""
    from api.commands.plan_workbook import write_workbook

    meta = {"lang": lang, "top": top, "as_of": as_of, "inactive_years": inactive_years}
    return write_workbook(data, path, lang=lang, meta=meta, quality=_quality_sheet(store, lang))


def _quality_sheet(store: Store, lang: Lang) -> Callable[[], tuple[list[str], list[list[Any]]]]:
    """The data-quality sheet from ``queries.quality.quality_items``: the list of what loaded incomplete
    or inferred, for planners to complete. Built lazily so the workbook reads it only when written."""

    def sheet() -> tuple[list[str], list[list[Any]]]:
        data = quality_items(store, lang=lang)
        headers = [tr("对象", "entity", lang), tr("名称", "name", lang), tr("问题", "issue", lang),
                   tr("处理建议", "what to do", lang), tr("说明", "detail", lang)]
        entity = {"platform": tr("平台", "platform", lang), "institution": tr("单位", "institution", lang)}
        return headers, [[entity.get(i["entity"], i["entity"]), i["name"], i["label"], i["action"], i["detail"]]
                         for i in data["items"]]

    return sheet


def print_plan(data: dict, lang: str) -> None:
    counts = data["counts"]
    console.print(tr("优化整合或撤销淘汰 {t} 个（合并并入 {a} + 撤销淘汰 {r}）；转建/纳入 {c}；限期整改 {k}；新认定建设 {b}，"
                     "培育争创 {u}", "Integrated or revoked {t} ({a} absorbed + {r} retired); converted {c}; rectify "
                     "{k}; build {b}, cultivate {u}", t=counts["integrated_or_revoked"], a=counts["absorbed"],
                     r=counts["retired"], c=counts["converted"], k=counts["rectify"], b=counts["build"],
                     u=counts["cultivate"]))
    print_table(
        tr("优化调整（{n} 项）", "Optimise ({n} items)", n=len(data["optimise"])),
        [tr("建议", "action"), tr("保留", "keep"), tr("平台", "platforms"), tr("理由", "reasons"),
         tr("覆盖损失", "coverage lost")],
        [(o["recommendation_name"], o["keep"].get("name"), "、".join(p["name"] for p in o["platforms"]),
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
        tr("限期整改（{n} 个）", "Rectify ({n} platforms)", n=len(data["rectify"])),
        [tr("编号", "id"), tr("平台", "platform"), tr("整改期限", "due"), tr("理由", "reasons")],
        [(r["id"] or r["key"], r["name"], r["due"], "; ".join(x["text"] for x in r["reasons"]))
         for r in data["rectify"]],
    )
    print_table(
        tr("新认定建设（{n} 项）", "Build ({n} items)", n=len(data["build"])),
        ["#", tr("行动", "action"), tr("产业", "industry"), tr("类别", "category"), tr("级别", "level"),
         tr("城市", "city"), tr("建议类型", "type"), tr("候选依托单位", "candidate hosts"), tr("理由", "reason")],
        [(b["rank"], b["action_name"], b["industry"], b["category_name"], b["level_name"], b["city"],
          b["suggested_type"], "、".join(h["name"] or "" for h in b["candidate_hosts"]), b["reasons"][0]["text"])
         for b in data["build"]],
    )
    for batch, zh, en in (("national", "国家级建议", "To the national department"), ("municipal", "市级清单", "Municipal"),
                          ("coordination", "协调事项", "Coordination")):
        print_table(
            tr("{t}（{n} 项）", "{t} ({n} items)", t=tr(zh, en), n=len(data[batch])),
            [tr("平台", "platforms"), tr("建议", "recommendation"), tr("理由", "reasons")],
            [("、".join(p["name"] for p in r.get("platforms", [r]) + r.get("with", [])), r["action"],
              "; ".join(x["text"] for x in r["reasons"])) for r in data[batch]],
        )
    print_table(
        tr("建设目标对照", "Targets vs actual"),
        [tr("类型", "type"), tr("类别", "category"), tr("级别", "level"), tr("年份", "year"), tr("保有", "holding"),
         tr("目标总量", "target total"), tr("差距", "distance"), tr("期内新建", "new in period"),
         tr("新建目标", "target new"), tr("已合并/撤销", "merged/revoked"), tr("合并或撤销目标", "target merged or revoked"),
         tr("计划后保有", "after plan")],
        [(t["type"], t.get("category"), t["level"], t["year"], t["holding"], t["target_total"], t["distance_total"],
          t["new_in_period"], t["target_new"], t["integrated_or_revoked_now"], t["target_integrated_or_revoked"],
          t["holding_after_plan"]) for t in data["targets"] if t["target_key"]],
    )
    impact = data["impact"]
    if impact["safe"]:
        console.print(tr("✓ 整套方案不会让任何产业或城市失去唯一覆盖", "✓ the whole draft opens no new coverage gap"))
    else:
        console.print(tr("⚠ 整套方案将造成 {n} 处覆盖损失（详见 --format json 的 impact）",
                         "⚠ the whole draft would lose {n} coverage units (see impact in --format json)",
                         n=len(impact["losses"])))


@app.command("apply")
@handle_errors
def apply_command(
    file: Path = typer.Argument(..., exists=True, dir_okay=False, help="填好决定的方案工作簿 / the decided workbook"),
    fmt: OutputFormat = typer.Option(OutputFormat.table, "--format", help="table | json"),
) -> None:
    """读回方案工作簿中的决定，检查决定后的方案并记入图数据库 / Read the decisions back, check the decided plan,
    record it."""
    from api.commands.plan_workbook import read_decisions
    from queries.plan import build_plan
    from queries.plan.decisions import decided_what_if, record_decisions

    lang = current_lang()
    meta, decisions = read_decisions(file)
    with Store() as store:
        store.verify()
        data = build_plan(store, lang=lang, build_top=meta.get("top"), as_of=meta.get("as_of"),
                          inactive_years=meta.get("inactive_years"))
        result = decided_what_if(store, data, decisions, lang)
        result["decision_set"] = record_decisions(store, data, decisions, result, file.name)
    if fmt is OutputFormat.json:
        print_json(result)
        return
    console.print(result["summary"])
    if result["unknown"]:
        console.print(tr("⚠ {n} 项在当前草案中已不存在（数据已变化），未记入：{k}",
                         "⚠ {n} items are no longer in the current draft (the data changed) and were not recorded: {k}",
                         n=len(result["unknown"]), k=", ".join(result["unknown"][:10])))
    print_table(
        tr("决定统计", "Decisions"), [tr("清单", "batch"), tr("决定", "decision"), tr("项数", "items")],
        [(b, d, n) for b, per in result["counts"].items() for d, n in per.items()],
    )
    print_table(
        tr("决定后的方案将失去的覆盖", "Coverage the decided plan would lose"),
        [tr("产业", "industry"), tr("原因", "reason")],
        [(x["industry"], x["reason"]) for x in result["decided"]["losses"]],
    )
    print_table(
        tr("决定后的建设目标", "Targets after the decided plan"),
        [tr("类型", "type"), tr("类别", "category"), tr("级别", "level"), tr("保有", "holding"),
         tr("目标总量", "target total"), tr("决定后保有", "after")],
        [(t["type"], t["category"], t["level"], t["holding"], t["target_total"], t["holding_after_plan"])
         for t in result["decided"]["targets"]],
    )


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
