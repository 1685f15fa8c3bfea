// Replace earlier runs: industries this run did not write lose their stale coverage flags.
MATCH (i:Industry) WHERE i.coverage_run IS NOT NULL AND i.coverage_run < $run
REMOVE i.coverage, i.coverage_gaps, i.coverage_run
RETURN count(i) AS cleared
