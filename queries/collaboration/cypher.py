"""Every Cypher statement of the collaboration-gap analysis, as named constants.

Why bulk reads: the analysis must scale to 100,000 platforms, so it pulls the whole (or a city's)
projection in a handful of streaming queries and computes in Python; nothing here runs per node.
All values are parameters; no label or type is built from input. The projection reads return their
rows as chunks of value lists (:mod:`graph.bulkread`): far fewer Bolt records than one per row.
"""

from graph.bulkread import chunked

# ---------------------------------------------------------------------- projection (reads)
# $city: a City key to bound the projection to one city's institutions and platforms, or null.
LOAD_INSTITUTIONS = chunked("""
MATCH (i:Institution)
WHERE $city IS NULL OR i.city = $city
WITH [i.key, i.name, i.sector, i.city, i.kind] AS row
""")

# ordered: the order of industries decides the order of list properties written back
# (broker_industries, suggestions across industries); node order changes after wipes
LOAD_INDUSTRIES = """
MATCH (n:Industry)
OPTIONAL MATCH (n)-[:PART_OF]->(p:Industry)
RETURN n.key AS key, coalesce(n.name, n.key) AS name, n.name_en AS name_en,
       coalesce(n.level, 'industry') AS level, p.key AS parent, n.priority AS priority,
       coalesce(n.key_industry, true) AS key_industry
ORDER BY key
"""

LOAD_INSTITUTION_INDUSTRIES = chunked("""
MATCH (i:Institution)-[:IN_INDUSTRY]->(n:Industry)
WHERE $city IS NULL OR i.city = $city
WITH [i.key, n.key] AS row
""")

# One row per platform with everyone who takes part in it: host, co-builders, and the institutions
# its people work at (each as [key, sector], so a city-bounded read still knows outside partners).
_PLATFORM_ROW = """
WITH [p.key, p.name, p.city, p.status,
      [(p)-[:SERVES]->(n:Industry) | n.key],
      [(p)-[:HOSTED_BY]->(h:Institution) | [h.key, h.sector]],
      [(p)-[:CO_BUILT_BY]->(c:Institution) | [c.key, c.sector]],
      COLLECT { MATCH (p)<-[:MEMBER_OF]-(:Researcher)-[:WORKS_AT]->(w:Institution)
                RETURN DISTINCT [w.key, w.sector] }] AS row
"""

# The whole graph: every institution is in the projection, so its sector is known there and the
# rows carry keys only; people's institutions come once per member, de-duplicated in Python. At
# 100,000 platforms this read took 4.3 s instead of 7.4 s with [key, sector] pairs and DISTINCT.
LOAD_PLATFORMS = chunked("""
MATCH (p:Platform)
WITH [p.key, p.name, p.city, p.status,
      [(p)-[:SERVES]->(n:Industry) | n.key],
      [(p)-[:HOSTED_BY]->(h:Institution) | h.key],
      [(p)-[:CO_BUILT_BY]->(c:Institution) | c.key],
      [(p)<-[:MEMBER_OF]-(:Researcher)-[:WORKS_AT]->(w:Institution) | w.key]] AS row
""")

# A city: the platforms located in it and those its institutions take part in elsewhere, reached
# from the city's side so the read stays bounded by the city.
LOAD_PLATFORMS_IN_CITY = chunked("""
CALL () {
  MATCH (p:Platform {city: $city}) RETURN p
  UNION
  MATCH (:Institution {city: $city})<-[:HOSTED_BY|CO_BUILT_BY]-(p:Platform) RETURN p
  UNION
  MATCH (:Institution {city: $city})<-[:WORKS_AT]-(:Researcher)-[:MEMBER_OF]->(p:Platform) RETURN p
}
WITH DISTINCT p""" + _PLATFORM_ROW)

LOAD_COLLABORATIONS = chunked("""
MATCH (a:Institution)-[r:COLLABORATES_WITH]->(b:Institution)
WITH [a.key, b.key, r.kind, coalesce(r.count, 1), coalesce(r.industry, '')] AS row
""")

# A city reads every tie touching it: both ends in the city make a tie of the city's matrix, one
# end is enough to show that the city's institution takes part in the industry.
LOAD_COLLABORATIONS_IN_CITY = chunked("""
MATCH (x:Institution {city: $city})-[r:COLLABORATES_WITH]-(:Institution)
WITH DISTINCT r
MATCH (a:Institution)-[r]->(b:Institution)
WITH [a.key, b.key, r.kind, coalesce(r.count, 1), coalesce(r.industry, '')] AS row
""")

# ---------------------------------------------------------------------- write-back
WRITE_PLATFORMS = """
UNWIND $rows AS row
MATCH (p:Platform {key: row.key})
SET p.sectors = row.sectors, p.single_sector = row.single_sector,
    p.missing_sectors = row.missing_sectors, p.gap_run = $run
"""

