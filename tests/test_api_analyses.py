"""Upload a dataset through the API, re-run the analyses through the API, and read every analysis
endpoint back — against the real Neo4j, on a small dataset with one obvious duplicate planted."""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from pydantic import SecretStr

from api.app import create_app
from graph.settings import Settings
from graph.store import Store
from tests.conftest import GraphState

API = "/api/v1"
KEY = "analyses-admin-key-0001"
ADMIN = {"X-API-Key": KEY}

TABLES: dict[str, list[list[str]]] = {
    "单位.csv": [
        ["单位名称", "单位类型", "所在市", "别名"],
        ["广西柳工机械股份有限公司", "企业", "柳州", "柳工"],
        ["广西大学", "高校", "南宁", "西大"],
        ["广西科学院", "科研院所", "南宁", ""],
    ],
    "平台.csv": [
        ["编号", "平台名称", "平台类型", "依托单位", "级别", "共建单位", "所在市", "认定年份", "状态", "研究方向", "服务产业"],
        ["P1", "广西工程机械智能制造工程研究中心", "工程研究中心", "柳工", "自治区级", "广西大学", "柳州", "2015", "运行",
         "工程机械;智能制造;液压传动", "机械装备"],
        ["P2", "广西工程机械智能制造工程技术研究中心", "工程技术研究中心", "广西柳工机械股份有限公司", "自治区级", "广西大学",
         "柳州", "2018", "运行", "工程机械;智能制造;液压传动", "机械装备"],
        ["P3", "广西甘蔗遗传改良重点实验室", "自治区重点实验室", "广西大学", "自治区级", "广西科学院", "南宁", "2012", "运行",
         "甘蔗育种;分子标记", "蔗糖"],
        ["P4", "某某平台", "不存在的类型", "广西大学", "自治区级", "", "南宁", "2020", "运行", "", ""],
    ],
    "人才.csv": [["姓名", "工作单位", "职称"], ["张伟", "广西大学", "教授"], ["李娜", "广西大学", "研究员"]],
    "平台人员.csv": [["平台", "人员", "角色"], ["P1", "张伟", "负责人"], ["P2", "张伟", "负责人"], ["P3", "李娜", "负责人"]],
    "合作.csv": [["单位甲", "单位乙", "合作类型", "年份", "次数", "产业"],
                ["广西大学", "柳工", "合作项目", "2022", "2", "机械装备"]],
}

PROPOSAL = {"name": "广西工程机械智能制造创新中心", "type": "工程研究中心", "level": "自治区级", "host": "柳工",
            "co_builders": ["广西大学"], "city": "柳州", "fields": ["工程机械", "智能制造", "液压传动"],
            "industries": ["机械装备"], "people": ["张伟"]}


def dataset_zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, rows in TABLES.items():
            text = io.StringIO()
            csv.writer(text).writerows(rows)
            archive.writestr(f"dataset/{name}", text.getvalue().encode("utf-8-sig"))
    return buffer.getvalue()


@pytest.fixture(scope="module")
def client(store: Store, settings: Settings, graph_state: GraphState) -> Iterator[TestClient]:
    graph_state.use("api-analyses")
    with TestClient(create_app(settings.model_copy(update={"platgraph_api_key": SecretStr(KEY)}))) as c:
        yield c


@pytest.fixture(scope="module")
def uploaded(client: TestClient) -> dict:
    response = client.post(f"{API}/datasets", headers=ADMIN,
                           files={"file": ("广西平台.zip", dataset_zip(), "application/zip")})
    assert response.status_code == 200, response.text
    return response.json()


@pytest.fixture(scope="module")
def analysed(client: TestClient, uploaded: dict) -> dict:
    response = client.post(f"{API}/analyses", headers=ADMIN)
    assert response.status_code == 200, response.text
    return response.json()


def test_upload_returns_summary_and_rejects(uploaded: dict, store: Store) -> None:
    summary = uploaded["summary"]
    assert summary["rejected"] == 1 and uploaded["rejects_total"] == 1
    [reject] = uploaded["rejects"]
    assert "不存在的类型" in reject.values()
    assert summary["loaded"]["Platform"] == 3
    assert summary["read"] == sum(len(rows) - 1 for rows in TABLES.values())
    assert store.read("MATCH (p:Platform) RETURN count(p) AS n")[0]["n"] == 3
    # The rejects file is kept where the CLI keeps it (the IngestRun points at it).
    from pathlib import Path

    # named by its file name only: the answer carries no server path (docs/security.md)
    assert "/" not in summary["rejects_file"]
    assert (Path(store.settings.home) / "ingest" / summary["rejects_file"]).is_file()


