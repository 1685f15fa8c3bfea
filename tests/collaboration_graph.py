"""A tiny builder for hand-made collaboration graphs (tests of queries.collaboration).

Why not the sample generator: a test must know its answer, so it builds exactly the institutions,
platforms, people and ties it reasons about, following docs/graph-model.md (keys, sectors, ties
stored with a.key < b.key), on top of the reference industries and cities that ``clean_graph``
loads.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from graph.store import Store

CREATE_INSTITUTIONS = """
UNWIND $rows AS row
CREATE (i:Institution {key: row.key, name: row.name, norm_name: row.key, sector: row.sector,
                       kind: row.kind, city: row.city})
WITH i, row
OPTIONAL MATCH (c:City {key: row.city})
FOREACH (_ IN CASE WHEN c IS NULL THEN [] ELSE [1] END | CREATE (i)-[:LOCATED_IN]->(c))
WITH i, row
UNWIND row.industries AS ind
MATCH (n:Industry {key: ind})
CREATE (i)-[:IN_INDUSTRY]->(n)
"""

CREATE_PLATFORMS = """
UNWIND $rows AS row
CREATE (p:Platform {key: row.key, id: row.key, name: row.name, city: row.city, status: 'active',
                    level: 'regional', type: '自治区重点实验室'})
WITH p, row
MATCH (h:Institution {key: row.host})
CREATE (p)-[:HOSTED_BY]->(h)
WITH p, row
CALL (p, row) {
  UNWIND row.co_builders AS cb
  MATCH (c:Institution {key: cb})
  CREATE (p)-[:CO_BUILT_BY]->(c)
}
CALL (p, row) {
  UNWIND row.industries AS ind
  MATCH (n:Industry {key: ind})
  CREATE (p)-[:SERVES]->(n)
}
CALL (p, row) {
  UNWIND range(0, size(row.people) - 1) AS n
  MATCH (w:Institution {key: row.people[n]})
  CREATE (r:Researcher {key: row.key + '-r' + toString(n), name: '研究员' + toString(n),
                        institution: w.key})
  CREATE (r)-[:WORKS_AT]->(w)
  CREATE (r)-[:MEMBER_OF {role: 'core_member'}]->(p)
}
"""

CREATE_COLLABORATIONS = """
UNWIND $rows AS row
MATCH (a:Institution {key: row.a}), (b:Institution {key: row.b})
CREATE (a)-[:COLLABORATES_WITH {kind: row.kind, year: row.year, count: row.count, industry: row.industry}]->(b)
"""

KIND_OF = {"industry": "enterprise", "academia": "university", "research": "institute", "user": "hospital"}


@dataclass
class CollabGraph:
    institutions: list[dict] = field(default_factory=list)
    platforms: list[dict] = field(default_factory=list)
    collaborations: list[dict] = field(default_factory=list)

    def inst(self, key: str, sector: str, *, city: str | None = "南宁", industries: tuple[str, ...] = (),
             name: str | None = None) -> CollabGraph:
        self.institutions.append({"key": key, "name": name or f"单位{key}", "sector": sector,
                                  "kind": KIND_OF[sector], "city": city, "industries": list(industries)})
        return self

    def platform(self, key: str, host: str, *, co_builders: tuple[str, ...] = (), people: tuple[str, ...] = (),
                 industries: tuple[str, ...] = (), city: str | None = "南宁", name: str | None = None) -> CollabGraph:
        self.platforms.append({"key": key, "name": name or f"平台{key}", "host": host, "city": city,
                               "co_builders": list(co_builders), "people": list(people),
                               "industries": list(industries)})
        return self

    def collab(self, a: str, b: str, *, industry: str = "", count: int = 1, kind: str = "project",
               year: int = 2023) -> CollabGraph:
        a, b = sorted((a, b))
        self.collaborations.append({"a": a, "b": b, "industry": industry, "count": count, "kind": kind,
                                    "year": year})
        return self

    def write(self, store: Store) -> Store:
        store.upsert_batches(CREATE_INSTITUTIONS, self.institutions)
        store.upsert_batches(CREATE_PLATFORMS, self.platforms)
        store.upsert_batches(CREATE_COLLABORATIONS, self.collaborations)
        self.institutions, self.platforms, self.collaborations = [], [], []
        return store
