// Platform pairs that share a host or co-building institution, among the given platforms.
UNWIND $keys AS k
MATCH (p:Platform {key: k})-[:HOSTED_BY|CO_BUILT_BY]->(i:Institution)<-[:HOSTED_BY|CO_BUILT_BY]-(q:Platform)
WHERE p.key < q.key
RETURN p.key AS a, q.key AS b, count(DISTINCT i) AS shared
