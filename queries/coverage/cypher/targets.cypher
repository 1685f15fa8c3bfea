// The targets (建设目标) loaded from the dataset's targets file (per type, or per category / level).
MATCH (t:Target)
RETURN t.key AS key, t.type AS type, t.category AS category, t.level AS level, t.year AS year, t.new AS new,
       t.integrated_or_revoked AS integrated_or_revoked, t.total AS total
ORDER BY t.type, t.category, t.level, t.year
