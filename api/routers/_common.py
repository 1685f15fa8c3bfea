"""Helpers shared by the routers: JSON-safe values, full-text query escaping,
documented error responses."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any

from fastapi import HTTPException

from api.schemas import ErrorBody, UnavailableBody
from graph.i18n import tr

# Error responses every data endpoint can give, for OpenAPI (and schemathesis' conformance checks).
READ_ERRORS: dict[int | str, dict[str, Any]] = {
    401: {"model": ErrorBody, "description": "需要 API 密钥（读接口已关闭）/ API key needed (reads closed)"},
    403: {"model": ErrorBody, "description": "服务器未配置 API 密钥 / no API key configured"},
    503: {"model": UnavailableBody, "description": "Neo4j 不可达 / Neo4j unreachable"},
}
NOT_FOUND: dict[int | str, dict[str, Any]] = {404: {"model": ErrorBody, "description": "未找到 / not found"}}


def jsonable(value: Any) -> Any:
    """Neo4j values → JSON: temporal values as ISO strings, spatial values as dicts."""
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, Mapping):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [jsonable(v) for v in value]
    iso = getattr(value, "iso_format", None)
    if callable(iso):
        return iso()
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)


def parse_json(value: Any, default: Any) -> Any:
    """Write-back properties stored as JSON strings (signals, coverage…) → Python values."""
    if isinstance(value, str):
        try:
            return json.loads(value)
        except ValueError:
            return default
    return default if value is None else value


_LUCENE_SPECIAL = re.compile(r'(["\\])')


def fulltext_query(q: str) -> str | None:
    """A safe Lucene query for the ``name_fulltext`` index: each whitespace-separated term becomes
    a quoted phrase (so operators and special characters in user input are plain text), all
    required. With the cjk analyzer a Chinese phrase matches names containing those characters in
    that order. None when nothing searchable remains."""
    terms = [t for t in q.split() if t.strip()]
    if not terms:
        return None
    return " AND ".join('"' + _LUCENE_SPECIAL.sub(r"\\\1", t[:100]) + '"' for t in terms[:10])


def search_words(q: str) -> list[str]:
    """The words of a search box, as :func:`fulltext_query` reads them (at most 10, 100 characters)."""
    return [t[:100] for t in q.split() if t.strip()][:10]


def needs_contains(q: str | None) -> bool:
    """True when a word is one character (糖, 铝, 桂): the CJK analyser indexes character pairs, so
    the full-text index cannot find it and the search falls back to ``CONTAINS`` (text indexes,
    graph/schema.py) — every word then must occur in the name (or an alias)."""
    return bool(q) and any(len(t) == 1 for t in search_words(q or ""))


def not_found(kind_zh: str, kind_en: str, key: str) -> HTTPException:
    """404 naming what was looked for, in the request's language."""
    template = tr("未找到{k}：{key}", "{k} not found: {key}")
    return HTTPException(status_code=404, detail=template.format(k=tr(kind_zh, kind_en), key=key))


def where_clause(fragments: dict[str, str], filters: dict[str, Any]) -> str:
    """The fixed fragments of the filters in use, joined; values are never part of the text."""
    used = [fragments[name] for name in sorted(fragments) if filters.get(name) is not None]
    return " AND ".join(used) or "true"
