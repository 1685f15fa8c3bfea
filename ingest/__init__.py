"""Ingest: read planners' CSV / XLSX / JSON Lines datasets, validate, resolve and load them into Neo4j.

Entry point: :func:`ingest.pipeline.ingest_dataset`. Name → institution resolution shared with the
rest of platgraph: :func:`ingest.resolve.resolve_institution`.
"""
