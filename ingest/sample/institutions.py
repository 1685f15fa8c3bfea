"""Generated and real institutions, their credit codes, and the name variants used in references.

Why the resolver lives here: every reference the generator writes (a host, a co-builder, a
researcher's employer, a collaboration party) is a *variant* of an institution's name, and the
truth is only right if each variant resolves to exactly one institution under the rules the ingest
implements (valid credit code; else ``normalize_name`` of the name, a declared alias or a trailing
short name). :class:`Resolver` applies those rules and the generator asserts every variant with it.
"""

from __future__ import annotations

import random

from graph.credit_code import ALPHABET, is_valid_credit_code, make_credit_code, normalize_credit_code
from graph.names import normalize_name, trailing_short_name
from graph.reference import load_industries
from ingest.sample import pools
from ingest.sample.model import SECTOR_OF_KIND, Institution

BRANDS = "".join(dict.fromkeys(pools.BRAND_CHARS))
CODE_PREFIX = {"enterprise": "91", "university": "12", "institute": "12", "hospital": "12",
               "government": "11", "other": "52"}
# Share of each kind among generated institutions (the real ones count towards them).
KIND_SHARES = (("enterprise", 0.76), ("university", 0.025), ("institute", 0.07), ("hospital", 0.055),
               ("government", 0.04), ("other", 0.05))
KEY_INDUSTRIES = [k for k, v in load_industries().items() if v.level == "industry"]
_CITIES = list(pools.CITY_WEIGHTS)
_CITY_W = list(pools.CITY_WEIGHTS.values())
_COUNTIES = list(pools.COUNTIES)


class Resolver:
    """Institution lookup by credit code, normalised name, declared alias or trailing short name."""

    def __init__(self) -> None:
        self.by_code: dict[str, int] = {}
        self.by_norm: dict[str, int] = {}

    def claim(self, text: str, idx: int, norm: str | None = None) -> bool:
        """Reserve ``normalize_name(text)`` for institution ``idx``; False when another holds it."""
        norm = norm if norm is not None else normalize_name(text)
        if not norm or self.by_norm.get(norm, idx) != idx:
            return False
        self.by_norm[norm] = idx
        return True

    def free(self, text: str) -> bool:
        return normalize_name(text) not in self.by_norm

    def resolve(self, text: str) -> int | None:
        if is_valid_credit_code(text):
            return self.by_code.get(normalize_credit_code(text))
        hit = self.by_norm.get(normalize_name(text))
        if hit is None:
            short = trailing_short_name(text)
            hit = self.by_norm.get(normalize_name(short)) if short else None
        return hit


