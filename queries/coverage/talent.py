"""The talent view: over-stretched researchers and industries whose platforms lack senior people.

Why: one person leading or sitting in many platforms is a classic sign of duplication (the same team
under several plaques), and an industry whose platforms have few senior people cannot carry new
ones. Both are read in bulk (two aggregated queries).

* **over-stretched**: a researcher with roles in at least ``min_roles`` distinct platforms; the
  signs listed are roles in several platforms of one near-duplicate type family and roles in
  platforms of one overlap group;
* **senior**: a 正高 title (教授, 研究员, 正高级…, 主任医师/主任药师, 院士; never a 副 title) or the
  director / chief-scientist role; an industry is **thin** when its covering platforms have fewer
  than ``min_senior_per_platform`` senior people per platform (segments roll up into industries).
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from graph.i18n import Lang, current_lang, tr
from graph.reference import load_taxonomy
from graph.store import Store
from queries.coverage._cypher import cypher
from queries.coverage.snapshot import read_industries

SENIOR_ROLES = ["director", "chief_scientist"]
SENIOR_TITLES = ["教授", "研究员", "正高", "主任医师", "主任药师", "院士"]
ROLE_NAMES = {"director": ("负责人", "director"), "chief_scientist": ("首席科学家", "chief scientist"),
              "academic_committee": ("学术委员会", "academic committee"), "core_member": ("核心成员", "core member")}


def _role(role: str | None, lang: Lang) -> str:
    zh, en = ROLE_NAMES.get(role or "", (role or "成员", role or "member"))
    return tr(zh, en, lang)


def talent_view(store: Store, *, min_roles: int = 3, lang: Lang | None = None,
                min_senior_per_platform: float = 1.0) -> dict[str, Any]:
    """``{"overstretched": [...], "industries": [...], "thin_industries": [...]}``."""
    lang = lang or current_lang()
    stretched = []
    for row in store.read(cypher("talent_stretched"), {"min_roles": min_roles}):
        roles = row["roles"]
        families = Counter(r["family"] for r in roles if r["family"])
        groups = Counter(r["group"] for r in roles if r["group"])
        signs = []
        for fam, n in families.items():
            if n >= 2:
                info = load_taxonomy().families.get(fam)
                name = tr(info.name, info.name_en, lang) if info else fam
                signs.append(tr("在同一类型族（{f}）的 {n} 个平台任职", "roles in {n} platforms of one type family ({f})",
                                lang, f=name, n=n))
        for grp, n in groups.items():
            if n >= 2:
                signs.append(tr("在同一重叠组（{g}）的 {n} 个平台任职", "roles in {n} platforms of one overlap group ({g})",
                                lang, g=grp, n=n))
        senior_roles = sum(1 for r in roles if r["role"] in SENIOR_ROLES)
        stretched.append({
            "key": row["key"], "name": row["name"], "institution": row["institution_name"] or row["institution"],
            "title": row["title"], "platforms": row["platforms"], "senior_roles": senior_roles,
            "roles": [{"platform": r["key"], "id": r["id"], "name": r["name"], "type": r["type"],
                       "level": r["level"], "role": r["role"], "role_name": _role(r["role"], lang)} for r in roles],
            "signs": signs,
            "reason": tr("在 {n} 个平台任职（其中负责人/首席科学家 {s} 个）", "holds roles in {n} platforms ({s} as director "
                         "or chief scientist)", lang, n=row["platforms"], s=senior_roles),
        })
    known = read_industries(store)
    industries = []
    for row in store.read(cypher("talent_industries"), {"senior_roles": SENIOR_ROLES, "senior_titles": SENIOR_TITLES}):
        ind = known.get(row["industry"])
        if ind is None:
            continue
        ratio = row["senior"] / row["platforms"] if row["platforms"] else 0.0
        thin = ratio < min_senior_per_platform
        industries.append({
            "industry": ind.key, "industry_level": ind.level, "parent": ind.parent, "priority": ind.priority,
            "platforms": row["platforms"], "people": row["people"], "senior": row["senior"],
            "senior_per_platform": round(ratio, 2), "thin": thin,
            "reason": tr("{p} 个平台共有 {s} 名高级人才（每平台 {r:.2f}，阈值 {t}）",
                         "{p} platforms with {s} senior people ({r:.2f} per platform, threshold {t})",
                         lang, p=row["platforms"], s=row["senior"], r=ratio, t=min_senior_per_platform),
        })
    industries.sort(key=lambda r: (r["senior_per_platform"], r["priority"], r["industry"]))
    return {
        "min_roles": min_roles,
        "overstretched": stretched,
        "industries": industries,
        "thin_industries": [r for r in industries if r["thin"]],
    }
