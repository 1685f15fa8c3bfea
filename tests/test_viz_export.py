"""pyvis exports (``platgraph viz``) and the explorer's own endpoints, against the real Neo4j.

The offline check here is static (no element loads anything from another host); the browser tests
open the files with the network blocked.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from api.cli import app as cli
from graph.store import Store
from tests.graph_builder import ingest_tables
from tests.viz_fixtures import GROUP_KEY, load_small_graph
from viz import graphdata, pyvis_export

# any attribute or CSS that would make the browser fetch something
FETCHING = re.compile(r"""(?:src|href)\s*=\s*["'](?!data:|#)|@import|(?<![A-Za-z])url\((?!["']?data:)""")


@pytest.fixture
def small_graph(clean_graph: Store) -> Store:
    load_small_graph(clean_graph)
    return clean_graph


def assert_self_contained(html: str) -> None:
    assert pyvis_export.vis_network_js() in html  # the vendored build, inlined whole
    own = html.replace(pyvis_export.vis_network_js(), "")  # what platgraph wrote around it
    assert FETCHING.search(own) is None, FETCHING.search(own)
    assert "cdnjs" not in html and "jsdelivr" not in html and "unpkg" not in html
    assert "new vis.Network" in own


def test_render_html_is_self_contained_with_legend(small_graph: Store) -> None:
    graph = graphdata.neighbourhood(small_graph, "P001")
    html = pyvis_export.render_html(graph)
    assert_self_contained(html)
    assert "广西工程机械工程研究中心" in html  # Chinese as characters
    assert "图例" in html and "平台：技术创新与成果转化" in html
    assert '<html lang="zh-CN">' in html
    english = pyvis_export.render_html(graphdata.neighbourhood(small_graph, "P001", lang="en"), "en")
    assert "Legend" in english and "Liuzhou" in english and "Platform: Technology innovation" in english


def test_names_cannot_inject_markup(clean_graph: Store) -> None:
    evil = "</script><script>alert(1)</script><b>x</b>"
    # as a planner's file could carry it: the ingest keeps text as written, the page must escape it
    ingest_tables(clean_graph, {"平台": [{"编号": "PX", "平台名称": evil, "平台类型": "自治区重点实验室", "依托单位": ""}]})
    html = pyvis_export.render_html(graphdata.neighbourhood(clean_graph, "PX"), title=evil)
    assert html.count("</script>") == 2  # the template's two scripts: no name can close one early
    assert "&lt;/script&gt;&lt;script&gt;alert(1)" in html  # the title, as text
    assert "<b>x</b>" not in html


def test_cli_viz_around_industry_and_group(small_graph: Store, tmp_path: Path) -> None:
    runner = CliRunner()
    out = tmp_path / "around.html"
    res = runner.invoke(cli, ["viz", str(out), "--around", "柳工", "--format", "json"])
    assert res.exit_code == 0, res.output
    summary = json.loads(res.stdout)
    assert summary["nodes"] == 5 and summary["file"] == str(out)  # 柳工, P001, P002, 柳州, 张伟
    html = out.read_text(encoding="utf-8")
    assert_self_contained(html)
    assert "广西柳工机械股份有限公司" in html
    res = runner.invoke(cli, ["viz", str(tmp_path / "ind.html"), "--industry", "蔗糖"])
    assert res.exit_code == 0 and "广西甘蔗遗传改良重点实验室" in (tmp_path / "ind.html").read_text(encoding="utf-8")
    res = runner.invoke(cli, ["--lang", "en", "viz", str(tmp_path / "g.html"), "--overlap-group", GROUP_KEY])
    assert res.exit_code == 0
    group_page = (tmp_path / "g.html").read_text(encoding="utf-8")
    assert "Overlap group 1: merge, keep 广西工程机械工程研究中心; reasons: same host" in group_page


@pytest.mark.parametrize("args", [
    [],  # nothing chosen
    ["--around", "柳工", "--industry", "蔗糖"],  # two chosen
    ["--around", "没有这个节点"],
    ["--industry", "没有这个产业"],
    ["--overlap-group", "nope:1"],
])
def test_cli_viz_usage_errors_exit_2(small_graph: Store, tmp_path: Path, args: list[str]) -> None:
    res = CliRunner().invoke(cli, ["viz", str(tmp_path / "x.html"), *args])
    assert res.exit_code == 2, res.output
    assert "Traceback" not in res.output
    assert not (tmp_path / "x.html").exists()


def test_cli_viz_rejects_non_html_target(small_graph: Store, tmp_path: Path) -> None:
    res = CliRunner().invoke(cli, ["viz", str(tmp_path / "x.png"), "--around", "柳工"])
    assert res.exit_code == 2


def test_http_overview_search_subgraph_and_exports(small_graph: Store, settings: object) -> None:
    from api.app import create_app

    with TestClient(create_app(settings)) as client:  # type: ignore[arg-type]
        overview = client.get("/api/v1/graph/overview").json()
        assert {"机械装备", "蔗糖"} <= {n["id"] for n in overview["nodes"]}
        one = client.get("/api/v1/graph/overview", params={"industry": "糖业"}).json()  # an alias
        assert one["center"] == "蔗糖"
        assert client.get("/api/v1/graph/overview", params={"industry": "没有"}).status_code == 422
        hits = client.get("/api/v1/graph/search", params={"q": "李娜"}).json()["items"]
        assert hits[0]["id"] == "R002" and hits[0]["kind"] == "Researcher"
        sub = client.get("/api/v1/graph/subgraph", params={"overlap_group": GROUP_KEY}).json()
        assert {"P001", "P002"} <= {n["id"] for n in sub["nodes"]}
        assert client.get("/api/v1/graph/subgraph").status_code == 422
        page = client.get("/api/v1/graph/export", params={"around": "P003", "lang": "en"})
        assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
        assert "attachment" in page.headers["content-disposition"]
        assert_self_contained(page.text)
        view = client.post("/api/v1/graph/export", json={"nodes": [{"id": "P001", "kind": "Platform"},
                                                                   {"id": "R001", "kind": "Researcher"}]})
        assert view.status_code == 200 and "张伟" in view.text
        assert client.post("/api/v1/graph/export", json={"nodes": [{"id": "x", "kind": "Evil"}]}).status_code == 422
        explore = client.get("/explore")
        assert explore.status_code == 200 and "科技创新平台图谱浏览器" in explore.text
        # the page loads only its own static files (the link to the map page is navigation, not a fetch)
        assert FETCHING.search(explore.text.replace('href="/explore/static/', "").replace('src="/explore/static/', "")
                               .replace('href="data:,"', "").replace('href="/explore/map"', "")) is None
        assert client.get("/explore/static/vendor/vis-network/vis-network.min.js").status_code == 200
