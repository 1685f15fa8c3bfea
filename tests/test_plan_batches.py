"""The three batches and the what-if on the hand-built graph (real Neo4j)."""

from __future__ import annotations

import pytest

from graph.errors import UsageError
from graph.store import Store
from queries.plan import build_plan, what_if
from tests.test_coverage_fixtures import build_graph


@pytest.fixture
def graph(clean_graph: Store) -> Store:
    return build_graph(clean_graph)


def _losses(result: dict) -> set[tuple[str, str, str]]:
    return {(x["industry"], x["kind"], x["value"]) for x in result["losses"]}


def test_what_if_retire_reports_exactly_the_lost_coverage(graph: Store) -> None:
    # P1 is the only national platform (so 汽车 loses national), and the only platform of 动力电池
    # (category, level and city lost); 汽车's innovation_transfer (P4, P13) and 柳州 (P3, P13) remain.
    result = what_if(graph, retire=["P1"], lang="zh")
    assert _losses(result) == {
        ("动力电池", "category", "innovation_transfer"),
        ("动力电池", "level", "national"),
        ("动力电池", "city", "柳州"),
        ("汽车及新能源汽车", "level", "national"),
    }
    assert result["safe"] is False
    assert result["industries"] == ["动力电池", "汽车及新能源汽车"]
    assert result["cities"] == [{"industry": "动力电池", "city": "柳州"}]
    assert all(loss["platforms"][0]["key"] == "P1" for loss in result["losses"])


def test_what_if_merge_moves_industries_to_the_survivor(graph: Store) -> None:
    # P10 (南宁) absorbs P9 (百色): 铝 keeps innovation_transfer but loses its only 百色 platform
    result = what_if(graph, merge=["P10", "P9"])
    assert _losses(result) == {("铝", "city", "百色")}
    assert result["losses"][0]["declared"] is True
    # P8 (science, 贺州) absorbs P5 (innovation, 贺州, 碳酸钙): P8 takes over 碳酸钙, so 贺州 and the
    # regional level stay covered, but P5 was 碳酸钙's only innovation_transfer platform
    result = what_if(graph, merge=["P8", "P5"])
    assert _losses(result) == {("碳酸钙", "category", "innovation_transfer")}
    both = what_if(graph, merge=[["P8", "P5"], ["P10", "P9"]], retire=["P1"])
    assert len(_losses(both)) == 6
    # P6 is the only platform of 重质碳酸钙 and 碳酸钙's only basic_support one (P5 keeps 贺州, regional)
    assert _losses(what_if(graph, retire=["P6"])) == {
        ("重质碳酸钙", "category", "basic_support"), ("重质碳酸钙", "level", "regional"), ("重质碳酸钙", "city", "贺州"),
        ("碳酸钙", "category", "basic_support")}
    assert what_if(graph, retire=["P2"])["safe"] is False  # 汽车's only science lab
    assert what_if(graph, retire=["P13"])["safe"] is False  # 整车制造's only 柳州 platform
    assert what_if(graph, retire=["P7"])["safe"] is True  # already revoked: provides nothing


def test_what_if_accepts_ids_and_rejects_bad_input(graph: Store) -> None:
    graph.write("MATCH (p:Platform {key: 'P1'}) SET p.id = 'GX-001'")
    assert _losses(what_if(graph, retire=["GX-001"])) == _losses(what_if(graph, retire=["P1"]))
    with pytest.raises(UsageError, match="NOPE"):
        what_if(graph, retire=["NOPE"])
    with pytest.raises(UsageError):
        what_if(graph, merge=["P1"])
    with pytest.raises(UsageError):
        what_if(graph, merge=["P1", "P2"], retire=["P2"])


def test_retire_batch_has_each_rule_with_evidence(graph: Store) -> None:
    # Policy (docs/methods.md, "The plan"): P12 (municipal, 整改) goes to the city list on a
    # rectification, never to 撤销淘汰; P13 (工信厅) cannot be merged into P4 (科技厅): coordination.
    plan = build_plan(graph, lang="zh", as_of=2026)
    retire = {r["key"]: r for r in plan["retire"]}
    assert set(retire) == {"P9", "P11"}
    assert retire["P9"]["reason"] == "evaluation_failed" and retire["P9"]["reasons"][0]["grade"] == "不合格"
    assert retire["P11"]["reason"] == "long_inactive"  # building since 2015
    assert retire["P11"]["reasons"][0]["evidence"] == {"status": "building", "established": 2015, "as_of": 2026}
    assert "P3" not in retire  # building since 2024 only
    assert [m["key"] for m in plan["municipal"]] == ["P12"] and plan["municipal"][0]["reason"] == "rectify"
    # P9 is 铝's only 百色 platform: retiring it alone warns
    assert ("铝", "city", "百色") in {(w["industry"], w["kind"], w["value"]) for w in retire["P9"]["sole_coverage"]}


