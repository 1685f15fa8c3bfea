"""The sample dataset generator: determinism, scale, encodings, and a truth.json that is really true.

These tests read the *written files* back with only the documented rules (docs/sample-data.md:
encodings, headers, resolution by credit code / normalised name / alias / trailing short name) and
recompute the expected counts, the planted bad rows and the planted answers independently of the
generator's own bookkeeping. No database is involved: the sample is files; loading it into Neo4j is
tested with the ingest pipeline.
"""

from __future__ import annotations

import csv
import hashlib
import json
import os
import re
import subprocess
import sys
from collections import Counter
from itertools import combinations
from pathlib import Path

import openpyxl
import pytest
import typer
from typer.testing import CliRunner

from api.commands.sample import sample as sample_command
from graph.credit_code import is_valid_credit_code, normalize_credit_code
from graph.names import normalize_name, split_multi, trailing_short_name
from graph.reference import load_cities, load_industries, load_taxonomy, resolve_level
from ingest.sample import generate_sample

REPO = Path(__file__).resolve().parent.parent
N = 300
SECTOR_OF_KIND = {"企业": "industry", "高校": "academia", "科研院所": "research", "医院": "user",
                  "政府部门": "user", "其他": "user"}
SECTOR_ZH = {"产": "industry", "学": "academia", "研": "research", "用": "user"}
COLLAB_KINDS = {"合作项目": "project", "联合专利": "patent", "合著论文": "paper", "技术合同": "contract",
                "产业联盟": "alliance"}


# ---------------------------------------------------------------------------------------- fixtures
@pytest.fixture(scope="module")
def sample_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("sample")
    generate_sample(out, platforms=N, seed=7, xlsx=True)
    return out


@pytest.fixture(scope="module")
def truth(sample_dir: Path) -> dict:
    return json.loads((sample_dir / "truth.json").read_text(encoding="utf-8"))


def read_table(sample_dir: Path, truth: dict, template: str) -> tuple[list[str], list[list[str]]]:
    info = truth["files"][template]
    with open(sample_dir / info["file"], encoding=info["encoding"], newline="") as fh:
        rows = list(csv.reader(fh))
    return rows[0], rows[1:]


class Data:
    """The sample re-read from its files with the documented rules, independently of the generator."""

    def __init__(self, sample_dir: Path, truth: dict) -> None:
        self.truth = truth
        self.tables = {t: read_table(sample_dir, truth, t) for t in truth["files"]}
        self.rejected = {(r["template"], r["row"]) for r in truth["rejects"]}
        self.tax = load_taxonomy()
        self._institutions()

    def rows(self, template: str) -> list[dict[str, str]]:
        """Loaded rows (planted rejects excluded) as header → cell dicts, with their spreadsheet row."""
        headers, rows = self.tables[template]
        out = []
        for i, row in enumerate(rows):
            if (template, i + 2) not in self.rejected:
                out.append({**dict(zip(headers, row, strict=True)), "_row": i + 2})
        return out

    def _institutions(self) -> None:
        self.by_code: dict[str, str] = {}
        self.by_norm: dict[str, str] = {}
        self.inst_sector: dict[str, str] = {}
        self.inst_rows = self.rows("institutions")
        for row in self.inst_rows:
            code = normalize_credit_code(row["统一社会信用代码"])
            key = code if is_valid_credit_code(code) else normalize_name(row["单位名称"])
            if is_valid_credit_code(code):
                self.by_code[code] = key
            names = [row["单位名称"], *split_multi(row["别名"])]
            short = trailing_short_name(row["单位名称"])
            if short:
                names.append(short)
            for name in names:
                norm = normalize_name(name)
                assert self.by_norm.get(norm, key) == key, f"ambiguous institution name {name}"
                self.by_norm[norm] = key
            self.inst_sector[key] = SECTOR_ZH.get(row["产学研用"]) or SECTOR_OF_KIND[row["单位类型"]]
        assert len(self.inst_sector) == len(self.inst_rows), "two institution rows resolve to one key"

    def resolve(self, text: str) -> str | None:
        code = normalize_credit_code(text)
        if is_valid_credit_code(code):
            return self.by_code.get(code)
        hit = self.by_norm.get(normalize_name(text))
        if hit is None and trailing_short_name(text):
            hit = self.by_norm.get(normalize_name(trailing_short_name(text) or ""))
        return hit

    def platforms(self) -> dict[str, dict]:
        out = {}
        for row in self.rows("platforms"):
            resolved = self.tax.resolve_type(row["平台类型"], resolve_level(row["级别"]))
            assert resolved is not None, row
            out[row["编号"]] = {
                "name": row["平台名称"], "type": resolved[0], "level": resolved[1],
                "family": self.tax.family_of(resolved[0]) or resolved[0],
                "host": self.resolve(row["依托单位"]),
                "co": [self.resolve(c) for c in split_multi(row["共建单位"])],
                "fields": split_multi(row["研究方向"]), "serves": split_multi(row["服务产业"]),
                "city": row["所在市"].removesuffix("市"), "status": row["状态"], "evaluation": row["评估结果"],
            }
        return out

    def researchers(self) -> dict[str, dict]:
        return {row["编号"]: {"inst": self.resolve(row["工作单位"]), "fields": split_multi(row["研究领域"])}
                for row in self.rows("researchers")}

    def members(self) -> dict[str, set[str]]:
        out: dict[str, set[str]] = {}
        for row in self.rows("memberships"):
            out.setdefault(row["platform"], set()).add(row["researcher"])
        return out


