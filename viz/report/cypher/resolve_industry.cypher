// An industry named by the user (key, English name or alias) and its chain segments.
MATCH (i:Industry)
WHERE i.key = $name OR toLower(coalesce(i.name_en, '')) = toLower($name) OR $name IN coalesce(i.aliases, [])
OPTIONAL MATCH (s:Industry)-[:PART_OF]->(i)
RETURN i.key AS key, i.level AS level, collect(DISTINCT s.key) AS segments
ORDER BY CASE i.level WHEN 'industry' THEN 0 ELSE 1 END, i.key
LIMIT 1
