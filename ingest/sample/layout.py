"""Rendering the generated world into template rows: headers, languages, variants and bad rows.

Why a separate step: the world holds what the data *means*; this module decides how a planner's
spreadsheet would *say* it (Chinese or English headers, 自治区级 or 省级, a name or its credit code,
`;` or `、`), and plants the rows that validation must reject. Row numbers follow the spreadsheet
convention shared with the ingest: the header is row 1, the first data row is row 2.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from graph.names import normalize_name
from graph.reference import LEVEL_NAMES, load_industries
from ingest.sample import pools
from ingest.sample.model import Collaboration, Platform
from ingest.sample.world import World

FORMULA_NAME = "=cmd|' /C calc'!A0"
BAD_YEAR_PLATFORM = "2O18"
BAD_YEAR_COLLAB = "20l9"
UNKNOWN_TYPE = "综合研究平台"
UNKNOWN_LEVEL = "县级"  # not a level platforms are recognised at (graph/reference.py LEVELS)

KIND_ZH = {"enterprise": "企业", "university": "高校", "institute": "科研院所", "hospital": "医院",
           "government": "政府部门", "other": "其他"}
STATUS_ZH = {"active": "运行", "building": "建设中", "revoked": "撤销", "merged": "整合"}
ROLE_ZH = {"director": "负责人", "chief_scientist": "首席科学家", "academic_committee": "学术委员会",
           "core_member": "核心成员"}
COLLAB_ZH = {"project": "合作项目", "patent": "联合专利", "paper": "合著论文", "contract": "技术合同", "alliance": "产业联盟"}
SEPARATORS = (";", "；", "、")


@dataclass
class Table:
    """One template file: where it goes, how it is encoded, its header row and its data rows."""

    template: str
    file: str
    encoding: str
    language: str
    headers: list[str]
    rows: list[list[str]] = field(default_factory=list)
    numeric: tuple[str, ...] = ()
    n_rows: int = 0  # data rows written (rows may be dropped after writing to save memory)

    @property
    def sheet(self) -> str:
        return self.file.rsplit(".", 1)[0]


# template → (file name, encoding, header language, headers, numeric headers)
FILES: dict[str, tuple[str, str, str, list[str], tuple[str, ...]]] = {
    "institutions": ("单位.csv", "utf-8-sig", "zh",
                     ["单位名称", "单位类型", "产学研用", "统一社会信用代码", "所在市", "别名", "所属产业"], ()),
    "platforms": ("平台.csv", "gb18030", "zh",
                  ["编号", "平台名称", "平台类型", "级别", "依托单位", "共建单位", "所在市", "认定年份", "状态",
                   "研究方向", "服务产业", "负责人", "评估结果", "主管部门"], ("认定年份",)),
    "researchers": ("人才.csv", "utf-8", "zh", ["编号", "姓名", "工作单位", "职称", "研究领域", "人才计划"], ()),
    "memberships": ("memberships.csv", "utf-8", "en", ["platform", "researcher", "institution", "role"], ()),
    "industries": ("产业.csv", "utf-8", "zh", ["产业名称", "上级产业", "重点产业", "优先级", "布局城市"], ("优先级",)),
    "collaborations": ("合作.csv", "utf-8", "zh", ["单位甲", "单位乙", "合作类型", "年份", "次数", "产业"], ("年份", "次数")),
    "targets": ("建设目标.csv", "utf-8", "en", ["type", "level", "year", "new", "integrated_or_revoked", "total"],
                ("year", "new", "integrated_or_revoked", "total")),
}


@dataclass
class BadRow:
    template: str
    row: list[str]
    column: str
    reason: str


class Renderer:
    def __init__(self, world: World) -> None:
        self.w = world
        self.rng = world.rng
        self.fac = world.fac
        self.tables = {t: Table(t, f, enc, lang, list(h), numeric=num) for t, (f, enc, lang, h, num) in FILES.items()}
        self.bad: list[BadRow] = []
        self._rejects: list[dict] = []
        self.formula: dict | None = None

    def _join(self, items: list[str]) -> str:
        return self.rng.choice(SEPARATORS).join(items)

    def _city(self, city: str) -> str:
        return city + "市" if self.rng.random() < 0.2 else city

    # ------------------------------------------------------------------ files
    def institutions(self, bad_code_row: tuple[str, str, str]) -> None:
        rng, rows = self.rng, self.tables["institutions"].rows
        order = list(self.w.insts)
        rng.shuffle(order)
        for inst in order:
            name = inst.name
            if inst.short and inst.short not in inst.aliases and rng.random() < 0.04:
                name = f"{inst.name}（{inst.short}）"
            code = inst.credit_code.lower() if inst.credit_code and rng.random() < 0.03 else inst.credit_code
            rows.append([name, KIND_ZH[inst.kind], inst.sector_override, code, self._city(inst.city),
                         self._join(inst.aliases), self._join(inst.industries)])
        name, city, code = bad_code_row
        self._plant("institutions", [name, "企业", "", code, city, "", "现代物流"], "统一社会信用代码",
                    "invalid_credit_code")

    def platforms(self) -> None:
        w, rng, rows = self.w, self.rng, self.tables["platforms"].rows
        order = list(w.platforms)
        rng.shuffle(order)
        for n, p in enumerate(order, start=1):
            p.id = f"P{n:05d}"
        candidates = [p for p in order if p.tag == "background" and p.status == "active"]
        formula_platform = candidates[0] if candidates else order[0]
        for p in order:
            rows.append(self._platform_row(p, FORMULA_NAME if p is formula_platform else p.name))
        self.formula = {"platform": formula_platform.id, "column": "平台名称"}
        # planted bad platform rows: each is valid except for exactly one cell
        nxt = len(order) + 1
        template = [p for p in order if p.tag == "background"][:4]
        # An unknown host no longer rejects a platform (ingest creates the institution from its name), so
        # the fourth planted row has an unknown level instead. The unknown host name is still drawn, so
        # every later random draw, and so the rest of the sample, stays what it was.
        self._unresolvable()
        bad_specs = (("平台名称", "", "missing_required"), ("平台类型", UNKNOWN_TYPE, "unknown_type"),
                     ("认定年份", BAD_YEAR_PLATFORM, "bad_year"), ("级别", UNKNOWN_LEVEL, "unknown_level"))
        headers = self.tables["platforms"].headers
        for (header, value, reason), src in zip(bad_specs, template, strict=True):
            row = self._platform_row(src, src.name + "（申报）")
            row[0] = f"P{nxt:05d}"
            nxt += 1
            row[headers.index(header)] = value
            self._plant("platforms", row, header, reason)

    def _unresolvable(self) -> str:
        while True:
            name = f"广西{self.rng.choice(pools.BRAND_CHARS)}{self.rng.choice(pools.BRAND_CHARS)}未登记科技有限公司"
            if self.fac.resolver.resolve(name) is None:
                return name

    def _platform_row(self, p: Platform, name: str) -> list[str]:
        w, rng = self.w, self.rng
        written_type, written_level = p.type_key, LEVEL_NAMES[p.level][0]
        ptype = w.tax.types[p.type_key]
        if p.level == "regional" and ptype.aliases and rng.random() < 0.15:
            written_type = rng.choice(ptype.aliases)
            written_level = "省级" if rng.random() < 0.3 else written_level
        elif p.level == "national" and ptype.counterpart and rng.random() < 0.2:
            written_type = ptype.counterpart
        assert w.tax.resolve_type(written_type, p.level) == (p.type_key, p.level), (written_type, p.type_key)
        director = next(w.researchers[r].name for r, role in p.members if role == "director")
        department = f"{p.city}市科学技术局" if p.level == "municipal" else (ptype.department or "")
        return [p.id, name, written_type, written_level, self.fac.reference(p.host),
                self._join([self.fac.reference(c) for c in p.co_builders]), self._city(p.city), str(p.established),
                STATUS_ZH[p.status], self._join(p.keywords), self._join(p.serves), director, p.evaluation, department]

    def researchers(self) -> None:
        w, rng, rows = self.w, self.rng, self.tables["researchers"].rows
        order = list(w.researchers)
        rng.shuffle(order)
        for n, r in enumerate(order, start=1):
            r.id = f"R{n:06d}"
        ref = self.fac.reference
        names = [i.name for i in self.w.insts]
        random = rng.random
        for r in order:
            fields = r.fields
            fields_text = fields[0] if len(fields) == 1 else SEPARATORS[int(random() * 3)].join(fields) if fields else ""
            inst = names[r.inst] if random() < 0.85 else ref(r.inst, 0.0)
            rows.append([r.id, r.name, inst, r.title, fields_text, r.programs[0] if r.programs else ""])
        src = order[0]
        self._plant("researchers", [f"R{len(order) + 1:06d}", src.name, "", src.title, self._join(src.fields), ""],
                    "工作单位", "missing_required")

    def memberships(self) -> None:
        w, rng, rows = self.w, self.rng, self.tables["memberships"].rows
        random = rng.random
        researchers = w.researchers
        for p in sorted(w.platforms, key=lambda p: p.id):
            for ridx, role in p.members:
                r = researchers[ridx]
                inst = self.fac.reference(r.inst) if random() < 0.35 else ""
                written_role = role if random() < 0.1 else ROLE_ZH[role]
                rows.append([p.id, r.id, inst, written_role])
        r = w.researchers[0]
        missing = "P99999" if len(w.platforms) + 10 < 99999 else f"P{len(w.platforms) + 1000}"
        self._plant("memberships", [missing, r.id, "", "核心成员"], "platform", "unknown_platform")

    def industries(self) -> None:
        rows = self.tables["industries"].rows
        for key, ind in load_industries().items():
            rows.append([key, ind.parent or "", "是", str(ind.priority), self._join(list(ind.cities)) if ind.level == "industry" else ""])
        for name, cities in pools.EXTRA_INDUSTRIES:
            rows.append([name, "", "否", "4", self._join(list(cities))])

    def collaborations(self, collabs: list[Collaboration]) -> None:
        rows = self.tables["collaborations"].rows
        ref = self.fac.reference
        names = [i.name for i in self.w.insts]
        random = self.rng.random
        for c in collabs:
            a = names[c.a] if random() < 0.72 else ref(c.a, 0.0)
            b = names[c.b] if random() < 0.72 else ref(c.b, 0.0)
            rows.append([a, b, COLLAB_ZH[c.kind], str(c.year), str(c.count), c.industry])
        c = collabs[0]
        self._plant("collaborations", [self.w.insts[c.a].name, self.w.insts[c.b].name, COLLAB_ZH[c.kind],
                                       BAD_YEAR_COLLAB, "2", c.industry], "年份", "bad_year")
        self._plant("collaborations", [self.w.insts[c.a].name, self._unresolvable().replace("科技有限公司", "大学"),
                                       "合作项目", "2021", "1", c.industry], "单位乙", "unresolved_institution")

    def targets(self, rows_in: list[dict]) -> None:
        rows = self.tables["targets"].rows
        level_zh = {"national": "国家级", "regional": "自治区级"}
        for t in rows_in:
            rows.append([t["type"], level_zh[t["level"]], str(t["year"]), str(t["new"]),
                         str(t["integrated_or_revoked"]), str(t["total"])])

    # ------------------------------------------------------------------ bad rows
    def _plant(self, template: str, row: list[str], column: str, reason: str) -> None:
        rows = self.tables[template].rows
        rows.insert(self.rng.randrange(len(rows) + 1), row)
        self.bad.append(BadRow(template, row, column, reason))

    def finish(self, template: str, write: Callable[[Table], object], keep_rows: bool) -> None:
        """Fix the row numbers of the template's planted bad rows, write it, and drop its rows unless kept.

        Writing each file as soon as it is rendered keeps the peak memory of a 100,000-platform run
        to one large table at a time.
        """
        table = self.tables[template]
        ids = {id(bad.row): bad for bad in self.bad if bad.template == template}
        for index, row in enumerate(table.rows):
            bad = ids.get(id(row))
            if bad is not None:
                col = table.headers.index(bad.column)
                self._rejects.append({"file": table.file, "sheet": table.sheet, "template": template,
                                      "row": index + 2, "column": bad.column, "value": row[col], "reason": bad.reason})
            if template == "platforms" and self.formula and row[0] == self.formula["platform"]:
                self.formula.update(file=table.file, row=index + 2, value=FORMULA_NAME)
        table.n_rows = len(table.rows)
        write(table)
        if not keep_rows:
            table.rows = []

    def rejects(self) -> list[dict]:
        """The planted bad rows with their final spreadsheet row numbers (header = row 1)."""
        return sorted(self._rejects, key=lambda r: (r["file"], r["row"]))

    def formula_cell(self) -> dict:
        assert self.formula is not None and "row" in self.formula
        f = self.formula
        return {"file": f["file"], "row": f["row"], "column": f["column"], "value": f["value"], "platform": f["platform"]}


_TOPIC_KEYS: dict[str, str] = {}


def topic_key(keyword: str) -> str:
    """The Topic node key of a direction keyword (``normalize_name``), memoised: the vocabulary is small."""
    key = _TOPIC_KEYS.get(keyword)
    if key is None:
        key = _TOPIC_KEYS[keyword] = normalize_name(keyword)
    return key
