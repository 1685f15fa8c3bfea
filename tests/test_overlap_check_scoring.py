"""The proposal check's all-candidates-at-once scoring (queries/overlap/check_scoring.py) gives the
pairs of the per-pair path (queries/overlap/analysis.py ``score_candidates``) bit for bit: same
partners, scores, signal parts, guards, relations, name levels and worded reasons.

Why random graphs in memory and not Neo4j: the two functions take profiles, and the point is to
cover every branch of the signals and guards (hosts known or not, one host written two ways, shared
co-builders, teams, declared fields or names only, served industries and chain segments, types and
their counterparts, cities, field stations, rare and common cores, thesaurus topics) many times over —
hundreds of proposals against a few hundred platforms, in seconds. The check's path from Neo4j to the
answer is tested in tests/test_overlap_check_index.py and tests/test_overlap_proposal.py.
"""

from __future__ import annotations

import random

import numpy as np
import pytest

from queries.overlap.analysis import score_candidates
from queries.overlap.check_scoring import score_proposal
from queries.overlap.profiles import Profile, add_industry
from queries.overlap.proposal import PROPOSAL_KEY
from queries.overlap.proposal_index import CheckIndex
from queries.overlap.signals import THRESHOLD, PairScore
from queries.overlap.text import prepare

TOPICS = ["甘蔗育种", "甘蔗遗传育种", "水牛繁育", "家畜", "生猪", "铝合金加工", "铝精深加工", "土方机械", "装载机",
          "工程机械", "地中海贫血防治", "正极材料", "负极材料", "智能制造", "新材料", "茶叶加工", "芒果保鲜",
          "北部湾海洋", "深远海养殖", "稀土材料", "中药资源", "壮医药", "非粮生物质", "动力电池", "整车制造"]
TYPES = ["自治区重点实验室", "工程技术研究中心", "国家工程技术研究中心", "技术创新中心", "国家技术创新中心",
         "临床医学研究中心", "国家临床医学研究中心", "野外科学观测研究站", "国家野外科学观测研究站", "企业技术中心",
         "新型研发机构", "众创空间"]
HOSTS = {f"H{i}": name for i, name in enumerate(
    ["广西大学", "广西医科大学", "广西柳工机械股份有限公司", "广西柳工机械集团有限公司", "广西玉柴机器股份有限公司",
     "广西农业科学院", "桂林理工大学", "广西中医药大学", "来宾达晨糖业发展有限公司", "广西北部湾大学"])}
CITIES = ["南宁", "柳州", "桂林", "北海", "来宾"]
FIELDS = ["甘蔗", "育种", "水牛", "铝合金", "工程机械", "地中海贫血", "锂电池", "智能制造", "茶叶", "海洋生态"]
INDUSTRIES = [("汽车及新能源汽车", "industry", None), ("整车制造", "segment", "汽车及新能源汽车"),
              ("动力电池", "segment", "汽车及新能源汽车"), ("机械装备", "industry", None)]


def random_profile(rng: random.Random, key: str) -> Profile:
    """A platform with each attribute present or missing at random (sparse lists and full ones)."""
    from graph.reference import load_taxonomy

    type_ = rng.choice(TYPES + [None])
    host = rng.choice([*HOSTS, None, None])
    topic = rng.choice(TOPICS)
    name = f"广西{topic}{type_ or '研究中心'}" if rng.random() < 0.9 else f"{HOSTS.get(host or '', '某某公司')}技术中心"
    prof = Profile(key=key, name=name, type=type_, family=load_taxonomy().family_of(type_) if type_ else None,
                   level=rng.choice(["regional", "national", None]), city=rng.choice([*CITIES, None]), host=host)
    institutions = ([host] if host else []) + rng.sample(list(HOSTS), rng.choice([0, 0, 1, 2]))
    for inst in institutions:
        prof.institutions[inst] = HOSTS[inst]
        prof.institution_spellings.add(HOSTS[inst])
    if rng.random() < 0.5:
        prof.fields = rng.sample(FIELDS, rng.randint(1, 4))
    if rng.random() < 0.4:
        for n in rng.sample(range(12), rng.randint(1, 4)):
            prof.people[f"R{n}"] = f"人员{n}"
        if rng.random() < 0.5:
            prof.director_keys.add(next(iter(prof.people)))
    if rng.random() < 0.3:
        for ind, level, parent in rng.sample(INDUSTRIES, rng.randint(1, 2)):
            add_industry(prof, ind, level, parent)
    return prof


