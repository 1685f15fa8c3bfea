// Per industry (segments rolled up into their industry): covering platforms, their people, and the
// senior ones (正高 title — 教授, 研究员, 正高级…, 主任医师, 院士 — not 副…; or director / chief scientist).
MATCH (p:Platform)-[:SERVES]->(s:Industry)
WHERE p.status IS NULL OR p.status IN ['active', 'building']
WITH p, [s.key] + [(s)-[:PART_OF]->(par:Industry) | par.key] AS keys
UNWIND keys AS ind
WITH DISTINCT ind, p
OPTIONAL MATCH (r:Researcher)-[m:MEMBER_OF]->(p)
WITH ind, p, r, m,
     (m.role IN $senior_roles
      OR (r.title IS NOT NULL AND NOT r.title CONTAINS '副' AND any(t IN $senior_titles WHERE r.title CONTAINS t)))
       AS senior
RETURN ind AS industry, count(DISTINCT p) AS platforms, count(DISTINCT r) AS people,
       count(DISTINCT CASE WHEN senior THEN r END) AS senior
