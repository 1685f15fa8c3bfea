"""A tiny builder of collaboration graphs for the tests of queries.collaboration, loaded through the
real ingest (tests/graph_builder.py).

Why not the sample generator: a test must know its answer, so it states exactly the institutions,
platforms, people and ties it reasons about; they become the planners' tables (单位, 平台, 人才,
平台人员, 合作) and the ingest writes them, on top of the reference industries and cities that
``clean_graph`` loads. Institutions are named by their short lower-case label (``e1``, ``u1``):
the ingest keys an institution without credit code by its normalised name, so the label is the key.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from graph.names import normalize_name
from graph.store import Store
from tests.graph_builder import ingest_tables

KIND_OF = {"industry": "企业", "academia": "高校", "research": "科研院所", "user": "医院"}
SECTOR_OF = {"industry": "产", "academia": "学", "research": "研", "user": "用"}
COLLAB_KIND = {"project": "合作项目", "patent": "联合专利", "paper": "合著论文", "contract": "技术合同",
               "alliance": "产业联盟"}


@dataclass
class CollabGraph:
    institutions: list[dict[str, Any]] = field(default_factory=list)
    platforms: list[dict[str, Any]] = field(default_factory=list)
    collaborations: list[dict[str, Any]] = field(default_factory=list)

    def inst(self, key: str, sector: str, *, city: str | None = "南宁", industries: tuple[str, ...] = (),
             name: str | None = None) -> CollabGraph:
        if normalize_name(name or key) != key:
            raise ValueError(f"an institution label must be its own normalised name (lower case): {key!r}")
        self.institutions.append({"单位名称": name or key, "单位类型": KIND_OF[sector], "产学研用": SECTOR_OF[sector],
                                  "所在市": city, "所属产业": list(industries)})
        return self

    def platform(self, key: str, host: str, *, co_builders: tuple[str, ...] = (), people: tuple[str, ...] = (),
                 industries: tuple[str, ...] = (), city: str | None = "南宁", name: str | None = None) -> CollabGraph:
        self.platforms.append({"编号": key, "平台名称": name or f"平台{key}", "平台类型": "自治区重点实验室",
                               "级别": "自治区级", "依托单位": host, "共建单位": list(co_builders), "所在市": city,
                               "状态": "运行", "服务产业": list(industries), "people": list(people)})
        return self

    def collab(self, a: str, b: str, *, industry: str = "", count: int = 1, kind: str = "project",
               year: int = 2023) -> CollabGraph:
        self.collaborations.append({"单位甲": a, "单位乙": b, "合作类型": COLLAB_KIND[kind], "年份": year,
                                    "次数": count, "产业": industry})
        return self

    def write(self, store: Store) -> Store:
        """Load what was stated since the last write through the ingest (one core member per person,
        working at the institution named)."""
        people = [{"编号": f"{p['编号']}-r{n}", "姓名": f"研究员{n}", "工作单位": works_at}
                  for p in self.platforms for n, works_at in enumerate(p["people"])]
        members = [{"平台": person["编号"].rpartition("-r")[0], "人员": person["编号"], "角色": "核心成员"}
                   for person in people]
        tables = {"单位": self.institutions,
                  "平台": [{k: v for k, v in p.items() if k != "people"} for p in self.platforms],
                  "人才": people, "平台人员": members, "合作": self.collaborations}
        ingest_tables(store, {name: rows for name, rows in tables.items() if rows})
        self.institutions, self.platforms, self.collaborations = [], [], []
        return store
