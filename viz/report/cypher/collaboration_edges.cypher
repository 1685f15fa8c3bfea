// The institution collaboration network as weighted undirected pairs (stored with a.key < b.key).
MATCH (a:Institution)-[r:COLLABORATES_WITH]->(b:Institution)
WHERE ($city IS NULL OR a.city = $city OR b.city = $city)
  AND ($industries IS NULL OR r.industry IN $industries
       OR (EXISTS { MATCH (a)-[:IN_INDUSTRY]->(x:Industry) WHERE x.key IN $industries }
           AND EXISTS { MATCH (b)-[:IN_INDUSTRY]->(y:Industry) WHERE y.key IN $industries }))
RETURN a.key AS a, b.key AS b, sum(coalesce(r.count, 1)) AS weight
