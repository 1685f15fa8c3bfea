"""viz.graphdata against the real Neo4j: neighbourhoods, name resolution, search, overview, groups.

``load_small_graph`` writes a small, hand-checked graph through parameterised Cypher (the shapes
of docs/graph-model.md, including an analysis's OverlapGroup + IN_GROUP + OVERLAPS and gap flags);
the explorer browser tests reuse it.
"""

from __future__ import annotations

import pytest

from graph.errors import UsageError
from graph.store import Store
from viz import graphdata

INSTITUTIONS = [
    {"key": "广西柳工机械股份有限公司", "name": "广西柳工机械股份有限公司", "kind": "enterprise",
     "sector": "industry", "city": "柳州", "aliases": ["柳工"], "alias_norms": ["广西柳工机械股份有限公司", "柳工"]},
    {"key": "广西大学", "name": "广西大学", "kind": "university", "sector": "academia", "city": "南宁",
     "aliases": [], "alias_norms": ["广西大学"]},
    {"key": "广西农业科学院", "name": "广西农业科学院", "kind": "institute", "sector": "research", "city": "南宁",
     "aliases": ["广西农科院"], "alias_norms": ["广西农业科学院", "广西农科院"]},
]
PLATFORMS = [
    {"key": "P001", "name": "广西工程机械工程研究中心", "type": "工程研究中心", "level": "regional",
     "category": "innovation_transfer", "family": "engineering_centre", "city": "柳州", "status": "active",
     "evaluation": "良好", "host": "广西柳工机械股份有限公司", "co": ["广西大学"], "industries": ["工程机械整机"],
     "fields": ["工程机械", "液压"]},
    {"key": "P002", "name": "广西工程机械技术创新中心", "type": "技术创新中心", "level": "regional",
     "category": "innovation_transfer", "family": "engineering_centre", "city": "柳州", "status": "active",
     "evaluation": "合格", "host": "广西柳工机械股份有限公司", "co": [], "industries": ["机械装备"],
     "fields": ["工程机械"]},
    {"key": "P003", "name": "广西甘蔗遗传改良重点实验室", "type": "自治区重点实验室", "level": "regional",
     "category": "science_engineering", "family": "laboratory", "city": "南宁", "status": "active",
     "evaluation": "优秀", "host": "广西大学", "co": [], "industries": ["甘蔗育种与种植"],
     "fields": ["甘蔗育种"]},
    {"key": "P004", "name": "广西糖业综合利用工程技术研究中心", "type": "工程技术研究中心", "level": "regional",
     "category": "innovation_transfer", "family": "engineering_centre", "city": "崇左", "status": "revoked",
     "evaluation": "不合格", "host": "广西农业科学院", "co": [], "industries": ["糖业综合利用"], "fields": []},
]
RESEARCHERS = [
    {"key": "R001", "name": "张伟", "institution": "广西柳工机械股份有限公司", "title": "正高级工程师",
     "platform": "P001", "role": "director"},
    {"key": "R002", "name": "李娜", "institution": "广西大学", "title": "教授", "platform": "P001",
     "role": "chief_scientist"},
    {"key": "R003", "name": "王强", "institution": "广西大学", "title": "教授", "platform": "P003", "role": "director"},
]
GROUP_KEY = "A20261127T000000Z-7f3a:1"
RUN_KEY = "A20261127T000000Z-7f3a"

