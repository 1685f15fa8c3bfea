"""The plan as decided: the what-if of the items planners agreed to, and the decision set in the graph.

``platgraph plan apply FILE`` reads the 决定 of each item from the plan workbook, rebuilds the draft
the workbook was written from (same as-of year and build size), keeps the items marked 同意, and
checks that decided plan: which coverage it loses (merges and retirements agreed), which gaps it
closes (builds agreed) and the targets after it — beside the same figures for the whole draft, so
the effect of each 不同意 shows. The decisions are recorded as a ``PlanDecisionSet`` with one
``PlanDecision`` per item (docs/graph-model.md), so the report and the API show the plan as decided.
An item marked 修改 is recorded with its 备注 but left out of the what-if (its change is in words).
"""

from __future__ import annotations

import json
import secrets
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from graph.i18n import Lang, tr
from graph.store import Store
from queries.coverage._cypher import cypher
from queries.coverage.snapshot import read_snapshot
from queries.coverage.targets import targets_vs_actual
from queries.plan import Items, targets_after
from queries.plan.results import Decisions
from queries.plan.whatif import CoverageIndex, describe_loss

BATCHES = ("optimise", "retire", "rectify", "build", "national", "municipal", "coordination")


def _items(plan: Mapping[str, Any]) -> dict[str, tuple[str, dict[str, Any]]]:
    return {item["item"]: (batch, item) for batch in BATCHES for item in plan.get(batch, [])}


def _platforms(item: dict[str, Any]) -> list[str]:
    refs = item.get("platforms") or ([item] if item.get("key") and "name" in item else [])
    return sorted({p["key"] for p in refs + item.get("with", []) if p.get("key")})


def _title(item: dict[str, Any]) -> str:
    if "industry" in item and "suggested_type" in item:
        return f"{item['industry']}：{item.get('suggested_type') or ''}（{item.get('city') or ''}）"
    names = [p["name"] for p in item.get("platforms", [])] or [item.get("name", "")]
    return "、".join(n for n in names if n)


def _check(index: CoverageIndex, optimise: Items, retire: Items, build: Items, targets: list[dict[str, Any]],
           lang: Lang) -> dict[str, Any]:
    merges = [[o["keep"]["key"]] + [p["key"] for p in o["absorbed"]] for o in optimise
              if o.get("recommendation") == "merge" and o.get("absorbed")]
    lost = index.losses(merges, [r["key"] for r in retire])
    rows = targets_after(targets, optimise, retire, build)
    return {
        "merges": len(merges), "retired": len(retire), "builds": len(build),
        "losses": [describe_loss(index, u, p, lang) for u, p in lost],
        "gaps_closed": [{"industry": b["industry"], "kind": b["kind"], "value": b["value"],
                         "type": b.get("suggested_type"), "city": b.get("city")} for b in build],
        "targets": [{k: t[k] for k in ("type", "category", "level", "year", "holding", "target_total",
                                       "holding_after_plan", "distance_total_after_plan", "plan_retire",
                                       "plan_build")} for t in rows if t["target_key"]],
    }


def decided_what_if(store: Store, plan: Mapping[str, Any], decisions: list[dict[str, Any]],
                    lang: Lang) -> dict[str, Any]:
    """The decided plan against the draft: ``{"draft", "decided", "counts", "unknown", "decisions"}``."""
    items = _items(plan)
    decided = {d["item"]: d for d in decisions}
    unknown = sorted(k for k in decided if k not in items)
    agreed = {k for k, d in decided.items() if d["decision"] == "同意" and k in items}

    def pick(batch: str, only_agreed: bool) -> list[dict[str, Any]]:
        return [i for i in plan[batch] if not only_agreed or i["item"] in agreed]

    index = CoverageIndex(read_snapshot(store))
    targets = targets_vs_actual(store)
    draft = _check(index, pick("optimise", False), pick("retire", False), pick("build", False), targets, lang)
    done = _check(index, pick("optimise", True), pick("retire", True), pick("build", True), targets, lang)
    draft_losses = {(x["industry"], x["kind"], x["value"]) for x in draft["losses"]}
    done_losses = {(x["industry"], x["kind"], x["value"]) for x in done["losses"]}
    counts: dict[str, dict[str, int]] = {}
    for key, (batch, _item) in items.items():
        d = decided.get(key, {}).get("decision") or tr("未决定", "undecided", lang)
        counts.setdefault(batch, {}).setdefault(d, 0)
        counts[batch][d] += 1
    return {
        "draft": draft, "decided": done, "counts": counts, "unknown": unknown,
        "losses_avoided": [{"industry": i, "kind": k, "value": v} for i, k, v in sorted(draft_losses - done_losses)],
        "summary": tr("同意 {a} 项；决定后的方案失去 {l} 处覆盖（草案 {d} 处），补上 {g} 个缺口",
                      "{a} items agreed; the decided plan loses {l} coverage units (the draft {d}) and closes {g} gaps",
                      lang, a=len(agreed), l=len(done_losses), d=len(draft_losses), g=len(done["gaps_closed"])),
    }


def record_decisions(store: Store, plan: Mapping[str, Any], decisions: list[dict[str, Any]], result: dict[str, Any],
                     file: str) -> str:
    """Write the decision set; returns its key."""
    items = _items(plan)
    key = f"D{datetime.now(UTC).strftime('%Y%m%dT%H%M%S%f')}-{secrets.token_hex(3)}"
    rows = []
    for d in decisions:
        if d["item"] not in items:
            continue
        batch, item = items[d["item"]]
        rows.append({"item": d["item"], "batch": batch, "decision": d["decision"], "note": d["note"],
                     "title": _title(item), "platforms": _platforms(item)})
    store.write(cypher("record_decisions", "plan"), {
        "key": key, "file": file, "items": rows, "counts_json": json.dumps(result["counts"], ensure_ascii=False),
        "whatif_json": json.dumps({k: result[k] for k in ("decided", "draft", "losses_avoided", "summary")},
                                  ensure_ascii=False, default=str)})
    return key


def latest_decisions(store: Store) -> Decisions | None:
    """The plan as decided (the latest applied workbook), or None before the first apply."""
    rows = store.read(cypher("latest_decisions", "plan"))
    if not rows:
        return None
    r = rows[0]
    return {"key": r["key"], "file": r["file"], "applied": r["applied"], "counts": json.loads(r["counts_json"] or "{}"),
            "what_if": json.loads(r["whatif_json"] or "{}"), "decisions": [d for d in r["decisions"] if d]}
