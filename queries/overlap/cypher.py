"""Every Cypher statement the overlap analysis runs, as named constants.

Why one module: the analysis reads the graph with a handful of bulk, flat streams (no per-platform
queries, so 100,000 platforms load in seconds) and writes its results back in batches; keeping the
text together makes the contract with ``docs/graph-model.md`` easy to review. Every value is a
parameter.
"""

from __future__ import annotations

from graph.bulkread import chunked

# ----------------------------------------------------------------------------- bulk reads
# Each returns its rows as chunks of maps (graph.bulkread): far fewer Bolt records than one per row.
# One row per platform (statuses that still count: revoked and merged platforms are history).
LOAD_PLATFORMS = chunked("""
MATCH (p:Platform)
WHERE coalesce(p.status, 'active') IN $statuses
OPTIONAL MATCH (p)-[:HOSTED_BY]->(h:Institution)
WITH p, head(collect(h)) AS h
WITH {key: p.key, name: p.name, type: p.type, family: p.family, level: p.level,
      city: p.city, established: p.established, evaluation: p.evaluation,
      status: p.status, fields: coalesce(p.fields, []),
      host: h.key, host_name: h.name, host_aliases: coalesce(h.aliases, [])} AS row
""")

LOAD_CO_BUILDERS = chunked("""
MATCH (p:Platform)-[:CO_BUILT_BY]->(i:Institution)
WITH {p: p.key, i: i.key, name: i.name, aliases: coalesce(i.aliases, [])} AS row
""")

LOAD_MEMBERS = chunked("""
MATCH (r:Researcher)-[m:MEMBER_OF]->(p:Platform)
WITH {p: p.key, r: r.key, name: r.name, role: m.role} AS row
""")

LOAD_SERVES = chunked("""
MATCH (p:Platform)-[:SERVES]->(i:Industry)
OPTIONAL MATCH (i)-[:PART_OF]->(parent:Industry)
WITH {p: p.key, i: i.key, level: i.level, parent: parent.key} AS row
""")

LOAD_TOPICS = chunked("""
MATCH (p:Platform)-[:ON_TOPIC]->(t:Topic)
WITH {p: p.key, topic: coalesce(t.name, t.key)} AS row
""")

# The same reads for the given platforms only (same rows): the proposal check's index reloads the
# platforms an ingest changed (queries/overlap/proposal_index.py).
LOAD_PLATFORMS_BY_KEY = chunked("""
MATCH (p:Platform) WHERE p.key IN $keys AND coalesce(p.status, 'active') IN $statuses
OPTIONAL MATCH (p)-[:HOSTED_BY]->(h:Institution)
WITH p, head(collect(h)) AS h
WITH {key: p.key, name: p.name, type: p.type, family: p.family, level: p.level,
      city: p.city, established: p.established, evaluation: p.evaluation,
      status: p.status, fields: coalesce(p.fields, []),
      host: h.key, host_name: h.name, host_aliases: coalesce(h.aliases, [])} AS row
""")

LOAD_CO_BUILDERS_BY_KEY = chunked("""
MATCH (p:Platform)-[:CO_BUILT_BY]->(i:Institution) WHERE p.key IN $keys
WITH {p: p.key, i: i.key, name: i.name, aliases: coalesce(i.aliases, [])} AS row
""")

LOAD_MEMBERS_BY_KEY = chunked("""
MATCH (r:Researcher)-[m:MEMBER_OF]->(p:Platform) WHERE p.key IN $keys
WITH {p: p.key, r: r.key, name: r.name, role: m.role} AS row
""")

LOAD_SERVES_BY_KEY = chunked("""
MATCH (p:Platform)-[:SERVES]->(i:Industry) WHERE p.key IN $keys
OPTIONAL MATCH (i)-[:PART_OF]->(parent:Industry)
WITH {p: p.key, i: i.key, level: i.level, parent: parent.key} AS row
""")

LOAD_TOPICS_BY_KEY = chunked("""
MATCH (p:Platform)-[:ON_TOPIC]->(t:Topic) WHERE p.key IN $keys
WITH {p: p.key, topic: coalesce(t.name, t.key)} AS row
""")

LOAD_INDUSTRY_NAMES = """
MATCH (i:Industry)
RETURN i.key AS key, coalesce(i.name_en, i.key) AS name_en
"""

# ----------------------------------------------------------------------------- proposal resolution
# The proposal check resolves names against these, read once per data version with its index
# (never a scan per request).
LOAD_INSTITUTION_NAMES = """
MATCH (i:Institution)
RETURN i.key AS key, i.name AS name, coalesce(i.aliases, []) AS aliases,
       coalesce(i.alias_norms, []) AS norms, i.credit_code AS code
"""

# People are many (about ten per platform): they are resolved per request through the
# Researcher(name) index instead of being held in memory.
RESOLVE_PEOPLE = """
UNWIND $names AS name
MATCH (r:Researcher {name: name})
RETURN name, r.key AS key, r.institution AS institution
"""

LOAD_INDUSTRY_NAMES_FOR_CHECK = """
MATCH (i:Industry)
OPTIONAL MATCH (i)-[:PART_OF]->(parent:Industry)
RETURN i.key AS key, i.name AS name, coalesce(i.aliases, []) AS aliases, i.level AS level,
       parent.key AS parent
"""

