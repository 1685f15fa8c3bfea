"""Topic evidence for lists without research fields: what a name's topic is, and the policy rules of
``graph/data/overlap_rules.toml``.

Why: a list of names and hosts cannot show that 国家土方机械工程技术研究中心 and 机械工业铲土运输机械
工程研究中心 at one company work on one thing — their name cores share no characters — but both name
the same concept of the topic thesaurus (``graph/data/topic_thesaurus.toml``, built from GB/T 4754-2017
and other public classifications: 工程机械 ⊃ 土方机械, 铲土运输机械, 工程装备). At the **same host**
that is the classic 一平台多牌子 a planner asks about. Across hosts it is not evidence at all: many
platforms work on 工程机械, and a shared topic is a coverage fact.

The thesaurus, not the industry chain segments of industries.toml, decides: a segment (光伏与风电,
智能终端) holds sibling technologies that one host legitimately runs side by side (风电叶片 and
分布式光伏), while a thesaurus concept is one class of a classification — or a broader concept and a
narrower one under it (家畜 ⊃ 水牛), never two siblings. The industries still say whether the host is
*specialised* (its names point to at most ``host_max_industries`` industries): at a broad university
two platforms on one concept may be two groups, at an enterprise on one product chain they are one.

The topic is read from the name's core (host, region, level and type words already removed, so a
host called 柳工机械 does not make every one of its platforms "机械"). It is name evidence: it never
adds to the name-core comparison, the direction signal takes the larger of the two.
"""

from __future__ import annotations

import difflib
import tomllib
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from graph.industry_terms import load_terms
from graph.names import normalize_name
from graph.reference import load_taxonomy
from graph.topic_thesaurus import load_thesaurus
from queries.overlap.names import only_generic
from queries.overlap.profiles import Profile

RULES_FILE = Path(__file__).resolve().parents[2] / "graph" / "data" / "overlap_rules.toml"
NAME_CACHE = 1 << 18  # names and cores kept by the name functions below (more than 100,000 platforms have)


RARE_TOPIC = 3  # as the rare-core rule (queries/overlap/text.py RARE_CORE): a topic at most 3 names carry


@dataclass(frozen=True)
class Rules:
    field_station_types: frozenset[str]
    same_host_concept: float
    unknown_host_concept: float
    linked_concept: float = 0.0
    partners_segment: float = 0.0
    legal_forms: tuple[str, ...] = ()
    family_min_length: int = 4


@lru_cache(maxsize=1)
def load_rules(path: Path = RULES_FILE) -> Rules:
    with open(path, "rb") as fh:
        raw = tomllib.load(fh)
    family = raw.get("host_family", {})
    forms = tuple(sorted({normalize_name(f, strip_short_name=False) for f in family.get("legal_forms", [])} |
                         set(family.get("legal_forms", [])), key=len, reverse=True))
    topic = raw["topic"]
    return Rules(frozenset(raw["field_stations"]["types"]), float(topic["same_host_concept"]),
                 float(topic["unknown_host_concept"]), float(topic.get("linked_concept", 0.0)),
                 float(topic.get("partners_segment", 0.0)), forms,
                 int(family.get("min_length", 4)))


@lru_cache(maxsize=NAME_CACHE)
def host_family(name: str | None) -> str:
    """The host's name without its legal form (广西玉柴机器股份有限公司 → 广西玉柴机器), "" when too
    short to identify a body. Two hosts with one family are one host written two ways.

    This and :func:`name_topics` are pure functions of a name and the data files, kept per name
    (``NAME_CACHE``): :func:`~queries.overlap.text.prepare` asks them for every platform, and the
    proposal check's index re-prepares its 100,000 platforms after each ingest (their answers are
    shared: read them, never change them)."""
    if not name:
        return ""
    rules = load_rules()
    text = normalize_name(name, strip_short_name=True)
    for form in rules.legal_forms:
        if text.endswith(form):
            text = text[: -len(form)]
            break
    return text if len(text) >= rules.family_min_length else ""


@lru_cache(maxsize=NAME_CACHE)
def name_topics(core: str) -> dict[str, str]:
    """``{industry or segment key: the word that says so}`` for a name core ("" → none)."""
    return load_terms().infer(core) if core else {}


@lru_cache(maxsize=200_000)
def name_concepts(core: str) -> dict[str, str]:
    """``{thesaurus concept: the word that says so}`` for a name core ("" → none). Cached: the
    analysis reads each core twice (the profile, the topic counts); the result is never changed."""
    return load_thesaurus().concepts(core) if core else {}


