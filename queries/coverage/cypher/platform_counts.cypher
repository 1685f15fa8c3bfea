// Platform counts per type, level, status and year of recognition (aggregated in the database).
MATCH (p:Platform)
RETURN p.type AS type, p.level AS level, p.status AS status, p.established AS established, count(*) AS n
