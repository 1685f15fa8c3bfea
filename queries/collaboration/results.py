"""The shape of :func:`queries.collaboration.read_gaps`: what the CLI, the HTTP API (``/gaps``, whose
OpenAPI schema these are), the plan and the reports read.

Why TypedDicts and not models: the result is built as plain dicts (JSON in, JSON out) and the API
serves it as is; a TypedDict names every key for mypy and for OpenAPI without copying the data.
``typing_extensions.TypedDict`` because pydantic needs it on Python 3.11 to build the schema.
"""

from __future__ import annotations

from typing_extensions import TypedDict


class SectorPair(TypedDict):
    """One pair of sectors (产/学/研/用) in an industry: ties seen against ties expected from its size."""

    sectors: list[str]
    ties: int
    collaborations: float
    expected: float
    co_built_platforms: int


class MissingPair(SectorPair):
    """A pair that does not collaborate enough: ``kind`` no_tie | weak | absent_sector, ranked."""

    kind: str
    severity: float
    absent: list[str]
    rank: int
    reason: str


class Synergy(TypedDict):
    """Leydesdorff's T over 产学研 (t3) and 产学研用 (t4), in bits; negative is synergy."""

    t3: float | None
    t4: float | None
    records: float


class Broker(TypedDict):
    """An institution placed to bridge sectors (low Burt constraint)."""

    id: str
    name: str
    sector: str
    constraint: float
    contact_sectors: list[str]


class IndustryGaps(TypedDict):
    """One industry's (or chain segment's) sector counts, pair matrix, ranked gaps, synergy, brokers."""

    industry: str
    name: str
    level: str | None
    priority: int | None
    sectors: dict[str, int]
    pairs: list[SectorPair]
    missing_pairs: list[MissingPair]
    synergy: Synergy
    brokers: list[Broker]


class SingleSectorPlatform(TypedDict):
    """A platform whose builders all come from one sector."""

    id: str
    name: str | None
    sector: str | None
    missing_sectors: list[str] | None
    city: str | None
    status: str | None


class InstitutionName(TypedDict):
    id: str
    name: str | None


class Partner(InstitutionName):
    sector: str


class PartnerSuggestion(TypedDict):
    """An academic or research partner suggested to an enterprise for one industry."""

    enterprise: InstitutionName
    partner: Partner
    industry: str
    score: float
    reason: str
    platforms: list[str]


class GapsResult(TypedDict):
    """Collaboration gaps for the province, an industry or a city. ``run`` is the analysis run read
    (None: never run); ``single_sector_total`` counts every single-sector platform, the list holds
    the first ``limit``."""

    run: str | None
    industry: str | None
    city: str | None
    industries: list[IndustryGaps]
    single_sector_platforms: list[SingleSectorPlatform]
    single_sector_total: int
    suggested_partners: list[PartnerSuggestion]