def test_unreadable_upload_is_422(client: TestClient) -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("平台.csv", "平台名称\n缺少必填列的平台\n".encode())  # no 平台类型, 依托单位
    response = client.post(f"{API}/datasets", headers=ADMIN,
                           files={"file": ("bad.zip", buffer.getvalue(), "application/zip")})
    assert response.status_code == 422, response.text
    [error] = response.json()["errors"]
    assert "平台类型" in error["msg"] and error["loc"] == ["body"]


def test_upload_xlsx(client: TestClient, uploaded: dict, store: Store) -> None:
    from openpyxl import Workbook

    workbook = Workbook()
    workbook.remove(workbook.active)
    for name, rows in TABLES.items():
        sheet = workbook.create_sheet(name.removesuffix(".csv"))
        for row in rows:
            sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    response = client.post(f"{API}/datasets", headers=ADMIN,
                           files={"file": ("广西平台.xlsx", buffer.getvalue(),
                                           "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")})
    assert response.status_code == 200, response.text
    assert response.json()["summary"]["rejected"] == 1
    # Re-ingesting the same rows changes nothing.
    assert store.read("MATCH (p:Platform) RETURN count(p) AS n")[0]["n"] == 3


def test_analyses_run_and_latest(client: TestClient, analysed: dict) -> None:
    assert analysed["run"].startswith("A")
    assert {"overlap", "collaboration", "coverage"} <= set(analysed)
    latest = client.get(f"{API}/analyses/latest").json()
    assert latest["key"] == analysed["run"]
    assert client.get(f"{API}/health").json()["latest_run"]["key"] == analysed["run"]


def test_overlaps_from_write_back(client: TestClient, analysed: dict) -> None:
    body = client.get(f"{API}/overlaps").json()
    pairs = {tuple(sorted((p["a"]["id"], p["b"]["id"]))) for p in body["pairs"]}
    assert ("P1", "P2") in pairs
    assert body["total"] == len(body["pairs"])
    assert all(p["reasons"] for p in body["pairs"])
    none = client.get(f"{API}/overlaps", params={"min_score": 1.0}).json()
    assert none["total"] <= body["total"]
    mine = client.get(f"{API}/overlaps", params={"platform": "P3"}).json()
    assert all("P3" in (p["a"]["id"], p["b"]["id"]) for p in mine["pairs"])
    groups = client.get(f"{API}/overlaps/groups").json()
    assert any({"P1", "P2"} <= {m["id"] for m in g["platforms"]} for g in groups["groups"])
    english = client.get(f"{API}/overlaps", params={"lang": "en"}).json()
    assert english["pairs"][0]["reasons"] != body["pairs"][0]["reasons"]
    assert client.get(f"{API}/overlaps", params={"min_score": 2}).status_code == 422


def test_overlap_check_matches_the_query_function_and_writes_nothing(client: TestClient, analysed: dict,
                                                                     store: Store) -> None:
    from queries.overlap import check_proposal

    before = store.read("MATCH (n) RETURN count(n) AS n")[0]["n"]
    response = client.post(f"{API}/overlaps/check", json=PROPOSAL)
    assert response.status_code == 200, response.text
    api_pairs = [(p["b"]["id"], round(p["score"], 6)) for p in response.json()["pairs"]]
    direct = check_proposal(store, PROPOSAL, lang="zh")
    assert api_pairs == [(p["b"]["id"], round(p["score"], 6)) for p in direct["pairs"]]
    assert {"P1", "P2"} <= {pid for pid, _ in api_pairs}
    assert store.read("MATCH (n) RETURN count(n) AS n")[0]["n"] == before


def test_overlap_check_matches_the_cli(client: TestClient, analysed: dict, tmp_path) -> None:
    import json

    from typer.testing import CliRunner

    from api.cli import app as cli

    proposal_file = tmp_path / "proposal.json"
    proposal_file.write_text(json.dumps(PROPOSAL, ensure_ascii=False), encoding="utf-8")
    result = CliRunner().invoke(cli, ["overlaps", "check", str(proposal_file), "--format", "json"])
    if result.exit_code == 2 and "No such command" in result.output:
        pytest.fail("`platgraph overlaps check` is not registered yet")
    assert result.exit_code == 0, result.output
    cli_pairs = [(p["b"]["id"], round(p["score"], 6)) for p in json.loads(result.stdout)["pairs"]]
    api = client.post(f"{API}/overlaps/check", json=PROPOSAL).json()
    assert cli_pairs == [(p["b"]["id"], round(p["score"], 6)) for p in api["pairs"]]


def test_proposal_body_mirrors_the_query_model() -> None:
    from api.schemas import ProposalBody
    from queries.overlap import Proposal

    assert set(ProposalBody.model_fields) == set(Proposal.model_fields)


