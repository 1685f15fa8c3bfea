// The stored coverage (written back by run_coverage_analysis).
MATCH (i:Industry) WHERE i.coverage_run IS NOT NULL
RETURN i.key AS key, coalesce(i.level, 'industry') AS level, [(i)-[:PART_OF]->(p:Industry) | p.key][0] AS parent,
       i.coverage AS coverage, i.coverage_gaps AS gaps, i.coverage_run AS run
