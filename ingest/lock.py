"""The ingest lock, for the ingest's callers: the implementation is :mod:`graph.locks` (the
analyses in ``queries`` take the same kind of lock, and ``queries`` may not import ``ingest``)."""

from graph.locks import (
    HEARTBEAT_SECONDS,
    LOCK_NAME,
    STALE_AFTER_SECONDS,
    IngestLock,
    busy,
    container_id,
    host_id,
    is_stale,
    pid_alive,
    read_lock,
    refuse_if_held,
)

__all__ = ["HEARTBEAT_SECONDS", "LOCK_NAME", "STALE_AFTER_SECONDS", "IngestLock", "busy", "container_id",
           "host_id", "is_stale", "pid_alive", "read_lock", "refuse_if_held"]
