"""The pre-approval duplicate check (申报查重): a proposed platform against the existing ones.

The proposal is scored with exactly the code the analysis uses (same profiles, same name cores,
same signals and weights) against a :class:`~queries.overlap.proposal_index.CheckIndex` of the
graph: the platforms' profiles, their tf-idf rows (vocabulary and idf of the graph), the name-core
counts and the look-ups from institution, person, core and core bigram to platforms. The API keeps
one index and refreshes it from what each ingest wrote (``api/routers/overlaps.py``,
:mod:`queries.overlap.proposal_index`); the CLI builds it for its one check. So a check costs a few
sparse column reads and the scoring of the candidates they give instead of re-fitting TF-IDF over
every platform. Nothing is written.
Host, co-builders and people are resolved the way ingest resolves them: institutions by credit code
or by ``normalize_name`` against ``Institution.alias_norms``, people by name; unknown ones simply do
not match (and are listed under ``unmatched`` so the planner can see it).
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator

from graph.errors import UsageError
from graph.i18n import Lang, tr
from graph.names import clean_text, split_multi
from graph.reference import load_taxonomy, resolve_city, resolve_level
from graph.store import Store
from queries.overlap import cypher
from queries.overlap.check_scoring import score_proposal
from queries.overlap.profiles import Profile, add_industry
from queries.overlap.proposal_index import CheckIndex, NameLookups, build_check_index
from queries.overlap.read import pair_reasons, relation_name
from queries.overlap.results import CheckResult, OverlapPair, ProposalResolution
from queries.overlap.signals import THRESHOLD
from queries.overlap.text import prepare

PROPOSAL_KEY = "__proposal__"
MAX_ITEMS = 50  # list fields of a proposal: at most this many items …
MAX_ITEM_LENGTH = 100  # … of at most this many characters each


class Proposal(BaseModel):
    """A proposed platform as a planner writes it (names or aliases; lists or ;-separated text)."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    name: str = Field(min_length=1, max_length=200)
    type: str | None = Field(None, max_length=100)
    level: str | None = Field(None, max_length=20)
    host: str | None = Field(None, max_length=200)
    co_builders: list[str] = Field(default_factory=list)
    city: str | None = Field(None, max_length=50)
    fields: list[str] = Field(default_factory=list)
    industries: list[str] = Field(default_factory=list)
    people: list[str] = Field(default_factory=list)

    @field_validator("co_builders", "fields", "industries", "people", mode="before")
    @classmethod
    def _split(cls, value: Any) -> list[str]:
        items = split_multi(value)
        if len(items) > MAX_ITEMS:
            raise ValueError(f"at most {MAX_ITEMS} items 最多 {MAX_ITEMS} 项 (got {len(items)})")
        long_ = [i for i in items if len(i) > MAX_ITEM_LENGTH]
        if long_:
            raise ValueError(f"each item at most {MAX_ITEM_LENGTH} characters 每项最多 {MAX_ITEM_LENGTH} 个字符: "
                             f"{long_[0][:20]}…")
        return items

    @field_validator("type")
    @classmethod
    def _known_type(cls, value: str | None) -> str | None:
        if value and load_taxonomy().resolve_type(value) is None:
            raise ValueError(f"unknown platform type 未知平台类型: {value}")
        return value or None

    @field_validator("level")
    @classmethod
    def _known_level(cls, value: str | None) -> str | None:
        if value and resolve_level(value) is None:
            raise ValueError(f"unknown level 未知级别: {value} (national 国家级 | ministerial 部级 | regional 自治区级 | "
                             "departmental 厅级 | municipal 市级)")
        return value or None


