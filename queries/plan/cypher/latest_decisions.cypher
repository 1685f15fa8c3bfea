// The latest applied decision set with its decisions (none before the first `platgraph plan apply`).
MATCH (s:PlanDecisionSet {latest: true})
OPTIONAL MATCH (d:PlanDecision)-[:IN_SET]->(s)
WITH s, d ORDER BY d.batch, d.item
RETURN s.key AS key, s.file AS file, toString(s.applied) AS applied, s.counts_json AS counts_json,
       s.whatif_json AS whatif_json,
       collect(CASE WHEN d IS NULL THEN null ELSE {batch: d.batch, item: d.item, decision: d.decision,
                                                   note: d.note, title: d.title} END) AS decisions
