"""Display names for the codes stored in the graph, in the report's language.

Codes are stored in English (docs/graph-model.md); the Chinese labels come from the reference data
(taxonomy, cities, industries) or the small tables below, so a planner never reads a raw code.
"""

from __future__ import annotations

from graph.reference import LEVEL_NAMES, load_cities, load_industries, load_taxonomy

STATUS_NAMES = {"active": ("运行", "Active"), "building": ("建设中", "Under construction"),
                "revoked": ("撤销", "Revoked"), "merged": ("整合", "Merged")}
SECTOR_NAMES = {"industry": ("产", "Industry"), "academia": ("学", "Academia"),
                "research": ("研", "Research"), "user": ("用", "User")}
SECTOR_ORDER = ("industry", "academia", "research", "user")
RECOMMENDATION_NAMES = {"merge": ("合并", "Merge"), "integrate": ("一体化管理", "Integrate"),
                        "refocus": ("调整方向", "Refocus"), "review": ("复核", "Review")}
UNKNOWN_NAMES = ("未填写", "Not given")


class Labels:
    """Label lookups bound to one language."""

    def __init__(self, lang: str) -> None:
        self.lang = lang
        self._taxonomy = load_taxonomy()
        self._cities = load_cities()
        self._industries = load_industries()

    def pick(self, pair: tuple[str, str]) -> str:
        return pair[1] if self.lang == "en" else pair[0]

    def _code(self, table: dict[str, tuple[str, str]], code: str | None) -> str:
        if not code:
            return self.pick(UNKNOWN_NAMES)
        return self.pick(table[code]) if code in table else code

    def category(self, code: str | None) -> str:
        cat = self._taxonomy.categories.get(code or "")
        if cat is None:
            return self._code({}, code)
        return cat.name_en if self.lang == "en" else cat.name

    def ptype(self, code: str | None) -> str:
        ptype = self._taxonomy.types.get(code or "")
        if ptype is None:
            return self._code({}, code)
        return ptype.name_en if self.lang == "en" else ptype.key

    def level(self, code: str | None) -> str:
        return self._code(LEVEL_NAMES, code)

    def status(self, code: str | None) -> str:
        return self._code(STATUS_NAMES, code)

    def sector(self, code: str | None) -> str:
        return self._code(SECTOR_NAMES, code)

    def recommendation(self, code: str | None) -> str:
        return self._code(RECOMMENDATION_NAMES, code)

    def city(self, code: str | None) -> str:
        city = self._cities.get(code or "")
        if city is None:
            return self._code({}, code)
        return city.name_en if self.lang == "en" else city.key

    def industry(self, code: str | None) -> str:
        ind = self._industries.get(code or "")
        if ind is None:
            return self._code({}, code)
        return ind.name_en if self.lang == "en" else ind.key

    def dimension(self, dimension: str, code: str | None) -> str:
        return getattr(self, {"type": "ptype"}.get(dimension, dimension))(code)
