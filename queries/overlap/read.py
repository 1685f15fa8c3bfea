"""Reading the written-back overlaps (no recomputation): what the CLI, the API and reports show."""

from __future__ import annotations

import json
from typing import Any

from graph.i18n import Lang, current_lang
from graph.names import normalize_name
from graph.reference import load_industries, load_taxonomy, resolve_city, resolve_level
from graph.store import Store
from queries.overlap import cypher
from queries.overlap.results import GroupsResult, OverlapGroup, OverlapPair, OverlapsResult, PairReason
from queries.overlap.signals import RELATION_NAMES


def _lang(lang: str | None) -> Lang:
    return "en" if (lang or current_lang()) == "en" else "zh"


def _resolve_type(value: str | None) -> str | None:
    """A type key or family key from what a planner types (type name, alias or family)."""
    if not value:
        return None
    taxonomy = load_taxonomy()
    if value in taxonomy.families:
        return value
    for fam in taxonomy.families.values():
        if value in (fam.name, fam.name_en):
            return fam.key
    resolved = taxonomy.resolve_type(value)
    return resolved[0] if resolved else value


def _resolve_industry(value: str | None) -> str | None:
    if not value:
        return None
    wanted = normalize_name(value)
    for ind in load_industries().values():
        if wanted in {normalize_name(s) for s in (ind.key, ind.name_en, *ind.aliases)}:
            return ind.key
    return value


def pair_reasons(signals: str | list[dict[str, Any]] | None, lang: Lang) -> list[PairReason]:
    """``[{signal, detail, score}]`` in ``lang`` from the stored signals (JSON text or a list)."""
    parsed: list[dict[str, Any]] = (json.loads(signals) if isinstance(signals, str) else signals) or []
    detail = "detail_en" if lang == "en" else "detail_zh"
    return [{"signal": s["signal"], "detail": s[detail], "score": s["score"], "weight": s.get("weight")}
            for s in parsed]


def relation_name(relation: str, lang: Lang) -> str:
    """The kind of 交叉重复 in words: 内容重复 / 一平台多牌子."""
    zh, en = RELATION_NAMES.get(relation, (relation, relation))
    return en if lang == "en" else zh


def format_group(row: dict[str, Any], lang: Lang) -> OverlapGroup:
    return {
        "id": row["id"],
        "platforms": row["platforms"],
        "recommendation": row["recommendation"],
        "keep": row["keep"],
        "keep_name": row["keep_name"],
        "size": row["size"],
        "reasons": list(row["reasons_en"] if lang == "en" else row["reasons_zh"]) if row["reasons_zh"] else [],
        "run": row["run"],
        "relation": row.get("relation") or "duplicate",
        "relation_name": relation_name(row.get("relation") or "duplicate", lang),
    }


def read_overlaps(
    store: Store,
    *,
    min_score: float = 0.0,
    type: str | None = None,  # noqa: A002 - the public API's filter name (docs/api.md)
    level: str | None = None,
    city: str | None = None,
    industry: str | None = None,
    platform: str | None = None,
    limit: int = 100,
    offset: int = 0,
    lang: str = "zh",
) -> OverlapsResult:
    """Overlap pairs from the last analysis, strongest first, with the groups their platforms are in.

    A pair is listed when either of its platforms matches every filter given (type or type family,
    level, city, served industry or one of its chain segments); ``platform`` is a key or exact name.
    """
    lng = _lang(lang)
    params = {
        "min_score": float(min_score or 0.0),
        "type": _resolve_type(type),
        "level": (resolve_level(level) or level) if level else None,
        "city": (resolve_city(city) or city) if city else None,
        "industry": _resolve_industry(industry),
        "platform": platform or None,
        "limit": max(int(limit), 0),
        "offset": max(int(offset), 0),
    }
    total = store.read(cypher.COUNT_PAIRS, params)[0]["total"]
    rows = store.read(cypher.READ_PAIRS, params)
    pairs: list[OverlapPair] = [
        {
            "a": {"id": r["a_key"], "name": r["a_name"]},
            "b": {"id": r["b_key"], "name": r["b_name"]},
            "score": r["score"],
            "relation": r["relation"],
            "relation_name": relation_name(r["relation"], lng),
            "reasons": pair_reasons(r["signals"], lng),
        }
        for r in rows
    ]
    keys = sorted({r["a_key"] for r in rows} | {r["b_key"] for r in rows})  # the pairs' platforms
    groups = [format_group(g, lng) for g in store.read(cypher.READ_GROUPS_OF, {"keys": keys})] if keys else []
    run = rows[0]["run"] if rows else None
    return {"total": total, "run": run, "pairs": pairs, "groups": groups}


def read_groups(store: Store, *, lang: str = "zh", limit: int = 100, offset: int = 0) -> GroupsResult:
    """Overlap groups of the last analysis, largest first, with recommendation, keep and reasons."""
    lng = _lang(lang)
    total = store.read(cypher.COUNT_GROUPS)[0]["total"]
    rows = store.read(cypher.READ_GROUPS, {"limit": max(int(limit), 0), "offset": max(int(offset), 0)})
    return {"total": total, "groups": [format_group(r, lng) for r in rows]}
