"""A platform list is enough: hostless rows, hosts that become institutions, reference short names,
enrichment by a later institutions file, the quality list — against the real Neo4j.

Why these tests: the commonest real input is one list of platforms (name, type, level, host as
written, city, year). Every row must end up in the graph (flagged when incomplete) or in the rejects
file naming its record; a host must be one node however it is written, and never a twin of a known
institution it merely resembles.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from pydantic import SecretStr
from typer.testing import CliRunner

from api.cli import app
from graph.reference import load_reference_institutions
from graph.settings import Settings
from graph.store import Store
from ingest.models import infer_kind_rule
from ingest.pipeline import ingest_dataset
from ingest.rejects import read_rejects
from queries.quality import quality_items

runner = CliRunner()
HEADERS = ["平台名称", "平台类型", "级别", "依托单位", "所在市", "认定年份"]


def write(folder: Path, name: str, headers: list[str], rows: list[list[str]]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    with open(folder / name, "w", encoding="utf-8-sig", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(headers)
        writer.writerows(rows)
    return folder


def counts(store: Store) -> dict[str, int]:
    nodes = store.read("MATCH (n) WHERE NOT n:IngestRun AND NOT n:AnalysisRun RETURN labels(n)[0] AS k, count(*) AS n")
    rels = store.read("MATCH ()-[r]->() RETURN type(r) AS k, count(*) AS n")
    return {row["k"]: row["n"] for row in nodes + rels}


def host_of(store: Store, platform: str) -> list[dict]:
    return store.read("MATCH (p:Platform {name: $n})-[:HOSTED_BY]->(i) RETURN i.key AS key, i.name AS name, "
                      "i.kind AS kind, i.sector AS sector, i.reference AS reference, i.created_from AS created, "
                      "i.kind_inferred AS inferred, i.inferred_from AS rule, i.city AS city", {"n": platform})


@pytest.mark.parametrize(("name", "kind", "rule"), [
    ("广西大学", "university", "大学"), ("柳州职业技术学院", "university", "职业技术学院"),
    ("广西壮族自治区林业科学研究院", "institute", "研究院"), ("中国科学院广西植物研究所", "institute", "科学院"), ("广西壮族自治区农业科学院", "institute", "科学院"),
    ("广西科技师范学院", "university", "学院"),
    ("广西医科大学第一附属医院", "hospital", "医院"), ("玉柴集团", "enterprise", "集团"),
    ("广西柳工机械股份公司", "enterprise", "股份"), ("广西南南铝加工有限公司", "enterprise", "公司"), ("柳州钢铁厂", "enterprise", "厂"), ("柳工", "other", ""),
])
def test_kind_from_the_name(name: str, kind: str, rule: str) -> None:
    assert infer_kind_rule(name) == (kind, rule)


def test_reference_loader_reads_its_file() -> None:
    refs = load_reference_institutions(Path(__file__).parent / "data" / "reference_small")
    assert [(r.name, r.kind, r.sector, r.city, r.aliases) for r in refs] == [
        ("广西大学", "university", "academia", "南宁", ("西大",)),
        ("广西壮族自治区林业科学研究院", "institute", "research", None, ("广西林科院",))]
    shipped = load_reference_institutions()
    assert len(shipped) >= 80 and all(r.kind and r.name for r in shipped)


def test_platform_list_alone(clean_graph: Store, tmp_path: Path) -> None:
    """Hostless and unknown-city rows load flagged; hosts become institutions; short names resolve to
    the reference node; a near miss of a known institution is reported, not twinned."""
    data = write(tmp_path / "list", "平台.csv", HEADERS, [
        ["广西土木工程重点实验室", "广西重点实验室", "", "西大", "南宁", "2010"],
        ["广西森林培育重点实验室", "自治区级重点实验室", "自治区级", "广西林科院", "南宁", "2015"],
        ["广西工程机械技术创新中心", "专业技术领域类技术创新中心", "自治区级", "柳工", "柳州", "2021"],
        ["内燃机可靠性企业国家重点实验室", "企业国家重点实验室", "国家级", "玉柴集团", "玉林", "2010"],
        ["广西高校病原生物学重点实验室", "广西高校重点实验室", "厅级", "桂林医学院", "桂林", "2022"],
        ["广西某众创空间", "广西众创空间", "", "", "南宁", "2019"],
        ["某科技企业孵化器", "广西科技企业孵化器", "", "柳工", "深圳", ""],
        ["广西某工程研究中心", "广西工程研究中心", "", "广西大学1", "南宁", ""],
        ["", "广西重点实验室", "", "西大", "南宁", ""],
        ["某综合平台", "综合研究平台", "", "西大", "南宁", ""],
    ])
    summary = ingest_dataset(clean_graph, data, rejects_path=tmp_path / "r1.csv")
    assert summary["read"] == 10 and summary["rejected"] == 2
    rejects = read_rejects(tmp_path / "r1.csv")
    assert {(int(r["row"]), r["column"]) for r in rejects} == {(10, "平台名称"), (11, "平台类型")}
    by_row = {int(r["row"]): r for r in rejects}
    assert by_row[11]["record"] == "某综合平台" and "您是否要写" in by_row[11]["reason_zh"]
    assert by_row[10]["record"] == ""  # a row with no name names nothing; its row number still finds it

    assert counts(clean_graph)["Platform"] == 8
    gxu = host_of(clean_graph, "广西土木工程重点实验室")
    assert gxu == [{"key": "广西大学", "name": "广西大学", "kind": "university", "sector": "academia",
                    "reference": True, "created": None, "inferred": False, "rule": None, "city": "南宁"}]
    forestry = host_of(clean_graph, "广西森林培育重点实验室")[0]
    assert forestry["name"] == "广西壮族自治区林业科学研究院" and forestry["reference"] is True
    liugong = host_of(clean_graph, "广西工程机械技术创新中心")
    assert liugong == [{"key": "柳工", "name": "柳工", "kind": "other", "sector": "user", "reference": None,
                        "created": "platform_list", "inferred": True, "rule": None, "city": "柳州"}]
    assert host_of(clean_graph, "某科技企业孵化器")[0]["key"] == "柳工"  # one node, however often named
    yuchai = host_of(clean_graph, "内燃机可靠性企业国家重点实验室")[0]
    assert (yuchai["kind"], yuchai["sector"], yuchai["rule"]) == ("enterprise", "industry", "集团")
    level = clean_graph.read("MATCH (p:Platform {name: '广西高校病原生物学重点实验室'}) RETURN p.level AS l, p.type AS t")
    assert level == [{"l": "departmental", "t": "高校重点实验室"}]

    flags = {r["n"]: r["f"] for r in clean_graph.read(
        "MATCH (p:Platform) WHERE size(p.quality_flags) > 0 RETURN p.name AS n, p.quality_flags AS f")}
    assert flags == {"广西某众创空间": ["host_missing"], "某科技企业孵化器": ["city_unknown"],
                     "广西某工程研究中心": ["host_unresolved"]}
    assert not host_of(clean_graph, "广西某众创空间") and not host_of(clean_graph, "广西某工程研究中心")
    # the near miss 广西大学1 made no twin of 广西大学: it is in the ambiguity report instead
    assert clean_graph.read("MATCH (i:Institution) WHERE i.name STARTS WITH '广西大学' RETURN count(i) AS n")[0]["n"] == 1
    with open(summary["ambiguities_file"], encoding="utf-8-sig") as fh:
        assert any(a["value 值"] == "广西大学1" and a["candidate_key 候选单位"] == "广西大学" for a in csv.DictReader(fh))
    # 桂林医学院 is the former name of the reference 桂林医科大学: resolved, not created
    assert host_of(clean_graph, "广西高校病原生物学重点实验室")[0]["name"] == "桂林医科大学"
    assert summary["quality"] == {"host_missing": 1, "city_unknown": 1, "host_unresolved": 1,
                                  "institutions_created": 2}

    quality = quality_items(clean_graph)
    assert quality["counts"] == {"host_missing": 1, "host_unresolved": 1, "city_unknown": 1, "kind_inferred": 2}
    item = next(i for i in quality["items"] if i["flag"] == "city_unknown")
    assert (item["entity"], item["name"], item["label_zh"], item["detail"]) == (
        "platform", "某科技企业孵化器", "所在市无法识别", "原文：深圳")
    page = quality_items(clean_graph, flag="kind_inferred", limit=1, offset=1, lang="en")
    assert page["total"] == 2 and len(page["items"]) == 1 and page["items"][0]["label"].startswith("institution")
    assert page["items"][0]["name"] == "玉柴集团" and "'集团'" in page["items"][0]["detail"]

    # a later list that names the host links it; nothing is duplicated
    before = counts(clean_graph)
    later = write(tmp_path / "later", "平台.csv", HEADERS, [["广西某众创空间", "广西众创空间", "", "西大", "南宁", "2019"]])
    ingest_dataset(clean_graph, later, rejects_path=tmp_path / "r2.csv")
    after = counts(clean_graph)
    assert after["Platform"] == before["Platform"] and after["Institution"] == before["Institution"]
    assert host_of(clean_graph, "广西某众创空间")[0]["key"] == "广西大学"
    assert "host_missing" not in quality_items(clean_graph)["counts"]


def test_later_institutions_table_enriches_not_duplicates(clean_graph: Store, tmp_path: Path) -> None:
    data = write(tmp_path / "list", "平台.csv", HEADERS, [
        ["广西工程机械技术创新中心", "技术创新中心", "自治区级", "柳工", "柳州", "2021"],
        ["柳工挖掘机工程技术研究中心", "广西工程技术研究中心", "", "广西柳工机械股份有限公司", "柳州", "2012"],
        ["内燃机可靠性企业国家重点实验室", "企业国家重点实验室", "国家级", "玉柴集团", "玉林", "2010"],
        ["广西土木工程重点实验室", "广西重点实验室", "", "西大", "南宁", "2010"],
    ])
    ingest_dataset(clean_graph, data, rejects_path=tmp_path / "r1.csv")
    before = counts(clean_graph)
    assert before["Institution"] == 4  # 柳工 and its full name are two until a table says they are one
    table = write(tmp_path / "table", "单位.csv", ["单位名称", "单位类型", "所在市", "别名", "统一社会信用代码"], [
        ["广西玉柴机器集团有限公司", "企业", "玉林", "玉柴集团;玉柴", ""],
        ["广西大学", "高校", "南宁", "西大", "12450000498500001R"],
        ["广西柳工机械股份有限公司", "企业", "柳州", "", ""],
    ])
    summary = ingest_dataset(clean_graph, table, rejects_path=tmp_path / "r2.csv")
    assert summary["rejected"] == 0
    assert counts(clean_graph) == before  # properties change, node and relationship counts do not
    yuchai = host_of(clean_graph, "内燃机可靠性企业国家重点实验室")[0]
    assert (yuchai["key"], yuchai["name"], yuchai["kind"], yuchai["inferred"], yuchai["created"]) == (
        "玉柴集团", "广西玉柴机器集团有限公司", "enterprise", False, "platform_list")
    aliases = clean_graph.read("MATCH (i:Institution {key: '玉柴集团'}) RETURN i.aliases AS a")[0]["a"]
    assert {"玉柴集团", "玉柴"} <= set(aliases)
    gxu = host_of(clean_graph, "广西土木工程重点实验室")[0]
    assert gxu["key"] == "广西大学" and gxu["reference"] is True
    code = clean_graph.read("MATCH (i:Institution {key: '广西大学'}) RETURN i.credit_code AS c")[0]["c"]
    assert code == "12450000498500001R"
    full = host_of(clean_graph, "柳工挖掘机工程技术研究中心")[0]
    assert (full["kind"], full["inferred"]) == ("enterprise", False)
    # only 柳工 (a short name no table row names) is still a guess
    assert quality_items(clean_graph)["counts"] == {"kind_inferred": 1}


def test_quality_cli_and_api(clean_graph: Store, settings: Settings, tmp_path: Path) -> None:
    data = write(tmp_path / "list", "平台.csv", HEADERS, [
        ["广西某众创空间", "广西众创空间", "", "", "南宁", "2019"],
        ["某科技企业孵化器", "广西科技企业孵化器", "", "柳工", "北京", ""],
    ])
    ingest_dataset(clean_graph, data, rejects_path=tmp_path / "r.csv")
    result = runner.invoke(app, ["quality", "--format", "json"])
    assert result.exit_code == 0, result.output
    data_json = json.loads(result.stdout)
    assert data_json["counts"] == {"host_missing": 1, "city_unknown": 1, "kind_inferred": 1}
    table = runner.invoke(app, ["quality"])
    assert table.exit_code == 0 and "依托单位缺失" in table.stdout and "广西某众创空间" in table.stdout
    as_csv = runner.invoke(app, ["--lang", "en", "quality", "--format", "csv", "--flag", "city_unknown"])
    lines = as_csv.stdout.lstrip("\ufeff").splitlines()
    assert lines[0].startswith("entity,name,issue") and len(lines) == 2 and "city not recognised" in lines[1]

    from fastapi.testclient import TestClient

    from api.app import create_app

    app_settings = settings.model_copy(update={"platgraph_api_key": SecretStr("test-admin-key-quality-list")})
    with TestClient(create_app(app_settings)) as client:
        page = client.get("/api/v1/quality", params={"limit": 1, "lang": "en"}).json()
        assert page["total"] == 3 and page["limit"] == 1 and len(page["items"]) == 1
        assert page["items"][0]["flag"] == "host_missing" and page["items"][0]["label"] == "host missing"
        detail = client.get("/api/v1/institutions/柳工").json()
        assert detail["properties"]["created_from"] == "platform_list"
        assert detail["properties"]["kind_inferred"] is True