# ----------------------------------------------------------------------------- write-back
WRITE_PAIRS = """
UNWIND $rows AS row
MATCH (a:Platform {key: row.a}), (b:Platform {key: row.b})
MERGE (a)-[r:OVERLAPS]->(b)
SET r.score = row.score, r.signals = row.signals, r.reasons_zh = row.reasons_zh,
    r.reasons_en = row.reasons_en, r.run = $run, r.relation = row.relation
"""

WRITE_GROUPS = """
UNWIND $rows AS row
MERGE (g:OverlapGroup {key: row.key})
SET g.run = $run, g.recommendation = row.recommendation, g.keep = row.keep,
    g.reasons_zh = row.reasons_zh, g.reasons_en = row.reasons_en, g.size = row.size,
    g.relation = row.relation
WITH g, row
OPTIONAL MATCH (ar:AnalysisRun {key: $run})
FOREACH (_ IN CASE WHEN ar IS NULL THEN [] ELSE [1] END | MERGE (g)-[:FROM_RUN]->(ar))
WITH g, row
UNWIND row.members AS member
MATCH (p:Platform {key: member})
MERGE (p)-[i:IN_GROUP]->(g)
SET i.run = $run, p.overlap_group = g.key, p.overlap_run = $run
"""

# Deletes run in bounded chunks (a managed transaction each) until nothing is left.
DELETE_OLD_PAIRS = """
MATCH ()-[r:OVERLAPS]->() WHERE r.run IS NULL OR r.run < $run
WITH r LIMIT $chunk
DELETE r
RETURN count(*) AS n
"""

DELETE_OLD_GROUPS = """
MATCH (g:OverlapGroup) WHERE g.run IS NULL OR g.run < $run
WITH g LIMIT $chunk
DETACH DELETE g
RETURN count(*) AS n
"""

CLEAR_OLD_FLAGS = """
MATCH (p:Platform) WHERE p.overlap_run IS NOT NULL AND p.overlap_run < $run
WITH p LIMIT $chunk
REMOVE p.overlap_group, p.overlap_run
RETURN count(*) AS n
"""

# ----------------------------------------------------------------------------- reads of the write-back
# A pair is shown when either platform matches every given filter.
_PAIR_FILTER = """
MATCH (a:Platform)-[r:OVERLAPS]->(b:Platform)
WHERE r.score >= $min_score
  AND ($platform IS NULL OR $platform IN [a.key, b.key, a.name, b.name])
  AND any(p IN [a, b] WHERE
        ($type IS NULL OR p.type = $type OR p.family = $type)
    AND ($level IS NULL OR p.level = $level)
    AND ($city IS NULL OR p.city = $city)
    AND ($industry IS NULL OR EXISTS {
          MATCH (p)-[:SERVES]->(:Industry)-[:PART_OF*0..1]->(:Industry {key: $industry}) }))
"""

COUNT_PAIRS = _PAIR_FILTER + "RETURN count(r) AS total\n"

READ_PAIRS = _PAIR_FILTER + """
RETURN a.key AS a_key, a.name AS a_name, b.key AS b_key, b.name AS b_name, r.score AS score,
       r.signals AS signals, r.reasons_zh AS reasons_zh, r.reasons_en AS reasons_en, r.run AS run,
       coalesce(r.relation, 'duplicate') AS relation
ORDER BY r.score DESC, a.key, b.key
SKIP $offset LIMIT $limit
"""

COUNT_GROUPS = "MATCH (g:OverlapGroup) RETURN count(g) AS total"

READ_GROUPS = """
MATCH (g:OverlapGroup)
WITH g ORDER BY g.size DESC, g.key SKIP $offset LIMIT $limit
CALL (g) {
  MATCH (p:Platform)-[:IN_GROUP]->(g)
  WITH p ORDER BY p.key
  RETURN collect({id: p.key, name: p.name}) AS platforms
}
OPTIONAL MATCH (k:Platform {key: g.keep})
RETURN g.key AS id, g.recommendation AS recommendation, g.keep AS keep, k.name AS keep_name,
       g.reasons_zh AS reasons_zh, g.reasons_en AS reasons_en, g.size AS size, g.run AS run,
       coalesce(g.relation, 'duplicate') AS relation, platforms
ORDER BY g.size DESC, g.key
"""

READ_GROUPS_OF = """
MATCH (p:Platform)-[:IN_GROUP]->(g:OverlapGroup) WHERE p.key IN $keys
WITH DISTINCT g
CALL (g) {
  MATCH (q:Platform)-[:IN_GROUP]->(g)
  WITH q ORDER BY q.key
  RETURN collect({id: q.key, name: q.name}) AS platforms
}
OPTIONAL MATCH (k:Platform {key: g.keep})
RETURN g.key AS id, g.recommendation AS recommendation, g.keep AS keep, k.name AS keep_name,
       g.reasons_zh AS reasons_zh, g.reasons_en AS reasons_en, g.size AS size, g.run AS run,
       coalesce(g.relation, 'duplicate') AS relation, platforms
ORDER BY g.size DESC, g.key
"""

# Has any completed analysis produced overlap results yet? (the CLI runs one when none has)
LATEST_OVERLAP_RUN = """
MATCH (r:AnalysisRun) WHERE r.status = 'completed' AND r.kind IN ['overlap', 'all']
RETURN r.key AS key ORDER BY r.finished DESC LIMIT 1
"""
