"""The API's graph endpoints (platforms, institutions, industries, neighbourhood, health, latest
run) against the real Neo4j, on a small hand-built graph whose every asserted value is planted."""

from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import quote

import pytest
from fastapi.testclient import TestClient
from pydantic import SecretStr

from api.app import create_app
from graph.settings import Settings
from graph.store import Store
from tests.api_fixtures import CHINESE_KEY, GXU_KEY, HOST_KEY, build_small_graph
from tests.conftest import GraphState

API = "/api/v1"
KEY = "test-admin-key-do-not-share"


@pytest.fixture(scope="module")
def small_graph(graph_state: GraphState) -> Store:
    graph_state.use("api-small", build_small_graph)
    return graph_state.store


def make_settings(settings: Settings, **update: object) -> Settings:
    return settings.model_copy(update={"platgraph_api_key": SecretStr(KEY), **update})


@pytest.fixture(scope="module")
def client(small_graph: Store, settings: Settings) -> Iterator[TestClient]:
    with TestClient(create_app(make_settings(settings))) as c:
        yield c


# ---------------------------------------------------------------- platforms
def test_list_platforms_total_and_paging(client: TestClient) -> None:
    body = client.get(f"{API}/platforms", params={"limit": 2}).json()
    assert body["total"] == 4
    assert [p["id"] for p in body["items"]] == ["P001", "P002"]
    second = client.get(f"{API}/platforms", params={"limit": 2, "offset": 2}).json()
    assert [p["id"] for p in second["items"]] == ["P004", CHINESE_KEY]
    assert second["total"] == 4
    first = body["items"][0]
    assert first["host"] == {"id": HOST_KEY, "name": "广西柳工机械股份有限公司"}
    assert first["overlap_group"] == "A1:1"


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"type": "工程研究中心"}, {"P001"}),
        ({"category": "science_engineering"}, {CHINESE_KEY}),
        ({"level": "national"}, {"P004"}),
        ({"city": "柳州"}, {"P001", "P002"}),
        ({"status": "building"}, {CHINESE_KEY}),
        ({"industry": "机械装备"}, {"P001", "P002", CHINESE_KEY}),  # via its segment; 农机 in a name infers it
        ({"industry": "工程机械整机"}, {"P001", "P002"}),
        ({"industry": "蔗糖"}, {"P004"}),
        ({"host": HOST_KEY}, {"P001", "P002"}),
        ({"host": "柳工"}, {"P001", "P002"}),  # by alias
        ({"host": "广西大学", "level": "regional"}, {CHINESE_KEY}),
        ({"city": "桂林"}, set()),
    ],
)
def test_platform_filters(client: TestClient, params: dict, expected: set) -> None:
    body = client.get(f"{API}/platforms", params=params).json()
    assert {p["id"] for p in body["items"]} == expected
    assert body["total"] == len(expected)


def test_platform_fulltext_search_chinese(client: TestClient) -> None:
    body = client.get(f"{API}/platforms", params={"q": "工程机械"}).json()
    assert {p["id"] for p in body["items"]} == {"P001", "P002"}
    assert all(p["score"] > 0 for p in body["items"])
    both = client.get(f"{API}/platforms", params={"q": "工程机械 研究中心"}).json()
    assert {p["id"] for p in both["items"]} == {"P001"}
    filtered = client.get(f"{API}/platforms", params={"q": "工程机械", "type": "技术创新中心"}).json()
    assert [p["id"] for p in filtered["items"]] == ["P002"] and filtered["total"] == 1


@pytest.mark.parametrize("q", ['"', "AND", "a:b", "(", "\\", "工程机械 OR", "*", "~1", "  "])
def test_platform_search_survives_lucene_syntax(client: TestClient, q: str) -> None:
    response = client.get(f"{API}/platforms", params={"q": q})
    assert response.status_code == 200, response.text


def test_platform_detail(client: TestClient) -> None:
    body = client.get(f"{API}/platforms/P001").json()
    assert body["name"] == "广西工程机械工程研究中心"
    assert body["host"]["id"] == HOST_KEY
    assert body["co_builders"] == [{"id": GXU_KEY, "name": "广西大学"}]
    people = {(p["id"], p["role"], p["institution"]["id"]) for p in body["people"]}
    assert people == {("R001", "director", GXU_KEY), ("R002", "core_member", HOST_KEY)}
    served = {"id": "工程机械整机", "name": "工程机械整机", "level": "segment", "inferred": False, "via": None,
              "evidence": None}
    assert body["industries"] == body["declared_industries"] == [served]  # planted as declared
    assert body["inferred_industries"] == []
    assert body["topics"] == ["工程机械", "液压"]  # one topic per research direction
    assert body["properties"]["fields"] == ["工程机械", "液压"]
    [overlap] = body["overlaps"]
    assert overlap["platform"]["id"] == "P002" and overlap["score"] == pytest.approx(0.82)
    assert overlap["reasons"] == ["同一依托单位", "研究方向相同"]
    assert overlap["signals"][0]["signal"] == "institutions"
    assert body["overlap_group"]["recommendation"] == "merge" and body["overlap_group"]["keep"] == "P001"


