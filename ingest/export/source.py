"""Reading the graph for an export: keyset pages through :class:`graph.store.Store`.

Why pages rather than one streaming result: each page is a short managed read transaction, which
the driver retries on a transient error and routes to a reader in a cluster; a 100,000-platform
graph is never held in Python as a whole, only one page (``PAGE_SIZE`` nodes) at a time.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from neo4j import ManagedTransaction

from graph.store import Store

PAGE_SIZE = 2_000


def pages(store: Store, query: str, *, page_size: int = PAGE_SIZE) -> Iterator[list[dict[str, Any]]]:
    """Every page of ``query`` (which takes ``$after`` and ``$limit`` and returns ``key``), in key order."""
    after = ""
    while True:
        params = {"after": after, "limit": page_size}
        # shallow dicts: Record.data() would walk every nested list and map again (a third of the time)
        def page(tx: ManagedTransaction, params: dict[str, Any] = params) -> list[dict[str, Any]]:
            return [dict(r.items()) for r in tx.run(query, params)]

        rows: list[dict[str, Any]] = store.read_tx(page)
        if not rows:
            return
        yield rows
        if len(rows) < page_size:
            return
        after = rows[-1]["key"]


def count(store: Store, query: str) -> int:
    rows = store.read(query)
    return int(rows[0]["n"]) if rows else 0


def graph_counts(store: Store, node_query: str, rel_query: str) -> dict[str, dict[str, int]]:
    """``{"nodes": {label: n}, "relationships": {type: n}}`` as the graph is now."""
    return {"nodes": {r["label"]: r["n"] for r in store.read(node_query)},
            "relationships": {r["type"]: r["n"] for r in store.read(rel_query)}}
