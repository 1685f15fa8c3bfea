"""From raw tables to a load plan: validate every row, resolve every reference, collect rejects.

(Named ``load_plan`` — what to write into the graph — so it is not confused with :mod:`queries.plan`,
the 优化整合 plan the planners sign.)

Why a plan: everything that can reject a row happens here, in memory, before the first write, so
the rows written are exactly the rows that passed, the rejects file is complete before loading
starts, and the writer (:mod:`ingest.writer`) is a plain sequence of batched upserts.

Tables are processed in dependency order (industries, institutions, platforms, researchers,
memberships, collaborations, targets); a row whose reference fails is rejected naming the column.
"""

from __future__ import annotations

import gc
from collections import defaultdict
from collections.abc import Iterator, MutableMapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from time import perf_counter
from typing import Any

from graph.bulkread import chunked_rows
from graph.names import trailing_short_name
from graph.reference import ReferenceInstitution, load_reference_institutions
from graph.store import Store
from ingest import cypher
from ingest.industry_terms import load_terms
from ingest.models import KIND_SECTOR, clean_text, infer_kind_rule, validate_row
from ingest.models import norm as normalize_name
from ingest.readers import Dataset, RawRow, RawTable
from ingest.rejects import Ambiguity, Reject
from ingest.resolve import (
    InstitutionIndex,
    ReferenceIndex,
    lookup_forms,
    name_norms,
    numbered_siblings,
    one_edit_pairs,
)
from ingest.tables import TABLE_ORDER

# Tables planned together, and the write sources complete once they are: a researcher's MEMBER_OF
# edges come from the memberships table, so researchers and memberships form one segment; topics
# are written again with the researchers (MERGE: the ones first named by researchers are new).
SEGMENTS: tuple[tuple[tuple[str, ...], frozenset[str]], ...] = (
    (("industries", "institutions", "platforms"), frozenset({"Industry", "Institution", "Topic", "Platform"})),
    (("researchers", "memberships"), frozenset({"Topic", "Researcher"})),
    (("collaborations", "targets", "evaluations"), frozenset({"Target", "COLLABORATES_WITH", "Evaluation"})),
)
if tuple(name for tables, _sources in SEGMENTS for name in tables) != TABLE_ORDER:
    raise RuntimeError("SEGMENTS must list the tables in TABLE_ORDER")
# A researcher with several roles on one platform has one MEMBER_OF; `role` is the highest of them.
ROLE_RANK = ("director", "chief_scientist", "academic_committee", "core_member")


# Relationship types that carry properties besides their ends; every other planned relationship is
# just its two keys.
RELS_WITH_PROPERTIES = frozenset({"MEMBER_OF", "COLLABORATES_WITH"})


class Pairs(MutableMapping[tuple, dict[str, Any]]):
    """The planned relationships of one property-less type, held as their ``(a, b)`` keys only.

    Why: at 100,000 platforms the plan holds some five million such relationships; a ``{"a", "b"}``
    dict per edge cost about 200 bytes each, a gigabyte in all. The rows the writer sends are
    made from the keys when they are read (``values()``), a batch at a time.
    """

    __slots__ = ("_keys",)

    def __init__(self) -> None:
        self._keys: dict[tuple, None] = {}  # a dict, not a set: the plan's order is kept

    def __setitem__(self, key: tuple, value: dict[str, Any]) -> None:
        self._keys[key] = None

    def __getitem__(self, key: tuple) -> dict[str, Any]:
        if key not in self._keys:
            raise KeyError(key)
        return {"a": key[0], "b": key[1]}

    def __delitem__(self, key: tuple) -> None:
        del self._keys[key]

    def __iter__(self) -> Iterator[tuple]:
        return iter(self._keys)

    def __len__(self) -> int:
        return len(self._keys)

    def __contains__(self, key: object) -> bool:
        return key in self._keys

    def values(self) -> Iterator[dict[str, Any]]:  # type: ignore[override]
        return ({"a": a, "b": b} for a, b in self._keys)


class _Rels(dict):
    """``plan.rels``: relationship type -> planned rows (:class:`Pairs` for property-less types)."""

    def __missing__(self, rel: str) -> MutableMapping[tuple, dict[str, Any]]:
        rows: MutableMapping[tuple, dict[str, Any]] = {} if rel in RELS_WITH_PROPERTIES else Pairs()
        self[rel] = rows
        return rows


@dataclass
class Plan:
    """Everything to write, keyed by label / relationship type, plus what was rejected."""

    nodes: dict[str, dict[str, dict[str, Any]]] = field(default_factory=lambda: defaultdict(dict))
    rels: dict[str, MutableMapping[tuple, dict[str, Any]]] = field(default_factory=_Rels)
    prune: dict[tuple[str, str, str], dict[str, list[str]]] = field(default_factory=lambda: defaultdict(dict))
    rejects: list[Reject] = field(default_factory=list)
    ambiguities: list[Ambiguity] = field(default_factory=list)
    per_file: dict[str, dict[str, int]] = field(default_factory=dict)
    # Keys per label that were already in the graph when planning began. Every other planned node is
    # new, so the writer may CREATE it (with its relationships) instead of MERGE-ing it.
    existing: dict[str, set[str]] = field(default_factory=dict)
    # data-quality flags raised while planning (graph/quality.py codes) and institutions created
    # from a platform list: the ingest summary's "quality" counts
    quality: dict[str, int] = field(default_factory=lambda: defaultdict(int))

    @property
    def read(self) -> int:
        return sum(f["read"] for f in self.per_file.values())

    @property
    def rejected(self) -> int:
        return sum(f["rejected"] for f in self.per_file.values())


