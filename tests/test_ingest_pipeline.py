"""The ingest pipeline against the real Neo4j: counts, rejects, idempotence, increments, formats."""

from __future__ import annotations

import csv
import json
import shutil
from pathlib import Path

import openpyxl
import pytest
from typer.testing import CliRunner

from api.cli import app
from graph.errors import DatabaseUnavailable, UsageError
from graph.store import Store
from ingest.pipeline import ingest_dataset
from ingest.rejects import read_rejects
from ingest.resolve import resolve_institution
from tests.conftest import GraphState

DATA = Path(__file__).parent / "data"
SMALL = DATA / "ingest_small"
UPDATE = DATA / "ingest_update"
runner = CliRunner()

CODE_LIUGONG = "914502001982306879"
CODE_GXU = "12450000498500001R"

# (file, row, column) of every bad row planted in tests/data/ingest_small. An unknown host or city is
# not among them: 深圳某公司 (单位.csv row 10) loads flagged city_unknown, P005's unknown host becomes an
# institution, P009's near-miss host (广西科技师范大学) loads the platform flagged host_unresolved.
EXPECTED_REJECTS = {
    ("产业.csv", 5, "上级产业"),
    ("单位.csv", 9, "统一社会信用代码"),
    ("平台.csv", 5, "平台类型"),
    ("平台.csv", 7, "认定年份"),
    ("人才.csv", 6, "工作单位"),
    ("平台人员.csv", 7, "人员"),
    ("平台人员.csv", 8, "平台"),
    ("平台人员.csv", 9, "角色"),
    ("合作.csv", 6, "单位乙"),
    ("合作.csv", 7, "合作类型"),
    ("建设目标.csv", 4, "平台类型"),
}


def graph_counts(store: Store) -> dict[str, int]:
    nodes = store.read("MATCH (n) WHERE NOT n:IngestRun RETURN labels(n)[0] AS k, count(*) AS n")
    rels = store.read("MATCH ()-[r]->() RETURN type(r) AS k, count(*) AS n")
    return {row["k"]: row["n"] for row in nodes + rels}


def snapshot(store: Store) -> tuple[set, set]:
    """The whole graph except provenance (src_run) and run nodes: for comparing two loads."""
    nodes = store.read("MATCH (n) WHERE NOT n:IngestRun RETURN labels(n)[0] AS label, properties(n) AS p")
    rels = store.read("MATCH (a)-[r]->(b) RETURN a.key AS a, type(r) AS t, b.key AS b, properties(r) AS p")

    def freeze(props: dict) -> tuple:
        return tuple(sorted((k, json.dumps(v, ensure_ascii=False, default=str)) for k, v in props.items()
                            if k != "src_run"))

    return ({(n["label"], freeze(n["p"])) for n in nodes}, {(r["a"], r["t"], r["b"], freeze(r["p"])) for r in rels})


