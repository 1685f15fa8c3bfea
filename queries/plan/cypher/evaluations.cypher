// Every platform's evaluation records (评估记录), oldest first is sorted in Python.
MATCH (e:Evaluation)-[:EVALUATES]->(p:Platform)
RETURN p.key AS platform, collect({year: e.year, result: e.result, note: e.note}) AS records
