// The most recent ingest runs (data provenance).
MATCH (r:IngestRun)
RETURN r.key AS key, toString(r.started) AS started, toString(r.finished) AS finished, r.status AS status,
       r.sources AS sources, r.read AS read, r.loaded AS loaded, r.rejected AS rejected
ORDER BY r.started DESC
LIMIT $limit
