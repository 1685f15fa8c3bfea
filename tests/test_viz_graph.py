"""viz.graphdata against the real Neo4j: neighbourhoods, name resolution, search, overview, groups.

The graph is tests/viz_fixtures.py's (loaded through the real ingest, plus a planted analysis
write-back); the explorer browser, offline-page and export tests use it too.
"""

from __future__ import annotations

import pytest

from graph.errors import UsageError
from graph.store import Store
from tests.viz_fixtures import GROUP_KEY, LIUGONG, load_small_graph
from viz import graphdata


@pytest.fixture
def small_graph(clean_graph: Store) -> Store:
    load_small_graph(clean_graph)
    return clean_graph


def _ids(graph: graphdata.Graph, kind: str) -> set[str]:
    return {n["id"] for n in graph.nodes if n["kind"] == kind}


def test_neighbourhood_of_platform_has_host_people_and_group(small_graph: Store) -> None:
    g = graphdata.neighbourhood(small_graph, "P001")
    assert g.center == "P001"
    assert _ids(g, "Institution") == {LIUGONG, "广西大学"}
    assert _ids(g, "Researcher") == {"R001", "R002"}
    assert _ids(g, "OverlapGroup") == {GROUP_KEY}
    assert _ids(g, "Platform") == {"P001", "P002"}
    edges = {(e["from"], e["type"], e["to"]) for e in g.edges}
    assert ("P001", "HOSTED_BY", LIUGONG) in edges
    assert ("R002", "MEMBER_OF", "P001") in edges
    # induced edges between neighbours are drawn too (a member works at the co-builder)
    assert ("R002", "WORKS_AT", "广西大学") in edges
    member = next(e for e in g.edges if e["from"] == "R001" and e["type"] == "MEMBER_OF")
    assert member["properties"]["role"] == "director"
    platform = next(n for n in g.nodes if n["id"] == "P001")
    assert platform["label"] == "广西工程机械工程研究中心" and platform["group"] == "innovation_transfer"
    assert "norm_name" not in platform["properties"]


def test_neighbourhood_limit_and_truncation(small_graph: Store) -> None:
    g = graphdata.neighbourhood(small_graph, "P001", limit=2)
    assert g.truncated and len(g.nodes) == 3
    deep = graphdata.neighbourhood(small_graph, "P003", depth=2)
    assert "P001" in _ids(deep, "Platform")  # P003 → 广西大学 → P001 (co-builder)
    with pytest.raises(UsageError):
        graphdata.neighbourhood(small_graph, "no-such-key")
    with pytest.raises(UsageError):
        graphdata.neighbourhood(small_graph, "P001", depth=3)


def test_english_labels(small_graph: Store) -> None:
    g = graphdata.neighbourhood(small_graph, "P001", lang="en")
    city = next(n for n in g.nodes if n["kind"] == "City")
    assert city["label"] == "Liuzhou"


def test_resolve_by_name_alias_and_ambiguity(small_graph: Store) -> None:
    assert graphdata.resolve_one(small_graph, "柳工")["key"] == LIUGONG
    assert graphdata.resolve_one(small_graph, "广西甘蔗遗传改良重点实验室")["key"] == "P003"
    assert graphdata.resolve_one(small_graph, GROUP_KEY)["kind"] == "OverlapGroup"
    with pytest.raises(UsageError, match="找不到"):
        graphdata.resolve_one(small_graph, "不存在的平台名称")
    small_graph.write("CREATE (:Researcher {key: 'R009', name: '张伟', institution: '广西大学'})")
    with pytest.raises(UsageError, match="多个"):
        graphdata.resolve_one(small_graph, "张伟")


def test_search_suggestions(small_graph: Store) -> None:
    hits = graphdata.search(small_graph, "工程机械")
    assert {"P001", "P002"} <= {h["id"] for h in hits}
    assert graphdata.search(small_graph, "李娜")[0]["id"] == "R002"
    # one CJK character has no bigram: the name scan still finds it
    assert "R003" in {h["id"] for h in graphdata.search(small_graph, "强")}
    # Lucene syntax is searched for, not parsed
    assert graphdata.search(small_graph, 'AND OR ( [ " \\') == []


def test_overlap_group_subgraph(small_graph: Store) -> None:
    g = graphdata.overlap_group(small_graph, GROUP_KEY)
    assert g.center == GROUP_KEY
    assert {"P001", "P002"} <= _ids(g, "Platform")
    assert ("P001", "OVERLAPS", "P002") in {(e["from"], e["type"], e["to"]) for e in g.edges}
    assert LIUGONG in _ids(g, "Institution")
    with pytest.raises(UsageError):
        graphdata.overlap_group(small_graph, "nope:1")


def test_industry_subgraph(small_graph: Store) -> None:
    g = graphdata.industry(small_graph, "蔗糖")
    assert "P003" in _ids(g, "Platform") and "P004" in _ids(g, "Platform")
    assert {"蔗糖", "甘蔗育种与种植", "糖业综合利用"} <= _ids(g, "Industry")
    assert "广西大学" in _ids(g, "Institution")
    assert graphdata.industry(small_graph, "工程机械").center == "机械装备"  # an alias


def test_overview_aggregates(small_graph: Store) -> None:
    g = graphdata.overview(small_graph)
    edges = {(e["from"], e["to"]): e["properties"]["platforms"] for e in g.edges}
    # P001 serves a segment of 机械装备, P002 机械装备 itself: both count for 机械装备
    assert edges[("机械装备", "innovation_transfer")] == 2
    assert edges[("机械装备", "柳州")] == 2
    assert edges[("蔗糖", "science_engineering")] == 1
    # P004 is revoked: not counted
    assert ("蔗糖", "崇左") not in edges
    one = graphdata.overview(small_graph, "蔗糖")
    assert {(e["from"], e["to"]) for e in one.edges} == {("甘蔗育种与种植", "science_engineering"),
                                                         ("甘蔗育种与种植", "南宁")}
    assert len(g.nodes) + len(g.edges) < 100


def test_nodes_by_keys(small_graph: Store) -> None:
    g = graphdata.nodes_by_keys(small_graph, [{"id": "P001", "kind": "Platform"}, {"id": "R001", "kind": "Researcher"}])
    assert {n["id"] for n in g.nodes} == {"P001", "R001"}
    assert [e["type"] for e in g.edges] == ["MEMBER_OF"]
    with pytest.raises(UsageError):
        graphdata.nodes_by_keys(small_graph, [{"id": "x", "kind": "Evil` DETACH DELETE n //"}])