def test_platform_detail_english_and_reverse_overlap(client: TestClient) -> None:
    body = client.get(f"{API}/platforms/P002", params={"lang": "en"}).json()
    assert body["overlaps"][0]["platform"]["id"] == "P001"
    assert body["overlaps"][0]["reasons"] == ["same host", "same research direction"]
    assert body["overlap_group"]["reasons"] == ["same-family platforms of one host"]


def test_platform_key_with_chinese_and_at_sign(client: TestClient) -> None:
    response = client.get(f"{API}/platforms/{quote(CHINESE_KEY, safe='')}")
    assert response.status_code == 200
    assert response.json()["id"] == CHINESE_KEY
    assert response.json()["overlaps"] == [] and response.json()["overlap_group"] is None


def test_unknown_platform_is_404_in_both_languages(client: TestClient) -> None:
    zh = client.get(f"{API}/platforms/{quote('没有这个平台', safe='')}")
    assert zh.status_code == 404 and "未找到平台" in zh.json()["detail"]
    en = client.get(f"{API}/platforms/NOPE", params={"lang": "en"})
    assert en.status_code == 404 and en.json()["detail"] == "platform not found: NOPE"
    assert en.headers["content-type"] == "application/problem+json"
    assert en.json()["status"] == 404 and en.json()["code"] == "not_found"


@pytest.mark.parametrize(
    "params",
    [{"limit": 0}, {"limit": 501}, {"offset": -1}, {"lang": "fr"}, {"limit": "ten"}, {"q": "x" * 201}],
)
def test_invalid_parameters_are_422_with_field(client: TestClient, params: dict) -> None:
    response = client.get(f"{API}/platforms", params=params)
    assert response.status_code == 422
    [error] = response.json()["errors"]
    assert error["loc"][-1] == next(iter(params))


# ---------------------------------------------------------------- institutions
def test_institutions_list_search_and_filters(client: TestClient) -> None:
    body = client.get(f"{API}/institutions").json()
    assert body["total"] == 2
    by_id = {i["id"]: i for i in body["items"]}
    assert by_id[GXU_KEY]["platforms"] == 3  # hosts two, co-builds one
    assert by_id[HOST_KEY]["platforms"] == 2
    assert [i["id"] for i in client.get(f"{API}/institutions", params={"q": "柳工"}).json()["items"]] == [HOST_KEY]
    assert [i["id"] for i in client.get(f"{API}/institutions", params={"sector": "academia"}).json()["items"]] == [GXU_KEY]
    assert [i["id"] for i in client.get(f"{API}/institutions", params={"industry": "机械装备"}).json()["items"]] == [HOST_KEY]


def test_institution_detail(client: TestClient) -> None:
    body = client.get(f"{API}/institutions/{quote(GXU_KEY, safe='')}").json()
    assert [p["id"] for p in body["hosted"]] == ["P004", CHINESE_KEY]
    assert [p["id"] for p in body["co_built"]] == ["P001"]
    assert body["researchers"] == 1
    [collab] = body["collaborators"]
    assert collab["institution"]["id"] == HOST_KEY and collab["count"] == 5
    assert sorted(collab["kinds"]) == ["patent", "project"]
    assert client.get(f"{API}/institutions/unknown").status_code == 404


# ---------------------------------------------------------------- industries
def test_industries_list_and_detail(client: TestClient) -> None:
    body = client.get(f"{API}/industries").json()
    by_id = {i["id"]: i for i in body["items"]}
    assert body["total"] == len(by_id) > 20
    # 机械装备: two through its segment, one inferred from the name 智能农机实验室
    assert by_id["机械装备"]["platforms"] == 3 and by_id["工程机械整机"]["platforms"] == 2
    assert by_id["工程机械整机"]["parent"] == "机械装备"
    assert by_id["汽车及新能源汽车"]["platforms"] == 0
    only = client.get(f"{API}/industries", params={"level": "industry"}).json()
    assert all(i["level"] == "industry" for i in only["items"]) and only["total"] < body["total"]
    detail = client.get(f"{API}/industries/{quote('机械装备', safe='')}").json()
    assert {s["id"] for s in detail["segments"]} >= {"工程机械整机", "液压与传动"}
    assert detail["cities"] == sorted(["柳州", "玉林", "南宁", "桂林"])
    assert detail["platforms"] == 3 and detail["platforms_by_level"] == {"regional": 3}
    segment = client.get(f"{API}/industries/{quote('工程机械整机', safe='')}").json()
    assert segment["parent"]["id"] == "机械装备"
    assert client.get(f"{API}/industries/{quote('不存在的产业', safe='')}").status_code == 404


