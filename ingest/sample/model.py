"""In-memory entities of the sample generator, before they are rendered into template rows.

Why separate objects from rows: the generator plants structure (overlaps, gaps, sectors) on these
objects and computes the truth from them; rendering adds the messiness (name variants, header
languages, encodings) without changing what the data means.
"""

from __future__ import annotations

from dataclasses import dataclass, field

SECTOR_OF_KIND = {"enterprise": "industry", "university": "academia", "institute": "research",
                  "hospital": "user", "government": "user", "other": "user"}
SECTORS = ("industry", "academia", "research", "user")


@dataclass(slots=True)
class Institution:
    idx: int
    name: str                      # canonical name (as written in the institutions file, minus decorations)
    kind: str
    city: str
    key: str                       # Institution key the ingest must produce
    sector: str                    # effective sector (kind default or override)
    sector_override: str = ""      # what the 产学研用 column says ('' = default from kind)
    credit_code: str = ""          # valid code or ''
    aliases: list[str] = field(default_factory=list)   # declared 别名
    short: str = ""                # a short name usable as a trailing bracket, e.g. 柳工
    industries: list[str] = field(default_factory=list)
    real: bool = False


@dataclass(slots=True)
class Researcher:
    idx: int
    name: str
    inst: int
    title: str
    fields: list[str]
    programs: list[str]
    industry: str = ""
    id: str = ""
    platforms: list[int] = field(default_factory=list)


@dataclass(slots=True)
class Platform:
    idx: int
    name: str
    type_key: str
    level: str
    industry: str                  # key industry (or extra industry)
    segment: str                   # chain segment or '' (non-segmented industry)
    host: int
    co_builders: list[int]
    city: str
    keywords: list[str]
    established: int
    status: str = "active"
    evaluation: str = ""
    tag: str = "background"        # background | group:<id> | hard:<n> | single | multi | covered
    group: str = ""
    members: list[tuple[int, str]] = field(default_factory=list)   # (researcher idx, role)
    serves: list[str] = field(default_factory=list)   # industries written in 服务产业 (segment and/or industry)
    id: str = ""
    theme: str = ""                # the topic words of the name (its core before affixes), "" for host/brand names


@dataclass(slots=True)
class Collaboration:
    a: int
    b: int
    kind: str
    year: int
    count: int
    industry: str
