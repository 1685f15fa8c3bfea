"""What the overlap analysis knows about each platform, pulled from Neo4j in a few bulk reads.

Why a flat in-memory profile: scoring needs, for every candidate pair, the host and co-builders,
the people, the served industries and chain segments, the topics and the type family. Reading them
with five flat streams (one per relationship type) instead of one query per platform keeps a
100,000-platform graph to seconds of I/O, and lets the same scoring code run for the analysis and
for a proposal that is not in the graph.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from typing import Any

from graph.bulkread import chunked_rows
from graph.names import normalize_name
from graph.reference import LEVEL_RANK, load_taxonomy
from graph.store import Store
from queries.overlap import cypher

# Platforms that still count; revoked and merged ones are history, not duplicates.
ACTIVE_STATUSES = ["active", "building"]

EVALUATION_RANK = {"优秀": 5, "良好": 4, "合格": 3, "整改": 1, "不合格": 0}
UNGRADED_RANK = 2  # never evaluated: between 合格 and 整改
# Academic-committee members (学术委员会) sit on several platforms' committees as a matter of course;
# the team that does the work (director, chief scientist, core members) is what duplicates.
COMMITTEE_ROLES = {"academic_committee"}


@dataclass
class Profile:
    """One platform (or a proposal) as the scorer sees it."""

    key: str
    name: str
    type: str | None = None
    family: str | None = None
    level: str | None = None
    city: str | None = None
    established: int | None = None
    evaluation: str | None = None
    status: str | None = None
    fields: list[str] = field(default_factory=list)
    host: str | None = None
    # institution key -> display name (host and co-builders)
    institutions: dict[str, str] = field(default_factory=dict)
    # spellings of the host and co-builders, stripped from the name before text comparison
    institution_spellings: set[str] = field(default_factory=set)
    # researcher key -> name: the team (director, chief scientist, core members), not the committee
    people: dict[str, str] = field(default_factory=dict)
    director_keys: set[str] = field(default_factory=set)
    # served industry/segment keys; parents: segment key -> its industry
    industries: set[str] = field(default_factory=set)
    segments: set[str] = field(default_factory=set)
    parents: set[str] = field(default_factory=set)
    topics: list[str] = field(default_factory=list)
    # the name's core (queries.overlap.names) and how specific it is (1 = rare; less when many
    # platforms share it: the term-frequency adjustment), set by queries.overlap.text.prepare
    core: str = ""
    core_weight: float = 1.0
    # industries/segments the name's core points to (queries.overlap.topics), set with the core
    name_topics: dict[str, str] = field(default_factory=dict)
    # for each concept the name names (and its broader ones), how many platforms' cores name it or a
    # narrower one — the topic's term frequency, set by queries.overlap.text.prepare
    concept_spread: dict[str, int] = field(default_factory=dict)
    # the host's name without its legal form (queries.overlap.topics.host_family), set with the core
    host_family: str = ""
    # topic-thesaurus concepts the name's core names (graph/topic_thesaurus.py), set with the core
    name_concepts: dict[str, str] = field(default_factory=dict)
    # how many platforms' cores contain this core (itself included): the term frequency of the core
    # as a topic word (装载机 is inside 装载机整机远程运维 too), set by queries.overlap.text.prepare
    core_spread: int = 1
    # the top-level industries the names of all the host's platforms point to (a specialised host
    # names at most a few: queries.overlap.topics), set by queries.overlap.text.prepare
    host_industries: frozenset[str] = frozenset()

    @cached_property
    def terms(self) -> frozenset[str]:
        """The normalised research-direction keywords (fields and topics), compared as a set."""
        return frozenset(direction_terms(self))

    @property
    def size(self) -> int:
        return len(self.people)

    def keep_rank(self) -> tuple[Any, ...]:
        """Which platform should absorb the others: level, then a current type before a legacy one
        (a 工程技术研究中心 is itself to be 转建, so it does not absorb a 技术创新中心; taxonomy
        ``legacy``), evaluation grade, size, age (older first)."""
        ptype = load_taxonomy().types.get(self.type or "")
        return (
            LEVEL_RANK.get(self.level or "", 0),
            not (ptype is not None and ptype.legacy),
            EVALUATION_RANK.get(self.evaluation or "", UNGRADED_RANK),
            self.size,
            -(self.established or 9999),
        )


NON_TEXT = re.compile(r"[\s()（）\[\]【】《》“”\"'、，,;；.·\-—_/]+")


@lru_cache(maxsize=1 << 18)  # keywords repeat across platforms: normalise each spelling once per process
def norm_term(term: str) -> str:
    """A keyword in comparison form: half-width, lower case, without spaces and punctuation."""
    return NON_TEXT.sub("", normalize_name(term, strip_short_name=False))


def direction_terms(prof: Profile) -> list[str]:
    """The research-direction keywords a planner would recognise: fields and topics, normalised."""
    seen: dict[str, None] = {}
    for term in [*prof.fields, *prof.topics]:
        norm = norm_term(term)
        if norm:
            seen.setdefault(norm, None)
    return list(seen)


def _stream(store: Store, query: str, params: dict[str, Any] | None = None) -> list[dict[str, Any]]:
    """The rows of a :func:`graph.bulkread.chunked` query of maps, in the query's order."""
    rows: list[dict[str, Any]] = store.read_tx(lambda tx: list(chunked_rows(tx, query, params)))
    return rows


