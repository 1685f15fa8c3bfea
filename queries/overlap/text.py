"""Research-direction text: character n-gram TF-IDF over a platform's name, fields and topics.

Why character bigrams rather than jieba: platform names and research directions are dense domain
compounds (甘蔗生物技术, 铝精深加工, 内燃机排放控制) that a general word dictionary splits
inconsistently, while character bigrams match them whichever way they are written, need no
dictionary (offline, deterministic) and still catch partial overlaps such as 甘蔗育种 / 甘蔗遗传育种.
TF-IDF weighting makes rare, specific bigrams count and generic ones (技术, 研究) nearly vanish; the
words every platform name carries (its type, 广西, the host's name) are removed before, so two
platforms are not "similar" just because both are 广西大学's 重点实验室.
"""

from __future__ import annotations

import difflib
import math
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from functools import lru_cache

import numpy as np
from scipy import sparse

from graph.topic_thesaurus import load_thesaurus
from queries.overlap import names
from queries.overlap.profiles import Profile, direction_terms
from queries.overlap.topics import host_family, host_industries, name_concepts, name_topics

RARE_CORE = 3  # a core shared by at most this many platforms is fully specific
MIN_CORE_WEIGHT = 0.5  # a very common core still counts half
CONTAINED = 0.85  # one core inside the other (甘蔗育种 / 甘蔗育种与栽培)


def name_core(name: str, institution_spellings: Iterable[str] = ()) -> str:
    """The distinctive part of a platform name (see :mod:`queries.overlap.names`)."""
    return names.name_core(name, institution_spellings)


def core_weight(count: int, total: int) -> float:
    """Term-frequency adjustment of an exact or contained core match: 1 for a core at most
    ``RARE_CORE`` platforms carry, down to ``MIN_CORE_WEIGHT`` for one most platforms carry."""
    if count <= RARE_CORE or total <= RARE_CORE * 4:
        return 1.0
    return max(MIN_CORE_WEIGHT, math.log(total / count) / math.log(total / RARE_CORE))


def prepare(profiles: Sequence[Profile], counts: Counter[str] | None = None, total: int | None = None, *,
            fresh: Sequence[Profile] | None = None) -> Counter[str]:
    """Set each profile's name core and its term-frequency weight; returns the core counts (the
    proposal check passes the graph's counts back in for the proposal).

    ``fresh``: only these profiles need their own fields (core, name topics and concepts, host
    family: what the first loop sets, from the profile alone); the others keep theirs from an
    earlier call and only get what depends on the whole graph. The proposal-check index passes
    the platforms an ingest changed, so its refresh does not re-derive 100,000 names."""
    for prof in profiles if fresh is None else fresh:
        if not prof.core:
            prof.core = name_core(prof.name, prof.institution_spellings)
        prof.name_topics = name_topics(prof.core)
        host_name = prof.institutions.get(prof.host or "", prof.host)
        # a platform named after its host alone (…公司技术中心) works on the host's business: its
        # topic is what the host's name says (来宾达晨糖业发展有限公司 → 制糖)
        # — only when the name is the host's (it contains the host's name), not a brand-named 众创空间
        host_named = not prof.core and bool(host_name) and names.named_after(
            prof.name, [host_name or "", *prof.institution_spellings])
        # (the host's name as the graph has it, or as the platform's name writes it: a list that gives
        # the host by its short name 西星动力 still names the company in full, 西星动力电池有限公司)
        prof.name_concepts = name_concepts(prof.core) if prof.core else \
            (name_concepts(host_name or "") or name_concepts(prof.name)) if host_named else {}
        prof.host_family = host_family(host_name)
    for prof, industries in zip(profiles, host_industries(profiles), strict=True):
        prof.host_industries = industries
    if counts is None:
        counts, extra = Counter(p.core for p in profiles if p.core), 0
        total = len(profiles)
    else:  # new platforms (a proposal) against the graph's counts: they count themselves in
        extra = 1
        total = (total or 0) + len(profiles)
    spread = core_spread(counts) if not extra else None
    concepts = concept_counts(counts)
    for prof in profiles:
        prof.concept_spread = {k: concepts.get(k, 0) + extra for c in prof.name_concepts
                               for k in load_thesaurus().ancestors(c)}
        prof.core_weight = core_weight(counts.get(prof.core, 0) + extra, total)
        if prof.core:
            prof.core_spread = spread[prof.core] if spread is not None else 1 + spread_in(prof.core, counts)
    return counts


_SPREAD_CACHE: list[tuple[Counter[str], list[str], dict[str, list[int]]]] = []


def spread_index(counts: Counter[str]) -> tuple[list[str], dict[str, list[int]]]:
    """The distinct cores of ``counts`` and a bigram index over them, kept for the last ``counts``
    seen (the proposal check passes the same graph counts with every request)."""
    if _SPREAD_CACHE and _SPREAD_CACHE[0][0] is counts:
        return _SPREAD_CACHE[0][1], _SPREAD_CACHE[0][2]
    cores = [c for c in counts if c]
    by_bigram: dict[str, list[int]] = {}
    for i, other in enumerate(cores):
        for gram in set(_bigrams(other)):
            by_bigram.setdefault(gram, []).append(i)
    _SPREAD_CACHE[:] = [(counts, cores, by_bigram)]
    return cores, by_bigram


