"""Topic evidence for lists without research fields: what a name says about its industry, and the
policy rules of ``graph/data/overlap_rules.toml``.

Why: a list of names and hosts cannot show that 国家土方机械工程技术研究中心 and 广西工程机械整机
重点实验室 at one company work on one thing — their name cores share no characters — but both names
point to the same chain segment of the reference industries (the keywords of
``graph/data/industries.toml``, read by :mod:`graph.industry_terms`, the rule ingest uses to infer
SERVES edges). At the **same host** that is the classic 交叉重复 a planner asks about. Across hosts it
is not evidence at all: many platforms serve 机械装备, and a shared industry is a coverage fact.

The topic is read from the name's core (host, region, level and type words already removed, so a
host called 柳工机械 does not make every one of its platforms "机械"). It is name evidence: it never
adds to the name-core comparison, the direction signal takes the larger of the two.
"""

from __future__ import annotations

import tomllib
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from graph.industry_terms import load_terms
from queries.overlap.profiles import Profile

RULES_FILE = Path(__file__).resolve().parents[2] / "graph" / "data" / "overlap_rules.toml"


@dataclass(frozen=True)
class Rules:
    field_station_types: frozenset[str]
    same_host_segment: float
    same_host_industry: float


@lru_cache(maxsize=1)
def load_rules(path: Path = RULES_FILE) -> Rules:
    with open(path, "rb") as fh:
        raw = tomllib.load(fh)
    return Rules(frozenset(raw["field_stations"]["types"]), float(raw["topic"]["same_host_segment"]),
                 float(raw["topic"]["same_host_industry"]))


def name_topics(core: str) -> dict[str, str]:
    """``{industry or segment key: the word that says so}`` for a name core ("" → none)."""
    return load_terms().infer(core) if core else {}


@dataclass(frozen=True)
class TopicMatch:
    score: float
    level: str  # "segment" | "industry" | ""
    key: str = ""
    words: tuple[str, ...] = ()


NO_TOPIC = TopicMatch(0.0, "")


def same_host(a: Profile, b: Profile) -> bool:
    return bool(a.host) and a.host == b.host


def host_industries(profiles: Sequence[Profile]) -> list[frozenset[str]]:
    """For each profile (in order), the top-level industries its host's platforms' names point to (in this list).
    Profiles without a host get their own. The proposal check passes the proposal alone: it gets its
    own, and :func:`topic_match` joins them with the graph side's."""
    terms = load_terms()
    by_host: dict[str, set[str]] = {}
    for p in profiles:
        if p.host:
            by_host.setdefault(p.host, set()).update(terms.top(k) for k in p.name_topics)
    return [frozenset(by_host[p.host]) if p.host else frozenset(terms.top(k) for k in p.name_topics)
            for p in profiles]


def specialised(a: Profile, b: Profile) -> bool:
    """Does the host work in few industries (at most ``host_max_industries`` of industries.toml, the
    rule ingest uses to let a host's industries speak for its platforms)? At such a host — an
    enterprise on one product chain — two platforms in one industry are the classic 一企多平台
    交叉重复; at a broad university, one segment (水果: 百香果 and 芒果) is two different topics."""
    industries = a.host_industries | b.host_industries | {load_terms().top(k) for k in (*a.name_topics, *b.name_topics)}
    return len(industries) <= load_terms().host_max_industries


def topic_match(a: Profile, b: Profile) -> TopicMatch:
    """Same, specialised host only: a shared chain segment named by both names, else a shared
    industry where not both name (different) segments of it — sibling segments are complementary
    links of one chain."""
    if not same_host(a, b) or not a.name_topics or not b.name_topics or not specialised(a, b):
        return NO_TOPIC
    rules, terms = load_rules(), load_terms()
    shared = sorted(set(a.name_topics) & set(b.name_topics))
    for key in shared:
        if terms.industries[key].parent:
            return TopicMatch(rules.same_host_segment, "segment", key, (a.name_topics[key], b.name_topics[key]))
    tops_a = {terms.top(k): k for k in a.name_topics}
    tops_b = {terms.top(k): k for k in b.name_topics}
    for top in sorted(set(tops_a) & set(tops_b)):
        ka, kb = tops_a[top], tops_b[top]
        if ka != kb and terms.industries[ka].parent and terms.industries[kb].parent:
            continue  # different segments of one industry
        return TopicMatch(rules.same_host_industry, "industry", top, (a.name_topics[ka], b.name_topics[kb]))
    return NO_TOPIC


def is_field_station(p: Profile) -> bool:
    return (p.type or "") in load_rules().field_station_types


def different_sites(a: Profile, b: Profile) -> bool:
    """Two field stations at different sites: different hosts, or different cities (policy: stations
    are laid out by ecosystem and region, so two sites are a network, not a duplicate)."""
    if not (is_field_station(a) and is_field_station(b)):
        return False
    if a.host and b.host and a.host != b.host:
        return True
    return bool(a.city) and bool(b.city) and a.city != b.city
