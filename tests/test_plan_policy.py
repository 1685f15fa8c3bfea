"""The plan follows the policy (graph/data/policy.toml, docs/methods.md): an audit over a hand-built
graph (every expectation by hand, see tests/plan_policy_graph.py) and over the default sample."""

from __future__ import annotations

from collections import Counter
from typing import Any

import pytest

from graph.reference import load_taxonomy
from graph.store import Store
from queries.plan import build_plan
from queries.plan.policy import load_policy
from tests.graph_builder import ingest_tables
from tests.plan_policy_graph import policy_graph

ACTED = ("optimise", "retire", "rectify")
LISTS = ("national", "municipal", "coordination")


def _keys(items: list[dict[str, Any]]) -> set[str]:
    out = set()
    for item in items:
        for p in item.get("platforms") or [item]:
            if p.get("key"):
                out.add(p["key"])
    return out


def audit(plan: dict[str, Any]) -> None:
    """The policy's invariants, true of any plan on any graph."""
    policy = load_policy()
    types = load_taxonomy().types
    # no platform in two batches or lists (a merge item names its members once)
    seen: Counter = Counter()
    for batch in (*ACTED, *LISTS):
        for key in _keys(plan[batch]):
            seen[key] += 1
    assert [k for k, n in seen.items() if n > 1] == []
    for item in plan["retire"]:
        # no national, ministerial or municipal platform retired; none of another department
        assert item["level"] not in ("national", "ministerial", "municipal"), item
        assert item["department"] in policy.acting_departments, item
        # none retired on 整改 alone: each reason is a failing grade or long inactivity
        for reason in item["reasons"]:
            assert reason["code"] in ("evaluation_failed", "long_inactive"), item
            if reason["code"] == "evaluation_failed":
                assert reason["grade"] in ("不合格", "整改不通过"), item
    for item in plan["optimise"]:
        depts = {policy.department_of(p["type"]) for p in item["platforms"]}
        assert len(depts) == 1 and depts <= set(policy.acting_departments), item  # no merge across departments
    build = [b for b in plan["build"] if b["action"] == "build"]
    for b in plan["build"]:
        ptype = types[b["suggested_type"]]
        assert not ptype.legacy and b["suggested_type"] not in policy.conversions, b
        assert policy.suits(b["suggested_type"], tuple(b["kinds"])), b
    if len(plan["build"]) >= 2:
        per_cat = Counter(b["category"] for b in plan["build"])
        assert max(per_cat.values()) <= len(plan["build"]) * policy.max_category_share, per_cat
    for b in build:
        for host in b["candidate_hosts"]:
            assert host["kind"] in policy.hosts_for(b["category"], tuple(b["kinds"]), b["suggested_type"]), (b, host)
    counts = plan["counts"]
    assert counts["integrated_or_revoked"] == counts["absorbed"] + counts["retired"]


@pytest.fixture
def plan(clean_graph: Store) -> dict[str, Any]:
    return build_plan(policy_graph(clean_graph), lang="zh", as_of=2026)


def test_hand_built_plan_passes_the_audit(plan: dict[str, Any]) -> None:
    audit(plan)


def test_authority_routes_each_platform(plan: dict[str, Any]) -> None:
    assert {r["key"] for r in plan["retire"]} == {"P5", "P9", "P11"}
    p5 = next(r for r in plan["retire"] if r["key"] == "P5")
    assert p5["reasons"][0]["grade"] == "整改不通过" and "2024 年整改" in p5["reasons"][0]["text"]
    national = {r["key"]: r for r in plan["national"]}
    assert set(national) == {"P16"} and national["P16"]["reason"] == "evaluation_failed"
    assert {r["key"] for r in plan["municipal"]} == {"P12"}  # 整改, municipal: the city's list
    # recognised by its city, not by the regional department its type (众创空间) belongs to
    assert plan["municipal"][0]["department"] == "玉林市（市级认定）"
    coordination = {i["item"]: i for i in plan["coordination"]}
    assert "department:P17" in coordination  # 教育厅's lab: not the plan's to revoke
    across = coordination["coordinate:A2:1"]  # P4 (科技厅) with P13 (工信厅): never merged across
    assert {p["key"] for p in across["platforms"]} | {p["key"] for p in across["with"]} == {"P4", "P13"}
    assert "across_departments" in {r["code"] for r in across["reasons"]}