def spread_in(core: str, counts: Counter[str]) -> int:
    """How many platforms of ``counts`` carry ``core`` whole or inside a longer core, looked for only
    in the cores that hold its rarest bigram (as :func:`core_spread` does), so a check does not scan
    every distinct core of the graph."""
    cores, by_bigram = spread_index(counts)
    grams = set(_bigrams(core))
    if not grams:
        return 0
    rarest = min((by_bigram.get(g, []) for g in grams), key=len)
    return sum(counts[cores[i]] for i in rarest if core in cores[i])


_CONCEPT_CACHE: list[tuple[Counter[str], Counter[str]]] = []


def concept_counts(counts: Counter[str]) -> Counter[str]:
    """How many platforms' cores name each thesaurus concept or a narrower one (the term frequency
    of a topic). Kept for the last ``counts`` seen: the proposal check passes the same graph counts
    with every request, so the graph side is read once per data version."""
    if _CONCEPT_CACHE and _CONCEPT_CACHE[0][0] is counts:
        return _CONCEPT_CACHE[0][1]
    thesaurus = load_thesaurus()
    out: Counter[str] = Counter()
    for core, n in counts.items():
        for key in name_concepts(core):
            for concept in thesaurus.ancestors(key):
                out[concept] += n
    _CONCEPT_CACHE[:] = [(counts, out)]
    return out


def core_spread(counts: Counter[str]) -> dict[str, int]:
    """For each core, how many platforms carry it whole or inside a longer core. A bigram index over
    the distinct cores keeps this near-linear (a core is looked for only in the cores that hold its
    rarest bigram), so it stays cheap at 100,000 platforms."""
    cores = [c for c in counts if c]
    by_bigram: dict[str, list[int]] = {}
    for i, core in enumerate(cores):
        for gram in set(_bigrams(core)):
            by_bigram.setdefault(gram, []).append(i)
    out: dict[str, int] = {}
    for core in cores:
        grams = set(_bigrams(core))
        rarest = min(grams, key=lambda g: len(by_bigram[g]))
        out[core] = sum(counts[cores[i]] for i in by_bigram[rarest] if core in cores[i])
    return out


def rare_core_match(a: Profile, b: Profile) -> bool:
    """Exact or contained cores whose shorter core is a rare topic word: at most ``RARE_CORE``
    platforms carry it, whole or inside a longer core (地中海贫血防治, 非粮生物质 — not 智能制造,
    新材料, or 装载机 when seven cores hold it)."""
    level = core_similarity(a, b)[1]
    if level not in ("exact", "contained"):
        return False
    short = a if len(a.core) <= len(b.core) else b
    return short.core_spread <= RARE_CORE


def core_similarity(a: Profile, b: Profile) -> tuple[float, str]:
    """(score, level) of two name cores: exact 1, one inside the other 0.85 (both times the rarer
    core's term-frequency weight), otherwise the Dice coefficient of their character bigrams."""
    ca, cb = a.core, b.core
    if not ca or not cb:
        return 0.0, ""
    if ca == cb:
        return a.core_weight, "exact"
    short, long_, weight = (ca, cb, a.core_weight) if len(ca) <= len(cb) else (cb, ca, b.core_weight)
    if len(short) >= 2 and short in long_:
        return CONTAINED * weight, "contained"
    ba, bb = _bigram_set(ca), _bigram_set(cb)
    dice = 2 * len(ba & bb) / (len(ba) + len(bb)) if ba and bb else 0.0
    return dice, "similar" if dice >= 0.5 else ""


@lru_cache(maxsize=1 << 18)
def _bigram_set(core: str) -> frozenset[str]:
    """The set of a core's bigrams, kept: every candidate pair of a check compares the proposal's
    core with the candidate's, and the cores repeat (a cache of strings, bounded)."""
    return frozenset(_bigrams(core))


def _bigrams(text: str) -> list[str]:
    out: list[str] = []
    for chunk in text.split():
        if len(chunk) == 1:
            out.append(chunk)
        out.extend(chunk[i : i + 2] for i in range(len(chunk) - 1))
    return out


def tokens(prof: Profile) -> list[str]:
    """Bag of tokens: bigrams of the name core and of each keyword, plus each keyword whole."""
    toks = _bigrams(prof.core or name_core(prof.name, prof.institution_spellings))
    for term in direction_terms(prof):
        toks.extend(_bigrams(term))
        toks.append("#" + term)
    return toks


def sublinear_tf(count: int) -> float:
    """Term frequency as the vectors weigh it: 1 + ln(count)."""
    return 1.0 + math.log(count)


