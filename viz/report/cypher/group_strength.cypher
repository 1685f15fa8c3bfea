// How strongly each overlap group's platforms overlap: the highest and the mean pair score inside it
// (the executive summary lists the strongest groups first).
MATCH (a:Platform)-[:IN_GROUP]->(g:OverlapGroup)<-[:IN_GROUP]-(b:Platform)
WHERE a.key < b.key
MATCH (a)-[r:OVERLAPS]-(b)
RETURN g.key AS group, max(r.score) AS strongest, avg(r.score) AS mean, count(DISTINCT r) AS pairs