def test_evaluation_history_decides(plan: dict[str, Any]) -> None:
    rectify = {r["key"]: r for r in plan["rectify"]}
    assert set(rectify) == {"P2"}  # P8 passed its rectification; P20 is absorbed by a merge
    assert rectify["P2"]["due"] == 2026 and rectify["P2"]["overdue"] is False
    everything = _keys([i for b in (*ACTED, *LISTS) for i in plan[b]])
    assert "P8" not in everything


def test_one_line_per_platform_and_counts(plan: dict[str, Any]) -> None:
    merge = next(o for o in plan["optimise"] if o.get("group") == "A2:2")
    assert merge["keep"]["key"] == "P10" and {p["key"] for p in merge["absorbed"]} == {"P19", "P20"}
    assert "P20" not in {r["key"] for r in plan["rectify"]} | {r["key"] for r in plan["retire"]}
    assert merge["notes"] == ["测试平台P20 正在限期整改"] or "测试平台P20" in "".join(merge["notes"])
    convert = next(o for o in plan["optimise"] if o["kind"] == "convert")
    assert (convert["key"], convert["action"], convert["to_type"]) == ("P18", "转建", "技术创新中心")
    assert plan["counts"]["integrated_or_revoked"] == 2 + 3


def test_build_list_fits_the_gaps(plan: dict[str, Any]) -> None:
    # sized by the targets' 新建数量 still to build: 技术创新中心 5 - 1 (P4 since 2021; P10 2023 → 2),
    # 自治区重点实验室 1 - 1 (P8 2021), 科技资源共享服务平台 2 - 0
    assert plan["counts"]["build_sized_by"] == "targets"
    assert plan["counts"]["build_size"] == len(plan["build"]) or len(plan["build"]) < plan["counts"]["build_size"]
    for b in plan["build"]:
        assert b["suggested_type"] != "野外科学观测研究站" or set(b["kinds"]) & {"ecological", "agriculture",
                                                                           "forestry", "marine"}
        if b["action"] == "build" and b["category"] == "innovation_transfer":
            assert all(h["kind"] == "enterprise" for h in b["candidate_hosts"][:1]), b
    cultivate = [b for b in plan["build"] if b["action"] == "cultivate"]
    assert all(b["level"] == "national" for b in cultivate)


def test_targets_per_category_and_level(clean_graph: Store) -> None:
    policy_graph(clean_graph)
    ingest_tables(clean_graph, {"建设目标": [  # a category-wide target and a level-wide one
        {"类别": "技术创新与成果转化", "级别": "自治区级", "年份": 2025, "新建数量": 4, "总保有量": 12},
        {"级别": "国家级", "年份": 2025, "总保有量": 3}]})
    plan = build_plan(clean_graph, lang="zh", as_of=2026)
    rows = {r["target_key"]: r for r in plan["targets"] if r["target_key"]}
    innov = rows["类别:innovation_transfer@regional@2025"]
    # active/building regional innovation platforms: P4 P5 P9 P10 P13 P18 P19 P20 (P12 is municipal)
    assert innov["holding"] == 8 and innov["target_total"] == 12
    # the plan: P5 and P9 retired, P19 and P20 absorbed; builds of the category add
    added = sum(1 for b in plan["build"] if b["category"] == "innovation_transfer" and b["level"] == "regional")
    assert innov["holding_after_plan"] == 8 - 4 + added
    assert rows["@national@2025"]["holding"] == 2  # P1, P16
    # the category target now sizes the build list (aggregate targets win over per-type ones)
    assert plan["counts"]["build_size"] == max(0, 4 - innov["new_in_period"]) or plan["counts"]["build_sized_by"] == "default"


