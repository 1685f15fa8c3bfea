"""The hand-built coverage graph (tests/test_coverage_fixtures.py) plus what the plan policy needs:
evaluation histories, a same-department merge, a legacy platform, a national platform and a
university lab of the education department with failing grades. Every expectation is by hand:

* P8 自治区重点实验室: 2021 整改, 2022 整改通过 → continues as 合格 (no list);
* P2 自治区重点实验室: 2025 整改 → 限期整改 (due 2026);
* P5 技术创新中心: 2024 整改 → 2025 整改不通过 → 撤销淘汰 (evaluation_failed);
* P16 国家工程技术研究中心 不合格 (national) → recommendations to the national department, never retired;
* P17 高校重点实验室 (自治区教育厅) 不合格 → coordination list;
* P18 工程技术研究中心 (legacy, 科技厅) → 优化调整: 转建 技术创新中心;
* P19 技术创新中心 and P10 技术创新中心 (both 科技厅): merge group A2:2 keep P10 → 优化调整;
  P20 众创空间 (科技厅, 整改) joins that group too and is absorbed (one line: not in 限期整改);
* A2:1 (P4 科技厅 + P13 工信厅) → coordination (a merge never spans departments).
"""

from __future__ import annotations

from graph.store import Store
from tests.graph_builder import ingest_tables
from tests.test_coverage_fixtures import CREATE_GROUP, build_graph, platform_rows

EXTRA_PLATFORMS = [
    ("P16", "国家工程技术研究中心", "innovation_transfer", "national", "南宁", "active", "不合格", 2005, "H4", ["铝"],
     "engineering_centre"),
    ("P17", "高校重点实验室", "science_engineering", "regional", "南宁", "active", "不合格", 2012, "H3",
     ["汽车及新能源汽车"], "laboratory"),
    ("P18", "工程技术研究中心", "innovation_transfer", "regional", "柳州", "active", "良好", 2012, "H1",
     ["汽车零部件"], "engineering_centre"),
    ("P19", "技术创新中心", "innovation_transfer", "regional", "南宁", "active", "合格", 2020, "H4", ["铝"],
     "engineering_centre"),
    ("P20", "众创空间", "innovation_transfer", "regional", "南宁", "active", "整改", 2019, "H4", ["铝"],
     "incubation"),
]
EVALUATIONS = [
    ("P8", 2021, "整改"), ("P8", 2022, "整改通过"),
    ("P2", 2025, "整改"),
    ("P5", 2024, "整改"), ("P5", 2025, "整改不通过"),
]
def policy_graph(store: Store) -> Store:
    build_graph(store)
    ingest_tables(store, {"平台": platform_rows(EXTRA_PLATFORMS),
                          "评估记录": [{"平台": p, "评估年份": y, "评估结果": r} for p, y, r in EVALUATIONS]})
    store.write(CREATE_GROUP, {"key": "A2:2", "run": "A2", "rec": "merge", "keep": "P10",
                               "members": ["P10", "P19", "P20"], "reasons_zh": ["同一依托单位，服务同一产业"],
                               "reasons_en": ["same host, same industry"]})
    return store
