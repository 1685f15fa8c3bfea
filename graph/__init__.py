"""platgraph's foundation: schema, taxonomy, reference data, the Neo4j store and the local engine.

Nothing in this package imports ``ingest``, ``queries``, ``api`` or ``viz``: arrows point down only.
"""