@pytest.mark.parametrize(
    "body",
    [{}, {"name": ""}, {"name": "x", "type": "不存在的类型"}, {"name": "x", "unknown_field": 1}, [],
     {"name": "x", "people": {}}],
)
def test_overlap_check_rejects_bad_bodies_with_422(client: TestClient, body: object) -> None:
    response = client.post(f"{API}/overlaps/check", json=body)
    assert response.status_code == 422, response.text


def test_gaps_coverage_plan(client: TestClient, analysed: dict) -> None:
    gaps = client.get(f"{API}/gaps")
    assert gaps.status_code == 200, gaps.text
    assert "industries" in gaps.json()
    coverage = client.get(f"{API}/coverage")
    assert coverage.status_code == 200, coverage.text
    assert {"matrix", "gaps"} <= set(coverage.json())
    assert any(row["industry"] == "蔗糖" for row in coverage.json()["matrix"])
    plan = client.get(f"{API}/plan")
    assert plan.status_code == 200, plan.text
    assert {"optimise", "retire", "build"} <= set(plan.json())
    one = client.get(f"{API}/coverage", params={"industry": "蔗糖", "lang": "en"})
    assert one.status_code == 200


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_typed_responses_serve_the_whole_result(client: TestClient, analysed: dict, store: Store, lang: str) -> None:
    """/gaps, /coverage, /plan and the /overlaps endpoints are served through the analyses' result
    types (their OpenAPI schemas): the response is the query function's result exactly, so a key an
    analysis adds without declaring it in queries/*/results.py fails here instead of vanishing from the API."""
    from pydantic import TypeAdapter

    from api.routers._common import jsonable
    from api.routers.analyses import page_plan
    from api.routers.overlaps import DEFAULT_REASONS
    from queries.collaboration import read_gaps
    from queries.coverage import read_coverage
    from queries.overlap import check_proposal, read_groups, read_overlaps
    from queries.overlap.results import CheckResult
    from queries.plan import build_plan

    gaps = client.get(f"{API}/gaps", params={"lang": lang, "limit": 500})
    assert gaps.status_code == 200, gaps.text
    assert gaps.json() == jsonable(read_gaps(store, lang=lang, limit=500))
    coverage = client.get(f"{API}/coverage", params={"lang": lang})
    assert coverage.status_code == 200, coverage.text
    assert coverage.json() == jsonable(read_coverage(store, lang=lang))
    plan = client.get(f"{API}/plan", params={"lang": lang, "limit": 500})
    assert plan.status_code == 200, plan.text
    expected = page_plan(jsonable(build_plan(store, lang=lang)), limit=500, offset=0)
    assert plan.json() == expected
    assert plan.json()["retire"] or plan.json()["optimise"] or plan.json()["build"]  # not an empty plan
    overlaps = client.get(f"{API}/overlaps", params={"lang": lang, "limit": 500})
    assert overlaps.status_code == 200, overlaps.text
    assert overlaps.json() == jsonable(read_overlaps(store, lang=lang, limit=500))
    assert overlaps.json()["pairs"] and overlaps.json()["groups"]  # not an empty page
    groups = client.get(f"{API}/overlaps/groups", params={"lang": lang, "limit": 500})
    assert groups.status_code == 200, groups.text
    assert groups.json() == jsonable(read_groups(store, lang=lang, limit=500))
    check = client.post(f"{API}/overlaps/check", params={"lang": lang}, json=PROPOSAL)
    assert check.status_code == 200, check.text
    index = client.app.state.last_check_index  # the index the API scored with (kept per data version)
    direct = jsonable(check_proposal(store, PROPOSAL, lang=lang, index=index, explain=DEFAULT_REASONS))
    assert check.json() == direct
    # the check's answer is written as JSON directly (not through the response model): it must be
    # exactly what its declared type keeps, so a key added without declaring it fails here too
    declared = TypeAdapter(CheckResult)
    assert declared.dump_python(declared.validate_python(direct), mode="json") == direct
    assert check.json()["pairs"] and check.json()["resolved"]["core"]


def test_platform_detail_shows_written_back_overlap(client: TestClient, analysed: dict) -> None:
    body = client.get(f"{API}/platforms/P1").json()
    assert "P2" in {o["platform"]["id"] for o in body["overlaps"]}
    assert all(o["run"] == analysed["run"] for o in body["overlaps"])


@pytest.mark.parametrize(("fmt", "magic"), [("html", b"<"), ("docx", b"PK")])
def test_network_report(client: TestClient, analysed: dict, fmt: str, magic: bytes) -> None:
    response = client.get(f"{API}/reports/network", params={"format": fmt}, headers=ADMIN)
    assert response.status_code == 200, response.text[:500]
    assert response.content.lstrip()[:2].startswith(magic)
    assert fmt in response.headers["content-disposition"]
    assert client.get(f"{API}/reports/network", params={"format": "pdf"}, headers=ADMIN).status_code == 422


