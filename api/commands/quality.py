"""``platgraph quality``: the data-quality list — what loaded incomplete, and what ingest inferred.

A planner's list often lacks a host or writes a city we do not know; those platforms are in the
graph (and counted), flagged. This command lists them with what to do, as a table, JSON or CSV
(CSV with a BOM, for Excel).
"""

from __future__ import annotations

import csv
import sys
from enum import StrEnum

import typer

from api.console import console, handle_errors, print_json, print_table
from graph.i18n import current_lang, tr
from graph.store import Store


class QualityFormat(StrEnum):
    table = "table"
    json = "json"
    csv = "csv"


@handle_errors
def quality(
    flag: str = typer.Option(None, "--flag", help="host_missing | host_unresolved | co_builder_unresolved | "
                             "city_unknown | kind_inferred"),
    entity: str = typer.Option(None, "--entity", help="platform | institution"),
    limit: int = typer.Option(50, "--limit", help="表格最多显示行数 / rows shown in the table"),
    fmt: QualityFormat = typer.Option(QualityFormat.table, "--format", help="table | json | csv"),
) -> None:
    """数据质量清单：已导入但需完善的平台与单位 / Data-quality list: platforms and institutions to complete."""
    from queries.quality import quality_items

    lang = current_lang()
    with Store() as store:
        store.verify()
        data = quality_items(store, flag=flag or None, entity=entity or None, lang=lang)
    if fmt is QualityFormat.json:
        print_json(data)
        return
    columns = [tr("对象", "entity"), tr("名称", "name"), tr("问题", "issue"), tr("说明", "detail"),
               tr("如何完善", "what to do"), tr("键", "key")]
    entity_names = {"platform": tr("平台", "platform"), "institution": tr("单位", "institution")}
    rows = [[entity_names.get(i["entity"], i["entity"]), i["name"], i["label"], i["detail"], i["action"], i["key"]]
            for i in data["items"]]
    if fmt is QualityFormat.csv:
        sys.stdout.write("\ufeff")
        writer = csv.writer(sys.stdout)
        writer.writerow(columns)
        writer.writerows(rows)
        sys.stdout.flush()
        return
    print_table(tr("数据质量清单（共 {n} 项）", "Data-quality list ({n} items)", n=data["total"]),
                [tr("问题", "issue"), tr("数量", "count"), tr("如何完善", "what to do")],
                [(_label(code), n, _action(code)) for code, n in data["counts"].items()])
    # the table keeps what fits a terminal (what to do is per flag, in the summary above and in the
    # json/csv forms)
    print_table(tr("明细", "Items"), columns[:4], [row[:4] for row in rows[:limit]])
    if len(rows) > limit:
        console.print(tr("另有 {n} 项未显示（--limit 或 --format csv）", "{n} more not shown (--limit or --format csv)",
                         n=len(rows) - limit))


def _action(code: str) -> str:
    from graph.quality import FLAGS

    _zh, _en, act_zh, act_en = FLAGS.get(code, (code, code, "", ""))
    return tr(act_zh, act_en)


def _label(code: str) -> str:
    from graph.quality import flag_label

    return flag_label(code, current_lang())
