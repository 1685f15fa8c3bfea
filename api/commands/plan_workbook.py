"""The plan workbook: one sheet per batch for planners to decide in, and reading their decisions back.
(In the api layer because it uses the ingest layer's spreadsheet-safety helper.)

Why a workbook: a planner decides item by item, with colleagues, in Excel. Each batch is a sheet,
one row per item with its evidence in words and no internal ids in the visible columns; a hidden
last column keeps the item key so ``platgraph plan apply`` can match a decision to its item. The
决定 column has a drop-down (同意 / 不同意 / 修改) and 备注 takes free text. Every text cell goes
through :func:`ingest.cells.neutralise`, so nothing a dataset contains runs as a formula in Excel.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from graph.errors import UsageError
from graph.i18n import Lang, tr
from graph.reference import LEVEL_NAMES, load_taxonomy
from ingest.cells import neutralise, unneutralise
from queries.plan.policy import load_policy

DECISIONS = ("同意", "不同意", "修改")
DECISION_ALIASES = {"同意": "同意", "agree": "同意", "yes": "同意", "不同意": "不同意", "disagree": "不同意",
                    "no": "不同意", "修改": "修改", "modify": "修改", "amend": "修改"}
KEY_HEADER = "key"
META_SHEET = "meta"
Row = list[Any]


def _j(values: list[str], lang: Lang) -> str:
    return ("、" if lang != "en" else ", ").join(v for v in values if v)


def _reasons(item: dict[str, Any], lang: Lang) -> str:
    return ("；" if lang != "en" else "; ").join(r["text"] for r in item.get("reasons", []) if r.get("text"))


def _level(level: str | None, lang: Lang) -> str:
    names = LEVEL_NAMES.get(level or "", (level or "", level or ""))
    return names[1] if lang == "en" else names[0]


def _losses(item: dict[str, Any], key: str, lang: Lang) -> str:
    return ("；" if lang != "en" else "; ").join(x["reason"] for x in item.get(key, []))


def _optimise_row(o: dict[str, Any], lang: Lang) -> Row:
    absorbed = [p["name"] for p in o.get("absorbed", [])]
    return [o.get("recommendation_name"), _j([p["name"] for p in o["platforms"]], lang), o["keep"].get("name"),
            _j(absorbed, lang), o.get("department"), _reasons(o, lang), _j(o.get("notes", []), lang),
            _losses(o, "coverage_losses", lang)]


def _retire_row(r: dict[str, Any], lang: Lang) -> Row:
    return [r["name"], _type(r), _level(r.get("level"), lang), r.get("city"), r.get("host"), r.get("department"),
            _reasons(r, lang), _losses(r, "sole_coverage", lang)]


def _type(r: dict[str, Any]) -> Any:
    """The type as a planner reads it beside the level: a 市级 platform whose list said 重点实验室 is
    filed under the regional type (taxonomy aliases), but 「自治区重点实验室 · 市级」 contradicts itself."""
    ptype = load_taxonomy().types.get(r.get("type") or "")
    name = r.get("type")
    if (ptype is not None and isinstance(name, str) and r.get("level") and ptype.level
            and r["level"] != ptype.level and name.startswith("自治区")):
        return name.removeprefix("自治区")
    return name


def _due(r: dict[str, Any], lang: Lang) -> Any:
    """The rectification deadline; without an evaluation year the one-year term runs from the decision."""
    if r.get("due"):
        return r["due"]
    return tr("评估年份未记录：自决定之日起 {n} 年", "evaluation year not recorded: {n} year(s) from the decision",
              lang, n=load_policy().rectify_years)


def _rectify_row(r: dict[str, Any], lang: Lang) -> Row:
    return [r["name"], _type(r), r.get("host"), r.get("department"), _due(r, lang),
            tr("已到期", "overdue", lang) if r.get("overdue") else "", _reasons(r, lang)]


def _build_row(b: dict[str, Any], lang: Lang) -> Row:
    hosts = ("\n" if lang != "en" else "\n").join(f"{h['name']}（{h['why']}）" if lang != "en" else f"{h['name']} ({h['why']})"
                                                  for h in b.get("candidate_hosts", []))
    return [b.get("action_name"), b["industry"], b.get("category_name"), b.get("level_name"), b.get("suggested_type"),
            b.get("city"), hosts, _reasons(b, lang)]


def _passed_row(r: dict[str, Any], lang: Lang) -> Row:
    names = [p["name"] for p in r.get("platforms", [r])] + [p["name"] for p in r.get("with", [])]
    return [_j(names, lang), _type(r), _level(r.get("level"), lang), r.get("department"), r.get("action"),
            _reasons(r, lang)]


def _headers(lang: Lang, *pairs: tuple[str, str]) -> list[str]:
    return [en if lang == "en" else zh for zh, en in pairs]


def sheets(plan: Mapping[str, Any], lang: Lang) -> list[tuple[str, str, list[str], list[Row], list[str]]]:
    """(batch, sheet title, headers, rows, item keys) per decision sheet; empty batches are left out
    except the three the policy names (优化调整, 撤销淘汰, 新认定建设)."""
    t = lambda zh, en: tr(zh, en, lang)  # noqa: E731
    out = [
        ("optimise", t("优化调整", "Optimise"), _headers(lang, ("建议", "Action"), ("平台", "Platforms"), ("保留", "Keep"),
                                                       ("并入", "Absorbed"), ("主管部门", "Department"),
                                                       ("理由", "Reasons"), ("说明", "Notes"),
                                                       ("覆盖影响", "Coverage impact")),
         [_optimise_row(o, lang) for o in plan["optimise"]], [o["item"] for o in plan["optimise"]]),
        ("retire", t("撤销淘汰", "Retire"), _headers(lang, ("平台", "Platform"), ("类型", "Type"), ("级别", "Level"),
                                                   ("所在市", "City"), ("依托单位", "Host"), ("主管部门", "Department"),
                                                   ("理由与依据", "Reasons and evidence"),
                                                   ("唯一覆盖提示", "Sole coverage")),
         [_retire_row(r, lang) for r in plan["retire"]], [r["item"] for r in plan["retire"]]),
        ("rectify", t("限期整改", "Rectify"), _headers(lang, ("平台", "Platform"), ("类型", "Type"), ("依托单位", "Host"),
                                                     ("主管部门", "Department"), ("整改期限", "Due"),
                                                     ("状态", "State"), ("理由与依据", "Reasons and evidence")),
         [_rectify_row(r, lang) for r in plan["rectify"]], [r["item"] for r in plan["rectify"]]),
        ("build", t("新认定建设", "Build"), _headers(lang, ("行动", "Action"), ("产业", "Industry"), ("类别", "Category"),
                                                   ("级别", "Level"), ("建议类型", "Type"), ("城市", "City"),
                                                   ("候选依托单位及理由", "Candidate hosts and why"),
                                                   ("理由", "Reasons")),
         [_build_row(b, lang) for b in plan["build"]], [b["item"] for b in plan["build"]]),
    ]
    for batch, zh, en in (("national", "国家级建议", "National"), ("municipal", "市级清单", "Municipal"),
                          ("coordination", "协调事项", "Coordination")):
        out.append((batch, t(zh, en), _headers(lang, ("平台", "Platforms"), ("类型", "Type"), ("级别", "Level"),
                                                ("主管部门", "Department"), ("建议", "Recommendation"),
                                                ("理由与依据", "Reasons and evidence")),
                    [_passed_row(r, lang) for r in plan[batch]], [r["item"] for r in plan[batch]]))
    keep = {"optimise", "retire", "build"}
    return [s for s in out if s[3] or s[0] in keep]


def _targets_sheet(plan: Mapping[str, Any], lang: Lang) -> tuple[list[str], list[Row]]:
    headers = _headers(lang, ("类型", "Type"), ("类别", "Category"), ("级别", "Level"), ("年份", "Year"),
                       ("保有", "Holding"), ("目标总量", "Target total"), ("期内新建", "New in period"),
                       ("新建目标", "Target new"), ("已合并/撤销", "Merged/revoked"),
                       ("合并或撤销目标", "Target merged or revoked"), ("方案减少", "Plan removes"), ("方案新增", "Plan adds"),
                       ("方案后保有", "After plan"), ("方案后差距", "Distance after plan"), ("说明", "Note"))
    rows = [[t["type"], t.get("category"), _level(t["level"], lang) if t["level"] else "", t["year"], t["holding"],
             t["target_total"], t["new_in_period"], t["target_new"], t["integrated_or_revoked_now"],
             t["target_integrated_or_revoked"], t["plan_retire"], t["plan_build"], t["holding_after_plan"],
             t["distance_total_after_plan"], _target_note(t, lang)] for t in plan["targets"]]
    return headers, rows


def _target_note(t: Mapping[str, Any], lang: Lang) -> str:
    """Why a legacy type's distance grows under the plan: its platforms move to the successor type."""
    if not t.get("converts_to"):
        return ""
    return tr("属合理归并类型：方案将其平台转建/纳入{s}，请与{s}的目标合并看",
              "a legacy type: the plan converts its platforms to {s}; read this target together with {s}'s",
              lang, s=t["converts_to"])


