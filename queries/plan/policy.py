"""The plan's policy rules, read from ``graph/data/policy.toml`` (each rule cites its source there and
in docs/methods.md). Why data: a planner changes who acts, which types are converted or what a
field station may serve without touching code, and every rule the plan applies can be checked
against the policy text it comes from.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from graph.reference import DATA_DIR, PlatformType, load_cities, load_taxonomy

ROUTES = ("act", "national", "municipal", "department")
DEFAULT_KIND = "manufacturing"


@dataclass(frozen=True)
class Conversion:
    source_type: str
    target_type: str
    action: str  # 转建 | 纳入
    source: str


@dataclass(frozen=True)
class Policy:
    acting_departments: tuple[str, ...]
    inactive_years: int
    rectify_years: int
    max_category_share: float
    default_build_size: int
    level_routes: dict[str, str]
    evaluation: dict[str, tuple[str, int]]  # result -> (meaning, stage)
    conversions: dict[str, Conversion]
    industry_kinds: dict[str, tuple[str, ...]]
    type_serves: dict[str, tuple[str, ...]]
    category_relevance: dict[str, dict[str, int]]
    build_types: dict[str, tuple[str, ...]]
    host_kinds: dict[str, tuple[str, ...]]
    host_lead: dict[str, tuple[str, str]] = field(default_factory=dict)

    # ------------------------------------------------------------------ authority
    def department_of(self, type_key: str | None, own: str | None = None) -> str | None:
        """The 主管部门 of a platform: its type's department (taxonomy), else what the row says."""
        ptype = load_taxonomy().types.get(type_key or "")
        return (ptype.department if ptype and ptype.department else None) or own

    def route(self, level: str | None, department: str | None) -> str:
        """Who may act on a platform: ``act`` (the plan's departments), ``national`` (recommend to the
        national department), ``municipal`` (the city) or ``department`` (coordinate with the
        recognising department outside the plan's four)."""
        route = self.level_routes.get(level or "regional", "act")
        if route in ("act", "department"):
            if department is not None and department not in self.acting_departments:
                return "department"
            return "act"
        return route

    @staticmethod
    def municipal_department(city: str | None, lang: str = "zh") -> str:
        """Who recognises a municipal platform: its city (the plan only lists it for the city)."""
        known = load_cities().get(city or "")
        if lang == "en":
            name = known.name_en if known and known.name_en else city
            return f"{name} city (city-level recognition)" if name else "its city (city-level recognition)"
        return f"{city.removesuffix('市')}市（市级认定）" if city else "所在设区市（市级认定）"

    # ------------------------------------------------------------------ evaluations
    def meaning(self, result: str | None) -> str | None:
        return self.evaluation[result][0] if result in self.evaluation else None

    def stage(self, result: str) -> int:
        return self.evaluation.get(result, ("", 0))[1]

    # ------------------------------------------------------------------ industries and types
    def kinds_of(self, industry: str, parent: str | None = None) -> tuple[str, ...]:
        return self.industry_kinds.get(industry) or self.industry_kinds.get(parent or "") or (DEFAULT_KIND,)

    def suits(self, type_key: str, kinds: tuple[str, ...]) -> bool:
        """True when a platform of ``type_key`` can serve an industry of ``kinds``."""
        served = self.type_serves.get(type_key)
        return served is None or bool(set(served) & set(kinds))

    def relevance(self, category: str, kinds: tuple[str, ...]) -> int:
        return max((self.category_relevance.get(k, {}).get(category, 1) for k in kinds), default=1)

    def build_type(self, category: str, kinds: tuple[str, ...]) -> PlatformType | None:
        """The regional type to propose for a gap of ``category`` in an industry of ``kinds``: the
        first of the policy's list that suits, is not legacy and belongs to an acting department."""
        types = load_taxonomy().types
        for key in self.build_types.get(category, ()):
            ptype = types.get(key)
            if (ptype is not None and not ptype.legacy and key not in self.conversions and self.suits(key, kinds)
                    and self.route(ptype.level, ptype.department) == "act"):
                return ptype
        return None

    def national_counterpart(self, type_key: str | None) -> str | None:
        for ptype in load_taxonomy().types.values():
            if ptype.counterpart == type_key and not ptype.legacy:
                return ptype.key
        return None

    def hosts_for(self, category: str, kinds: tuple[str, ...], type_key: str | None) -> tuple[str, ...]:
        allowed = list(self.host_kinds.get(category, ()))
        if "health" in kinds or (type_key and self.type_serves.get(type_key) == ("health",)):
            allowed += list(self.host_kinds.get("health_extra", ()))
        if type_key and self.type_serves.get(type_key) == ("health",):
            allowed = ["hospital"] + [k for k in allowed if k != "hospital"]
        return tuple(dict.fromkeys(allowed))


def _tuple(value: object) -> tuple[str, ...]:
    return tuple(str(v) for v in value) if isinstance(value, list) else ()


@lru_cache(maxsize=4)
def load_policy(data_dir: Path | None = None) -> Policy:
    """Read and check ``policy.toml``: unknown types, routes or categories are errors naming the entry."""
    with open((data_dir or DATA_DIR) / "policy.toml", "rb") as fh:
        raw = tomllib.load(fh)
    taxonomy = load_taxonomy()
    plan = raw["plan"]
    routes = {str(k): str(v) for k, v in raw["levels"].items()}
    for level, route in routes.items():
        if route not in ROUTES:
            raise ValueError(f"policy.toml: level {level} has unknown route {route}")
    conversions = {}
    for c in raw.get("conversion", []):
        for key in (c["from"], c["to"]):
            if key not in taxonomy.types:
                raise ValueError(f"policy.toml: conversion names unknown type {key}")
        conversions[c["from"]] = Conversion(c["from"], c["to"], c["action"], c["source"])
    type_serves = {k: _tuple(v) for k, v in raw.get("type_serves", {}).items()}
    build_types = {k: _tuple(v) for k, v in raw.get("build_types", {}).items()}
    for key in [*type_serves, *(t for ts in build_types.values() for t in ts)]:
        if key not in taxonomy.types:
            raise ValueError(f"policy.toml: unknown platform type {key}")
    hosts = raw.get("host_kinds", {})
    lead_zh, lead_en = hosts.get("lead_zh", {}), hosts.get("lead_en", {})
    return Policy(
        acting_departments=_tuple(plan["acting_departments"]),
        inactive_years=int(plan.get("inactive_years", 5)), rectify_years=int(plan.get("rectify_years", 1)),
        max_category_share=float(plan.get("max_category_share", 0.5)),
        default_build_size=int(plan.get("default_build_size", 20)),
        level_routes=routes,
        evaluation={k: (v["meaning"], int(v.get("stage", 0))) for k, v in raw["evaluation"].items()},
        conversions=conversions,
        industry_kinds={k: _tuple(v) for k, v in raw.get("industry_kinds", {}).items()},
        type_serves=type_serves,
        category_relevance={k: {c: int(n) for c, n in v.items()} for k, v in raw.get("category_relevance", {}).items()},
        build_types=build_types,
        host_kinds={k: _tuple(v) for k, v in hosts.items() if isinstance(v, list)},
        host_lead={k: (lead_zh[k], lead_en.get(k, lead_zh[k])) for k in lead_zh},
    )
