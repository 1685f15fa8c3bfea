// Write one run's coverage onto the industries (rows: key, coverage JSON, gaps JSON).
UNWIND $rows AS row
MATCH (i:Industry {key: row.key})
SET i.coverage = row.coverage, i.coverage_gaps = row.gaps, i.coverage_run = $run
