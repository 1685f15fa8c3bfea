"""The pre-approval duplicate check (申报查重): finds what the analysis would, and writes nothing."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from graph.credit_code import make_credit_code
from graph.errors import UsageError
from graph.store import Store
from queries.overlap import Proposal, check_proposal, read_overlaps, run_overlap_analysis
from queries.runs import start_analysis_run
from tests.overlap_fixtures import add_platform, build_scenario, scenario_platforms

SNAPSHOT = """
CALL () { MATCH (n) RETURN count(n) AS nodes }
CALL () { MATCH ()-[r]->() RETURN count(r) AS rels }
CALL () { MATCH (n) UNWIND keys(n) AS k RETURN count(k) AS props }
RETURN nodes, rels, props
"""


def _without(key: str) -> tuple[list, object]:
    platforms = scenario_platforms()
    target = next(p for p in platforms if p.key == key)
    return [p for p in platforms if p.key != key], target


def _as_proposal(p, names: dict[str, str], host_name: str) -> dict:
    return {"name": p.name, "type": p.type, "level": p.level, "host": host_name, "co_builders": [],
            "city": p.city, "fields": p.fields, "industries": p.industries,
            "people": [names[k] for k, _ in p.people]}


NAMES = {"R05": "陈杰", "R06": "杨帆", "R09": "周涛", "R01": "张伟", "R04": "刘洋"}


@pytest.mark.parametrize(("key", "host_name", "partner"), [("S04", "桂林理工大学", "S03"),
                                                           ("S02", "广西大学", "S01")])
def test_proposal_equals_what_the_analysis_finds_and_writes_nothing(
        clean_graph: Store, key: str, host_name: str, partner: str) -> None:
    others, target = _without(key)
    build_scenario(clean_graph, others)
    before = clean_graph.read(SNAPSHOT)[0]
    result = check_proposal(clean_graph, _as_proposal(target, NAMES, host_name), lang="en")
    assert clean_graph.read(SNAPSHOT)[0] == before  # nothing written
    found = {p["b"]["id"]: p for p in result["pairs"]}
    assert partner in found
    assert all(p["a"] == {"id": None, "name": target.name} for p in result["pairs"])
    # now recognise it for real and analyse: the same partners, scores and reasons
    add_platform(clean_graph, target)
    run_overlap_analysis(clean_graph, start_analysis_run(clean_graph, "overlap"))
    analysed = read_overlaps(clean_graph, platform=key, lang="en")
    expected = {}
    for pair in analysed["pairs"]:
        other = pair["b"]["id"] if pair["a"]["id"] == key else pair["a"]["id"]
        expected[other] = pair
    assert set(found) == set(expected)
    for other, pair in found.items():
        # The check scores against the graph's index (idf and core counts of the graph without the
        # proposal: built once per data version, not refitted per request), so in a 13-platform graph
        # its wording similarity differs slightly from the analysis that counts it in.
        assert pair["score"] == pytest.approx(expected[other]["score"], abs=0.05)
        assert {r["signal"] for r in pair["reasons"]} == {r["signal"] for r in expected[other]["reasons"]}
        assert pair["relation"] == expected[other]["relation"]


def test_resolves_alias_and_credit_code_unknown_names_do_not_match(clean_graph: Store) -> None:
    build_scenario(clean_graph)
    code = make_credit_code("91450900198230687")
    clean_graph.write("MATCH (i:Institution {key:'YC'}) SET i.credit_code = $code", {"code": code})
    proposal = {"name": "柳工工程机械智能控制中心", "type": "工程技术研究中心", "host": "柳工",
                "co_builders": [code, "不存在的公司"], "people": ["陈杰", "无名氏"],
                "fields": ["智能控制"], "industries": ["工程机械整机"], "city": "柳州市"}
    result = check_proposal(clean_graph, proposal)
    resolved = result["resolved"]
    assert resolved["host"] == "LG"
    assert resolved["institutions"] == ["LG", "YC"]
    assert resolved["people"] == ["R05"]
    assert resolved["city"] == "柳州"
    assert set(resolved["unmatched"]) == {"不存在的公司", "无名氏"}
    top = result["pairs"][0]
    assert top["b"]["id"] == "S03"
    details = " ".join(r["detail"] for r in top["reasons"])
    assert "广西柳工机械股份有限公司" in details and "陈杰" in details


def test_unrelated_proposal_finds_nothing(clean_graph: Store) -> None:
    build_scenario(clean_graph)
    result = check_proposal(clean_graph, {"name": "广西海洋牧场装备技术创新中心", "type": "技术创新中心",
                                          "host": "某海洋科技公司", "fields": ["海洋牧场", "深远海养殖装备"],
                                          "industries": ["海洋渔业与养殖"], "city": "北海"})
    assert result["pairs"] == []


def test_proposal_validation(clean_graph: Store) -> None:
    with pytest.raises(ValidationError):
        Proposal.model_validate({"name": "x", "type": "不存在的类型"})
    with pytest.raises(ValidationError):
        Proposal.model_validate({"name": "x", "level": "宇宙级"})
    with pytest.raises(ValidationError):
        Proposal.model_validate({"name": ""})
    with pytest.raises(ValidationError):
        Proposal.model_validate({"name": "x", "unknown": 1})
    with pytest.raises(UsageError):
        check_proposal(clean_graph, {"type": "工程研究中心"})
    ok = Proposal.model_validate({"name": "x", "people": "张伟；李娜、王芳", "level": "国家级"})
    assert ok.people == ["张伟", "李娜", "王芳"]


def _sparse_machinery_graph(store: Store) -> None:
    """Names, types and hosts only (no fields, people or industries), as most lists arrive."""
    from tests.overlap_fixtures import P, build

    build(store, [("LG", "广西柳工机械股份有限公司", ["柳工"]), ("YCGF", "广西玉柴机器股份有限公司", ["玉柴"]),
                  ("YCJT", "广西玉柴机器集团有限公司", ["玉柴集团"]), ("GXU", "广西大学")], [], [
        P("M1", "国家土方机械工程技术研究中心", "国家工程技术研究中心", "LG", level="national", city="柳州"),
        P("M2", "机械工业铲土运输机械工程研究中心", "工程研究中心", "LG", city="柳州"),
        P("M3", "广西工程机械数字化转型创新中心", "技术创新中心", "LG", city="柳州"),
        P("E1", "广西内燃机工程技术研究中心", "工程技术研究中心", "YCGF", city="玉林"),
        P("U1", "广西甘蔗遗传改良重点实验室", "自治区重点实验室", "GXU"),
    ])


def test_a_fourth_machinery_centre_at_a_host_running_three_is_found_from_names_alone(clean_graph: Store) -> None:
    """The issue's example: a proposal for another 工程机械 platform at 柳工 finds the three it runs
    although no core shares a character (the topic thesaurus: 装载机 / 土方机械 / 铲土运输机械 / 工程机械)."""
    _sparse_machinery_graph(clean_graph)
    result = check_proposal(clean_graph, {"name": "广西装载机智能化重点实验室", "type": "自治区重点实验室",
                                          "host": "柳工", "city": "柳州"})
    assert result["resolved"]["host"] == "LG"
    assert {p["b"]["id"] for p in result["pairs"]} == {"M1", "M2", "M3"}
    assert {p["relation"] for p in result["pairs"]} == {"multi_brand"}
    details = [r["detail"] for r in result["pairs"][0]["reasons"]]
    assert any(d.startswith("同一依托单位，名称指向同一主题「工程机械」") and "主题词表" in d for d in details)


def test_a_proposal_by_the_group_finds_the_listed_companys_platform(clean_graph: Store) -> None:
    _sparse_machinery_graph(clean_graph)
    result = check_proposal(clean_graph, {"name": "广西发动机工程研究中心", "type": "工程研究中心",
                                          "host": "玉柴集团", "city": "玉林"})
    assert result["resolved"]["host"] == "YCJT"
    assert [p["b"]["id"] for p in result["pairs"]] == ["E1"]
    details = " ".join(r["detail"] for r in result["pairs"][0]["reasons"])
    assert "依托单位为同一主体的两种写法" in details and "「内燃机」" in details


def test_reasons_for_the_strongest_only_keep_every_partner(clean_graph: Store) -> None:
    """``explain=N`` words the evidence of the N strongest pairs only; the partners, their order,
    scores and relations are those of the full answer (the API's default answer, api/routers/overlaps.py)."""
    _sparse_machinery_graph(clean_graph)
    proposal = {"name": "广西装载机智能化重点实验室", "type": "自治区重点实验室", "host": "柳工", "city": "柳州"}
    full = check_proposal(clean_graph, proposal)
    slim = check_proposal(clean_graph, proposal, explain=1)
    assert len(full["pairs"]) == 3 and full["explained"] == 3
    assert slim["explained"] == 1
    strip = [(p["b"]["id"], p["score"], p["relation"]) for p in full["pairs"]]
    assert [(p["b"]["id"], p["score"], p["relation"]) for p in slim["pairs"]] == strip
    assert slim["pairs"][0]["reasons"] == full["pairs"][0]["reasons"] != []
    assert [p["reasons"] for p in slim["pairs"][1:]] == [[], []]
    assert check_proposal(clean_graph, proposal, explain=0)["explained"] == 0
