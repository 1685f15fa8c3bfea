"""Benchmark: coverage gaps, the plan and the what-if — quality against the sample's truth, and speed.

Run against YOUR OWN Neo4j (it empties the graph):

    NEO4J_URI=bolt://127.0.0.1:7705 NEO4J_PASSWORD=platgraph-test-password \\
        PLATGRAPH_HOME=.platgraph/test-7705 python bench/coverage.py --yes [--platforms 2000] [--seed 7]
    ... python bench/coverage.py --yes --scale 100000     # synthetic platforms, speed only

Quality: every planted ``coverage_gaps`` item must be found (recall, and its rank), and no planted
``well_covered`` item reported; precision is measured over the labelled items (planted gaps ∪ planted
well-covered), since an unplanted gap may be a real one. The planted ``retire`` list (graded 不合格
or 整改) is checked against the policy: each must land where its grade puts it. The baseline in the
same run is a naive detector — every platform counts
whatever its status, segments do not roll up into their industry — so the figures show what the
status and chain-segment rules buy. Speed: the bulk analysis against a per-industry query loop.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from graph.reference import load_industries, load_reference, load_taxonomy  # noqa: E402
from graph.store import Store  # noqa: E402

NAIVE_COUNTS = """
MATCH (p:Platform)-[:SERVES]->(i:Industry)
RETURN i.key AS industry, p.category AS category, p.level AS level, p.city AS city, count(*) AS n
"""

PER_INDUSTRY = """
MATCH (i:Industry {key: $key})
OPTIONAL MATCH (p:Platform)-[:SERVES]->(s:Industry) WHERE (s = i OR (s)-[:PART_OF]->(i)) AND p.category = $category
  AND (p.status IS NULL OR p.status IN ['active', 'building'])
RETURN count(DISTINCT p) AS n
"""

SYNTHETIC = """
UNWIND $rows AS row
CREATE (p:Platform {key: row.key, id: row.key, name: row.name, type: row.type, category: row.category,
                    level: row.level, city: row.city, status: row.status, evaluation: row.evaluation,
                    established: row.established})
