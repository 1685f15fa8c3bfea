"""The shape of :func:`queries.plan.build_plan`: what the CLI, the workbook, the report and the HTTP
API (``/plan``, whose OpenAPI schema these are) read.

Why TypedDicts: the plan is plain JSON-ready dicts, built once and served as they are; a TypedDict
names every key for mypy and for OpenAPI without copying. ``typing_extensions.TypedDict``: pydantic
needs it on Python 3.11. ``evidence`` stays a free dict: each reason ``code`` carries its own facts.
"""

from __future__ import annotations

from typing import Any, Literal, NotRequired

from pydantic import ConfigDict, with_config
from typing_extensions import TypedDict

from queries.coverage.results import NearestPlatform, PlatformRef


class Reason(TypedDict):
    """Why an item is in the plan: a code, a sentence in the plan's language, and the facts behind it
    (``evidence`` differs per code). Evaluation reasons also carry the grade (and a rectification its
    due year)."""

    code: str
    text: str
    evidence: dict[str, Any]
    grade: NotRequired[str | None]
    due: NotRequired[int | None]
    overdue: NotRequired[bool]


class CoverageLoss(TypedDict):
    """A coverage unit (industry × category, level or city) the plan would leave without a platform."""

    industry: str
    industry_level: str | None
    parent: str | None
    kind: str
    value: str
    declared: bool | None
    platforms: list[PlatformRef]
    reason: str


class GroupItem(TypedDict):
    """优化调整 of an overlap group: the platform that keeps, those absorbed, and what a merge loses."""

    item: str
    kind: Literal["overlap"]
    group: str
    run: str | None
    recommendation: str
    recommendation_name: str
    department: str | None
    keep: PlatformRef
    platforms: list[PlatformRef]
    absorbed: list[PlatformRef]
    size: int
    reasons: list[Reason]
    notes: list[str]
    coverage_losses: list[CoverageLoss]


class ConvertItem(PlatformRef):
    """合理归并: a platform of a legacy type becomes ``to_type`` (转建 / 纳入)."""

    item: str
    kind: Literal["convert"]
    department: str | None
    recommendation: Literal["convert"]
    recommendation_name: str
    keep: PlatformRef
    platforms: list[PlatformRef]
    absorbed: list[PlatformRef]
    coverage_losses: list[CoverageLoss]
    action: str
    to_type: str
    reasons: list[Reason]


class RetireItem(PlatformRef):
    """撤销淘汰: failing evidence (``reason`` evaluation_failed | long_inactive) and the coverage only
    this platform provides."""

    item: str
    evaluation: str | None
    established: int | None
    department: str | None
    reason: str
    reasons: list[Reason]
    sole_coverage: list[CoverageLoss]


class RectifyItem(PlatformRef):
    """限期整改: graded 整改, rectification not yet decided."""

    item: str
    department: str | None
    evaluation: str | None
    due: int | None
    overdue: bool
    reason: Literal["rectify"]
    reasons: list[Reason]


class RoutedRetire(RetireItem):
    """Retirement evidence for a platform another department recognises: a recommendation to it."""

    route: str
    action: str


class RoutedRectify(RectifyItem):
    route: str
    action: str


class RoutedConvert(ConvertItem):
    route: str


RoutedItem = RoutedRetire | RoutedRectify | RoutedConvert


# An overlap across departments: the plan does not merge it, the departments coordinate. The
# functional form because one key, "with" (the platforms it overlaps), is a Python keyword.
CoordinationItem = TypedDict("CoordinationItem", {
    "item": str, "kind": Literal["overlap_across"], "route": Literal["department"], "group": str,
    "recommendation": str, "platforms": list[PlatformRef], "with": list[PlatformRef], "action": str,
    "reasons": list[Reason],
})


class HostEvidence(TypedDict):
    people: int
    senior: int
    collaborations: int
    partners: int
    platforms: int
    declares: bool


class CandidateHost(TypedDict):
    """An institution that could host a new platform, with the ties that make it one (for a 培育
    item: the regional platform's host, unscored)."""

    key: str | None
    name: str | None
    city: str | None
    kind: str | None
    sector: str | None
    score: float | None
    evidence: HostEvidence | dict[str, Any]
    why: str


class BuildItem(TypedDict):
    """新认定建设 (``action`` build) or 培育争创 (cultivate) for a coverage gap, ranked."""

    rank: int
    gap_rank: int
    item: str
    action: Literal["build", "cultivate"]
    action_name: str
    industry: str
    industry_level: str
    parent: str | None
    priority: int
    kind: str
    value: str
    kinds: list[str]
    relevance: int
    category: str
    level: str
    city: str | None
    category_name: str
    level_name: str
    suggested_type: str | None
    candidate_hosts: list[CandidateHost]
    nearest: list[NearestPlatform]
    reasons: list[Reason]


@with_config(ConfigDict(extra="allow"))  # a status outside the usual four is counted under its own key
class TargetRow(TypedDict):
    """建设目标 against the graph for one type (or category) and level, and after the plan."""

    type: str | None
    category: str | None
    level: str | None
    year: int | None
    target_key: str | None
    active: int
    building: int
    revoked: int
    merged: int
    holding: int
    integrated_or_revoked_now: int
    new_in_period: int | None
    period: list[int] | None
    target_new: int | None
    target_integrated_or_revoked: int | None
    target_total: int | None
    distance_new: int | None
    distance_integrated_or_revoked: int | None
    distance_total: int | None
    plan_retire: int
    plan_build: int
    holding_after_plan: int
    distance_total_after_plan: int | None
    converts_to: str | None  # a legacy type's successor (policy.toml conversion): compare the two together


class PlanCounts(TypedDict):
    merged_groups: int
    absorbed: int
    retired: int
    integrated_or_revoked: int
    converted: int
    rectify: int
    build: int
    cultivate: int
    build_size: int
    build_sized_by: str


class PlanPolicy(TypedDict):
    acting_departments: list[str]
    inactive_years: int
    rectify_years: int
    as_of: int | None


class PlanImpact(TypedDict):
    """The what-if of the whole draft: coverage lost (``safe`` when none)."""

    losses: list[CoverageLoss]
    safe: bool
    merged_groups: int
    retired: int
    absorbed: int


class Decision(TypedDict):
    """A planner's decision on one plan item (同意 / 不同意 / …) from the applied workbook."""

    batch: str
    item: str
    decision: str | None
    note: str | None
    title: str | None


class Decisions(TypedDict):
    """The plan as decided: the latest applied workbook (its decisions and the what-if on them)."""

    key: str
    file: str | None
    applied: str | None
    counts: dict[str, Any]
    what_if: dict[str, Any]
    decisions: list[Decision]


class Plan(TypedDict):
    """The three batches (优化调整 ``optimise``, 撤销淘汰 ``retire``, 新认定建设 ``build``), 限期整改,
    recommendations routed to national and municipal recognisers, coordination across departments,
    targets before and after, and the plan's what-if."""

    optimise: list[GroupItem | ConvertItem]
    retire: list[RetireItem]
    rectify: list[RectifyItem]
    build: list[BuildItem]
    national: list[RoutedItem]
    municipal: list[RoutedItem]
    coordination: list[RoutedItem | CoordinationItem]
    targets: list[TargetRow]
    counts: PlanCounts
    status_counts: dict[str, int]
    decided: Decisions | None
    policy: PlanPolicy
    impact: PlanImpact