def both_ways(index: CheckIndex, prof: Profile, threshold: float, explain_top: int | None) -> tuple[list, list]:
    prepare([prof], index.core_counts, len(index))
    cols, vals = index.transform(prof)
    cand, cosines = index.candidates(prof, cols, vals)
    old = score_candidates([prof], None, np.zeros(len(cand), dtype=np.int64), cand, threshold, others=index.rows,  # type: ignore[arg-type]
                           cosines=cosines, explain_top=explain_top)
    new = score_proposal(prof, [index.rows[r] for r in cand.tolist()], cosines, threshold,
                         explain_top=explain_top)
    return old, new


def view(pairs: list[PairScore]) -> list[tuple]:
    return [(p.a, p.b, p.score, p.parts, p.guard, p.relation, p.name_level, [s.as_dict() for s in p.signals])
            for p in pairs]


@pytest.mark.parametrize(("seed", "size"), [(1, 400), (2, 40), (3, 12)])
def test_all_at_once_scoring_is_the_per_pair_scoring(seed: int, size: int) -> None:
    """400 platforms: common cores and topics; 40 and 12: rarer ones (the sparse-evidence exceptions)."""
    rng = random.Random(seed)
    index = CheckIndex({f"P{n:04d}": random_profile(rng, f"P{n:04d}") for n in range(size)})
    compared = reported = 0
    for n in range(150):
        prof = random_profile(rng, PROPOSAL_KEY)
        if n % 3 == 0:  # a copy of an existing platform (its name, host and more): strong pairs
            other = index.ordered[rng.randrange(len(index))]
            fields = {k: v for k, v in other.__dict__.items() if k != "terms"}  # not the cached keywords
            prof = Profile(**{**fields, "key": PROPOSAL_KEY, "core": ""})
        for threshold, explain_top in ((THRESHOLD, 10), (0.0, None), (0.2, 3)):
            old, new = both_ways(index, prof, threshold, explain_top)
            assert view(new) == view(old), (n, threshold)
            compared += 1
            reported += len(old)
    assert compared == 450 and reported > 50  # every branch met many times, pairs above and below


def test_no_candidates_no_pairs() -> None:
    assert score_proposal(Profile(key=PROPOSAL_KEY, name="x"), [], np.zeros(0, dtype=np.float32), THRESHOLD) == []


def test_a_rare_topic_with_a_host_unknown_is_scored_alike() -> None:
    """The sparse-evidence exception the random graphs rarely meet: a host unknown, no shared
    character in the cores, one rare thesaurus topic (水牛 / 家畜) — reported, by both paths."""
    def lab(key: str, name: str, host: str | None) -> Profile:
        p = Profile(key=key, name=name, type="自治区重点实验室", family="laboratory", level="regional", host=host)
        if host:
            p.institutions, p.institution_spellings = {host: HOSTS[host]}, {HOSTS[host]}
        return p

    index = CheckIndex({"B": lab("B", "广西家畜遗传改良重点实验室", "H5"), "C": lab("C", "广西茶叶加工重点实验室", "H0"),
                        "D": lab("D", "广西芒果保鲜重点实验室", None)})
    old, new = both_ways(index, lab(PROPOSAL_KEY, "广西水牛遗传繁育重点实验室", None), THRESHOLD, None)
    assert [p.name_level for p in old] == ["topic"] and view(new) == view(old)
