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

from graph.names import normalize_name
from graph.store import Store

DATA_DIR = Path(__file__).parent / "data"

LEVELS = ("national", "regional", "municipal")
LEVEL_ALIASES = {
    "national": "national", "国家级": "national", "国家": "national", "国字号": "national",
    "regional": "regional", "provincial": "regional", "自治区级": "regional", "省级": "regional",
    "自治区": "regional", "省部级": "regional", "区级": "regional",
    "municipal": "municipal", "city": "municipal", "市级": "municipal", "地市级": "municipal",
}
LEVEL_NAMES = {"national": ("国家级", "National"), "regional": ("自治区级", "Regional"),
               "municipal": ("市级", "Municipal")}


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
    keywords: tuple[str, ...] = ()  # words that point to it inside a longer name (ingest/industry_terms.py)


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

        '工程研究中心' with level 国家级 becomes the national counterpart '国家工程研究中心'; a national
        type name fixes the level to national whatever the level column says. Unknown: None.
        """
        key = self._alias_index.get(normalize_name(raw))
        if key is None:
            # '国家' + regional name, e.g. 国家工程研究中心 written as 国家级工程研究中心
            stripped = normalize_name(raw).removeprefix("国家级").removeprefix("国家")
            regional = self._alias_index.get(stripped)
            if regional is None:
                return None
            key, level = regional, "national"
        ptype = self.types[key]
        if ptype.level == "national":
            return key, "national"
        if level == "national":
            for other in self.types.values():
                if other.counterpart == key:
                    return other.key, "national"
            return key, "national"
        return key, level or ptype.level

    def family_of(self, type_key: str) -> str | None:
        ptype = self.types.get(type_key)
        return ptype.family if ptype else None

    def category_of(self, type_key: str) -> str | None:
        ptype = self.types.get(type_key)
        return ptype.category if ptype else None


def _read(name: str, data_dir: Path | None = None) -> dict:
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


def resolve_city(raw: str) -> str | None:
    """A city key from '柳州', '柳州市' or 'Liuzhou'; None when it is not one of the 14 cities."""
    text = normalize_name(raw)
    for city in load_cities().values():
        if text in {normalize_name(s) for s in (city.key, city.name_en, *city.aliases)}:
            return city.key
    return None


def resolve_level(raw: str) -> str | None:
    return LEVEL_ALIASES.get(normalize_name(raw)) if raw else None


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
