"""API keys, closed reads, CORS, upload limits and archive safety, and Neo4j outages (503 within
2 s, recovery without restarting the API) — all against the real Neo4j."""

from __future__ import annotations

import io
import time
import uuid
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from pydantic import SecretStr

from api.app import create_app
from api.deps import API_CONNECT_TIMEOUT, API_MAX_RETRY_SECONDS
from api.routers.datasets import UnsafeArchive, check_archive, extract_data_files
from graph import local_neo4j
from graph.settings import Settings
from graph.store import Store

API = "/api/v1"
KEY = "s3cret-admin-key-0001"


def client_for(settings: Settings, **update: object) -> TestClient:
    return TestClient(create_app(settings.model_copy(update=update)))


@pytest.fixture(scope="module")
def keyed(store: Store, settings: Settings) -> Iterator[TestClient]:
    with client_for(settings, platgraph_api_key=SecretStr(KEY), platgraph_max_upload_mb=1) as c:
        yield c


# ---------------------------------------------------------------- API keys
def test_admin_endpoints_refused_when_no_key_is_configured(store: Store, settings: Settings) -> None:
    with client_for(settings, platgraph_api_key=None) as c:
        for method, path in (("post", "/analyses"), ("post", "/datasets")):
            response = c.request(method, API + path, headers={"X-API-Key": "anything"})
            assert response.status_code == 403
            assert "PLATGRAPH_API_KEY" in response.json()["detail"]
        en = c.post(f"{API}/analyses", params={"lang": "en"})
        assert en.status_code == 403 and "set PLATGRAPH_API_KEY" in en.json()["detail"]
        assert c.get(f"{API}/platforms").status_code == 200  # reads stay open by default


def test_admin_endpoints_need_the_right_key(keyed: TestClient) -> None:
    missing = keyed.post(f"{API}/analyses")
    assert missing.status_code == 401 and "X-API-Key" in missing.json()["detail"]
    wrong = keyed.post(f"{API}/analyses", headers={"X-API-Key": KEY + "x"})
    assert wrong.status_code == 401 and wrong.json()["detail"] == "API 密钥无效"
    upload = keyed.post(f"{API}/datasets", headers={"X-API-Key": "nope"},
                        files={"file": ("d.zip", b"PK", "application/zip")})
    assert upload.status_code == 401


def test_closed_reads_need_the_key_but_health_stays_open(store: Store, settings: Settings) -> None:
    with client_for(settings, platgraph_api_key=SecretStr(KEY), platgraph_open_reads=False) as c:
        assert c.get(f"{API}/platforms").status_code == 401
        assert c.get(f"{API}/platforms", headers={"X-API-Key": "bad"}).status_code == 401
        assert c.get(f"{API}/platforms", headers={"X-API-Key": KEY}).status_code == 200
        assert c.get(f"{API}/graph/neighbourhood/x", headers={"X-API-Key": KEY}).status_code == 404
        assert c.get(f"{API}/health").status_code == 200
    with client_for(settings, platgraph_api_key=None, platgraph_open_reads=False) as c:
        refused = c.get(f"{API}/industries")
        assert refused.status_code == 403 and "PLATGRAPH_API_KEY" in refused.json()["detail"]


def test_cors_from_settings(store: Store, settings: Settings) -> None:
    origin = "https://planner.example.gov.cn"
    with client_for(settings, platgraph_cors_origins=[origin]) as c:
        preflight = c.options(f"{API}/platforms", headers={
            "Origin": origin, "Access-Control-Request-Method": "GET"})
        assert preflight.headers.get("access-control-allow-origin") == origin
        other = c.get(f"{API}/health", headers={"Origin": "https://evil.example"})
        assert "access-control-allow-origin" not in other.headers
    with client_for(settings) as c:  # no origins configured: no CORS headers at all
        assert "access-control-allow-origin" not in c.get(f"{API}/health", headers={"Origin": origin}).headers