@pytest.fixture(scope="module")
def data(sample_dir: Path, truth: dict) -> Data:
    return Data(sample_dir, truth)


def root(industry: str) -> str:
    """A chain segment's industry (segments roll up; key and extra industries are their own root)."""
    ind = load_industries().get(industry)
    return ind.parent if ind is not None and ind.parent else industry


def digest(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


# ---------------------------------------------------------------------------------------- determinism, scale
def test_same_seed_gives_the_same_bytes_across_processes(sample_dir: Path, tmp_path: Path) -> None:
    """A fresh interpreter with another hash seed writes byte-identical files (CSV, XLSX, truth.json)."""
    code = ("import sys; from pathlib import Path; from ingest.sample import generate_sample; "
            f"generate_sample(Path(sys.argv[1]), platforms={N}, seed=7, xlsx=True)")
    env = {**os.environ, "PYTHONHASHSEED": "12345"}
    subprocess.run([sys.executable, "-c", code, str(tmp_path)], check=True, cwd=REPO, env=env)
    assert digest(tmp_path) == digest(sample_dir)


def test_another_seed_gives_another_dataset(sample_dir: Path, tmp_path: Path) -> None:
    generate_sample(tmp_path, platforms=N, seed=8)
    assert (tmp_path / "平台.csv").read_bytes() != (sample_dir / "平台.csv").read_bytes()


def test_scale_parameter_scales_everything(tmp_path: Path, truth: dict) -> None:
    big = generate_sample(tmp_path, platforms=2 * N, seed=7)
    for t in (truth, big):
        n = t["platforms_requested"]
        nodes = t["expected_counts"]["nodes"]
        assert nodes["Platform"] == n
        assert nodes["Researcher"] == 10 * n
        assert abs(nodes["Institution"] - 2.5 * n) <= 2
        assert t["rows_read"]["platforms"] == n + 4  # plus the four planted bad platform rows
    small_rel, big_rel = truth["expected_counts"]["relationships"], big["expected_counts"]["relationships"]
    for rel in ("MEMBER_OF", "COLLABORATES_WITH", "SERVES"):
        assert 1.6 < big_rel[rel] / small_rel[rel] < 2.4, rel
    assert len(big["overlap_groups"]) > len(truth["overlap_groups"])


def test_too_small_a_sample_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError):
        generate_sample(tmp_path, platforms=10)


