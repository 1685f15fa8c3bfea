// Institutions' declared industries (所属产业), for hosts' ties to an industry.
MATCH (inst:Institution)-[:IN_INDUSTRY]->(i:Industry)
RETURN inst.key AS institution, collect(DISTINCT i.key) AS industries
