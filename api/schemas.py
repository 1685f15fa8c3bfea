"""Pydantic response models: the shapes the API promises its clients (and OpenAPI documents).

Gaps, coverage and the plan are served with the analysis modules' own result types
(``queries.*.results``, TypedDicts), so the schema is the one mypy checks the code against; a key
an analysis adds without declaring it is dropped from the response (and fails the API tests),
never served undocumented. The overlap pages still declare only their top-level keys.
"""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field
from typing_extensions import TypedDict

from queries.plan.results import Plan


class Ref(BaseModel):
    """A reference to another node: its key and display name."""

    id: str = Field(description="节点键 / node key", examples=["P00012"])
    name: str | None = Field(None, description="名称 / name", examples=["广西工程机械工程研究中心"])


class FieldError(BaseModel):
    loc: list[str | int] = Field(description="出错位置 / where: query, body, a field name…")
    msg: str
    type: str


class ErrorBody(BaseModel):
    """Every error: RFC 9457 problem details (``application/problem+json``)."""

    type: str = Field(description="问题类型 URI / problem type", examples=["urn:platgraph:problem:not_found"])
    title: str = Field(description="HTTP 状态短语 / the status phrase", examples=["Not Found"])
    status: int = Field(examples=[404])
    detail: str = Field(description="按请求语言的说明 / what went wrong, in the request's language")
    instance: str | None = Field(None, description="请求路径，或内部错误的编号 / the request path, or an "
                                                   "internal error's id (urn:uuid:…)")
    code: str = Field(description="稳定的错误代码 / stable code for scripts", examples=["not_found"])
    detail_zh: str | None = None
    detail_en: str | None = None
    errors: list[FieldError] | None = Field(None, description="校验错误 / validation errors (422)")
    error_id: str | None = Field(None, description="服务器日志中的编号 / id in the server log (500)")


class UnavailableBody(ErrorBody):
    detail_zh: str
    detail_en: str


class PlatformSummary(BaseModel):
    id: str = Field(description="平台键（编号或 规范名@级别）/ platform key", examples=["P00012"])
    name: str = Field(examples=["广西工程机械工程研究中心"])
    type: str | None = Field(None, description="平台类型 / platform type", examples=["工程研究中心"])
    level: str | None = Field(None, examples=["regional"])
    category: str | None = Field(None, examples=["innovation_transfer"])
    city: str | None = Field(None, examples=["柳州"])
    status: str | None = Field(None, examples=["active"])
    established: int | None = Field(None, examples=[2015])
    host: Ref | None = None
    overlap_group: str | None = None
    score: float | None = Field(None, description="全文检索得分 / full-text score (with q)")


class PlatformPage(BaseModel):
    total: int = Field(description="符合条件的总数 / matches in all pages")
    limit: int
    offset: int
    items: list[PlatformSummary]


class Person(BaseModel):
    id: str
    name: str | None = None
    role: str | None = Field(None, examples=["director"])
    title: str | None = None
    institution: Ref | None = None


class IndustryRef(BaseModel):
    id: str
    name: str | None = None
    level: str | None = None


class ServedIndustry(IndustryRef):
    inferred: bool = Field(False, description="推断（平台未填服务产业）/ inferred (no declared 服务产业)")
    via: str | None = Field(None, description="推断依据：name 名称 | fields 研究方向 | host 依托单位 / inferred from")
    evidence: str | None = Field(None, description="命中的关键词或依托单位 / the keyword or host that said so")


class OverlapRef(BaseModel):
    platform: Ref
    score: float | None = None
    reasons: list[str] = Field(default_factory=list, description="理由（按 lang）/ reasons, strongest first")
    signals: list[dict[str, Any]] = Field(default_factory=list)
    run: str | None = None


class OverlapGroupRef(BaseModel):
    id: str
    recommendation: str | None = None
    keep: str | None = None
    reasons: list[str] = Field(default_factory=list)
    size: int | None = None


class PlatformDetail(BaseModel):
    id: str
    name: str
    properties: dict[str, Any] = Field(description="平台全部属性 / every stored property")
    host: Ref | None = None
    co_builders: list[Ref]
    people: list[Person]
    industries: list[ServedIndustry] = Field(description="全部服务产业（声明与推断）/ all served industries")
    declared_industries: list[ServedIndustry] = Field(description="数据中填写的服务产业 / declared 服务产业")
    inferred_industries: list[ServedIndustry] = Field(
        description="由名称、研究方向或依托单位推断的产业 / inferred from name, fields or host")
    topics: list[str]
    overlaps: list[OverlapRef]
    overlap_group: OverlapGroupRef | None = None


class InstitutionSummary(BaseModel):
    id: str = Field(examples=["91450200198230687E"])
    name: str = Field(examples=["广西柳工机械股份有限公司"])
    kind: str | None = Field(None, examples=["enterprise"])
    sector: str | None = Field(None, examples=["industry"])
    city: str | None = None
    credit_code: str | None = None
    platforms: int = Field(0, description="依托或共建平台数 / platforms hosted or co-built")


class InstitutionPage(BaseModel):
    total: int
    limit: int
    offset: int
    items: list[InstitutionSummary]


class QualityItem(BaseModel):
    entity: str = Field(description="platform | institution")
    key: str
    name: str
    flag: str = Field(description="host_missing | host_unresolved | co_builder_unresolved | city_unknown | "
                                  "kind_inferred", examples=["host_missing"])
    label_zh: str
    label_en: str
    label: str
    action: str = Field(description="如何完善 / what to do")
    detail: str