# The cells that name a row's record in the rejects file, per table: its name, else its id; a
# membership or collaboration is named by the two things it joins.
RECORD_CELLS: dict[str, tuple[tuple[str, ...], ...]] = {
    "memberships": (("platform", "researcher"),),
    "collaborations": (("a", "b"),),
    "targets": (("type", "level", "year"),),
}


def record_name(table_key: str, cells: dict[str, str]) -> str:
    """What a planner calls this row: '广西某重点实验室', 'P00012', '平台 / 人员' …; '' if it says nothing."""
    for group in RECORD_CELLS.get(table_key, (("name",), ("id",))):
        parts = [clean_text(cells.get(c)) for c in group]
        if any(parts):
            return " / ".join(p for p in parts if p)
    return clean_text(cells.get("id"))


class _RowErrors:
    """Collects the problems of one row; the row loads only if there are none."""

    __slots__ = ("table", "raw", "items")

    def __init__(self, table: RawTable, raw: RawRow) -> None:
        self.table, self.raw = table, raw
        self.items: list[Reject] = []

    @property
    def record(self) -> str:
        # named only when the row is rejected: most rows pass, and naming costs three text cleanings
        return record_name(self.table.spec.key, self.raw.cells)

    def add(self, column: str, zh: str, en: str, value: str | None = None) -> None:
        header = self.table.header(column) if column else ""
        if value is None:
            value = self.raw.cells.get(column, "") if column else ""
        self.items.append(Reject(self.table.source, self.raw.row, header, value, zh, en, self.record))

    def __bool__(self) -> bool:
        return bool(self.items)


