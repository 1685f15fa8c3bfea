// Collaborations recorded for an industry in $industries (or one of its segments), per institution.
MATCH (a:Institution)-[c:COLLABORATES_WITH]-(b:Institution)
WHERE c.industry IN $all_industries
RETURN a.key AS institution, c.industry AS industry, sum(coalesce(c.count, 1)) AS n,
       count(DISTINCT b) AS partners
