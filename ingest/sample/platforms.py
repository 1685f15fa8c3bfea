"""Platforms: names, hosts, co-builders, direction keywords and people, under the World's rules.

Why the builder is reusable: planted answers (overlap groups, hard non-overlaps, single- and
multi-sector platforms, well-covered cells) and the background are made by the same code with a few
parameters forced, so planted platforms look like every other platform except in what they plant.
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import accumulate
from typing import TypedDict, Unpack

from ingest.sample import pools
from ingest.sample.model import Platform
from ingest.sample.world import World


class StaffOptions(TypedDict, total=False):
    """How :meth:`PlatformBuilder.staff` fills a platform; ``build`` passes them through."""

    shared: Sequence[tuple[int, str]]
    n_core: int | None
    committee: int | None
    reuse: float
    committee_reuse: float

# Relative frequency of each regional type among background platforms (Guangxi-like proportions).
TYPE_WEIGHTS = {
    "自治区实验室": 0.6, "自治区重点实验室": 12, "技术创新中心": 6, "工程技术研究中心": 16, "临床医学研究中心": 5,
    "工程研究中心": 9, "企业技术中心": 18, "制造业创新中心": 1.2, "新型研发机构": 5, "技术转移示范机构": 3,
    "科技企业孵化器": 6, "众创空间": 7, "国际科技合作基地": 3, "野外科学观测研究站": 1.5,
    "科技资源共享服务平台": 2, "工程实验室": 2, "高校重点实验室": 4, "星创天地": 2,
}
# Which kinds of institution host each type, with weights.
HOST_KINDS: dict[str, dict[str, float]] = {
    "自治区实验室": {"university": 6, "institute": 3}, "自治区重点实验室": {"university": 6, "institute": 3, "hospital": 1.5, "enterprise": 0.5},
    "高校重点实验室": {"university": 1}, "技术创新中心": {"enterprise": 4, "university": 2, "institute": 2},
    "工程技术研究中心": {"enterprise": 5, "university": 3, "institute": 2}, "工程研究中心": {"university": 4, "enterprise": 4, "institute": 2},
    "工程实验室": {"university": 4, "enterprise": 4, "institute": 2}, "临床医学研究中心": {"hospital": 1},
    "企业技术中心": {"enterprise": 1}, "制造业创新中心": {"enterprise": 1}, "新型研发机构": {"institute": 3, "enterprise": 2},
    "技术转移示范机构": {"university": 3, "institute": 2, "other": 2}, "科技企业孵化器": {"enterprise": 3, "other": 2, "university": 1},
    "众创空间": {"enterprise": 3, "other": 2, "university": 1}, "星创天地": {"enterprise": 2, "institute": 1, "other": 1},
    "国际科技合作基地": {"university": 3, "institute": 2, "enterprise": 2}, "野外科学观测研究站": {"institute": 3, "university": 2},
    "科技资源共享服务平台": {"institute": 2, "other": 2, "government": 1},
}
FIELD_STATION_SCOPES = (("现代特色农业", "林业"), ("现代特色农业", "水果"), ("海洋与向海经济", "海洋渔业与养殖"),
                        ("资源循环利用", "固废资源化"))
REGIONAL_SUFFIX = {
    "自治区实验室": "实验室", "自治区重点实验室": "重点实验室", "技术创新中心": "技术创新中心",
    "工程技术研究中心": "工程技术研究中心", "临床医学研究中心": "临床医学研究中心", "工程研究中心": "工程研究中心",
    "制造业创新中心": "制造业创新中心", "新型研发机构": "产业技术研究院", "国际科技合作基地": "国际科技合作基地",
    "野外科学观测研究站": "野外科学观测研究站", "科技资源共享服务平台": "科技资源共享服务平台",
    "工程实验室": "工程实验室", "高校重点实验室": "重点实验室",
}
NATIONAL_AFFIX = {
    "全国重点实验室": ("", "全国重点实验室"), "国家技术创新中心": ("国家", "技术创新中心"),
    "国家工程技术研究中心": ("国家", "工程技术研究中心"), "国家临床医学研究中心": ("国家", "临床医学研究中心"),
    "国家工程研究中心": ("", "国家工程研究中心"), "国家工程实验室": ("", "国家工程实验室"),
    "国家制造业创新中心": ("国家", "制造业创新中心"), "国家国际科技合作基地": ("", "国家国际科技合作基地"),
    "国家野外科学观测研究站": ("广西", "国家野外科学观测研究站"), "国家科技资源共享服务平台": ("国家", "资源库"),
}
HOST_BASED = {"企业技术中心": "技术中心", "国家企业技术中心": "技术中心", "技术转移示范机构": "技术转移中心",
              "国家技术转移示范机构": "技术转移中心"}
BRAND_BASED = {"科技企业孵化器": "科技企业孵化器", "国家级科技企业孵化器": "科技企业孵化器", "众创空间": "众创空间",
               "国家备案众创空间": "众创空间"}
EVALUATIONS = (("优秀", 15), ("良好", 33), ("合格", 35), ("整改", 4), ("不合格", 2.5), ("", 10.5))
EVAL_NAMES = [e for e, _ in EVALUATIONS]
EVAL_CUM = list(accumulate(w for _, w in EVALUATIONS))
# Kinds of co-builders, with weights (universities and institutes are the usual partners).
PARTNER_KINDS = ["university", "institute", "enterprise", "hospital", "government", "other"]
PARTNER_CUM = list(accumulate((4, 3, 3, 0.6, 0.5, 0.4)))
_COUNTIES = list(pools.COUNTIES)


class PlatformBuilder:
    def __init__(self, world: World) -> None:
        self.w = world
        self.rng = world.rng
        self._type_keys = list(TYPE_WEIGHTS)
        self._type_cum = list(accumulate(TYPE_WEIGHTS.values()))
        self._host_kinds = {t: (list(k), list(accumulate(k.values()))) for t, k in HOST_KINDS.items()}
        key_inds = [k for k, v in world.industries.items() if v.level == "industry"]
        self._ind_keys = key_inds + [name for name, _ in pools.EXTRA_INDUSTRIES]
        self._ind_w = [{1: 3, 2: 2}.get(world.industries[k].priority, 1) for k in key_inds] + [0.3] * len(pools.EXTRA_INDUSTRIES)
        self.segments = {k: [s for s, v in world.industries.items() if v.parent == k] for k in key_inds}
        self._real: dict[tuple[str, str], list[int]] = {}
        # Real institutions host a fixed share of a provincial-size sample (≈ 2,000 platforms), so a
        # 100,000-platform benchmark does not pile thousands of platforms onto 广西大学.
        self.real_share = 0.2


    # ------------------------------------------------------------------ choices
    def pick_scope(self, type_key: str, industry: str | None = None) -> tuple[str, str]:
        rng = self.rng
        if industry is None:
            if type_key in ("临床医学研究中心", "国家临床医学研究中心"):
                industry = "生物医药"
            elif type_key in ("野外科学观测研究站", "国家野外科学观测研究站"):
                return rng.choice(FIELD_STATION_SCOPES)
            else:
                industry = rng.choices(self._ind_keys, self._ind_w)[0]
        segs = self.segments.get(industry, [])
        return industry, (rng.choice(segs) if segs else "")

    def vocab(self, industry: str, segment: str) -> tuple[str, ...]:
        return pools.SEGMENT_VOCAB[segment or industry]

    def draw_keywords(self, type_key: str, industry: str, segment: str, n: int | None = None) -> list[str]:
        rng = self.rng
        vocab = self.vocab(industry, segment)
        if type_key.endswith("临床医学研究中心"):
            return [rng.choice(pools.CLINICAL_AREAS), *rng.sample(vocab, 2)]
        if type_key.endswith("野外科学观测研究站"):
            return [rng.choice(pools.FIELD_ECOSYSTEMS), *rng.sample(vocab, 2)]
        return rng.sample(vocab, n or rng.randint(3, 5))

    def pick_host(self, type_key: str, industry: str, *, kinds: dict[str, float] | None = None,
                  city: str | None = None, exclude: set[int] | frozenset[int] = frozenset()) -> int | None:
        rng = self.rng
        base = self.w.tax.types[type_key].counterpart if self.w.tax.types[type_key].level == "national" else type_key
        if kinds is None:
            names, cum = self._host_kinds[base or type_key]
            kind = rng.choices(names, cum_weights=cum)[0]
        else:
            kind = rng.choices(list(kinds), list(kinds.values()))[0]
        cands = self.w.fac.by_kind_industry.get((kind, industry)) or self.w.fac.by_kind.get(kind, [])
        real = self._real.get((kind, industry))
        if real is None:
            real = self._real[(kind, industry)] = [c for c in cands[:40] if self.w.insts[c].real]
        for _ in range(12):
            idx = rng.choice(cands)
            if real and rng.random() < self.real_share:
                idx = rng.choice(real)
            if idx in exclude or (city and self.w.insts[idx].city != city):
                continue
            return idx
        if city:
            same_city = [i for i in self.w.fac.by_kind.get(kind, []) if self.w.insts[i].city == city and i not in exclude]
            return rng.choice(same_city) if same_city else None
        return None

    def pick_partner(self, industry: str, sectors: set[str], exclude: set[int], *, sector: str | None = None) -> int | None:
        """A co-builder in the industry, from an allowed sector (universities and institutes preferred)."""
        rng = self.rng
        for _ in range(15):
            kind = rng.choices(PARTNER_KINDS, cum_weights=PARTNER_CUM)[0]
            cands = self.w.fac.by_kind_industry.get((kind, industry)) or self.w.fac.by_kind.get(kind, [])
            if not cands:
                continue
            idx = rng.choice(cands)
            inst = self.w.insts[idx]
            if idx in exclude or inst.sector not in sectors or (sector and inst.sector != sector):
                continue
            return idx
        return None

    # ------------------------------------------------------------------ names
    def make_name(self, type_key: str, level: str, themes: list[str], host: int, city: str,
                  unit: str = "", co_builders: Sequence[int] = ()) -> tuple[str, str] | None:
        """(name, theme): the first unused name from the type's pattern and the candidate themes
        whose theme would make no same-institution or rare-core look-alike with a platform of another
        planted unit (:meth:`World.theme_ok`) — None if none is free: the truth says "not overlap"
        only where the names agree."""
        rng, names = self.rng, self.w.names
        host_name = self.w.insts[host].name
        if type_key in HOST_BASED:
            name = host_name + HOST_BASED[type_key]
            # its theme is the host's name: the overlap analysis reads the topic of a host-named
            # centre from the host's name (queries/overlap/text.py), so the same rule applies here
            ok = name not in names and self.w.theme_ok(host_name, [host, *co_builders], type_key, unit)
            return (name, host_name) if ok else None
        if type_key in BRAND_BASED:
            suffix = BRAND_BASED[type_key]
            for _ in range(30):
                brand = rng.choice(pools.BRAND_CHARS) + rng.choice(pools.BRAND_CHARS)
                name = f"{rng.choice((city, city + '市', '广西', ''))}{brand}{suffix}"
                if name not in names and self.w.theme_ok(brand, [host, *co_builders], type_key, unit):
                    return name, brand
            return None
        candidates: list[tuple[str, str]]
        if type_key == "星创天地":
            prefixes = [rng.choice(_COUNTIES), *rng.sample(_COUNTIES, 3)]
            candidates = [(f"{p}{t}星创天地", t) for t in themes for p in prefixes]
        elif type_key in NATIONAL_AFFIX:
            pre, suf = NATIONAL_AFFIX[type_key]
            candidates = [(f"{pre}{t}{suf}", t) for t in themes] + [(f"{pre}{city}{t}{suf}", t) for t in themes]
        elif level == "municipal":
            suf = REGIONAL_SUFFIX.get(type_key, type_key)
            candidates = [(f"{city}市{t}{suf}", t) for t in themes] + [(f"{city}市{host_name}{t}{suf}", t) for t in themes]
        else:
            suf = REGIONAL_SUFFIX.get(type_key, type_key)
            pre = "广西高校" if type_key == "高校重点实验室" else "广西"
            county = rng.choice(_COUNTIES)
            candidates = ([(f"{pre}{t}{suf}", t) for t in themes] + [(f"{city}{t}{suf}", t) for t in themes]
                          + [(f"{county}{t}{suf}", t) for t in themes] + [(f"{host_name}{t}{suf}", t) for t in themes])
        for name, theme in candidates:
            if name not in names and self.w.theme_ok(theme, [host, *co_builders], type_key, unit):
                return name, theme
        return None

    def themes(self, type_key: str, keywords: list[str], segment: str) -> list[str]:
        k = keywords
        if type_key.endswith("野外科学观测研究站"):
            places = self.rng.sample(pools.FIELD_PLACES, 4)
            return [f"{p}{k[0]}" for p in places]
        if type_key.endswith("临床医学研究中心"):
            return [k[0], f"{k[0]}{k[1]}", f"{k[0]}与{k[2]}"]
        return [k[0], f"{k[0]}与{k[1]}", f"{segment}{k[0]}" if segment else f"{k[1]}{k[0]}", f"{k[1]}与{k[0]}"]

    # ------------------------------------------------------------------ one platform
    def level_for(self, type_key: str, level: str | None = None) -> tuple[str, str]:
        """(type key, level) after choosing the level: national counterparts, municipal variants."""
        rng = self.rng
        if level is None:
            roll = rng.random()
            level = "national" if roll < 0.07 else "municipal" if roll < 0.11 else "regional"
        if level == "national":
            nat = self.w.national_of.get(type_key)
            if nat is None or type_key == "自治区实验室":
                return type_key, "regional"
            return nat, "national"
        if level == "municipal" and type_key in ("自治区实验室", "高校重点实验室", "星创天地"):
            return type_key, "regional"
        return type_key, level

    def lifecycle(self, p: Platform, *, status: str | None = None, evaluation: str | None = None) -> None:
        rng = self.rng
        if status is None:
            if p.established >= 2023 and rng.random() < 0.7:
                status = "building"
            elif p.established < 2016 and rng.random() < 0.05:
                status = rng.choice(("revoked", "revoked", "merged"))
            else:
                status = "active"
        p.status = status
        if evaluation is None:
            evaluation = "" if status == "building" else rng.choices(EVAL_NAMES, cum_weights=EVAL_CUM)[0]
            if status == "revoked" and rng.random() < 0.6:
                evaluation = "不合格"
        p.evaluation = evaluation

    def build(self, *, type_key: str | None = None, level: str | None = None, industry: str | None = None,
              segment: str | None = None, host: int | None = None, co_builders: list[int] | None = None,
              keywords: list[str] | None = None, themes: list[str] | None = None, city: str | None = None,
              category: str | None = None, sectors: set[str] | None = None, n_co: int | None = None,
              tag: str = "background", group: str = "", status: str | None = None,
              evaluation: str | None = None, established: int | None = None,
              staff: bool = True, **staff_kw: Unpack[StaffOptions]) -> Platform | None:
        """One platform, or None when the forced parameters cannot be met (the caller retries)."""
        rng, w = self.rng, self.w
        if type_key is None:
            for _ in range(50):
                type_key = rng.choices(self._type_keys, cum_weights=self._type_cum)[0]
                if category is None or w.category(type_key) == category:
                    break
            else:
                return None
            type_key, level = self.level_for(type_key, level)
        elif level is None:
            level = w.tax.types[type_key].level
        if industry is None or segment is None:
            industry, seg = self.pick_scope(type_key, industry)
            segment = seg if segment is None else segment
        if host is None:
            host = self.pick_host(type_key, industry, city=city)
            if host is None:
                return None
        hinst = w.insts[host]
        pcity = city or hinst.city
        if w.violates_coverage(type_key, level, industry, segment, pcity):
            return None
        allowed = w.allowed_sectors(industry, hinst.sector, only=sectors)
        shared = staff_kw.get("shared") or ()
        if co_builders is not None and any(w.insts[c].sector not in allowed for c in co_builders):
            return None
        if any(w.insts[w.researchers[r].inst].sector not in allowed for r, _ in shared):
            return None
        if co_builders is None:
            co_builders = []
            n_co = n_co if n_co is not None else rng.choices((0, 1, 2, 3), cum_weights=(40, 75, 93, 100))[0]
            for _ in range(n_co):
                partner = self.pick_partner(industry, allowed, {host, *co_builders})
                if partner is not None:
                    co_builders.append(partner)
        scope = segment or industry
        for _ in range(20):
            kws = keywords or self.draw_keywords(type_key, industry, segment)
            if w.keywords_ok(host, type_key, scope, kws, [host, *co_builders], group):
                break
            if keywords:
                return None
        else:
            return None
        named = self.make_name(type_key, level, themes or self.themes(type_key, kws, segment), host, pcity,
                               unit=group or ("hard" if tag == "hard" else ""), co_builders=co_builders)
        if named is None:
            return None
        name, theme = named
        p = Platform(idx=-1, name=name, type_key=type_key, level=level, industry=industry, segment=segment,
                     host=host, co_builders=list(co_builders), city=pcity, keywords=list(kws),
                     established=established or rng.randint(1998, 2024), tag=tag, group=group,
                     theme=theme)
        self.lifecycle(p, status=status, evaluation=evaluation)
        roll = rng.random()
        p.serves = ([segment] if roll < 0.6 else [segment, industry] if roll < 0.85 else [industry]) if segment else [industry]
        w.register(p)
        if staff:
            self.staff(p, allowed, **staff_kw)
        return p

    # ------------------------------------------------------------------ people
    def staff(self, p: Platform, sectors: set[str], *, shared: Sequence[tuple[int, str]] = (),
              n_core: int | None = None, committee: int | None = None, reuse: float = 0.08,
              committee_reuse: float = 0.7) -> None:
        """Director, chief scientist, academic committee and core members, from host and co-builders."""
        rng, w = self.rng, self.w
        fam = w.tax.family_of(p.type_key)
        for ridx, role in shared:
            w.add_member(p, ridx, role)
        roles = {role for _, role in shared}
        home = [p.host, *p.co_builders]
        if "director" not in roles:
            w.add_member(p, w.new_researcher(p.host, p.keywords, p.industry, senior=True), "director")
        if "chief_scientist" not in roles and rng.random() < (0.6 if fam == "laboratory" else 0.15):
            w.add_member(p, w.new_researcher(rng.choice(home), p.keywords, p.industry, senior=True), "chief_scientist")
        n_comm = committee if committee is not None else (rng.randint(2, 4) if fam == "laboratory" else rng.randint(0, 2) if fam == "engineering_centre" else 0)
        for _ in range(n_comm):
            sector = rng.choice(sorted(sectors & {"academia", "research"}) or sorted(sectors))
            pool = w.res_pool.get((p.industry, sector), [])
            placed = False
            if pool and rng.random() < committee_reuse:
                for _ in range(4):
                    ridx = rng.choice(pool)
                    if w.can_join(p.idx, ridx):
                        w.add_member(p, ridx, "academic_committee")
                        placed = True
                        break
            if not placed:
                partner = self.pick_partner(p.industry, {sector}, set()) or p.host
                w.add_member(p, w.new_researcher(partner, p.keywords, p.industry, senior=True), "academic_committee")
        n = n_core if n_core is not None else (rng.randint(1, 2) if w.tax.family_of(p.type_key) == "incubation" else rng.randint(2, 5))
        for _ in range(n):
            inst = rng.choice(home)
            existing = w.res_by_inst.get(inst, [])
            if existing and rng.random() < reuse:
                ridx = rng.choice(existing)
                if w.can_join(p.idx, ridx):
                    w.add_member(p, ridx, "core_member")
                    continue
            w.add_member(p, w.new_researcher(inst, p.keywords, p.industry), "core_member")

    # ------------------------------------------------------------------ background
    def background(self, count: int, **forced: object) -> list[Platform]:
        made: list[Platform] = []
        misses = 0
        while len(made) < count:
            p = self.build(**forced)  # type: ignore[arg-type]  # forced: any of build()'s keywords, as the caller gave them
            if p is None:
                misses += 1
                if misses > 200 * (count + 10):
                    raise RuntimeError(f"cannot generate platforms with {forced}")
                continue
            made.append(p)
        return made
