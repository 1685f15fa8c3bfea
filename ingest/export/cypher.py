"""The read queries of ``platgraph export``: one page of nodes at a time, with what hangs off them.

Why keyset pages (``WHERE n.key > $after ORDER BY n.key LIMIT $limit``): every label has a unique
``key`` backed by an index, so each page is an index range seek however far into the graph it is,
and the export never holds more than one page of a table in memory. Each page row is one node with
its relationships collected in a list (bounded by that node's degree), so the page size is the
number of nodes whatever the relationships.

Every value arrives as a parameter; there is no label or type interpolation here.
"""

from __future__ import annotations

INDUSTRIES_PAGE = """
MATCH (i:Industry) WHERE i.key > $after
WITH i ORDER BY i.key LIMIT $limit
RETURN i.key AS key, i.priority AS priority, i.key_industry AS key_industry,
       coalesce(i.reference, false) AS reference,
       [(i)-[:PART_OF]->(p:Industry) | p.key] AS parents,
       [(i)-[:LAID_OUT_IN]->(c:City) | c.key] AS cities
"""

INSTITUTIONS_PAGE = """
MATCH (i:Institution) WHERE i.key > $after
WITH i ORDER BY i.key LIMIT $limit
RETURN i.key AS key, i.id AS id, i.name AS name, i.kind AS kind, i.sector AS sector,
       i.credit_code AS credit_code, i.city AS city, coalesce(i.aliases, []) AS aliases,
       i.kind_inferred AS kind_inferred, i.city_written AS city_written,
       [(i)-[:IN_INDUSTRY]->(x:Industry) | x.key] AS industries,
       [(i)-[:LOCATED_IN]->(c:City) | c.key] AS cities
"""

INSTITUTIONS_BY_KEY = """
UNWIND $keys AS key
MATCH (i:Institution {key: key})
RETURN i.key AS key, i.id AS id, i.name AS name, i.kind AS kind, i.sector AS sector,
       i.credit_code AS credit_code, i.city AS city, coalesce(i.aliases, []) AS aliases,
       i.kind_inferred AS kind_inferred, i.city_written AS city_written,
       [(i)-[:IN_INDUSTRY]->(x:Industry) | x.key] AS industries,
       [(i)-[:LOCATED_IN]->(c:City) | c.key] AS cities
ORDER BY key
"""

# Everything the resolution rule looks at (ingest.resolve.InstitutionIndex), as tuples.
INSTITUTION_NAMES = """
MATCH (i:Institution)
RETURN i.key AS key, i.credit_code AS code, i.norm_name AS norm, coalesce(i.alias_norms, []) AS norms,
       i.name AS name
"""

# Only declared industries are exported: inferred ones (ingest/infer_industries.py) are re-derived on import.
PLATFORMS_PAGE = """
MATCH (p:Platform) WHERE p.key > $after
WITH p ORDER BY p.key LIMIT $limit
RETURN p.key AS key, p.id AS id, p.name AS name, p.type AS type, p.level AS level, p.city AS city,
       p.established AS established, p.status AS status, coalesce(p.fields, []) AS fields,
       p.director AS director, p.evaluation AS evaluation, p.department AS department,
       p.host_written AS host_written, p.city_written AS city_written,
       coalesce(p.co_builders_unresolved, []) AS co_unresolved,
       [(p)-[:HOSTED_BY]->(i:Institution) | i.key] AS hosts,
       [(p)-[:CO_BUILT_BY]->(i:Institution) | i.key] AS co_builders,
       [(p)-[s:SERVES]->(x:Industry) WHERE s.inferred IS NULL OR s.inferred = false | x.key] AS industries,
       [(p)-[:LOCATED_IN]->(c:City) | c.key] AS cities
"""

RESEARCHERS_PAGE = """
MATCH (r:Researcher) WHERE r.key > $after
WITH r ORDER BY r.key LIMIT $limit
RETURN r.key AS key, r.id AS id, r.name AS name, r.institution AS institution, r.title AS title,
       coalesce(r.fields, []) AS fields, coalesce(r.talent_programs, []) AS talent_programs,
       [(r)-[:WORKS_AT]->(i:Institution) | i.key] AS works_at
"""

MEMBERSHIPS_PAGE = """
MATCH (r:Researcher) WHERE r.key > $after
WITH r ORDER BY r.key LIMIT $limit
RETURN r.key AS key, r.name AS name, r.institution AS institution,
       [(r)-[m:MEMBER_OF]->(p:Platform) | {platform: p.key, name: p.name, role: m.role, roles: m.roles}]
         AS members
"""

COLLABORATIONS_PAGE = """
MATCH (a:Institution) WHERE a.key > $after
WITH a ORDER BY a.key LIMIT $limit
RETURN a.key AS key,
       [(a)-[r:COLLABORATES_WITH]->(b:Institution) |
        {b: b.key, kind: r.kind, year: r.year, count: r.count, industry: r.industry}] AS rels
"""

TARGETS_PAGE = """
MATCH (t:Target) WHERE t.key > $after
WITH t ORDER BY t.key LIMIT $limit
RETURN t.key AS key, t.type AS type, t.category AS category, t.level AS level, t.year AS year, t.new AS new,
       t.integrated_or_revoked AS integrated_or_revoked, t.total AS total
"""

EVALUATIONS_PAGE = """
MATCH (e:Evaluation) WHERE e.key > $after
WITH e ORDER BY e.key LIMIT $limit
MATCH (e)-[:EVALUATES]->(p:Platform)
RETURN e.key AS key, p.key AS platform, p.name AS name, e.year AS year, e.result AS result, e.note AS note
"""

# How many nodes each pass walks (progress bar totals).
COUNT_INDUSTRIES = "MATCH (n:Industry) RETURN count(n) AS n"
COUNT_INSTITUTIONS = "MATCH (n:Institution) RETURN count(n) AS n"
COUNT_PLATFORMS = "MATCH (n:Platform) RETURN count(n) AS n"
COUNT_RESEARCHERS = "MATCH (n:Researcher) RETURN count(n) AS n"
COUNT_TARGETS = "MATCH (n:Target) RETURN count(n) AS n"
COUNT_EVALUATIONS = "MATCH (n:Evaluation) RETURN count(n) AS n"

# What the graph held at export time, for the manifest (compare after a restore).
NODE_COUNTS = "MATCH (n) RETURN labels(n)[0] AS label, count(*) AS n ORDER BY label"
REL_COUNTS = "MATCH ()-[r]->() RETURN type(r) AS type, count(*) AS n ORDER BY type"