def test_small_dataset_loads_and_rejects_exactly_the_bad_rows(clean_graph: Store, tmp_path: Path) -> None:
    summary = ingest_dataset(clean_graph, SMALL, rejects_path=tmp_path / "rejects.csv")
    for source, stats in summary["per_file"].items():
        assert stats["loaded"] + stats["rejected"] == stats["read"], source
    assert summary["read"] == 45
    rejects = read_rejects(tmp_path / "rejects.csv")
    assert {(r["file"], int(r["row"]), r["column"]) for r in rejects} == EXPECTED_REJECTS
    assert summary["rejected"] == len(EXPECTED_REJECTS)
    assert all(r["reason_zh"] and r["reason_en"] for r in rejects)
    # every reject names its record: the platform's name (or id), the membership's two ends …
    records = {(r["file"], int(r["row"])): r["record"] for r in rejects}
    assert records[("平台.csv", 5)] == "某未知平台"
    assert records[("平台人员.csv", 8)] == "P999 / R001"
    assert all(records.values())

    counts = graph_counts(clean_graph)
    assert counts["Platform"] == 7
    # 7 from the file (the 有限责任公司 spelling merged into 柳工), 深圳某公司 (city unknown) and
    # 不存在的单位, created from P005's host
    assert counts["Institution"] == 9
    assert counts["Researcher"] == 4  # two 王五 at different institutions stay apart
    assert counts["HOSTED_BY"] == 6 and counts["MEMBER_OF"] == 5 and counts["COLLABORATES_WITH"] == 3
    flagged = clean_graph.read("MATCH (p:Platform) WHERE size(p.quality_flags) > 0 "
                               "RETURN p.key AS k, p.quality_flags AS f, p.host_written AS h")
    assert flagged == [{"k": "P009", "f": ["host_unresolved"], "h": "广西科技师范大学"}]
    created = clean_graph.read("MATCH (:Platform {key: 'P005'})-[:HOSTED_BY]->(i) RETURN i.name AS n, "
                               "i.created_from AS c, i.kind_inferred AS k, i.city AS city")
    assert created == [{"n": "不存在的单位", "c": "platform_list", "k": True, "city": "南宁"}]
    shenzhen = clean_graph.read("MATCH (i:Institution {name: '深圳某公司'}) RETURN i.city AS c, "
                                "i.city_written AS w, i.quality_flags AS f")
    assert shenzhen == [{"c": None, "w": "深圳", "f": ["city_unknown"]}]
    assert summary["quality"] == {"host_unresolved": 1, "institutions_created": 1, "city_unknown": 1}
    assert counts["Target"] == 2

    liugong = clean_graph.read("MATCH (i:Institution {key: $k}) RETURN i", {"k": CODE_LIUGONG})[0]["i"]
    assert liugong["name"] == "广西柳工机械股份有限公司（柳工）"
    assert {"柳工", "广西柳工机械股份有限责任公司"} <= set(liugong["aliases"])
    # the two spellings of the same collaboration were summed into one relationship, a.key < b.key
    collab = clean_graph.read(
        "MATCH (a)-[r:COLLABORATES_WITH {kind: 'project'}]->(b) RETURN a.key AS a, b.key AS b, r.count AS c, "
        "r.year AS y, r.industry AS i")
    assert collab == [{"a": CODE_GXU, "b": CODE_LIUGONG, "c": 5, "y": 2021, "i": "机械装备"}]
    # type + level: 工程研究中心 at 国家级 is the national counterpart
    p3 = clean_graph.read("MATCH (p:Platform {key: 'P003'})-[:OF_TYPE]->(t) RETURN t.key AS t, p.level AS l")
    assert p3 == [{"t": "国家工程研究中心", "l": "national"}]
    # text with quotes and backticks is stored as written, never executed
    p7 = clean_graph.read("MATCH (p:Platform {key: 'P007'}) RETURN p.director AS d, p.fields AS f")[0]
    assert p7["d"] == 'O\'Brien "x"' and "`MATCH (n) DETACH DELETE n`" in p7["f"]
    # namesakes resolved by institution
    members = clean_graph.read("MATCH (r:Researcher {name: '王五'})-[m:MEMBER_OF]->(p) "
                               "RETURN r.institution AS i, p.key AS p ORDER BY p")
    assert members == [{"i": CODE_GXU, "p": "P002"}, {"i": "广西科技大学", "p": "P003"}]
    # a new industry segment from the dataset's industries file
    seg = clean_graph.read("MATCH (s:Industry {key: '无人机'})-[:PART_OF]->(p) RETURN p.key AS p, s.level AS l")
    assert seg == [{"p": "低空经济", "l": "segment"}]
    # near-misses reported, not merged
    with open(summary["ambiguities_file"], encoding="utf-8-sig") as fh:
        amb = list(csv.DictReader(fh))
    # P009 (来宾) wrote 广西科技师范大学: close to 广西科技师范学院 (来宾) — reported, neither linked nor created;
    # 广西科技大学 is as close but in 柳州, certainly another institution
    assert {a["candidate_key 候选单位"] for a in amb} == {"广西科技师范学院"}
    runs = clean_graph.read("MATCH (r:IngestRun) RETURN r.status AS s, r.read AS n")
    assert runs == [{"s": "completed", "n": 45}]
    # every node and relationship written carries the run
    unstamped = clean_graph.read(
        "MATCH (n) WHERE (n:Platform OR n:Institution OR n:Researcher OR n:Topic OR n:Target) "
        "AND n.src_run <> $run RETURN count(n) AS n", {"run": summary["run"]})
    assert unstamped == [{"n": 0}]
    rels = clean_graph.read("MATCH ()-[r:HOSTED_BY|MEMBER_OF|WORKS_AT|COLLABORATES_WITH|ON_TOPIC]->() "
                            "WHERE r.src_run IS NULL RETURN count(r) AS n")
    assert rels == [{"n": 0}]


