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
from collections.abc import Iterable, Sequence
from functools import lru_cache

import numpy as np
from scipy import sparse

from graph.names import normalize_name
from graph.reference import load_cities, load_taxonomy
from queries.overlap.profiles import NON_TEXT, Profile, direction_terms

# Words that say nothing about the research direction (type words, place, generic stems).
_GENERIC = (
    "广西壮族自治区", "广西", "自治区", "国家级", "国家", "中国", "省级", "市级", "省部共建",
    "工程技术研究中心", "工程研究中心", "技术创新中心", "企业技术中心", "重点实验室", "实验室",
    "研究中心", "研究院", "研究所", "中心", "基地", "平台", "有限公司", "股份", "集团", "大学",
    "学院", "公司", "科技", "技术", "研究", "工程",
)



@lru_cache(maxsize=1)
def _stop_phrases() -> tuple[str, ...]:
    """Type names and aliases, city names and generic words, longest first (removed from names)."""
    words: set[str] = set(_GENERIC)
    for ptype in load_taxonomy().types.values():
        words.add(ptype.key)
        words.update(ptype.aliases)
    for city in load_cities().values():
        words.add(city.key + "市")
        words.add(city.key)
    return tuple(sorted((normalize_name(w) for w in words if w), key=len, reverse=True))


def name_core(name: str, institution_spellings: Iterable[str] = ()) -> str:
    """The distinctive part of a platform name: without host/co-builder names, type words, places."""
    text = normalize_name(name, strip_short_name=False)
    for spelling in sorted({normalize_name(s, strip_short_name=False) for s in institution_spellings if s},
                           key=len, reverse=True):
        if len(spelling) >= 2:
            text = text.replace(spelling, " ")
    for phrase in _stop_phrases():
        text = text.replace(phrase, " ")
    return NON_TEXT.sub(" ", text).strip()


def _bigrams(text: str) -> list[str]:
    out: list[str] = []
    for chunk in text.split():
        if len(chunk) == 1:
            out.append(chunk)
        out.extend(chunk[i : i + 2] for i in range(len(chunk) - 1))
    return out


def tokens(prof: Profile) -> list[str]:
    """Bag of tokens: bigrams of the name core and of each keyword, plus each keyword whole."""
    toks = _bigrams(name_core(prof.name, prof.institution_spellings))
    for term in direction_terms(prof):
        toks.extend(_bigrams(term))
        toks.append("#" + term)
    return toks


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
            data.extend(1.0 + math.log(c) for c in counts.values())
            indptr.append(len(indices))
        n = len(profiles)
        matrix = sparse.csr_matrix(
            (np.asarray(data, dtype=np.float32), np.asarray(indices, dtype=np.int64), np.asarray(indptr)),
            shape=(n, max(len(vocab), 1)),
        )
        df = np.bincount(matrix.indices, minlength=matrix.shape[1])
        self.df = df
        idf = (np.log((1.0 + n) / (1.0 + df)) + 1.0).astype(np.float32)
        matrix = matrix @ sparse.diags(idf)
        norms = np.sqrt(np.asarray(matrix.multiply(matrix).sum(axis=1)).ravel())
        norms[norms == 0] = 1.0
        self.matrix: sparse.csr_matrix = sparse.csr_matrix(sparse.diags(1.0 / norms) @ matrix)
        self.index = {prof.key: i for i, prof in enumerate(profiles)}
        self.vocab = vocab

    def cosine_many(self, rows_a: np.ndarray, rows_b: np.ndarray, chunk: int = 200_000) -> np.ndarray:
        """Cosine similarity of each (rows_a[i], rows_b[i]) pair, vectorised in chunks."""
        out = np.zeros(len(rows_a), dtype=np.float32)
        for start in range(0, len(rows_a), chunk):
            a = self.matrix[rows_a[start : start + chunk]]
            b = self.matrix[rows_b[start : start + chunk]]
            out[start : start + chunk] = np.asarray(a.multiply(b).sum(axis=1)).ravel()
        return np.clip(out, 0.0, 1.0)


def shared_keywords(a: Profile, b: Profile, limit: int = 5) -> list[str]:
    """The concrete shared direction words: shared fields/topics first, then shared name fragments."""
    shared = [t for t in direction_terms(a) if t in b.terms]
    if len(shared) < limit:
        core_a = name_core(a.name, a.institution_spellings).replace(" ", "")
        core_b = name_core(b.name, b.institution_spellings).replace(" ", "")
        matcher = difflib.SequenceMatcher(None, core_a, core_b, autojunk=False)
        for block in matcher.get_matching_blocks():
            frag = core_a[block.a : block.a + block.size]
            if len(frag) >= 2 and not any(frag in s for s in shared):
                shared.append(frag)
    return shared[:limit]
