"""A small hand-built graph for the coverage and plan tests (no tests here: shared builders).

Every expected figure in the tests is counted by hand from the tables below; see the comments.

Industries (reference data): 汽车及新能源汽车 (priority 1, cities 柳州 南宁; segments 整车制造, 动力电池,
汽车电子, 汽车零部件), 铝 (priority 2, cities 百色 来宾 南宁), 碳酸钙 (priority 3, cities 贺州 梧州).
"""

from __future__ import annotations

from graph.store import Store

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

CREATE_INSTITUTIONS = """
UNWIND $rows AS row
CREATE (i:Institution {key: row.key, name: row.name, norm_name: row.name, kind: row.kind, city: row.city,
                       sector: CASE row.kind WHEN 'enterprise' THEN 'industry' ELSE 'academia' END})
WITH i, row
UNWIND row.industries AS ind
MATCH (x:Industry {key: ind})
CREATE (i)-[:IN_INDUSTRY]->(x)
"""

CREATE_PLATFORMS = """
UNWIND $rows AS row
CREATE (p:Platform {key: row.key, id: row.key, name: row.name, type: row.type, category: row.category,
                    level: row.level, city: row.city, status: row.status, evaluation: row.evaluation,
                    established: row.established, family: row.family})
WITH p, row
MATCH (h:Institution {key: row.host}), (c:City {key: row.city}), (t:PlatformType {key: row.type})
CREATE (p)-[:HOSTED_BY]->(h), (p)-[:LOCATED_IN]->(c), (p)-[:OF_TYPE]->(t)
WITH p, row
UNWIND row.industries AS ind
MATCH (x:Industry {key: ind})
CREATE (p)-[:SERVES]->(x)
"""

CREATE_RESEARCHERS = """
UNWIND $rows AS row
MATCH (i:Institution {key: row.institution})
CREATE (r:Researcher {key: row.key, name: row.name, title: row.title, institution: row.institution})
CREATE (r)-[:WORKS_AT]->(i)
WITH r, row
UNWIND row.roles AS role
MATCH (p:Platform {key: role[0]})
CREATE (r)-[:MEMBER_OF {role: role[1]}]->(p)
"""

CREATE_TARGETS = """
UNWIND $rows AS row
CREATE (:Target {key: row.type + '@' + coalesce(row.level, '') + '@' + toString(row.year), type: row.type,
                 level: row.level, year: row.year, new: row.new, integrated_or_revoked: row.ior, total: row.total})
"""

CREATE_GROUP = """
CREATE (g:OverlapGroup {key: $key, run: $run, recommendation: $rec, keep: $keep, size: size($members),
                        reasons_zh: $reasons_zh, reasons_en: $reasons_en})
WITH g
UNWIND $members AS m
MATCH (p:Platform {key: m})
CREATE (p)-[:IN_GROUP {run: $run}]->(g)
"""

NAMES = {row[0]: f"测试平台{row[0]}" for row in PLATFORMS}


def build_graph(store: Store, *, groups: bool = True) -> Store:
    """Create the hand-built graph on top of ``clean_graph`` (reference data already loaded)."""
    store.write(CREATE_INSTITUTIONS, {"rows": [
        {"key": k, "name": n, "kind": kind, "city": c, "industries": inds} for k, n, kind, c, inds in INSTITUTIONS]})
    store.write(CREATE_PLATFORMS, {"rows": [
        {"key": k, "name": NAMES[k], "type": t, "category": cat, "level": lv, "city": city, "status": st,
         "evaluation": ev, "established": est, "host": host, "industries": inds, "family": fam}
        for k, t, cat, lv, city, st, ev, est, host, inds, fam in PLATFORMS]})
    store.write(CREATE_RESEARCHERS, {"rows": [
        {"key": k, "name": n, "title": t, "institution": i, "roles": [list(r) for r in roles]}
        for k, n, t, i, roles in RESEARCHERS]})
    store.write(CREATE_TARGETS, {"rows": [
        {"type": t, "level": lv, "year": y, "new": n, "ior": ior, "total": tot} for t, lv, y, n, ior, tot in TARGETS]})
    if groups:
        # an older run's group that must be ignored, and the latest run's merge group P4 ⟵ P13
        store.write(CREATE_GROUP, {"key": "A1:1", "run": "A1", "rec": "merge", "keep": "P2", "members": ["P2", "P8"],
                                   "reasons_zh": ["旧"], "reasons_en": ["old"]})
        store.write(CREATE_GROUP, {"key": "A2:1", "run": "A2", "rec": "merge", "keep": "P4", "members": ["P4", "P13"],
                                   "reasons_zh": ["同一依托单位，类型同族（工程与技术中心类）"],
                                   "reasons_en": ["same host, near-duplicate types (engineering centres)"]})
    return store