def _cell(value: Any) -> Any:
    if isinstance(value, str):
        return neutralise(value)
    return value


def write_workbook(plan: Mapping[str, Any], path: Path, *, lang: Lang = "zh", meta: dict[str, Any] | None = None,
                   quality: Callable[[], tuple[list[str], list[Row]]] | None = None) -> dict[str, int]:
    """Write the plan workbook; returns the rows per sheet."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.worksheet.datavalidation import DataValidation

    wb = Workbook()
    readme = wb.active
    readme.title = tr("说明", "README", lang)
    counts = plan["counts"]
    lines = [
        tr("《广西科技创新平台优化整合方案》三批清单（草案）", "The plan's batches (draft)", lang),
        tr("每个清单一行一项，附理由与依据。请在“决定”列选择 同意 / 不同意 / 修改，并在“备注”列说明；"
           "然后运行 platgraph plan apply 本文件，记录决定并检查决定后的方案。",
           "One row per item with its reasons. Choose 同意 (agree) / 不同意 (disagree) / 修改 (amend) in the "
           "决定 column, explain in 备注, then run platgraph plan apply on this file.", lang),
        tr("优化整合或撤销淘汰：合并并入 {a} 个 + 撤销淘汰 {r} 个 = {t} 个；转建/纳入 {c} 个；限期整改 {k} 个；"
           "新认定建设 {b} 项（培育争创 {u} 项）。", "Integrated or revoked: {a} absorbed + {r} retired = {t}; converted "
           "{c}; rectify {k}; build {b} (cultivate {u}).", lang, a=counts["absorbed"], r=counts["retired"],
           t=counts["integrated_or_revoked"], c=counts["converted"], k=counts["rectify"], b=counts["build"],
           u=counts["cultivate"]),
        tr("实施部门：{d}", "Acting departments: {d}", lang, d="、".join(plan["policy"]["acting_departments"])),
    ]
    for line in lines:
        readme.append([_cell(line)])
    readme.column_dimensions["A"].width = 120
    bold = Font(bold=True)
    head_fill = PatternFill("solid", fgColor="DDEBF7")
    written: dict[str, int] = {}
    for batch, title, headers, rows, keys in sheets(plan, lang):
        ws = wb.create_sheet(title)
        ws.append(["#", *headers, "决定", "备注", KEY_HEADER])
        for cell in ws[1]:
            cell.font, cell.fill = bold, head_fill
        for n, (row, key) in enumerate(zip(rows, keys, strict=True), start=1):
            ws.append([n, *(_cell(v) for v in row), None, None, key])
        ncol = len(headers) + 4
        decision_col = ws.cell(row=1, column=ncol - 2).column_letter
        key_col = ws.cell(row=1, column=ncol).column_letter
        if rows:
            dv = DataValidation(type="list", formula1='"' + ",".join(DECISIONS) + '"', allow_blank=True,
                                showErrorMessage=True, errorTitle="决定", error="同意 / 不同意 / 修改")
            ws.add_data_validation(dv)
            dv.add(f"{decision_col}2:{decision_col}{len(rows) + 1}")
        ws.column_dimensions[key_col].hidden = True
        ws.column_dimensions["A"].width = 5
        for i in range(2, ncol - 2):
            ws.column_dimensions[ws.cell(row=1, column=i).column_letter].width = 18 if i > 2 else 36
        ws.column_dimensions[ws.cell(row=1, column=ncol - 3).column_letter].width = 50
        ws.column_dimensions[decision_col].width = 10
        ws.column_dimensions[ws.cell(row=1, column=ncol - 1).column_letter].width = 30
        for row_cells in ws.iter_rows(min_row=2):
            for cell in row_cells:
                cell.alignment = Alignment(wrap_text=True, vertical="top")
        ws.freeze_panes = "B2"
        written[batch] = len(rows)
    headers, rows = _targets_sheet(plan, lang)
    ws = wb.create_sheet(tr("建设目标", "Targets", lang))
    ws.append(headers)
    for cell in ws[1]:
        cell.font, cell.fill = bold, head_fill
    for row in rows:
        ws.append([_cell(v) for v in row])
    written["targets"] = len(rows)
    if quality is not None:
        q_headers, q_rows = quality()
        ws = wb.create_sheet(tr("数据质量", "Data quality", lang))
        ws.append([_cell(h) for h in q_headers])
        for row in q_rows:
            ws.append([_cell(v) for v in row])
        written["quality"] = len(q_rows)
    meta_ws = wb.create_sheet(META_SHEET)
    meta_ws.append(["meta", json.dumps(meta or {}, ensure_ascii=False)])
    meta_ws.sheet_state = "hidden"
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    return written


def read_decisions(path: Path) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """(meta, decisions) from a plan workbook: one ``{"item", "decision", "note", "sheet", "row"}`` per
    item row. A 决定 that is not 同意 / 不同意 / 修改 is a usage error naming the sheet and row."""
    from openpyxl import load_workbook

    path = Path(path)
    try:
        wb = load_workbook(path, read_only=True, data_only=True)
    except (OSError, ValueError, KeyError) as exc:
        raise UsageError(tr("无法读取方案工作簿 {p}：{e}", "cannot read the plan workbook {p}: {e}", p=path, e=exc)) from exc
    meta: dict[str, Any] = {}
    out: list[dict[str, Any]] = []
    bad: list[str] = []
    for ws in wb.worksheets:
        rows = ws.iter_rows(values_only=True)
        header = next(rows, None)
        if ws.title == META_SHEET and header and header[0] == "meta":
            meta = json.loads(header[1] or "{}")
            continue
        if not header or KEY_HEADER not in header or "决定" not in header:
            continue
        ik, dk, nk = header.index(KEY_HEADER), header.index("决定"), header.index("备注")
        for n, row in enumerate(rows, start=2):
            key = row[ik] if ik < len(row) else None
            if not key:
                continue
            raw = str(row[dk]).strip() if dk < len(row) and row[dk] is not None else ""
            decision = DECISION_ALIASES.get(raw.lower()) if raw else None
            if raw and decision is None:
                bad.append(f"{ws.title}!{n}: {raw}")
            note = row[nk] if nk < len(row) else None
            out.append({"item": str(key), "decision": decision, "note": unneutralise(str(note)) if note else None,
                        "sheet": ws.title, "row": n})
    wb.close()
    if bad:
        raise UsageError(tr("决定只能是 同意 / 不同意 / 修改：{b}", "a decision must be 同意 / 不同意 / 修改: {b}",
                            b="; ".join(bad[:10])))
    if not out:
        raise UsageError(tr("{p} 不是方案工作簿（没有带决定列的清单）", "{p} is not a plan workbook (no sheet with a 决定 "
                            "column)", p=path))
    return meta, out
