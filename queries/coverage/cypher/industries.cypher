// Industries and chain segments with their parent, priority and declared layout cities.
MATCH (i:Industry)
RETURN i.key AS key, coalesce(i.name, i.key) AS name, i.name_en AS name_en,
       coalesce(i.level, 'industry') AS level, i.priority AS priority,
       coalesce(i.key_industry, true) AS key_industry, i.aliases AS aliases,
       [(i)-[:PART_OF]->(p:Industry) | p.key][0] AS parent,
       [(i)-[:LAID_OUT_IN]->(c:City) | c.key] AS cities
