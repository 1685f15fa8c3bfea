"""Turning failures into HTTP answers: 503 for an unreachable Neo4j, 422 for bad input, never a
500 with a traceback.

Why bilingual bodies for 503: the caller may be a script in another department or a person; the
body says in both languages that the database is unreachable and what the operator does about it.

Why no URI, path or host in a body (:func:`redact`): the API may be reachable beyond the machine;
the Neo4j address, the server's folders (temporary upload folders, PLATGRAPH_HOME, log files) and
the lock holder's host tell an outsider how the server is laid out. The log keeps them for the
operator; the body names files by their own name only.
"""

from __future__ import annotations

import logging
import re

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from neo4j.exceptions import AuthError, ServiceUnavailable, SessionExpired, TransientError

from graph.errors import DatabaseUnavailable, IngestBusy, PlatgraphError, UsageError
from graph.i18n import Lang, current_lang, set_lang
from graph.settings import Settings
from graph.store import unavailable_message

log = logging.getLogger("platgraph.api")


# A URI with a scheme (bolt://host:port, file:///…) or an absolute POSIX / Windows path.
_URI = re.compile(r"\b[a-zA-Z][a-zA-Z0-9+.-]*://[^\s'\"）)，,;]+")
_PATH = re.compile(r"(?<![\w.:/])(?:/|[A-Za-z]:\\)(?:[^\s/\\'\"：:，,;()（）]+[/\\])+([^\s/\\'\"，,;()（）]*)")


def redact(text: str) -> str:
    """``text`` without URIs (→ ``<uri>``) and with absolute paths cut to their last component."""
    text = _URI.sub("<uri>", text)
    return _PATH.sub(lambda m: m.group(1) or "…", text)


def unavailable_body(settings: Settings) -> dict[str, str]:
    """The 503 body: the message in the request's language and in both languages, without the
    database's address (the server log has it)."""
    lang = current_lang()
    reason = {"zh": "服务不可达或拒绝连接", "en": "service unreachable or refusing connections"}
    texts: dict[Lang, str] = {}
    for one in ("zh", "en"):
        set_lang(one)  # type: ignore[arg-type]
        texts[one] = redact(unavailable_message(settings, reason[one]))  # type: ignore[index]
    set_lang(lang)
    return {"detail": texts[lang], "detail_zh": texts["zh"], "detail_en": texts["en"],
            "code": "database_unavailable"}


def install_error_handlers(app: FastAPI) -> None:
    settings: Settings = app.state.settings

    async def unavailable(request: Request, exc: Exception) -> JSONResponse:
        log.warning("Neo4j unavailable: %s", exc)
        request.app.state.store_holder.suspect = True  # later requests probe first (api/deps.py)
        return JSONResponse(unavailable_body(settings), status_code=503, headers={"Retry-After": "5"})

    async def usage(request: Request, exc: Exception) -> JSONResponse:
        # Same shape as FastAPI's own 422 (a list of {loc, msg, type}), so clients parse one form.
        where = "query" if request.method == "GET" else "body"
        return JSONResponse({"detail": [{"loc": [where], "msg": redact(str(exc)), "type": "value_error"}]},
                            status_code=422)

    async def busy(request: Request, exc: Exception) -> JSONResponse:
        # Another ingest or analysis holds its lock (graph/locks.py): 409, and when to try again.
        # The public body leaves out the holder's host, pid and dataset path (logged instead).
        log.info("busy: %s", exc)
        zh, en = getattr(exc, "public_zh", None) or getattr(exc, "zh", str(exc)), \
            getattr(exc, "public_en", None) or getattr(exc, "en", str(exc))
        zh, en = redact(zh), redact(en)
        return JSONResponse({"detail": en if current_lang() == "en" else zh, "detail_zh": zh, "detail_en": en,
                             "code": getattr(exc, "code", "ingest_busy")}, status_code=409,
                            headers={"Retry-After": "30"})

    async def other_platgraph(request: Request, exc: Exception) -> JSONResponse:
        return JSONResponse({"detail": redact(str(exc))}, status_code=400)

    async def internal(request: Request, exc: Exception) -> JSONResponse:
        # Logged with its traceback for the operator; the client gets no internals.
        log.exception("unhandled error on %s %s", request.method, request.url.path)
        return JSONResponse({"detail": "内部错误，已记录 / internal error, logged"}, status_code=500)

    for exc_type in (DatabaseUnavailable, ServiceUnavailable, SessionExpired, AuthError, TransientError):
        app.add_exception_handler(exc_type, unavailable)
    app.add_exception_handler(UsageError, usage)
    app.add_exception_handler(IngestBusy, busy)
    app.add_exception_handler(PlatgraphError, other_platgraph)
    app.add_exception_handler(Exception, internal)