def smoothed_idf(n: int, df: np.ndarray) -> np.ndarray:
    """Inverse document frequency over ``n`` platforms, smoothed: ln((1 + n) / (1 + df)) + 1."""
    return (np.log((1.0 + n) / (1.0 + df)) + 1.0).astype(np.float32)



def tfidf_vector(prof: Profile, vocab: Mapping[str, int], idf: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``prof``'s L2-normalised tf-idf vector in ``vocab`` (columns, values); tokens the vocabulary has
    never seen cannot match anything and are left out. One definition for the analysis and the
    proposal check, so a proposal is scored exactly as a platform in the graph would be."""
    counts: dict[int, int] = {}
    for tok in tokens(prof):
        idx = vocab.get(tok)
        if idx is not None:
            counts[idx] = counts.get(idx, 0) + 1
    cols = np.fromiter(counts, dtype=np.int64, count=len(counts))
    vals = np.array([sublinear_tf(c) for c in counts.values()], dtype=np.float32) * idf[cols]
    norm = float(np.sqrt((vals * vals).sum())) or 1.0
    return cols, vals / norm

class DirectionVectors:
    """L2-normalised TF-IDF rows (sublinear tf, smoothed idf) for a list of profiles."""

    def __init__(self, profiles: Sequence[Profile]) -> None:
        vocab: dict[str, int] = {}
        indptr = [0]
        indices: list[int] = []
        data: list[float] = []
        for prof in profiles:
            counts: dict[int, int] = {}
            for tok in tokens(prof):
                idx = vocab.setdefault(tok, len(vocab))
                counts[idx] = counts.get(idx, 0) + 1
            indices.extend(counts)
            data.extend(sublinear_tf(c) for c in counts.values())
            indptr.append(len(indices))
        n = len(profiles)
        matrix = sparse.csr_matrix(
            (np.asarray(data, dtype=np.float32), np.asarray(indices, dtype=np.int64), np.asarray(indptr)),
            shape=(n, max(len(vocab), 1)),
        )
        df = np.bincount(matrix.indices, minlength=matrix.shape[1])
        self.df = df
        idf = smoothed_idf(n, df)
        self.idf = idf
        matrix = matrix @ sparse.diags(idf)
        norms = np.sqrt(np.asarray(matrix.multiply(matrix).sum(axis=1)).ravel())
        norms[norms == 0] = 1.0
        self.matrix: sparse.csr_matrix = sparse.csr_matrix(sparse.diags(1.0 / norms) @ matrix)
        self.index = {prof.key: i for i, prof in enumerate(profiles)}
        self.vocab = vocab

    def transform(self, prof: Profile) -> tuple[np.ndarray, np.ndarray]:
        """A new platform's L2-normalised tf-idf vector in this vocabulary (columns, values); tokens
        the graph has never seen cannot match anything and are left out."""
        return tfidf_vector(prof, self.vocab, self.idf)

    @property
    def columns(self) -> sparse.csc_matrix:
        """The matrix by column (built once): which rows hold a token, with their weights."""
        if getattr(self, "_columns", None) is None:
            self._columns = sparse.csc_matrix(self.matrix)
        return self._columns

    def cosine_many(self, rows_a: np.ndarray, rows_b: np.ndarray, chunk: int = 200_000) -> np.ndarray:
        """Cosine similarity of each (rows_a[i], rows_b[i]) pair, vectorised in chunks."""
        out = np.zeros(len(rows_a), dtype=np.float32)
        for start in range(0, len(rows_a), chunk):
            a = self.matrix[rows_a[start : start + chunk]]
            b = self.matrix[rows_b[start : start + chunk]]
            out[start : start + chunk] = np.asarray(a.multiply(b).sum(axis=1)).ravel()
        return np.clip(out, 0.0, 1.0)


@lru_cache(maxsize=8_192)
def _remembered_core(name: str, institution_spellings: tuple[str, ...]) -> str:
    """:func:`name_core` of a name and its spellings in the order given (so the same answer as the call
    it replaces). Why: a profile whose core is empty (a host-named 企业技术中心) had it recomputed for
    every pair it was worded in — the same platforms in check after check, ~5 % of a check's CPU."""
    return name_core(name, institution_spellings)


def shared_keywords(a: Profile, b: Profile, limit: int = 5) -> list[str]:
    """The concrete shared direction words: shared fields/topics first, then shared name fragments."""
    shared = [t for t in direction_terms(a) if t in b.terms]
    if len(shared) < limit:
        core_a = a.core or _remembered_core(a.name, tuple(a.institution_spellings))
        core_b = b.core or _remembered_core(b.name, tuple(b.institution_spellings))
        matcher = difflib.SequenceMatcher(None, core_a, core_b, autojunk=False)
        for block in matcher.get_matching_blocks():
            frag = core_a[block.a : block.a + block.size]
            if len(frag) >= 2 and not any(frag in s for s in shared):
                shared.append(frag)
    return shared[:limit]