WITH p, row
MATCH (x:Industry {key: row.industry})
CREATE (p)-[:SERVES]->(x)
"""


def timed(label: str, fn, *args, **kwargs):
    began = time.perf_counter()
    out = fn(*args, **kwargs)
    print(f"  {label:<44} {time.perf_counter() - began:8.2f} s")
    return out


def naive_gaps(store: Store) -> set[tuple[str, str, str]]:
    """Baseline: direct SERVES only, every status counts."""
    rows = store.read(NAIVE_COUNTS)
    cats, national, cities = set(), set(), set()
    for r in rows:
        cats.add((r["industry"], r["category"]))
        if r["level"] == "national":
            national.add(r["industry"])
        cities.add((r["industry"], r["city"]))
    gaps = set()
    for key, ind in load_industries().items():
        if ind.level != "industry":
            continue
        for cat in load_taxonomy().categories:
            if (key, cat) not in cats:
                gaps.add((key, "category", cat))
        if key not in national:
            gaps.add((key, "level", "national"))
        for city in ind.cities:
            if (key, city) not in cities:
                gaps.add((key, "city", city))
    return gaps


def score(found: set[tuple[str, str, str]], truth: dict) -> dict:
    planted = {(g["industry"], g["kind"], g["value"]) for g in truth.get("coverage_gaps", [])}
    covered = {(g["industry"], g["kind"], g["value"]) for g in truth.get("well_covered", [])}
    tp, fp = len(planted & found), len(covered & found)
    return {"recall": tp / len(planted) if planted else None,
            "precision": tp / (tp + fp) if tp + fp else None,
            "precision_all": len(planted & found) / len(found) if found else None,
            "missed": sorted(planted - found), "false_positives": sorted(covered & found)}


def fmt(x: float | None) -> str:
    return "n/a" if x is None else f"{x:.3f}"


def quality_run(store: Store, args: argparse.Namespace) -> None:
    try:
        from ingest.pipeline import ingest_dataset
        from ingest.sample import generate_sample
    except ImportError as exc:
        sys.exit(f"the sample generator / ingest pipeline is not available yet: {exc}")
    from queries.coverage import run_coverage_analysis, talent_view
    from queries.coverage.analysis import compute_coverage
    from queries.plan import build_plan, what_if

    out = Path(args.out or tempfile.mkdtemp(prefix="platgraph-bench-cov-"))
    print(f"sample: {args.platforms} platforms, seed {args.seed} → {out}")
    truth = timed("generate sample", generate_sample, out, platforms=args.platforms, seed=args.seed)
    if not isinstance(truth, dict):
        truth = json.loads((out / "truth.json").read_text(encoding="utf-8"))
    timed("ingest", ingest_dataset, store, out)
    print("speed")
    try:
        from queries.overlap import run_overlap_analysis
    except ImportError:
        run_overlap_analysis = None
    if run_overlap_analysis is not None:  # the optimise batch reads its groups
        timed("run_overlap_analysis (input to optimise)", run_overlap_analysis, store, "Abench-overlap")
    summary = timed("run_coverage_analysis (bulk, write back)", run_coverage_analysis, store, "Abench")
    inds = [k for k, i in load_industries().items() if i.level == "industry"]
    cats = list(load_taxonomy().categories)

    def per_industry() -> None:
        for key in inds:
            for cat in cats:
                store.read(PER_INDUSTRY, {"key": key, "category": cat})

    timed(f"baseline: per-industry queries ({len(inds) * len(cats)})", per_industry)
    _cov, gaps = timed("compute_coverage (live)", compute_coverage, store)
    plan = timed("build_plan", build_plan, store, lang="zh")
    retire_keys = [r["key"] for r in plan["retire"]][:50]
    timed(f"what_if (retire {len(retire_keys)})", what_if, store, retire=retire_keys)
    timed("talent_view", talent_view, store)
    print(f"  gaps: {summary['gaps']} {summary['by_kind']}; plan: optimise {len(plan['optimise'])}, "
          f"retire {len(plan['retire'])}, build {len(plan['build'])}")

    print("quality (coverage gaps vs truth.json)")
    # a segment sharing its industry's gap is reported inside that gap (``segments``): it counts as found
    found = {(g["industry"], g["kind"], g["value"]) for g in gaps}
    found |= {(seg, g["kind"], g["value"]) for g in gaps for seg in g["segments"]}
    ours, base = score(found, truth), score(naive_gaps(store), truth)
    print(f"  platgraph: precision {fmt(ours['precision'])}  recall {fmt(ours['recall'])}  "
          f"(precision over everything reported: {fmt(ours['precision_all'])}, {len(found)} items)")
    print(f"  baseline : precision {fmt(base['precision'])}  recall {fmt(base['recall'])}  "
          f"(precision over everything reported: {fmt(base['precision_all'])}; all statuses, no segment roll-up)")
    rank = {(seg, g["kind"], g["value"]): g["rank"] for g in gaps for seg in g["segments"]}
    rank |= {(g["industry"], g["kind"], g["value"]): g["rank"] for g in gaps}
    for g in truth.get("coverage_gaps", []):
        key = (g["industry"], g["kind"], g["value"])
        print(f"    planted {key}: rank {rank.get(key, 'NOT FOUND')} of {len(gaps)}")
    if ours["missed"] or ours["false_positives"]:
        print(f"  missed {ours['missed']}  false positives {ours['false_positives']}")
    # The sample plants platforms graded 不合格 or 整改 (truth "retire"). Under the plan's policy
    # (docs/methods.md, "The plan") 不合格 ends the recognition (撤销淘汰, or the national / city /
    # coordination list when the region did not recognise it) and 整改 opens a rectification (限期整改,
    # or those lists); a merge may absorb either. Each planted platform must land where its grade says.
    planted = {r["platform"]: r["evaluation"] for r in truth.get("retire", [])}
    placed: dict[str, str] = {}
    for batch in ("retire", "rectify", "national", "municipal", "coordination", "optimise"):
        for item in plan[batch]:
            for ref in item.get("absorbed") or item.get("platforms") or [item]:
                placed.setdefault(ref["key"], batch)
    passed_on = {"national", "municipal", "coordination", "optimise"}
    want = {"不合格": {"retire"} | passed_on, "整改": {"rectify"} | passed_on}
    if planted:
        right = sum(1 for k, grade in planted.items() if placed.get(k) in want.get(grade, set()))
        on_rectify = sum(1 for k, grade in planted.items() if grade == "整改" and placed.get(k) == "retire"
                         and all(x["code"] == "evaluation_failed" for x in
                                 next(r for r in plan["retire"] if r["key"] == k)["reasons"]))
        print(f"  graded platforms placed by the policy: {fmt(right / len(planted))} ({right}/{len(planted)}); "
              f"retired on 整改 alone: {on_rectify}; 撤销淘汰 {len(plan['retire'])}, 限期整改 {len(plan['rectify'])}")


def scale_run(store: Store, n: int) -> None:
    from queries.coverage import run_coverage_analysis
    from queries.plan import build_plan, what_if

    rnd = random.Random(7)
    types = [t for t in load_taxonomy().types.values()]
    inds = list(load_industries())
    cities = ["南宁", "柳州", "桂林", "梧州", "北海", "防城港", "钦州", "贵港", "玉林", "百色", "贺州", "河池", "来宾", "崇左"]
    statuses = ["active"] * 8 + ["building", "revoked", "merged"]
    evals = [None, None, "优秀", "良好", "合格", "合格", "整改", "不合格"]

    def rows():
        for k in range(n):
            t = rnd.choice(types)
            yield {"key": f"S{k:06d}", "name": f"合成平台{k}", "type": t.key, "category": t.category, "level": t.level,
                   "city": rnd.choice(cities), "status": rnd.choice(statuses), "evaluation": rnd.choice(evals),
                   "established": rnd.randint(2000, 2025), "industry": rnd.choice(inds)}

    print(f"synthetic scale: {n} platforms")
    timed("create synthetic platforms", store.upsert_batches, SYNTHETIC, rows(), batch_size=10_000)
    timed("run_coverage_analysis", run_coverage_analysis, store, "Ascale")
    plan = timed("build_plan", build_plan, store, lang="zh")
    timed("what_if (retire 1,000)", what_if, store, retire=[r["key"] for r in plan["retire"]][:1000])
    print(f"  retire {len(plan['retire'])}, build {len(plan['build'])}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--platforms", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--out", help="where to write the sample (default: a temporary folder)")
    parser.add_argument("--scale", type=int, help="synthetic platforms for a speed-only run (e.g. 100000)")
    parser.add_argument("--yes", action="store_true", help="confirm: the configured graph is emptied")
    parser.add_argument("--database", help="the database name, required with --yes when NEO4J_URI is not the local engine")
    args = parser.parse_args()
    from graph.settings import announce_wipe
    announce_wipe(args.yes, args.database)  # names the target; remote needs --database
    if not args.yes:
        sys.exit("this empties the configured Neo4j graph; run it on your own engine and add --yes")
    from graph.database import wipe_graph
    from graph.schema import apply_schema

    with Store() as store:
        store.verify()
        print(f"Neo4j: {store.settings.neo4j_uri}")
        wipe_graph(store)
        apply_schema(store)
        load_reference(store)
        if args.scale:
            scale_run(store, args.scale)
        else:
            quality_run(store, args)


if __name__ == "__main__":
    main()
