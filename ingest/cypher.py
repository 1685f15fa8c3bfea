"""The Cypher the ingest pipeline runs: batched ``UNWIND $rows … MERGE … SET`` upserts.

Every value arrives as a parameter. The few queries that are templates over a label or a
relationship type are filled only with names that passed :func:`graph.schema.check_label` /
:func:`graph.schema.check_rel_type`, never with text from a file.

All writes are ``MERGE … SET``: a batch that is retried, or a whole run that is repeated after a
failure, leaves the graph exactly as one successful run would.
"""

from __future__ import annotations

from graph.bulkread import chunked
from graph.schema import check_label, check_rel_type

START_RUN = """
MERGE (r:IngestRun {key: $key})
SET r.started = datetime(), r.status = 'running', r.sources = $sources, r.dataset = $dataset
"""

# Run by an ingest that holds the ingest lock (ingest/lock.py), right after it starts its own run:
# no other ingest can be writing, so any other run still 'running' belongs to a process that died
# (Neo4j or the process killed). It is closed as 'interrupted' — never 'completed' — so the run
# history does not show a load in progress forever; the graph it left partial is what this
# ingest's MERGEs complete.
CLOSE_INTERRUPTED_RUNS = """
MATCH (r:IngestRun {status: 'running'}) WHERE r.key <> $key
SET r.status = 'interrupted', r.finished = datetime(), r.interrupted_by = $key
RETURN r.key AS key ORDER BY key
"""

FINISH_RUN = """
MATCH (r:IngestRun {key: $key})
SET r.finished = datetime(), r.status = $status, r.read = $read, r.loaded = $loaded,
    r.rejected = $rejected, r.rejects_file = $rejects_file, r.ambiguities_file = $ambiguities_file,
    r.seconds = $seconds
"""

# Identity (id, credit code, the first name) is kept when a later file omits it; the city follows the
# file that restates the institution, as its LOCATED_IN does (the planner prunes that edge to the
# stated city, or to none). An institution created from a platform list (kind_inferred) takes the
# name, kind and sector an institutions file gives (row.rename); where it came from stays recorded.
UPSERT_INSTITUTIONS = """
UNWIND $rows AS row
MERGE (i:Institution {key: row.key})
SET i.id = coalesce(row.id, i.id),
    i.name = CASE WHEN row.rename THEN row.name ELSE coalesce(i.name, row.name) END,
    i.norm_name = CASE WHEN row.rename THEN row.norm_name ELSE coalesce(i.norm_name, row.norm_name) END,
    i.created_from = coalesce(i.created_from, row.created_from),
    i.kind_inferred = row.kind_inferred, i.inferred_from = row.inferred_from,
    i.reference = coalesce(row.reference, i.reference), i.source = coalesce(row.source, i.source),
    i.city_written = row.city_written, i.quality_flags = row.quality_flags,
    i.aliases = reduce(acc = coalesce(i.aliases, []), a IN row.aliases |
                       CASE WHEN a IN acc THEN acc ELSE acc + a END),
    i.alias_norms = reduce(acc = coalesce(i.alias_norms, []), a IN row.alias_norms |
                           CASE WHEN a IN acc THEN acc ELSE acc + a END),
    i.kind = row.kind, i.sector = row.sector,
    i.credit_code = coalesce(row.credit_code, i.credit_code),
    i.city = row.city,
    i.src_run = $run
SET i.aliases_text = reduce(s = '', a IN i.aliases | s + CASE WHEN s = '' THEN '' ELSE ' ' END + a)
"""

UPSERT_PLATFORMS = """
UNWIND $rows AS row
MERGE (p:Platform {key: row.key})
SET p += row.props, p.src_run = $run
"""

UPSERT_RESEARCHERS = """
UNWIND $rows AS row
MERGE (r:Researcher {key: row.key})
SET r += row.props, r.src_run = $run
"""

UPSERT_TOPICS = """
UNWIND $rows AS row
MERGE (t:Topic {key: row.key})
ON CREATE SET t.name = row.name
SET t.src_run = $run
"""

