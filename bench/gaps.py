"""Benchmark: collaboration gaps (产学研用) — quality against the sample's planted truth, and speed.

Run against YOUR OWN Neo4j (it empties the graph):

    NEO4J_URI=bolt://127.0.0.1:7704 NEO4J_PASSWORD=platgraph-test-password \\
        PLATGRAPH_HOME=.platgraph/test-7704 python bench/gaps.py --yes [--platforms 2000] [--seed 7]
    ... python bench/gaps.py --yes --platforms 100000      # scale run (generation + ingest take a while)
    ... python bench/gaps.py --reuse OUT                   # graph already holds OUT's sample: analysis only
    ... python bench/gaps.py --yes --synthetic 100000      # synthetic graph written directly: speed only
    ... python bench/gaps.py --speed-only                  # time the analysis on whatever the graph holds

Quality, on the planted truth (docs/sample-data.md):
- single-sector platforms: recall over ``single_sector_platforms`` (sector must match too); precision
  over the labelled platforms (planted single ∪ planted ``multi_sector_platforms``), and over
  everything flagged (the truth lists every single-sector platform of the sample);
- sector pairs: recall over ``never_collaborating``; precision over the labelled pairs
  (never-collaborating ∪ ``well_connected``); the total reported is printed as well.
Partner suggestions are checked against the graph: none may pair existing collaborators, each must
carry a reason. Baseline in the same run (naive rules): a platform is single-sector when its host and
co-builders share one sector (people ignored); a pair is a gap when it has fewer ties than the
median cross-sector pair of its industry (no size model).
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from graph.reference import load_reference  # noqa: E402
from graph.schema import apply_schema  # noqa: E402
from graph.store import Store  # noqa: E402

EXISTING_PAIRS = """
MATCH (a:Institution)-[:COLLABORATES_WITH]->(b:Institution)
RETURN DISTINCT a.key AS a, b.key AS b
"""

FLAGGED = "MATCH (p:Platform) WHERE p.single_sector = true RETURN p.key AS key, p.sectors[0] AS sector"

NAIVE_SINGLE = """
MATCH (p:Platform)-[:HOSTED_BY]->(h:Institution)
OPTIONAL MATCH (p)-[:CO_BUILT_BY]->(c:Institution)
WITH p, collect(DISTINCT h.sector) + collect(DISTINCT c.sector) AS sectors
WITH p, reduce(s = [], x IN sectors | CASE WHEN x IS NULL OR x IN s THEN s ELSE s + x END) AS sectors
WHERE size(sectors) = 1
RETURN p.key AS key, sectors[0] AS sector
"""


WIPE_STEPS = (
    "MATCH ()-[r]->() CALL (r) { DELETE r } IN TRANSACTIONS OF 10000 ROWS",
    "MATCH (n) CALL (n) { DETACH DELETE n } IN TRANSACTIONS OF 10000 ROWS",
)


def wipe(store: Store) -> None:
    """Empty the graph, relationships first: a small engine heap cannot DETACH DELETE hub nodes of a
    100,000-platform graph in one batch."""
    with store.driver.session(database=store.database) as session:
        for step in WIPE_STEPS:
            session.run(step).consume()


def timed(label: str, fn, *args, **kwargs):
    began = time.perf_counter()
    out = fn(*args, **kwargs)
    seconds = time.perf_counter() - began
    print(f"  {label:<46} {seconds:9.2f} s", flush=True)
    return out, seconds


def prf(found: set, positives: set, negatives: set) -> dict:
    tp = len(found & positives)
    fp = len(found & negatives)
    return {"recall": tp / len(positives) if positives else None,
            "precision": tp / (tp + fp) if tp + fp else None, "tp": tp, "fp": fp,
            "positives": len(positives), "negatives": len(negatives), "reported": len(found)}


def fmt(v: float | None) -> str:
    return "  n/a" if v is None else f"{v:5.3f}"


def load(store: Store, platforms: int, seed: int, out: Path) -> dict:
    from ingest.pipeline import ingest_dataset
    from ingest.sample import generate_sample

    truth, _ = timed(f"generate sample ({platforms} platforms)", generate_sample, out, platforms=platforms,
                     seed=seed)
    timed("empty graph + schema + reference", lambda: (wipe(store), apply_schema(store),
                                                        load_reference(store)))
    summary, _ = timed("ingest", ingest_dataset, store, out)
    print(f"    loaded: {json.dumps(summary.get('loaded', {}), ensure_ascii=False)}")
    return truth if isinstance(truth, dict) else json.loads((out / "truth.json").read_text("utf-8"))


SYN_INSTITUTIONS = """
UNWIND $rows AS row
CREATE (i:Institution {key: row.key, name: row.name, norm_name: row.key, sector: row.sector, kind: row.kind,
                       city: row.city})
