"""``platgraph analyze`` in one process and in two (overlap and coverage in a child) writes the same.

Why: with two cores the overlap and coverage analyses run in a spawned child beside the
collaboration analysis (queries/analyze.py). That is only sound if the results do not depend on it:
every analysis property written back, and the run record, must be the same either way.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from graph.settings import Settings
from graph.store import Store
from queries.analyze import available_cores, processes, run_all

# Every property the three analyses write back, per label (run keys left out: they differ per run).
WRITTEN = {
    "Platform": ["sectors", "single_sector", "missing_sectors"],
    "Industry": ["synergy_t3", "synergy_t4", "sector_counts", "sector_matrix", "missing_pairs", "brokers",
                 "coverage", "coverage_gaps"],
    "Institution": ["constraint", "broker", "broker_industries", "suggested_partners", "suggest_industries",
                    "suggest_best"],
}
LABEL_QUERIES = {
    label: "MATCH (n:" + label + ") RETURN n.key AS key, [" + ", ".join(f"n.{p}" for p in props) + "] AS values, "
           "[k IN ['gap_run', 'overlap_run', 'coverage_run'] WHERE n[k] IS NOT NULL | n[k]] AS runs ORDER BY key"
    for label, props in WRITTEN.items()
}
PAIRS = ("MATCH (a:Platform)-[r:OVERLAPS]->(b:Platform) RETURN a.key AS a, b.key AS b, r.score AS score, "
         "r.signals AS signals, r.reasons_zh AS zh, r.reasons_en AS en, r.relation AS relation, r.run AS run "
         "ORDER BY a, b")
GROUPS = ("MATCH (g:OverlapGroup) OPTIONAL MATCH (p:Platform)-[:IN_GROUP]->(g) "
          "WITH g, collect(p.key) AS members "
          "RETURN g.recommendation AS rec, g.keep AS keep, g.reasons_zh AS zh, g.reasons_en AS en, g.size AS size, "
          "g.relation AS relation, g.run AS run, members")


def written(store: Store, run: str) -> dict[str, Any]:
    """The write-back as plain data, each run key checked to be ``run`` and then left out."""
    out: dict[str, Any] = {}
    for label, query in LABEL_QUERIES.items():
        rows = [r for r in store.read(query) if r["runs"] or any(v is not None for v in r["values"])]
        assert all(set(r["runs"]) == {run} for r in rows), label
        out[label] = [(r["key"], r["values"]) for r in rows]
    pairs = store.read(PAIRS)
    assert all(p.pop("run") == run for p in pairs)
    groups = store.read(GROUPS)
    assert all(g.pop("run") == run for g in groups)
    out["pairs"] = pairs
    out["groups"] = sorted(({**g, "members": sorted(g["members"])} for g in groups), key=lambda g: g["members"])
    return out


def test_one_process_and_two_write_the_same(sample_graph: Store, settings: Settings) -> None:
    if available_cores() < 2:
        pytest.skip("two processes need two cores")  # pragma: no cover - the CI machines have two
    results = {}
    for n in (1, 2):
        with Store(settings.model_copy(update={"platgraph_analysis_processes": n})) as store:
            assert processes(store.settings) == n
            summary = run_all(store)
            assert summary.get("processes", 1) == n
            assert list(summary)[:4] == ["run", "overlap", "collaboration", "coverage"]
            if n == 2:  # the child's analyses report their own time and memory
                assert summary["overlap"]["process_peak_rss_mb"] > 0 and summary["coverage"]["seconds"] >= 0
            status = store.read("MATCH (r:AnalysisRun {key: $k}) RETURN r.status AS s, r.summary AS summary",
                                {"k": summary["run"]})[0]
            assert status["s"] == "completed"
            assert json.loads(status["summary"])["overlap"]["pairs"] == summary["overlap"]["pairs"]
            results[n] = written(store, summary["run"])
    one, two = results[1], results[2]
    assert one["pairs"] and one["groups"] and any(v[3] for _, v in one["Institution"])  # the sample exercises all
    assert json.dumps(one, sort_keys=True, ensure_ascii=False) == json.dumps(two, sort_keys=True, ensure_ascii=False)
