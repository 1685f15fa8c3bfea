"""A small builder of hand-made graphs for the overlap tests, written exactly per docs/graph-model.md.

Why not the sample generator: each test states the few platforms it needs and what the right answer
is, so a failure points at one rule. Everything goes through parameterised Cypher.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from graph.names import normalize_name
from graph.reference import load_taxonomy
from graph.store import Store

ADD_INSTITUTION = """
MERGE (i:Institution {key: $key})
SET i.name = $name, i.norm_name = $norm, i.aliases = $aliases, i.alias_norms = $alias_norms,
    i.aliases_text = $aliases_text, i.kind = $kind, i.sector = $sector, i.credit_code = $credit_code,
    i.city = $city
"""

ADD_RESEARCHER = """
MERGE (r:Researcher {key: $key})
SET r.name = $name, r.institution = $institution
WITH r
MATCH (i:Institution {key: $institution})
MERGE (r)-[:WORKS_AT]->(i)
"""

ADD_PLATFORM = """
MERGE (p:Platform {key: $key})
SET p.id = $key, p.name = $name, p.norm_name = $norm, p.type = $type, p.level = $level,
    p.category = $category, p.family = $family, p.city = $city, p.established = $established,
    p.status = $status, p.fields = $fields, p.evaluation = $evaluation, p.director = $director
