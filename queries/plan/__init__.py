"""The three-batch plan (优化调整 / 撤销淘汰 / 新认定建设) and the what-if check.

Public API:

* :func:`build_plan` — ``{"optimise", "retire", "build", "targets", "impact"}``, every item with
  ``reasons`` naming the platforms and the graph evidence behind them;
* :func:`what_if` — the coverage that merging and retiring given platforms would lose.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from graph.i18n import Lang, current_lang
from graph.store import Store
from queries.coverage.gaps import Coverage, find_gaps
from queries.coverage.snapshot import read_snapshot
from queries.coverage.targets import targets_vs_actual
from queries.plan.batches import optimise_batch, read_groups, retire_batch
from queries.plan.build import build_batch
from queries.plan.whatif import CoverageIndex, describe_loss, what_if

__all__ = ["build_plan", "what_if"]


def _targets_after(rows: list[dict[str, Any]], retire: list[dict], build: list[dict]) -> list[dict[str, Any]]:
    """Targets vs actual, plus what the drafted batches would change: retired (and absorbed)
    platforms leave the holding, build proposals of a type add to it."""
    out_count = Counter((r["type"], r["level"]) for r in retire)
    in_count = Counter((b["suggested_type"], b["level"]) for b in build if b["suggested_type"])
    result = []
    for row in rows:
        if row["level"] is None:
            out = sum(n for (t, _lv), n in out_count.items() if t == row["type"])
            add = sum(n for (t, _lv), n in in_count.items() if t == row["type"])
        else:
            out, add = out_count[(row["type"], row["level"])], in_count[(row["type"], row["level"])]
        after = row["holding"] - out + add
        result.append({**row, "plan_retire": out, "plan_build": add, "holding_after_plan": after,
                       "distance_total_after_plan": None if row["target_total"] is None else row["target_total"] - after})
    return result


def build_plan(store: Store, *, lang: Lang | None = None, build_top: int = 20, as_of: int | None = None,
               inactive_years: int = 5) -> dict[str, Any]:
    """Draft the three batches from the graph as it is now (coverage computed live, overlap groups
    from the latest overlap run) and check the whole draft with the what-if (``impact``)."""
    lang = lang or current_lang()
    snap = read_snapshot(store)
    index = CoverageIndex(snap)
    cov = Coverage(snap)
    groups = read_groups(store)
    optimise = optimise_batch(index, groups, lang)
    retire = retire_batch(index, groups, lang, as_of=as_of, inactive_years=inactive_years)
    build = build_batch(store, cov, find_gaps(cov), lang, top=build_top)
    merges = [[o["keep"]["key"]] + [p["key"] for p in o["platforms"] if p["key"] != o["keep"]["key"]]
              for o in optimise if o["recommendation"] == "merge" and len(o["platforms"]) >= 2]
    absorbed = {k for g in merges for k in g[1:]}
    survivors = {g[0] for g in merges}
    outright = [r["key"] for r in retire if r["key"] not in absorbed and r["key"] not in survivors]
    lost = index.losses(merges, outright)
    return {
        "optimise": optimise,
        "retire": retire,
        "build": build,
        "targets": _targets_after(targets_vs_actual(store), retire, build),
        "impact": {"losses": [describe_loss(index, u, p, lang) for u, p in lost], "safe": not lost,
                   "merged_groups": len(merges), "retired": len(outright), "absorbed": len(absorbed)},
    }
