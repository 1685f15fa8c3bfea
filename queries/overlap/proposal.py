"""The pre-approval duplicate check (申报查重): a proposed platform against the existing ones.

The proposal is scored with exactly the code the analysis uses (same profiles, same TF-IDF corpus —
the proposal included, as it would be once recognised — same signals and weights), so the answer
equals what ``platgraph analyze`` would find after the platform were added. Nothing is written.
Host, co-builders and people are resolved the way ingest resolves them: institutions by credit code
or by ``normalize_name`` against ``Institution.alias_norms``, people by name; unknown ones simply do
not match (and are listed under ``unmatched`` so the planner can see it).
"""

from __future__ import annotations

from typing import Any

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, field_validator

from graph.credit_code import is_valid_credit_code, normalize_credit_code
from graph.errors import UsageError
from graph.i18n import tr
from graph.names import clean_text, normalize_name, split_multi
from graph.reference import load_taxonomy, resolve_city, resolve_level
from graph.store import Store
from queries.overlap import cypher
from queries.overlap.analysis import score_candidates
from queries.overlap.blocking import neighbour_pairs
from queries.overlap.profiles import Profile, add_industry, load_profiles
from queries.overlap.read import pair_reasons
from queries.overlap.signals import THRESHOLD, linked
from queries.overlap.text import DirectionVectors

PROPOSAL_KEY = "__proposal__"
PROPOSAL_TOP_K = 100


class Proposal(BaseModel):
    """A proposed platform as a planner writes it (names or aliases; lists or ;-separated text)."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    name: str = Field(min_length=1, max_length=200)
    type: str | None = None
    level: str | None = None
    host: str | None = None
    co_builders: list[str] = Field(default_factory=list)
    city: str | None = None
    fields: list[str] = Field(default_factory=list)
    industries: list[str] = Field(default_factory=list)
    people: list[str] = Field(default_factory=list)

    @field_validator("co_builders", "fields", "industries", "people", mode="before")
    @classmethod
    def _split(cls, value: Any) -> list[str]:
        return split_multi(value)

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


def _resolve_institutions(store: Store, raws: list[str]) -> dict[str, list[str]]:
    rows = []
    for raw in raws:
        code = normalize_credit_code(raw) if is_valid_credit_code(normalize_credit_code(raw)) else None
        rows.append({"raw": raw, "code": code, "norm": normalize_name(raw)})
    if not rows:
        return {}
    return {r["raw"]: sorted(r["keys"]) for r in store.read(cypher.RESOLVE_INSTITUTIONS, {"names": rows})}


def proposal_profile(store: Store, proposal: Proposal) -> tuple[Profile, dict[str, Any]]:
    """The proposal as a scorer profile, and how each name resolved (for the planner to check)."""
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
    resolved = _resolve_institutions(store, inst_raws)
    host_keys = resolved.get(proposal.host, []) if proposal.host else []
    if len(host_keys) == 1:
        prof.host = host_keys[0]
    keys = sorted({k for raw in inst_raws for k in resolved.get(raw, [])})
    unmatched += [raw for raw in inst_raws if not resolved.get(raw)]
    for row in store.read(cypher.RESOLVE_INSTITUTION_NAMES, {"keys": keys}):
        prof.institutions[row["key"]] = row["name"] or row["key"]
        prof.institution_spellings.update(s for s in [row["name"], *row["aliases"]] if s)
    prof.institution_spellings.update(inst_raws)
    people_rows = store.read(cypher.RESOLVE_PEOPLE, {"names": list(proposal.people)}) if proposal.people else []
    by_name: dict[str, list[dict]] = {}
    for row in people_rows:
        by_name.setdefault(row["name"], []).append(row)
    for name in proposal.people:
        found = by_name.get(name, [])
        local = [r for r in found if r["institution"] in prof.institutions]
        for row in local or found:
            prof.people[row["key"]] = name
        if not found:
            unmatched.append(name)
    if proposal.industries:
        matched: set[str] = set()
        for row in store.read(cypher.RESOLVE_INDUSTRIES, {"names": list(proposal.industries)}):
            add_industry(prof, row["key"], row["level"], row["parent"])
            matched.add(row["raw"])
        unmatched += [raw for raw in proposal.industries if raw not in matched]
    resolution = {"host": prof.host, "institutions": sorted(prof.institutions), "people": sorted(prof.people),
                  "industries": sorted(prof.industries), "type": type_key, "level": level, "city": prof.city,
                  "unmatched": unmatched}
    return prof, resolution


def check_proposal(store: Store, proposal: dict | Proposal, *, lang: str = "zh",
                   min_score: float | None = None, existing: dict[str, Profile] | None = None) -> dict[str, Any]:
    """Existing platforms the proposal would overlap, strongest first, with scores and reasons.

    ``existing`` is the result of :func:`~queries.overlap.profiles.load_profiles` for the current
    graph: loading it is most of the cost (bulk reads of every platform), so the API keeps it per
    data version and passes it in; the CLI leaves it out and loads it here. Either way the same
    profiles reach the same scoring code, so both give the same pairs. It is only read, never changed.
    """
    if not isinstance(proposal, Proposal):
        try:
            proposal = Proposal.model_validate(proposal)
        except ValueError as exc:
            raise UsageError(tr("申报材料格式有误：{e}", "invalid proposal: {e}", e=exc)) from exc
    prof, resolution = proposal_profile(store, proposal)
    if existing is None:
        existing = load_profiles(store)
    ordered = [existing[k] for k in sorted(existing)] + [prof]
    row = len(ordered) - 1
    vectors = DirectionVectors(ordered)
    others: set[int] = set()
    for i, other in enumerate(ordered[:-1]):
        if linked(other, prof):
            others.add(i)
    encoded = neighbour_pairs(vectors, [row], top_k=PROPOSAL_TOP_K)
    others.update(int(v) for v in (encoded >> 32) if v != row)
    others.update(int(v) for v in (encoded & 0xFFFFFFFF) if v != row)
    cand = np.asarray(sorted(others), dtype=np.int64)
    threshold = THRESHOLD if min_score is None else float(min_score)
    scored = score_candidates(ordered, vectors, np.full(len(cand), row, dtype=np.int64), cand, threshold)
    lng = "en" if lang == "en" else "zh"
    pairs = []
    for pair in scored:
        other = existing[pair.b if pair.a == PROPOSAL_KEY else pair.a]
        signals = [s.as_dict() for s in pair.signals]
        pairs.append({
            "a": {"id": None, "name": prof.name},
            "b": {"id": other.key, "name": other.name},
            "score": pair.score,
            "reasons": pair_reasons(signals, lng),
        })
    return {"pairs": pairs, "resolved": resolution, "threshold": threshold}