def test_rerun_is_idempotent(clean_graph: Store, tmp_path: Path) -> None:
    ingest_dataset(clean_graph, SMALL, rejects_path=tmp_path / "r1.csv")
    first, first_snapshot = graph_counts(clean_graph), snapshot(clean_graph)
    summary = ingest_dataset(clean_graph, SMALL, rejects_path=tmp_path / "r2.csv")
    assert graph_counts(clean_graph) == first
    assert snapshot(clean_graph) == first_snapshot
    assert summary["rejected"] == len(EXPECTED_REJECTS)


def test_incremental_dataset_updates_without_duplicates(clean_graph: Store, tmp_path: Path) -> None:
    ingest_dataset(clean_graph, SMALL, rejects_path=tmp_path / "r1.csv")
    before = graph_counts(clean_graph)
    summary = ingest_dataset(clean_graph, UPDATE, rejects_path=tmp_path / "r2.csv")
    assert summary["rejected"] == 0, read_rejects(tmp_path / "r2.csv")
    after = graph_counts(clean_graph)
    assert after["Platform"] == before["Platform"] + 1
    assert after["Institution"] == before["Institution"] + 1  # 广西科技大学 updated, 五菱 added
    assert after["HOSTED_BY"] == before["HOSTED_BY"] + 1  # P001's host replaced, not added
    p1 = clean_graph.read("MATCH (p:Platform {key: 'P001'})-[:HOSTED_BY]->(i) RETURN i.key AS h, p.evaluation AS e")
    assert p1 == [{"h": CODE_GXU, "e": "优秀"}]
    assert clean_graph.read("MATCH (:Platform {key: 'P001'})-[r:CO_BUILT_BY]->() RETURN count(r) AS n") == [{"n": 0}]
    topics = clean_graph.read("MATCH (:Platform {key: 'P001'})-[:ON_TOPIC]->(t) RETURN t.key AS t")
    assert topics == [{"t": "工程机械"}]
    # the alias declared in the second dataset resolves its collaborations
    kinds = clean_graph.read("MATCH (a:Institution)-[r:COLLABORATES_WITH {year: 2022}]-(b {key: '广西科技大学'}) "
                             "RETURN a.name AS a, r.count AS c")
    assert kinds == [{"a": "上汽通用五菱汽车股份有限公司", "c": 4}]
    # a collaboration restated in a later dataset takes the later count (no double counting)
    assert clean_graph.read("MATCH ()-[r:COLLABORATES_WITH {kind: 'project', year: 2021}]->() RETURN r.count AS c") \
        == [{"c": 7}]
    # re-running the update changes nothing
    ingest_dataset(clean_graph, UPDATE, rejects_path=tmp_path / "r3.csv")
    assert graph_counts(clean_graph) == after


def test_restated_institution_city_follows_the_latest_file(clean_graph: Store, tmp_path: Path) -> None:
    """An institutions file is authoritative for the rows it states: restating 广西大学 without a city
    removes both its LOCATED_IN and its ``city`` property (they were once out of step), and a new
    city moves both."""
    ingest_dataset(clean_graph, SMALL, rejects_path=tmp_path / "r1.csv")

    def city_of(name: str) -> dict:
        return clean_graph.read("MATCH (i:Institution {name: $n}) "
                                "RETURN i.city AS city, [(i)-[:LOCATED_IN]->(c) | c.key] AS located", {"n": name})[0]

    assert city_of("广西大学") == {"city": "南宁", "located": ["南宁"]}
    restated = tmp_path / "restated"
    restated.mkdir()
    for city, expected in (("", {"city": None, "located": []}), ("桂林", {"city": "桂林", "located": ["桂林"]})):
        (restated / "单位.csv").write_text(f"单位名称,单位类型,所在市\n广西大学,高校,{city}\n", encoding="utf-8")
        summary = ingest_dataset(clean_graph, restated, rejects_path=tmp_path / "r2.csv")
        assert summary["rejected"] == 0
        assert city_of("广西大学") == expected