# ---------------------------------------------------------------- uploads
def test_oversized_upload_is_413(keyed: TestClient) -> None:
    big = b"x" * (2 * 1_048_576)
    response = keyed.post(f"{API}/datasets", headers={"X-API-Key": KEY},
                          files={"file": ("big.zip", big, "application/zip")})
    assert response.status_code == 413
    assert "PLATGRAPH_MAX_UPLOAD_MB" in response.json()["detail"]


def test_oversized_chunked_upload_is_413(keyed: TestClient) -> None:
    def chunks() -> Iterator[bytes]:  # no Content-Length: the server must count
        yield (b'--b0undary\r\nContent-Disposition: form-data; name="file"; filename="big.zip"\r\n'
               b"Content-Type: application/zip\r\n\r\n")
        for _ in range(40):
            yield b"y" * 65_536
        yield b"\r\n--b0undary--\r\n"

    response = keyed.post(f"{API}/datasets", content=chunks(), headers={
        "X-API-Key": KEY, "Content-Type": "multipart/form-data; boundary=b0undary"})
    assert response.status_code == 413


def zip_bytes(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def test_zip_bomb_is_refused_before_extraction(keyed: TestClient) -> None:
    bomb = zip_bytes({"平台.csv": b"\0" * (30 * 1_048_576)})  # 30 MB of zeros in ~30 KB
    assert len(bomb) < 1_048_576
    response = keyed.post(f"{API}/datasets", headers={"X-API-Key": KEY},
                          files={"file": ("bomb.zip", bomb, "application/zip")})
    assert response.status_code == 413


def test_too_many_members_and_bad_files(keyed: TestClient) -> None:
    many = zip_bytes({f"f{i}.csv": b"a,b\n" for i in range(100)})
    response = keyed.post(f"{API}/datasets", headers={"X-API-Key": KEY},
                          files={"file": ("many.zip", many, "application/zip")})
    assert response.status_code == 413
    not_zip = keyed.post(f"{API}/datasets", headers={"X-API-Key": KEY},
                         files={"file": ("fake.zip", b"not a zip at all", "application/zip")})
    assert not_zip.status_code == 422
    wrong_kind = keyed.post(f"{API}/datasets", headers={"X-API-Key": KEY},
                            files={"file": ("data.pdf", b"%PDF", "application/pdf")})
    assert wrong_kind.status_code == 422 and "XLSX" in wrong_kind.json()["detail"]
    no_file = keyed.post(f"{API}/datasets", headers={"X-API-Key": KEY})
    assert no_file.status_code == 422 and no_file.json()["errors"][0]["loc"][-1] == "file"


def test_extraction_flattens_paths_and_keeps_only_data_files(tmp_path: Path, settings: Settings) -> None:
    archive = tmp_path / "in.zip"
    archive.write_bytes(zip_bytes({"../../evil.csv": b"a\n", "dir/平台.csv": b"b\n", "readme.exe": b"MZ",
                                   "__MACOSX/._平台.csv": b"junk"}))
    target = tmp_path / "out"
    target.mkdir()
    files = extract_data_files(archive, check_archive(archive, "zip", settings), target, settings)
    assert sorted(p.name for p in files) == ["evil.csv", "平台.csv"]
    assert sorted(p.name for p in target.iterdir()) == ["evil.csv", "平台.csv"]
    assert not (tmp_path.parent / "evil.csv").exists()


def test_gbk_member_names_are_repaired(tmp_path: Path, settings: Settings) -> None:
    # Chinese Windows zip tools store names in GBK without the UTF-8 flag.
    gbk = "平台.csv".encode("gbk")
    placeholder = b"X" * (len(gbk) - 4) + b".csv"
    raw = zip_bytes({placeholder.decode(): b"x\n"}).replace(placeholder, gbk)
    path = tmp_path / "gbk.zip"
    path.write_bytes(raw)
    target = tmp_path / "out"
    target.mkdir()
    files = extract_data_files(path, check_archive(path, "zip", settings), target, settings)
    assert [p.name for p in files] == ["平台.csv"]


def test_duplicate_names_after_flattening_are_refused(tmp_path: Path, settings: Settings) -> None:
    path = tmp_path / "dup.zip"
    path.write_bytes(zip_bytes({"a/平台.csv": b"1\n", "b/平台.csv": b"2\n"}))
    target = tmp_path / "out"
    target.mkdir()
    with pytest.raises(UnsafeArchive):
        extract_data_files(path, check_archive(path, "zip", settings), target, settings)


# ---------------------------------------------------------------- Neo4j unreachable
READ_PATHS = ["/health", "/platforms", "/platforms/P001", "/institutions", "/industries/%E8%94%97%E7%B3%96",
              "/graph/neighbourhood/P001", "/analyses/latest"]


def assert_unavailable(client: TestClient, path: str, **kwargs: object) -> dict:
    # How fast the 503 comes is bench/api.py's figure and the fault tests' (tests/test_faults_*.py);
    # here: the waits that bound it are what the API configures.
    assert client.app.state.store_holder.settings.neo4j_connect_timeout <= API_CONNECT_TIMEOUT <= 1.0  # type: ignore[attr-defined]  # Starlette's app is typed loosely
    assert API_MAX_RETRY_SECONDS <= 0.5
    response = client.get(API + path, **kwargs)  # type: ignore[arg-type]  # httpx's params type is narrower than object
    assert response.status_code == 503, (path, response.text)
    body = response.json()
    assert body["code"] == "database_unavailable"
    assert "Neo4j" in body["detail_zh"] and "unavailable" in body["detail_en"]
    return body


def test_unreachable_neo4j_is_503_within_two_seconds(settings: Settings) -> None:
    dead = settings.model_copy(update={"neo4j_uri": "bolt://127.0.0.1:1", "platgraph_api_key": SecretStr(KEY)})
    with TestClient(create_app(dead)) as c:  # the app starts with Neo4j down
        for path in READ_PATHS:
            body = assert_unavailable(c, path)
            assert "无法连接" in body["detail"] and "127.0.0.1:1" not in body["detail"]  # no address
        en = assert_unavailable(c, "/platforms", params={"lang": "en"})
        assert en["detail"] == en["detail_en"] and "platgraph db start" in en["detail"]
        admin = c.post(f"{API}/analyses", headers={"X-API-Key": KEY})
        assert admin.status_code in (503,)


def test_recovers_after_the_engine_restarts(store: Store, settings: Settings) -> None:
    """Stop the test engine under a running app: 503 quickly; start it: 200, same app."""
    if not settings.uses_local_engine:
        pytest.fail("this test needs the local test engine (PLATGRAPH_TEST_PORT)")
    with client_for(settings) as c:
        assert c.get(f"{API}/health").status_code == 200
        local_neo4j.stop(settings)
        try:
            for path in ("/health", "/platforms"):
                assert_unavailable(c, path)
        finally:
            local_neo4j.start(settings)
        deadline = time.monotonic() + 30
        while True:
            response = c.get(f"{API}/health")
            if response.status_code == 200 or time.monotonic() > deadline:
                break
            time.sleep(0.5)
        assert response.status_code == 200, response.text
        assert c.get(f"{API}/platforms").status_code == 200


def test_unexpected_error_is_500_without_internals(settings: Settings) -> None:
    app = create_app(settings)

    @app.get("/probe-unexpected")
    def probe() -> dict:
        raise RuntimeError("boom at /srv/platgraph/secret.txt")

    with TestClient(app, raise_server_exceptions=False) as c:
        response = c.get("/probe-unexpected", params={"lang": "en"})
    assert response.status_code == 500
    assert response.headers["content-type"] == "application/problem+json"
    body = response.json()
    assert "secret.txt" not in response.text and "/srv" not in response.text and "Traceback" not in response.text
    assert body["status"] == 500 and body["code"] == "internal_error" and body["error_id"] in body["detail"]
    assert body["instance"] == f"urn:uuid:{uuid.UUID(body['error_id'])}"
    assert {"type", "title", "status", "detail", "instance"} <= set(body)