# ---------------------------------------------------------------- neighbourhood
def test_neighbourhood_depth_one(client: TestClient) -> None:
    body = client.get(f"{API}/graph/neighbourhood/P001").json()
    ids = {n["id"] for n in body["nodes"]}
    assert ids == {"P001", HOST_KEY, GXU_KEY, "工程机械整机", "柳州", "工程机械", "液压", "工程研究中心", "R001", "R002",
                   "P002", "A1:1"}
    kinds = {n["id"]: (n["kind"], n["group"]) for n in body["nodes"]}
    assert kinds["P001"] == ("Platform", "innovation_transfer")
    assert kinds[HOST_KEY] == ("Institution", "industry")
    assert kinds["工程机械整机"] == ("Industry", "segment")
    edges = {(e["from"], e["type"], e["to"]) for e in body["edges"]}
    assert ("P001", "HOSTED_BY", HOST_KEY) in edges
    assert ("P001", "OVERLAPS", "P002") in edges
    assert ("R002", "WORKS_AT", HOST_KEY) in edges  # edges among neighbours are included too
    assert ("R001", "MEMBER_OF", "P001") in edges
    assert all(e["from"] in ids and e["to"] in ids for e in body["edges"])
    assert body["truncated"] is False


def test_neighbourhood_depth_and_cap(client: TestClient) -> None:
    deeper = client.get(f"{API}/graph/neighbourhood/P001", params={"depth": 2}).json()
    ids = {n["id"] for n in deeper["nodes"]}
    assert {"P004", CHINESE_KEY, "机械装备"} <= ids  # via 广西大学 and the segment
    assert "A1" not in ids  # provenance (FROM_RUN) is not explored
    capped = client.get(f"{API}/graph/neighbourhood/P001", params={"depth": 3, "limit": 5}).json()
    assert len(capped["nodes"]) == 5 and capped["truncated"] is True
    assert capped["nodes"][0]["id"] == "P001" or "P001" in {n["id"] for n in capped["nodes"]}


def test_neighbourhood_of_chinese_key_and_errors(client: TestClient) -> None:
    body = client.get(f"{API}/graph/neighbourhood/{quote(CHINESE_KEY, safe='')}").json()
    # its host, city, type and the industry inferred from its name
    assert {n["id"] for n in body["nodes"]} == {CHINESE_KEY, GXU_KEY, "南宁", "自治区重点实验室", "机械装备"}
    city = client.get(f"{API}/graph/neighbourhood/{quote('柳州', safe='')}").json()
    assert city["nodes"][0]["kind"] == "City" or "柳州" in {n["id"] for n in city["nodes"]}
    assert client.get(f"{API}/graph/neighbourhood/nothing-here").status_code == 404
    topic = client.get(f"{API}/graph/neighbourhood/{quote('工程机械', safe='')}", params={"kind": "Topic"}).json()
    assert topic["nodes"][0]["kind"] == "Topic" and {n["id"] for n in topic["nodes"]} == {"工程机械", "P001"}
    assert client.get(f"{API}/graph/neighbourhood/P001", params={"kind": "Topic"}).status_code == 404
    assert client.get(f"{API}/graph/neighbourhood/P001", params={"kind": "Nope"}).status_code == 422
    assert client.get(f"{API}/graph/neighbourhood/P001", params={"depth": 4}).status_code == 422
    assert client.get(f"{API}/graph/neighbourhood/P001", params={"depth": 0}).status_code == 422


# ---------------------------------------------------------------- health and runs
def test_health_reports_version_and_latest_run(client: TestClient) -> None:
    body = client.get(f"{API}/health").json()
    assert body["status"] == "ok" and body["neo4j"]["reachable"] is True
    assert body["neo4j"]["version"].startswith("5.")
    assert body["latest_run"]["key"] == "A1"


def test_latest_analysis_run(client: TestClient) -> None:
    body = client.get(f"{API}/analyses/latest").json()
    assert body["key"] == "A1" and body["summary"] == {"overlap": {"pairs": 1}}
    assert body["finished"].startswith("2026-01-01T00:01")
    assert client.get(f"{API}/analyses/latest", params={"kind": "nothing"}).status_code == 404


def test_openapi_is_bilingual_with_examples(client: TestClient) -> None:
    schema = client.get("/openapi.json").json()
    op = schema["paths"]["/api/v1/platforms"]["get"]
    assert "平台" in op["summary"] and "platforms" in op["summary"]
    assert "Full-text" in op["description"] and "全文检索" in op["description"]
    q = next(p for p in op["parameters"] if p["name"] == "q")
    assert q["schema"]["examples"] == ["工程机械"]
    assert "X-API-Key" in str(schema["components"]["securitySchemes"])
