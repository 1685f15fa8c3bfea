"""One bulk read of what the coverage analyses need: platforms, industries, hosts' industries.

Why a snapshot: coverage, the what-if and the plan all ask "which active platforms serve this
industry, of which category, level and city". Reading the graph once (three queries, whatever the
size) and answering in memory keeps the analysis to a fixed number of round trips; 100,000
platforms are a few megabytes of rows.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from neo4j import ManagedTransaction

from graph.bulkread import chunked_rows
from graph.reference import LEVELS
from graph.store import Store
from queries.coverage._cypher import cypher
from queries.coverage.results import PlatformRef

# Statuses that still count as coverage: running, and recognised but under construction. A null
# status is a platform whose spreadsheet left 状态 empty: it is taken as running.
COVERING_STATUSES = frozenset({"active", "building", None})
LEVEL_ORDER = LEVELS  # rank order, national first
DEFAULT_PRIORITY = 3
PLATFORM_CHUNK = 5_000


@dataclass(frozen=True)
class PlatformFacts:
    """What the coverage and plan analyses need of one platform, read once per run."""

    key: str
    id: str | None
    name: str
    type: str | None
    category: str | None
    level: str | None
    city: str | None
    status: str | None
    evaluation: str | None
    established: int | None
    host: str | None
    host_name: str | None
    industries: tuple[str, ...]

    @property
    def covering(self) -> bool:
        return self.status in COVERING_STATUSES

    def ref(self) -> PlatformRef:
        """The fields a planner needs to find the platform in the graph."""
        return {"key": self.key, "id": self.id, "name": self.name, "type": self.type,
                "category": self.category, "level": self.level, "city": self.city,
                "status": self.status, "host": self.host_name}


@dataclass(frozen=True)
class IndustryFacts:
    """What the coverage and plan analyses need of one industry or chain segment."""

    key: str
    name: str
    name_en: str | None
    level: str  # "industry" | "segment"
    parent: str | None
    priority: int
    key_industry: bool
    cities: tuple[str, ...]
    aliases: tuple[str, ...] = ()


@dataclass
class Snapshot:
    platforms: dict[str, PlatformFacts]
    industries: dict[str, IndustryFacts]
    host_industries: dict[str, frozenset[str]]
    categories: dict[str, tuple[str, str]]  # key -> (zh, en)
    segments: dict[str, list[str]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        segs: dict[str, list[str]] = defaultdict(list)
        for ind in self.industries.values():
            if ind.parent:
                segs[ind.parent].append(ind.key)
        self.segments = {k: sorted(v) for k, v in segs.items()}

    def covered_by(self, plat: PlatformFacts, industries: tuple[str, ...] | None = None) -> set[str]:
        """Industries a platform covers: those it serves, plus the parent of each segment it serves
        (a platform for 动力电池 serves 汽车及新能源汽车 too; the reverse does not hold)."""
        out: set[str] = set()
        for key in plat.industries if industries is None else industries:
            out.add(key)
            ind = self.industries.get(key)
            if ind is not None and ind.parent:
                out.add(ind.parent)
        return out

    def covering(self) -> list[PlatformFacts]:
        return [p for p in self.platforms.values() if p.covering]

    def uses_segments(self) -> bool:
        """True when some platform is recorded against a chain segment (see gaps: segment gaps are
        only meaningful when the data is kept at segment granularity)."""
        return any(self.industries.get(k) is not None and self.industries[k].level == "segment"
                   for p in self.platforms.values() for k in p.industries)

    def resolve_industry(self, text: str) -> IndustryFacts | None:
        """An industry by key, name or alias (as a planner types it)."""
        needle = text.strip()
        for ind in self.industries.values():
            if needle in (ind.key, ind.name, ind.name_en) or needle in ind.aliases:
                return ind
        return None


def _int(value: Any) -> int | None:
    """A database value (untyped: a number, a numeric string, or junk) as an int, else None."""
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def read_industries(store: Store) -> dict[str, IndustryFacts]:
    """Industries and segments (segments inherit priority and cities from their industry)."""
    industries: dict[str, IndustryFacts] = {}
    raw = store.read(cypher("industries"))
    by_key = {r["key"]: r for r in raw}
    for r in raw:
        parent = r["parent"]
        priority = _int(r["priority"])
        if priority is None and parent in by_key:
            priority = _int(by_key[parent]["priority"])
        cities = r["cities"] or (by_key[parent]["cities"] if parent in by_key else [])
        industries[r["key"]] = IndustryFacts(
            key=r["key"], name=r["name"], name_en=r["name_en"],
            level="segment" if parent else (r["level"] or "industry"), parent=parent,
            priority=priority if priority is not None else DEFAULT_PRIORITY,
            key_industry=bool(r["key_industry"]), cities=tuple(sorted(cities or ())),
            aliases=tuple(r["aliases"] or ()),
        )
    return industries


def _platform_chunks(tx: ManagedTransaction) -> list[list[list[Any]]]:
    """The platform rows as raw lists: ``record[...]`` skips the per-value walk that ``Record.data()``
    makes, which dominated reading 100,000 platforms."""
    return [record["chunk"] for record in tx.run(cypher("platforms"), {"chunk": PLATFORM_CHUNK})]


def read_snapshot(store: Store) -> Snapshot:
    """Read platforms, industries and hosts' industries in a fixed number of bulk queries."""
    industries = read_industries(store)
    platforms: dict[str, PlatformFacts] = {}
    for chunk in store.read_tx(_platform_chunks):
        for key, id_, name, type_, cat, level, city, status, ev, est, host, host_name, inds in chunk:
            platforms[key] = PlatformFacts(
                key=key, id=id_, name=name or key, type=type_, category=cat, level=level, city=city,
                status=status, evaluation=ev, established=_int(est), host=host, host_name=host_name,
                industries=tuple(sorted(set(inds or ()))),
            )
    host_industries = {inst: frozenset(industries) for inst, industries in store.read_tx(
        lambda tx: list(chunked_rows(tx, cypher("host_industries"))))}
    categories = {r["key"]: (r["name"], r["name_en"]) for r in store.read(cypher("categories"))}
    return Snapshot(platforms, industries, host_industries, categories)
