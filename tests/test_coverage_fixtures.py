"""A small graph for the coverage and plan tests (no tests here: shared builders), loaded through
the real ingest from the planners' tables (tests/graph_builder.py); the overlap groups an analysis
would write are planted (``CREATE_GROUP``), because the plan tests need exactly these groups.

Every expected figure in the tests is counted by hand from the tables below; see the comments.

Industries (reference data): 汽车及新能源汽车 (priority 1, cities 柳州 南宁; segments 整车制造, 动力电池,
汽车电子, 汽车零部件), 铝 (priority 2, cities 百色 来宾 南宁), 碳酸钙 (priority 3, cities 贺州 梧州).
"""

from __future__ import annotations

from typing import Any

from graph.store import Store
from tests.graph_builder import ingest_tables

# key, type, category, level, city, status, evaluation, established, host, industries, family
PLATFORMS = [
    ("P1", "国家技术创新中心", "innovation_transfer", "national", "柳州", "active", None, 2020, "H1", ["动力电池"], None),
    ("P2", "自治区重点实验室", "science_engineering", "regional", "南宁", "active", "良好", 2010, "H3",
     ["汽车及新能源汽车"], "laboratory"),
    ("P3", "科技资源共享服务平台", "basic_support", "regional", "柳州", "building", None, 2024, "H1", ["汽车电子"], None),
    ("P4", "技术创新中心", "innovation_transfer", "regional", "南宁", "active", "优秀", 2022, "H1", ["整车制造"],
     "engineering_centre"),
    ("P5", "技术创新中心", "innovation_transfer", "regional", "贺州", "active", None, 2018, "H2", ["碳酸钙"],
     "engineering_centre"),
    ("P6", "科技资源共享服务平台", "basic_support", "regional", "贺州", "active", None, 2016, "H2", ["重质碳酸钙"], None),
    ("P7", "自治区重点实验室", "science_engineering", "regional", "梧州", "revoked", None, 2012, "H3", ["碳酸钙"],
     "laboratory"),
    ("P8", "自治区重点实验室", "science_engineering", "regional", "贺州", "active", "合格", 2021, "H2", ["铝"],
     "laboratory"),
    ("P9", "工程技术研究中心", "innovation_transfer", "regional", "百色", "active", "不合格", 2014, "H4", ["铝"],
     "engineering_centre"),
    ("P10", "技术创新中心", "innovation_transfer", "regional", "南宁", "active", "良好", 2023, "H4", ["铝"],
     "engineering_centre"),
    ("P11", "野外科学观测研究站", "basic_support", "regional", "来宾", "building", None, 2015, "H4", ["铝"], None),
    ("P12", "众创空间", "innovation_transfer", "municipal", "玉林", "active", "整改", 2019, "H1", ["机械装备"],
     "incubation"),
    ("P13", "企业技术中心", "innovation_transfer", "regional", "柳州", "active", None, 2017, "H1", ["整车制造"],
     "engineering_centre"),
    ("P14", "技术创新中心", "innovation_transfer", "regional", "南宁", "revoked", None, 2019, "H4", ["铝"],
     "engineering_centre"),
    ("P15", "技术创新中心", "innovation_transfer", "regional", "南宁", "merged", None, 2021, "H4", ["铝"],
     "engineering_centre"),
]

NAMES = {row[0]: f"测试平台{row[0]}" for row in PLATFORMS}

INSTITUTIONS = [
    # key, name, kind, city, declared industries
    ("H1", "广西柳工机械股份有限公司", "enterprise", "柳州", ["汽车及新能源汽车"]),
    ("H2", "贺州学院", "university", "贺州", ["碳酸钙"]),
    ("H3", "广西大学", "university", "南宁", []),
    ("H4", "南南铝业", "enterprise", "南宁", ["铝"]),
]