def family_of(type_key: str | None, family: str | None = None) -> str | None:
    if family:
        return family
    return load_taxonomy().family_of(type_key) if type_key else None


_ALL_READS = (cypher.LOAD_PLATFORMS, cypher.LOAD_CO_BUILDERS, cypher.LOAD_MEMBERS, cypher.LOAD_SERVES,
              cypher.LOAD_TOPICS)
_KEYED_READS = (cypher.LOAD_PLATFORMS_BY_KEY, cypher.LOAD_CO_BUILDERS_BY_KEY, cypher.LOAD_MEMBERS_BY_KEY,
                cypher.LOAD_SERVES_BY_KEY, cypher.LOAD_TOPICS_BY_KEY)


def load_profiles(store: Store, statuses: list[str] | None = None,
                  keys: list[str] | None = None) -> dict[str, Profile]:
    """Every counted platform's profile, keyed by platform key (five bulk reads in total).

    ``keys``: only these platforms (the proposal check's index reloads the ones an ingest changed,
    :mod:`queries.overlap.proposal_index`); the same reads restricted, so the same profiles."""
    platforms, co_builders, members, serves, topics = _ALL_READS if keys is None else _KEYED_READS
    by_key = {} if keys is None else {"keys": list(keys)}
    profiles: dict[str, Profile] = {}
    prof: Profile | None
    for row in _stream(store, platforms, {"statuses": statuses or ACTIVE_STATUSES, **by_key}):
        prof = Profile(
            key=row["key"], name=row["name"] or row["key"], type=row["type"],
            family=family_of(row["type"], row["family"]), level=row["level"], city=row["city"],
            established=_int(row["established"]), evaluation=row["evaluation"], status=row["status"],
            fields=[f for f in (row["fields"] or []) if f], host=row["host"],
        )
        if row["host"]:
            prof.institutions[row["host"]] = row["host_name"] or row["host"]
            prof.institution_spellings.update(s for s in [row["host_name"], *row["host_aliases"]] if s)
        profiles[prof.key] = prof
    for row in _stream(store, co_builders, by_key):
        prof = profiles.get(row["p"])
        if prof is not None:
            prof.institutions.setdefault(row["i"], row["name"] or row["i"])
            prof.institution_spellings.update(s for s in [row["name"], *row["aliases"]] if s)
    for row in _stream(store, members, by_key):
        prof = profiles.get(row["p"])
        if prof is not None and row["role"] not in COMMITTEE_ROLES:
            prof.people[row["r"]] = row["name"] or row["r"]
            if row["role"] == "director":
                prof.director_keys.add(row["r"])
    for row in _stream(store, serves, by_key):
        prof = profiles.get(row["p"])
        if prof is not None:
            add_industry(prof, row["i"], row["level"], row["parent"])
    for row in _stream(store, topics, by_key):
        prof = profiles.get(row["p"])
        if prof is not None and row["topic"]:
            prof.topics.append(row["topic"])
    return profiles


def add_industry(prof: Profile, key: str, level: str | None, parent: str | None) -> None:
    """Record a served industry; a chain segment also counts for its parent industry."""
    prof.industries.add(key)
    if level == "segment" or parent:
        prof.segments.add(key)
        if parent:
            prof.parents.add(parent)
    else:
        prof.parents.add(key)


def _int(value: Any) -> int | None:
    try:
        return int(value) if value is not None else None
    except (TypeError, ValueError):
        return None