def test_sample_plan_passes_the_audit(sample_graph: Store) -> None:
    from queries.analyze import run_all

    run_all(sample_graph)
    plan = build_plan(sample_graph, lang="zh")
    audit(plan)
    assert plan["retire"] and plan["rectify"] and plan["build"] and plan["optimise"]
    assert not any(r["level"] == "national" for r in plan["retire"])


def test_real_guangxi_list_plan_passes_the_audit(clean_graph: Store, tmp_path) -> None:
    """The held-out real list (tests/data/real_guangxi): its published evaluations load through the
    evaluations table, and the plan drafted on it keeps to the policy."""
    import shutil

    from ingest.pipeline import ingest_dataset
    from tests.conftest import REPO

    fixture = REPO / "tests" / "data" / "real_guangxi"
    data = tmp_path / "real"
    data.mkdir()
    for name in ("platforms.csv", "institutions.csv", "evaluations.csv"):
        shutil.copy(fixture / name, data / name)
    ingest_dataset(clean_graph, data, rejects_path=tmp_path / "rejects.csv")
    history = {r["name"]: r["results"] for r in clean_graph.read(
        "MATCH (e:Evaluation)-[:EVALUATES]->(p:Platform) WITH p, e ORDER BY e.year "
        "RETURN p.name AS name, collect(e.result) AS results")}
    rejects = (tmp_path / "rejects.csv").read_text(encoding="utf-8-sig")
    # 桂科基字〔2023〕13号: 整改 then 整改通过 / 整改不通过 (a platform the ingest rejected is named in rejects)
    lab = "广西电化学能源材料重点实验室"
    assert history.get(lab) == ["整改", "整改通过"] or lab in rejects
    plan = build_plan(clean_graph, lang="zh")
    audit(plan)
    retired = {r["name"] for r in plan["retire"]}
    assert lab not in retired and not ({n for n, h in history.items() if h[-1] == "整改通过"} & retired)
    failed = {n for n, h in history.items() if h[-1] == "整改不通过"}
    listed = retired | {r["name"] for b in ("national", "municipal", "coordination") for r in plan[b] if "name" in r}
    assert failed <= listed


def test_legacy_targets_are_read_with_their_successor(clean_graph: Store) -> None:
    """The plan converts every 工程技术研究中心 to 技术创新中心: the legacy target's distance grows and
    the successor's shrinks by the same movement, so the rows say so and the report folds them."""
    from viz.report.sec_executive import _with_successors

    policy_graph(clean_graph)
    ingest_tables(clean_graph, {"建设目标": [
        {"平台类型": "工程技术研究中心", "级别": "自治区级", "年份": 2025, "总保有量": 3},
        {"平台类型": "技术创新中心", "级别": "自治区级", "年份": 2025, "总保有量": 6}]})
    plan = build_plan(clean_graph, lang="zh", as_of=2026)
    rows = {(t["type"], t["level"]): t for t in plan["targets"] if t["target_key"]}
    legacy, successor = rows[("工程技术研究中心", "regional")], rows[("技术创新中心", "regional")]
    assert legacy["converts_to"] == "技术创新中心" and successor["converts_to"] is None
    assert legacy["plan_retire"] >= 1  # P18 is converted away
    folded = {t["type"]: t for t in _with_successors([legacy, successor])}
    assert set(folded) == {"技术创新中心"} and folded["技术创新中心"]["folded"] == ["工程技术研究中心"]
    both = folded["技术创新中心"]
    assert both["target_total"] == 9
    assert both["holding"] == legacy["holding"] + successor["holding"]
    assert both["distance_total_after_plan"] == 9 - legacy["holding_after_plan"] - successor["holding_after_plan"]