def test_plan_cache_follows_analysis_and_ingest_runs(client: TestClient, analysed: dict, store: Store) -> None:
    from api.routers.analyses import PLAN_VERSION, PlanCache

    cache = PlanCache()
    first = cache.get(store, "zh")
    assert cache.get(store, "zh") is first  # same data version: served from the cache
    served = client.get(f"{API}/plan", params={"limit": 500}).json()
    assert all(n <= 500 for n in served.pop("page")["totals"].values())
    assert first == served
    version = store.read(PLAN_VERSION)[0]["version"]
    store.write("CREATE (:AnalysisRun {key: 'A-later', kind: 'all', status: 'completed', "
                "started: datetime(), finished: datetime() + duration('PT1H'), summary: '{}'})")
    try:
        assert store.read(PLAN_VERSION)[0]["version"] != version
        rebuilt = cache.get(store, "zh")
        assert rebuilt is not first and rebuilt == first  # rebuilt (same content: nothing else changed)
        assert list(cache._entries) == [(store.read(PLAN_VERSION)[0]["version"], "zh")]  # old version evicted
        # An ingest that has started but not ended leaves the plan as it is; its end rebuilds it.
        store.write("CREATE (:IngestRun {key: 'I-later', status: 'running', started: datetime()})")
        assert cache.get(store, "zh") is rebuilt
        store.write("MATCH (r:IngestRun {key: 'I-later'}) SET r.status = 'completed', "
                    "r.finished = datetime() + duration('PT2H')")
        assert cache.get(store, "zh") is not rebuilt
    finally:
        store.write("MATCH (r:AnalysisRun {key: 'A-later'}) DETACH DELETE r")
        store.write("MATCH (r:IngestRun {key: 'I-later'}) DETACH DELETE r")


def test_analyses_child_reports_an_unreachable_neo4j_as_unavailable() -> None:
    """POST /analyses runs the analyses in a child process (api/jobs.py); a Neo4j that goes away
    between the request's check and the child's first query must come back as the 503 error type,
    not as an unpicklable driver exception or a broken pool."""
    from api.jobs import run_analyses_in_child
    from graph.errors import DatabaseUnavailable
    closed = Settings(neo4j_uri=f"bolt://127.0.0.1:{closed_port()}",
                      neo4j_password=SecretStr("x"), neo4j_connect_timeout=1.0)
    with pytest.raises(DatabaseUnavailable):
        run_analyses_in_child(closed)


def closed_port() -> int:
    """A port nothing listens on: bound, read and released."""
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_unreadable_upload_is_422_in_the_requested_language(client: TestClient) -> None:
    """The upload is ingested in a child process (api/jobs.py): its messages still follow ``lang``."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("平台.csv", "平台名称\n缺少必填列的平台\n".encode())
    response = client.post(f"{API}/datasets", headers=ADMIN, params={"lang": "en"},
                           files={"file": ("bad.zip", buffer.getvalue(), "application/zip")})
    assert response.status_code == 422, response.text
    [error] = response.json()["errors"]
    assert "missing" in error["msg"].lower() and "平台类型" in error["msg"], error["msg"]


def test_plan_is_paged_per_batch_with_totals(client: TestClient, analysed: dict, store: Store) -> None:
    from api.routers.analyses import PlanCache, plan_batches

    full = PlanCache().get(store, "zh")
    batches = plan_batches(full)
    assert {"optimise", "retire", "build", "targets", "impact.losses"} <= set(batches)
    longest = max(batches, key=lambda name: len(batches[name]))
    assert len(batches[longest]) >= 3, "the fixture's plan should have a batch worth paging"

    body = client.get(f"{API}/plan", params={"limit": 2, "offset": 1}).json()
    assert body["page"] == {"limit": 2, "offset": 1, "totals": {n: len(v) for n, v in batches.items()}}
    for name, items in batches.items():
        parent, _, child = name.partition(".")
        got = body[parent][child] if child else body[parent]
        assert got == items[1:3], name
    assert body["impact"]["safe"] == full["impact"]["safe"]  # the rest of the plan is whole

    # one batch, walked page by page, gives the whole batch exactly once
    walked, offset = [], 0
    while True:
        page = client.get(f"{API}/plan", params={"batch": longest, "limit": 2, "offset": offset}).json()
        assert page["batch"] == longest and page["total"] == len(batches[longest])
        if not page["items"]:
            break
        walked += page["items"]
        offset += 2
    assert walked == batches[longest]

    missing = client.get(f"{API}/plan", params={"batch": "no_such_batch"})
    assert missing.status_code == 404 and "retire" in missing.text
    assert client.get(f"{API}/plan", params={"limit": 0}).status_code == 422
    assert client.get(f"{API}/plan", params={"batch": "retire; DROP"}).status_code == 422
