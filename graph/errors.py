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
