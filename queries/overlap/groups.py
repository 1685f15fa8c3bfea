"""Groups of overlapping platforms and what to do with each: merge, refocus or review.

Groups are the connected components (networkx) of the reported overlap pairs. The recommendation
follows the planners' own vocabulary (优化调整: 整合 / 调整方向) and is explained:

- **merge** (整合): every overlap in the group duplicates content — a similar research direction or
  the same team. The platform that should absorb the others ranks first on level (national >
  ministerial > regional > departmental > municipal), then evaluation grade (优秀 > 良好 > 合格 > 未评估 > 整改 > 不合格), then
  size (people), then age (older first).
- **integrate** (一体化管理/统筹): every overlap in the group is 一平台多牌子 — one host running the
  same core topic under several types or levels (a national and a regional clinical centre of one
  hospital on one disease; a key lab and an engineering centre with the same core). Such badges are
  granted by different departments or at different levels and cannot simply be merged; the host
  should run them as one team with one plan and one evaluation.
- **refocus** (调整方向): all share one host but their directions are only partly alike — the host
  runs several platforms on neighbouring subjects; each should sharpen its own positioning.
- **review** (人工核查): anything else (cross-host overlap without strong content duplication).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import networkx as nx

from graph.reference import LEVEL_NAMES
from queries.overlap.profiles import Profile
from queries.overlap.signals import DUPLICATE, MULTI_BRAND, PairScore

STRONG_CONTENT = 0.6  # direction or people at or above this = the same work done twice


@dataclass
class Group:
    members: list[str]
    recommendation: str
    keep: str
    reasons_zh: list[str] = field(default_factory=list)
    reasons_en: list[str] = field(default_factory=list)
    relation: str = DUPLICATE


def _content(pair: PairScore) -> float:
    return max(pair.parts["direction"] or 0.0, pair.parts["people"] or 0.0)


def _keep_reason(keep: Profile) -> tuple[str, str]:
    level_zh, level_en = LEVEL_NAMES.get(keep.level or "", ("级别未知", "unknown level"))
    grade_zh = keep.evaluation or "未评估"
    grade_en = keep.evaluation or "not evaluated"
    year = keep.established or "?"
    return (
        f"由「{keep.name}」牵头整合：{level_zh}，评估{grade_zh}，{keep.size} 名人员，{year} 年认定",
        f"'{keep.name}' should absorb the others: {level_en}, evaluation {grade_en}, "
        f"{keep.size} people, recognised {year}",
    )


def build_groups(pairs: list[PairScore], profiles: dict[str, Profile]) -> list[Group]:
    """Connected components of the pairs, largest first, each with a recommendation and reasons."""
    graph = nx.Graph()
    for pair in pairs:
        graph.add_edge(pair.a, pair.b, pair=pair)
    groups: list[Group] = []
    for component in nx.connected_components(graph):
        members = sorted(component)
        edges = [data["pair"] for _, _, data in graph.subgraph(members).edges(data=True)]
        hosts = {profiles[m].host for m in members}
        same_host = len(hosts) == 1 and None not in hosts
        strong = all(_content(e) >= STRONG_CONTENT for e in edges)
        keep = max(members, key=lambda m: (profiles[m].keep_rank(), _neg_key(m)))
        strongest = max(edges, key=lambda e: e.score)
        top_zh = "；".join(s.detail_zh for s in strongest.signals[:3])
        top_en = "; ".join(s.detail_en for s in strongest.signals[:3])
        if all(e.relation == MULTI_BRAND for e in edges):
            rec = "integrate"
            host = profiles[members[0]].institutions.get(profiles[members[0]].host or "", "")
            badges = "、".join(sorted({f"{profiles[m].type or '?'}" for m in members}))
            zh = [f"一平台多牌子：「{host}」以同一核心方向挂 {len(members)} 块牌子（{badges}），"
                  f"属交叉重复，建议一体化管理、统筹建设与考核（不跨级别、跨部门撤并）：{top_zh}"]
            en = [f"one platform, several badges: '{host}' runs {len(members)} badges on one core topic "
                  f"({badges}); manage them as one (一体化管理/统筹), with one plan and one evaluation, "
                  f"rather than merging across levels or departments: {top_en}"]
        elif strong:
            rec = "merge"
            zh = [f"{len(members)} 个平台内容高度重复（研究方向或人员）：{top_zh}"]
            en = [f"{len(members)} platforms duplicate each other's content (direction or people): {top_en}"]
            kz, ke = _keep_reason(profiles[keep])
            zh.append(kz)
            en.append(ke)
        elif same_host:
            rec = "refocus"
            host = profiles[members[0]].institutions.get(profiles[members[0]].host or "", "")
            zh = [f"同一依托单位「{host}」下 {len(members)} 个平台方向部分重叠，建议明确各自定位：{top_zh}"]
            en = [f"{len(members)} platforms of the same host '{host}' partly overlap; each should "
                  f"sharpen its own direction: {top_en}"]
        else:
            rec = "review"
            zh = [f"{len(members)} 个平台跨单位部分重叠，证据不足以直接整合，建议人工核查：{top_zh}"]
            en = [f"{len(members)} platforms of different hosts partly overlap; not enough evidence to "
                  f"merge outright, review by hand: {top_en}"]
        relation = MULTI_BRAND if rec == "integrate" else DUPLICATE
        groups.append(Group(members, rec, keep, zh, en, relation))
    groups.sort(key=lambda g: (-len(g.members), g.members[0]))
    return groups


def _neg_key(key: str) -> tuple[int, ...]:
    # ties go to the smallest key (deterministic): max() over (rank, reversed key order)
    return tuple(-ord(c) for c in key)