# researcher key, name, title, works at, [(platform, role)]
RESEARCHERS = [
    ("R1", "张三", "教授", "H1", [("P1", "director"), ("P4", "core_member"), ("P13", "chief_scientist")]),
    ("R2", "李四", "副教授", "H3", [("P2", "core_member"), ("P5", "core_member")]),
    ("R3", "王五", "研究员", "H4", [("P10", "director")]),
    ("R4", "赵六", "副研究员", "H4", [("P10", "core_member")]),
]

TARGETS = [
    # type, level, year, new, integrated_or_revoked, total
    ("技术创新中心", "regional", 2025, 5, 1, 10),
    ("自治区重点实验室", "regional", 2025, 1, 0, 4),
    ("科技资源共享服务平台", None, 2025, 2, 0, 3),
]

LEVEL_ZH = {"national": "国家级", "regional": "自治区级", "municipal": "市级"}
STATUS_ZH = {"active": "运行", "building": "建设中", "revoked": "撤销", "merged": "整合"}
KIND_ZH = {"enterprise": "企业", "university": "高校"}
ROLE_ZH = {"director": "负责人", "core_member": "核心成员", "chief_scientist": "首席科学家"}
HOST_NAMES = {key: name for key, name, *_ in INSTITUTIONS}


def platform_rows(platforms: list[tuple[Any, ...]]) -> list[dict[str, Any]]:
    """平台 rows of ``platforms`` (category and family follow from the type, as the ingest derives them)."""
    return [{"编号": k, "平台名称": NAMES.get(k, f"测试平台{k}"), "平台类型": t, "级别": LEVEL_ZH[lv], "所在市": city,
             "状态": STATUS_ZH[st], "评估结果": ev, "认定年份": est, "依托单位": HOST_NAMES[host], "服务产业": inds}
            for k, t, _cat, lv, city, st, ev, est, host, inds, _fam in platforms]


def tables() -> dict[str, list[dict[str, Any]]]:
    return {
        "单位": [{"单位名称": n, "单位类型": KIND_ZH[kind], "所在市": c, "所属产业": inds}
                 for _k, n, kind, c, inds in INSTITUTIONS],
        "平台": platform_rows(PLATFORMS),
        "人才": [{"编号": k, "姓名": n, "职称": t, "工作单位": HOST_NAMES[i]} for k, n, t, i, _roles in RESEARCHERS],
        "平台人员": [{"平台": p, "人员": k, "角色": ROLE_ZH[role]} for k, *_rest, roles in RESEARCHERS
                     for p, role in roles],
        "建设目标": [{"平台类型": t, "级别": LEVEL_ZH[lv] if lv else None, "年份": y, "新建数量": n,
                      "优化整合或撤销淘汰数量": ior, "总保有量": tot} for t, lv, y, n, ior, tot in TARGETS],
    }


CREATE_GROUP = """
CREATE (g:OverlapGroup {key: $key, run: $run, recommendation: $rec, keep: $keep, size: size($members),
                        reasons_zh: $reasons_zh, reasons_en: $reasons_en})
WITH g
UNWIND $members AS m
MATCH (p:Platform {key: m})
CREATE (p)-[:IN_GROUP {run: $run}]->(g)
"""



def build_graph(store: Store, *, groups: bool = True) -> Store:
    """Load the graph through the ingest on top of ``clean_graph`` (reference data already loaded)."""
    ingest_tables(store, tables())
    if groups:
        # an older run's group that must be ignored, and the latest run's merge group P4 ⟵ P13
        store.write(CREATE_GROUP, {"key": "A1:1", "run": "A1", "rec": "merge", "keep": "P2", "members": ["P2", "P8"],
                                   "reasons_zh": ["旧"], "reasons_en": ["old"]})
        store.write(CREATE_GROUP, {"key": "A2:1", "run": "A2", "rec": "merge", "keep": "P4", "members": ["P4", "P13"],
                                   "reasons_zh": ["同一依托单位，类型同族（工程与技术中心类）"],
                                   "reasons_en": ["same host, near-duplicate types (engineering centres)"]})
    return store
