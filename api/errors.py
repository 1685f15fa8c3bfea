"""Turning failures into HTTP answers, all in one shape: RFC 9457 problem details.

Every error body is ``application/problem+json`` with ``type``, ``title``, ``status``, ``detail``
(in the request's language) and ``instance``, plus ``code`` (stable, for scripts), and where the
message exists in both languages ``detail_zh`` / ``detail_en``; a request that fails validation also
lists ``errors`` (``[{loc, msg, type}]``). The status comes from the exception
(:class:`graph.errors.PlatgraphError` carries ``http_status``); anything else is a bug: 500, logged
with its traceback under an id that the body carries, so an operator can find it.

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
import uuid
from collections.abc import Mapping
from http import HTTPStatus
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from neo4j.exceptions import AuthError, ServiceUnavailable, SessionExpired, TransientError
from starlette.exceptions import HTTPException as StarletteHTTPException

from graph.errors import DatabaseUnavailable, IngestBusy, PlatgraphError
from graph.i18n import Lang, current_lang, set_lang
from graph.settings import Settings
from graph.store import unavailable_message

log = logging.getLogger("platgraph.api")

PROBLEM_JSON = "application/problem+json"
PROBLEM_TYPE = "urn:platgraph:problem:"  # + code; the codes are listed in docs/api.md

# A URI with a scheme (bolt://host:port, file:///…) or an absolute POSIX / Windows path.
_URI = re.compile(r"\b[a-zA-Z][a-zA-Z0-9+.-]*://[^\s'\"）)，,;]+")
_PATH = re.compile(r"(?<![\w.:/])(?:/|[A-Za-z]:\\)(?:[^\s/\\'\"：:，,;()（）]+[/\\])+([^\s/\\'\"，,;()（）]*)")


def redact(text: str) -> str:
    """``text`` without URIs (→ ``<uri>``) and with absolute paths cut to their last component."""
    text = _URI.sub("<uri>", text)
    return _PATH.sub(lambda m: m.group(1) or "…", text)


def status_code_name(status: int) -> str:
    """``404`` → ``not_found``: the default ``code`` of a plain HTTP error."""
    try:
        return HTTPStatus(status).phrase.lower().replace(" ", "_").replace("-", "_")
    except ValueError:
        return "error"


def problem_body(status: int, detail: str, *, code: str | None = None, instance: str | None = None,
                 zh: str | None = None, en: str | None = None, **extra: Any) -> dict[str, Any]:
    """The one error body (RFC 9457). ``detail`` is already in the request's language."""
    code = code or status_code_name(status)
    try:
        title = HTTPStatus(status).phrase
    except ValueError:
        title = "Error"
    body: dict[str, Any] = {"type": PROBLEM_TYPE + code, "title": title, "status": status, "detail": detail,
                            "code": code}
    if instance is not None:
        body["instance"] = instance
    if zh is not None and en is not None:
        body["detail_zh"], body["detail_en"] = zh, en
    body.update(extra)
    return body


def problem_response(status: int, detail: str, *, headers: Mapping[str, str] | None = None,
                     **fields: Any) -> JSONResponse:
    """:func:`problem_body` as a response with the problem-details media type."""
    return JSONResponse(problem_body(status, detail, **fields), status_code=status,
                        headers=dict(headers or {}), media_type=PROBLEM_JSON)


def unavailable_body(settings: Settings, instance: str | None = None) -> dict[str, Any]:
    """The 503 body: the message in the request's language and in both languages, without the
    database's address (the server log has it)."""
    lang = current_lang()
    reason = {"zh": "服务不可达或拒绝连接", "en": "service unreachable or refusing connections"}
    texts: dict[Lang, str] = {}
    for one in ("zh", "en"):
        set_lang(one)
        texts[one] = redact(unavailable_message(settings, reason[one]))
    set_lang(lang)
    return problem_body(503, texts[lang], code=DatabaseUnavailable.code, instance=instance,
                        zh=texts["zh"], en=texts["en"])


def unavailable_response(settings: Settings, instance: str | None = None) -> JSONResponse:
    return JSONResponse(unavailable_body(settings, instance), status_code=503, media_type=PROBLEM_JSON,
                        headers={"Retry-After": "5"})


