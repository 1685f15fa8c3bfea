"""The Cypher of the proposal check's index (:mod:`queries.overlap.proposal_index`), as named constants.

Why these queries: the index is refreshed after an ingest from what that ingest wrote, not from a
full read. Every ingest write stamps what it writes with the run key (``src_run`` on nodes and
relationships, ``ingest/cypher.py``), so "what changed since the index was built" is "what carries
the key of a run the index has not seen". The marker tells cheaply whether platform data can have
changed at all: counts come from Neo4j's count store (constant time) and the run list is a handful
of nodes, so an analysis writing back its results (which changes the database's data version but
no platform's profile) does not make the check rebuild anything.
"""

from __future__ import annotations

# The platform-data marker: ingest runs with their statuses, and the counts of every label and
# relationship type a check profile is read from (a write by anything but an ingest — a hand-made
# graph in a test, a console edit — shows as a count change without a new run: a full rebuild).
PLATFORM_DATA_MARKER = """
CALL () { MATCH (n:Platform) RETURN count(n) AS platforms }
CALL () { MATCH (n:Institution) RETURN count(n) AS institutions }
CALL () { MATCH (n:Researcher) RETURN count(n) AS researchers }
CALL () { MATCH (n:Topic) RETURN count(n) AS topics }
CALL () { MATCH (n:Industry) RETURN count(n) AS industries }
CALL () { MATCH ()-[r:HOSTED_BY]->() RETURN count(r) AS hosted_by }
CALL () { MATCH ()-[r:CO_BUILT_BY]->() RETURN count(r) AS co_built_by }
CALL () { MATCH ()-[r:MEMBER_OF]->() RETURN count(r) AS member_of }
CALL () { MATCH ()-[r:SERVES]->() RETURN count(r) AS serves }
CALL () { MATCH ()-[r:ON_TOPIC]->() RETURN count(r) AS on_topic }
CALL () { MATCH (r:IngestRun) RETURN collect([r.key, coalesce(r.status, '')]) AS runs }
RETURN platforms, institutions, researchers, topics, industries, hosted_by, co_built_by, member_of,
       serves, on_topic, runs
"""

# Platforms whose profile a run in $runs may have changed on their own side: the platform restated
# (its host, co-builders, declared industries and topics are written only with it), a team
# membership written (a memberships row names an existing platform and researcher without restating
# either), an inferred industry rewritten (ingest/infer_industries.py). Each is an index seek on
# `src_run` (graph/schema.py SRC_RUN_INDEXES, SRC_RUN_REL_INDEXES), not a scan of the graph. The
# relationship branches name their index: left to itself the planner scanned every Platform and
# expanded its 1.5 million memberships and industries (2–3 s at 100,000 platforms, most of the first
# check after an ingest) instead of seeking the handful a run wrote (0.01 s).
def _changed_platforms(members_hint: str, serves_hint: str) -> str:
    """The changed-platforms query with or without index hints (a function, not a %-template
    constant, so every constant in this module is a whole query that EXPLAIN can plan)."""
    return (
        "CALL () {\n"
        "  MATCH (p:Platform) WHERE p.src_run IN $runs RETURN p.key AS key\n"
        "  UNION\n"
        f"  MATCH (p:Platform)<-[r:MEMBER_OF]-(:Researcher) {members_hint} WHERE r.src_run IN $runs RETURN p.key AS key\n"
        "  UNION\n"
        f"  MATCH (p:Platform)-[r:SERVES]->(:Industry) {serves_hint} WHERE r.src_run IN $runs RETURN p.key AS key\n"
        "}\n"
        "RETURN collect(key) AS keys\n"
    )


CHANGED_PLATFORMS = _changed_platforms("USING INDEX r:MEMBER_OF(src_run)", "USING INDEX r:SERVES(src_run)")
# The same without the hints, for an engine where a hint naming a missing index is an error
# (`dbms.cypher.hints_error=true`); with Neo4j's default (false) the hinted query runs without the
# indexes too, planned around the hint with a warning (tests/test_overlap_check_index.py).
CHANGED_PLATFORMS_UNHINTED = _changed_platforms("", "")

# What a run in $runs restated at the other end of a profile's relationships, with the values a
# profile reads from it: the refresh compares them with what the index holds, and only a changed
# name (a host's name or aliases make the name core; a topic's name is a keyword) changes profiles.
RESTATED_ENDS = """
CALL () {
  MATCH (i:Institution) WHERE i.src_run IN $runs
  RETURN collect([i.key, i.name, coalesce(i.aliases, []), i.credit_code]) AS institutions
}
CALL () { MATCH (r:Researcher) WHERE r.src_run IN $runs RETURN collect([r.key, r.name]) AS researchers }
CALL () { MATCH (t:Topic) WHERE t.src_run IN $runs RETURN collect([t.key, coalesce(t.name, t.key)]) AS topics }
RETURN institutions, researchers, topics
"""

# The platforms of institutions and topics whose names changed.
PLATFORMS_OF_ENDS = """
CALL () {
  MATCH (p:Platform)-[:HOSTED_BY|CO_BUILT_BY]->(i:Institution) WHERE i.key IN $institutions RETURN p.key AS key
  UNION
  MATCH (p:Platform)-[:ON_TOPIC]->(t:Topic) WHERE t.key IN $topics RETURN p.key AS key
}
RETURN collect(key) AS keys
"""

# Topic names as profiles read them (the refresh compares a restated topic's name with this).
TOPIC_NAMES = """
MATCH (t:Topic) RETURN t.key AS key, coalesce(t.name, t.key) AS name
"""

# Counted platforms (the refresh checks its result against this: a deletion leaves no stamp).
ACTIVE_PLATFORMS = """
MATCH (p:Platform) WHERE coalesce(p.status, 'active') IN $statuses RETURN count(p) AS n
"""

# The institutions a run restated, re-read for resolving proposals (same columns as
# queries/overlap/cypher.py LOAD_INSTITUTION_NAMES).
LOAD_INSTITUTION_NAMES_BY_KEY = """
MATCH (i:Institution) WHERE i.key IN $keys
RETURN i.key AS key, i.name AS name, coalesce(i.aliases, []) AS aliases,
       coalesce(i.alias_norms, []) AS norms, i.credit_code AS code
"""