# ---------------------------------------------------------------------------------------- encodings, headers
def test_encodings_and_header_languages_are_as_promised(sample_dir: Path, truth: dict) -> None:
    files = truth["files"]
    inst = (sample_dir / files["institutions"]["file"]).read_bytes()
    assert files["institutions"]["encoding"] == "utf-8-sig" and inst.startswith(b"\xef\xbb\xbf")
    plat = (sample_dir / files["platforms"]["file"]).read_bytes()
    assert files["platforms"]["encoding"] == "gb18030"
    with pytest.raises(UnicodeDecodeError):
        plat.decode("utf-8")
    assert plat.decode("gb18030").startswith("编号,平台名称,平台类型")
    for template, info in files.items():
        raw = (sample_dir / info["file"]).read_bytes()
        if info["encoding"] == "utf-8":
            assert not raw.startswith(b"\xef\xbb\xbf")
            raw.decode("utf-8")
        header = read_table(sample_dir, truth, template)[0]
        is_ascii = all(h.isascii() for h in header)
        assert is_ascii == (info["headers"] == "en"), template
    assert {info["headers"] for info in files.values()} == {"zh", "en"}
    chinese_names = [info["file"] for info in files.values() if not info["file"].isascii()]
    assert len(chinese_names) >= 5


def test_multi_valued_cells_use_all_three_separators(data: Data) -> None:
    cells = [row["研究方向"] for row in data.rows("platforms")]
    for sep in (";", "；", "、"):
        assert any(sep in cell for cell in cells), sep


def test_xlsx_has_the_same_rows_as_the_csv_files(sample_dir: Path, truth: dict) -> None:
    wb = openpyxl.load_workbook(sample_dir / truth["xlsx"], read_only=True)
    for template, info in truth["files"].items():
        headers, rows = read_table(sample_dir, truth, template)
        sheet = [["" if v is None else str(v) for v in row] for row in wb[info["sheet"]].iter_rows(values_only=True)]
        assert sheet[0] == headers
        assert sheet[1:] == rows, template


def test_formula_looking_name_is_kept_as_plain_loadable_text(sample_dir: Path, truth: dict, data: Data) -> None:
    [cell] = truth["formula_cells"]
    headers, rows = read_table(sample_dir, truth, "platforms")
    row = rows[cell["row"] - 2]
    assert row[headers.index(cell["column"])] == cell["value"] == "=cmd|' /C calc'!A0"
    assert cell["platform"] in data.platforms()  # not a reject: it must load
    ws = openpyxl.load_workbook(sample_dir / truth["xlsx"])[truth["files"]["platforms"]["sheet"]]
    xcell = ws.cell(row=cell["row"], column=headers.index(cell["column"]) + 1)
    assert xcell.value == cell["value"] and xcell.data_type == "s"


# ---------------------------------------------------------------------------------------- planted bad rows
def _bad(reason: str, value: str, data: Data, platform_ids: set[str]) -> bool:
    if reason == "invalid_credit_code":
        return bool(value) and not is_valid_credit_code(value)
    if reason == "missing_required":
        return value.strip() == ""
    if reason == "unknown_type":
        return data.tax.resolve_type(value) is None
    if reason == "bad_year":
        return not (re.fullmatch(r"\d{4}", value) and 1949 <= int(value) <= 2030)
    if reason == "unknown_level":
        return resolve_level(value) is None
    if reason in ("unresolved_host", "unresolved_institution"):
        return data.resolve(value) is None
    if reason == "unknown_platform":
        return value not in platform_ids
    raise AssertionError(reason)