WITH i, row
UNWIND row.industries AS ind
MATCH (n:Industry {key: ind})
CREATE (i)-[:IN_INDUSTRY]->(n)
"""

SYN_PLATFORMS = """
UNWIND $rows AS row
MATCH (h:Institution {key: row.host})
CREATE (p:Platform {key: row.key, id: row.key, name: row.name, city: row.city, status: 'active',
                    level: 'regional'})-[:HOSTED_BY]->(h)
WITH p, row
CALL (p, row) { UNWIND row.co AS k MATCH (c:Institution {key: k}) CREATE (p)-[:CO_BUILT_BY]->(c) }
CALL (p, row) { UNWIND row.industries AS k MATCH (n:Industry {key: k}) CREATE (p)-[:SERVES]->(n) }
"""

SYN_PEOPLE = """
UNWIND $rows AS row
MATCH (p:Platform {key: row.platform}), (w:Institution {key: row.inst})
CREATE (r:Researcher {key: row.key, name: row.key, institution: row.inst})-[:WORKS_AT]->(w)
CREATE (r)-[:MEMBER_OF {role: 'core_member'}]->(p)
"""

SYN_COLLABS = """
UNWIND $rows AS row
MATCH (a:Institution {key: row.a}), (b:Institution {key: row.b})
CREATE (a)-[:COLLABORATES_WITH {kind: 'project', year: 2023, count: row.count, industry: row.industry}]->(b)
"""


def synthetic(store: Store, platforms: int, seed: int) -> None:
    """A graph of ``platforms`` platforms in the sample's proportions (2.5 institutions, 5.5
    memberships and 4 collaborations per platform), written straight into Neo4j: speed only."""
    import random

    from graph.reference import load_cities, load_industries

    rng = random.Random(seed)
    cities = list(load_cities())
    industries = list(load_industries())
    tops = [k for k, v in load_industries().items() if v.level == "industry"]
    sectors = ("industry",) * 7 + ("academia", "research", "user")
    kinds = {"industry": "enterprise", "academia": "university", "research": "institute", "user": "hospital"}
    n_inst = round(platforms * 2.5)
    inst_rows = []
    for n in range(n_inst):
        sector = rng.choice(sectors)
        inst_rows.append({"key": f"S{n:07d}", "name": f"单位{n}", "sector": sector, "kind": kinds[sector],
                          "city": rng.choice(cities), "industries": rng.sample(industries, rng.randint(1, 2))})
    by_industry: dict[str, list[str]] = {}
    for row in inst_rows:
        for ind in row["industries"]:
            by_industry.setdefault(ind, []).append(row["key"])
    hubs = [r["key"] for r in inst_rows if r["sector"] in ("academia", "research")][: max(50, n_inst // 200)]

    def member(ind: str) -> str:
        pool = by_industry.get(ind) or [r["key"] for r in inst_rows[:100]]
        return rng.choice(hubs) if rng.random() < 0.2 else rng.choice(pool)

    plat_rows, people_rows, collab_rows = [], [], []
    for n in range(platforms):
        ind = rng.choice(industries)
        host = member(ind)
        co = sorted({member(ind) for _ in range(rng.choice((0, 1, 1, 2)))} - {host})
        plat_rows.append({"key": f"SP{n:07d}", "name": f"平台{n}", "city": rng.choice(cities), "host": host,
                          "co": co, "industries": [ind]})
        for m in range(rng.randint(3, 8)):
            inst = rng.choice([host, *co]) if rng.random() < 0.7 else member(ind)
            people_rows.append({"key": f"SR{n:07d}-{m}", "platform": f"SP{n:07d}", "inst": inst})
    for _ in range(platforms * 4):
        ind = rng.choice(industries)
        a, b = member(ind), member(ind)
        if a == b:
            continue
        a, b = sorted((a, b))
        collab_rows.append({"a": a, "b": b, "count": rng.randint(1, 5),
                            "industry": ind if rng.random() < 0.8 else rng.choice(tops + [""])})
    timed("empty graph + schema + reference", lambda: (wipe(store), apply_schema(store),
                                                        load_reference(store)))
    timed(f"write {len(inst_rows)} institutions", store.upsert_batches, SYN_INSTITUTIONS, inst_rows)
    timed(f"write {len(plat_rows)} platforms", store.upsert_batches, SYN_PLATFORMS, plat_rows)
    timed(f"write {len(people_rows)} members", store.upsert_batches, SYN_PEOPLE, people_rows)
    timed(f"write {len(collab_rows)} collaborations", store.upsert_batches, SYN_COLLABS, collab_rows)


def speed_only(store: Store) -> None:
    from queries.collaboration import read_gaps, run_gap_analysis
    from queries.runs import finish_analysis_run, start_analysis_run

    run_key = start_analysis_run(store, "collaboration")
    summary, analysis_s = timed("run_gap_analysis (read + compute + write)", run_gap_analysis, store, run_key)
    finish_analysis_run(store, run_key, summary)
    print(f"    {json.dumps(summary, ensure_ascii=False)}")
    _, read_s = timed("read_gaps (province, from write-back)", read_gaps, store)
    _, city_s = timed("read_gaps --city 柳州 (live, bounded)", read_gaps, store, city="柳州")
    _, ind_s = timed("read_gaps --industry 蔗糖", read_gaps, store, industry="蔗糖")
    print(json.dumps({"seconds": {"analysis": round(analysis_s, 2), "read": round(read_s, 2),
                                  "city": round(city_s, 2), "industry": round(ind_s, 2)},
                      "summary": summary}, ensure_ascii=False))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--platforms", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--yes", action="store_true", help="confirm emptying the graph")
    parser.add_argument("--database", help="the database name, required with --yes when NEO4J_URI is not the local engine")
    parser.add_argument("--reuse", type=Path, help="sample folder already loaded in the graph (skip load)")
    parser.add_argument("--out", type=Path, help="where to write the sample (default: a temp folder)")
    parser.add_argument("--synthetic", type=int, help="write a synthetic graph of N platforms: speed only")
    parser.add_argument("--speed-only", action="store_true", help="time the analysis on the current graph")
    args = parser.parse_args()
    from graph.settings import announce_wipe
    announce_wipe(args.yes, args.database)  # names the target; remote needs --database
    if args.speed_only:
        with Store() as store:
            store.verify()
            counts = store.read("MATCH (p:Platform) WITH count(p) AS p MATCH (i:Institution) "
                                "RETURN p, count(i) AS i")[0]
            print(f"collaboration gaps benchmark — speed only: {counts['p']} platforms, {counts['i']} institutions")
            speed_only(store)
        return
    if args.synthetic:
        if not args.yes:
            sys.exit("this empties the graph: add --yes (and point NEO4J_URI at your own engine)")
        with Store() as store:
            store.verify()
            print(f"collaboration gaps benchmark — synthetic, {args.synthetic} platforms (speed only)")
            synthetic(store, args.synthetic, args.seed)
            counts = store.read("MATCH (p:Platform) WITH count(p) AS p MATCH (i:Institution) "
                                "RETURN p, count(i) AS i")[0]
            print(f"    graph: {counts['p']} platforms, {counts['i']} institutions")
            speed_only(store)
        return

    from queries.collaboration import read_gaps, run_gap_analysis
    from queries.collaboration.sectors import pair_key
    from queries.runs import finish_analysis_run, start_analysis_run

    with Store() as store:
        store.verify()
        print("collaboration gaps benchmark")
        if args.reuse:
            truth = json.loads((args.reuse / "truth.json").read_text("utf-8"))
        else:
            if not args.yes:
                sys.exit("this empties the graph: add --yes (and point NEO4J_URI at your own engine)")
            out = args.out or Path(tempfile.mkdtemp(prefix="platgraph-gaps-"))
            truth = load(store, args.platforms, args.seed, out)
        counts = store.read("MATCH (p:Platform) WITH count(p) AS p MATCH (i:Institution) "
                            "RETURN p, count(i) AS i")[0]
        ties = store.read("MATCH ()-[r:COLLABORATES_WITH]->() RETURN count(r) AS n")[0]["n"]
        print(f"    graph: {counts['p']} platforms, {counts['i']} institutions, {ties} COLLABORATES_WITH")

        run_key = start_analysis_run(store, "collaboration")
        summary, analysis_s = timed("run_gap_analysis (read + compute + write)", run_gap_analysis, store, run_key)
        finish_analysis_run(store, run_key, summary)
        print(f"    {json.dumps(summary, ensure_ascii=False)}")
        data, read_s = timed("read_gaps (province, from write-back)", read_gaps, store, limit=100_000)
        _, city_s = timed("read_gaps --city 柳州 (live, bounded)", read_gaps, store, city="柳州")
        _, ind_s = timed("read_gaps --industry 蔗糖", read_gaps, store, industry="蔗糖")

        # ---------------------------------------------------------------- single-sector platforms
        planted = {(x["platform"], x["sector"]) for x in truth.get("single_sector_platforms", [])}
        planted_keys = {k for k, _ in planted}
        multi = set(truth.get("multi_sector_platforms", []))
        flagged = {(r["key"], r["sector"]) for r in store.read(FLAGGED)}
        naive = {(r["key"], r["sector"]) for r in store.read(NAIVE_SINGLE)}
        ours_single = prf({k for k, s in flagged if (k, s) in planted or k not in planted_keys}, planted_keys, multi)
        base_single = prf({k for k, s in naive if (k, s) in planted or k not in planted_keys}, planted_keys, multi)
        for result, found in ((ours_single, flagged), (base_single, naive)):
            result["reported"] = len(found)
            result["precision_all"] = len(found & planted) / len(found) if found else None

        # ---------------------------------------------------------------- sector pairs
        def pairs_of(items: list[dict]) -> set[tuple[str, tuple[str, str]]]:
            return {(x["industry"], pair_key(*x["sectors"])) for x in items}

        never = pairs_of(truth.get("never_collaborating", []))
        well = pairs_of(truth.get("well_connected", []))
        reported = {(e["industry"], pair_key(*g["sectors"])) for e in data["industries"] for g in e["missing_pairs"]}
        ours_pairs = prf(reported, never, well)
        naive_pairs: set[tuple[str, tuple[str, str]]] = set()
        for e in data["industries"]:
            cross = [p for p in e["pairs"] if p["sectors"][0] != p["sectors"][1]]
            median = statistics.median(p["ties"] for p in cross)
            naive_pairs |= {(e["industry"], pair_key(*p["sectors"])) for p in cross if p["ties"] < median}
        base_pairs = prf(naive_pairs, never, well)

        # ---------------------------------------------------------------- partner suggestions
        existing = {frozenset((r["a"], r["b"])) for r in store.read(EXISTING_PAIRS)}
        suggestions = data["suggested_partners"]
        violations = sum(1 for s in suggestions if frozenset((s["enterprise"]["id"], s["partner"]["id"])) in existing)
        reasons = sum(1 for s in suggestions if s["reason"])

        print("\n  quality                       ours (recall / precision / reported)   baseline")
        for label, ours, base in (("single-sector platforms", ours_single, base_single),
                                  ("never-collaborating pairs", ours_pairs, base_pairs)):
            print(f"  {label:<28} {fmt(ours['recall'])} / {fmt(ours['precision'])} / {ours['reported']:6d}"
                  f"        {fmt(base['recall'])} / {fmt(base['precision'])} / {base['reported']:6d}")
        print(f"  single-sector precision over everything flagged (truth lists all): ours "
              f"{fmt(ours_single['precision_all'])}, baseline {fmt(base_single['precision_all'])}")
        missed = sorted(never - reported)
        wrong = sorted(well & reported)
        if missed:
            print(f"    missed never-collaborating: {missed}")
        if wrong:
            print(f"    well-connected reported as gaps: {wrong}")
        lost = sorted(planted_keys - {k for k, _ in flagged})
        if lost:
            print(f"    missed single-sector platforms: {lost[:20]}")
        print(f"  suggested partners: {len(suggestions)}, pairing existing collaborators: {violations}, "
              f"with a reason: {reasons}")
        print(f"\n  time: analysis {analysis_s:.2f} s, read {read_s:.2f} s, city {city_s:.2f} s, industry {ind_s:.2f} s")
        print(json.dumps({"platforms": counts["p"], "institutions": counts["i"], "collaborations": ties,
                          "single_sector": {"ours": ours_single, "baseline": base_single},
                          "pairs": {"ours": ours_pairs, "baseline": base_pairs},
                          "suggestions": {"n": len(suggestions), "violations": violations, "with_reason": reasons},
                          "seconds": {"analysis": round(analysis_s, 2), "read": round(read_s, 2),
                                      "city": round(city_s, 2), "industry": round(ind_s, 2)},
                          "summary": summary}, ensure_ascii=False, default=str))


if __name__ == "__main__":
    main()
