"""The small graph of the API tests: four platforms, two institutions, two researchers, loaded
through the real ingest from the planners' tables (tests/graph_builder.py), plus one planted
analysis write-back (run ``A1``: one overlapping pair with a known score and its group) — the
ingest cannot produce analysis results, and the tests assert their exact values. Every value the
tests assert is planted here, so a wrong query fails the test."""

from __future__ import annotations

from graph.store import Store
from tests.graph_builder import ingest_tables

HOST_KEY = "914502001982306879"  # 柳工, keyed by its credit code
GXU_KEY = "广西大学"  # no credit code: keyed by name
CHINESE_KEY = "智能农机实验室@regional"  # a platform without 编号: normalised name @ level

TABLES = {
    "单位": [
        {"单位名称": "广西柳工机械股份有限公司", "单位类型": "企业", "统一社会信用代码": HOST_KEY, "所在市": "柳州",
         "别名": ["柳工"], "所属产业": ["工程机械整机"]},
        {"单位名称": "广西大学", "单位类型": "高校", "所在市": "南宁", "别名": ["西大"]},
    ],
    "平台": [
        {"编号": "P001", "平台名称": "广西工程机械工程研究中心", "平台类型": "工程研究中心", "级别": "自治区级",
         "依托单位": "柳工", "共建单位": ["广西大学"], "所在市": "柳州", "认定年份": 2015, "状态": "运行",
         "研究方向": ["工程机械", "液压"], "服务产业": ["工程机械整机"]},
        {"编号": "P002", "平台名称": "广西工程机械技术创新中心", "平台类型": "技术创新中心", "级别": "自治区级",
         "依托单位": "广西柳工机械股份有限公司", "所在市": "柳州", "认定年份": 2019, "状态": "运行",
         "服务产业": ["工程机械整机"]},
        {"平台名称": "智能农机实验室", "平台类型": "自治区重点实验室", "级别": "自治区级", "依托单位": "广西大学",
         "所在市": "南宁", "认定年份": 2023, "状态": "建设中"},
        {"编号": "P004", "平台名称": "国家糖业工程技术研究中心", "平台类型": "国家工程研究中心", "级别": "国家级",
         "依托单位": "西大", "所在市": "南宁", "状态": "运行", "服务产业": ["蔗糖"]},
    ],
    "人才": [
        {"编号": "R001", "姓名": "张伟", "工作单位": "广西大学", "职称": "教授"},
        {"编号": "R002", "姓名": "李娜", "工作单位": "柳工", "职称": "高级工程师"},
    ],
    "平台人员": [
        {"平台": "P001", "人员": "R001", "角色": "负责人"},
        {"平台": "P001", "人员": "R002", "角色": "核心成员"},
        {"平台": "P002", "人员": "R002", "角色": "负责人"},
    ],
    "合作": [
        {"单位甲": "广西大学", "单位乙": "柳工", "合作类型": "合作项目", "年份": 2022, "次数": 3, "产业": "机械装备"},
        {"单位甲": "广西大学", "单位乙": "柳工", "合作类型": "联合专利", "年份": 2023, "次数": 2, "产业": "机械装备"},
    ],
}

# The analysis write-back the tests read (what ``platgraph analyze`` would write, with planted values).
PLANT_ANALYSIS = """
MATCH (a:Platform {key: 'P001'}), (b:Platform {key: 'P002'})
SET a.overlap_group = 'A1:1', a.overlap_run = 'A1', b.overlap_group = 'A1:1', b.overlap_run = 'A1'
WITH a, b
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
    """Load the small graph on top of the reference data (GraphState.use does both), then plant
    the analysis write-back."""
    ingest_tables(store, TABLES)
    store.write(PLANT_ANALYSIS)