def test_rejects_point_at_real_rows_whose_value_is_really_bad(data: Data, truth: dict) -> None:
    platform_ids = set(data.platforms())
    assert {r["reason"] for r in truth["rejects"]} >= {"invalid_credit_code", "missing_required", "unknown_type",
                                                       "bad_year", "unknown_level", "unknown_platform"}
    for reject in truth["rejects"]:
        headers, rows = data.tables[reject["template"]]
        assert truth["files"][reject["template"]]["file"] == reject["file"]
        assert 2 <= reject["row"] <= len(rows) + 1
        value = rows[reject["row"] - 2][headers.index(reject["column"])]
        assert value == reject["value"]
        assert _bad(reject["reason"], value, data, platform_ids), reject


def test_truth_counts_a_platform_row_as_loaded_unless_the_ingest_rejects_it(truth: dict) -> None:
    """The ingest loads a row whose host it cannot resolve (flagged ``host_unresolved``, the host made
    an institution from its name), so such a row is an expected platform, never a planted reject; the
    expected platforms are the rows read less the rows the truth says are rejected (the ingest test
    checks both against the real ingest)."""
    platform_rejects = [r for r in truth["rejects"] if r["template"] == "platforms"]
    assert "unresolved_host" not in {r["reason"] for r in platform_rejects}
    assert truth["expected_counts"]["nodes"]["Platform"] == truth["rows_read"]["platforms"] - len(platform_rejects)


def test_every_other_row_is_valid(data: Data) -> None:
    """The planted rejects are exactly the bad rows: everything else passes the same checks."""
    for row in data.inst_rows:
        code = row["统一社会信用代码"]
        assert not code or is_valid_credit_code(code)
        assert row["单位名称"] and load_cities() and row["所在市"].removesuffix("市") in load_cities()
    ids = set()
    for row in data.rows("platforms"):
        assert row["平台名称"] and row["编号"] not in ids
        ids.add(row["编号"])
        assert data.tax.resolve_type(row["平台类型"], resolve_level(row["级别"])) is not None
        assert re.fullmatch(r"\d{4}", row["认定年份"])
        assert data.resolve(row["依托单位"]) is not None
        assert all(data.resolve(c) for c in split_multi(row["共建单位"]))
    researchers = data.researchers()
    assert all(r["inst"] for r in researchers.values())
    for row in data.rows("memberships"):
        assert row["platform"] in ids and row["researcher"] in researchers
    for row in data.rows("collaborations"):
        assert data.resolve(row["单位甲"]) and data.resolve(row["单位乙"])
        assert re.fullmatch(r"\d{4}", row["年份"]) and row["合作类型"] in COLLAB_KINDS


def test_institution_references_use_every_promised_variant(data: Data) -> None:
    refs = [row["依托单位"] for row in data.rows("platforms")] + [row["工作单位"] for row in data.rows("researchers")]
    names = {row["单位名称"] for row in data.inst_rows}
    assert any(is_valid_credit_code(r) for r in refs), "credit codes instead of names"
    assert any(" " in r for r in refs), "spaces"
    assert any("（" in r for r in refs), "full-width brackets"
    assert any(r.endswith("有限责任公司") and r not in names for r in refs), "有限责任公司 vs 有限公司"
    aliases = {a for row in data.inst_rows for a in split_multi(row["别名"])}
    assert "柳工" in aliases and any(r in aliases for r in refs), "declared aliases"


