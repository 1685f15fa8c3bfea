"""The generator's shared state and the rules every generated platform must obey.

Why one object: platforms, people and institutions are built in several passes (planted answers
first, background after) and all passes must respect the same invariants: unique names, the planted
coverage gaps and never-collaborating sector pairs, and "background platforms do not overlap by
accident" (no two share host + type family + ≥2 direction keywords, an institution + segment + ≥3
keywords, or ≥2 people — nor a name theme a planner reading the list would call 交叉重复: see
:meth:`World.theme_ok`). Keeping the indexes that enforce them in one place makes that checkable.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from itertools import combinations

from graph.reference import load_industries, load_taxonomy
from graph.topic_thesaurus import load_thesaurus
from ingest.sample import pools
from ingest.sample.institutions import InstitutionFactory
from ingest.sample.model import SECTORS, Platform, Researcher

# Planted answers that constrain *every* platform and collaboration (see docs/sample-data.md).
NEVER_COLLABORATING = (("蔗糖", ("academia", "industry")), ("高端绿色家居", ("industry", "research")),
                       ("有色金属", ("academia", "user")))
WELL_CONNECTED = (("汽车及新能源汽车", ("academia", "industry")), ("生物医药", ("academia", "user")),
                  ("机械装备", ("industry", "research")))
COVERAGE_GAPS = (("碳酸钙", "category", "science_engineering"), ("铝", "level", "national"),
                 ("机械装备", "city", "玉林"), ("集成电路", "category", "science_engineering"))
WELL_COVERED = (("汽车及新能源汽车", "category", "innovation_transfer"), ("生物医药", "category", "science_engineering"),
                ("电子信息", "city", "桂林"), ("机械装备", "level", "national"))

_FORBIDDEN: dict[str, list[frozenset[str]]] = {}
for _ind, _pair in NEVER_COLLABORATING:
    _FORBIDDEN.setdefault(_ind, []).append(frozenset(_pair))


def forbidden_pairs(industry: str) -> list[frozenset[str]]:
    return _FORBIDDEN.get(industry, [])


_SURNAMES = "".join(dict.fromkeys(pools.SURNAMES))
_GIVEN = "".join(dict.fromkeys(pools.GIVEN_CHARS))
_TWO_CHAR_SHARE = 0.7
_NAME_SPACE = len(_SURNAMES) * len(_GIVEN) * int(len(_GIVEN) / _TWO_CHAR_SHARE)
_TITLES = pools.TITLES
# A name core carried by more platforms than this (whole or inside a longer core) is a common topic
# word, not a duplicate's mark — the overlap analysis's rare-core rule (queries/overlap/text.py RARE_CORE).
RARE_CORE = 3
COUNTED_STATUSES = ("active", "building")  # the platforms the overlap analysis reads
_CONNECTORS = ("与", "和", "及", "暨")


def theme_core(theme: str) -> str:
    """A name theme as a core: without its joining words (甘蔗与育种 → 甘蔗育种)."""
    for word in _CONNECTORS:
        theme = theme.replace(word, "")
    return theme


def unit_of(p: Platform) -> str:
    """The planted unit a platform belongs to (see ``World._inst_themes``)."""
    return p.group or ("hard" if p.tag == "hard" else "")


def _bigrams(core: str) -> set[str]:
    return {core} if len(core) < 2 else {core[i : i + 2] for i in range(len(core) - 1)}
_PROGRAMS = pools.TALENT_PROGRAMS


class World:
    """Everything generated so far plus the indexes that keep the invariants."""

    def __init__(self, rng: random.Random, factory: InstitutionFactory) -> None:
        self.rng = rng
        self.fac = factory
        self.insts = factory.items
        self.tax = load_taxonomy()
        self.industries = load_industries()
        self.national_of = {t.counterpart: t.key for t in self.tax.types.values() if t.counterpart}
        self.researchers: list[Researcher] = []
        self.platforms: list[Platform] = []
        self.names: set[str] = set()
        self.member_sets: list[set[int]] = []
        self.group_of: dict[int, str] = {}
        self._host_family: dict[tuple[int, str], list[tuple[frozenset[str], str]]] = {}
        self._inst_segment: dict[tuple[int, str], list[tuple[frozenset[str], str]]] = {}
        self.res_by_inst: dict[int, list[int]] = {}
        self.res_pool: dict[tuple[str, str], list[int]] = {}
        # name themes of counted platforms: by institution (core, concepts, group), by core
        # (institutions, type, group)
        self._inst_themes: dict[int, list[tuple[str, dict[str, str], str]]] = {}
        self._core_plats: dict[str, list[tuple[frozenset[int], str, str]]] = {}
        # a platform's unit: its planted group, "hard" for the planted hard non-overlaps (similar to
        # each other on purpose), "" for the rest; platforms of one unit are exempt from each other
        self._core_bigrams: dict[str, set[str]] = {}

    # ------------------------------------------------------------------ taxonomy helpers
    def family_key(self, type_key: str) -> str:
        """The near-duplicate family, or the type itself for types outside any family."""
        return self.tax.family_of(type_key) or type_key

    def category(self, type_key: str) -> str:
        return self.tax.category_of(type_key) or ""

    def violates_coverage(self, type_key: str, level: str, industry: str, segment: str, city: str) -> bool:
        """True when a platform would fill one of the planted coverage gaps."""
        cat = self.category(type_key)
        return ((industry == "碳酸钙" and cat == "science_engineering")
                or (segment == "集成电路" and cat == "science_engineering")
                or (industry == "铝" and level == "national")
                or (industry == "机械装备" and city == "玉林"))

    def allowed_sectors(self, industry: str, host_sector: str, *, only: set[str] | None = None) -> set[str]:
        """Sectors that may join a platform of ``industry`` without creating a forbidden pair."""
        allowed = set(only) if only is not None else set(SECTORS)
        allowed.add(host_sector)
        for pair in forbidden_pairs(industry):
            if host_sector in pair:
                allowed -= pair - {host_sector}
        for pair in forbidden_pairs(industry):
            if pair <= allowed:  # neither is the host's sector: always drop the same one (stable per host sector)
                allowed.discard(max(pair))
        return allowed

    # ------------------------------------------------------------------ overlap invariants
    def keywords_ok(self, host: int, type_key: str, scope: str, keywords: list[str], insts: list[int],
                    group: str = "") -> bool:
        """Background rule: no shared host+family with ≥2 keywords, no shared institution+segment with ≥3."""
        kws = frozenset(keywords)
        for other, g in self._host_family.get((host, self.family_key(type_key)), ()):
            if len(kws & other) >= 2 and not (group and g == group):
                return False
        for inst in insts:
            for other, g in self._inst_segment.get((inst, scope), ()):
                if len(kws & other) >= 3 and not (group and g == group):
                    return False
        return True

    # ------------------------------------------------------------------ name themes (交叉重复 by name)
    def compatible_types(self, a: str, b: str) -> bool:
        """Same type, one near-duplicate family, or a national type and its regional counterpart."""
        if a == b or (self.tax.family_of(a) and self.tax.family_of(a) == self.tax.family_of(b)):
            return True
        ta, tb = self.tax.types.get(a), self.tax.types.get(b)
        return bool(ta and tb and (ta.counterpart == tb.key or tb.counterpart == ta.key))

    def _cores_related(self, core: str) -> list[str]:
        """Registered cores equal to ``core``, inside it (its substrings), or holding it (looked for
        among the cores that hold its rarest bigram): near-constant work per name at 100,000 platforms."""
        inside = {core[i:j] for i in range(len(core)) for j in range(i + 2, len(core) + 1)}
        out = inside & self._core_plats.keys()
        rarest = min(_bigrams(core), key=lambda g: len(self._core_bigrams.get(g, ())))
        out.update(c for c in self._core_bigrams.get(rarest, ()) if core in c)
        return sorted(out)

    def spread(self, core: str) -> int:
        """Counted platforms whose core holds ``core`` (whole or inside a longer core)."""
        rarest = min(_bigrams(core), key=lambda g: len(self._core_bigrams.get(g, ())))
        return sum(len(self._core_plats[c]) for c in self._core_bigrams.get(rarest, ()) if core in c)

    def theme_ok(self, theme: str, insts: Sequence[int], type_key: str, unit: str = "") -> bool:
        """May a platform carry this name theme? Not when a planner reading names and hosts would
        call it and an earlier platform 交叉重复 (the definition the overlap analysis applies):

        - one of its institutions (host or co-builder) already hosts or co-builds a platform whose core
          equals, holds or sits inside this core, or names the same topic in the topic thesaurus
          (graph/data/topic_thesaurus.toml) — 一平台多牌子, or one body twice on one topic;
        - an unrelated body (no institution in common) runs a platform of a compatible type (same
          type, family or counterpart) with an equal/contained core that is rare (carried by at most
          ``RARE_CORE`` platforms): the same specific thing twice. A common core (智能制造 at many
          hosts) is a coverage fact.

        Planted units are exempt from themselves only (a group's members, the hard non-overlaps among
        each other): the rule removes accidental look-alikes between units, it never touches what was
        planted.
        """
        core = theme_core(theme)
        if len(core) < 2:
            return True
        thesaurus = load_thesaurus()
        concepts = thesaurus.concepts(core)
        for inst in set(insts):
            for other, other_concepts, g in self._inst_themes.get(inst, ()):
                if unit and g == unit:
                    continue
                if core in other or other in core or thesaurus.shared(concepts, other_concepts):
                    return False
        mine = frozenset(insts)
        for other in self._cores_related(core):
            shorter = core if len(core) <= len(other) else other
            if self.spread(shorter) >= RARE_CORE:
                continue  # with this one it is carried by more than RARE_CORE: a common word
            for theirs, t, g in self._core_plats[other]:
                if not (mine & theirs) and not (unit and g == unit) and self.compatible_types(t, type_key):
                    return False
        return True

    def _register_theme(self, p: Platform) -> None:
        if p.status not in COUNTED_STATUSES:
            return
        core = theme_core(p.theme)
        if len(core) < 2:
            return
        entry = (core, load_thesaurus().concepts(core), unit_of(p))
        for inst in {p.host, *p.co_builders}:
            self._inst_themes.setdefault(inst, []).append(entry)
        if core not in self._core_plats:
            for gram in _bigrams(core):
                self._core_bigrams.setdefault(gram, set()).add(core)
        self._core_plats.setdefault(core, []).append((frozenset((p.host, *p.co_builders)), p.type_key, unit_of(p)))

    def can_join(self, pidx: int, ridx: int) -> bool:
        """A person may join a platform unless that makes it share ≥2 people with a non-group platform."""
        members = self.member_sets[pidx]
        if ridx in members:
            return False
        group = self.group_of.get(pidx, "")
        for q in self.researchers[ridx].platforms:
            if group and self.group_of.get(q) == group:
                continue
            if members & self.member_sets[q]:
                return False
        return True

    # ------------------------------------------------------------------ registration
    def register(self, p: Platform) -> Platform:
        p.idx = len(self.platforms)
        self.platforms.append(p)
        self.member_sets.append(set())
        self.names.add(p.name)
        if p.group:
            self.group_of[p.idx] = p.group
        kws = frozenset(p.keywords)
        self._host_family.setdefault((p.host, self.family_key(p.type_key)), []).append((kws, p.group))
        for inst in (p.host, *p.co_builders):
            self._inst_segment.setdefault((inst, p.segment or p.industry), []).append((kws, p.group))
        for inst in (p.host, *p.co_builders):
            self.fac.add_industry(self.insts[inst], p.industry)
        self._register_theme(p)
        return p

    def unregister(self, p: Platform) -> None:
        """Undo :meth:`register` for the most recent platform (a planted group that could not be finished)."""
        assert self.platforms[-1] is p
        self.platforms.pop()
        self.member_sets.pop()
        self.names.discard(p.name)
        self.group_of.pop(p.idx, None)
        entry = (frozenset(p.keywords), p.group)
        self._host_family[(p.host, self.family_key(p.type_key))].remove(entry)
        for inst in (p.host, *p.co_builders):
            self._inst_segment[(inst, p.segment or p.industry)].remove(entry)
        for ridx, _ in p.members:
            self.researchers[ridx].platforms.remove(p.idx)
        core = theme_core(p.theme)
        if p.status in COUNTED_STATUSES and len(core) >= 2:
            for inst in {p.host, *p.co_builders}:
                self._inst_themes[inst].pop()
            self._core_plats[core].pop()
            if not self._core_plats[core]:
                del self._core_plats[core]
                for gram in _bigrams(core):
                    self._core_bigrams[gram].discard(core)

    def add_member(self, p: Platform, ridx: int, role: str) -> None:
        p.members.append((ridx, role))
        self.member_sets[p.idx].add(ridx)
        self.researchers[ridx].platforms.append(p.idx)

    def new_researcher(self, inst: int, keywords: Sequence[str], industry: str, *, senior: bool = False) -> int:
        random = self.rng.random
        # One draw gives surname, first and (70 %) second given-name character.
        r = int(random() * _NAME_SPACE)
        surname, r = _SURNAMES[r % len(_SURNAMES)], r // len(_SURNAMES)
        g1, g2 = _GIVEN[r % len(_GIVEN)], r // len(_GIVEN)
        name = surname + g1 + (_GIVEN[g2] if g2 < len(_GIVEN) else "")
        titles = _TITLES[self.insts[inst].kind]
        title = titles[int(random() * (2 if senior else len(titles)))]
        fields: list[str] = []
        if keywords:
            n = len(keywords)
            first = keywords[int(random() * n)]
            second = keywords[int(random() * n)] if random() < 0.6 else first
            fields = [first] if second == first else [first, second]
        programs = [_PROGRAMS[int(random() * len(_PROGRAMS))]] if random() < (0.3 if senior else 0.04) else []
        person = Researcher(idx=len(self.researchers), name=name, inst=inst, title=title, fields=fields,
                            programs=programs, industry=industry)
        self.researchers.append(person)
        self.res_by_inst.setdefault(inst, []).append(person.idx)
        self.res_pool.setdefault((industry, self.insts[inst].sector), []).append(person.idx)
        return person.idx

    # ------------------------------------------------------------------ checks (used in tests too)
    def _check_themes(self) -> None:
        """No two counted platforms of different planted units share an institution and one name topic
        (equal or contained cores, or one thesaurus concept): the truth's "not overlap" holds for
        what a planner reads in names and hosts (:meth:`theme_ok`)."""
        thesaurus = load_thesaurus()
        by_inst: dict[int, list[Platform]] = {}
        for p in self.platforms:
            if p.status in COUNTED_STATUSES and len(theme_core(p.theme)) >= 2:
                for inst in {p.host, *p.co_builders}:
                    by_inst.setdefault(inst, []).append(p)
        for plats in by_inst.values():
            for a, b in combinations(plats, 2):
                if unit_of(a) and unit_of(a) == unit_of(b):
                    continue
                ca, cb = theme_core(a.theme), theme_core(b.theme)
                same = ca in cb or cb in ca or thesaurus.shared(thesaurus.concepts(ca), thesaurus.concepts(cb))
                assert not same, (a.name, b.name)


    def check_invariants(self) -> None:
        """Assert what the truth relies on, over the finished world.

        No accidental overlap outside a planted group (host + family + ≥2 keywords, institution +
        segment + ≥3 keywords, ≥2 shared people); no platform joins a never-collaborating sector pair
        of its industry; co-builders are distinct and never the host.
        """
        buckets: dict[tuple[int, str], list[Platform]] = {}
        by_inst: dict[tuple[int, str], list[Platform]] = {}
        insts = self.insts
        for p in self.platforms:
            assert p.host not in p.co_builders and len(set(p.co_builders)) == len(p.co_builders), p.name
            buckets.setdefault((p.host, self.family_key(p.type_key)), []).append(p)
            for inst in (p.host, *p.co_builders):
                by_inst.setdefault((inst, p.segment or p.industry), []).append(p)
            sectors = {insts[p.host].sector, *(insts[c].sector for c in p.co_builders)}
            sectors.update(insts[self.researchers[r].inst].sector for r, _ in p.members)
            for pair in forbidden_pairs(p.industry):
                assert not pair <= sectors, (p.name, p.industry, sorted(pair))
        for plats in buckets.values():
            for a, b in combinations(plats, 2):
                if a.group and a.group == b.group:
                    continue
                assert len(set(a.keywords) & set(b.keywords)) < 2, (a.name, b.name)
        for plats in by_inst.values():
            for a, b in combinations(plats, 2):
                if a.group and a.group == b.group:
                    continue
                assert len(set(a.keywords) & set(b.keywords)) < 3, (a.name, b.name)
        self._check_themes()
        pair_shared: dict[tuple[int, int], int] = {}
        for person in self.researchers:
            for i, j in combinations(sorted(set(person.platforms)), 2):
                pair_shared[(i, j)] = pair_shared.get((i, j), 0) + 1
        for (i, j), n in pair_shared.items():
            gi, gj = self.group_of.get(i), self.group_of.get(j)
            assert n < 2 or (gi and gi == gj), (self.platforms[i].name, self.platforms[j].name, n)
