// Live platforms serving a key industry (a segment counts for its parent industry).
MATCH (p:Platform)-[:SERVES]->(s:Industry)
OPTIONAL MATCH (s)-[:PART_OF]->(parent:Industry)
WITH p, coalesce(parent, s) AS ind
WHERE coalesce(ind.key_industry, false)
  AND coalesce(p.status, 'active') IN ['active', 'building']
  AND ($city IS NULL OR p.city = $city)
  AND ($industries IS NULL OR ind.key IN $industries)
RETURN p.key AS key, p.name AS name, p.category AS category, collect(DISTINCT ind.key) AS industries