def proposal_profile(store: Store | None, lookups: NameLookups, proposal: Proposal) -> tuple[Profile, ProposalResolution]:
    """The proposal as a scorer profile, and how each name resolved (for the planner to check).
    ``store`` is read only to resolve people (None: the proposal names none)."""
    taxonomy = load_taxonomy()
    level = resolve_level(proposal.level) if proposal.level else None
    type_key = None
    if proposal.type:
        type_key, level = taxonomy.resolve_type(proposal.type, level) or (None, level)
    prof = Profile(key=PROPOSAL_KEY, name=clean_text(proposal.name), type=type_key,
                   family=taxonomy.family_of(type_key) if type_key else None, level=level,
                   city=resolve_city(proposal.city) if proposal.city else None, fields=list(proposal.fields),
                   topics=[])
    unmatched: list[str] = []
    inst_raws = ([proposal.host] if proposal.host else []) + list(proposal.co_builders)
    resolved = {raw: lookups.institution_keys(raw) for raw in inst_raws}
    host_keys = resolved.get(proposal.host, []) if proposal.host else []
    if len(host_keys) == 1:
        prof.host = host_keys[0]
    unmatched += [raw for raw in inst_raws if not resolved.get(raw)]
    for key in sorted({k for raw in inst_raws for k in resolved.get(raw, [])}):
        name, aliases = lookups.institutions[key]
        prof.institutions[key] = name
        prof.institution_spellings.update(s for s in [name, *aliases] if s)
    prof.institution_spellings.update(inst_raws)
    people: dict[str, list[tuple[str, str | None]]] = defaultdict(list)
    if proposal.people:
        if store is None:
            raise ValueError("resolving people needs the store")
        for row in store.read(cypher.RESOLVE_PEOPLE, {"names": list(proposal.people)}):
            people[row["name"]].append((row["key"], row["institution"]))
    for name in proposal.people:
        found = people.get(name, [])
        local = [r for r in found if r[1] in prof.institutions]
        for key, _ in local or found:
            prof.people[key] = name
        if not found:
            unmatched.append(name)
    for raw in proposal.industries:
        matches = lookups.industries.get(raw, [])
        for key, ind_level, parent in matches:
            add_industry(prof, key, ind_level, parent)
        if not matches:
            unmatched.append(raw)
    resolution: ProposalResolution = {
        "host": prof.host, "institutions": sorted(prof.institutions), "people": sorted(prof.people),
        "industries": sorted(prof.industries), "type": type_key, "level": level, "city": prof.city,
        "unmatched": unmatched, "core": prof.core}  # the core is set by prepare(); check_proposal fills it
    return prof, resolution


def check_proposal(store: Store | None, proposal: dict[str, Any] | Proposal, *, lang: str = "zh",
                   min_score: float | None = None, index: CheckIndex | None = None,
                   explain: int | None = None) -> CheckResult:
    """Existing platforms the proposal would overlap, strongest first, with scores and reasons.

    ``explain``: give the reasons of the strongest this many pairs only (None: of every pair). The
    others are still listed, with score and relation: the same partners whatever ``explain`` is.
    Why: at 100,000 platforms a proposal overlaps dozens of platforms, and wording the evidence of
    each was half the cost of a check; the API answers with the reasons of the first ten by
    default (``reasons=`` asks for more), the CLI with all.

    ``index`` is the graph's :class:`CheckIndex`: building it is most of the cost (bulk reads of
    every platform, the tf-idf fit), so the API keeps one, refreshed after each ingest, and passes it
    in; the CLI leaves it out and builds it here. ``store`` may be None when ``index`` is given and
    the proposal names no people (nothing else is read: the API answers such checks on its event loop). Either way the same index reaches the same scoring code, so
    both give the same pairs. It is only read, never changed.
    """
    if not isinstance(proposal, Proposal):
        try:
            proposal = Proposal.model_validate(proposal)
        except ValueError as exc:
            raise UsageError(tr("申报材料格式有误：{e}", "invalid proposal: {e}", e=exc)) from exc
    if store is None and (index is None or index.lookups is None):
        raise ValueError("a check without a kept index and its look-ups needs the store")
    if index is None:
        index = build_check_index(store)  # type: ignore[arg-type]  # not None: checked above
    lookups = index.lookups or NameLookups(store)
    prof, resolution = proposal_profile(store, lookups, proposal)
    prepare([prof], index.core_counts, len(index))
    cols, vals = index.transform(prof)
    cand, cosines = index.candidates(prof, cols, vals)
    threshold = THRESHOLD if min_score is None else float(min_score)
    others = [index.rows[r] for r in cand.tolist()]
    assert all(p is not None for p in others)  # no emptied row is a candidate (postings and cosines skip them)
    scored = score_proposal(prof, others, cosines, threshold, explain_top=explain)
    lng: Lang = "en" if lang == "en" else "zh"
    by_key = {p.key: p for p in others if p is not None}
    pairs: list[OverlapPair] = []
    for pair in scored:
        other = by_key[pair.b if pair.a == PROPOSAL_KEY else pair.a]
        signals = [s.as_dict() for s in pair.signals]
        pairs.append({
            "a": {"id": None, "name": prof.name},
            "b": {"id": other.key, "name": other.name},
            "score": pair.score,
            "relation": pair.relation,
            "relation_name": relation_name(pair.relation, lng),
            "reasons": pair_reasons(signals, lng),
        })
    resolution["core"] = prof.core
    explained = len(pairs) if explain is None else min(len(pairs), max(explain, 0))
    return {"pairs": pairs, "resolved": resolution, "threshold": threshold, "explained": explained}
