"""Errors the user can act on. The CLI maps them to exit codes (DESIGN §5), the API to HTTP codes."""

from __future__ import annotations


class PlatgraphError(Exception):
    """Base class: the message is already bilingual or in the user's language; no traceback shown."""

    exit_code = 1


class UsageError(PlatgraphError):
    """Bad usage or unreadable input (exit code 2)."""

    exit_code = 2


class DatabaseUnavailable(PlatgraphError):
    """Neo4j cannot be reached or refuses our credentials (exit code 3)."""

    exit_code = 3


class EngineError(PlatgraphError):
    """The local engine cannot be built, started or stopped (missing Java or Maven, port taken…)."""

    exit_code = 3


class IngestBusy(PlatgraphError):
    """Another ingest holds the ingest lock (exit code 4, HTTP 409): retry once it has finished.

    Why its own type and exit code: the input is fine and Neo4j is up, so neither 2 nor 3 fits, and
    a script (or the API's ``POST /datasets``) must be able to tell "try again later" apart. ``zh``
    and ``en`` carry both languages for the API's bilingual error body.
    """

    exit_code = 4

    def __init__(self, message: str, *, zh: str | None = None, en: str | None = None) -> None:
        super().__init__(message)
        self.zh = zh or message
        self.en = en or message

    code = "ingest_busy"


class AnalysisBusy(IngestBusy):
    """Another analysis holds the analysis lock (exit code 4, HTTP 409 ``analysis_busy``)."""

    code = "analysis_busy"


class LockLost(IngestBusy):
    """This process's ingest or analysis lock was taken over while it was paused: it stopped writing
    (exit code 4, HTTP 409 ``lock_lost``)."""

    code = "lock_lost"