def _csv_rows(path: Path, encoding: str = "utf-8-sig") -> list[list[str]]:
    with open(path, encoding=encoding, newline="") as fh:
        return list(csv.reader(fh))


def write_xlsx(src: Path, out: Path) -> None:
    """The same tables as one workbook, every cell stored as text (a leading '=' stays data)."""
    workbook = openpyxl.Workbook()
    workbook.remove(workbook.active)
    for file in sorted(src.glob("*.csv")):
        sheet = workbook.create_sheet(file.stem)
        for r, row in enumerate(_csv_rows(file), start=1):
            for c, value in enumerate(row, start=1):
                cell = sheet.cell(row=r, column=c)
                cell.value = value
                cell.data_type = "s"
    workbook.create_sheet("说明").append(["这张表不是数据表 / not a data sheet"])
    workbook.save(out)


def write_jsonl(src: Path, out_dir: Path) -> None:
    out_dir.mkdir(parents=True, exist_ok=True)
    for file in sorted(src.glob("*.csv")):
        rows = _csv_rows(file)
        with open(out_dir / f"{file.stem}.jsonl", "w", encoding="utf-8") as fh:
            for row in rows[1:]:
                fh.write(json.dumps(dict(zip(rows[0], row, strict=False)), ensure_ascii=False) + "\n")


def test_csv_xlsx_jsonl_and_gb18030_give_the_same_graph(clean_graph: Store, graph_state: GraphState,
                                                         tmp_path: Path) -> None:
    ingest_dataset(clean_graph, SMALL, rejects_path=tmp_path / "csv.csv")
    expected = snapshot(clean_graph)

    workbook = tmp_path / "数据.xlsx"
    write_xlsx(SMALL, workbook)
    for variant, path in (("xlsx", workbook), ("jsonl", tmp_path / "jsonl"), ("gb18030", tmp_path / "gb")):
        if variant == "jsonl":
            write_jsonl(SMALL, path)
        if variant == "gb18030":
            path.mkdir()
            for file in SMALL.glob("*.csv"):
                (path / file.name).write_bytes(file.read_text(encoding="utf-8").encode("gb18030"))
        graph_state.reset()
        summary = ingest_dataset(clean_graph, path, rejects_path=tmp_path / f"{variant}.csv")
        assert summary["rejected"] == len(EXPECTED_REJECTS), variant
        assert snapshot(clean_graph) == expected, variant
        if variant == "xlsx":
            assert summary["ignored"] == ["数据.xlsx:说明"]
            assert {r["file"] for r in read_rejects(tmp_path / "xlsx.csv")} >= {"数据.xlsx:平台"}


def _node_total(store: Store) -> int:
    return store.read("MATCH (n) RETURN count(n) AS n")[0]["n"]


def test_missing_required_column_writes_nothing(clean_graph: Store, tmp_path: Path) -> None:
    data = tmp_path / "ds"
    shutil.copytree(SMALL, data)
    rows = _csv_rows(data / "平台.csv")
    drop = rows[0].index("依托单位")
    with open(data / "平台.csv", "w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows([r[:drop] + r[drop + 1:] for r in rows])
    before = _node_total(clean_graph)
    with pytest.raises(UsageError) as err:
        ingest_dataset(clean_graph, data)
    assert "平台.csv" in str(err.value) and "依托单位" in str(err.value)
    assert _node_total(clean_graph) == before
    result = runner.invoke(app, ["ingest", str(data), "--format", "json"])
    assert result.exit_code == 2
    assert "Traceback" not in result.output
    assert _node_total(clean_graph) == before


def test_unreadable_encoding_writes_nothing(clean_graph: Store, tmp_path: Path) -> None:
    data = tmp_path / "ds"
    shutil.copytree(SMALL, data)
    (data / "人才.csv").write_bytes("姓名,工作单位\n".encode() + b"\x80\xff\xfe\x81\x30 bad\n")
    before = _node_total(clean_graph)
    result = runner.invoke(app, ["ingest", str(data)])
    assert result.exit_code == 2, result.output
    assert _node_total(clean_graph) == before


def test_cli_json_summary(clean_graph: Store, tmp_path: Path) -> None:
    result = runner.invoke(app, ["ingest", str(SMALL), "--rejects", str(tmp_path / "rej.csv"), "--format", "json"])
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)
    assert summary["read"] == 45 and summary["rejected"] == len(EXPECTED_REJECTS)
    assert summary["rejects_file"] == str(tmp_path / "rej.csv")
    assert summary["loaded"]["Platform"] == 7
    assert summary["quality"]["host_unresolved"] == 1
    table = runner.invoke(app, ["ingest", str(SMALL), "--rejects", str(tmp_path / "rej2.csv")])
    assert table.exit_code == 0 and "平台.csv" in table.stdout
    assert "依托单位无法识别" in table.stdout  # the quality counts are part of the summary