def _texts(exc: PlatgraphError) -> tuple[str, str, str]:
    """(detail in the request's language, zh, en), redacted."""
    message = str(exc)
    zh = redact(getattr(exc, "public_zh", None) or exc.zh or message)
    en = redact(getattr(exc, "public_en", None) or exc.en or message)
    detail = redact(message) if exc.zh is None or exc.en is None else (en if current_lang() == "en" else zh)
    return detail, zh, en


def document_problems(app: FastAPI) -> None:
    """Make ``/openapi.json`` say what the handlers below send: every 4xx/5xx response is
    ``application/problem+json`` with the :class:`api.schemas.ErrorBody` shape, including the 422
    FastAPI documents on its own (its ``HTTPValidationError`` list shape is never sent)."""
    build = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is not None:
            return app.openapi_schema
        schema = build()
        problem = {"$ref": "#/components/schemas/ErrorBody"}
        for operations in schema.get("paths", {}).values():
            for operation in operations.values():
                for status, response in operation.get("responses", {}).items():
                    content = response.get("content", {})
                    if not (status[:1] in "45" or status == "default") or "application/json" not in content:
                        continue
                    body = content.pop("application/json")
                    if body.get("schema", {}).get("$ref", "").endswith("/HTTPValidationError"):
                        body = {"schema": problem}
                    content[PROBLEM_JSON] = body
        components = schema.get("components", {}).get("schemas", {})
        for unused in ("HTTPValidationError", "ValidationError"):
            components.pop(unused, None)
        app.openapi_schema = schema
        return schema

    app.openapi = openapi  # type: ignore[method-assign]  # FastAPI's documented way to customise it


def install_error_handlers(app: FastAPI) -> None:
    settings: Settings = app.state.settings

    async def unavailable(request: Request, exc: Exception) -> JSONResponse:
        log.warning("Neo4j unavailable: %s", exc)
        request.app.state.store_holder.suspect = True  # later requests probe first (api/deps.py)
        return unavailable_response(settings, request.url.path)

    async def platgraph(request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, PlatgraphError)
        detail, zh, en = _texts(exc)
        headers: dict[str, str] = {}
        if isinstance(exc, IngestBusy):
            # Another ingest or analysis holds its lock (graph/locks.py): when to try again. The
            # public body leaves out the holder's host, pid and dataset path (logged here).
            log.info("busy: %s", exc)
            headers["Retry-After"] = "30"
        if exc.http_status >= 500:
            log.error("%s on %s %s: %s", type(exc).__name__, request.method, request.url.path, exc)
        extra: dict[str, Any] = {}
        if exc.http_status == 422:
            # Like a request that fails validation, so clients read one form.
            where = "query" if request.method == "GET" else "body"
            extra["errors"] = [{"loc": [where], "msg": detail, "type": "value_error"}]
        both = {"zh": zh, "en": en} if exc.zh is not None and exc.en is not None else {}
        return problem_response(exc.http_status, detail, code=exc.code, instance=request.url.path,
                                headers=headers, **both, **extra)

    async def http_error(request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, StarletteHTTPException)
        detail = exc.detail if isinstance(exc.detail, str) else str(exc.detail)
        return problem_response(exc.status_code, redact(detail), instance=request.url.path,
                                headers=exc.headers)

    async def invalid(request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, RequestValidationError)
        errors = [{"loc": list(e.get("loc", ())), "msg": redact(str(e.get("msg", ""))), "type": e.get("type", "")}
                  for e in exc.errors()]
        detail = "; ".join(f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in errors)
        return problem_response(422, detail, code="invalid_input", instance=request.url.path, errors=errors)

    async def internal(request: Request, exc: Exception) -> JSONResponse:
        # Logged with its traceback under an id; the client gets the id and no internals.
        error_id = uuid.uuid4().hex
        log.exception("unhandled error %s on %s %s", error_id, request.method, request.url.path)
        zh, en = f"内部错误（编号 {error_id}，已记录）", f"internal error (id {error_id}, logged)"
        return problem_response(500, en if current_lang() == "en" else zh, code="internal_error",
                                instance=f"urn:uuid:{uuid.UUID(error_id)}", zh=zh, en=en, error_id=error_id)

    for exc_type in (DatabaseUnavailable, ServiceUnavailable, SessionExpired, AuthError, TransientError):
        app.add_exception_handler(exc_type, unavailable)
    app.add_exception_handler(PlatgraphError, platgraph)
    app.add_exception_handler(StarletteHTTPException, http_error)
    app.add_exception_handler(RequestValidationError, invalid)
    app.add_exception_handler(Exception, internal)