UPSERT_INDUSTRIES = """
UNWIND $rows AS row
MERGE (i:Industry {key: row.key})
ON CREATE SET i.name = row.key, i.name_en = row.key, i.reference = false, i.aliases = [], i.aliases_text = ''
SET i.level = CASE WHEN row.parent IS NULL THEN coalesce(i.level, 'industry') ELSE 'segment' END,
    i.priority = coalesce(row.priority, i.priority, 3),
    i.key_industry = coalesce(row.key_industry, i.key_industry, true),
    i.src_run = $run
"""

UPSERT_EVALUATIONS = """
UNWIND $rows AS row
MATCH (p:Platform {key: row.platform})
MERGE (e:Evaluation {key: row.key})
SET e += row.props, e.src_run = $run
MERGE (e)-[:EVALUATES]->(p)
"""

UPSERT_TARGETS = """
UNWIND $rows AS row
MERGE (t:Target {key: row.key})
SET t += row.props, t.src_run = $run
"""

# ---------------------------------------------------------------- new nodes, created with their edges
# A node the graph did not hold when the run was planned is CREATEd together with the relationships
# that start from it, in one statement: no MERGE locking, one key lookup per node instead of one per
# relationship, and a node never exists without its edges. The leading OPTIONAL MATCH skips a node
# that is already there, so a batch the driver retries after it had in fact committed (or a
# re-run) creates nothing twice: node and edges commit together, so "node present" means "done".
# Every other node and edge goes through the MERGE upserts above and below.

CREATE_INSTITUTIONS = """
UNWIND $rows AS row
OPTIONAL MATCH (done:Institution {key: row.key})
WITH row WHERE done IS NULL
CREATE (i:Institution)
SET i = row.props, i.src_run = $run
WITH i, row
CALL (i, row) {
  UNWIND row.cities AS k MATCH (c:City {key: k}) CREATE (i)-[:LOCATED_IN {src_run: $run}]->(c)
}
CALL (i, row) {
  UNWIND row.industries AS k MATCH (n:Industry {key: k}) CREATE (i)-[:IN_INDUSTRY {src_run: $run}]->(n)
}
"""

CREATE_PLATFORMS = """
UNWIND $rows AS row
OPTIONAL MATCH (done:Platform {key: row.key})
WITH row WHERE done IS NULL
CREATE (p:Platform)
SET p = row.props, p.key = row.key, p.src_run = $run
WITH p, row
CALL (p, row) {
  UNWIND row.hosts AS k MATCH (h:Institution {key: k}) CREATE (p)-[:HOSTED_BY {src_run: $run}]->(h)
}
CALL (p, row) {
  UNWIND row.co_builders AS k MATCH (c:Institution {key: k}) CREATE (p)-[:CO_BUILT_BY {src_run: $run}]->(c)
}
CALL (p, row) {
  UNWIND row.types AS k MATCH (t:PlatformType {key: k}) CREATE (p)-[:OF_TYPE {src_run: $run}]->(t)
}
CALL (p, row) {
  UNWIND row.cities AS k MATCH (c:City {key: k}) CREATE (p)-[:LOCATED_IN {src_run: $run}]->(c)
}
CALL (p, row) {
  UNWIND row.industries AS k MATCH (n:Industry {key: k}) CREATE (p)-[:SERVES {src_run: $run}]->(n)
}
CALL (p, row) {
  UNWIND row.topics AS k MATCH (t:Topic {key: k}) CREATE (p)-[:ON_TOPIC {src_run: $run}]->(t)
}
"""

CREATE_RESEARCHERS = """
UNWIND $rows AS row
OPTIONAL MATCH (done:Researcher {key: row.key})
WITH row WHERE done IS NULL
CREATE (r:Researcher)
SET r = row.props, r.key = row.key, r.src_run = $run
WITH r, row
CALL (r, row) {
  UNWIND row.institutions AS k MATCH (i:Institution {key: k}) CREATE (r)-[:WORKS_AT {src_run: $run}]->(i)
}
CALL (r, row) {
  UNWIND row.topics AS k MATCH (t:Topic {key: k}) CREATE (r)-[:ON_TOPIC {src_run: $run}]->(t)
}
CALL (r, row) {
  UNWIND row.memberships AS m MATCH (p:Platform {key: m.b})
  CREATE (r)-[:MEMBER_OF {role: m.role, roles: m.roles, src_run: $run}]->(p)
}
"""

