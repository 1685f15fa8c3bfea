"""The Neo4j store: one driver per process, managed transactions, batched idempotent upserts.

Why this shape: the driver is thread-safe and pools connections, so one per process; each unit of
work gets its own session; ``execute_read``/``execute_write`` retry transient failures (leader
switch in a cluster, deadlocks) and route reads to readers, so the same code runs against the local
engine (``bolt://``), a cluster or Aura (``neo4j://``, ``neo4j+s://``) unchanged.

Every value reaches Cypher as a parameter. Labels and relationship types, which Cypher cannot take
as parameters, are only ever interpolated after :func:`graph.schema.check_label` /
:func:`graph.schema.check_rel_type` has checked them against the schema's whitelist.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from typing import Any, LiteralString, cast

import neo4j
from neo4j import GraphDatabase, ManagedTransaction, RoutingControl
from neo4j.exceptions import AuthError, ServiceUnavailable, SessionExpired
from neo4j.exceptions import DatabaseUnavailable as ServerDatabaseUnavailable

from graph.errors import DatabaseUnavailable
from graph.i18n import tr
from graph.settings import Settings, get_settings

Row = dict[str, Any]
DEFAULT_BATCH_SIZE = 5_000


def unavailable_message(settings: Settings, reason: str) -> str:
    """The message for an unreachable or refusing Neo4j: which URI, and what to do about it."""
    if settings.uses_local_engine:
        hint = tr(
            "请先启动本地 Neo4j：platgraph db start（或设置 NEO4J_URI 指向已有的 Neo4j）",
            "start the local Neo4j with: platgraph db start (or set NEO4J_URI to an existing Neo4j)",
        )
    else:
        hint = tr(
            "请检查 NEO4J_URI / NEO4J_USER / NEO4J_PASSWORD 设置以及该服务器是否在运行",
            "check NEO4J_URI / NEO4J_USER / NEO4J_PASSWORD and that the server is running",
        )
    return tr(
        "无法连接 Neo4j（{uri}）：{reason}。{hint}",
        "Neo4j at {uri} is unavailable: {reason}. {hint}",
        uri=settings.neo4j_uri,
        reason=reason,
        hint=hint,
    )


def _translate(settings: Settings, exc: Exception) -> DatabaseUnavailable:
    if isinstance(exc, AuthError):
        reason = tr("用户名或密码错误，连接被拒绝", "authentication failed (wrong user or password)")
    elif isinstance(exc, ServerDatabaseUnavailable):
        # The server answers but its database is not serving (e.g. a full disk: Neo4j cannot
        # preallocate its transaction log and refuses to start it) — tests/test_faults_disk.py.
        reason = tr("服务器在运行，但数据库“{db}”无法提供服务（常见原因：磁盘空间不足；请查看 Neo4j 日志 {log}）",
                    "the server runs but database '{db}' is not serving (a common cause: the disk is full; "
                    "see the Neo4j log {log})", db=settings.neo4j_database,
                    log=settings.home / "neo4j" / "logs" / "debug.log" if settings.uses_local_engine
                    else "debug.log")
    else:
        reason = tr("服务不可达", "service unreachable")
    return DatabaseUnavailable(unavailable_message(settings, reason))


class Store:
    """A connection to one Neo4j database, with the few primitives the rest of platgraph needs."""

    def __init__(self, settings: Settings | None = None, *, max_retry_seconds: float = 15.0) -> None:
        self.settings = settings or get_settings()
        password = self.settings.resolved_password()
        auth = (self.settings.neo4j_user, password) if password is not None else None
        self.database = self.settings.neo4j_database
        self.retries = 0  # write transactions the driver ran again after a transient error
        self._retry_lock = threading.Lock()
        self._auth = auth
        self._max_retry_seconds = max_retry_seconds
        self._driver = self._connect()

    def _connect(self) -> neo4j.Driver:
        auth, max_retry_seconds = self._auth, self._max_retry_seconds
        return GraphDatabase.driver(
            self.settings.neo4j_uri,
            auth=auth,
            connection_timeout=self.settings.neo4j_connect_timeout,
            connection_acquisition_timeout=max(self.settings.neo4j_connect_timeout * 2, 5.0),
            max_transaction_retry_time=max_retry_seconds,
            liveness_check_timeout=30.0,
            user_agent="platgraph",
            # Planner-facing output must not carry the server's query hints (e.g. "property does
            # not exist" on an empty graph); queries are reviewed as code instead.
            notifications_min_severity="OFF",
        )

    def reconnect(self) -> None:
        """A new driver for the same database: after the local engine was restarted under us (the
        bulk load, ingest/bulk.py), the pooled connections all point at the old process."""
        self._driver.close()
        self._driver = self._connect()

    # ------------------------------------------------------------------ lifecycle
    def close(self) -> None:
        self._driver.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def driver(self) -> neo4j.Driver:
        return self._driver

    def verify(self) -> None:
        """Raise :class:`DatabaseUnavailable` with a clear message unless the database answers."""
        try:
            self._driver.verify_connectivity()
        except (ServiceUnavailable, SessionExpired, AuthError, ServerDatabaseUnavailable, OSError) as exc:
            raise _translate(self.settings, exc) from exc
        self.read("RETURN 1 AS ok")

    # ------------------------------------------------------------------ queries
    def read(self, query: str, params: Mapping[str, Any] | None = None) -> list[Row]:
        """Run a read query (routed to readers) and return its rows as dicts."""
        return self._run(query, params, RoutingControl.READ)

    def write(self, query: str, params: Mapping[str, Any] | None = None) -> list[Row]:
        """Run a write query in one managed, retried transaction and return its rows as dicts."""
        return self._run(query, params, RoutingControl.WRITE)

    def _run(self, query: str, params: Mapping[str, Any] | None, routing: RoutingControl) -> list[Row]:
        try:
            records, _, _ = self._driver.execute_query(
                cast(LiteralString, query),
                dict(params or {}),
                database_=self.database,
                routing_=routing,
            )
        except (ServiceUnavailable, SessionExpired, AuthError, ServerDatabaseUnavailable) as exc:
            raise _translate(self.settings, exc) from exc
        return [record.data() for record in records]

    def read_tx(self, work: Callable[[ManagedTransaction], Any]) -> Any:
        """Run ``work`` in a managed read transaction (several queries, one consistent view)."""
        try:
            with self._driver.session(database=self.database, default_access_mode=neo4j.READ_ACCESS) as s:
                return s.execute_read(work)
        except (ServiceUnavailable, SessionExpired, AuthError, ServerDatabaseUnavailable) as exc:
            raise _translate(self.settings, exc) from exc

    def write_tx(self, work: Callable[[ManagedTransaction], Any]) -> Any:
        """Run ``work`` in a managed write transaction; retried as a whole on transient errors.

        The driver retries by calling ``work`` again, so every call after the first is one retry,
        counted in :attr:`retries` (two parallel batches touching one node is expected; the ingest
        summary reports the count)."""
        attempts = 0

        def counted(tx: ManagedTransaction) -> Any:
            nonlocal attempts
            attempts += 1
            if attempts > 1:
                with self._retry_lock:
                    self.retries += 1
            return work(tx)

        try:
            with self._driver.session(database=self.database) as s:
                return s.execute_write(counted)
        except (ServiceUnavailable, SessionExpired, AuthError, ServerDatabaseUnavailable) as exc:
            raise _translate(self.settings, exc) from exc

    def upsert_batches(
        self,
        query: str,
        rows: Iterable[Mapping[str, Any]],
        *,
        batch_size: int = DEFAULT_BATCH_SIZE,
        extra: Mapping[str, Any] | None = None,
        on_batch: Callable[[int], None] | None = None,
    ) -> int:
        """Write ``rows`` through ``query`` (which must start with ``UNWIND $rows AS row``), one
        managed transaction per batch. Queries are written as ``MERGE … SET`` so a retried or
        re-run batch is idempotent. ``extra`` adds fixed parameters (e.g. the ingest run id);
        ``on_batch`` receives the number of rows written after each batch (progress bars).
        Returns the number of rows sent.
        """
        if "$rows" not in query:
            raise ValueError("an upsert query must UNWIND $rows")
        fixed = dict(extra or {})
        sent = 0
        for batch in _chunks(rows, batch_size):

            def work(tx: ManagedTransaction, batch: list[Mapping[str, Any]] = batch) -> None:
                tx.run(cast(LiteralString, query), {**fixed, "rows": batch}).consume()

            self.write_tx(work)
            sent += len(batch)
            if on_batch is not None:
                on_batch(len(batch))
        return sent

    def server_info(self) -> dict[str, Any]:
        """Version, edition and the node/relationship counts (for ``db status``)."""
        comp = self.read("CALL dbms.components() YIELD name, versions, edition RETURN versions[0] AS version, edition")
        counts = self.read(
            "CALL () { MATCH (n) RETURN count(n) AS nodes } "
            "CALL () { MATCH ()-[r]->() RETURN count(r) AS relationships } "
            "RETURN nodes, relationships"
        )
        return {**(comp[0] if comp else {}), **(counts[0] if counts else {})}


def _chunks(rows: Iterable[Mapping[str, Any]], size: int) -> Iterator[list[Mapping[str, Any]]]:
    batch: list[Mapping[str, Any]] = []
    for row in rows:
        batch.append(row)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


_store: Store | None = None
_store_lock = threading.Lock()


def get_store() -> Store:
    """The process-wide store (one driver per process), created on first use."""
    global _store
    with _store_lock:
        if _store is None:
            _store = Store()
        return _store


def reset_store() -> None:
    """Close and forget the process-wide store (after settings change, in tests)."""
    global _store
    with _store_lock:
        if _store is not None:
            _store.close()
        _store = None


def run_statements(store: Store, statements: Sequence[str]) -> None:
    """Run schema statements one by one (schema changes cannot share a transaction with data)."""
    for statement in statements:
        store.write(statement)
