"""The bounded projection the gap analysis computes on, pulled from Neo4j in a few bulk reads.

Why a projection: sector counts, tie matrices, constraint and link prediction all need the same
institutions, platforms and ties; reading them once (in one read transaction, so one consistent
view) and computing in Python keeps Neo4j work to a handful of streaming scans, whatever the size.
``city`` bounds the projection to one city (its institutions, its platforms, ties inside it).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from neo4j import ManagedTransaction

from graph.bulkread import chunked_rows
from graph.store import Store
from queries.collaboration import cypher
from queries.collaboration.synergy import SECTORS


@dataclass(frozen=True)
class Institution:
    key: str
    name: str
    sector: str
    city: str | None
    kind: str | None


@dataclass(frozen=True)
class IndustryNode:
    key: str
    name: str
    name_en: str | None
    level: str
    parent: str | None
    priority: int | None
    key_industry: bool


@dataclass
class PlatformRow:
    key: str
    name: str
    city: str | None
    status: str | None
    industries: list[str]
    hosts: list[tuple[str, str | None]]
    co_builders: list[tuple[str, str | None]]
    people: list[tuple[str, str | None]]

    @property
    def builders(self) -> set[str]:
        """Host and co-builders: the institutions that formally run the platform."""
        return {k for k, _ in self.hosts} | {k for k, _ in self.co_builders}

    @property
    def sectors(self) -> list[str]:
        """Sectors among host, co-builders and people, in 产学研用 order."""
        seen = {s for _, s in (*self.hosts, *self.co_builders, *self.people) if s in SECTORS}
        return [s for s in SECTORS if s in seen]


@dataclass(frozen=True)
class Collaboration:
    a: str
    b: str
    kind: str | None
    count: float
    industry: str


@dataclass
class Projection:
    institutions: dict[str, Institution]
    industries: dict[str, IndustryNode]
    inst_industries: list[tuple[str, str]]
    platforms: list[PlatformRow]
    collaborations: list[Collaboration]
    city: str | None = None
    segments: dict[str, list[str]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for ind in self.industries.values():
            if ind.parent:
                self.segments.setdefault(ind.parent, []).append(ind.key)

    @cached_property
    def sector_of(self) -> dict[str, str]:
        """Institution key → sector: the lookup every step makes per member and per tie."""
        return {key: inst.sector for key, inst in self.institutions.items()}

    def scopes(self, industry_key: str) -> list[str]:
        """The Industry keys a finding for ``industry_key`` rolls up: itself and, for an industry,
        its parent (so a segment's tie also counts for its industry)."""
        node = self.industries.get(industry_key)
        if node is None:
            return []
        return [node.key, node.parent] if node.parent and node.parent in self.industries else [node.key]


def _pairs(raw: list[Any]) -> list[tuple[str, str | None]]:
    return [(str(k), s) for k, s in raw]


def load_projection(store: Store, city: str | None = None) -> Projection:
    """Read the projection in one read transaction (a consistent view), bounded by ``city``."""
    params = {"city": city}

    def work(tx: ManagedTransaction) -> Projection:
        institutions = {
            key: Institution(key, name or key, sector, inst_city, kind)
            for key, name, sector, inst_city, kind in chunked_rows(tx, cypher.LOAD_INSTITUTIONS, params)
            if sector in SECTORS
        }
        industries = {
            r["key"]: IndustryNode(r["key"], r["name"], r["name_en"], r["level"], r["parent"], r["priority"],
                                   bool(r["key_industry"]))
            for r in tx.run(cypher.LOAD_INDUSTRIES)
        }
        inst_industries = [(inst, industry)
                           for inst, industry in chunked_rows(tx, cypher.LOAD_INSTITUTION_INDUSTRIES, params)]
        if city is None:  # keys only: every institution's sector is in ``sectors``
            sectors = {key: inst.sector for key, inst in institutions.items()}
            platforms = [
                PlatformRow(key, name or key, p_city, status, list(inds),
                            [(k, sectors.get(k)) for k in hosts], [(k, sectors.get(k)) for k in co_builders],
                            [(k, sectors.get(k)) for k in dict.fromkeys(people)])
                for key, name, p_city, status, inds, hosts, co_builders, people in chunked_rows(
                    tx, cypher.LOAD_PLATFORMS, params)
            ]
        else:
            platforms = [
                PlatformRow(key, name or key, p_city, status, list(inds), _pairs(hosts), _pairs(co_builders),
                            _pairs(people))
                for key, name, p_city, status, inds, hosts, co_builders, people in chunked_rows(
                    tx, cypher.LOAD_PLATFORMS_IN_CITY, params)
            ]
        collaborations = [
            Collaboration(a, b, kind, float(count or 1), industry or "")
            for a, b, kind, count, industry in chunked_rows(
                tx, cypher.LOAD_COLLABORATIONS if city is None else cypher.LOAD_COLLABORATIONS_IN_CITY, params)
        ]
        return Projection(institutions, industries, inst_industries, platforms, collaborations, city)

    projection: Projection = store.read_tx(work)
    return projection