CLEAR_STALE_PLATFORMS = """
MATCH (p:Platform) WHERE p.gap_run IS NOT NULL AND p.gap_run < $run
REMOVE p.sectors, p.single_sector, p.missing_sectors, p.gap_run
"""

WRITE_INDUSTRIES = """
UNWIND $rows AS row
MATCH (n:Industry {key: row.key})
SET n.synergy_t3 = row.synergy_t3, n.synergy_t4 = row.synergy_t4, n.sector_counts = row.sector_counts,
    n.sector_matrix = row.sector_matrix, n.missing_pairs = row.missing_pairs, n.brokers = row.brokers,
    n.gap_run = $run
"""

CLEAR_STALE_INDUSTRIES = """
MATCH (n:Industry) WHERE n.gap_run IS NOT NULL AND n.gap_run < $run
REMOVE n.synergy_t3, n.synergy_t4, n.sector_counts, n.sector_matrix, n.missing_pairs, n.brokers, n.gap_run
"""

WRITE_INSTITUTIONS = """
UNWIND $rows AS row
MATCH (i:Institution {key: row.key})
SET i.constraint = row.constraint, i.broker = row.broker, i.broker_industries = row.broker_industries,
    i.suggested_partners = row.suggested_partners, i.suggest_industries = row.suggest_industries,
    i.suggest_best = row.suggest_best, i.gap_run = $run
"""

CLEAR_STALE_INSTITUTIONS = """
MATCH (i:Institution) WHERE i.gap_run IS NOT NULL AND i.gap_run < $run
REMOVE i.constraint, i.broker, i.broker_industries, i.suggested_partners, i.suggest_industries, i.suggest_best,
       i.gap_run
"""

# ---------------------------------------------------------------------- reading the write-back
RESOLVE_INDUSTRY = """
MATCH (n:Industry)
WHERE n.key = $name OR n.name = $name OR n.name_en = $name OR $name IN coalesce(n.aliases, [])
OPTIONAL MATCH (s:Industry)-[:PART_OF]->(n)
OPTIONAL MATCH (n)-[:PART_OF]->(p:Industry)
RETURN n.key AS key, n.level AS level, collect(s.key) AS segments, p.key AS parent
ORDER BY CASE WHEN n.key = $name THEN 0 ELSE 1 END, n.key
LIMIT 1
"""

READ_INDUSTRIES = """
MATCH (n:Industry)
WHERE n.gap_run IS NOT NULL
  AND (($industry IS NULL AND n.level = 'industry') OR n.key = $industry)
RETURN n.key AS key, n.name AS name, n.name_en AS name_en, n.level AS level, n.priority AS priority,
       n.synergy_t3 AS synergy_t3, n.synergy_t4 AS synergy_t4, n.sector_counts AS sector_counts,
       n.sector_matrix AS sector_matrix, n.missing_pairs AS missing_pairs, n.brokers AS brokers,
       n.gap_run AS run
ORDER BY coalesce(n.priority, 9), n.key
"""

READ_SINGLE_SECTOR = """
MATCH (p:Platform)
WHERE p.single_sector = true
  AND ($city IS NULL OR p.city = $city)
  AND ($industries IS NULL OR EXISTS { (p)-[:SERVES]->(n:Industry) WHERE n.key IN $industries })
RETURN p.key AS id, p.name AS name, p.sectors[0] AS sector, p.missing_sectors AS missing_sectors,
       p.city AS city, p.status AS status
ORDER BY p.key
LIMIT $limit
"""

# Ordered by each enterprise's best score: the best $limit suggestions overall always come from the
# best $limit enterprises, so only those are shipped (the JSON stays in the database otherwise).
COUNT_SINGLE_SECTOR = """
MATCH (p:Platform)
WHERE p.single_sector = true
  AND ($city IS NULL OR p.city = $city)
  AND ($industries IS NULL OR EXISTS { (p)-[:SERVES]->(n:Industry) WHERE n.key IN $industries })
RETURN count(p) AS n
"""

READ_SUGGESTIONS = """
MATCH (e:Institution)
WHERE e.suggest_best IS NOT NULL
  AND ($industries IS NULL OR any(k IN e.suggest_industries WHERE k IN $industries))
  AND ($city IS NULL OR e.city = $city)
WITH e ORDER BY e.suggest_best DESC, e.key LIMIT $limit
RETURN e.key AS key, e.name AS name, e.suggested_partners AS suggested_partners
"""

LATEST_GAP_RUN = """
MATCH (n:Industry) WHERE n.gap_run IS NOT NULL
RETURN n.gap_run AS run LIMIT 1
"""
