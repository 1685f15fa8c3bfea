"""Reference data: the platform taxonomy, Guangxi's cities and the default key industries.

They live as TOML files in ``graph/data/`` so planners can edit them without touching code (a
different province swaps the files). This module reads them into plain objects, resolves the
spellings found in spreadsheets (aliases, 国家级 + regional type name …), and loads them into
Neo4j as reference nodes that every platform links to.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from rapidfuzz import fuzz, process

from graph.names import normalize_name
from graph.store import Store

DATA_DIR = Path(__file__).parent / "data"

# Levels in rank order (the shared data contract): national 国家级, ministerial 部级 (a ministry's own
# labs and centres, e.g. 教育部重点实验室), regional 自治区级, departmental 厅级 (recognised by one
# department of the region, e.g. 广西高校重点实验室 by the education department, 桂教规范〔2021〕5号),
# municipal 市级.
LEVELS = ("national", "ministerial", "regional", "departmental", "municipal")
LEVEL_RANK = {level: len(LEVELS) - i for i, level in enumerate(LEVELS)}  # national 5 … municipal 1
LEVEL_ALIASES = {
    "national": "national", "国家级": "national", "国家": "national", "国字号": "national",
    "ministerial": "ministerial", "ministry": "ministerial", "部级": "ministerial", "部委级": "ministerial",
    "部属": "ministerial", "部门级": "ministerial", "行业部委级": "ministerial",
    # 省部级 is how lists write "provincial or ministerial": the tier right below national. The
    # region's own platforms are the common case in a Guangxi list, so it reads as regional.
    "regional": "regional", "provincial": "regional", "自治区级": "regional", "省级": "regional",
    "自治区": "regional", "省部级": "regional", "区级": "regional", "广西": "regional",
    "广西壮族自治区": "regional", "广西级": "regional",
    "departmental": "departmental", "department": "departmental", "厅级": "departmental",
    "厅局级": "departmental", "厅局": "departmental", "厅": "departmental", "自治区厅级": "departmental",
    "municipal": "municipal", "city": "municipal", "市级": "municipal", "地市级": "municipal",
    "设区市级": "municipal", "市": "municipal",
}
LEVEL_NAMES = {"national": ("国家级", "National"), "ministerial": ("部级", "Ministerial"),
               "regional": ("自治区级", "Regional"), "departmental": ("厅级", "Departmental"),
               "municipal": ("市级", "Municipal")}
if tuple(LEVEL_NAMES) != LEVELS or set(LEVEL_ALIASES.values()) != set(LEVELS):
    raise RuntimeError("LEVELS, LEVEL_NAMES and LEVEL_ALIASES must name the same levels")

# Region and level words a list puts before a type name (广西众创空间, 自治区级重点实验室, 国家级孵化器).
# Longest first, so 广西壮族自治区 is stripped before 广西. Region words leave the level to the type or
# the level column; national words make the level national (the way 国家 always was).
REGION_PREFIXES = ("广西壮族自治区", "自治区级", "广西区级", "广西区", "广西", "自治区", "省级", "省")
NATIONAL_PREFIXES = ("国家级", "国家")
# 市级 + a type (市级重点实验室, 市级企业技术中心): the type at the municipal level.
MUNICIPAL_PREFIXES = ("市级",)
# Fixed-level types: a type recognised by the state or a ministry has that level whatever the
# level column says (a lower level there is a typo, not a different platform).
FIXED_LEVELS = frozenset({"national", "ministerial"})


@dataclass(frozen=True)
class Category:
    key: str
    name: str
    name_en: str


@dataclass(frozen=True)
class Family:
    key: str
    name: str
    name_en: str


@dataclass(frozen=True)
class PlatformType:
    key: str
    name_en: str
    category: str
    level: str
    family: str | None = None
    department: str | None = None
    counterpart: str | None = None
    regional15: bool = False
    legacy: bool = False
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True)
class City:
    key: str
    name_en: str
    aliases: tuple[str, ...] = ()
    code: str = ""  # administrative division code (GB/T 2260), e.g. 450200 for 柳州


@dataclass(frozen=True)
class Industry:
    key: str
    name_en: str
    level: str  # "industry" or "segment"
    parent: str | None = None
    priority: int = 3
    key_industry: bool = True
    cities: tuple[str, ...] = ()
    aliases: tuple[str, ...] = ()
    keywords: tuple[str, ...] = ()  # words that point to it inside a longer name (graph/industry_terms.py)


@dataclass(frozen=True)
class ReferenceInstitution:
    """One row of ``graph/data/institutions.toml``: a Guangxi institution and the names people write."""

    name: str
    kind: str
    sector: str
    city: str | None
    aliases: tuple[str, ...] = ()
    source: str = ""


# The 产学研用 sector a kind implies (the same default an institutions file gets, ingest/models.py).
KIND_SECTOR = {"enterprise": "industry", "university": "academia", "institute": "research",
               "hospital": "user", "government": "user", "other": "user"}


@dataclass
class Taxonomy:
    categories: dict[str, Category]
    families: dict[str, Family]
    types: dict[str, PlatformType]
    _alias_index: dict[str, str] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        for ptype in self.types.values():
            for spelling in (ptype.key, *ptype.aliases):
                self._alias_index.setdefault(normalize_name(spelling), ptype.key)

    @property
    def regional15(self) -> list[PlatformType]:
        return [t for t in self.types.values() if t.regional15]

    def resolve_type(self, raw: str, level: str | None = None) -> tuple[str, str] | None:
        """Map a spreadsheet's type text (and optional level) to ``(type key, level)``.

        The text is looked up as written, then with region/level prefixes removed one at a time
        (广西众创空间 → 众创空间, 自治区级重点实验室 → 重点实验室, 国家级工程研究中心 → 工程研究中心 at the
        national level). '工程研究中心' with level 国家级 becomes its national counterpart
        '国家工程研究中心'; a national or ministerial type fixes the level whatever the level column
        says; a type's own level (高校重点实验室: departmental) is the default. Unknown: None.
        """
        found = self._lookup(normalize_name(raw))
        if found is None:
            return None
        key, prefix_level = found
        if prefix_level:
            level = prefix_level
        ptype = self.types[key]
        if ptype.level in FIXED_LEVELS:
            return key, ptype.level
        if level == "national":
            for other in self.types.values():
                if other.counterpart == key:
                    return other.key, "national"
            return key, "national"
        return key, level or ptype.level

    def _lookup(self, text: str) -> tuple[str, str | None] | None:
        """``(type key, the level a removed prefix implies or None)`` for normalised ``text``, or None."""
        level: str | None = None
        for _ in range(4):  # 广西壮族自治区级… : a few prefixes at most
            key = self._alias_index.get(text)
            if key is not None:
                return key, level
            for prefix in NATIONAL_PREFIXES + MUNICIPAL_PREFIXES + REGION_PREFIXES:
                if text.startswith(prefix) and len(text) > len(prefix) + 1:
                    if prefix in NATIONAL_PREFIXES:
                        level = "national"
                    elif prefix in MUNICIPAL_PREFIXES:
                        level = level or "municipal"
                    text = text[len(prefix):].removeprefix("级")
                    break
            else:
                return None
        return None

    def suggest_types(self, raw: str, limit: int = 3) -> list[str]:
        """The known type names nearest to ``raw`` (for "did you mean …" in a reject reason).

        Why rapidfuzz (already a dependency for name near-misses): its WRatio scorer weighs partial
        and token matches, so 国家重点实验 or 科技企业孵化基地 still find their type; hand-written
        edit distance would not, and difflib is slower and cruder on short CJK strings.
        """
        text = normalize_name(raw)
        if not text:
            return []
        choices = {spelling: key for key, t in self.types.items()
                   for spelling in (key, *t.aliases)}
        found = process.extract(text, list(choices), scorer=fuzz.WRatio, limit=limit * 4, score_cutoff=50)
        out: list[str] = []
        for choice, _score, _pos in found:
            if choices[choice] not in out:
                out.append(choices[choice])
            if len(out) == limit:
                break
        return out

    def family_of(self, type_key: str) -> str | None:
        ptype = self.types.get(type_key)
        return ptype.family if ptype else None

    def category_of(self, type_key: str) -> str | None:
        ptype = self.types.get(type_key)
        return ptype.category if ptype else None


def _read(name: str, data_dir: Path | None = None) -> dict[str, Any]:
    with open((data_dir or DATA_DIR) / name, "rb") as fh:
        return tomllib.load(fh)


@lru_cache(maxsize=4)
def load_taxonomy(data_dir: Path | None = None) -> Taxonomy:
    raw = _read("taxonomy.toml", data_dir)
    categories = {c["key"]: Category(c["key"], c["name"], c["name_en"]) for c in raw["category"]}
    families = {f["key"]: Family(f["key"], f["name"], f["name_en"]) for f in raw["family"]}
    types: dict[str, PlatformType] = {}
    for t in raw["type"]:
        if t["category"] not in categories:
            raise ValueError(f"taxonomy.toml: type {t['key']} has unknown category {t['category']}")
        if t["level"] not in LEVELS:
            raise ValueError(f"taxonomy.toml: type {t['key']} has unknown level {t['level']} (one of {LEVELS})")
        if t.get("family") and t["family"] not in families:
            raise ValueError(f"taxonomy.toml: type {t['key']} has unknown family {t['family']}")
        types[t["key"]] = PlatformType(
            key=t["key"], name_en=t["name_en"], category=t["category"], level=t["level"],
            family=t.get("family"), department=t.get("department"), counterpart=t.get("counterpart"),
            regional15=bool(t.get("regional15", False)), legacy=bool(t.get("legacy", False)),
            aliases=tuple(t.get("aliases", ())),
        )
    return Taxonomy(categories, families, types)


@lru_cache(maxsize=4)
def load_cities(data_dir: Path | None = None) -> dict[str, City]:
    raw = _read("cities.toml", data_dir)
    return {c["key"]: City(c["key"], c["name_en"], tuple(c.get("aliases", ())), str(c.get("code", "")))
            for c in raw["city"]}


@lru_cache(maxsize=4)
def load_industries(data_dir: Path | None = None) -> dict[str, Industry]:
    """Key industries and their chain segments, keyed by canonical name."""
    raw = _read("industries.toml", data_dir)
    out: dict[str, Industry] = {}
    for ind in raw["industry"]:
        out[ind["key"]] = Industry(
            key=ind["key"], name_en=ind["name_en"], level="industry", priority=int(ind.get("priority", 3)),
            cities=tuple(ind.get("cities", ())), aliases=tuple(ind.get("aliases", ())),
            keywords=tuple(ind.get("keywords", ())),
        )
        for seg in ind.get("segments", ()):
            out[seg["key"]] = Industry(
                key=seg["key"], name_en=seg["name_en"], level="segment", parent=ind["key"],
                priority=int(ind.get("priority", 3)), cities=tuple(ind.get("cities", ())),
                aliases=tuple(seg.get("aliases", ())), keywords=tuple(seg.get("keywords", ())),
            )
    return out


@lru_cache(maxsize=4)
def load_reference_institutions(data_dir: Path | None = None) -> tuple[ReferenceInstitution, ...]:
    """Guangxi's reference institutions (universities, public institutes …) with their short names.

    Why not Institution nodes from the start: ~100 institutions that no dataset names would join
    every institution count, collaboration gap and report. Ingest resolves host, co-builder and
    institution names against this list after the graph, and writes the institution it names as
    ``(:Institution {reference: true})`` (:mod:`ingest.load_plan`); a later institutions file enriches
    that node. A missing file is an empty list (a province without one still ingests).
    """
    path = (data_dir or DATA_DIR) / "institutions.toml"
    if not path.is_file():
        return ()
    raw = _read("institutions.toml", data_dir)
    out = []
    for n, row in enumerate(raw.get("institution", []), start=1):
        name = str(row.get("name") or "").strip()
        kind = str(row.get("kind") or "other")
        if not name or kind not in KIND_SECTOR:
            raise ValueError(f"institutions.toml: entry {n} ({name or '?'}) needs a name and a kind in "
                             f"{sorted(KIND_SECTOR)}")
        city_text = str(row.get("city") or "")
        city = resolve_city(city_text) if city_text else None
        if city_text and city is None:
            raise ValueError(f"institutions.toml: {name}: city {city_text} is not one of the 14 cities")
        out.append(ReferenceInstitution(name=name, kind=kind, sector=KIND_SECTOR[kind], city=city,
                                        aliases=tuple(row.get("aliases", ())), source=str(row.get("source", ""))))
    return tuple(out)


def resolve_city(raw: str) -> str | None:
    """A city key from '柳州', '柳州市', 'Liuzhou' or an address inside it ('柳州市鱼峰区', '广西柳州市');
    None when it is not one of the 14 cities."""
    text = normalize_name(raw)
    cities = load_cities().values()
    for city in cities:
        if text in {normalize_name(s) for s in (city.key, city.name_en, *city.aliases)}:
            return city.key
    # a county or district written after its city: the city's name followed by 市
    text = text.removeprefix("广西壮族自治区").removeprefix("广西")
    for city in cities:
        if text.startswith(city.key + "市"):
            return city.key
    return None


def resolve_level(raw: str | None) -> str | None:
    """A level key (:data:`LEVELS`) from 国家级 / 部级 / 自治区级 / 厅级 / 市级 or a synonym; None if unknown."""
    return _LEVEL_INDEX.get(normalize_name(raw)) if raw else None


_LEVEL_INDEX = {normalize_name(k): v for k, v in LEVEL_ALIASES.items()}


def suggest_levels(raw: str, limit: int = 3) -> list[str]:
    """Level names nearest to ``raw`` (国家级 … 市级), for "did you mean …" (see :meth:`Taxonomy.suggest_types`)."""
    text = normalize_name(raw)
    if not text:
        return []
    choices = {k: v for k, v in LEVEL_ALIASES.items() if not k.isascii()}
    found = process.extract(text, list(choices), scorer=fuzz.WRatio, limit=limit * 4, score_cutoff=40)
    out: list[str] = []
    for choice, _score, _pos in found:
        name = LEVEL_NAMES[choices[choice]][0]
        if name not in out:
            out.append(name)
    return out[:limit] or [LEVEL_NAMES[lv][0] for lv in LEVELS]


def level_label(level: str | None, lang: str = "zh") -> str:
    """国家级 / National … for a level key; the key itself when unknown, '' for None."""
    if not level:
        return ""
    zh, en = LEVEL_NAMES.get(level, (level, level))
    return en if lang == "en" else zh


# ---------------------------------------------------------------------- loading into Neo4j
LOAD_CATEGORIES = """
UNWIND $rows AS row
MERGE (c:Category {key: row.key})
SET c.name = row.name, c.name_en = row.name_en, c.reference = true
"""

LOAD_FAMILIES = """
UNWIND $rows AS row
MERGE (f:TypeFamily {key: row.key})
SET f.name = row.name, f.name_en = row.name_en, f.reference = true
"""

LOAD_TYPES = """
UNWIND $rows AS row
MERGE (t:PlatformType {key: row.key})
SET t.name = row.key, t.name_en = row.name_en, t.level = row.level, t.family = row.family,
    t.category = row.category, t.department = row.department, t.regional15 = row.regional15,
    t.legacy = row.legacy, t.aliases = row.aliases, t.reference = true
