"""Whole-database maintenance: bring a database to the current schema and reference data, or empty it.

Why here and not in the CLI: the CLI (``platgraph db migrate|reset``), the demo, the tests and the
benchmarks all need the same two operations, and a benchmark or a test should not import the command
line to get them.
"""

from __future__ import annotations

from graph.reference import load_reference
from graph.schema import apply_schema
from graph.store import Store

# Relationships first, then nodes: DETACH DELETE of a high-degree node (a province-wide city or
# industry) would have to hold all its relationships in one transaction's memory.
WIPE_RELATIONSHIPS = "MATCH ()-[r]->() CALL (r) { DELETE r } IN TRANSACTIONS OF 10000 ROWS"
WIPE_NODES = "MATCH (n) CALL (n) { DETACH DELETE n } IN TRANSACTIONS OF 10000 ROWS"


def migrate_database(store: Store) -> dict[str, int]:
    """Constraints and indexes, then the reference taxonomy, cities and industries (idempotent)."""
    apply_schema(store)
    return load_reference(store)


def wipe_graph(store: Store) -> None:
    """Delete every relationship, then every node, in batches (schema and indexes stay)."""
    with store.driver.session(database=store.database) as session:
        session.run(WIPE_RELATIONSHIPS).consume()
        session.run(WIPE_NODES).consume()
