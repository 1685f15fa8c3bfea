"""Logging, configured once per process (the CLI's entry point and the API's app factory call
:func:`configure_logging`).

Why one place: messages for the planner go through the console (Rich, in their language); the log
is for the operator — warnings and errors on stderr with time and source, more with
``PLATGRAPH_LOG_LEVEL=INFO|DEBUG``. The Neo4j driver's own warnings (a transaction it is about to
retry, server notices about properties not yet in a fresh graph) are not news for either: retries
are counted (:attr:`graph.store.Store.retries`) and a failure that remains reaches the user as one
clear message, so the driver's log stays quiet (``CRITICAL``; ``PLATGRAPH_LOG_LEVEL=DEBUG`` opens it).
"""

from __future__ import annotations

import logging
import os

FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
_configured = False


def configure_logging(level: str | None = None) -> None:
    """Idempotent: the first call sets the handler and levels; later calls change nothing."""
    global _configured
    if _configured:
        return
    _configured = True
    name = (level or os.environ.get("PLATGRAPH_LOG_LEVEL") or "WARNING").upper()
    platgraph = logging.getLogger("platgraph")
    platgraph.setLevel(getattr(logging, name, logging.WARNING))
    if not platgraph.handlers:
        handler = logging.StreamHandler()
        handler.setFormatter(logging.Formatter(FORMAT))
        platgraph.addHandler(handler)
    logging.getLogger("neo4j").setLevel(logging.DEBUG if name == "DEBUG" else logging.CRITICAL)