# The same two CREATEs with each edge's far end given by its element id (read once per step,
# ingest.writer.ElementIds) instead of its key: a NodeByElementIdSeek instead of a unique-index seek
# per edge, about a fifth less engine CPU per new researcher (184 -> 160 us with its ~3 edges,
# measured at 20,000 platforms). The label stays in the pattern, so an id that no longer names a
# node of that label matches nothing, as a vanished key did.
CREATE_PLATFORMS_BY_ID = """
UNWIND $rows AS row
OPTIONAL MATCH (done:Platform {key: row.key})
WITH row WHERE done IS NULL
CREATE (p:Platform)
SET p = row.props, p.key = row.key, p.src_run = $run
WITH p, row
CALL (p, row) {
  UNWIND row.hosts AS k MATCH (h:Institution) WHERE elementId(h) = k
  CREATE (p)-[:HOSTED_BY {src_run: $run}]->(h)
}
CALL (p, row) {
  UNWIND row.co_builders AS k MATCH (c:Institution) WHERE elementId(c) = k
  CREATE (p)-[:CO_BUILT_BY {src_run: $run}]->(c)
}
CALL (p, row) {
  UNWIND row.types AS k MATCH (t:PlatformType) WHERE elementId(t) = k CREATE (p)-[:OF_TYPE {src_run: $run}]->(t)
}
CALL (p, row) {
  UNWIND row.cities AS k MATCH (c:City) WHERE elementId(c) = k CREATE (p)-[:LOCATED_IN {src_run: $run}]->(c)
}
CALL (p, row) {
  UNWIND row.industries AS k MATCH (n:Industry) WHERE elementId(n) = k CREATE (p)-[:SERVES {src_run: $run}]->(n)
}
CALL (p, row) {
  UNWIND row.topics AS k MATCH (t:Topic) WHERE elementId(t) = k CREATE (p)-[:ON_TOPIC {src_run: $run}]->(t)
}
"""

CREATE_RESEARCHERS_BY_ID = """
UNWIND $rows AS row
OPTIONAL MATCH (done:Researcher {key: row.key})
WITH row WHERE done IS NULL
CREATE (r:Researcher)
SET r = row.props, r.key = row.key, r.src_run = $run
WITH r, row
CALL (r, row) {
  UNWIND row.institutions AS k MATCH (i:Institution) WHERE elementId(i) = k
  CREATE (r)-[:WORKS_AT {src_run: $run}]->(i)
}
CALL (r, row) {
  UNWIND row.topics AS k MATCH (t:Topic) WHERE elementId(t) = k CREATE (r)-[:ON_TOPIC {src_run: $run}]->(t)
}
CALL (r, row) {
  UNWIND row.memberships AS m MATCH (p:Platform) WHERE elementId(p) = m.b
  CREATE (r)-[:MEMBER_OF {role: m.role, roles: m.roles, src_run: $run}]->(p)
}
"""

# COLLABORATES_WITH is one relationship per (pair, kind, year, industry). The existing one is looked
# up with a pattern comprehension from the two bound institutions, which always expands between
# them. (Earlier versions had a COLLABORATES_WITH(kind) index, and the planner used it for this
# lookup — a seek over every relationship of that kind per row, five times slower at 10,000
# platforms; graph/schema.py now drops that index.) The year is compared with IS NOT DISTINCT
# semantics (rows without a year match relationships without one).
UPSERT_COLLABORATIONS = """
UNWIND $rows AS row
MATCH (a:Institution {key: row.a}), (b:Institution {key: row.b})
WITH a, b, row, [(a)-[r:COLLABORATES_WITH]->(b)
                 WHERE r.kind = row.kind AND r.industry = row.industry
                   AND coalesce(r.year, -1) = coalesce(row.year, -1) | r][0] AS found
FOREACH (_ IN CASE WHEN found IS NULL THEN [1] ELSE [] END |
  CREATE (a)-[:COLLABORATES_WITH {kind: row.kind, year: row.year, industry: row.industry, count: row.count,
                                  src_run: $run}]->(b))
SET found.count = row.count, found.src_run = $run
"""

_REL_TEMPLATE = """
UNWIND $rows AS row
MATCH (a:{a} {{key: row.a}}), (b:{b} {{key: row.b}})
MERGE (a)-[r:{rel}]->(b)
SET r.src_run = $run
"""