class QualityPage(BaseModel):
    total: int
    limit: int
    offset: int
    counts: dict[str, int] = Field(description="每类问题的数量（筛选前）/ items per flag, before filtering")
    items: list[QualityItem]


class Collaborator(BaseModel):
    institution: Ref
    count: int
    kinds: list[str]


class InstitutionDetail(BaseModel):
    id: str
    name: str
    properties: dict[str, Any]
    hosted: list[Ref]
    co_built: list[Ref]
    researchers: int
    industries: list[IndustryRef]
    collaborators: list[Collaborator]


class IndustrySummary(BaseModel):
    id: str = Field(examples=["汽车及新能源汽车"])
    name: str | None = None
    name_en: str | None = None
    level: str | None = Field(None, examples=["industry"])
    parent: str | None = None
    priority: int | None = None
    key_industry: bool | None = None
    platforms: int = Field(0, description="服务该产业（含其链环节）的平台数 / platforms serving it or its segments")


class IndustryList(BaseModel):
    total: int
    items: list[IndustrySummary]


class IndustryDetail(BaseModel):
    id: str
    name: str | None = None
    properties: dict[str, Any]
    parent: IndustryRef | None = None
    segments: list[IndustryRef]
    cities: list[str]
    platforms: int
    platforms_by_level: dict[str, int]


class GraphNode(BaseModel):
    id: str
    label: str = Field(description="显示名称 / display name")
    kind: str = Field(description="节点标签 / node label", examples=["Platform"])
    group: str | None = Field(None, description="着色分组 / colour group (category, sector, level)")
    properties: dict[str, Any]


class GraphEdge(BaseModel):
    model_config = ConfigDict(populate_by_name=True)

    from_: str = Field(alias="from", serialization_alias="from")
    to: str
    type: str
    properties: dict[str, Any]


class Neighbourhood(BaseModel):
    center: str
    depth: int
    limit: int
    truncated: bool = Field(description="是否因上限截断 / true when the node cap cut the result")
    nodes: list[GraphNode]
    edges: list[GraphEdge]


class Neo4jStatus(BaseModel):
    # No address: /health is open, and the database's URI is the operator's business (api/errors.py).
    reachable: bool
    version: str | None = None
    edition: str | None = None


class Health(BaseModel):
    status: str = Field(examples=["ok"])
    neo4j: Neo4jStatus
    latest_run: dict[str, Any] | None = None


class AnalysisRunInfo(BaseModel):
    key: str
    kind: str | None = None
    started: str | None = None
    finished: str | None = None
    summary: dict[str, Any] = Field(default_factory=dict)


class DatasetResult(BaseModel):
    summary: dict[str, Any] = Field(description="导入摘要 / the ingest summary")
    rejects: list[dict[str, Any]] = Field(description="被拒行 / rejected rows (first 1,000)")
    rejects_total: int
    ambiguities: list[dict[str, Any]] = Field(default_factory=list,
                                              description="有歧义未合并的名称 / ambiguous names left unmerged")


class PlanPageInfo(TypedDict):
    """How the plan was cut: ``totals`` is each batch's full length, by name (``impact.losses`` for
    a list one level down)."""

    limit: int
    offset: int
    totals: dict[str, int]


class PlanPage(Plan):
    """The plan with every batch cut to one page (``GET /plan``)."""

    page: PlanPageInfo


class PlanBatchPage(BaseModel):
    """One batch of the plan, one page of it (``GET /plan?batch=retire``)."""

    batch: str = Field(examples=["retire"])
    total: int
    limit: int
    offset: int
    # Any batch's items: their shape is that batch's in the Plan schema (retire → RetireItem, …).
    items: list[dict[str, Any]]


class Document(BaseModel):
    """An analysis result passed through as the analysis module returns it."""

    model_config = ConfigDict(extra="allow")


# Caps of a proposal's list fields (a body cannot make the check score thousands of names); the
# same numbers as queries.overlap.proposal.MAX_ITEMS / MAX_ITEM_LENGTH (a test checks they agree).
PROPOSAL_MAX_ITEMS = 50
PROPOSAL_MAX_ITEM_LENGTH = 100
ProposalItems = (Annotated[list[Annotated[str, Field(max_length=PROPOSAL_MAX_ITEM_LENGTH)]],
                           Field(max_length=PROPOSAL_MAX_ITEMS)]
                 | Annotated[str, Field(max_length=PROPOSAL_MAX_ITEMS * (PROPOSAL_MAX_ITEM_LENGTH + 1))])


class ProposalBody(BaseModel):
    """The body of ``POST /overlaps/check``: a proposed platform as a planner writes it. Mirrors
    ``queries.overlap.Proposal`` (which validates it again and resolves names); list fields also
    accept one string separated by ``;``/``；``/``、``. Kept strict here so OpenAPI tells clients
    exactly what is accepted (a test checks the two models have the same fields)."""

    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=200, description="拟建平台名称 / proposed name")
    type: str | None = Field(None, max_length=100, description="平台类型 / platform type")
    level: str | None = Field(None, max_length=20, description="级别 / level (national 国家级 | ministerial 部级 | regional 自治区级 | departmental 厅级 | municipal 市级)")
    host: str | None = Field(None, max_length=200, description="依托单位（名称、别名或信用代码）/ host")
    co_builders: ProposalItems = Field(default_factory=list, description="共建单位 / co-builders")
    city: str | None = Field(None, max_length=50, description="所在市 / city")
    fields: ProposalItems = Field(default_factory=list, description="研究方向 / research directions")
    industries: ProposalItems = Field(default_factory=list, description="服务产业 / industries served")
    people: ProposalItems = Field(default_factory=list, description="负责人与核心成员 / people")
