// Record one applied plan workbook: the decision set (the newest is `latest`), one PlanDecision per
// item, and CONCERNS edges to the platforms each item names.
MATCH (old:PlanDecisionSet) SET old.latest = false
WITH count(old) AS _
CREATE (s:PlanDecisionSet {key: $key, file: $file, applied: datetime(), counts_json: $counts_json,
                           whatif_json: $whatif_json, latest: true})
WITH s
UNWIND $items AS item
CREATE (d:PlanDecision {key: $key + ':' + item.item, set: $key, batch: item.batch, item: item.item,
                        decision: item.decision, note: item.note, title: item.title})
CREATE (d)-[:IN_SET]->(s)
WITH d, item
UNWIND item.platforms AS pk
MATCH (p:Platform {key: pk})
CREATE (d)-[:CONCERNS]->(p)