# ---------------------------------------------------------------------------------------- expected counts
def test_expected_counts_recomputed_from_the_files(data: Data, truth: dict) -> None:
    platforms, researchers, members = data.platforms(), data.researchers(), data.members()
    topics: set[str] = set()
    on_topic = 0
    for item in [*platforms.values(), *researchers.values()]:
        keys = {normalize_name(f) for f in item["fields"]}
        topics |= keys
        on_topic += len(keys)
    collabs = set()
    for row in data.rows("collaborations"):
        a, b = sorted((data.resolve(row["单位甲"]), data.resolve(row["单位乙"])))  # type: ignore[type-var]
        collabs.add((a, b, COLLAB_KINDS[row["合作类型"]], int(row["年份"]), row["产业"]))
    industries = {row["产业名称"] for row in data.rows("industries")} | set(load_industries())
    expected = {
        "nodes": {"Platform": len(platforms), "Institution": len(data.inst_sector), "Researcher": len(researchers),
                  "Industry": len(industries), "City": len(load_cities()), "Topic": len(topics)},
        "relationships": {
            "HOSTED_BY": len(platforms),
            "CO_BUILT_BY": sum(len(set(p["co"])) for p in platforms.values()),
            "MEMBER_OF": sum(len(m) for m in members.values()),
            "WORKS_AT": len(researchers),
            "SERVES": sum(len(set(p["serves"])) for p in platforms.values()),
            "COLLABORATES_WITH": len(collabs),
            "OF_TYPE": len(platforms),
            "ON_TOPIC": on_topic,
            "LOCATED_IN": sum(1 for p in platforms.values() if p["city"]) + sum(1 for r in data.inst_rows if r["所在市"]),
            "IN_INDUSTRY": sum(len(set(split_multi(r["所属产业"]))) for r in data.inst_rows),
        },
    }
    assert truth["expected_counts"] == expected
    assert len(data.rows("collaborations")) > len(collabs), "duplicated collaboration rows are planted"
    for template, n in truth["rows_read"].items():
        assert len(data.tables[template][1]) == n


# ---------------------------------------------------------------------------------------- planted answers
def test_planted_platform_keys_exist(data: Data, truth: dict) -> None:
    ids = set(data.platforms())
    planted = [p for g in truth["overlap_groups"] for p in g["platforms"]]
    planted += [p for pair in truth["overlap_pairs"] for p in pair]
    planted += [p for h in truth["hard_non_overlaps"] for p in h["platforms"]]
    planted += [s["platform"] for s in truth["single_sector_platforms"]] + truth["multi_sector_platforms"]
    planted += [r["platform"] for r in truth["retire"]] + [g["keep"] for g in truth["overlap_groups"]]
    assert planted and set(planted) <= ids
    pairs = {tuple(sorted(pair)) for g in truth["overlap_groups"] for pair in combinations(g["platforms"], 2)}
    assert pairs == {tuple(p) for p in truth["overlap_pairs"]}
    assert all(g["keep"] in g["platforms"] for g in truth["overlap_groups"])
    kinds = Counter((g["kind"], g["strength"]) for g in truth["overlap_groups"])
    assert {k for k, _ in kinds} == {"same_host_type_family", "same_people", "same_direction_cross_host", "renamed"}
    assert {s for _, s in kinds} == {"strong", "weak"}


def test_overlap_groups_carry_recognisable_signals(data: Data, truth: dict) -> None:
    plats, members = data.platforms(), data.members()
    for g in truth["overlap_groups"]:
        ps = [plats[i] for i in g["platforms"]]
        for a, b in combinations(ps, 2):
            assert set(a["serves"]) & set(b["serves"]), g  # same industry / segment
        a, b = ps[0], ps[1]
        ma, mb = members[g["platforms"][0]], members[g["platforms"][1]]
        shared_kw = len(set(a["fields"]) & set(b["fields"]))
        if g["kind"] == "same_host_type_family":
            assert a["host"] == b["host"] and a["family"] == b["family"] and shared_kw >= 2
        elif g["kind"] == "same_people":
            assert len(ma & mb) >= 3
        elif g["kind"] == "same_direction_cross_host":
            assert a["host"] != b["host"] and set(a["co"]) & set(b["co"]) and shared_kw >= 3
        else:  # renamed: different names and hosts, partial people overlap
            assert a["host"] != b["host"] and a["name"] != b["name"] and shared_kw == 2
            assert 2 <= len(ma & mb) < min(len(ma), len(mb))


