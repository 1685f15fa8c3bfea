// The latest overlap run's groups with their members (written by the overlap analysis).
MATCH (g:OverlapGroup)
WITH max(g.run) AS latest
MATCH (p:Platform)-[:IN_GROUP]->(g:OverlapGroup)
WHERE g.run = latest
RETURN g.key AS key, g.run AS run, g.recommendation AS recommendation, g.keep AS keep,
       g.reasons_zh AS reasons_zh, g.reasons_en AS reasons_en, g.size AS size,
       collect(p.key) AS members
ORDER BY key
