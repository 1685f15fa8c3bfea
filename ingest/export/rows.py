"""From graph pages to template rows: what each table of the dataset says about the graph.

Why each table is written the way it is (docs/data-templates.md, "Export"):

- Every value is what ingest stored (a code, a key, a list), so re-validating it gives the same
  value back; enumerations are written as their Chinese (or English) labels, which the validators
  map to the same code.
- A row is what one *fresh* ingest needs to rebuild the node exactly. Where the graph's history
  cannot be told by one row, the exporter writes the history: an institution whose credit code was
  learned after its key was set (key = normalised name) gets a row without the code first; an
  institution located in several cities gets one row per extra city before its main row.
- An institution whose own name is another institution's alias is written before the others, so
  the re-import does not take it for that other institution (ingest resolves aliases as it reads).
- Reference industries (graph/data/industries.toml) appear only when the graph differs from the
  reference list (an added city, a changed priority or parent): ``db reset`` reloads the rest.

What cannot be written so that it comes back exactly is reported as a warning, never dropped
silently.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from graph.names import normalize_name
from graph.reference import LEVEL_NAMES, load_industries
from graph.store import Store
from ingest.export import cypher
from ingest.export.refs import (
    InstitutionRefs,
    expected_institution_key,
    has_separator,
    platform_ref,
    researcher_ref,
)
from ingest.export.source import pages

Value = str | int | list[str] | None
TemplateRow = dict[str, Value]
Progress = Callable[[str, int], Any]

MAX_WARNINGS = 200

LEVEL_LABELS = {key: zh for key, (zh, _en) in LEVEL_NAMES.items()}
# code -> Chinese label, per (table, column); the English export writes the codes themselves.
LABELS_ZH: dict[tuple[str, str], dict[str, str]] = {
    ("institutions", "kind"): {"enterprise": "企业", "university": "高校", "institute": "科研院所",
                               "hospital": "医院", "government": "政府部门", "other": "其他"},
    ("institutions", "sector"): {"industry": "产", "academia": "学", "research": "研", "user": "用"},
    ("platforms", "level"): LEVEL_LABELS,
    ("platforms", "status"): {"active": "运行", "building": "建设中", "revoked": "撤销", "merged": "整合"},
    ("memberships", "role"): {"director": "负责人", "chief_scientist": "首席科学家",
                              "academic_committee": "学术委员会", "core_member": "核心成员"},
    ("industries", "key"): {"yes": "是", "no": "否"},
    ("collaborations", "kind"): {"project": "合作项目", "patent": "联合专利", "paper": "合著论文",
                                 "contract": "技术合同", "alliance": "产业联盟"},
    ("targets", "level"): LEVEL_LABELS,
    ("targets", "category"): {"science_engineering": "科学与工程研究", "innovation_transfer": "技术创新与成果转化",
                              "basic_support": "基础支撑与条件保障"},
}
# Evaluations are stored as the Chinese grade; the English export writes the English word.
EVALUATION_EN = {"优秀": "excellent", "良好": "good", "合格": "pass", "整改": "rectify", "整改通过": "rectified",
                 "整改不通过": "rectification_failed", "不合格": "fail"}
LABELS_EN: dict[tuple[str, str], dict[str, str]] = {
    ("platforms", "evaluation"): EVALUATION_EN,
    ("evaluations", "result"): EVALUATION_EN,
}


def label(table: str, column: str, value: Value, lang: str) -> Value:
    """An enumeration code as the label written in a ``lang`` export (other values unchanged)."""
    if not isinstance(value, str):
        return value
    labels = (LABELS_ZH if lang == "zh" else LABELS_EN).get((table, column))
    return labels.get(value, value) if labels else value


@dataclass
class Warnings:
    """What will not come back exactly, in both languages (capped; the count is exact)."""

    items: list[dict[str, str]] = field(default_factory=list)
    count: int = 0

    def add(self, zh: str, en: str) -> None:
        self.count += 1
        if len(self.items) < MAX_WARNINGS:
            self.items.append({"zh": zh, "en": en})


class TableRows:
    """The row generators, sharing the institution references and the warnings."""

    def __init__(self, store: Store, warnings: Warnings, progress: Progress | None = None) -> None:
        self.store = store
        self.warnings = warnings
        self.progress = progress or (lambda _table, _n: None)
        self.refs: InstitutionRefs | None = None

    # ------------------------------------------------------------------ helpers
    def _multi(self, table: str, column: str, owner: str, items: list[str]) -> list[str]:
        for item in items:
            if has_separator(item):
                self.warnings.add(
                    f"{table}：{owner} 的“{column}”中的“{item}”含分隔符，重新导入时会被拆开",
                    f"{table}: '{item}' in '{column}' of {owner} contains a list separator and will be split "
                    "when re-imported")
        return list(items)

    def _inst(self, key: str, where: str, *, multi: bool = False) -> str:
        assert self.refs is not None, "institutions must be exported first"
        text, exact = self.refs.ref(key, multi=multi)
        if not exact:
            self.warnings.add(f"{where}：单位 {key} 没有能唯一指回它的名称、别名或信用代码",
                              f"{where}: institution {key} has no name, alias or credit code that names it "
                              "unambiguously")
        return text

    # ------------------------------------------------------------------ tables
    def industries(self) -> Iterator[TemplateRow]:
        reference = load_industries()
        for page in pages(self.store, cypher.INDUSTRIES_PAGE):
            for r in page:
                parent = sorted(r["parents"])[0] if r["parents"] else None
                if len(r["parents"]) > 1:
                    self.warnings.add(f"产业 {r['key']} 有多个上级产业，只导出 {parent}",
                                      f"industry {r['key']} has several parents; only {parent} is exported")
                ref = reference.get(r["key"])
                if (r["reference"] and ref is not None and parent == ref.parent
                        and r["priority"] == ref.priority and r["key_industry"] == ref.key_industry
                        and set(r["cities"]) == set(ref.cities)):
                    continue  # exactly the reference list: db reset reloads it
                key_flag = None if r["key_industry"] is None else ("yes" if r["key_industry"] else "no")
                yield {"name": r["key"], "parent": parent, "key": key_flag, "priority": r["priority"],
                       "cities": sorted(r["cities"])}
            self.progress("industries", len(page))

    def institutions(self) -> Iterator[TemplateRow]:
        """Claimed institutions (own name = another's alias) first, then the rest, in key order."""
        self.refs = InstitutionRefs.from_graph(self.store)
        claimed = sorted(self.refs.claimed)
        for start in range(0, len(claimed), 1000):
            page = self.store.read(cypher.INSTITUTIONS_BY_KEY, {"keys": claimed[start:start + 1000]})
            yield from self._institution_page(page)
        for page in pages(self.store, cypher.INSTITUTIONS_PAGE):
            yield from self._institution_page([r for r in page if r["key"] not in self.refs.claimed])

    def _institution_page(self, page: list[dict[str, Any]]) -> Iterator[TemplateRow]:
        assert self.refs is not None
        for r in page:
            key, code, name = r["key"], r["credit_code"], r["name"] or r["key"]
            self.refs.learn(key, code, name, r["aliases"])
            # a kind guessed from the name is written empty, so re-importing guesses it again (and keeps
            # it marked as a guess) instead of declaring it; an unknown city is written as it was
            inferred = bool(r.get("kind_inferred"))
            base: TemplateRow = {
                "name": name, "kind": None if inferred else r["kind"], "sector": None if inferred else r["sector"],
                "credit_code": code, "city": r["city"] or r.get("city_written"),
                "aliases": self._multi("institutions", "aliases", name, r["aliases"]),
                "industries": sorted(r["industries"]), "id": r["id"]}
            late_code = bool(code) and key != code  # key was set from the name before the code was known
            first_code = None if late_code else code
            if expected_institution_key(first_code, name) != key or name in r["aliases"]:
                self.warnings.add(f"单位 {name}（{key}）重新导入后的键或别名会不同",
                                  f"institution {name} ({key}) will get another key or alias list when re-imported")
            if r["city"] and r["city"] not in r["cities"]:
                self.warnings.add(f"单位 {name} 的所在市 {r['city']} 没有对应的 LOCATED_IN 关系，重新导入后会有",
                                  f"institution {name} has city {r['city']} without a LOCATED_IN relationship; "
                                  "the re-import will add it")
            for city in sorted(set(r["cities"]) - {r["city"]}):
                yield {**base, "credit_code": first_code, "city": city}
            if late_code:
                yield {**base, "credit_code": None}
            yield base
        self.progress("institutions", len(page))

    def platforms(self) -> Iterator[TemplateRow]:
        for page in pages(self.store, cypher.PLATFORMS_PAGE):
            for r in page:
                key, name = r["key"], r["name"] or r["key"]
                where = f"平台 platform {name}"
                if len(r["hosts"]) != 1:
                    self.warnings.add(f"平台 {name} 有 {len(r['hosts'])} 个依托单位",
                                      f"platform {name} has {len(r['hosts'])} host institutions")
                # a host that could not be linked is written as it was, so re-importing flags it again
                host = self._inst(sorted(r["hosts"])[0], where) if r["hosts"] else r.get("host_written")
                expected = r["id"] or f"{normalize_name(name)}@{r['level']}"
                if expected != key:
                    self.warnings.add(f"平台 {name} 重新导入后的键会是 {expected}（现为 {key}）",
                                      f"platform {name} will get key {expected} when re-imported (now {key})")
                yield {
                    "name": name, "type": r["type"], "host": host, "level": r["level"],
                    "co_builders": [self._inst(k, where, multi=True) for k in sorted(r["co_builders"])]
                    + list(r.get("co_unresolved") or []),
                    "city": r["city"] or r.get("city_written"), "established": r["established"], "status": r["status"],
                    "fields": self._multi("platforms", "fields", name, r["fields"]),
                    "industries": sorted(r["industries"]), "director": r["director"],
                    "evaluation": r["evaluation"], "department": r["department"], "id": r["id"]}
            self.progress("platforms", len(page))

    def researchers(self) -> Iterator[TemplateRow]:
        for page in pages(self.store, cypher.RESEARCHERS_PAGE):
            for r in page:
                inst_key = sorted(r["works_at"])[0] if r["works_at"] else r["institution"]
                where = f"人才 researcher {r['name']}"
                yield {"name": r["name"], "institution": self._inst(inst_key, where) if inst_key else None,
                       "title": r["title"], "fields": self._multi("researchers", "fields", r["key"], r["fields"]),
                       "talent_programs": self._multi("researchers", "talent_programs", r["key"],
                                                      r["talent_programs"]),
                       "id": r["id"]}
            self.progress("researchers", len(page))

    def memberships(self) -> Iterator[TemplateRow]:
        """One row per (researcher, platform, role): ingest keeps every role and the highest as ``role``."""
        for page in pages(self.store, cypher.MEMBERSHIPS_PAGE):
            for r in page:
                text, by_key = researcher_ref(r["key"], r["name"])
                institution = None
                if not by_key and r["institution"]:
                    institution = self._inst(r["institution"], f"平台人员 membership {text}")
                for m in sorted(r["members"], key=lambda m: m["platform"]):
                    for role in m["roles"] or [m["role"]]:
                        yield {"platform": platform_ref(m["platform"], m["name"]), "researcher": text,
                               "institution": institution, "role": role}
            self.progress("memberships", len(page))

    def collaborations(self) -> Iterator[TemplateRow]:
        for page in pages(self.store, cypher.COLLABORATIONS_PAGE):
            for r in page:
                where = "合作 collaboration"
                for c in sorted(r["rels"], key=lambda c: (c["b"], c["kind"], c["year"] or 0, c["industry"] or "")):
                    yield {"a": self._inst(r["key"], where), "b": self._inst(c["b"], where), "kind": c["kind"],
                           "year": c["year"], "count": c["count"], "industry": c["industry"] or None}
            self.progress("collaborations", len(page))

    def targets(self) -> Iterator[TemplateRow]:
        for page in pages(self.store, cypher.TARGETS_PAGE):
            for r in page:
                yield {k: r[k] for k in ("type", "category", "level", "year", "new", "integrated_or_revoked",
                                         "total")}
            self.progress("targets", len(page))

    def evaluations(self) -> Iterator[TemplateRow]:
        """One row per evaluation record, naming the platform as the memberships table does."""
        for page in pages(self.store, cypher.EVALUATIONS_PAGE):
            for r in page:
                yield {"platform": platform_ref(r["platform"], r["name"]), "year": r["year"],
                       "result": r["result"], "note": r["note"]}
            self.progress("evaluations", len(page))