@dataclass(frozen=True)
class TopicMatch:
    score: float
    level: str  # "concept" | ""
    key: str = ""
    words: tuple[str, ...] = ()


NO_TOPIC = TopicMatch(0.0, "")


def same_host(a: Profile, b: Profile) -> bool:
    """One host, or one host written two ways (the same :func:`host_family`)."""
    if not a.host or not b.host:
        return False
    return a.host == b.host or (bool(a.host_family) and a.host_family == b.host_family)


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
    """Both names name one thesaurus concept, or one names a concept and the other a narrower one
    under it (siblings under one concept are different topics) — at one specialised host; or, where
    a host is unknown (no evidence for or against one body), for a rare topic (named by at most
    ``RARE_TOPIC`` platforms) of compatible types. Known different hosts: never (a coverage fact)."""
    if not a.name_concepts or not b.name_concepts:
        return NO_TOPIC
    rules = load_rules()
    if same_host(a, b):
        if not specialised(a, b):
            return NO_TOPIC
        value = rules.same_host_concept
    elif a.host and b.host:
        # two hosts, linked by a shared host or co-builder (one built with the other, 共建): the same
        # bodies run both, so one topic is the same work twice, not a coverage fact
        if not rules.linked_concept or a.institutions.keys().isdisjoint(b.institutions):
            return NO_TOPIC
        value = rules.linked_concept
    else:
        value = rules.unknown_host_concept
    shared = load_thesaurus().shared(a.name_concepts, b.name_concepts)
    if shared is None:
        return NO_TOPIC
    key, word_a, word_b = shared
    if value == rules.unknown_host_concept and not (
            max(a.concept_spread.get(key, 1), b.concept_spread.get(key, 1)) <= RARE_TOPIC and types_compatible(a, b)):
        return NO_TOPIC
    return TopicMatch(value, "concept", key, (word_a, word_b))


def partners_match(a: Profile, b: Profile) -> TopicMatch:
    """Two hosts that are each other's partners — each is the other's host or co-builder, or they
    share two institutions — and names that point to one industry chain segment (industries.toml's
    segment keywords, as ingest reads a name's industry: 铝精深加工 ⊃ 铝合金, 铝精深加工): the same
    partnership working one link of one chain twice (交叉重复: the same direction by the same bodies).
    A segment is broader than a thesaurus concept, so only this partnership makes it evidence, and
    less of it (``partners_segment``, at the content guard's edge) than one concept at one host.
    Never at one host (there a segment holds sibling technologies, 风电叶片 / 分布式光伏)."""
    value = load_rules().partners_segment
    if not value or not a.host or not b.host or same_host(a, b):
        return NO_TOPIC
    mutual = a.host in b.institutions and b.host in a.institutions
    if not mutual and len(a.institutions.keys() & b.institutions.keys()) < 2:
        return NO_TOPIC
    terms = load_terms()
    shared = sorted(k for k in a.name_topics.keys() & b.name_topics.keys() if terms.top(k) != k)
    if shared:
        key = shared[0]
        return TopicMatch(value, "segment", key, (a.name_topics[key], b.name_topics[key]))
    part = shared_part(a.core, b.core)
    return TopicMatch(value, "part", part, (part,)) if part else NO_TOPIC


PART_MIN = 3  # a shared run of three characters names a topic (深远海养殖, 再生锌); two (物流, 电子) do not


def shared_part(ca: str, cb: str) -> str:
    """The longest run of characters two name cores share (深远海养殖 in 深远海养殖海藻资源 /
    深远海养殖珍珠养殖), when it is at least ``PART_MIN`` long and not generic words only; else "".
    Evidence only for a partnership (:func:`partners_match`): across the sample's co-built pairs a
    shared part alone was as often two platforms of one field as one platform twice."""
    if not ca or not cb:
        return ""
    match = difflib.SequenceMatcher(None, ca, cb, autojunk=False).find_longest_match(0, len(ca), 0, len(cb))
    part = ca[match.a : match.a + match.size]
    return part if len(part) >= PART_MIN and not only_generic(part) else ""


def types_compatible(a: Profile, b: Profile) -> bool:
    """Same type, near-duplicate family or national/regional counterpart; an unknown type is no
    evidence against. (The taxonomy's rule, as :func:`queries.overlap.signals.type_score` reads it.)"""
    if not (a.type and b.type) or a.type == b.type or (a.family and a.family == b.family):
        return True
    types = load_taxonomy().types
    ta, tb = types.get(a.type), types.get(b.type)
    return bool(ta and tb and (ta.counterpart == tb.key or tb.counterpart == ta.key))


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
