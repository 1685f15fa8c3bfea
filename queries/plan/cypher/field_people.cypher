// Per industry in $industries (its segments rolled up) and institution: the researchers working there
// who sit in platforms serving the industry ("people in the field"), and how many are senior.
// One pass over MEMBER_OF, not one per industry.
MATCH (r:Researcher)-[m:MEMBER_OF]->(:Platform)-[:SERVES]->(s:Industry)
WITH r, m, [s.key] + [(s)-[:PART_OF]->(par:Industry) | par.key] AS keys
UNWIND keys AS industry
WITH industry, r, m WHERE industry IN $industries
MATCH (r)-[:WORKS_AT]->(inst:Institution)
WITH industry, inst.key AS institution, r,
     (m.role IN $senior_roles
      OR (r.title IS NOT NULL AND NOT r.title CONTAINS '副' AND any(t IN $senior_titles WHERE r.title CONTAINS t)))
       AS senior
RETURN industry, institution, count(DISTINCT r) AS people, count(DISTINCT CASE WHEN senior THEN r END) AS senior
