"""The shape of :func:`queries.coverage.read_coverage` (the JSON of ``platgraph coverage`` and of
``/coverage``, whose OpenAPI schema these are) and of the platform references the plan reuses.

Why TypedDicts: the result is plain JSON-ready dicts; a TypedDict names every key for mypy and for
OpenAPI without copying. ``typing_extensions.TypedDict``: pydantic needs it on Python 3.11.
"""

from __future__ import annotations

from typing_extensions import TypedDict


class PlatformRef(TypedDict):
    """The fields a planner needs to find a platform in the graph (``host`` is the host's name)."""

    key: str
    id: str | None
    name: str
    type: str | None
    category: str | None
    level: str | None
    city: str | None
    status: str | None
    host: str | None


class NearestPlatform(PlatformRef):
    """An existing platform that could close a gap (extend, upgrade, open a branch), and why."""

    evaluation: str | None
    relation: str
    why: str


class CoverageCell(TypedDict):
    """Covering platforms of one industry (or segment) in one category and level."""

    industry: str
    industry_level: str | None
    parent: str | None
    category: str
    level: str
    count: int


class CityCoverage(TypedDict):
    """Covering platforms of one industry in one city; ``declared``: a layout city of the industry."""

    industry: str
    city: str
    count: int
    declared: bool


class CoverageGap(TypedDict):
    """A missing category, national level or layout city of a key industry, ranked (1 = most urgent),
    in one language, with the nearest platforms that could close it."""

    industry: str
    industry_en: str | None
    industry_level: str
    parent: str | None
    priority: int
    kind: str
    value: str
    platforms: int
    segments: list[str]
    rank: int
    missing: str
    reason: str
    nearest: list[NearestPlatform]


class CoverageResult(TypedDict):
    """The stored coverage; ``run`` None before the first analysis."""

    run: str | None
    matrix: list[CoverageCell]
    gaps: list[CoverageGap]
    cities: list[CityCoverage]
