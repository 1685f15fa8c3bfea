"""The overlap signals between two platforms, their weights, and the bilingual reasons.

Each signal is a score in [0, 1] with a detail that names the concrete shared things (the host's
name, the shared people, the shared keywords or name core, the industry, the type family) and its
contribution to the pair score, so a planner can check every finding. A signal whose attribute one
side does not have (no team, no declared fields, no served industry, no host, no city) is *missing*:
it is no evidence either way — it leaves both the weighted sum and the sum of weights, so the score
is the weighted mean of the signals that can be compared (the rule probabilistic record linkage
applies to a null comparison: Bayes factor 1). Without declared fields on either side, the research
direction is compared through the names' cores (:mod:`queries.overlap.names`). See
``docs/methods.md`` for why these weights and how the threshold was chosen (on sample seeds 11 and
13, never on seed 7, the one measured).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from graph.reference import load_cities, load_industries, load_taxonomy
from queries.overlap.profiles import Profile
from queries.overlap.text import core_similarity, rare_core_match, shared_keywords
from queries.overlap.topics import different_sites, partners_match, same_host, topic_match

# Weights of the signals in the pair score (sum = 1), chosen on sample seeds 11 and 13 (grid search).
# Content evidence (research direction, the team) weighs most; sharing a host, a city or a type family
# alone never makes two platforms duplicates.
WEIGHTS: dict[str, float] = {
    "direction": 0.45,
    "people": 0.32,
    "institutions": 0.14,
    "type_family": 0.04,
    "industry": 0.03,
    "city": 0.02,
}
# A pair is reported at or above this score (tuned on sample seed 11, measured on seed 7).
THRESHOLD = 0.39
# Direction = this share of keyword Jaccard + the rest of character-bigram TF-IDF cosine.
KEYWORD_SHARE = 0.7
# Linkage guard: two platforms with no institution and no team member in common are run by unrelated
# bodies; similar wording alone is a coverage question, not a duplicate, so their score is scaled down.
UNLINKED_FACTOR = 0.45
# Both platforms name chain segments of the same industry but share none: different links of the
# chain are complementary, not duplicates (unless they also share their team).
SEGMENT_GUARD = 0.7
# Content guard: when a team is unknown, nothing says the same people do the work twice, so the
# research direction (or the name's core) must carry the case; below this direction score, shared
# structure (host, type family, city) alone would make a "duplicate" of every pair of platforms a
# host runs, and the score is scaled down like an unlinked pair's.
CONTENT_MIN = 0.4
# Field stations at different sites (graph/data/overlap_rules.toml): never reported.
SITE_GUARD = 0.0
# Names only: how much a merely similar core (bigram Dice ≥ 0.5: 正极材料 / 负极材料, 湿法冶金 / 火法冶金)
# and the names' TF-IDF cosine count against an exact core (1) — siblings share their head word, so
# similar wording is weaker evidence than the same topic word. Fitted on sample seed 11 (bench/overlap_fit.py).
SIMILAR_LEVEL = 0.45
# Names only, a host unknown: the core must be rare and the types compatible, as across unrelated
# hosts (see score_parts); otherwise the name match is no evidence (guard 0: without a host or a team
# there is nothing else to compare, and the linkage factor 0.45 alone would still report a common
# core, since the missing institutions signal does not count against it).
UNKNOWN_HOST_NEEDS_RARE = True
UNKNOWN_HOST_GUARD = 0.0
NAME_COSINE_SHARE = 0.0
# Signals below this are not listed as reasons (they contribute to the score but explain nothing).
MIN_REASON = 0.05

PEOPLE_FULL_AT = 3  # shared team members that make the people signal 1 whatever the team sizes
ONE_PERSON_FACTOR = 0.5  # one shared person is common (a researcher on two platforms); two is a team
SAME_HOST_SAME_FAMILY = 1.0  # the classic 交叉重复: one host, near-duplicate types
SAME_HOST = 0.4  # same host, unrelated types: one host legitimately runs several platforms
SHARED_INSTITUTIONS_2 = 0.6  # two or more host/co-builders in common
SHARED_INSTITUTION = 0.4
SAME_TYPE = 1.0
SAME_FAMILY = 0.7
SAME_SEGMENT_PARENT_ONLY = 0.5
DIFFERENT_SEGMENTS = 0.1


def max_unlinked_score() -> float:
    """The highest score a pair without shared institutions or people can reach when both name their
    institutions (blocking uses it; a pair where one side has no institution is not "unlinked" but
    unknown, and is found through the name-core block instead)."""
    rest = 1.0 - WEIGHTS["people"]
    return UNLINKED_FACTOR * (rest - WEIGHTS["institutions"]) / rest

# Relation kinds of a reported pair (the plan and the reports read them from the pair and the group).
DUPLICATE = "duplicate"  # 内容重复: the same work done twice
MULTI_BRAND = "multi_brand"  # 一平台多牌子: one host, one core topic, several types or levels
RELATION_NAMES = {DUPLICATE: ("内容重复", "duplicate content"),
                  MULTI_BRAND: ("一平台多牌子", "one platform, several badges")}


SIGNAL_NAMES = {
    "direction": ("研究方向/名称核心词相近", "similar research direction or name core"),
    "people": ("人员重叠", "shared people"),
    "institutions": ("依托/共建单位相同", "shared host or co-builders"),
    "industry": ("服务产业相同", "same served industry"),
    "type_family": ("平台类型相近", "near-duplicate types"),
    "city": ("同一城市", "same city"),
}


@dataclass
class Signal:
    signal: str
    score: float
    detail_zh: str
    detail_en: str
    weight: float = 0.0  # contribution to the pair score (weight share × signal × guard)

    def as_dict(self) -> dict[str, Any]:
        return {"signal": self.signal, "score": round(self.score, 4), "weight": round(self.weight, 4),
                "detail_zh": self.detail_zh, "detail_en": self.detail_en}


@dataclass
class PairScore:
    a: str
    b: str
    score: float
    parts: dict[str, float | None]
    guard: float = 1.0
    signals: list[Signal] = field(default_factory=list)
    relation: str = DUPLICATE
    name_level: str = ""  # exact | contained | similar | "" (how the name cores compare)

    def present(self) -> dict[str, float]:
        """The signals that could be compared (missing ones are None)."""
        return {k: v for k, v in self.parts.items() if v is not None}

    def contribution(self, name: str) -> float:
        present = self.present()
        total = sum(WEIGHTS[k] for k in present)
        return self.guard * WEIGHTS[name] * present.get(name, 0.0) / total if total else 0.0


def _names(values: list[str], limit: int = 5, sep: str = "、") -> str:
    shown = values[:limit]
    more = len(values) - len(shown)
    return sep.join(shown) + (f" 等{len(values)}个" if more > 0 and sep == "、" else
                              f" and {more} more" if more > 0 else "")


def institutions_score(a: Profile, b: Profile) -> float:
    """Same host with near-duplicate types 1; same host 0.4; 2+ shared host/co-builders 0.6; one 0.4."""
    if same_host(a, b):
        return SAME_HOST_SAME_FAMILY if type_score(a, b) > 0 else SAME_HOST
    shared = len(a.institutions.keys() & b.institutions.keys())
    return SHARED_INSTITUTIONS_2 if shared >= 2 else SHARED_INSTITUTION if shared == 1 else 0.0


def people_score(a: Profile, b: Profile) -> float:
    """Overlap coefficient of the teams (a renamed copy keeps part of its team), damped when only one
    person is shared: one person working on two platforms is common, two or more is the same team."""
    pa, pb = set(a.people), set(b.people)
    if not pa or not pb:
        return 0.0
    shared = len(pa & pb)
    if shared == 0:
        return 0.0
    score = max(min(1.0, shared / PEOPLE_FULL_AT), shared / min(len(pa), len(pb)))
    return score * (ONE_PERSON_FACTOR if shared == 1 else 1.0)


def keyword_jaccard(a: Profile, b: Profile) -> float:
    """Jaccard of the declared research-direction keywords (fields and topics, normalised)."""
    ta, tb = a.terms, b.terms
    union = len(ta | tb)
    return len(ta & tb) / union if union else 0.0


def industry_score(a: Profile, b: Profile) -> tuple[float, bool]:
    """(score, different_segments): same segment 1; same industry only 0.5; sibling segments 0.1."""
    if a.segments & b.segments:
        return 1.0, False
    shared_parents = a.parents & b.parents
    if not shared_parents:
        return (1.0 if a.industries & b.industries else 0.0), False
    if a.segments and b.segments:
        return DIFFERENT_SEGMENTS, True
    return SAME_SEGMENT_PARENT_ONLY, False


def type_score(a: Profile, b: Profile) -> float:
    """Same type 1; counterparts (a national type and its regional one) or one near-duplicate family 0.7."""
    if a.type and a.type == b.type:
        return SAME_TYPE
    if a.family and a.family == b.family:
        return SAME_FAMILY
    types = load_taxonomy().types
    ta, tb = types.get(a.type or ""), types.get(b.type or "")
    if ta and tb and (ta.counterpart == tb.key or tb.counterpart == ta.key):
        return SAME_FAMILY
    return 0.0


def linked(a: Profile, b: Profile) -> bool:
    """Do the two share a host/co-builder or a team member?"""
    return not (a.institutions.keys().isdisjoint(b.institutions) and a.people.keys().isdisjoint(b.people))


def name_direction(a: Profile, b: Profile, cosine: float) -> tuple[float, str]:
    """Direction from names alone, by comparison level (the levels of a record-linkage comparison):
    exact or contained core (times the core's term-frequency weight), the same-host thesaurus topic,
    a similar core (``SIMILAR_LEVEL`` × its bigram Dice), else the names' TF-IDF cosine ×
    ``NAME_COSINE_SHARE`` (no level). The largest wins — all read the same name, so they are never added."""
    core, level = core_similarity(a, b)
    if level == "similar":
        core *= SIMILAR_LEVEL
    elif not level:
        core = 0.0  # below the similar level: the cores do not compare
    best, how = max(core, NAME_COSINE_SHARE * float(cosine)), level
    if best > core:
        how = ""
    topic = topic_match(a, b)
    if topic.score > best:
        best, how = topic.score, "topic"
    partners = partners_match(a, b)
    if partners.score > best:
        best, how = partners.score, "partners"
    return best, how


def names_comparable(p: Profile) -> bool:
    """Does the name say anything about the topic: a core or a thesaurus concept?"""
    return bool(p.core or p.name_concepts)


def known_link(a: Profile, b: Profile) -> bool:
    """A shared host or co-builder (the one link a list of names and hosts can show), or one host
    written two ways."""
    return not a.institutions.keys().isdisjoint(b.institutions) or same_host(a, b)


def score_parts(a: Profile, b: Profile, cosine: float) -> tuple[dict[str, float | None], float]:
    """All signal scores of a pair (None where one side lacks the attribute) and the guard factor
    (linkage guard × chain-segment guard × sparse-evidence guard × site guard). Numbers only: cheap
    enough for every candidate."""
    has_inst = bool(a.institutions) and bool(b.institutions)
    has_people = bool(a.people) and bool(b.people)
    has_ind = bool(a.industries) and bool(b.industries)
    ind, different_segments = industry_score(a, b) if has_ind else (None, False)
    if a.terms and b.terms:
        direction: float | None = KEYWORD_SHARE * keyword_jaccard(a, b) + (1.0 - KEYWORD_SHARE) * float(cosine)
    elif names_comparable(a) and names_comparable(b):
        direction = name_direction(a, b, cosine)[0]
    else:
        direction = None
    parts: dict[str, float | None] = {
        "direction": direction,
        "people": people_score(a, b) if has_people else None,
        "institutions": institutions_score(a, b) if has_inst else None,
        "industry": ind,
        "type_family": type_score(a, b) if a.type and b.type else None,
        "city": (1.0 if a.city == b.city else 0.0) if a.city and b.city else None,
    }
    people = parts["people"] or 0.0
    guard = SEGMENT_GUARD if different_segments and people < 0.3 else 1.0
    if has_inst and has_people and parts["institutions"] == 0.0 and people == 0.0:
        guard *= UNLINKED_FACTOR  # unlinked is known only when both hosts and both teams are known
    if not has_people and (direction or 0.0) < CONTENT_MIN:
        guard *= UNLINKED_FACTOR
    names_only = not (a.terms and b.terms)
    if names_only and not has_people and a.host and b.host and not known_link(a, b) \
            and not (rare_core_match(a, b) and compatible_types(a, b)):
        # Sparse-evidence guard: only names to compare (no declared fields on one side, no team),
        # and both hosts known and sharing no host or co-builder — only a rare core (carried by at
        # most 3 platforms) of compatible types says
        # "the same thing twice"; a common core (智能制造, 新材料) at unrelated bodies is a coverage
        # fact. An unknown host is not "another host": like the linkage guard, unrelated is known
        # only when both are known.
        guard *= UNLINKED_FACTOR
    elif UNKNOWN_HOST_NEEDS_RARE and names_only and not has_people and not (a.host and b.host) \
            and not known_link(a, b) and not (rare_core_match(a, b) and compatible_types(a, b)) \
            and name_level_of(a, b, cosine) != "topic":
        # Host unknown on one side: "one body" is neither known nor excluded, so the names must say
        # "the same thing" on their own, as across unrelated hosts — a rare core of compatible types
        # (or a rare thesaurus topic of compatible types, topics.topic_match); a core many platforms
        # carry (混合动力系统 at four hosts), or a lab and an engineering centre on one topic, does not.
        # Nothing else is left to compare (no host, no team), so such a name match is no evidence.
        guard *= UNKNOWN_HOST_GUARD
    if different_sites(a, b):
        guard *= SITE_GUARD
    return parts, guard


def compatible_types(a: Profile, b: Profile) -> bool:
    """Same type, family or counterpart — or a type unknown (no evidence against)."""
    return not (a.type and b.type) or type_score(a, b) > 0


def combine(parts: dict[str, float | None], guard: float) -> float:
    """Weighted mean of the signals that could be compared, times the guard."""
    if parts.get("direction") is None:
        return 0.0  # nothing about what the two work on: never a duplicate on structure alone
    # one plain loop, not comprehensions: this runs for every candidate pair (the proposal check's
    # hottest line); the sums are taken in the same order from the same start, so the same floats
    total: float = 0
    weighted: float = 0
    for k, v in parts.items():
        if v is not None:
            w = WEIGHTS[k]
            total += w
            weighted += w * v
    if not total:
        return 0.0
    return round(guard * weighted / total, 4)


def relation_of(a: Profile, b: Profile, name_level: str) -> str:
    """一平台多牌子 when one host runs the two on the same core topic under different types or levels."""
    if same_host(a, b) and name_level in ("exact", "contained", "topic") and (a.type != b.type or a.level != b.level):
        return MULTI_BRAND
    return DUPLICATE


def name_level_of(a: Profile, b: Profile, cosine: float = 0.0) -> str:
    """How the names compare when the direction came from them: exact | contained | similar | topic."""
    if a.terms and b.terms or not (names_comparable(a) and names_comparable(b)):
        return core_similarity(a, b)[1] if a.core and b.core else ""
    return name_direction(a, b, cosine)[1]


def score_pair(a: Profile, b: Profile, cosine: float) -> PairScore:
    parts, guard = score_parts(a, b, cosine)
    level = name_level_of(a, b, cosine)
    return PairScore(a.key, b.key, combine(parts, guard), parts, guard, relation=relation_of(a, b, level),
                     name_level=level)


def _signed(value: float) -> str:
    return f"{value:+.2f}"


def explain(pair: PairScore, a: Profile, b: Profile) -> list[Signal]:
    """The signals that could be compared, strongest contribution first, each naming what is shared
    (or, for a signal against, what differs) and its contribution to the score."""
    taxonomy = load_taxonomy()
    industries = load_industries()
    out: list[Signal] = []
    p = pair.parts

    def add(name: str, zh: str, en: str) -> None:
        value = p[name]
        assert value is not None
        weight = pair.contribution(name)
        out.append(Signal(name, value, f"{zh}（{_signed(weight)}）", f"{en} ({_signed(weight)})", weight))

    if p["direction"] is not None and p["direction"] >= MIN_REASON:
        if a.terms and b.terms:
            words = shared_keywords(a, b)
            zh_words = _names(words) if words else "名称与方向表述"
            en_words = _names(words, sep=", ") if words else "wording of names and directions"
            add("direction", f"研究方向相似度 {p['direction']:.2f}，共同关键词：{zh_words}",
                f"research-direction similarity {p['direction']:.2f}; shared keywords: {en_words}")
        elif pair.name_level == "topic":
            topic = topic_match(a, b)
            topic_words = "」/「".join(dict.fromkeys(topic.words))
            topic_words_en = "' / '".join(dict.fromkeys(topic.words))
            if same_host(a, b):
                add("direction", f"同一依托单位，名称指向同一主题「{topic.key}」（「{topic_words}」，主题词表）",
                    f"same host, names point to one topic '{topic.key}' ('{topic_words_en}', topic thesaurus)")
            elif a.host and b.host:
                add("direction", f"依托/共建单位相连，名称指向同一主题「{topic.key}」（「{topic_words}」，主题词表）",
                    f"hosts linked as host/co-builder, names point to one topic '{topic.key}' "
                    f"('{topic_words_en}', topic thesaurus)")
            else:
                add("direction", f"依托单位未知，名称指向同一少见主题「{topic.key}」（「{topic_words}」，主题词表）",
                    f"host unknown, names point to one rare topic '{topic.key}' ('{topic_words_en}', topic thesaurus)")
        elif pair.name_level == "partners":
            seg = partners_match(a, b)
            if seg.level == "part":
                add("direction", f"两平台由同一组单位共建，名称有共同部分「{seg.key}」",
                    f"both built by the same partner institutions; the names share '{seg.key}'")
            else:
                seg_en = industries[seg.key].name_en if seg.key in industries else seg.key
                words_zh, words_en = "」/「".join(dict.fromkeys(seg.words)), "' / '".join(dict.fromkeys(seg.words))
                add("direction", f"两平台由同一组单位共建，名称指向同一产业链环节「{seg.key}」（「{words_zh}」）",
                    f"both built by the same partner institutions; names point to one chain segment '{seg_en}' "
                    f"('{words_en}')")
        elif pair.name_level == "exact":
            add("direction", f"名称核心词相同「{a.core}」", f"same name core '{a.core}'")
        elif pair.name_level == "contained":
            short, long_ = sorted((a.core, b.core), key=len)
            add("direction", f"名称核心词包含「{short}」⊂「{long_}」", f"name core '{short}' within '{long_}'")
        else:
            add("direction", f"名称核心词相近「{a.core}」/「{b.core}」（相似度 {p['direction']:.2f}）",
                f"similar name cores '{a.core}' / '{b.core}' (similarity {p['direction']:.2f})")
    if p["people"] is not None and p["people"] >= MIN_REASON:
        shared = sorted(set(a.people) & set(b.people))
        names = [a.people[k] for k in shared]
        directors = [a.people[k] for k in shared if k in a.director_keys or k in b.director_keys]
        extra_zh = f"（其中负责人：{_names(directors)}）" if directors else ""
        extra_en = f" (directors: {_names(directors, sep=', ')})" if directors else ""
        add("people", f"共有 {len(shared)} 名相同人员：{_names(names)}{extra_zh}",
            f"{len(shared)} shared {'person' if len(shared) == 1 else 'people'}: {_names(names, sep=', ')}{extra_en}")
    if p["institutions"] is not None and p["institutions"] >= MIN_REASON:
        if a.host and a.host == b.host:
            host = a.institutions[a.host]
            add("institutions", f"依托单位相同：{host}", f"same host institution: {host}")
        elif same_host(a, b):
            ha, hb = a.institutions[a.host or ""], b.institutions[b.host or ""]
            add("institutions", f"依托单位为同一主体的两种写法：{ha} / {hb}", f"one host written two ways: {ha} / {hb}")
        else:
            shared = sorted(set(a.institutions) & set(b.institutions))
            names = [a.institutions[k] for k in shared]
            add("institutions", f"共同的依托/共建单位：{_names(names)}", f"shared host/co-builders: {_names(names, sep=', ')}")
    if p["industry"] is not None and p["industry"] >= MIN_REASON:
        shared = sorted((a.segments & b.segments) or (a.parents & b.parents) or (a.industries & b.industries))
        en = [industries[k].name_en if k in industries else k for k in shared]
        if pair.guard < 1.0 and p["people"] is not None and (p["people"] or 0) < 0.3 and a.segments and b.segments \
                and not (a.segments & b.segments):
            add("industry", f"同属产业 {_names(shared)}，但服务不同产业链环节",
                f"same industry {_names(en, sep=', ')} but different chain segments")
        else:
            add("industry", f"服务相同产业/环节：{_names(shared)}", f"serve the same industry/segment: {_names(en, sep=', ')}")
    if p["type_family"] is not None and p["type_family"] >= MIN_REASON:
        if a.type == b.type:
            type_en = taxonomy.types[a.type].name_en if a.type in taxonomy.types else a.type
            add("type_family", f"平台类型相同：{a.type}", f"same platform type: {type_en}")
        elif a.family and a.family == b.family:
            fam = taxonomy.families.get(a.family)
            fam_zh, fam_en = (fam.name, fam.name_en) if fam else (a.family, a.family)
            add("type_family", f"近似类型（{fam_zh}）：{a.type} / {b.type}",
                f"near-duplicate types ({fam_en}): {a.type} / {b.type}")
        else:
            add("type_family", f"同一类型的不同级别：{a.type} / {b.type}",
                f"one type at different levels: {a.type} / {b.type}")
    if p["city"] is not None and p["city"] >= MIN_REASON:
        city = load_cities().get(a.city or "")
        city_en = f"{city.name_en} ({a.city})" if city else a.city
        add("city", f"同在{a.city}", f"both in {city_en}")
    out.sort(key=lambda s: s.weight, reverse=True)
    return out


def missing_signals(pair: PairScore) -> list[str]:
    """The signals one side could not be compared on (listed so a planner sees what was not known)."""
    return [name for name, value in pair.parts.items() if value is None]