WITH t, row
MATCH (c:Category {key: row.category})
MERGE (t)-[:IN_CATEGORY]->(c)
WITH t, row
OPTIONAL MATCH (f:TypeFamily {key: row.family})
FOREACH (_ IN CASE WHEN f IS NULL THEN [] ELSE [1] END | MERGE (t)-[:IN_FAMILY]->(f))
"""

LOAD_COUNTERPARTS = """
UNWIND $rows AS row
MATCH (n:PlatformType {key: row.key}), (r:PlatformType {key: row.counterpart})
MERGE (n)-[:COUNTERPART_OF]->(r)
"""

LOAD_CITIES = """
UNWIND $rows AS row
MERGE (c:City {key: row.key})
SET c.name = row.key, c.name_en = row.name_en, c.aliases = row.aliases, c.code = row.code, c.reference = true
"""

LOAD_INDUSTRIES = """
UNWIND $rows AS row
MERGE (i:Industry {key: row.key})
SET i.name = row.key, i.name_en = row.name_en, i.level = row.level, i.priority = row.priority,
    i.key_industry = row.key_industry, i.aliases = row.aliases,
    i.aliases_text = reduce(s = '', a IN row.aliases | s + ' ' + a), i.reference = true
WITH i, row
UNWIND row.cities AS city
MATCH (c:City {key: city})
MERGE (i)-[:LAID_OUT_IN]->(c)
"""

LOAD_SEGMENT_LINKS = """
UNWIND $rows AS row
MATCH (s:Industry {key: row.key}), (p:Industry {key: row.parent})
MERGE (s)-[:PART_OF]->(p)
"""


def load_reference(store: Store, data_dir: Path | None = None) -> dict[str, int]:
    """MERGE the taxonomy, cities and industries into Neo4j; idempotent. Returns counts loaded."""
    taxonomy = load_taxonomy(data_dir)
    cities = load_cities(data_dir)
    industries = load_industries(data_dir)
    store.upsert_batches(LOAD_CATEGORIES, [vars(c) for c in taxonomy.categories.values()])
    store.upsert_batches(LOAD_FAMILIES, [vars(f) for f in taxonomy.families.values()])
    type_rows = [{**vars(t), "aliases": list(t.aliases)} for t in taxonomy.types.values()]
    store.upsert_batches(LOAD_TYPES, type_rows)
    store.upsert_batches(LOAD_COUNTERPARTS, [r for r in type_rows if r["counterpart"]])
    store.upsert_batches(LOAD_CITIES, [{**vars(c), "aliases": list(c.aliases)} for c in cities.values()])
    ind_rows = [{**vars(i), "aliases": list(i.aliases), "cities": list(i.cities), "keywords": list(i.keywords)}
                for i in industries.values()]
    store.upsert_batches(LOAD_INDUSTRIES, ind_rows)
    store.upsert_batches(LOAD_SEGMENT_LINKS, [r for r in ind_rows if r["parent"]])
    return {
        "Category": len(taxonomy.categories),
        "TypeFamily": len(taxonomy.families),
        "PlatformType": len(taxonomy.types),
        "City": len(cities),
        "Industry": len(industries),
    }