def test_background_platforms_do_not_overlap_by_accident(data: Data, truth: dict) -> None:
    plats, members = data.platforms(), data.members()
    planted_pairs = {tuple(p) for p in truth["overlap_pairs"]}
    by_host: dict[tuple, list[str]] = {}
    for pid, p in plats.items():
        by_host.setdefault((p["host"], p["family"]), []).append(pid)
    for ids in by_host.values():
        for a, b in combinations(sorted(ids), 2):
            if (a, b) not in planted_pairs:
                assert len(set(plats[a]["fields"]) & set(plats[b]["fields"])) < 2, (a, b)
    people: dict[str, list[str]] = {}
    for pid, rs in members.items():
        for r in rs:
            people.setdefault(r, []).append(pid)
    shared = Counter(pair for ps in people.values() for pair in combinations(sorted(ps), 2))
    assert all(n < 2 or pair in planted_pairs for pair, n in shared.items())


def test_background_names_at_one_institution_never_say_the_same_topic(data: Data, truth: dict) -> None:
    """The truth's "not overlap" agrees with what a planner reads in names and hosts: no two counted
    platforms sharing an institution, outside one planted group or the hard non-overlaps, have equal or
    contained name cores or one topic-thesaurus concept (一平台多牌子 by the policy definition)."""
    from graph.topic_thesaurus import load_thesaurus
    from queries.overlap.names import name_core

    thesaurus = load_thesaurus()
    planted = {tuple(sorted(p)) for p in truth["overlap_pairs"]}
    hard = {pid for h in truth["hard_non_overlaps"] for pid in h["platforms"]}
    spellings: dict[str, list[str]] = {}
    for row in data.inst_rows:
        key = data.resolve(row["单位名称"])
        spellings.setdefault(key or "", []).extend([row["单位名称"], *split_multi(row["别名"])])
    by_inst: dict[str, list[tuple[str, str, dict[str, str]]]] = {}
    for pid, p in data.platforms().items():
        if p["status"] not in ("运行", "建设中"):
            continue
        insts = {i for i in [p["host"], *p["co"]] if i}
        core = name_core(p["name"], [s for i in insts for s in spellings.get(i, [])])
        concepts = thesaurus.concepts(core or next(iter(spellings.get(p["host"] or "", [""]))))
        for inst in insts:
            by_inst.setdefault(inst, []).append((pid, core, concepts))
    checked = 0
    for plats in by_inst.values():
        for (a, ca, ka), (b, cb, kb) in combinations(plats, 2):
            if tuple(sorted((a, b))) in planted or (a in hard and b in hard):
                continue
            checked += 1
            assert not (ca and cb and (ca in cb or cb in ca)), (a, b, ca, cb)
            assert thesaurus.shared(ka, kb) is None, (a, b, ka, kb)
    assert checked > 100


def test_hard_non_overlaps_differ_where_it_matters(data: Data, truth: dict) -> None:
    plats, members = data.platforms(), data.members()
    assert {h["kind"] for h in truth["hard_non_overlaps"]} == {"same_host_different_field", "same_field_different_segment"}
    for h in truth["hard_non_overlaps"]:
        a, b = (plats[i] for i in h["platforms"])
        assert not set(a["fields"]) & set(b["fields"])
        assert not members[h["platforms"][0]] & members[h["platforms"][1]]
        roots = [{root(s) for s in p["serves"]} for p in (a, b)]
        if h["kind"] == "same_host_different_field":
            assert a["host"] == b["host"] and not roots[0] & roots[1]
        else:
            assert roots[0] == roots[1] and not set(a["serves"]) & set(b["serves"]) - roots[0]


def test_sector_truth_matches_the_files(data: Data, truth: dict) -> None:
    plats, members, researchers = data.platforms(), data.members(), data.researchers()
    single = {}
    sectors_of = {}
    for pid, p in plats.items():
        sectors = {data.inst_sector[p["host"]], *(data.inst_sector[c] for c in p["co"])}
        sectors |= {data.inst_sector[researchers[r]["inst"]] for r in members.get(pid, ())}
        sectors_of[pid] = sectors
        if len(sectors) == 1:
            single[pid] = next(iter(sectors))
    assert {s["platform"]: s["sector"] for s in truth["single_sector_platforms"]} == single
    assert any(s["planted"] for s in truth["single_sector_platforms"])
    assert all(len(sectors_of[pid]) >= 3 for pid in truth["multi_sector_platforms"])


