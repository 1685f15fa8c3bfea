"""A small, hand-built graph (per docs/graph-model.md) for the API tests: every value the tests
assert is planted here, so a wrong query fails the test."""

from __future__ import annotations

from graph.store import Store

HOST_KEY = "91450200198230687E"  # 柳工 by credit code
GXU_KEY = "广西大学"
CHINESE_KEY = "智能农机实验室@regional"  # a platform without 编号: normalised name @ level

BUILD_GRAPH = """
MERGE (liugong:Institution {key: $host})
  SET liugong.name = '广西柳工机械股份有限公司', liugong.norm_name = '广西柳工机械股份有限公司',
      liugong.aliases = ['柳工'], liugong.alias_norms = ['广西柳工机械股份有限公司', '柳工'],
      liugong.aliases_text = '柳工', liugong.kind = 'enterprise', liugong.sector = 'industry',
      liugong.credit_code = $host, liugong.city = '柳州'
MERGE (gxu:Institution {key: $gxu})
  SET gxu.name = '广西大学', gxu.norm_name = '广西大学', gxu.aliases = ['西大'],
      gxu.alias_norms = ['广西大学', '西大'], gxu.aliases_text = '西大', gxu.kind = 'university',
      gxu.sector = 'academia', gxu.city = '南宁'
MERGE (a:Platform {key: 'P001'})
  SET a.id = 'P001', a.name = '广西工程机械工程研究中心', a.norm_name = '广西工程机械工程研究中心',
      a.type = '工程研究中心', a.level = 'regional', a.category = 'innovation_transfer',
      a.city = '柳州', a.status = 'active', a.established = 2015, a.fields = ['工程机械', '液压'],
      a.overlap_group = 'A1:1', a.overlap_run = 'A1'
MERGE (b:Platform {key: 'P002'})
  SET b.id = 'P002', b.name = '广西工程机械技术创新中心', b.norm_name = '广西工程机械技术创新中心',
      b.type = '技术创新中心', b.level = 'regional', b.category = 'innovation_transfer',
      b.city = '柳州', b.status = 'active', b.established = 2019, b.overlap_group = 'A1:1'
MERGE (c:Platform {key: $chinese})
  SET c.name = '智能农机实验室', c.norm_name = '智能农机实验室', c.type = '自治区重点实验室',
      c.level = 'regional', c.category = 'science_engineering', c.city = '南宁', c.status = 'building',
      c.established = 2023
MERGE (d:Platform {key: 'P004'})
  SET d.id = 'P004', d.name = '国家糖业工程技术研究中心', d.type = '国家工程研究中心', d.level = 'national',
      d.category = 'innovation_transfer', d.city = '南宁', d.status = 'active'
WITH liugong, gxu, a, b, c, d
MATCH (seg:Industry {key: '工程机械整机'}), (sugar:Industry {key: '蔗糖'}), (liuzhou:City {key: '柳州'})
MERGE (a)-[:HOSTED_BY]->(liugong)
MERGE (a)-[:CO_BUILT_BY]->(gxu)
MERGE (b)-[:HOSTED_BY]->(liugong)
MERGE (c)-[:HOSTED_BY]->(gxu)
MERGE (d)-[:HOSTED_BY]->(gxu)
MERGE (a)-[:SERVES]->(seg)
MERGE (b)-[:SERVES]->(seg)
MERGE (d)-[:SERVES]->(sugar)
MERGE (a)-[:LOCATED_IN]->(liuzhou)
MERGE (liugong)-[:IN_INDUSTRY]->(seg)
MERGE (t:Topic {key: '工程机械'}) SET t.name = '工程机械'
MERGE (a)-[:ON_TOPIC]->(t)
MERGE (r1:Researcher {key: 'R001'}) SET r1.name = '张伟', r1.title = '教授', r1.institution = $gxu
MERGE (r2:Researcher {key: 'R002'}) SET r2.name = '李娜', r2.title = '高级工程师', r2.institution = $host
MERGE (r1)-[:WORKS_AT]->(gxu)
MERGE (r2)-[:WORKS_AT]->(liugong)
MERGE (r1)-[:MEMBER_OF {role: 'director'}]->(a)
MERGE (r2)-[:MEMBER_OF {role: 'core_member'}]->(a)
MERGE (r2)-[:MEMBER_OF {role: 'director'}]->(b)
MERGE (gxu)-[:COLLABORATES_WITH {kind: 'project', year: 2022, count: 3, industry: '机械装备'}]->(liugong)
MERGE (gxu)-[:COLLABORATES_WITH {kind: 'patent', year: 2023, count: 2, industry: '机械装备'}]->(liugong)
MERGE (run:AnalysisRun {key: 'A1'})
  SET run.kind = 'all', run.status = 'completed', run.started = datetime('2026-01-01T00:00:00Z'),
      run.finished = datetime('2026-01-01T00:01:00Z'), run.summary = '{"overlap": {"pairs": 1}}'
MERGE (a)-[o:OVERLAPS]->(b)
  SET o.score = 0.82, o.run = 'A1', o.reasons_zh = ['同一依托单位', '研究方向相同'],
      o.reasons_en = ['same host', 'same research direction'],
      o.signals = '[{"signal": "institutions", "score": 1.0, "detail_zh": "同一依托单位", "detail_en": "same host"}]'
MERGE (g:OverlapGroup {key: 'A1:1'})
  SET g.run = 'A1', g.recommendation = 'merge', g.keep = 'P001', g.size = 2,
      g.reasons_zh = ['同一依托单位的同族平台'], g.reasons_en = ['same-family platforms of one host']
MERGE (a)-[:IN_GROUP {run: 'A1'}]->(g)
MERGE (b)-[:IN_GROUP {run: 'A1'}]->(g)
MERGE (g)-[:FROM_RUN]->(run)
"""


def build_small_graph(store: Store) -> None:
    """Plant the small graph on top of the reference data (call after ``clean_graph``)."""
    store.write(BUILD_GRAPH, {"host": HOST_KEY, "gxu": GXU_KEY, "chinese": CHINESE_KEY})
    # The full-text index is eventually consistent: wait until it has caught up.
    store.write("CALL db.index.fulltext.awaitEventuallyConsistentIndexRefresh()")
