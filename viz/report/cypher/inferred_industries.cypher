// Platforms in scope whose industries were inferred (no declared 服务产业; ingest/infer_industries.py),
// and their inferred edges by source (name / fields / host).
MATCH (p:Platform)-[r:SERVES {inferred: true}]->(:Industry)
WHERE ($city IS NULL OR p.city = $city)
  AND ($industries IS NULL OR EXISTS { MATCH (p)-[:SERVES]->(i:Industry) WHERE i.key IN $industries })
RETURN count(DISTINCT p) AS platforms, count(r) AS edges,
       size([x IN collect(r.via) WHERE x = 'name']) AS by_name,
       size([x IN collect(r.via) WHERE x = 'fields']) AS by_fields,
       size([x IN collect(r.via) WHERE x = 'host']) AS by_host
