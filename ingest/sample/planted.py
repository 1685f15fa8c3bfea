"""The planted answers: overlap groups, hard non-overlaps, single/multi-sector platforms, coverage.

Why these shapes: each overlap kind reproduces a way 交叉重复 arises in practice (one host running
near-duplicate centres for different departments; the same team behind two platforms; the same
direction at partner hosts; a legacy centre "converted" into a new one), and alternates a strong and
a weak variant so a detector is measured on more than the easy cases. Hard non-overlaps look similar
on one signal but are genuinely different. Every planted platform is built by the same
:class:`PlatformBuilder` as the background, so only what is planted sets it apart.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from typing import TypeVar

from ingest.sample.model import Platform
from ingest.sample.platforms import PlatformBuilder
from ingest.sample.world import WELL_COVERED

T = TypeVar("T")

OVERLAP_KINDS = ("same_host_type_family", "same_people", "same_direction_cross_host", "renamed")
FAMILY_TYPES = {
    ("engineering_centre", "enterprise"): ("企业技术中心", "工程技术研究中心", "技术创新中心"),
    ("engineering_centre", "university"): ("工程技术研究中心", "工程研究中心", "工程实验室"),
    ("engineering_centre", "institute"): ("工程技术研究中心", "技术创新中心", "工程研究中心"),
    ("laboratory", "university"): ("自治区重点实验室", "高校重点实验室"),
    ("incubation", "enterprise"): ("科技企业孵化器", "众创空间", "星创天地"),
}


@dataclass
class Planted:
    groups: list[dict] = field(default_factory=list)
    hard: list[dict] = field(default_factory=list)
    single: list[tuple[int, str]] = field(default_factory=list)   # (platform idx, sector)
    multi: list[int] = field(default_factory=list)
    covered: list[int] = field(default_factory=list)


class Planter:
    def __init__(self, builder: PlatformBuilder) -> None:
        self.b = builder
        self.w = builder.w
        self.rng = builder.rng
        self.out = Planted()

    def _retry(self, make: Callable[[], T | None], what: str) -> T:
        for _ in range(200):
            result = make()
            if result:
                return result
        raise RuntimeError(f"could not plant {what}")

    def _scope(self, type_key: str) -> tuple[str, str]:
        """A key industry and one of its chain segments (planted platforms always name a segment)."""
        while True:
            industry, segment = self.b.pick_scope(type_key)
            if segment:
                return industry, segment

    def _core(self, p: Platform, n: int) -> list[int]:
        return [r for r, role in p.members if role == "core_member"][:n]

    def _director(self, p: Platform) -> int:
        return next(r for r, role in p.members if role == "director")

    # ------------------------------------------------------------------ overlap groups
    def groups(self, count: int) -> None:
        for i in range(count):
            kind = OVERLAP_KINDS[i % len(OVERLAP_KINDS)]
            strong = (i // len(OVERLAP_KINDS)) % 2 == 0
            gid = f"G{i + 1}"
            make = {"same_host_type_family": self._same_host, "same_people": self._same_people,
                    "same_direction_cross_host": self._cross_host, "renamed": self._renamed}[kind]
            plats = self._retry(partial(make, gid, strong, i), kind)
            keep = plats[-1] if kind == "renamed" else plats[0]
            self.out.groups.append({"id": gid, "kind": kind, "strength": "strong" if strong else "weak",
                                    "platforms": [p.idx for p in plats], "keep": keep.idx})

    def _undo(self, plats: list[Platform | None]) -> None:
        """Planting is all-or-nothing: a group that cannot be completed is removed again."""
        for p in reversed([p for p in plats if p is not None]):
            assert self.w.platforms[-1] is p
            self.w.unregister(p)

    def _same_host(self, gid: str, strong: bool, i: int) -> list[Platform] | None:
        rng, b = self.rng, self.b
        family, kind = rng.choices(list(FAMILY_TYPES), (5, 3, 3, 2, 1))[0]
        types = FAMILY_TYPES[(family, kind)]
        size = 3 if (len(types) == 3 and i % 3 == 0) else 2
        industry, segment = self._scope(types[0])
        host = b.pick_host(types[0], industry, kinds={kind: 1})
        if host is None:
            return None
        k = rng.sample(b.vocab(industry, segment), 6)
        kw_sets = [k[0:4], [k[0], k[1], k[2], k[4]] if strong else [k[0], k[4], k[1], k[5]], [k[0], k[1], k[5], k[3]]]
        themes = [[k[0]], [k[0], f"{k[0]}与{k[1]}"] if strong else [f"{k[1]}与{k[0]}", f"{segment}{k[1]}"],
                  [f"{k[0]}{k[1]}", f"{k[1]}{k[0]}"]]
        shared_partner = b.pick_partner(industry, self.w.allowed_sectors(industry, self.w.insts[host].sector), {host})
        plats: list[Platform | None] = []
        for j in range(size):
            co = [shared_partner] if (shared_partner is not None and (strong or j == 0)) else []
            shared: list[tuple[int, str]] = []
            if j > 0 and plats[0] is not None:
                a = plats[0]
                shared = [(self._director(a), "director"), (self._core(a, 1)[0], "core_member")] if strong else []
            p = b.build(type_key=types[j], level="regional", industry=industry, segment=segment, host=host,
                        co_builders=co, keywords=kw_sets[j], themes=themes[j], group=gid, tag="group",
                        status="active", evaluation=("优秀" if j == 0 else "合格"), shared=shared,
                        n_core=4 if j == 0 else None)
            plats.append(p)
            if p is None:
                self._undo(plats)
                return None
        return [p for p in plats if p is not None]  # all of them: a None returned above

    def _same_people(self, gid: str, strong: bool, i: int) -> list[Platform] | None:
        rng, b, w = self.rng, self.b, self.w
        industry, segment = self._scope("自治区重点实验室")
        x = b.pick_host("自治区重点实验室", industry, kinds={"university": 2, "institute": 1})
        if x is None:
            return None
        same_host = i % 3 == 1
        y = x if same_host else b.pick_host("技术创新中心", industry, kinds={"enterprise": 1}, exclude={x})
        if y is None or w.insts[y].sector not in w.allowed_sectors(industry, w.insts[x].sector):
            return None
        k = rng.sample(b.vocab(industry, segment), 7)
        a = b.build(type_key="自治区重点实验室", level="regional", industry=industry, segment=segment, host=x,
                    co_builders=[] if same_host or not strong else [y], keywords=k[0:4], themes=[k[0], f"{k[0]}与{k[1]}"],
                    group=gid, tag="group", status="active", evaluation="良好", n_core=5)
        if a is None:
            return None
        core = self._core(a, 5)
        if strong:
            shared = [(self._director(a), "director"), *[(r, "core_member") for r in core[:3]]]
        else:
            shared = [(self._director(a), "chief_scientist"), *[(r, "core_member") for r in core[:2]]]
        btype = "国际科技合作基地" if same_host else rng.choice(("技术创新中心", "工程技术研究中心"))
        bk = [k[0], k[1], k[4], k[5]] if strong else [k[4], k[0], k[5], k[6]]
        bp = b.build(type_key=btype, level="regional", industry=industry, segment=segment, host=y,
                     co_builders=[] if same_host else [x] if strong else [], keywords=bk,
                     themes=[f"{k[4]}与{k[5]}", f"{segment}{k[4]}"], group=gid, tag="group",
                     status="active", evaluation="合格", shared=shared)
        if bp is None:
            self._undo([a])
            return None
        assert w.member_sets[a.idx] & w.member_sets[bp.idx]
        return [a, bp]

    def _cross_host(self, gid: str, strong: bool, i: int) -> list[Platform] | None:
        rng, b = self.rng, self.b
        size = 3 if i % 3 == 2 else 2
        types = ["工程技术研究中心"] * 3 if strong else ["工程技术研究中心", "技术创新中心", "工程研究中心"]
        industry, segment = self._scope(types[0])
        hosts: list[int] = []
        for _ in range(size):
            h = b.pick_host(types[0], industry, kinds={"enterprise": 2, "university": 1, "institute": 1}, exclude=set(hosts))
            if h is None:
                return None
            hosts.append(h)
        sectors = self.w.allowed_sectors(industry, self.w.insts[hosts[0]].sector)
        if any(self.w.insts[h].sector not in sectors for h in hosts):
            return None
        z = b.pick_partner(industry, sectors, set(hosts))
        if z is None:
            return None
        k = rng.sample(b.vocab(industry, segment), 6)
        kw_sets = [k[0:4], [k[1], k[0], k[2], k[3]] if strong else [k[0], k[1], k[2], k[5]], [k[0], k[2], k[1], k[4]]]
        themes = [[k[0]], [f"{k[0]}与{k[1]}", f"{k[1]}{k[0]}"], [f"{k[0]}{k[2]}", f"{segment}{k[0]}"]]
        plats: list[Platform | None] = []
        for j in range(size):
            co = [z] + ([hosts[0]] if strong and j > 0 else [])
            shared = [(self._core(plats[0], 1)[0], "core_member")] if (strong and j > 0 and plats[0]) else []
            p = b.build(type_key=types[j], level="regional", industry=industry, segment=segment, host=hosts[j],
                        co_builders=co, keywords=kw_sets[j], themes=themes[j], group=gid, tag="group",
                        status="active", evaluation="良好" if j == 0 else "合格", shared=shared,
                        n_core=3 if j == 0 else None)
            plats.append(p)
            if p is None:
                self._undo(plats)
                return None
        return [p for p in plats if p is not None]  # all of them: a None returned above

    def _renamed(self, gid: str, strong: bool, i: int) -> list[Platform] | None:
        rng, b = self.rng, self.b
        industry, segment = self._scope("工程技术研究中心")
        x = b.pick_host("工程技术研究中心", industry, kinds={"university": 1, "institute": 1, "enterprise": 1})
        if x is None:
            return None
        y = b.pick_host("技术创新中心", industry, kinds={"enterprise": 2, "institute": 1}, exclude={x})
        if y is None or not segment:
            return None
        sectors = self.w.allowed_sectors(industry, self.w.insts[x].sector)
        if self.w.insts[y].sector not in sectors:
            return None
        k = rng.sample(b.vocab(industry, segment), 6)
        a = b.build(type_key="工程技术研究中心", level="regional", industry=industry, segment=segment, host=x,
                    co_builders=[y], keywords=k[0:4], themes=[k[0], f"{k[0]}与{k[1]}"], group=gid, tag="group",
                    status="active", evaluation=rng.choice(("合格", "整改")), established=rng.randint(2004, 2012),
                    n_core=5)
        if a is None:
            return None
        core = self._core(a, 5)
        shared = ([(self._director(a), "core_member"), (core[0], "core_member"), (core[1], "core_member")] if strong
                  else [(core[0], "core_member"), (core[2], "core_member")])
        partner = [x] if strong else []
        bp = b.build(type_key="技术创新中心", level="regional", industry=industry, segment=segment, host=y,
                     co_builders=partner, keywords=[k[4], k[1], k[5], k[0]], themes=[f"{segment}{k[4]}", f"{k[4]}与{k[5]}"],
                     group=gid, tag="group", status="active", evaluation="良好", established=rng.randint(2020, 2023),
                     shared=shared)
        if bp is None:
            self._undo([a])
            return None
        return [a, bp]

    # ------------------------------------------------------------------ hard non-overlaps
    def hard_non_overlaps(self, count: int) -> None:
        for i in range(count):
            if i % 2 == 0:
                pair = self._retry(self._same_host_different_field, "same_host_different_field")
                kind = "same_host_different_field"
            else:
                pair = self._retry(self._same_field_different_segment, "same_field_different_segment")
                kind = "same_field_different_segment"
            self.out.hard.append({"kind": kind, "platforms": [p.idx for p in pair]})

    def _same_host_different_field(self) -> list[Platform] | None:
        rng, b = self.rng, self.b
        t1, t2 = rng.choice((("自治区重点实验室", "自治区重点实验室"), ("自治区重点实验室", "高校重点实验室"),
                             ("工程技术研究中心", "工程研究中心")))
        ind1, seg1 = self._scope(t1)
        host = b.pick_host(t1, ind1, kinds={"university": 1})
        if host is None:
            return None
        ind2, seg2 = self._scope(t2)
        if ind2 == ind1:
            return None
        a = b.build(type_key=t1, level="regional", industry=ind1, segment=seg1, host=host, tag="hard",
                    status="active", reuse=0.0, committee_reuse=0.0, n_co=0)
        if a is None:
            return None
        bp = b.build(type_key=t2, level="regional", industry=ind2, segment=seg2, host=host, tag="hard",
                     status="active", reuse=0.0, committee_reuse=0.0, n_co=0)
        if bp is None:
            self._undo([a])
            return None
        return [a, bp]

    def _same_field_different_segment(self) -> list[Platform] | None:
        rng, b, w = self.rng, self.b, self.w
        industry = rng.choice([k for k, segs in b.segments.items() if len(segs) >= 2])
        s1, s2 = rng.sample(b.segments[industry], 2)
        t = rng.choice(("工程技术研究中心", "自治区重点实验室", "技术创新中心"))
        x = b.pick_host(t, industry)
        if x is None:
            return None
        y = b.pick_host(t, industry, city=w.insts[x].city, exclude={x}) or b.pick_host(t, industry, exclude={x})
        if y is None:
            return None
        sectors = w.allowed_sectors(industry, w.insts[x].sector)
        z = b.pick_partner(industry, sectors, {x, y})
        if z is None or w.insts[y].sector not in sectors:
            return None
        k1 = rng.sample(b.vocab(industry, s1), 4)
        k2 = rng.sample(b.vocab(industry, s2), 4)
        if set(k1) & set(k2):
            return None
        a = b.build(type_key=t, level="regional", industry=industry, segment=s1, host=x, co_builders=[z],
                    keywords=k1, themes=[f"{s1}{k1[0]}", k1[0]], tag="hard", status="active", reuse=0.0, committee_reuse=0.0)
        if a is None:
            return None
        bp = b.build(type_key=t, level="regional", industry=industry, segment=s2, host=y, co_builders=[z],
                     keywords=k2, themes=[f"{s2}{k2[0]}", k2[0]], tag="hard", status="active", reuse=0.0, committee_reuse=0.0)
        if bp is None:
            self._undo([a])
            return None
        return [a, bp]

    # ------------------------------------------------------------------ sectors
    def single_sector(self, count: int) -> None:
        specs = (("academia", "自治区重点实验室", "university"), ("industry", "企业技术中心", "enterprise"),
                 ("research", "新型研发机构", "institute"))
        for i in range(count):
            sector, type_key, kind = specs[i % len(specs)]

            def make(sector: str = sector, type_key: str = type_key, kind: str = kind) -> Platform | None:
                industry, segment = self._scope(type_key)
                host = self.b.pick_host(type_key, industry, kinds={kind: 1})
                if host is None or self.w.insts[host].sector != sector:
                    return None
                return self.b.build(type_key=type_key, level="regional", industry=industry, segment=segment,
                                    host=host, sectors={sector}, n_co=1, tag="single", status="active")

            p = self._retry(make, "single-sector platform")
            self.out.single.append((p.idx, sector))

    def multi_sector(self, count: int) -> None:
        def make() -> Platform | None:
            b, w = self.b, self.w
            industry, segment = self._scope("技术创新中心")
            if w.allowed_sectors(industry, "industry") != {"industry", "academia", "research", "user"}:
                return None
            host = b.pick_host("技术创新中心", industry, kinds={"enterprise": 1})
            if host is None or w.insts[host].sector != "industry":
                return None
            co: list[int] = []
            for sector in ("academia", "research", "user"):
                partner = b.pick_partner(industry, {sector}, {host, *co}, sector=sector)
                if partner is None:
                    return None
                co.append(partner)
            p = b.build(type_key="技术创新中心", level="regional", industry=industry, segment=segment, host=host,
                        co_builders=co, tag="multi", status="active", staff=False)
            if p is None:
                return None
            p.members.clear()
            w.add_member(p, w.new_researcher(host, p.keywords, industry, senior=True), "director")
            for inst in co:
                w.add_member(p, w.new_researcher(inst, p.keywords, industry), "core_member")
            return p

        for _ in range(count):
            self.out.multi.append(self._retry(make, "multi-sector platform").idx)

    # ------------------------------------------------------------------ coverage
    def well_covered(self, per_cell: int = 4) -> None:
        for industry, kind, value in WELL_COVERED:
            made = 0
            for _ in range(400 * per_cell):
                if made >= per_cell:
                    break
                if kind == "category":
                    p = self.b.build(industry=industry, category=value, tag="covered", status="active")
                elif kind == "city":
                    p = self.b.build(industry=industry, city=value, tag="covered", status="active")
                else:
                    type_key = self.rng.choice(("企业技术中心", "工程研究中心", "技术创新中心"))
                    p = self.b.build(type_key=self.w.national_of[type_key], level="national", industry=industry,
                                     tag="covered", status="active")
                if p is not None:
                    made += 1
                    self.out.covered.append(p.idx)
            if made < per_cell:
                raise RuntimeError(f"could not cover {industry} {kind} {value}")