WITH p
MATCH (t:PlatformType {key: $type})
MERGE (p)-[:OF_TYPE]->(t)
WITH p
OPTIONAL MATCH (c:City {key: $city})
FOREACH (_ IN CASE WHEN c IS NULL THEN [] ELSE [1] END | MERGE (p)-[:LOCATED_IN]->(c))
WITH p
MATCH (h:Institution {key: $host})
MERGE (p)-[:HOSTED_BY]->(h)
WITH p
UNWIND $co_builders AS cb
MATCH (i:Institution {key: cb})
MERGE (p)-[:CO_BUILT_BY]->(i)
"""

ADD_SERVES = """
UNWIND $industries AS ind
MATCH (p:Platform {key: $key}), (i:Industry {key: ind})
MERGE (p)-[:SERVES]->(i)
"""

ADD_TOPICS = """
UNWIND $topics AS t
MATCH (p:Platform {key: $key})
MERGE (topic:Topic {key: t}) SET topic.name = t
MERGE (p)-[:ON_TOPIC]->(topic)
"""

ADD_MEMBERS = """
UNWIND $members AS m
MATCH (p:Platform {key: $key}), (r:Researcher {key: m.key})
MERGE (r)-[rel:MEMBER_OF]->(p)
SET rel.role = m.role
"""


@dataclass
class P:
    """A platform to build: people as (researcher key, role) pairs; topics default to the fields."""

    key: str
    name: str
    type: str
    host: str
    level: str = "regional"
    city: str | None = "南宁"
    fields: list[str] = field(default_factory=list)
    industries: list[str] = field(default_factory=list)
    people: list[tuple[str, str]] = field(default_factory=list)
    co_builders: list[str] = field(default_factory=list)
    established: int = 2015
    evaluation: str | None = "良好"
    status: str = "active"
    topics: list[str] | None = None


def add_institution(store: Store, key: str, name: str, *, aliases: tuple[str, ...] = (),
                    kind: str = "university", credit_code: str | None = None, city: str = "南宁") -> None:
    sector = {"enterprise": "industry", "university": "academia", "institute": "research"}.get(kind, "user")
    store.write(ADD_INSTITUTION, {
        "key": key, "name": name, "norm": normalize_name(name), "aliases": list(aliases),
        "alias_norms": sorted({normalize_name(s) for s in (name, *aliases)}),
        "aliases_text": " ".join(aliases), "kind": kind, "sector": sector,
        "credit_code": credit_code, "city": city,
    })


def add_researcher(store: Store, key: str, name: str, institution: str) -> None:
    store.write(ADD_RESEARCHER, {"key": key, "name": name, "institution": institution})


def add_platform(store: Store, p: P) -> None:
    taxonomy = load_taxonomy()
    ptype = taxonomy.types[p.type]
    store.write(ADD_PLATFORM, {
        "key": p.key, "name": p.name, "norm": normalize_name(p.name), "type": p.type, "level": p.level,
        "category": ptype.category, "family": ptype.family, "city": p.city, "established": p.established,
        "status": p.status, "fields": p.fields, "evaluation": p.evaluation,
        "director": next((k for k, role in p.people if role == "director"), None),
        "host": p.host, "co_builders": p.co_builders,
    })
    store.write(ADD_SERVES, {"key": p.key, "industries": p.industries})
    store.write(ADD_TOPICS, {"key": p.key, "topics": p.fields if p.topics is None else p.topics})
    store.write(ADD_MEMBERS, {"key": p.key, "members": [{"key": k, "role": r} for k, r in p.people]})


def delete_platform(store: Store, key: str) -> None:
    store.write("MATCH (p:Platform {key: $key}) DETACH DELETE p", {"key": key})


def build(store: Store, institutions: list[tuple], researchers: list[tuple], platforms: list[P]) -> None:
    """institutions: (key, name, aliases) tuples; researchers: (key, name, institution key)."""
    for key, name, *rest in institutions:
        add_institution(store, key, name, aliases=tuple(rest[0]) if rest else ())
    for key, name, inst in researchers:
        add_researcher(store, key, name, inst)
    for p in platforms:
        add_platform(store, p)


# ----------------------------------------------------------------------------- the shared scenario
INSTITUTIONS = [
    ("GXU", "广西大学"),
    ("GLUT", "桂林理工大学"),
    ("LG", "广西柳工机械股份有限公司", ["柳工", "广西柳工机械股份有限公司（柳工）"]),
    ("YC", "广西玉柴机器集团有限公司", ["玉柴"]),
    ("GXAAS", "广西壮族自治区农业科学院", ["广西农业科学院", "广西农科院"]),
    ("GUET", "桂林电子科技大学", ["桂电"]),
]
_NAMES = ["张伟", "李娜", "王芳", "刘洋", "陈杰", "杨帆", "黄磊", "赵敏", "周涛", "吴静", "徐鹏",
          "孙丽", "马超", "朱琳", "胡斌", "郭强", "何平", "林峰"]
_HOME = ["GXU", "GXU", "GXU", "GXU", "LG", "LG", "LG", "GLUT", "GLUT", "GXU", "GXU", "GXU", "GXU",
         "GUET", "YC", "GXAAS", "YC", "YC"]
RESEARCHERS = [(f"R{i + 1:02d}", name, _HOME[i]) for i, name in enumerate(_NAMES)]


def scenario_platforms() -> list[P]:
    """Planted answer: groups {S01, S02, S10} (merge, keep S01) and {S03, S04} (merge, keep S04:
    S03 is of a legacy type), {S11, S12} (refocus: same host, neighbouring directions). Hard non-overlaps: S01/S05/S06 (same
    host, different fields), S07/S08 (same field, different chain segments)."""
    return [
        # same host, near-duplicate types (laboratory family), same direction
        P("S01", "广西大学甘蔗生物技术重点实验室", "自治区重点实验室", "GXU",
          fields=["甘蔗遗传育种", "甘蔗生物技术", "分子育种"], industries=["甘蔗育种与种植"],
          people=[("R01", "director"), ("R02", "core_member"), ("R03", "core_member")],
          established=2008, evaluation="优秀"),
        P("S02", "广西甘蔗生物育种高校重点实验室", "高校重点实验室", "GXU",
          fields=["甘蔗遗传育种", "甘蔗生物技术"], industries=["甘蔗育种与种植"],
          people=[("R01", "director"), ("R04", "core_member")], established=2016, evaluation="良好"),
        # another host, co-built with 广西大学, two shared members, two shared keywords
        P("S10", "广西甘蔗良种繁育工程研究中心", "工程研究中心", "GXAAS", co_builders=["GXU"],
          fields=["甘蔗良种繁育", "甘蔗遗传育种", "分子育种"], industries=["甘蔗育种与种植"],
          people=[("R16", "director"), ("R02", "core_member"), ("R03", "core_member")], established=2018, evaluation="合格"),
        # hard positive: renamed, different hosts, partial people overlap
        P("S03", "广西工程机械智能控制工程技术研究中心", "工程技术研究中心", "LG", city="柳州",
          fields=["工程机械", "智能控制", "液压系统"], industries=["工程机械整机"],
          people=[("R05", "director"), ("R06", "core_member"), ("R07", "core_member"), ("R08", "core_member")],
          established=2012, evaluation="合格"),
        P("S04", "广西智能装备电液控制技术创新中心", "技术创新中心", "GLUT", city="柳州",
          fields=["电液控制", "智能控制", "工程机械液压"], industries=["工程机械整机", "液压与传动"],
          people=[("R05", "director"), ("R06", "core_member"), ("R09", "core_member")],
          established=2020, evaluation=None),
        # hard non-overlap: same host as S01, genuinely different fields
        P("S05", "广西大学有色金属材料重点实验室", "自治区重点实验室", "GXU",
          fields=["稀土功能材料", "有色冶金"], industries=["稀土与稀有金属材料"],
          people=[("R10", "director"), ("R11", "core_member")]),
        P("S06", "广西大学亚热带农业生物资源保护重点实验室", "自治区重点实验室", "GXU",
          fields=["农业微生物", "生物多样性保护"], industries=["林业"],
          people=[("R12", "director"), ("R13", "core_member")]),
        # hard non-overlap: same field, different chain segments
        P("S07", "广西动力电池材料工程研究中心", "工程研究中心", "GUET", city="桂林",
          fields=["动力电池", "电池材料", "锂离子电池"], industries=["动力电池"],
          people=[("R14", "director")]),
        P("S08", "广西汽车电子电池管理工程技术研究中心", "工程技术研究中心", "YC", city="桂林",
          fields=["锂离子电池", "电池管理系统", "动力电池"], industries=["汽车电子"],
          people=[("R15", "director")]),
        # refocus: same host, neighbouring directions, different people
        P("S11", "玉柴内燃机排放控制企业技术中心", "企业技术中心", "YC", city="玉林",
          fields=["内燃机排放控制", "尾气后处理", "燃烧优化"], industries=["内燃机"], people=[("R17", "director")]),
        P("S12", "广西内燃机节能减排工程研究中心", "工程研究中心", "YC", city="玉林",
          fields=["内燃机节能", "尾气后处理", "燃烧优化"], industries=["内燃机"], people=[("R18", "director")]),
    ]


def build_scenario(store: Store, platforms: list[P] | None = None) -> list[P]:
    plats = scenario_platforms() if platforms is None else platforms
    build(store, INSTITUTIONS, RESEARCHERS, plats)
    return plats
