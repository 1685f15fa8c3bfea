// Every platform with what coverage needs, in one pass (bulk read: no per-node queries).
// category falls back to the PlatformType's when ingest left it empty. Rows come back as lists in
// chunks of $chunk platforms: far fewer Bolt records than one per platform, which halves the time
// the driver spends decoding 100,000 platforms.
MATCH (p:Platform)
WITH collect([p.key, p.id, p.name, p.type,
              coalesce(p.category, [(p)-[:OF_TYPE]->(t) | t.category][0]),
              p.level, p.city, p.status, p.evaluation, p.established,
              [(p)-[:HOSTED_BY]->(h) | h.key][0], [(p)-[:HOSTED_BY]->(h) | h.name][0],
              [(p)-[:SERVES]->(i:Industry) | i.key]]) AS rows
UNWIND range(0, size(rows) - 1, $chunk) AS start
RETURN rows[start..start + $chunk] AS chunk
