"""Bulk reads as chunks of value lists: how the analyses pull 100,000-platform projections quickly.

Why: at national scale the analyses read millions of values. Returned one Bolt record per row and
turned into dicts (``Record.data()``), the driver's per-record work in Python dominated the reads —
several times the time Neo4j took to produce the rows (profiled at 10,000 and 100,000 platforms).
Collected in the database and returned as a few records of ``CHUNK`` rows each, the same values
arrive as plain nested lists that the driver's packstream decoder builds in one go.

A query is written ending with ``WITH [v1, v2, …] AS row``; :func:`chunked` appends the collecting
and slicing clauses (fixed text, no input) where the constant is defined, and :func:`chunked_rows`
runs it and yields the rows. The rows keep the order the query produced them in.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any, LiteralString, cast

from neo4j import ManagedTransaction

CHUNK = 20_000


def chunked(query: str) -> str:
    """``query`` (ending ``WITH [...] AS row``) returning its rows as chunks of lists.

    The constants built with it are whole queries, so tests/test_cypher_explain.py plans each."""
    return query.rstrip() + """
WITH collect(row) AS rows
UNWIND range(0, size(rows) - 1, $chunk) AS start
RETURN rows[start..start + $chunk] AS chunk"""


def chunked_rows(tx: ManagedTransaction, query: str, params: Mapping[str, Any] | None = None,
                 chunk: int = CHUNK) -> Iterator[Any]:
    """Every row of a :func:`chunked` query (a list or map of values), in the query's order."""
    result = tx.run(cast(LiteralString, query), {**(params or {}), "chunk": chunk})
    for record in result:
        yield from record[0]
