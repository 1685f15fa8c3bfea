// How many institutions are in scope (city / industry filter): the denominator of the network size.
MATCH (i:Institution)
WHERE ($city IS NULL OR i.city = $city)
  AND ($industries IS NULL OR EXISTS { MATCH (i)-[:IN_INDUSTRY]->(x:Industry) WHERE x.key IN $industries })
RETURN count(i) AS n
