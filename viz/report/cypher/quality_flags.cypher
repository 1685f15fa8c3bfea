// Data-quality flags on platforms (set by ingest): each flag with how many platforms carry it and
// the first few of them by name, for the report's appendix.
MATCH (p:Platform) WHERE size(coalesce(p.quality_flags, [])) > 0
UNWIND p.quality_flags AS flag
WITH flag, p ORDER BY p.name
RETURN flag, count(p) AS platforms, collect(p.name)[..$examples] AS examples
ORDER BY platforms DESC, flag