@contextmanager
def gc_paused() -> Iterator[None]:
    """Python's cycle collector off while a plan is built, back on (as it was) afterwards.

    Why: planning allocates millions of small dicts and tuples that all live until the load is
    written, and each full collection walks every one of them again — a quarter of planning's CPU
    at 20,000 platforms and more at 100,000. Planning makes next to no reference cycles (the plan
    is dicts of strings), and reference counting still frees everything else as usual.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def read_values(store: Store, query: str) -> list[list]:
    """The rows of a chunked read query (graph/bulkread.py) as lists: much cheaper than a record per
    row for the million keys a large graph holds (errors still become DatabaseUnavailable through
    ``read_tx``)."""
    return store.read_tx(lambda tx: list(chunked_rows(tx, query)))


def _industry_index(store: Store) -> dict[str, str]:
    """Industry name or alias → key. A canonical name beats an alias (茧丝绸 is a segment's own name
    and also an alias of 纺织服装: it means the segment)."""
    rows = store.read(cypher.EXISTING_INDUSTRIES)
    index = {normalize_name(row["key"]): row["key"] for row in rows}
    for row in rows:
        for alias in row["aliases"] or []:
            index.setdefault(normalize_name(alias), row["key"])
    return index


class Planner:
    """Builds a :class:`Plan` for one dataset against the graph as it is now."""

    def __init__(self, store: Store, dataset: Dataset, *, on_row: Any = None, release_rows: bool = False) -> None:
        self.store = store
        self.dataset = dataset
        self.plan = Plan()
        self.on_row = on_row  # progress callback(table key, rows done)
        # drop a table's raw rows once it is planned (the pipeline's memory: a million researchers'
        # cells are not needed after their plan rows exist); off for callers that reuse the dataset
        self.release_rows = release_rows
        self.validate_seconds = 0.0  # time in the pydantic models (the rest of planning is resolution)
        self.industries = _industry_index(store)
        self.graph_industries = set(self.industries.values())
        self.terms = load_terms()  # reference industries' keywords: 铝及铝加工 → 铝 (graph/industry_terms.py)
        self._variants_reported: set[tuple[str, str]] = set()
        self.institutions = InstitutionIndex.from_graph(store)
        self.graph_institutions = set(self.institutions.names)
        self.inst_cities = self.institutions.cities
        self.references = ReferenceIndex(load_reference_institutions())
        # reference institutions are written with the first segment (institutions, platforms); a
        # table planned later (researchers, collaborations) resolves only what is in the graph or plan
        self.reference_open = True
        self.inst_codes: dict[str, str | None] = {}
        needs_people = "memberships" in dataset.tables
        # evaluations name platforms too (by id or name), so they need the platform index
        needs_platforms = needs_people or "evaluations" in dataset.tables
        self.platform_ids: dict[str, str] = {}  # id or key -> key
        self.platform_names: dict[str, set[str]] = defaultdict(set)  # norm name -> keys
        self.existing_platforms: set[str] = set()
        self.existing_researchers: set[str] = set()
        self.researcher_ids: dict[str, str] = {}
        # name -> (key, inst), or a set of them when several researchers share the name (a set per
        # name cost ~200 bytes for each of a million mostly unique names)
        self.researcher_names: dict[str, tuple[str, str] | set[tuple[str, str]]] = {}
        for key, pid, norm, _level in read_values(store, cypher.EXISTING_PLATFORMS):
            self.existing_platforms.add(key)
            if needs_platforms:
                self._index_platform(key, pid, norm)
        if needs_people or "researchers" in dataset.tables:
            # a million researchers name a few hundred thousand institutions: one string per key,
            # not one copy per researcher as the driver decodes them
            inst_keys: dict[str, str] = {}
            for key, rid, name, inst in read_values(store, cypher.EXISTING_RESEARCHERS):
                self.existing_researchers.add(key)
                if needs_people:
                    self._index_researcher(key, rid, name, inst and inst_keys.setdefault(inst, inst))
        self.plan.existing = {"Institution": self.graph_institutions, "Platform": self.existing_platforms,
                              "Researcher": self.existing_researchers}

    # ------------------------------------------------------------------ helpers
    def _index_platform(self, key: str, pid: str | None, norm: str | None) -> None:
        self.platform_ids[key] = key
        if pid:
            self.platform_ids.setdefault(pid, key)
        if norm:
            self.platform_names[norm].add(key)

    def _index_researcher(self, key: str, rid: str | None, name: str | None, inst: str | None,
                          *, cleaned: bool = False) -> None:
        """``cleaned``: the name is a validated cell (already trimmed), not a value read from the graph."""
        self.researcher_ids[key] = key
        if rid:
            self.researcher_ids.setdefault(rid, key)
        if name:
            if not cleaned:
                tidy = clean_text(name)
                name = name if tidy == name else tidy  # keep the object read, not an equal copy
            entry = (key, inst or "")
            known = self.researcher_names.get(name)
            if known is None:
                self.researcher_names[name] = entry
            elif isinstance(known, set):
                known.add(entry)
            elif known != entry:
                self.researcher_names[name] = {known, entry}

    def _institution(self, errors: _RowErrors, column: str, text: str) -> str | None:
        """Resolve one institution reference or record why not (reject + ambiguity report)."""
        res = self.institutions.resolve(text)
        if res.key:
            return res.key
        if not res.ambiguous and self.reference_open:
            ref = self.references.find(text)
            if ref is not None:
                return self._reference_institution(ref)
        table, raw = errors.table, errors.raw
        if res.ambiguous:
            errors.add(column, "单位名称有歧义：多个单位使用此名称或别名，请填写统一社会信用代码（见歧义报告）",
                       "ambiguous institution: several institutions use this name or alias; give the credit code "
                       "(see the ambiguity report)", value=text)
            self._report_ambiguous(table, raw, column, text, res.ambiguous)
            return None
        errors.add(column, "找不到该单位（单位表和图中都没有此名称、别名或信用代码）",
                   "unknown institution (no such name, alias or credit code in the institutions file or the graph)",
                   value=text)
        self._report_near(table, raw, column, text, self.institutions.near_misses(text),
                          "名称相近但不相同，未自动合并；如为同一单位请在单位表中添加别名",
                          "similar but not equal; not merged. If it is the same institution, declare the alias")
        return None

    def _report_ambiguous(self, table: RawTable, raw: RawRow, column: str, text: str, keys: list[str]) -> None:
        for key in keys:
            self.plan.ambiguities.append(Ambiguity(
                "ambiguous_alias", table.source, raw.row, table.header(column), text, key,
                self.institutions.names.get(key, key), None,
                "同一名称或别名对应多个单位，未自动合并", "one name or alias names several institutions; not merged"))

    def _report_near(self, table: RawTable, raw: RawRow, column: str, text: str,
                     near: list[tuple[str, float]], zh: str, en: str) -> None:
        for key, score in near:
            self.plan.ambiguities.append(Ambiguity(
                "unresolved_near_miss", table.source, raw.row, table.header(column), text, key,
                self.institutions.names.get(key, key), score, zh, en))

    def _host(self, table: RawTable, raw: RawRow, column: str, text: str,
              city: str | None) -> tuple[str | None, str | None]:
        """A host or co-builder named by a platform row: ``(key, None)`` when it resolves, ``(None, name
        to create)`` when it is new, ``(None, None)`` when it cannot be linked safely.

        Why create: a platform list is often all a planner has, and its hosts are real institutions;
        refusing them (or leaving them unlinked) loses who runs the platform, which overlap, 产学研用
        and the plan need most. Why not always: a name that is ambiguous, a bare unknown credit code,
        or a near miss of a known institution (the rapidfuzz rule of :mod:`ingest.resolve`) could be
        a twin of one; it goes to the ambiguity report and the row is flagged ``host_unresolved``.
        """
        res = self.institutions.resolve(text)
        if res.key:
            return res.key, None
        if res.ambiguous:
            self._report_ambiguous(table, raw, column, text, res.ambiguous)
            return None, None
        ref = self.references.find(text)
        if ref is not None:
            return self._reference_institution(ref), None
        code, norm = lookup_forms(text)
        if code or not norm:
            return None, None
        near = [(key, score) for key, score in self.institutions.near_misses(text)
                if not self._surely_other(text, key, city)]
        for ref, score in self.references.near_misses(text):
            if not numbered_siblings(norm, normalize_name(ref.name)) and not (city and ref.city and city != ref.city):
                near.append((normalize_name(ref.name), score))  # a reference's key is its normalised name
        if near:
            self._report_near(table, raw, column, text, near,
                              "名称与已有单位相近，未自动创建新单位也未关联；如为同一单位请在单位表中添加别名",
                              "close to a known institution: neither linked nor created as a new one. If it is the "
                              "same institution, declare the alias in the institutions file")
            return None, None
        return None, text

    def _surely_other(self, text: str, key: str, city: str | None) -> bool:
        """A near miss that is certainly another institution: numbered siblings (第一/第二人民医院) or a
        known institution in another city."""
        other = self.institutions.names.get(key, key)
        if numbered_siblings(normalize_name(text), normalize_name(other)):
            return True
        known_city = self.plan.nodes.get("Institution", {}).get(key, {}).get("city") or self.inst_cities.get(key)
        return bool(city and known_city and city != known_city)

    def _reference_institution(self, ref: ReferenceInstitution) -> str:
        """The Institution node of a reference institution a dataset names (``reference=true``)."""
        key = normalize_name(ref.name)
        if key not in self.plan.nodes["Institution"]:
            norms = name_norms(ref.name, ref.aliases)
            self.plan.nodes["Institution"][key] = {
                "key": key, "id": None, "name": ref.name, "norm_name": key, "aliases": list(ref.aliases),
                "alias_norms": norms, "kind": ref.kind, "sector": ref.sector, "credit_code": None,
                "city": ref.city, "city_written": None, "quality_flags": [], "created_from": None,
                "kind_inferred": False, "inferred_from": None, "rename": False, "reference": True,
                "source": ref.source}
            self.institutions.add(key, None, key, norms, ref.name)
            if ref.city:
                self.inst_cities[key] = ref.city
                self._rel("LOCATED_IN", key, ref.city)
        return key

    def _create_institution(self, name: str, city: str | None) -> str:
        """A new Institution from a host name written in a platform list (kind and sector from the name).

        Marked ``created_from='platform_list'``, ``kind_inferred=true`` and ``inferred_from`` (the
        word that decided the kind), so the API, the explorer and the quality list show the guess;
        a later institutions file with this name or alias enriches the same node.
        """
        norm = normalize_name(name)
        key = norm
        kind, rule = infer_kind_rule(name)
        node = self.plan.nodes["Institution"].get(key)
        if node is None:
            norms = name_norms(name)
            short = trailing_short_name(name)
            self.plan.nodes["Institution"][key] = {
                "key": key, "id": None, "name": name, "norm_name": norm, "aliases": [short] if short else [],
                "alias_norms": norms, "kind": kind, "sector": KIND_SECTOR[kind], "credit_code": None,
                "city": city, "city_written": None, "quality_flags": [], "created_from": "platform_list",
                "kind_inferred": True, "inferred_from": rule or None, "rename": False}
            self.institutions.add(key, None, norm, norms, name)
            self.inst_cities[key] = city
            self.plan.quality["institutions_created"] += 1
            if city:
                self._rel("LOCATED_IN", key, city)
        return key

    def _industry(self, errors: _RowErrors, column: str, text: str) -> str | None:
        """An industry cell → key: a key or alias as written, else the one reference industry its
        keywords point to (铝及铝加工 → 铝, listed in the ambiguity report as resolved); keywords of
        two industries → the row is refused and both go to the ambiguity report."""
        norm = normalize_name(text)
        key = self.industries.get(norm)
        if key is not None:
            return key
        before = len(errors.items)
        key = self._industry_variant(errors, column, text)
        if key is not None:
            self.industries[norm] = key
        elif len(errors.items) == before:  # not ambiguous: simply unknown
            errors.add(column, f"未知的产业“{text}”（不在重点产业参考表或产业表中）",
                       f"unknown industry '{text}' (not in the reference list or the industries file)", value=text)
        return key

    def _industry_variant(self, errors: _RowErrors, column: str, text: str) -> str | None:
        """The reference industry an unfamiliar industry name means by its keywords, or None (after
        recording an ambiguity when several industries' keywords are in it)."""
        match = self.terms.resolve_name(text)
        table, raw = errors.table, errors.raw
        words = "、".join(match.terms)
        if match.key is not None:
            if (table.source, text) not in self._variants_reported:
                self._variants_reported.add((table.source, text))
                self.plan.ambiguities.append(Ambiguity(
                    "industry_variant", table.source, raw.row, table.header(column), text, match.key, match.key,
                    None, f"按关键词（{words}）归入参考产业，如不对请改写产业名称",
                    f"read as this reference industry by its keywords ({words}); rename the cell if wrong"))
            return match.key
        if match.candidates:
            names = "、".join(match.candidates)
            errors.add(column, f"产业名称有歧义：“{text}”含有多个重点产业的关键词（{names}），请改用其中一个的名称（见歧义报告）",
                       f"ambiguous industry '{text}': it holds keywords of several key industries ({names}); "
                       "write one of their names (see the ambiguity report)", value=text)
            for key in match.candidates:
                self.plan.ambiguities.append(Ambiguity(
                    "ambiguous_industry", table.source, raw.row, table.header(column), text, key, key, None,
                    f"产业名称含多个重点产业的关键词（{words}），未自动归并，也未新建产业",
                    f"the name holds keywords of several key industries ({words}); not merged, no new industry"))
        return None

    def _rows(self, table: RawTable):
        """Validated rows of a table: yields (raw row, values, errors) for rows that passed the model."""
        stats = self.plan.per_file.setdefault(table.source, {"read": 0, "loaded": 0, "rejected": 0})
        n = 0
        for n, raw in enumerate(table.consume() if self.release_rows else table.rows, start=1):
            stats["read"] += 1
            errors = _RowErrors(table, raw)
            if raw.error is not None:
                value, zh, en = raw.error
                errors.add("", zh, en, value=value)
                self._finish(stats, errors)
                continue
            if raw.extra:
                errors.add("", "本行的单元格比表头多", "the row has more cells than the header",
                           value=";".join(raw.extra)[:200])
            began = perf_counter()
            values, problems = validate_row(table.spec.key, raw.cells)
            self.validate_seconds += perf_counter() - began
            for column, zh, en in problems:
                errors.add(column, zh, en)
            if values is None or errors:
                self._finish(stats, errors)
            else:
                yield raw, values, errors
                self._finish(stats, errors)
            if self.on_row is not None and n % 2000 == 0:
                self.on_row(table.source, 2000)
        if self.on_row is not None:
            self.on_row(table.source, n % 2000)

    def _finish(self, stats: dict[str, int], errors: _RowErrors) -> None:
        if errors:
            stats["rejected"] += 1
            self.plan.rejects.extend(errors.items)
        else:
            stats["loaded"] += 1

    def _rel(self, rel: str, a: str, b: str, **props: Any) -> None:
        rows = self.plan.rels[rel]
        if type(rows) is Pairs:
            if props:
                raise RuntimeError(f"{rel} carries no properties (RELS_WITH_PROPERTIES)")
            rows._keys[(a, b)] = None  # the key is the row (Pairs.__setitem__ without its call: millions)
            return
        rows[(a, b, *props.values())] = {"a": a, "b": b, **props}

    # ------------------------------------------------------------------ tables
    def build(self) -> Plan:
        for _sources in self.segments():
            pass
        return self.plan

    def segments(self) -> Iterator[frozenset[str]]:
        """Plan the tables segment by segment (:data:`SEGMENTS`), yielding after each one the
        sources (node labels, or ``COLLABORATES_WITH``) whose writes are now complete in the plan.

        Why: the pipeline writes a finished segment while the next one is planned, so Python's
        validation and Neo4j's writing use the two cores at once instead of taking turns.
        """
        with gc_paused():
            for tables, sources in SEGMENTS:
                for name in tables:
                    table = self.dataset.tables.get(name)
                    if table is not None:
                        getattr(self, f"_plan_{name}")(table)
                        if self.release_rows:
                            table.rows = []
                self.reference_open = False
                yield sources
            self._similar_institutions()
        if self.release_rows:
            self._release_indexes()

    def _release_indexes(self) -> None:
        """Drop the lookup indexes once the plan is complete (the pipeline's memory, like
        ``release_rows``): at 100,000 platforms the researchers' and institutions' ids and names are
        a few hundred megabytes that the writer, still working for minutes, never reads."""
        self.institutions = InstitutionIndex()
        self.inst_cities = self.institutions.cities
        self.inst_codes = {}
        self.platform_ids, self.platform_names = {}, defaultdict(set)
        self.researcher_ids, self.researcher_names = {}, {}

    def _plan_industries(self, table: RawTable) -> None:
        rows = []
        stats = self.plan.per_file.setdefault(table.source, {"read": 0, "loaded": 0, "rejected": 0})
        for raw, values, _errors in self._collect(table):
            norm = normalize_name(values["name"])
            key = self.industries.get(norm)
            if key is None and not values["parent"]:
                # a top-level name Guangxi writes its own way (生态铝产业) is the reference industry, not a
                # parallel one; a row with a parent declares a new chain segment and is taken as written
                errors = _RowErrors(table, raw)
                key = self._industry_variant(errors, "name", values["name"])
                if errors:
                    stats["loaded"] -= 1
                    stats["rejected"] += 1
                    self.plan.rejects.extend(errors.items)
                    continue
            key = key or values["name"]
            self.industries.setdefault(norm, key)
            rows.append((raw, values, key))
        # parents may be declared later in the same file: resolve after all names are known
        for raw, values, key in rows:
            errors = _RowErrors(table, raw)
            parent = self._industry(errors, "parent", values["parent"]) if values["parent"] else None
            if parent == key:
                errors.add("parent", "上级产业不能是自身", "an industry cannot be its own parent")
            if errors:
                stats["loaded"] -= 1
                stats["rejected"] += 1
                self.plan.rejects.extend(errors.items)
                continue
            key_flag = None if values["key"] is None else values["key"] == "yes"
            self.plan.nodes["Industry"][key] = {"key": key, "parent": parent, "priority": values["priority"],
                                                "key_industry": key_flag}
            if parent:
                self._rel("PART_OF", key, parent)
                if key in self.graph_industries:
                    self.plan.prune[("Industry", "PART_OF", "Industry")][key] = [parent]
            for city in values["cities"]:
                self._rel("LAID_OUT_IN", key, city)

    def _collect(self, table: RawTable) -> list[tuple[RawRow, dict, _RowErrors]]:
        return list(self._rows(table))

    def _plan_institutions(self, table: RawTable) -> None:
        nodes = self.plan.nodes["Institution"]
        for _raw, values, errors in self._rows(table):
            # an unresolved industry adds a row error (the row is then skipped): keep the resolved keys
            industries = [k for i in values["industries"] if (k := self._industry(errors, "industries", i)) is not None]
            if errors:
                continue
            name, code = values["name"], values["credit_code"]
            norm = normalize_name(name)
            spellings = [name, *values["aliases"]]
            short = trailing_short_name(name)
            if short:
                spellings.append(short)
            key = self._institution_key(code, norm, spellings)
            ref = None
            if key not in self.graph_institutions:
                ref = next((r for s in spellings if (r := self.references.find(s)) is not None), None)
                if ref is not None:  # the reference institution this row describes: one node, its names too
                    spellings += [ref.name, *ref.aliases]
            node = nodes.get(key)
            # an institution ingest created from a platform list: this file confirms it, under the
            # name the file gives (the name the list wrote stays an alias)
            enriching = key in self.institutions.inferred
            if enriching:
                spellings.append(self.institutions.names.get(key, key))
            flags = ["city_unknown"] if values["city_written"] else []
            for flag in flags:
                self.plan.quality[flag] += 1
            if node is None:
                node = nodes[key] = {
                    "key": key, "id": values["id"], "name": name, "norm_name": norm, "aliases": [],
                    "alias_norms": [], "kind": values["kind"], "sector": values["sector"],
                    "credit_code": code, "city": values["city"], "city_written": values["city_written"],
                    "quality_flags": flags, "created_from": None, "kind_inferred": values["kind_inferred"],
                    "inferred_from": values["inferred_from"],
                    "rename": enriching, "reference": True if ref is not None else None,
                    "source": ref.source if ref is not None else None}
                if ref is not None and not node["city"] and ref.city:
                    node["city"] = ref.city
            else:
                for prop in ("id", "credit_code", "city"):
                    node[prop] = values[prop] or node[prop]
                node["kind"], node["sector"] = values["kind"], values["sector"]
                node["kind_inferred"], node["inferred_from"] = values["kind_inferred"], values["inferred_from"]
                if node["city"]:
                    node["city_written"], node["quality_flags"] = None, []
            for spelling in spellings:
                if spelling != node["name"] and spelling not in node["aliases"]:
                    node["aliases"].append(spelling)
            for form in name_norms(name, spellings[1:]):
                if form not in node["alias_norms"]:
                    node["alias_norms"].append(form)
            self.institutions.add(key, code, norm, node["alias_norms"], node["name"])
            if code:
                self.inst_codes[key] = code
            city = values["city"] or (ref.city if ref is not None else None)
            if city:
                self._rel("LOCATED_IN", key, city)
            for ind in industries:
                self._rel("IN_INDUSTRY", key, ind)
        for key, node in nodes.items():
            if key in self.graph_institutions:
                self.plan.prune[("Institution", "LOCATED_IN", "City")][key] = [node["city"]] if node["city"] else []

    def _institution_key(self, code: str | None, norm: str, spellings: tuple[str, ...] | list[str] = ()) -> str:
        """The node an institutions-file row describes: an existing one it certainly is, or a new key.

        Besides the usual rule (credit code, own name, alias), a row whose name or alias is the name of
        an institution created from a platform list (广西柳工机械股份有限公司 with alias 柳工, after a list
        wrote 柳工) is that institution: it enriches the node instead of adding a twin.
        """
        if code and code in self.institutions.by_code:
            return self.institutions.by_code[code]
        known = self.institutions.by_name.get(norm)
        if known is None:
            res = self.institutions.find(None, norm)
            known = res.key
        if known is None:
            for spelling in spellings:
                owner = self.institutions.by_name.get(normalize_name(spelling))
                if owner is not None and owner in self.institutions.inferred:
                    known = owner
                    break
        if known is not None:
            known_code = self.inst_codes.get(known) or (known if lookup_forms(known)[0] else None)
            if not code or not known_code or known_code == code:
                return known
        return code or norm

    def _plan_platforms(self, table: RawTable) -> None:
        nodes = self.plan.nodes["Platform"]
        for raw, values, errors in self._rows(table):
            flags: list[str] = []
            city = values["city"]
            host, create_host = None, None
            if values["host"]:
                host, create_host = self._host(table, raw, "host", values["host"], city)
                if host is None and create_host is None:
                    flags.append("host_unresolved")
            else:
                flags.append("host_missing")
            co_found: list[str] = []
            co_create: list[str] = []
            co_unresolved: list[str] = []
            for text in values["co_builders"]:
                key, create = self._host(table, raw, "co_builders", text, city)
                if key:
                    co_found.append(key)
                elif create:
                    co_create.append(create)
                else:
                    co_unresolved.append(text)
            if co_unresolved:
                flags.append("co_builder_unresolved")
            if values["city_written"]:
                flags.append("city_unknown")
            # an unresolved industry adds a row error (the row is then skipped): keep the resolved keys
            industries = [k for i in values["industries"] if (k := self._industry(errors, "industries", i)) is not None]
            norm = normalize_name(values["name"])
            key = values["id"] or f"{norm}@{values['level']}"
            if key in nodes:
                errors.add("id" if values["id"] else "name", "与本文件中前面的平台重复（编号或名称+级别相同）",
                           "duplicate of an earlier platform in this file (same id, or same name and level)",
                           value=values["id"] or values["name"])
            if errors:
                continue
            # hosts are created only for rows that load (a rejected row leaves no institution behind)
            if create_host:
                host = self._create_institution(create_host, city)
            co_builders = co_found + [self._create_institution(name, city) for name in co_create]
            for flag in flags:
                self.plan.quality[flag] += 1
            props = {k: values[k] for k in ("id", "name", "type", "level", "category", "family", "city",
                                            "established", "status", "fields", "director", "evaluation",
                                            "department", "city_written")}
            props["norm_name"] = norm
            props["quality_flags"] = flags
            props["host_written"] = values["host"] if "host_unresolved" in flags else None
            props["co_builders_unresolved"] = co_unresolved or None
            nodes[key] = {"key": key, "props": props}
            self._index_platform(key, values["id"], norm)
            co = [c for c in dict.fromkeys(b for b in co_builders if b) if c != host]
            targets: dict[tuple[str, str, str], list[str]] = {
                ("Platform", "CO_BUILT_BY", "Institution"): co,
                ("Platform", "OF_TYPE", "PlatformType"): [values["type"]],
                ("Platform", "LOCATED_IN", "City"): [city] if city else [],
                ("Platform", "SERVES", "Industry"): list(dict.fromkeys(industries)),
                ("Platform", "ON_TOPIC", "Topic"): [],
            }
            if host:
                # a row that names no usable host keeps the host an earlier file linked (no prune)
                targets[("Platform", "HOSTED_BY", "Institution")] = [host]
                self._rel("HOSTED_BY", key, host)
            for c in co:
                self._rel("CO_BUILT_BY", key, c)
            self._rel("OF_TYPE", key, values["type"])
            if city:
                self._rel("LOCATED_IN", key, city)
            for ind in targets[("Platform", "SERVES", "Industry")]:
                self._rel("SERVES", key, ind)
            for topic in self._topics(values["fields"]):
                self._rel("ON_TOPIC", key, topic)
                targets[("Platform", "ON_TOPIC", "Topic")].append(topic)
            if key in self.existing_platforms:
                for spec, keys in targets.items():
                    self.plan.prune[spec][key] = keys

    def _topics(self, fields: list[str]) -> list[str]:
        keys = []
        topics = self.plan.nodes["Topic"]
        for text in fields:
            key = normalize_name(text)
            if not key:
                continue
            if key not in topics:  # the first spelling names the topic (no row dict made for the rest)
                topics[key] = {"key": key, "name": text}
            if key not in keys:
                keys.append(key)
        return keys

    def _plan_researchers(self, table: RawTable) -> None:
        nodes = self.plan.nodes["Researcher"]
        for _raw, values, errors in self._rows(table):
            inst = self._institution(errors, "institution", values["institution"])
            if errors or inst is None:  # None comes with a row error
                continue
            key = values["id"] or f"{values['name']}@{inst}"
            if key in nodes:
                errors.add("id" if values["id"] else "name", "与本文件中前面的人员重复（编号或姓名+工作单位相同）",
                           "duplicate of an earlier researcher in this file (same id, or same name and institution)",
                           value=values["id"] or values["name"])
                continue
            nodes[key] = {"key": key, "props": {
                "id": values["id"], "name": values["name"], "institution": inst, "title": values["title"],
                "fields": values["fields"], "talent_programs": values["talent_programs"]}}
            self._index_researcher(key, values["id"], values["name"], inst, cleaned=True)
            self._rel("WORKS_AT", key, inst)
            topics = self._topics(values["fields"])
            for topic in topics:
                self._rel("ON_TOPIC", key, topic)
            if key in self.existing_researchers:
                self.plan.prune[("Researcher", "WORKS_AT", "Institution")][key] = [inst]
                self.plan.prune[("Researcher", "ON_TOPIC", "Topic")][key] = topics

    def _plan_memberships(self, table: RawTable) -> None:
        for _raw, values, errors in self._rows(table):
            platform = self._platform(errors, values["platform"])
            researcher = self._researcher(errors, values["researcher"], values["institution"])
            if errors or platform is None or researcher is None:
                continue
            pair = self.plan.rels["MEMBER_OF"].get((researcher, platform))
            roles = sorted({*(pair["roles"] if pair else []), values["role"]}, key=ROLE_RANK.index)
            self.plan.rels["MEMBER_OF"][(researcher, platform)] = {
                "a": researcher, "b": platform, "role": roles[0], "roles": roles}

    def _platform(self, errors: _RowErrors, text: str) -> str | None:
        key = self.platform_ids.get(text)
        if key:
            return key
        keys = self.platform_names.get(normalize_name(text), set())
        if len(keys) == 1:
            return next(iter(keys))
        if keys:
            errors.add("platform", "平台名称有歧义（多个级别的同名平台），请填写平台编号",
                       "ambiguous platform name (several levels share it); use the platform id")
        else:
            errors.add("platform", "找不到该平台（平台表和图中都没有此编号或名称）",
                       "unknown platform (no such id or name in the platforms file or the graph)")
        return None

    def _researcher(self, errors: _RowErrors, text: str, inst_text: str | None) -> str | None:
        key = self.researcher_ids.get(text)
        if key:
            return key
        found = self.researcher_names.get(clean_text(text))
        candidates = found if isinstance(found, set) else {found} if found else set()
        if inst_text:
            inst = self._institution(errors, "institution", inst_text)
            if inst is None:
                return None
            candidates = {c for c in candidates if c[1] == inst}
        if len(candidates) == 1:
            return next(iter(candidates))[0]
        if candidates:
            errors.add("researcher", "人员重名，请填写工作单位或人员编号",
                       "several researchers share this name; give the institution or the researcher id")
        else:
            errors.add("researcher", "找不到该人员（人才表和图中都没有）",
                       "unknown researcher (not in the researchers file or the graph)")
        return None

    def _plan_collaborations(self, table: RawTable) -> None:
        totals: dict[tuple, int] = defaultdict(int)
        for _raw, values, errors in self._rows(table):
            a = self._institution(errors, "a", values["a"])
            b = self._institution(errors, "b", values["b"])
            industry = self._industry(errors, "industry", values["industry"]) if values["industry"] else ""
            if a is not None and a == b:
                errors.add("b", "单位甲与单位乙是同一单位", "parties a and b are the same institution")
            if errors:
                continue
            if a is None or b is None:  # None comes with a row error
                continue
            a, b = sorted((a, b))
            totals[(a, b, values["kind"], values["year"], industry)] += values["count"] if values["count"] else 1
        for (a, b, kind, year, industry), count in totals.items():
            self._rel("COLLABORATES_WITH", a, b, kind=kind, year=year, industry=industry, count=count)

    def _plan_targets(self, table: RawTable) -> None:
        nodes = self.plan.nodes["Target"]
        for _raw, values, _errors in self._rows(table):
            level = values["level_given"] or (values["level"] if values["level"] == "national" else None)
            # a target per category (no type) is keyed by its category so it never collides with a type's
            category = None if values["type"] else values["category"]
            subject = values["type"] or (f"类别:{category}" if category else "")
            key = f"{subject}@{level or ''}@{values['year'] or ''}"
            nodes[key] = {"key": key, "props": {
                "type": values["type"], "category": category, "level": level, "year": values["year"],
                "new": values["new"], "integrated_or_revoked": values["integrated_or_revoked"],
                "total": values["total"]}}

    def _plan_evaluations(self, table: RawTable) -> None:
        """One Evaluation node per (platform, year, result), linked to the platform it grades.

        Why a node per record: the plan needs the history (整改 in 2021, 整改通过 in 2022), not only the
        latest grade that the platforms table's 评估结果 column carries."""
        nodes = self.plan.nodes["Evaluation"]
        for _raw, values, errors in self._rows(table):
            platform = self._platform(errors, values["platform"])
            if errors or platform is None:
                continue
            key = f"{platform}@{values['year']}@{values['result']}"
            nodes[key] = {"key": key, "platform": platform, "props": {
                "platform": platform, "year": values["year"], "result": values["result"], "note": values["note"]}}

    # ------------------------------------------------------------------ near-misses
    def _certainly_different(self, a: str, b: str) -> bool:
        """Two valid credit codes, or two different cities, settle it: not a near-miss to report."""
        nodes = self.plan.nodes.get("Institution", {})

        def facts(key: str) -> tuple[str | None, str | None]:
            node = nodes.get(key)
            code = (node or {}).get("credit_code") or self.inst_codes.get(key) or lookup_forms(key)[0]
            return code, (node or {}).get("city")

        (code_a, city_a), (code_b, city_b) = facts(a), facts(b)
        if (code_a and code_b and code_a != code_b) or (city_a and city_b and city_a != city_b):
            return True
        name_a, name_b = self.institutions.names.get(a, a), self.institutions.names.get(b, b)
        return numbered_siblings(name_a, name_b)  # 第一人民医院 / 第三人民医院: not typos

    def _similar_institutions(self) -> None:
        """Report pairs of institutions one edit apart that this dataset introduced or touched."""
        dataset = self.plan.nodes.get("Institution", {})
        if not dataset:
            return
        names = {key: self.institutions.names.get(key, key) for key in self.institutions.names}
        norms = {key: normalize_name(name) for key, name in names.items()}
        for ka, na, kb, nb in one_edit_pairs(norms):
            if ka not in dataset and kb not in dataset:
                continue
            if self._certainly_different(ka, kb):
                continue
            self.plan.ambiguities.append(Ambiguity(
                "similar_institutions", "", None, "", names[ka], kb, names[kb], None,
                f"两个单位名称只差一个字（{na} / {nb}），按不同单位处理，请核实",
                f"names one edit apart ({na} / {nb}); kept as different institutions, please check"))


def summarise_rels(plan: Plan) -> dict[str, int]:
    return {rel: len(rows) for rel, rows in plan.rels.items()}