LOAD_INSTITUTIONS = """
UNWIND $rows AS row
MERGE (i:Institution {key: row.key})
SET i.name = row.name, i.norm_name = row.key, i.kind = row.kind, i.sector = row.sector, i.city = row.city,
    i.aliases = row.aliases, i.alias_norms = row.alias_norms, i.aliases_text = reduce(s = '', a IN row.aliases | s + ' ' + a)
WITH i, row MATCH (c:City {key: row.city}) MERGE (i)-[:LOCATED_IN]->(c)
"""
LOAD_PLATFORMS = """
UNWIND $rows AS row
MERGE (p:Platform {key: row.key})
SET p.id = row.key, p.name = row.name, p.norm_name = row.name, p.type = row.type, p.level = row.level,
    p.category = row.category, p.family = row.family, p.city = row.city, p.status = row.status,
    p.evaluation = row.evaluation, p.fields = row.fields, p.established = 2015
WITH p, row
MATCH (h:Institution {key: row.host}) MERGE (p)-[:HOSTED_BY]->(h)
WITH p, row
MATCH (t:PlatformType {key: row.type}) MERGE (p)-[:OF_TYPE]->(t)
WITH p, row
MATCH (c:City {key: row.city}) MERGE (p)-[:LOCATED_IN]->(c)
WITH p, row
CALL (p, row) { UNWIND row.co AS co MATCH (i:Institution {key: co}) MERGE (p)-[:CO_BUILT_BY]->(i) }
CALL (p, row) { UNWIND row.industries AS ind MATCH (s:Industry {key: ind}) MERGE (p)-[:SERVES]->(s) }
CALL (p, row) { UNWIND row.fields AS f MERGE (t:Topic {key: f}) SET t.name = f MERGE (p)-[:ON_TOPIC]->(t) }
"""
LOAD_RESEARCHERS = """
UNWIND $rows AS row
MERGE (r:Researcher {key: row.key})
SET r.id = row.key, r.name = row.name, r.institution = row.institution, r.title = row.title
WITH r, row
MATCH (i:Institution {key: row.institution}) MERGE (r)-[:WORKS_AT]->(i)
WITH r, row
MATCH (p:Platform {key: row.platform}) MERGE (r)-[m:MEMBER_OF]->(p) SET m.role = row.role
"""
LOAD_ANALYSIS = """
MERGE (run:AnalysisRun {key: $run}) SET run.kind = 'overlap', run.status = 'completed'
MERGE (g:OverlapGroup {key: $group})
SET g.run = $run, g.recommendation = 'merge', g.keep = 'P001', g.size = 2,
    g.reasons_zh = ['同一依托单位', '近似类型（工程与技术中心类）'],
    g.reasons_en = ['same host', 'near-duplicate types (engineering centres)']
MERGE (g)-[:FROM_RUN]->(run)
WITH g
MATCH (a:Platform {key: 'P001'}), (b:Platform {key: 'P002'})
MERGE (a)-[:IN_GROUP {run: $run}]->(g)
MERGE (b)-[:IN_GROUP {run: $run}]->(g)
MERGE (a)-[o:OVERLAPS]->(b)
SET o.score = 0.82, o.run = $run, o.reasons_zh = ['同一依托单位'], o.reasons_en = ['same host']
SET a.overlap_group = $group, b.overlap_group = $group, a.overlap_run = $run, b.overlap_run = $run
WITH 1 AS one
MATCH (p3:Platform {key: 'P003'})
SET p3.single_sector = true, p3.sectors = ['academia'], p3.missing_sectors = ['industry', 'research', 'user'],
    p3.gap_run = $run
WITH 1 AS one
MATCH (u:Institution {key: '广西大学'}) SET u.broker = true, u.constraint = 0.31
"""


def load_small_graph(store: Store) -> None:
    """Write the small test graph (on top of the reference data of ``clean_graph``)."""
    store.write(LOAD_INSTITUTIONS, {"rows": INSTITUTIONS})
    store.write(LOAD_PLATFORMS, {"rows": PLATFORMS})
    store.write(LOAD_RESEARCHERS, {"rows": RESEARCHERS})
    store.write(LOAD_ANALYSIS, {"run": RUN_KEY, "group": GROUP_KEY})
    store.write("CALL db.awaitIndexes(60)")


@pytest.fixture
def small_graph(clean_graph: Store) -> Store:
    load_small_graph(clean_graph)
    return clean_graph


def _ids(graph: graphdata.Graph, kind: str) -> set[str]:
    return {n["id"] for n in graph.nodes if n["kind"] == kind}


def test_neighbourhood_of_platform_has_host_people_and_group(small_graph: Store) -> None:
    g = graphdata.neighbourhood(small_graph, "P001")
    assert g.center == "P001"
    assert _ids(g, "Institution") == {"广西柳工机械股份有限公司", "广西大学"}
    assert _ids(g, "Researcher") == {"R001", "R002"}
    assert _ids(g, "OverlapGroup") == {GROUP_KEY}
    assert _ids(g, "Platform") == {"P001", "P002"}
    edges = {(e["from"], e["type"], e["to"]) for e in g.edges}
    assert ("P001", "HOSTED_BY", "广西柳工机械股份有限公司") in edges
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
    assert graphdata.resolve_one(small_graph, "柳工")["key"] == "广西柳工机械股份有限公司"
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
    assert "广西柳工机械股份有限公司" in _ids(g, "Institution")
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