class FlakyStore(Store):
    """The real store, but the connection 'goes away' after a number of write batches."""

    def __init__(self, fail_after: int) -> None:
        super().__init__()
        self.fail_after = fail_after

    def upsert_batches(self, query, rows, **kwargs):  # type: ignore[no-untyped-def]
        if self.fail_after <= 0:
            raise DatabaseUnavailable("Neo4j went away (simulated)")
        self.fail_after -= 1
        return super().upsert_batches(query, rows, **kwargs)


def test_database_lost_mid_run_then_rerun_completes(clean_graph: Store, graph_state: GraphState,
                                                   tmp_path: Path) -> None:
    ingest_dataset(clean_graph, SMALL, rejects_path=tmp_path / "ok.csv")
    expected = snapshot(clean_graph)
    graph_state.reset()
    flaky = FlakyStore(fail_after=6)
    try:
        with pytest.raises(DatabaseUnavailable):
            ingest_dataset(flaky, SMALL, rejects_path=tmp_path / "r1.csv")
    finally:
        flaky.close()
    assert clean_graph.read("MATCH (r:IngestRun) RETURN r.status AS s") == [{"s": "running"}]
    assert snapshot(clean_graph) != expected
    [dead] = [r["k"] for r in clean_graph.read("MATCH (r:IngestRun) RETURN r.key AS k")]
    summary = ingest_dataset(clean_graph, SMALL, rejects_path=tmp_path / "r2.csv")
    assert snapshot(clean_graph) == expected
    runs = {r["k"]: r for r in clean_graph.read(
        "MATCH (r:IngestRun) RETURN r.key AS k, r.status AS s, r.interrupted_by AS by, r.finished IS NOT NULL AS ended")}
    # the re-run closed the dead run (it holds the lock: nothing else can be writing)
    assert summary["interrupted_runs"] == [dead]
    assert runs[dead] == {"k": dead, "s": "interrupted", "by": summary["run"], "ended": True}
    assert runs[summary["run"]]["s"] == "completed"
    # and a later ingest has nothing left to close
    assert ingest_dataset(clean_graph, SMALL, rejects_path=tmp_path / "r3.csv")["interrupted_runs"] == []


def test_unreachable_database_exit_3(clean_graph: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    from graph.settings import get_settings

    monkeypatch.setenv("NEO4J_URI", "bolt://127.0.0.1:9")
    get_settings.cache_clear()
    try:
        result = runner.invoke(app, ["ingest", str(SMALL)])
    finally:
        monkeypatch.undo()
        get_settings.cache_clear()
    assert result.exit_code == 3
    assert "127.0.0.1:9" in result.output and "Traceback" not in result.output


def test_resolve_institution_shares_the_ingest_rule(clean_graph: Store, tmp_path: Path) -> None:
    ingest_dataset(clean_graph, SMALL, rejects_path=tmp_path / "r.csv")
    assert resolve_institution(clean_graph, CODE_LIUGONG) == CODE_LIUGONG
    assert resolve_institution(clean_graph, "广西柳工机械股份有限公司") == CODE_LIUGONG
    assert resolve_institution(clean_graph, "广西柳工机械股份有限责任公司") == CODE_LIUGONG
    assert resolve_institution(clean_graph, "柳工") == CODE_LIUGONG
    assert resolve_institution(clean_graph, "  广西大学 ") == CODE_GXU
    assert resolve_institution(clean_graph, "西大") == CODE_GXU
    assert resolve_institution(clean_graph, "广西科技大学") == "广西科技大学"
    assert resolve_institution(clean_graph, "广西科技师范大学") is None
    assert resolve_institution(clean_graph, "") is None
