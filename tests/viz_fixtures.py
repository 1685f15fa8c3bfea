"""The small graph of the viz and explorer tests: four platforms of two industries (机械装备 and 蔗糖),
three institutions, three researchers, loaded through the real ingest from the planners' tables
(tests/graph_builder.py), plus one planted analysis write-back — an OverlapGroup with IN_GROUP and
OVERLAPS, a gap flag and a broker — because the ingest cannot produce analysis results and the
tests assert their exact values (docs/graph-model.md has the shapes)."""

from __future__ import annotations

from graph.store import Store
from tests.graph_builder import ingest_tables

GROUP_KEY = "A20261127T000000Z-7f3a:1"
RUN_KEY = "A20261127T000000Z-7f3a"
LIUGONG = "广西柳工机械股份有限公司"  # no credit code: institutions are keyed by their normalised name

TABLES = {
    "单位": [
        {"单位名称": LIUGONG, "单位类型": "企业", "所在市": "柳州", "别名": ["柳工"]},
        {"单位名称": "广西大学", "单位类型": "高校", "所在市": "南宁"},
        {"单位名称": "广西农业科学院", "单位类型": "科研院所", "所在市": "南宁", "别名": ["广西农科院"]},
    ],
    "平台": [
        {"编号": "P001", "平台名称": "广西工程机械工程研究中心", "平台类型": "工程研究中心", "级别": "自治区级",
         "依托单位": LIUGONG, "共建单位": ["广西大学"], "所在市": "柳州", "认定年份": 2015, "状态": "运行",
         "评估结果": "良好", "服务产业": ["工程机械整机"], "研究方向": ["工程机械", "液压"]},
        {"编号": "P002", "平台名称": "广西工程机械技术创新中心", "平台类型": "技术创新中心", "级别": "自治区级",
         "依托单位": "柳工", "所在市": "柳州", "认定年份": 2015, "状态": "运行", "评估结果": "合格",
         "服务产业": ["机械装备"], "研究方向": ["工程机械"]},
        {"编号": "P003", "平台名称": "广西甘蔗遗传改良重点实验室", "平台类型": "自治区重点实验室", "级别": "自治区级",
         "依托单位": "广西大学", "所在市": "南宁", "认定年份": 2015, "状态": "运行", "评估结果": "优秀",
         "服务产业": ["甘蔗育种与种植"], "研究方向": ["甘蔗育种"]},
        {"编号": "P004", "平台名称": "广西糖业综合利用工程技术研究中心", "平台类型": "工程技术研究中心",
         "级别": "自治区级", "依托单位": "广西农科院", "所在市": "崇左", "认定年份": 2015, "状态": "撤销",
         "评估结果": "不合格", "服务产业": ["糖业综合利用"]},
    ],
    "人才": [
        {"编号": "R001", "姓名": "张伟", "工作单位": LIUGONG, "职称": "正高级工程师"},
        {"编号": "R002", "姓名": "李娜", "工作单位": "广西大学", "职称": "教授"},
        {"编号": "R003", "姓名": "王强", "工作单位": "广西大学", "职称": "教授"},
    ],
    "平台人员": [
        {"平台": "P001", "人员": "R001", "角色": "负责人"},
        {"平台": "P001", "人员": "R002", "角色": "首席科学家"},
        {"平台": "P003", "人员": "R003", "角色": "负责人"},
    ],
}

# What an analysis run would write back, with planted values the tests assert.
PLANT_ANALYSIS = """
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
    """Load the small graph (on top of the reference data) and plant the analysis write-back."""
    ingest_tables(store, TABLES)
    store.write(PLANT_ANALYSIS, {"run": RUN_KEY, "group": GROUP_KEY})
