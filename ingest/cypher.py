"""The Cypher the ingest pipeline runs: batched ``UNWIND $rows … MERGE … SET`` upserts.

Every value arrives as a parameter. The few queries that are templates over a label or a
relationship type are filled only with names that passed :func:`graph.schema.check_label` /
:func:`graph.schema.check_rel_type`, never with text from a file.

All writes are ``MERGE … SET``: a batch that is retried, or a whole run that is repeated after a
failure, leaves the graph exactly as one successful run would.
"""

from __future__ import annotations

from graph.schema import check_label, check_rel_type

START_RUN = """
MERGE (r:IngestRun {key: $key})
SET r.started = datetime(), r.status = 'running', r.sources = $sources, r.dataset = $dataset
"""

FINISH_RUN = """
MATCH (r:IngestRun {key: $key})
SET r.finished = datetime(), r.status = $status, r.read = $read, r.loaded = $loaded,
    r.rejected = $rejected, r.rejects_file = $rejects_file, r.ambiguities_file = $ambiguities_file,
    r.seconds = $seconds
"""

UPSERT_INSTITUTIONS = """
UNWIND $rows AS row
MERGE (i:Institution {key: row.key})
SET i.id = coalesce(row.id, i.id),
    i.name = coalesce(i.name, row.name),
    i.norm_name = coalesce(i.norm_name, row.norm_name),
    i.aliases = reduce(acc = coalesce(i.aliases, []), a IN row.aliases |
                       CASE WHEN a IN acc THEN acc ELSE acc + a END),
    i.alias_norms = reduce(acc = coalesce(i.alias_norms, []), a IN row.alias_norms |
                           CASE WHEN a IN acc THEN acc ELSE acc + a END),
    i.kind = row.kind, i.sector = row.sector,
    i.credit_code = coalesce(row.credit_code, i.credit_code),
    i.city = coalesce(row.city, i.city),
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

UPSERT_TARGETS = """
UNWIND $rows AS row
MERGE (t:Target {key: row.key})
SET t += row.props, t.src_run = $run
"""

# COLLABORATES_WITH is one relationship per (pair, kind, year, industry). The lookup runs inside a
# subquery that starts from the two bound institutions, so it always expands between them: a plain
# MERGE planned on an empty graph may pick the COLLABORATES_WITH(kind) index and then, with the plan
# cached, scan every relationship of that kind per row as the graph grows. The year is compared
# with IS NOT DISTINCT semantics (rows without a year match relationships without one).
UPSERT_COLLABORATIONS = """
UNWIND $rows AS row
MATCH (a:Institution {key: row.a}), (b:Institution {key: row.b})
CALL (a, b, row) {
  OPTIONAL MATCH (a)-[r:COLLABORATES_WITH]->(b)
  WHERE r.kind = row.kind AND r.industry = row.industry AND coalesce(r.year, -1) = coalesce(row.year, -1)
  WITH r LIMIT 1
  RETURN r AS found
}
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


def rel_query(a: str, rel: str, b: str, *, with_role: bool = False) -> str:
    """The upsert for ``(a)-[rel]->(b)`` rows ``{a, b}`` (labels and type checked against the schema)."""
    template = _REL_ROLE_TEMPLATE if with_role else _REL_TEMPLATE
    return template.format(a=check_label(a), b=check_label(b), rel=check_rel_type(rel))


def prune_query(a: str, rel: str, b: str) -> str:
    """Delete ``(a)-[rel]->(b)`` whose target is not in ``row.targets`` for rows ``{key, targets}``."""
    return _PRUNE_TEMPLATE.format(a=check_label(a), b=check_label(b), rel=check_rel_type(rel))


EXISTING_PLATFORMS = "MATCH (p:Platform) RETURN p.key AS key, p.id AS id, p.norm_name AS norm, p.level AS level"
EXISTING_RESEARCHERS = (
    "MATCH (r:Researcher) RETURN r.key AS key, r.id AS id, r.name AS name, r.institution AS institution")
EXISTING_INDUSTRIES = "MATCH (i:Industry) RETURN i.key AS key, i.aliases AS aliases"
HAS_REFERENCE = "MATCH (t:PlatformType) RETURN count(t) AS n"
