"""The one exception hierarchy: every failure a user can act on is a :class:`PlatgraphError`.

Each class carries what both front ends need, so neither keeps its own table: ``exit_code`` for the
CLI (1 general, 2 bad usage or input, 3 database or engine unavailable, 4 busy — the table is in
docs/architecture.md) and ``http_status`` plus a stable ``code`` for the API's problem-details body
(RFC 9457, api/errors.py). Anything that is not a PlatgraphError is a bug: the CLI shows its
traceback, the API answers 500 with an id that is in the server log.
"""

from __future__ import annotations


class PlatgraphError(Exception):
    """Base class: the message is already bilingual or in the user's language; no traceback shown.

    ``zh`` / ``en``, when a raiser knows both, let the API answer in both languages."""

    exit_code = 1
    http_status = 500
    code = "error"

    def __init__(self, message: str = "", *, zh: str | None = None, en: str | None = None) -> None:
        super().__init__(message)
        self.zh = zh
        self.en = en


class UsageError(PlatgraphError):
    """Bad usage or unreadable input (exit code 2, HTTP 422)."""

    exit_code = 2
    http_status = 422
    code = "invalid_input"


class TooLarge(UsageError):
    """A request body or upload over its configured limit (HTTP 413)."""

    http_status = 413
    code = "too_large"


class DatabaseUnavailable(PlatgraphError):
    """Neo4j cannot be reached or refuses our credentials (exit code 3, HTTP 503)."""

    exit_code = 3
    http_status = 503
    code = "database_unavailable"


class EngineError(PlatgraphError):
    """The local engine cannot be built, started or stopped (missing Java or Maven, port taken…)."""

    exit_code = 3
    http_status = 503
    code = "engine_error"


class JobTimeout(PlatgraphError):
    """A job ran past its time limit and was stopped (HTTP 504)."""

    http_status = 504
    code = "job_timeout"


class Cancelled(PlatgraphError):
    """Work stopped on purpose (a writer told to stop after the batch in flight); not a failure of
    the data, so whoever cancelled it reports the reason."""

    code = "cancelled"


class IngestBusy(PlatgraphError):
    """Another ingest holds the ingest lock (exit code 4, HTTP 409): retry once it has finished.

    Why its own type and exit code: the input is fine and Neo4j is up, so neither 2 nor 3 fits, and
    a script (or the API's ``POST /datasets``) must be able to tell "try again later" apart. ``zh``
    and ``en`` carry both languages for the API's bilingual error body.
    """

    exit_code = 4
    http_status = 409
    code = "ingest_busy"
    # What an API caller is told (no host, pid or server path); set by graph.locks.busy.
    public_zh: str | None = None
    public_en: str | None = None

    def __init__(self, message: str, *, zh: str | None = None, en: str | None = None) -> None:
        super().__init__(message, zh=zh or message, en=en or message)


class AnalysisBusy(IngestBusy):
    """Another analysis holds the analysis lock (exit code 4, HTTP 409 ``analysis_busy``)."""

    code = "analysis_busy"


class LockLost(IngestBusy):
    """This process's ingest or analysis lock was taken over while it was paused: it stopped writing
    (exit code 4, HTTP 409 ``lock_lost``)."""

    code = "lock_lost"