def test_optimise_batch_reads_latest_overlap_run(graph: Store) -> None:
    plan = build_plan(graph, lang="en")
    # A1 is an older run; A2:1 spans 科技厅 (P4) and 工信厅 (P13): a coordination item, not a merge
    assert [o.get("group") for o in plan["optimise"]] == []
    item = plan["coordination"][0]
    assert item["group"] == "A2:1" and {p["key"] for p in item["platforms"] + item["with"]} == {"P4", "P13"}
    assert item["reasons"][0]["text"].startswith("same host")


def test_build_batch_proposes_gaps_with_candidate_hosts(graph: Store) -> None:
    plan = build_plan(graph, lang="zh", build_top=200)
    build = {(b["industry"], b["kind"], b["value"]): b for b in plan["build"]}
    sci = build[("碳酸钙", "category", "science_engineering")]
    assert (sci["category"], sci["level"]) == ("science_engineering", "regional")
    assert sci["suggested_type"] == "自治区重点实验室"  # policy.toml build_types
    hosts = [h["key"] for h in sci["candidate_hosts"]]
    assert hosts[0] == "贺州学院"  # a university that declares 碳酸钙 and hosts P5, P6 (keyed by its name)
    assert sci["city"] == "贺州"
    nat = build[("铝", "level", "national")]
    assert nat["action"] == "cultivate" and nat["level"] == "national" and nat["category"] == "innovation_transfer"
    assert nat["city"] == "南宁" and nat["suggested_type"] == "国家技术创新中心"  # cultivate P10
    assert nat["candidate_hosts"][0]["name"] == "南南铝业"
    assert all(not b["suggested_type"].startswith("工程技术") for b in plan["build"])


def test_every_plan_item_has_reasons(graph: Store) -> None:
    plan = build_plan(graph, lang="zh", as_of=2026)
    for batch in ("retire", "build", "coordination", "municipal"):
        assert plan[batch], batch
        for item in plan[batch]:
            assert item["reasons"], (batch, item)
            assert all(r["code"] and r["text"] and r["evidence"] for r in item["reasons"]), item
    # the whole draft checked: retiring P9 loses 铝 in 百色
    impact = {(x["industry"], x["kind"], x["value"]) for x in plan["impact"]["losses"]}
    assert ("铝", "city", "百色") in impact


def test_targets_in_plan_project_the_batches(graph: Store) -> None:
    plan = build_plan(graph, lang="zh", as_of=2026)
    rows = {(r["type"], r["level"], r["year"]): r for r in plan["targets"]}
    tic = rows[("技术创新中心", "regional", 2025)]
    built = sum(1 for b in plan["build"] if b["suggested_type"] == "技术创新中心")
    assert tic["holding"] == 3 and tic["plan_retire"] == 0 and tic["holding_after_plan"] == 3 + built
    ecc = rows[("工程技术研究中心", "regional", None)]
    assert ecc["plan_retire"] == 1 and ecc["holding_after_plan"] == 0  # P9 retired


def test_city_gap_hosts_prefer_the_city_and_say_when_they_cannot(graph: Store) -> None:
    """A gap in one city is filled there: within the kind the type calls for, that city's institutions
    come first, and a host from another city says it is a second choice (a planner would otherwise
    read a 柳州 company as the proposal for 玉林)."""
    plan = build_plan(graph, lang="zh", build_top=200)
    city_builds = [b for b in plan["build"] if b["kind"] == "city" and b["action"] == "build"]
    assert city_builds
    away_seen = 0
    for b in city_builds:
        hosts = b["candidate_hosts"]
        for first, second in zip(hosts, hosts[1:], strict=False):
            if first["kind"] == second["kind"]:
                assert not (first["city"] != b["city"] and second["city"] == b["city"]), b
        for h in hosts:
            if h["city"] != b["city"]:
                away_seen += 1
                assert h["why"].startswith(f"位于{h['city']}，{b['city']}暂无"), h
            else:
                assert "暂无与本产业有联系" not in h["why"], h
    assert away_seen, "the hand-built graph has a city gap filled from another city"
