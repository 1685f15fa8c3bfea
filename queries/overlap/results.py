"""The shape of :func:`queries.overlap.read_overlaps`, :func:`queries.overlap.read_groups` and
:func:`queries.overlap.check_proposal`: what the CLI, the report and the HTTP API (``/overlaps``,
``/overlaps/groups``, ``/overlaps/check``, whose OpenAPI schemas these are) read.

Why TypedDicts: the results are plain JSON-ready dicts; a TypedDict names every key for mypy and for
OpenAPI without copying. ``typing_extensions.TypedDict``: pydantic needs it on Python 3.11.
"""

from __future__ import annotations

from typing_extensions import TypedDict


class PlatformName(TypedDict):
    """One side of a pair: the platform's key (None for the proposal being checked) and name."""

    id: str | None
    name: str


class PairReason(TypedDict):
    """One signal behind a pair, in one language; ``weight`` None in results written before weights."""

    signal: str
    detail: str
    score: float
    weight: float | None


class OverlapPair(TypedDict):
    """Two platforms that overlap (交叉重复), how strongly, of which kind, and why."""

    a: PlatformName
    b: PlatformName
    score: float
    relation: str
    relation_name: str
    reasons: list[PairReason]


class OverlapGroup(TypedDict):
    """Platforms that overlap one another, the recommendation (merge, refocus, review) and the one to
    keep; ``keep_name`` None when the kept platform is no longer in the graph."""

    id: str
    platforms: list[PlatformName]
    recommendation: str
    keep: str
    keep_name: str | None
    size: int
    reasons: list[str]
    run: str
    relation: str
    relation_name: str


class OverlapsResult(TypedDict):
    """One page of the written-back pairs (``total`` before paging) and the groups their platforms are
    in; ``run`` None when the page is empty."""

    total: int
    run: str | None
    pairs: list[OverlapPair]
    groups: list[OverlapGroup]


class GroupsResult(TypedDict):
    """One page of the overlap groups (``total`` before paging)."""

    total: int
    groups: list[OverlapGroup]


class ProposalResolution(TypedDict):
    """How the proposal's names resolved in the graph (keys), what did not (``unmatched``), and the
    name's core the scorer compared."""

    host: str | None
    institutions: list[str]
    people: list[str]
    industries: list[str]
    type: str | None
    level: str | None
    city: str | None
    unmatched: list[str]
    core: str


class CheckResult(TypedDict):
    """The existing platforms a proposal overlaps (``a`` is the proposal), at ``threshold``."""

    pairs: list[OverlapPair]
    resolved: ProposalResolution
    threshold: float
    explained: int  # the first this many pairs (the strongest) carry their reasons; the rest an empty list
