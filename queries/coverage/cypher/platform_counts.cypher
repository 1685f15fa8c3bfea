// Platform counts per type, category, level, status and year of recognition (aggregated in the database).
MATCH (p:Platform)
RETURN p.type AS type, p.category AS category, p.level AS level, p.status AS status,
       p.established AS established, count(*) AS n