# A declared SERVES that restates an inferred one (ingest/infer_industries.py) becomes declared: a
# declared value always wins, so the inferred flag and its provenance go.
_DECLARED_SERVES_TEMPLATE = """
UNWIND $rows AS row
MATCH (a:{a} {{key: row.a}}), (b:{b} {{key: row.b}})
MERGE (a)-[r:SERVES]->(b)
SET r.src_run = $run
REMOVE r.inferred, r.via, r.evidence
"""

_REL_ROLE_TEMPLATE = """
UNWIND $rows AS row
MATCH (a:{a} {{key: row.a}}), (b:{b} {{key: row.b}})
MERGE (a)-[r:{rel}]->(b)
SET r.role = row.role, r.roles = row.roles, r.src_run = $run
"""

# Removes the relationships of a re-stated node that the new statement no longer lists (a platform's
# host changed, a city was corrected), so a second dataset updates instead of accumulating.
_PRUNE_TEMPLATE = """
UNWIND $rows AS row
MATCH (a:{a} {{key: row.key}})-[r:{rel}]->(b:{b})
WHERE NOT b.key IN row.targets
DELETE r
"""


# A restated institution's city in one statement instead of a prune step and a MERGE step: the
# LOCATED_IN edges to cities the statement no longer names are deleted, the named ones merged
# (``row.targets``: what to keep, as in the prune; ``row.add``: the planned edges, as in the MERGE
# step — empty for an institution created in this run, whose edges came with it). The same writes
# as the two steps, one index seek per institution instead of two (ingest.writer.RESTATED).
RESTATE_INSTITUTION_CITY = """
UNWIND $rows AS row
MATCH (a:Institution {key: row.key})
CALL (a, row) {
  MATCH (a)-[r:LOCATED_IN]->(c:City) WHERE NOT c.key IN row.targets DELETE r
}
CALL (a, row) {
  UNWIND row.add AS k
  MATCH (c:City {key: k})
  MERGE (a)-[r:LOCATED_IN]->(c)
  SET r.src_run = $run
}
"""


def rel_query(a: str, rel: str, b: str, *, with_role: bool = False) -> str:
    """The upsert for ``(a)-[rel]->(b)`` rows ``{a, b}`` (labels and type checked against the schema)."""
    template = _REL_ROLE_TEMPLATE if with_role else _REL_TEMPLATE
    if rel == "SERVES" and not with_role:
        template = _DECLARED_SERVES_TEMPLATE
    return template.format(a=check_label(a), b=check_label(b), rel=check_rel_type(rel))


def prune_query(a: str, rel: str, b: str) -> str:
    """Delete ``(a)-[rel]->(b)`` whose target is not in ``row.targets`` for rows ``{key, targets}``.

    Inferred SERVES are left to ingest/infer_industries.py, which runs after the writes and keeps or
    drops them by the data (so restating a platform without industries rewrites nothing)."""
    query = _PRUNE_TEMPLATE.format(a=check_label(a), b=check_label(b), rel=check_rel_type(rel))
    if rel == "SERVES":
        query = query.replace("WHERE NOT b.key IN row.targets", "WHERE NOT b.key IN row.targets AND NOT coalesce(r.inferred, false)")
    return query


# The keys an incremental load resolves against, as a few records of value lists
# (graph/bulkread.py): at 100,000 platforms the graph holds 1.1 million platforms and researchers.
EXISTING_PLATFORMS = chunked("MATCH (p:Platform) WITH [p.key, p.id, p.norm_name, p.level] AS row")
EXISTING_RESEARCHERS = chunked("MATCH (r:Researcher) WITH [r.key, r.id, r.name, r.institution] AS row")
EXISTING_INDUSTRIES = "MATCH (i:Industry) RETURN i.key AS key, i.aliases AS aliases"
HAS_REFERENCE = "MATCH (t:PlatformType) RETURN count(t) AS n"


def element_ids_query(label: str) -> str:
    """Every ``[key, elementId]`` of one label's nodes, as chunks (graph/bulkread.py): the far ends
    of the edges a CREATE step makes (``CREATE_*_BY_ID``), read once per step."""
    return chunked(f"MATCH (n:{check_label(label)}) WITH [n.key, elementId(n)] AS row")
