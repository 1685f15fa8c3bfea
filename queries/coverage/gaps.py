"""The coverage matrix and its gaps, computed in memory from a :class:`Snapshot`.

Definitions (also in ``docs/methods.md``):

* a platform *covers* an industry when it is running or being built (status active, building or
  empty) and serves the industry or one of its chain segments;
* **category gap**: a key industry (or a segment) with no covering platform of a category. A
  segment's gap is only reported when its parent industry does not have the same gap (else it is
  listed under the parent's gap as ``segments``), and only when the dataset records platforms at
  segment granularity at all (otherwise every segment would be a "gap" of bookkeeping, not of
  platforms);
* **level gap**: a key industry with no covering national-level platform;
* **city gap**: a key industry with no covering platform in one of its declared layout cities
  (``LAID_OUT_IN``).

Gaps are ranked by industry priority (1 first), then kind (category, level, city), industries
before segments. Each gap lists the nearest platforms that could extend into it, with why.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from graph.i18n import Lang, tr
from graph.reference import LEVEL_NAMES, load_cities
from queries.coverage.results import CoverageGap, NearestPlatform
from queries.coverage.snapshot import LEVEL_ORDER, IndustryFacts, PlatformFacts, Snapshot

KIND_ORDER = {"category": 0, "level": 1, "city": 2}
# Evaluation grades, best first; platforms under rectification or failed are not asked to extend.
EVAL_RANK = {"优秀": 0, "良好": 1, "合格": 2, None: 3}
NOT_EXTENDABLE = frozenset({"整改", "不合格"})
MAX_NEAREST = 5


def level_name(level: str | None, lang: Lang | None = None) -> str:
    zh, en = LEVEL_NAMES.get(level or "", (level or "?", level or "?"))
    return tr(zh, en, lang)


def city_name(city: str, lang: Lang | None = None) -> str:
    info = load_cities().get(city)
    return tr(city, info.name_en if info else city, lang)


@dataclass
class Coverage:
    """Counts of covering platforms per industry × category × level and per industry × city."""

    snapshot: Snapshot

    @cached_property
    def platforms(self) -> list[PlatformFacts]:
        """The covering platforms (running or being built)."""
        return self.snapshot.covering()

    @cached_property
    def by_industry(self) -> dict[str, list[PlatformFacts]]:
        out: dict[str, list[PlatformFacts]] = defaultdict(list)
        for plat in self.platforms:
            for ind in self.snapshot.covered_by(plat):
                out[ind].append(plat)
        return out

    @cached_property
    def cells(self) -> Counter[tuple[str, str | None, str | None]]:
        """(industry, category, level) -> count."""
        return Counter((ind, p.category, p.level) for ind, plats in self.by_industry.items() for p in plats)

    @cached_property
    def city_cells(self) -> Counter[tuple[str, str]]:
        """(industry, city) -> count."""
        return Counter((ind, p.city) for ind, plats in self.by_industry.items() for p in plats if p.city)

    @cached_property
    def _cells_by_industry(self) -> dict[str, list[tuple[str | None, str | None, int]]]:
        out: dict[str, list[tuple[str | None, str | None, int]]] = defaultdict(list)
        for (i, c, lv), n in self.cells.items():
            out[i].append((c, lv, n))
        return out

    def count(self, industry: str, category: str | None = None, level: str | None = None) -> int:
        """Covering platforms of the industry, optionally of one category and/or level."""
        return sum(n for c, lv, n in self._cells_by_industry.get(industry, ())
                   if (category is None or c == category) and (level is None or lv == level))

    @cached_property
    def top_level(self) -> dict[str, str]:
        return {k: (ind.parent or k) for k, ind in self.snapshot.industries.items()}

    @cached_property
    def adjacency(self) -> dict[str, Counter[str]]:
        """Industry -> other industries co-served by the same platforms (how many): a platform that
        serves two industries shows the two are technologically adjacent."""
        adj: dict[str, Counter[str]] = defaultdict(Counter)
        for plat in self.platforms:
            tops = {self.top_level.get(i, i) for i in plat.industries}
            for a in tops:
                for b in tops:
                    if a != b:
                        adj[a][b] += 1
        return adj

    @cached_property
    def host_declares(self) -> dict[str, list[PlatformFacts]]:
        """Industry (top level) -> covering platforms whose host institution declares it (所属产业)."""
        out: dict[str, list[PlatformFacts]] = defaultdict(list)
        for plat in self.platforms:
            for ind in self.snapshot.host_industries.get(plat.host or "", ()):
                out[self.top_level.get(ind, ind)].append(plat)
        return out

    def in_scope(self) -> list[IndustryFacts]:
        """Key industries and the segments of key industries, in a stable order."""
        inds = self.snapshot.industries
        return sorted(
            (i for i in inds.values()
             if i.key_industry or (i.parent and inds.get(i.parent) and inds[i.parent].key_industry)),
            key=lambda i: (i.priority, i.parent or i.key, i.level != "industry", i.key),
        )


def matrix_rows(cov: Coverage) -> list[dict[str, Any]]:
    """Industry × category × level counts, zeros included (an empty cell is the finding)."""
    rows = []
    for ind in cov.in_scope():
        for cat in cov.snapshot.categories:
            for level in LEVEL_ORDER:
                rows.append({"industry": ind.key, "industry_level": ind.level, "parent": ind.parent,
                             "category": cat, "level": level, "count": cov.cells.get((ind.key, cat, level), 0)})
    return rows


def city_rows(cov: Coverage) -> list[dict[str, Any]]:
    """Industry × city: every declared layout city (count may be 0) and every city with platforms."""
    rows = []
    for ind in cov.in_scope():
        if ind.level != "industry":
            continue
        cities = set(ind.cities) | {c for (i, c) in cov.city_cells if i == ind.key}
        for city in sorted(cities):
            rows.append({"industry": ind.key, "city": city, "declared": city in ind.cities,
                         "count": cov.city_cells.get((ind.key, city), 0)})
    return rows


# ---------------------------------------------------------------------- nearest platforms
def _order(plat: PlatformFacts, ind: IndustryFacts) -> tuple[int, int, int, str]:
    return (LEVEL_ORDER.index(plat.level) if plat.level in LEVEL_ORDER else 9,
            EVAL_RANK.get(plat.evaluation, 3), 0 if plat.city in ind.cities else 1, plat.key)


def _candidate(plat: PlatformFacts, relation: str, why_zh: str, why_en: str) -> dict[str, Any]:
    return {**plat.ref(), "evaluation": plat.evaluation, "relation": relation, "why_zh": why_zh, "why_en": why_en}


# (score, tie-break, platform, relation, why_zh, why_en); the tie-break is an _order(), maybe behind -strength
Scored = tuple[int, tuple[int | str, ...], PlatformFacts, str, str, str]


def _pick(scored: list[Scored]) -> list[dict[str, Any]]:
    seen: set[str] = set()
    out = []
    for _score, _tie, plat, rel, zh, en in sorted(scored, key=lambda s: (-s[0], s[1])):
        if plat.key in seen:
            continue
        seen.add(plat.key)
        out.append(_candidate(plat, rel, zh, en))
        if len(out) == MAX_NEAREST:
            break
    return out


def _adjacent(cov: Coverage, ind: IndustryFacts, n: int = 3) -> list[tuple[str, int]]:
    top = ind.parent or ind.key
    return [(k, c) for k, c in cov.adjacency.get(top, Counter()).most_common() if k != top][:n]


def nearest_category(cov: Coverage, ind: IndustryFacts, category: str) -> list[dict[str, Any]]:
    """Platforms of the missing category that could extend into the industry, nearest first:
    hosted by an institution that declares the industry (3), serving the parent industry or a
    sibling segment (2), serving an adjacent industry (1)."""
    top = ind.parent or ind.key
    scored: list[Scored] = []
    for p in cov.host_declares.get(top, []):
        if p.category == category and p.evaluation not in NOT_EXTENDABLE:
            scored.append((3, _order(p, ind), p, "host_in_industry",
                           f"依托单位{p.host_name or p.host}的所属产业包括{top}",
                           f"its host {p.host_name or p.host} declares the industry {top}"))
    if ind.parent:
        for p in cov.by_industry.get(ind.parent, []):
            if p.category != category or p.evaluation in NOT_EXTENDABLE:
                continue
            sib = [s for s in p.industries if s != ind.key and cov.snapshot.industries.get(s)
                   and cov.snapshot.industries[s].parent == ind.parent]
            where_zh = f"同一产业链的{('、'.join(sib))}环节" if sib else f"上级产业{ind.parent}"
            where_en = f"sibling segment(s) {', '.join(sib)}" if sib else f"the parent industry {ind.parent}"
            scored.append((2, _order(p, ind), p, "sibling_segment" if sib else "parent_industry",
                           f"已服务{where_zh}", f"already serves {where_en}"))
    for adj, strength in _adjacent(cov, ind):
        for p in cov.by_industry.get(adj, []):
            if p.category == category and p.evaluation not in NOT_EXTENDABLE:
                scored.append((1, (-strength, *_order(p, ind)), p, "adjacent_industry",
                               f"服务相邻产业{adj}（与{top}共有 {strength} 个平台）",
                               f"serves the adjacent industry {adj} ({strength} platforms shared with {top})"))
    return _pick(scored)


def nearest_national(cov: Coverage, ind: IndustryFacts) -> list[dict[str, Any]]:
    """Regional platforms of the industry best placed to be cultivated to national level (by
    evaluation, then age), then national platforms of adjacent industries."""
    scored: list[Scored] = []
    for p in cov.by_industry.get(ind.key, []):
        if p.level == "regional" and p.evaluation not in NOT_EXTENDABLE:
            tie = (EVAL_RANK.get(p.evaluation, 3), p.established or 9999, p.key)
            scored.append((2, tie, p, "upgrade_candidate",
                           f"本产业自治区级平台，评估{p.evaluation or '未评'}，{p.established or '?'}年认定，可培育申报国家级",
                           f"a regional platform of the industry (evaluation {p.evaluation or 'none'}, "
                           f"since {p.established or '?'}), a candidate to grow to national level"))
    for adj, strength in _adjacent(cov, ind):
        for p in cov.by_industry.get(adj, []):
            if p.level == "national":
                scored.append((1, (-strength, *_order(p, ind)), p, "adjacent_industry",
                               f"相邻产业{adj}的国家级平台（共有 {strength} 个平台）",
                               f"a national platform of the adjacent industry {adj} ({strength} shared)"))
    return _pick(scored)


def nearest_city(cov: Coverage, ind: IndustryFacts, city: str) -> list[dict[str, Any]]:
    """Platforms of the same industry in other cities (could open a branch), then platforms
    already in that city serving an adjacent industry."""
    scored: list[Scored] = []
    for p in cov.by_industry.get(ind.key, []):
        if p.city != city and p.evaluation not in NOT_EXTENDABLE:
            scored.append((2, _order(p, ind), p, "same_industry_other_city",
                           f"服务{ind.key}，位于{p.city or '未知城市'}，可在{city}设分支或共建",
                           f"serves {ind.key} in {p.city or 'an unknown city'}; could open a branch in {city}"))
    for adj, strength in _adjacent(cov, ind):
        for p in cov.by_industry.get(adj, []):
            if p.city == city and p.evaluation not in NOT_EXTENDABLE:
                scored.append((1, (-strength, *_order(p, ind)), p, "same_city_adjacent_industry",
                               f"已在{city}，服务相邻产业{adj}",
                               f"already in {city}, serving the adjacent industry {adj}"))
    return _pick(scored)


# ---------------------------------------------------------------------- gaps
def _breakdown(cov: Coverage, ind: IndustryFacts, lang: Lang) -> str:
    parts = []
    for cat, (zh, en) in cov.snapshot.categories.items():
        parts.append(f"{tr(zh, en, lang)} {cov.count(ind.key, cat)}")
    return tr("；", "; ", lang).join(parts)


def _gap(cov: Coverage, ind: IndustryFacts, kind: str, value: str) -> dict[str, Any]:
    snap = cov.snapshot
    total = len(cov.by_industry.get(ind.key, []))
    en_name = f"{ind.key} ({ind.name_en})" if ind.name_en else ind.key
    if kind == "category":
        zh_cat, en_cat = snap.categories.get(value, (value, value))
        missing = (f"{zh_cat}类平台", f"{en_cat} platform")
        reason = (
            f"{ind.key}（优先级 {ind.priority}）现有 {total} 个在运行平台，没有{zh_cat}类平台（{_breakdown(cov, ind, 'zh')}）",
            f"{en_name}, priority {ind.priority}, has {total} running platforms, none of them in {en_cat} "
            f"({_breakdown(cov, ind, 'en')})",
        )
        nearest = nearest_category(cov, ind, value)
    elif kind == "level":
        by_level = {lv: cov.count(ind.key, level=lv) for lv in LEVEL_ORDER}
        missing = ("国家级平台", "national-level platform")
        # the other levels' counts; regional and municipal always, the rarer ones when present
        shown = [lv for lv in LEVEL_ORDER[1:] if by_level[lv] or lv in ("regional", "municipal")]
        reason = (
            f"{ind.key}（优先级 {ind.priority}）没有国家级平台（"
            + "，".join(f"{LEVEL_NAMES[lv][0]} {by_level[lv]} 个" for lv in shown) + "）",
            f"{en_name}, priority {ind.priority}, has no national platform ("
            + ", ".join(f"{by_level[lv]} {LEVEL_NAMES[lv][1].lower()}" for lv in shown) + ")",
        )
        nearest = nearest_national(cov, ind)
    else:
        others = {c: cov.city_cells.get((ind.key, c), 0) for c in ind.cities if c != value}
        others_zh = "、".join(f"{c} {n} 个" for c, n in others.items()) or "无"
        others_en = ", ".join(f"{city_name(c, 'en')} {n}" for c, n in others.items()) or "none"
        missing = (f"布局城市{value}的平台", f"platform in the layout city {city_name(value, 'en')}")
        reason = (
            f"{value}是{ind.key}的布局城市，但没有服务该产业的平台（其他布局城市：{others_zh}）",
            f"{city_name(value, 'en')} is a declared layout city of {en_name} but has no platform serving it "
            f"(other layout cities: {others_en})",
        )
        nearest = nearest_city(cov, ind, value)
    return {"industry": ind.key, "industry_en": ind.name_en, "industry_level": ind.level, "parent": ind.parent,
            "priority": ind.priority, "kind": kind, "value": value,
            "missing_zh": missing[0], "missing_en": missing[1], "reason_zh": reason[0], "reason_en": reason[1],
            "platforms": total, "segments": [], "nearest": nearest}


def find_gaps(cov: Coverage) -> list[dict[str, Any]]:
    """Every gap, ranked (``rank`` 1 = most urgent). Language-neutral: both texts are kept."""
    snap = cov.snapshot
    with_segments = snap.uses_segments()
    gaps: list[dict[str, Any]] = []
    parent_gaps: dict[tuple[str, str], dict[str, Any]] = {}
    scope = cov.in_scope()
    for ind in (i for i in scope if i.level == "industry"):
        for cat in snap.categories:
            if cov.count(ind.key, cat) == 0:
                gap = _gap(cov, ind, "category", cat)
                parent_gaps[(ind.key, cat)] = gap
                gaps.append(gap)
        if cov.count(ind.key, level="national") == 0:
            gaps.append(_gap(cov, ind, "level", "national"))
        for city in ind.cities:
            if cov.city_cells.get((ind.key, city), 0) == 0:
                gaps.append(_gap(cov, ind, "city", city))
    for seg in (i for i in scope if i.level == "segment"):
        for cat in snap.categories:
            if cov.count(seg.key, cat) != 0:
                continue
            if (seg.parent or "", cat) in parent_gaps:
                parent_gaps[(seg.parent or "", cat)]["segments"].append(seg.key)
            elif with_segments:
                gaps.append(_gap(cov, seg, "category", cat))
    cat_order = list(snap.categories)
    gaps.sort(key=lambda g: (g["priority"], KIND_ORDER[g["kind"]], g["industry_level"] != "industry",
                             g["parent"] or g["industry"], g["industry"],
                             cat_order.index(g["value"]) if g["value"] in cat_order else 0, g["value"]))
    for rank, gap in enumerate(gaps, start=1):
        gap["rank"] = rank
    return gaps


def localise_gap(gap: dict[str, Any], lang: Lang) -> CoverageGap:
    """The gap as the API and report show it, in one language: ``missing``, ``reason`` and each nearest's ``why``."""
    en = lang == "en"
    return CoverageGap(
        industry=gap["industry"], industry_en=gap.get("industry_en"), industry_level=gap["industry_level"],
        parent=gap["parent"], priority=gap["priority"], kind=gap["kind"], value=gap["value"],
        platforms=gap["platforms"], segments=gap["segments"], rank=gap["rank"],
        missing=gap["missing_en"] if en else gap["missing_zh"], reason=gap["reason_en"] if en else gap["reason_zh"],
        nearest=[NearestPlatform(key=n["key"], id=n["id"], name=n["name"], type=n["type"], category=n["category"],
                                 level=n["level"], city=n["city"], status=n["status"], host=n["host"],
                                 evaluation=n["evaluation"], relation=n["relation"],
                                 why=n["why_en"] if en else n["why_zh"])
                 for n in gap.get("nearest", [])],
    )