class InstitutionFactory:
    """Builds the institution list: the real ones of :data:`ingest.sample.pools.REAL_INSTITUTIONS`, then generated names until the quota."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.items: list[Institution] = []
        self.resolver = Resolver()
        self.codes: set[str] = set()
        self.by_kind_industry: dict[tuple[str, str], list[int]] = {}
        self.by_kind: dict[str, list[int]] = {}

    # ------------------------------------------------------------------ building
    def build(self, total: int) -> list[Institution]:
        for name, kind, city, aliases, industries in pools.REAL_INSTITUTIONS:
            override = "用" if name in pools.USER_SECTOR_OVERRIDES else ""
            inst = self._add(name, kind, city, list(industries), override=override, real=True)
            for alias in aliases:
                if self.resolver.claim(alias, inst.idx):
                    inst.aliases.append(alias)
            if kind == "enterprise" and aliases:
                inst.short = aliases[0]
        counts = {kind: 0 for kind, _ in KIND_SHARES}
        for inst in self.items:
            counts[inst.kind] += 1
        for kind, share in KIND_SHARES:
            quota = max(2, round(total * share))
            while counts[kind] < quota:
                self._generate(kind)
                counts[kind] += 1
        return self.items

    def _add(self, name: str, kind: str, city: str, industries: list[str], *, override: str = "",
             real: bool = False, short: str = "", norm: str | None = None) -> Institution:
        idx = len(self.items)
        norm = norm or normalize_name(name)
        if not self.resolver.claim(name, idx, norm):
            raise ValueError(f"institution name taken: {name}")
        code = ""
        if (kind == "enterprise" and self.rng.random() < 0.88) or (kind != "enterprise" and self.rng.random() < 0.45):
            code = self._credit_code(kind, city)
            self.resolver.by_code[code] = idx
        sector = {"用": "user", "产": "industry", "学": "academia", "研": "research"}.get(override) or SECTOR_OF_KIND[kind]
        inst = Institution(idx=idx, name=name, kind=kind, city=city, key=code or norm,
                           sector=sector, sector_override=override, credit_code=code, short=short,
                           industries=industries, real=real)
        self.items.append(inst)
        self.by_kind.setdefault(kind, []).append(idx)
        for ind in industries:
            self.by_kind_industry.setdefault((kind, ind), []).append(idx)
        return inst

    def add_industry(self, inst: Institution, industry: str) -> None:
        if industry not in inst.industries:
            inst.industries.append(industry)
            self.by_kind_industry.setdefault((inst.kind, industry), []).append(inst.idx)

    def _credit_code(self, kind: str, city: str) -> str:
        while True:
            rng = self.rng
            region = pools.CITY_CODES[city][:4] + f"{rng.randrange(31):02d}"
            tail = ALPHABET[rng.randrange(31)] + ALPHABET[rng.randrange(31)] + ALPHABET[rng.randrange(31)]
            body = f"{rng.randrange(1_000_000):06d}{tail}"
            code = make_credit_code(CODE_PREFIX[kind] + region + body)
            if code not in self.codes:
                self.codes.add(code)
                return code

    def _brand(self) -> str:
        return self.rng.choice(BRANDS) + self.rng.choice(BRANDS)

    def _city(self, industry: str | None = None) -> str:
        if industry:
            declared = load_industries()[industry].cities
            if declared and self.rng.random() < 0.7:
                return self.rng.choice(declared)
        return self.rng.choices(_CITIES, _CITY_W)[0]

    def _generate(self, kind: str) -> Institution:
        rng = self.rng
        for attempt in range(1000):
            industries: list[str] = []
            short = ""
            override = ""
            if kind == "enterprise":
                industry = rng.choice(KEY_INDUSTRIES)
                city = self._city(industry)
                brand = self._brand()
                business = rng.choice(pools.ENTERPRISE_BUSINESS[industry])
                prefix = rng.choice(("广西", city, city, "广西" + city)) if attempt < 50 else rng.choice(_COUNTIES)[:2]
                name = f"{prefix}{brand}{business}{rng.choice(pools.ENTERPRISE_SUFFIXES)}"
                short = brand + business[:2]
                industries = [industry]
                if rng.random() < 0.12:
                    industries.append(rng.choice(KEY_INDUSTRIES))
                if rng.random() < 0.03:
                    override = "用"
            elif kind == "university":
                field = rng.choice(pools.UNIVERSITY_FIELDS)
                if rng.random() < 0.5 or attempt > 20:
                    county = rng.choice(_COUNTIES)
                    city = pools.COUNTIES[county]
                    place = county if attempt > 40 else city
                else:
                    city = self._city()
                    place = rng.choice(("广西", city))
                name = f"{place}{field}{rng.choice(pools.UNIVERSITY_SUFFIXES)}"
                if field == "医学" or field == "卫生":
                    industries = ["生物医药"]
                elif field == "农业" or field == "生态":
                    industries = ["现代特色农业", rng.choice(KEY_INDUSTRIES)]
                else:
                    industries = rng.sample(KEY_INDUSTRIES, rng.randint(2, 4))
            elif kind == "institute":
                industry = rng.choice(KEY_INDUSTRIES)
                city = self._city(industry)
                topic = rng.choice(pools.INSTITUTE_FIELDS[industry])
                place = rng.choice(("广西", "广西", city)) if attempt < 10 else rng.choice(_COUNTIES) + self._brand()
                name = f"{place}{topic}{rng.choice(pools.INSTITUTE_SUFFIXES)}"
                industries = [industry]
            elif kind == "hospital":
                county = rng.choice(_COUNTIES)
                city = pools.COUNTIES[county]
                place = rng.choice((city + "市", county)) if attempt < 5 else county + self._brand()
                name = f"{place}{rng.choice(pools.HOSPITAL_TYPES)}"
                industries = ["生物医药"]
            elif kind == "government":
                county = rng.choice(_COUNTIES)
                city = pools.COUNTIES[county]
                if attempt < 5:
                    name = f"{rng.choice((city + '市', county))}{rng.choice(pools.GOV_AGENCIES)}"
                else:
                    name = f"{county}{self._brand()}镇{rng.choice(pools.TOWN_AGENCIES)}"
                industries = rng.sample(KEY_INDUSTRIES, rng.randint(0, 1))
            else:
                industry = rng.choice(KEY_INDUSTRIES)
                industries = [industry]
                if rng.random() < 0.5:
                    county = rng.choice(_COUNTIES)
                    city = pools.COUNTIES[county]
                    place = rng.choice((city + "市", "广西", county))
                    name = f"{place}{self._brand()}{rng.choice(pools.OTHER_BODIES)}"
                else:
                    city = self._city(industry)
                    name = f"广西{self._brand()}{industry}{rng.choice(pools.OTHER_ASSOCIATIONS)}"
            norm = normalize_name(name)
            if norm in self.resolver.by_norm:
                continue
            inst = self._add(name, kind, city, industries, override=override, short=short, norm=norm)
            if short and rng.random() < 0.35 and self.resolver.claim(short, inst.idx):
                inst.aliases.append(short)
            return inst
        raise RuntimeError(f"name pool exhausted for {kind}")

    def add_bad_code_institution(self) -> tuple[str, str, str]:
        """A row whose credit code fails the GB 32100 check: (name, city, bad code). Never referenced."""
        while True:
            name = f"广西{self._brand()}贸易有限公司"
            if self.resolver.free(name):
                break
        city = self._city()
        good = self._credit_code("enterprise", city)
        bad_last = next(ch for ch in ALPHABET if ch != good[17])
        bad = good[:17] + bad_last
        assert not is_valid_credit_code(bad)
        self.resolver.claim(name, -1)  # keep the name out of everyone else's way
        return name, city, bad

    # ------------------------------------------------------------------ references
    def _short_owners(self) -> dict[str, set[int]]:
        """Normalised bracketed short name → the institutions that carry it (built once, on demand)."""
        owners = getattr(self, "_short_owner_cache", None)
        count: int | None = getattr(self, "_short_owner_count", None)
        if owners is None or len(self.items) != count:
            owners = {}
            for inst in self.items:
                if inst.short:
                    owners.setdefault(normalize_name(inst.short), set()).add(inst.idx)
            self._short_owner_cache = owners
            self._short_owner_count = len(self.items)
        return owners

    def reference(self, idx: int, p_exact: float = 0.72) -> str:
        """How a spreadsheet refers to institution ``idx``: mostly its name, sometimes a variant."""
        inst = self.items[idx]
        rng = self.rng
        if rng.random() < p_exact:
            return inst.name
        name = inst.name
        options: list[str] = [name[:2] + " " + name[2:], " " + name]
        if inst.credit_code:
            options += [inst.credit_code, inst.credit_code]
        if inst.aliases:
            # A declared alias that is also another institution's bracketed short name is
            # ambiguous to ingest (both carry it), so references never use it bare.
            options += [a for a in inst.aliases if self._short_owners().get(normalize_name(a), {idx}) <= {idx}]
        if inst.short:
            options += [f"{name}（{inst.short}）", f"{name}({inst.short})"]
        if name.endswith("有限公司") and not name.endswith("股份有限公司"):
            options.append(name[:-4] + "有限责任公司")
        elif name.endswith("有限责任公司"):
            options.append(name[:-6] + "有限公司")
        variant = rng.choice(options)
        if self.resolver.resolve(variant) != idx:
            raise AssertionError(f"reference variant {variant!r} does not resolve to {name!r}")
        return variant
