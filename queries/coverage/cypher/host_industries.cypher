// Institutions' declared industries (所属产业), for hosts' ties to an industry. In chunks of $chunk
// institutions (a few Bolt records instead of one per institution, as platforms.cypher).
MATCH (inst:Institution)-[:IN_INDUSTRY]->(i:Industry)
WITH inst.key AS institution, collect(DISTINCT i.key) AS industries
WITH collect([institution, industries]) AS rows
UNWIND range(0, size(rows) - 1, $chunk) AS start
RETURN rows[start..start + $chunk] AS chunk
