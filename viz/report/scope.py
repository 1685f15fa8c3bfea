"""The report's scope: the whole province, one key industry (with its chain segments) or one city.

Why resolve up front: a misspelt industry or city must stop the report with a clear message
(exit 2), not produce an empty report that looks like a finding.
"""

from __future__ import annotations

from dataclasses import dataclass

from graph.errors import UsageError
from graph.i18n import tr
from graph.reference import resolve_city
from graph.store import Store
from viz.report.cypher import cypher


@dataclass(frozen=True)
class Scope:
    industry: str | None = None  # Industry key as stored
    industry_keys: tuple[str, ...] | None = None  # the industry and its segments, or None = all
    city: str | None = None  # City key, or None = all

    def params(self) -> dict:
        return {"city": self.city, "industries": list(self.industry_keys) if self.industry_keys else None}

    @property
    def is_whole(self) -> bool:
        return self.industry is None and self.city is None


def resolve_scope(store: Store, industry: str | None, city: str | None) -> Scope:
    """Turn the user's ``--industry`` / ``--city`` text into keys, or raise UsageError."""
    industry_key: str | None = None
    industry_keys: tuple[str, ...] | None = None
    if industry is not None and industry.strip():
        rows = store.read(cypher("resolve_industry"), {"name": industry.strip()})
        if not rows:
            raise UsageError(tr("未知产业：{name}（请使用产业名称、英文名或别名）",
                                "unknown industry: {name} (use its name, English name or an alias)",
                                name=industry))
        industry_key = rows[0]["key"]
        industry_keys = (industry_key, *sorted(rows[0]["segments"]))
    city_key: str | None = None
    if city is not None and city.strip():
        city_key = resolve_city(city.strip())
        if city_key is None:
            raise UsageError(tr("未知城市：{name}（应为广西 14 个设区市之一）",
                                "unknown city: {name} (expected one of Guangxi's 14 cities)", name=city))
    return Scope(industry=industry_key, industry_keys=industry_keys, city=city_key)
