// Researchers holding roles in at least $min_roles distinct platforms (over-stretched leaders).
MATCH (r:Researcher)-[m:MEMBER_OF]->(p:Platform)
WITH r, collect({key: p.key, id: p.id, name: p.name, type: p.type, family: p.family, level: p.level,
                 status: p.status, role: m.role, group: p.overlap_group}) AS roles,
     count(DISTINCT p) AS platforms
WHERE platforms >= $min_roles
RETURN r.key AS key, r.name AS name, r.institution AS institution, r.title AS title,
       [(r)-[:WORKS_AT]->(i:Institution) | i.name][0] AS institution_name, platforms, roles
ORDER BY platforms DESC, key
