// The most recent analysis runs (provenance of the findings).
MATCH (r:AnalysisRun)
RETURN r.key AS key, r.kind AS kind, toString(r.started) AS started, toString(r.finished) AS finished,
       r.status AS status
ORDER BY r.started DESC
LIMIT $limit
