"""The plan (优化调整 / 撤销淘汰 / 限期整改 / 新认定建设, and the lists passed on) and the what-if check.

Public API:

* :func:`build_plan` — ``{"optimise", "retire", "rectify", "build", "national", "municipal",
  "coordination", "targets", "impact", "counts", "status_counts", "decided"}`` (``decided``: the
  latest decisions applied from the plan workbook, or None), every item with ``reasons`` naming the platforms
  and the graph evidence behind them; the rules are ``graph/data/policy.toml`` (docs/methods.md);
* :func:`what_if` — the coverage that merging and retiring given platforms would lose.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from typing import Any, cast

from graph.i18n import Lang, current_lang
from graph.store import Store
from queries.coverage.gaps import Coverage, find_gaps
from queries.coverage.snapshot import read_snapshot
from queries.coverage.targets import targets_vs_actual
from queries.plan.batches import (
    ROUTE_NAMES,
    convert_batch,
    optimise_batch,
    read_groups,
    rectify_batch,
    retire_batch,
    standings,
)
from queries.plan.build import build_batch, type_quotas
from queries.plan.policy import Policy, load_policy
from queries.plan.results import Plan, RoutedItem, TargetRow
from queries.plan.whatif import CoverageIndex, describe_loss, what_if

__all__ = ["ROUTE_NAMES", "build_plan", "plan_changes", "targets_after", "what_if"]

Key = tuple[str | None, str | None, str | None]  # (type, category, level)
# plan items of any batch, or as a workbook's decisions picked them (read by key only)
Items = Sequence[Mapping[str, Any]]


def _matches(row: dict[str, Any], key: Key) -> bool:
    t, c, lv = key
    return ((row.get("type") is None or row["type"] == t)
            and (row.get("category") is None or row["category"] == c)
            and (row.get("level") is None or row["level"] == lv))


def plan_changes(optimise: Items, retire: Items, build: Items) -> tuple[Counter[Key], Counter[Key]]:
    """(platforms leaving, platforms arriving) per (type, category, level): retired and absorbed
    platforms leave; a conversion moves one platform to its new type; a build adds one."""
    from graph.reference import load_taxonomy

    types = load_taxonomy().types
    out: Counter[Key] = Counter()
    add: Counter[Key] = Counter()
    for r in retire:
        out[(r["type"], r["category"], r["level"])] += 1
    for o in optimise:
        for p in o.get("absorbed", []):
            out[(p["type"], p["category"], p["level"])] += 1
        if o.get("kind") == "convert":
            out[(o["type"], o["category"], o["level"])] += 1
            to = types.get(o["to_type"])
            add[(o["to_type"], to.category if to else o["category"], o["level"])] += 1
    for b in build:
        if b.get("suggested_type"):
            add[(b["suggested_type"], b["category"], b["level"])] += 1
    return out, add


def targets_after(rows: list[dict[str, Any]], optimise: Items, retire: Items, build: Items,
                  policy: Policy | None = None) -> list[TargetRow]:
    """Targets vs actual, plus what the plan would change (per type, category or level).

    A row of a legacy type says which type it is converted to (``converts_to``): the plan moves its
    platforms there, so its own distance grows and the successor's shrinks — a reader must compare the
    two targets together, not each alone."""
    policy = policy or load_policy()
    out, add = plan_changes(optimise, retire, build)
    result: list[TargetRow] = []
    for row in rows:
        gone = sum(n for k, n in out.items() if _matches(row, k))
        new = sum(n for k, n in add.items() if _matches(row, k))
        after = row["holding"] - gone + new
        # cast: targets_vs_actual's rows are loose dicts (a status outside the usual four adds a key)
        result.append(cast(TargetRow, {
            **row, "plan_retire": gone, "plan_build": new, "holding_after_plan": after,
            "converts_to": conv.target_type if (conv := policy.conversions.get(row.get("type") or "")) else None,
            "distance_total_after_plan": None if row["target_total"] is None else row["target_total"] - after}))
    return result


def build_size(targets: list[dict[str, Any]], policy: Policy) -> tuple[int, str]:
    """How many builds the targets still ask for (新建数量 minus what the period already built),
    below national level; per-category/level targets win over per-type ones (they sum them)."""
    rows = [t for t in targets if t["target_key"] and t["target_new"] is not None and t["level"] != "national"]
    aggregate = [t for t in rows if t["type"] is None]
    use = aggregate or rows
    if not use:
        return policy.default_build_size, "default"
    need = sum(max(0, t["distance_new"] if t["distance_new"] is not None else t["target_new"]) for t in use)
    return (need, "targets") if need > 0 else (policy.default_build_size, "default")


def build_plan(store: Store, *, lang: Lang | None = None, build_top: int | None = None, as_of: int | None = None,
               inactive_years: int | None = None, policy: Policy | None = None) -> Plan:
    """Draft the plan from the graph as it is now (coverage computed live, overlap groups from the
    latest overlap run, evaluations from the evaluations table) and check it with the what-if."""
    lang = lang or current_lang()
    policy = policy or load_policy()
    snap = read_snapshot(store)
    index = CoverageIndex(snap)
    cov = Coverage(snap)
    st = standings(store, snap, policy, lang, as_of, inactive_years)
    retire, passed = retire_batch(index, st, lang)
    taken = {r["key"] for r in retire} | {r["key"] for r in passed}
    merges_and_more, coordinate = optimise_batch(index, read_groups(store), st, policy, lang, taken)
    rectify, passed_rectify = rectify_batch(snap, st, lang, taken)
    convert, passed_convert = convert_batch(snap, st, policy, lang, taken)
    optimise = merges_and_more + convert
    targets = targets_vs_actual(store)
    size, sized_by = (build_top, "top") if build_top else build_size(targets, policy)
    quotas = type_quotas(targets, policy) if sized_by == "targets" else {}
    leaving = {r["key"] for r in retire} | {p["key"] for o in merges_and_more for p in o["absorbed"]}
    build = build_batch(store, cov, find_gaps(cov), lang, size=size, policy=policy, quotas=quotas, leaving=leaving)
    routed: dict[str, list[RoutedItem]] = {"national": [], "municipal": [], "department": []}
    passed_on: list[RoutedItem] = [*passed, *passed_rectify, *passed_convert]
    for item in passed_on:
        routed[item["route"]].append(item)
    from queries.plan.decisions import latest_decisions  # it imports this module

    merges = [[o["keep"]["key"]] + [p["key"] for p in o["absorbed"]]
              for o in merges_and_more if o["recommendation"] == "merge" and o["absorbed"]]
    absorbed = sum(len(g) - 1 for g in merges)
    lost = index.losses(merges, [r["key"] for r in retire])
    return {
        "optimise": optimise,
        "retire": retire,
        "rectify": rectify,
        "build": build,
        "national": routed["national"],
        "municipal": routed["municipal"],
        "coordination": [*routed["department"], *coordinate],
        "targets": targets_after(targets, optimise, retire, build, policy),
        "counts": {"merged_groups": len(merges), "absorbed": absorbed, "retired": len(retire),
                   "integrated_or_revoked": absorbed + len(retire), "converted": len(convert),
                   "rectify": len(rectify), "build": sum(1 for b in build if b["action"] == "build"),
                   "cultivate": sum(1 for b in build if b["action"] == "cultivate"),
                   "build_size": size, "build_sized_by": sized_by},
        "status_counts": dict(Counter(p.status or "active" for p in snap.platforms.values())),
        "decided": latest_decisions(store),
        "policy": {"acting_departments": list(policy.acting_departments), "inactive_years": policy.inactive_years,
                   "rectify_years": policy.rectify_years, "as_of": as_of},
        "impact": {"losses": [describe_loss(index, u, p, lang) for u, p in lost], "safe": not lost,
                   "merged_groups": len(merges), "retired": len(retire), "absorbed": absorbed},
    }