def test_collaboration_truth_matches_the_files(data: Data, truth: dict) -> None:
    inds = load_industries()
    counts: Counter = Counter()
    for row in data.rows("collaborations"):
        if not row["产业"]:
            continue
        pair = tuple(sorted({data.inst_sector[data.resolve(row[c])] for c in ("单位甲", "单位乙")}))  # type: ignore[index]
        if len(pair) == 2:
            counts[(root(row["产业"]), pair)] += 1
    never = {(n["industry"], tuple(n["sectors"])) for n in truth["never_collaborating"]}
    keys = [k for k, v in inds.items() if v.level == "industry"]
    computed = {(i, p) for i in keys for p in combinations(("academia", "industry", "research", "user"), 2)
                if counts[(i, p)] == 0}
    assert never == computed
    assert sum(n["planted"] for n in truth["never_collaborating"]) == 3
    for w in truth["well_connected"]:
        assert counts[(w["industry"], tuple(w["sectors"]))] == w["rows"] >= 10


def test_coverage_truth_matches_the_files(data: Data, truth: dict) -> None:
    live = [p for p in data.platforms().values() if p["status"] in ("运行", "建设中")]
    counts: Counter = Counter()
    for p in live:
        cat = data.tax.category_of(p["type"])
        for scope in set(p["serves"]) | {root(s) for s in p["serves"]}:
            counts[(scope, "category", cat)] += 1
            counts[(scope, "city", p["city"])] += 1
            if p["level"] == "national":
                counts[(scope, "level", "national")] += 1
    for gap in truth["coverage_gaps"]:
        assert counts[(gap["industry"], gap["kind"], gap["value"])] == 0, gap
    assert sum(g["planted"] for g in truth["coverage_gaps"]) == 4
    for cell in truth["well_covered"]:
        assert counts[(cell["industry"], cell["kind"], cell["value"])] == cell["count"] >= 3


def test_retire_lists_live_platforms_that_failed_evaluation(data: Data, truth: dict) -> None:
    plats = data.platforms()
    expected = {pid for pid, p in plats.items() if p["evaluation"] in ("不合格", "整改") and p["status"] in ("运行", "建设中")}
    assert {r["platform"] for r in truth["retire"]} == expected and expected


def test_industries_file_has_key_and_extra_industries(data: Data) -> None:
    rows = data.rows("industries")
    assert {r["产业名称"] for r in rows} >= set(load_industries())
    assert any(r["重点产业"] == "否" for r in rows)


# ---------------------------------------------------------------------------------------- CLI
def _cli() -> typer.Typer:
    app = typer.Typer()
    app.command()(sample_command)
    return app


def test_cli_writes_the_sample_and_prints_a_summary(tmp_path: Path) -> None:
    result = CliRunner().invoke(_cli(), [str(tmp_path / "out"), "--platforms", "120", "--seed", "3"])
    assert result.exit_code == 0, result.output
    assert "示例数据已写入" in result.output and "truth.json" in result.output
    assert (tmp_path / "out" / "truth.json").exists() and (tmp_path / "out" / "平台.csv").exists()


def test_cli_json_summary_and_usage_errors(tmp_path: Path) -> None:
    result = CliRunner().invoke(_cli(), [str(tmp_path / "j"), "--platforms", "120", "--format", "json"])
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)
    assert summary["expected_counts"]["nodes"]["Platform"] == 120 and summary["xlsx"] is None
    bad = CliRunner().invoke(_cli(), [str(tmp_path / "k"), "--platforms", "5"])
    assert bad.exit_code == 2 and "Traceback" not in bad.output
    afile = tmp_path / "file.txt"
    afile.write_text("x")
    assert CliRunner().invoke(_cli(), [str(afile)]).exit_code == 2
