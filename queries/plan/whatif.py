"""What-if: which coverage a set of merges and retirements would remove, so no plan silently opens a gap.

The model (also in ``docs/methods.md``):

* a **coverage unit** is (industry or segment, ``category``, category key), (industry or segment,
  ``level``, level) or (industry or segment, ``city``, city key); its *providers* are the covering
  platforms (active, building or status empty) that serve the industry (segments roll up into
  their industry);
* **retire** removes the platforms;
* **merge** takes a group of platforms; the first key is the survivor that absorbs the others. The
  survivor keeps its own category, level and city and takes over the industries the absorbed
  platforms served (a merge integrates their work). The absorbed platforms are removed;
* a **loss** is a unit with providers before and none after: the industry or city loses its only
  coverage of that category, level or city.

Computed with an index unit → providers built once, so a whole plan's worth of what-ifs costs one
pass over the platforms, not one per item.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from graph.errors import UsageError
from graph.i18n import Lang, current_lang, tr
from graph.store import Store
from queries.coverage.gaps import city_name, level_name
from queries.coverage.snapshot import PlatformFacts, Snapshot, read_snapshot
from queries.plan.results import CoverageLoss

Unit = tuple[str, str, str]  # (industry, kind, value)


@dataclass
class CoverageIndex:
    """Unit → providers, and platform → units, for the covering platforms of a snapshot."""

    snapshot: Snapshot
    providers: dict[Unit, set[str]] = field(default_factory=lambda: defaultdict(set))
    units_of: dict[str, set[Unit]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for plat in self.snapshot.covering():
            units = self.units_for(plat)
            self.units_of[plat.key] = units
            for unit in units:
                self.providers[unit].add(plat.key)

    def units_for(self, plat: PlatformFacts, industries: Iterable[str] | None = None) -> set[Unit]:
        units: set[Unit] = set()
        for ind in self.snapshot.covered_by(plat, tuple(industries) if industries is not None else None):
            if plat.category:
                units.add((ind, "category", plat.category))
            if plat.level:
                units.add((ind, "level", plat.level))
            if plat.city:
                units.add((ind, "city", plat.city))
        return units

    def resolve(self, refs: Iterable[str]) -> list[str]:
        """Platform keys from keys or 编号 ids; unknown ones are a usage error naming them all."""
        by_id = {p.id: p.key for p in self.snapshot.platforms.values() if p.id}
        out, unknown = [], []
        for ref in refs:
            ref = ref.strip()
            if not ref:
                continue
            key = ref if ref in self.snapshot.platforms else by_id.get(ref)
            if key is None:
                unknown.append(ref)
            else:
                out.append(key)
        if unknown:
            raise UsageError(tr("未知平台：{u}", "unknown platform(s): {u}", u=", ".join(unknown)))
        return out

    def losses(self, groups: Sequence[Sequence[str]], retire: Iterable[str]) -> list[tuple[Unit, set[str]]]:
        """Units that lose every provider when ``groups`` are merged (first = survivor) and ``retire``
        is retired. Keys must already be resolved."""
        removed = set(retire)
        kept_units: set[Unit] = set()
        touched: set[str] = set(removed)
        for group in groups:
            survivor, absorbed = group[0], list(group[1:])
            removed.update(absorbed)
            touched.update(group)
            plat = self.snapshot.platforms[survivor]
            if plat.covering and survivor not in removed:
                industries = set(plat.industries)
                for key in absorbed:
                    industries.update(self.snapshot.platforms[key].industries)
                kept_units |= self.units_for(plat, sorted(industries))
        candidates = {u for key in touched for u in self.units_of.get(key, ())}
        lost = [(u, self.providers[u]) for u in candidates
                if self.providers[u] <= removed and u not in kept_units]
        return sorted(lost, key=lambda x: (x[0][0], x[0][1], x[0][2]))

    def sole_units(self) -> dict[str, list[Unit]]:
        """Platform → the units it alone provides (retiring it alone would lose them)."""
        out: dict[str, list[Unit]] = defaultdict(list)
        for unit, provs in self.providers.items():
            if len(provs) == 1:
                out[next(iter(provs))].append(unit)
        return out


def describe_loss(index: CoverageIndex, unit: Unit, providers: Iterable[str], lang: Lang) -> CoverageLoss:
    """One loss as a planner reads it: what is lost, where, and which platforms provided it."""
    ind_key, kind, value = unit
    snap = index.snapshot
    ind = snap.industries.get(ind_key)
    refs = [snap.platforms[k].ref() for k in sorted(providers)]
    names = "、".join(r["name"] for r in refs) if lang != "en" else ", ".join(r["name"] for r in refs)
    if kind == "category":
        zh, en = snap.categories.get(value, (value, value))
        what = tr(f"{zh}类平台", f"{en} platforms", lang)
    elif kind == "level":
        what = tr(f"{level_name(value, 'zh')}平台", f"{level_name(value, 'en')} platforms", lang)
    else:
        what = tr(f"位于{value}的平台", f"platforms in {city_name(value, 'en')}", lang)
    declared = bool(kind == "city" and ind is not None and value in ind.cities)
    return {
        "industry": ind_key, "industry_level": ind.level if ind else None, "parent": ind.parent if ind else None,
        "kind": kind, "value": value, "declared": declared if kind == "city" else None,
        "platforms": refs,
        "reason": tr("{i}将失去唯一的{w}（现由 {n} 提供）", "{i} would lose its only {w} (now provided by {n})",
                     lang, i=ind_key, w=what, n=names),
    }


def _groups(merge: Sequence[str] | Sequence[Sequence[str]]) -> list[list[str]]:
    if not merge:
        return []
    names = [m for m in merge if isinstance(m, str)]
    if len(names) == len(merge):  # one group, given as its names
        return [names]
    return [list(g) for g in merge]


def what_if_on(index: CoverageIndex, *, merge: Sequence[str] | Sequence[Sequence[str]] = (),
               retire: Sequence[str] = (), lang: Lang | None = None) -> dict[str, Any]:
    """:func:`what_if` on an index already built (the plan reuses one index for every item)."""
    lang = lang or current_lang()
    groups = [index.resolve(g) for g in _groups(merge)]
    retire_keys = index.resolve(retire)
    for group in groups:
        if len(set(group)) < 2:
            raise UsageError(tr("合并至少需要两个不同的平台", "a merge needs at least two different platforms"))
    merged = {k for g in groups for k in g}
    both_ways = merged & set(retire_keys)
    if both_ways:
        raise UsageError(tr("平台不能同时被合并和撤销：{k}", "a platform cannot be both merged and retired: {k}",
                            k=", ".join(sorted(both_ways))))
    lost = index.losses(groups, retire_keys)
    losses = [describe_loss(index, unit, provs, lang) for unit, provs in lost]
    snap = index.snapshot
    return {
        "merge": [{"keep": snap.platforms[g[0]].ref(), "absorbed": [snap.platforms[k].ref() for k in g[1:]]}
                  for g in groups],
        "retire": [snap.platforms[k].ref() for k in retire_keys],
        "losses": losses,
        "industries": sorted({loss["industry"] for loss in losses if loss["kind"] != "city"}),
        "cities": [{"industry": i, "city": c}
                   for i, c in sorted({(x["industry"], x["value"]) for x in losses if x["kind"] == "city"})],
        "safe": not losses,
    }


def what_if(store: Store, *, merge: Sequence[str] | Sequence[Sequence[str]] = (), retire: Sequence[str] = (),
            lang: Lang | None = None) -> dict[str, Any]:
    """What merging ``merge`` (one group of keys or ids, first = survivor; or a list of such groups)
    and retiring ``retire`` would cost: ``{"merge", "retire", "losses", "industries", "cities", "safe"}``."""
    return what_if_on(CoverageIndex(read_snapshot(store)), merge=merge, retire=retire, lang=lang)
