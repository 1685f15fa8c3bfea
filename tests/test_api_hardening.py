"""Hardening of the HTTP API (docs/security.md): heavy endpoints in a child job behind a key with a
cache and a concurrency cap, JSON body caps, read/admin keys with rotation, the key checked before
an upload body, the Host allow-list, and bodies that carry no URI, server path or provenance
internals — against the real Neo4j."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from pydantic import SecretStr, ValidationError

from api import jobs
from api.app import create_app
from api.routers import reports
from graph.settings import Settings
from graph.store import Store
from tests.api_fixtures import build_small_graph
from tests.conftest import GraphState

API = "/api/v1"
ADMIN = "hardening-admin-key-0001"
ADMIN_NEXT = "hardening-admin-key-0002"  # the key being rotated in
READER = "hardening-read-key-00001"


@pytest.fixture(scope="module")
def small(graph_state: GraphState) -> Store:
    def build(store: Store) -> None:
        build_small_graph(store)
        store.write("MATCH (p:Platform {key: 'P001'}) SET p.src_run = 'R-secret-run'")
        store.write("MERGE (:IngestRun {key: 'R-secret-run', dataset: '/srv/secret/dataset'})")

    graph_state.use("api-hardening", build)
    store = graph_state.store
    return store


def app_settings(settings: Settings, tmp_path: Path, **update: object) -> Settings:
    base = {"platgraph_api_key": SecretStr(f"{ADMIN},{ADMIN_NEXT}"), "platgraph_read_keys": SecretStr(READER),
            "platgraph_home": tmp_path / "home"}
    return settings.model_copy(update={**base, **update})


@pytest.fixture
def closed(small: Store, settings: Settings, tmp_path: Path) -> Iterator[TestClient]:
    with TestClient(create_app(app_settings(settings, tmp_path, platgraph_open_reads=False,
                                            platgraph_max_upload_mb=1))) as c:
        yield c


# ---------------------------------------------------------------- keys (item 8)
def test_keys_must_be_ascii_and_long_enough(settings: Settings) -> None:
    for bad in ("short-key", "密钥" * 10, "good-enough-key-0001,tiny"):
        with pytest.raises(ValidationError) as caught:
            Settings(platgraph_api_key=bad)
        assert bad not in str(caught.value)  # the error never repeats the key
        with pytest.raises(ValueError):  # model_copy skips validators: the app checks again
            create_app(settings.model_copy(update={"platgraph_read_keys": SecretStr(bad)}))
    assert Settings(platgraph_api_key=f"{ADMIN},{ADMIN_NEXT}").admin_keys() == [ADMIN, ADMIN_NEXT]


def test_read_keys_read_but_do_not_administer_and_admin_keys_rotate(closed: TestClient) -> None:
    assert closed.get(f"{API}/platforms").status_code == 401
    for key in (READER, ADMIN, ADMIN_NEXT):
        assert closed.get(f"{API}/platforms", headers={"X-API-Key": key}).status_code == 200, key
    refused = closed.post(f"{API}/analyses", headers={"X-API-Key": READER})
    assert refused.status_code == 401
    # both admin keys (old and new during a rotation) pass the admin check: the call gets past the
    # key to the next check (an upload without a file is 422, not 401)
    for key in (ADMIN, ADMIN_NEXT):
        assert closed.post(f"{API}/datasets", headers={"X-API-Key": key}).status_code == 422


def test_upload_key_is_checked_before_the_body_is_read(closed: TestClient) -> None:
    big = b"x" * (3 * 1_048_576)  # over the 1 MB upload limit: 413 if the body were looked at first
    response = closed.post(f"{API}/datasets", headers={"X-API-Key": "wrong-key-wrong-key"},
                           files={"file": ("big.zip", big, "application/zip")})
    assert response.status_code == 401, response.text


def test_host_header_allow_list(small: Store, settings: Settings, tmp_path: Path) -> None:
    with TestClient(create_app(app_settings(settings, tmp_path))) as c:
        assert c.get(f"{API}/health", headers={"Host": "rebind.attacker.example"}).status_code == 400
        assert c.get(f"{API}/health", headers={"Host": "127.0.0.1:8000"}).status_code == 200
    served = app_settings(settings, tmp_path, platgraph_allowed_hosts=["platgraph.gxst.gov.cn"])
    with TestClient(create_app(served), base_url="http://platgraph.gxst.gov.cn") as c:
        assert c.get(f"{API}/health").status_code == 200
        assert c.get(f"{API}/health", headers={"Host": "localhost"}).status_code == 400


def test_explorer_sends_the_key_when_reads_are_closed() -> None:
    """The explorer asks for the key on a 401 and sends it on every call (the browser test drives
    it end to end; this pins the contract the page relies on)."""
    script = (Path(__file__).resolve().parent.parent / "viz" / "explorer" / "static" / "app.js").read_text("utf-8")
    assert script.count("authHeaders(") >= 3  # getJSON, the HTML export, the retry after a 401
    assert '"X-API-Key"' in script and "status === 401" in script


# ---------------------------------------------------------------- heavy endpoints (item 1)
def test_json_bodies_are_capped_at_tens_of_kb(closed: TestClient) -> None:
    padding = "x" * (100 * 1024)
    response = closed.post(f"{API}/overlaps/check", headers={"X-API-Key": READER, "Content-Type": "application/json"},
                           content=json.dumps({"name": padding}))
    assert response.status_code == 413 and "PLATGRAPH_MAX_JSON_KB" in response.json()["detail"]


def test_reports_need_a_read_key_unless_open(small: Store, settings: Settings, tmp_path: Path) -> None:
    with TestClient(create_app(app_settings(settings, tmp_path))) as c:  # reads open, reports not
        assert c.get(f"{API}/platforms").status_code == 200
        assert c.get(f"{API}/reports/network").status_code == 401
    with TestClient(create_app(app_settings(settings, tmp_path, platgraph_api_key=None,
                                            platgraph_read_keys=None))) as c:
        assert c.get(f"{API}/reports/network").status_code == 403


def test_reports_are_capped_and_cached_per_data_version(small: Store, settings: Settings, tmp_path: Path,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    release = threading.Event()
    started = threading.Event()
    builds: list[str] = []

    def fake_child(settings: Settings, out: Path, fmt: str, lang: str, industry: str | None,
                   city: str | None) -> Path:
        builds.append(fmt)
        started.set()
        release.wait(20)
        out.write_text("<html>report</html>", encoding="utf-8")
        return out

    monkeypatch.setattr(reports, "report_in_child", fake_child)
    with TestClient(create_app(app_settings(settings, tmp_path, platgraph_open_reports=True))) as c:
        first: dict[str, object] = {}
        worker = threading.Thread(target=lambda: first.update(r=c.get(f"{API}/reports/network")))
        worker.start()
        assert started.wait(20)
        busy = c.get(f"{API}/reports/network", params={"format": "docx"})
        assert busy.status_code == 429 and busy.headers["Retry-After"]
        release.set()
        worker.join(30)
        assert first["r"].status_code == 200 and first["r"].headers[reports.CACHE_HEADER] == "miss"  # type: ignore[attr-defined]
        again = c.get(f"{API}/reports/network")
        assert again.status_code == 200 and again.headers[reports.CACHE_HEADER] == "hit" and builds == ["html"]
        small.write("CREATE (:AnalysisRun {key: 'A2', status: 'completed', finished: datetime()})")
        try:
            rebuilt = c.get(f"{API}/reports/network")
            assert rebuilt.headers[reports.CACHE_HEADER] == "miss" and builds == ["html", "html"]
        finally:
            small.write("MATCH (a:AnalysisRun {key: 'A2'}) DETACH DELETE a")


def _sleep_job(seconds: float, pid_file: Path) -> dict:
    import os

    pid_file.write_text(str(os.getpid()))
    time.sleep(seconds)
    pid_file.with_suffix(".finished").write_text("slept to the end")
    return {}


def test_child_jobs_are_killed_at_their_time_limit(tmp_path: Path) -> None:
    pid_file = tmp_path / "child.pid"
    with pytest.raises(jobs.JobTimeout) as caught:
        jobs.run_in_child(_sleep_job, 120, pid_file, timeout=15)  # long enough for the child to start
    assert caught.value.http_status == 504
    child = int(pid_file.read_text())
    assert not Path(f"/proc/{child}").exists()  # gone (and reaped): not left sleeping …
    assert not pid_file.with_suffix(".finished").exists()  # … and killed, not waited for


# ---------------------------------------------------------------- redaction (item 9)
def test_health_and_503_bodies_carry_no_uri_or_path(small: Store, settings: Settings, tmp_path: Path) -> None:
    with TestClient(create_app(app_settings(settings, tmp_path))) as c:
        body = c.get(f"{API}/health").text
    assert settings.neo4j_uri not in body and "bolt://" not in body and str(settings.home) not in body
    dead = app_settings(settings, tmp_path, neo4j_uri="bolt://127.0.0.1:1")
    with TestClient(create_app(dead)) as c:
        for path in ("/health", "/platforms"):
            response = c.get(API + path)
            assert response.status_code == 503
            assert "127.0.0.1:1" not in response.text and "bolt://" not in response.text
            assert "platgraph db start" in response.json()["detail_en"]  # still says what to do


def test_provenance_internals_are_not_public(small: Store, settings: Settings, tmp_path: Path) -> None:
    with TestClient(create_app(app_settings(settings, tmp_path))) as c:
        assert c.get(f"{API}/graph/neighbourhood/R-secret-run", params={"kind": "IngestRun"}).status_code == 422
        assert c.get(f"{API}/graph/neighbourhood/ingest", params={"kind": "IngestLock"}).status_code == 422
        assert c.get(f"{API}/graph/neighbourhood/R-secret-run").status_code == 404
        around = c.get(f"{API}/graph/neighbourhood/P001", params={"depth": 2}).text
        assert "src_run" not in around and "R-secret-run" not in around
        export = c.post(f"{API}/graph/export", json={"nodes": [{"id": "R-secret-run", "kind": "IngestRun"}]})
        assert export.status_code == 422 and "/srv/secret" not in export.text


def test_upload_answer_names_files_without_server_paths(tmp_path: Path, settings: Settings) -> None:
    from api.routers.datasets import public_summary

    home = str(tmp_path / "home")
    summary = {"rejects_file": f"{home}/ingest/R1-rejects.csv", "ambiguities_file": None,
               "ignored": [f"{home}/uploads/platgraph-upload-x/readme.csv"], "read": {"platforms": 3}}
    public = json.dumps(public_summary(summary), ensure_ascii=False)
    assert home not in public and "R1-rejects.csv" in public and "readme.csv" in public


def test_stale_upload_folders_and_old_rejects_are_removed(tmp_path: Path, settings: Settings) -> None:
    from api.routers.datasets import sweep, upload_root

    local = settings.model_copy(update={"platgraph_home": tmp_path / "home", "platgraph_rejects_keep_days": 30.0})
    old_upload = upload_root(local) / "platgraph-upload-old"
    new_upload = upload_root(local) / "platgraph-upload-new"
    rejects = local.home / "ingest"
    rejects.mkdir(parents=True)
    old_rejects, new_rejects = rejects / "R1-rejects.csv", rejects / "R2-rejects.csv"
    for path in (old_upload, new_upload):
        path.mkdir()
    for path in (old_rejects, new_rejects):
        path.write_text("x")
    import os

    long_ago = time.time() - 40 * 86400
    for path in (old_upload, old_rejects):
        os.utime(path, (long_ago, long_ago))
    removed = sweep(local)
    assert set(removed) == {old_upload, old_rejects}
    assert new_upload.exists() and new_rejects.exists()
