"""platgraph's front doors: the ``platgraph`` CLI (Typer) and the HTTP API (FastAPI)."""
