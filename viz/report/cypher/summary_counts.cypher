// Platforms in scope, counted by every summary dimension at once (aggregated in Python).
MATCH (p:Platform)
WHERE ($city IS NULL OR p.city = $city)
  AND ($industries IS NULL OR EXISTS { MATCH (p)-[:SERVES]->(i:Industry) WHERE i.key IN $industries })
RETURN p.category AS category, p.type AS type, p.level AS level, p.status AS status, p.city AS city,
       count(*) AS n
