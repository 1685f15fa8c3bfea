"""The data-quality list: what loaded incomplete and what ingest inferred, one item per (node, flag).

Why a list and not rejects: a real planner's list often lacks a host or writes a city we do not
know; such a platform still exists and must count. Ingest loads it and flags it
(:mod:`graph.quality`); this list tells the planner what to complete. Institutions that ingest
whose kind was guessed from the name — created from a platform list, or from an institutions row
with an empty 单位类型 — are listed too until a file states the kind.

``host_missing`` is reported only while the platform really has no host: a later file that
supplies one links it, and the flag then no longer applies.
"""

from __future__ import annotations

from typing import Any

from graph.quality import FLAGS
from graph.store import Store

QUALITY_ITEMS = """
MATCH (p:Platform) WHERE size(coalesce(p.quality_flags, [])) > 0
UNWIND p.quality_flags AS flag
WITH p, flag WHERE flag <> 'host_missing' OR NOT EXISTS { (p)-[:HOSTED_BY]->() }
RETURN 'platform' AS entity, p.key AS key, coalesce(p.name, p.key) AS name, flag,
       p.host_written AS host_written, p.city_written AS city_written, p.co_builders_unresolved AS co_unresolved,
       p.type AS type, p.level AS level, p.city AS city, null AS kind, null AS sector, null AS inferred_from,
       null AS created_from, null AS platforms
UNION ALL
MATCH (i:Institution) WHERE i.kind_inferred = true OR size(coalesce(i.quality_flags, [])) > 0
UNWIND (CASE WHEN i.kind_inferred = true THEN ['kind_inferred'] ELSE [] END
        + coalesce(i.quality_flags, [])) AS flag
RETURN 'institution' AS entity, i.key AS key, coalesce(i.name, i.key) AS name, flag,
       null AS host_written, i.city_written AS city_written, null AS co_unresolved,
       null AS type, null AS level, i.city AS city, i.kind AS kind, i.sector AS sector,
       i.inferred_from AS inferred_from, i.created_from AS created_from,
       COLLECT { MATCH (p:Platform)-[:HOSTED_BY|CO_BUILT_BY]->(i) RETURN p.name ORDER BY p.name LIMIT 5 } AS platforms
"""

FLAG_ORDER = {code: n for n, code in enumerate(FLAGS)}
KIND_ZH = {"enterprise": "企业", "university": "高校", "institute": "科研院所", "hospital": "医院",
           "government": "政府部门", "other": "其他"}
SECTOR_ZH = {"industry": "产", "academia": "学", "research": "研", "user": "用"}


def _detail(row: dict[str, Any], lang: str) -> str:
    """One line saying what exactly is incomplete or inferred (the value as written, the rule)."""
    flag, en = row["flag"], lang == "en"
    if flag == "host_unresolved":
        return (f"written: {row['host_written']}" if en else f"原文：{row['host_written']}") if row["host_written"] else ""
    if flag == "co_builder_unresolved":
        names = "; ".join(row["co_unresolved"] or [])
        return f"written: {names}" if en else f"原文：{names}"
    if flag == "city_unknown":
        return f"written: {row['city_written']}" if en else f"原文：{row['city_written']}"
    if flag == "kind_inferred":
        used = "、".join(row["platforms"] or [])
        word = row["inferred_from"] or ("no telling word" if en else "无可判断的字词")
        origin = row["created_from"] == "platform_list"
        if en:
            return (("created from a platform list; " if origin else "")
                    + f"kind {row['kind']}, sector {row['sector']} from '{word}' in the name; platforms: {used}")
        kind, sector = KIND_ZH.get(row["kind"], row["kind"]), SECTOR_ZH.get(row["sector"], row["sector"])
        return (("由平台清单创建；" if origin else "") + f"按名称中的“{word}”推断为{kind}（{sector}）；平台：{used}")
    if flag == "host_missing":
        return " ".join(x for x in (row["type"], row["city"]) if x)
    return ""


def quality_items(store: Store, *, flag: str | None = None, entity: str | None = None,
                  limit: int | None = None, offset: int = 0, lang: str = "zh") -> dict[str, Any]:
    """The flagged items: ``{total, counts: {flag: n}, items: [...]}``, ordered by flag then name.

    Each item: ``entity`` (platform | institution), ``key``, ``name``, ``flag``, ``label_zh``,
    ``label_en``, ``label`` (in ``lang``), ``action`` (what to do, in ``lang``) and ``detail``.
    ``counts`` covers every item before ``flag`` / ``entity`` filtering and paging (the summary a
    report appendix prints).
    """
    rows = store.read(QUALITY_ITEMS)
    counts: dict[str, int] = {}
    for row in rows:
        counts[row["flag"]] = counts.get(row["flag"], 0) + 1
    chosen = [r for r in rows if (flag is None or r["flag"] == flag) and (entity is None or r["entity"] == entity)]
    chosen.sort(key=lambda r: (FLAG_ORDER.get(r["flag"], 99), r["entity"], r["name"], r["key"]))
    total = len(chosen)
    page = chosen[offset:] if limit is None else chosen[offset:offset + limit]
    items = []
    for row in page:
        zh, en, act_zh, act_en = FLAGS.get(row["flag"], (row["flag"], row["flag"], "", ""))
        items.append({"entity": row["entity"], "key": row["key"], "name": row["name"], "flag": row["flag"],
                      "label_zh": zh, "label_en": en, "label": en if lang == "en" else zh,
                      "action": act_en if lang == "en" else act_zh, "detail": _detail(row, lang)})
    return {"total": total, "counts": dict(sorted(counts.items(), key=lambda kv: FLAG_ORDER.get(kv[0], 99))),
            "items": items}
