"""Overlap detection benchmark: quality against the sample's planted truth, blocking recall, speed.

Prints, with baselines in the same run:
1. the threshold sweep on the tuning seed (11) — the shipped threshold must be its argmax;
2. precision / recall / F1 of pairs and of groups on the measured seed (7, default sample), per
   planted kind, hard non-overlaps reported, keep accuracy — for the shipped method and a name-only
   baseline (rapidfuzz ratio of normalised names, its cut-off also tuned on seed 11);
3. blocking recall against exhaustive scoring on a 5,000-platform sample, and both run times;
4. optionally, analysis time (and quality) at 10,000 and 100,000 platforms;
5. quality where it will be used (``bench/overlap_robustness.py``): the table of (a) the sample as
   generated, (b)/(c) with fields, people and industries removed from 50 % / 100 % of platforms,
   (d) the real Guangxi fixture against its hand labels, (e) the platforms-only sample if present.

It generates samples with ``ingest.sample.generate_sample`` and loads them with
``ingest.pipeline.ingest_dataset`` into the Neo4j of the current settings (NEO4J_URI …), which it
EMPTIES first: run it against a scratch engine and pass ``--yes``.

    python bench/overlap.py --yes                         # seeds 11 (tune) and 7 (measure), 5k blocking
    python bench/overlap.py --yes --scale 10000 100000    # plus the large runs (generate + ingest)
    python bench/overlap.py --yes --skip tune measure blocking --scale 10000 --replicate 10000 10 --reuse-loaded
                                                          # 100,000 as 10 copies of the 10k sample
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np
from rapidfuzz import fuzz, process
from scipy import sparse

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from graph.names import normalize_name  # noqa: E402
from graph.reference import load_reference  # noqa: E402
from graph.store import Store  # noqa: E402
from queries.overlap import blocking  # noqa: E402
from queries.overlap.analysis import compute_overlaps, run_overlap_analysis, score_candidates  # noqa: E402
from queries.overlap.blocking import candidate_pairs  # noqa: E402
from queries.overlap.groups import build_groups  # noqa: E402
from queries.overlap.profiles import Profile, load_profiles  # noqa: E402
from queries.overlap.signals import THRESHOLD, WEIGHTS, max_unlinked_score  # noqa: E402
from queries.overlap.text import DirectionVectors  # noqa: E402
from queries.runs import finish_analysis_run, start_analysis_run  # noqa: E402

SWEEP = [round(0.30 + 0.01 * i, 2) for i in range(26)]
NAME_SWEEP = [60, 65, 70, 75, 80, 85, 90, 95]
STRESS_CAP = 20


# ----------------------------------------------------------------------------- data
# Files the overlap analysis never reads; the large-scale runs leave them out of the ingest to save
# time (the analysis reads platforms, institutions, people, memberships and industries only).
NOT_READ_BY_OVERLAP = ("合作.csv", "建设目标.csv")


def load_sample(store: Store, n: int, seed: int, workdir: Path, *, overlap_inputs_only: bool = False) -> dict[str, Any]:
    """Generate the sample, empty the graph, ingest it; returns truth.json as a dict."""
    from graph.database import wipe_graph
    from ingest.pipeline import ingest_dataset
    from ingest.sample import generate_sample

    out = workdir / f"sample-{n}-{seed}"
    t0 = time.perf_counter()
    generate_sample(out, platforms=n, seed=seed)
    if overlap_inputs_only:
        for name in NOT_READ_BY_OVERLAP:
            (out / name).unlink(missing_ok=True)
    t1 = time.perf_counter()
    wipe_graph(store)
    load_reference(store)
    ingest_dataset(store, out)
    t2 = time.perf_counter()
    truth = json.loads((out / "truth.json").read_text(encoding="utf-8"))
    print(f"  sample {n} platforms seed {seed}: generated {t1 - t0:.1f} s, ingested {t2 - t1:.1f} s")
    return truth


# ----------------------------------------------------------------------------- metrics
def prf(found: set, truth: set) -> dict[str, float]:
    tp = len(found & truth)
    p = tp / len(found) if found else 1.0
    r = tp / len(truth) if truth else 1.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return {"precision": round(p, 4), "recall": round(r, 4), "f1": round(f, 4), "tp": tp,
            "found": len(found), "truth": len(truth)}


def truth_sets(truth: dict[str, Any]) -> tuple[set, list[frozenset], set]:
    pairs = {tuple(sorted(p)) for p in truth["overlap_pairs"]}
    groups = [frozenset(g["platforms"]) for g in truth["overlap_groups"]]
    hard = {tuple(sorted(h["platforms"][:2])) for h in truth["hard_non_overlaps"]}
    return pairs, groups, hard


def evaluate(pairs: set, groups: list[frozenset], truth: dict[str, Any], keeps: dict | None = None) -> dict:
    t_pairs, t_groups, hard = truth_sets(truth)
    t_group_set = set(t_groups)
    found_groups = set(groups)
    exact = found_groups & t_group_set
    out = {
        "pairs": prf(pairs, t_pairs),
        "groups": prf(found_groups, t_group_set),
        "hard_non_overlaps_reported": len(pairs & hard),
        "hard_non_overlaps": len(hard),
    }
    by_kind: dict[str, list[int]] = {}
    for g in truth["overlap_groups"]:
        kind = f"{g['kind']}/{g.get('strength', '')}".rstrip("/")
        gp = {tuple(sorted((a, b))) for a in g["platforms"] for b in g["platforms"] if a < b}
        hit = by_kind.setdefault(kind, [0, 0])
        hit[0] += len(gp & pairs)
        hit[1] += len(gp)
    out["pair_recall_by_kind"] = {k: round(v[0] / v[1], 3) for k, v in sorted(by_kind.items())}
    if keeps is not None:
        right = [keeps.get(frozenset(g["platforms"])) == g["keep"] for g in truth["overlap_groups"]
                 if frozenset(g["platforms"]) in exact]
        out["keep_accuracy"] = round(sum(right) / len(right), 4) if right else None
    return out


def method_at(result_pairs: list, profiles: dict[str, Profile], threshold: float) -> tuple[set, list, dict]:
    kept = [p for p in result_pairs if p.score >= threshold]
    groups = build_groups(kept, profiles)
    return ({(p.a, p.b) for p in kept}, [frozenset(g.members) for g in groups],
            {frozenset(g.members): g.keep for g in groups})


def name_baseline(profiles: dict[str, Profile]) -> tuple[list[str], np.ndarray]:
    keys = sorted(profiles)
    names = [normalize_name(profiles[k].name) for k in keys]
    scores = process.cdist(names, names, scorer=fuzz.ratio, dtype=np.uint8, workers=1)
    return keys, scores


def name_pairs(keys: list[str], scores: np.ndarray, cutoff: int) -> set:
    i, j = np.nonzero(np.triu(scores >= cutoff, k=1))
    return {(keys[a], keys[b]) for a, b in zip(i.tolist(), j.tolist(), strict=True)}


def components(pairs: set) -> list[frozenset]:
    import networkx as nx

    g = nx.Graph()
    g.add_edges_from(pairs)
    return [frozenset(c) for c in nx.connected_components(g)]


# ----------------------------------------------------------------------------- exhaustive scoring
def exhaustive(profiles: dict[str, Profile], threshold: float) -> tuple[set, float, int]:
    """Every pair that reaches the threshold, without blocking heuristics (no caps, no top-k).

    A pair with no institution and no team member in common scores at most ``max_unlinked_score()``;
    when that is below the threshold, scoring every linked pair (found from full incidence-matrix
    products) is exactly exhaustive. Otherwise every one of the n(n-1)/2 pairs is scored.
    """
    t0 = time.perf_counter()
    ordered = [profiles[k] for k in sorted(profiles)]
    vectors = DirectionVectors(ordered)
    n = len(ordered)
    if max_unlinked_score() >= threshold:
        a, b = np.triu_indices(n, k=1)
    else:
        linked = np.zeros((n, n), dtype=bool)
        for attr in ("institutions", "people"):
            items = sorted({x for p in ordered for x in getattr(p, attr)})
            col = {x: i for i, x in enumerate(items)}
            rows = [i for i, p in enumerate(ordered) for _ in getattr(p, attr)]
            cols = [col[x] for p in ordered for x in getattr(p, attr)]
            inc = sparse.csr_matrix((np.ones(len(rows), dtype=np.float32), (rows, cols)), shape=(n, len(items)))
            linked |= (inc @ inc.T).toarray() > 0
        a, b = np.nonzero(np.triu(linked, k=1))
    scored = score_candidates(ordered, vectors, a.astype(np.int64), b.astype(np.int64), threshold)
    return {(p.a, p.b) for p in scored}, time.perf_counter() - t0, int(len(a))


def blocked(profiles: dict[str, Profile], threshold: float) -> tuple[set, float, int]:
    t0 = time.perf_counter()
    ordered = [profiles[k] for k in sorted(profiles)]
    vectors = DirectionVectors(ordered)
    cands = candidate_pairs(ordered, vectors)
    scored = score_candidates(ordered, vectors, cands.a, cands.b, threshold)
    return {(p.a, p.b) for p in scored}, time.perf_counter() - t0, len(cands.a)


# ----------------------------------------------------------------------------- report
def show(title: str, metrics: dict) -> None:
    p, g = metrics["pairs"], metrics["groups"]
    print(f"  {title:<34} pairs P {p['precision']:.3f} R {p['recall']:.3f} F1 {p['f1']:.3f} "
          f"({p['tp']}/{p['found']} found, {p['truth']} planted) | groups P {g['precision']:.3f} "
          f"R {g['recall']:.3f} F1 {g['f1']:.3f} ({g['tp']}/{g['found']}, {g['truth']} planted) | "
          f"hard non-overlaps reported {metrics['hard_non_overlaps_reported']}/{metrics['hard_non_overlaps']}"
          + (f" | keep accuracy {metrics['keep_accuracy']}" if metrics.get("keep_accuracy") is not None else ""))


def tune(store: Store, workdir: Path, n: int, seed: int) -> dict[str, Any]:
    print(f"\n== 1. tuning on seed {seed} ({n} platforms) ==")
    truth = load_sample(store, n, seed, workdir)
    profiles = load_profiles(store)
    result = compute_overlaps(profiles, threshold=min(SWEEP))
    rows = []
    for t in SWEEP:
        pairs, groups, _ = method_at(result.pairs, profiles, t)
        m = evaluate(pairs, groups, truth)
        rows.append((t, m["pairs"]["f1"], m["groups"]["precision"], m["pairs"]["precision"], m["pairs"]["recall"]))
    best = max(rows, key=lambda r: (r[1], r[2], r[0]))
    for t, f1, gp, pp, pr in rows:
        mark = "  <- best" if t == best[0] else ("  <- shipped" if abs(t - THRESHOLD) < 1e-9 else "")
        print(f"  threshold {t:.2f}: pair P {pp:.3f} R {pr:.3f} F1 {f1:.3f}, group P {gp:.3f}{mark}")
    keys, scores = name_baseline(profiles)
    name_rows = []
    for c in NAME_SWEEP:
        pairs = name_pairs(keys, scores, c)
        name_rows.append((c, evaluate(pairs, components(pairs), truth)["pairs"]["f1"]))
    name_best = max(name_rows, key=lambda r: (r[1], r[0]))
    print("  name-only baseline cut-offs: " + ", ".join(f"{c}: F1 {f:.3f}" for c, f in name_rows)
          + f" -> {name_best[0]}")
    print(f"  best threshold on seed {seed}: {best[0]:.2f} (shipped THRESHOLD = {THRESHOLD})")
    return {"best_threshold": best[0], "name_cutoff": name_best[0], "sweep": rows}


def measure(store: Store, workdir: Path, n: int, seed: int, name_cutoff: int) -> dict[str, Any]:
    print(f"\n== 2. measured on seed {seed} ({n} platforms), threshold {THRESHOLD} ==")
    truth = load_sample(store, n, seed, workdir)
    run = start_analysis_run(store, "overlap", {"bench": True})
    summary = run_overlap_analysis(store, run)
    finish_analysis_run(store, run, summary)
    rows = store.read("MATCH (a:Platform)-[r:OVERLAPS]->(b:Platform) RETURN a.key AS a, b.key AS b")
    pairs = {(r["a"], r["b"]) for r in rows}
    grows = store.read("MATCH (p:Platform)-[:IN_GROUP]->(g:OverlapGroup) "
                       "RETURN g.key AS g, g.keep AS keep, collect(p.key) AS members")
    groups = [frozenset(r["members"]) for r in grows]
    keeps = {frozenset(r["members"]): r["keep"] for r in grows}
    metrics = evaluate(pairs, groups, truth, keeps)
    show("platgraph (written back)", metrics)
    print("  pair recall by planted kind: " + json.dumps(metrics["pair_recall_by_kind"], ensure_ascii=False))
    profiles = load_profiles(store)
    keys, scores = name_baseline(profiles)
    npairs = name_pairs(keys, scores, name_cutoff)
    baseline = evaluate(npairs, components(npairs), truth)
    show(f"baseline: name-only (ratio>={name_cutoff})", baseline)
    print(f"  analysis time: {summary['seconds']:.2f} s (load {summary['seconds_load']:.2f}, write "
          f"{summary['seconds_write']:.2f}); {summary['candidates']} candidate pairs for "
          f"{summary['platforms']} platforms; {summary['merge']} merge / {summary['refocus']} refocus / "
          f"{summary['review']} review")
    return {"metrics": metrics, "baseline": baseline, "summary": summary}


def blocking_recall(store: Store, workdir: Path, n: int, seed: int) -> dict[str, Any]:
    print(f"\n== 3. blocking recall vs exhaustive scoring ({n} platforms, seed {seed}) ==")
    load_sample(store, n, seed, workdir)
    profiles = load_profiles(store)
    full, t_full, n_full = exhaustive(profiles, THRESHOLD)
    fast, t_fast, n_cands = blocked(profiles, THRESHOLD)
    recall = len(full & fast) / len(full) if full else 1.0
    n = len(profiles)
    all_pairs = n * (n - 1) // 2
    print(f"  exhaustive: {len(full)} pairs over threshold, {t_full:.2f} s ({all_pairs} pairs; {n_full} linked "
          f"pairs scored, every other pair is bounded by {max_unlinked_score():.3f} < {THRESHOLD})")
    print(f"  blocked:    {len(fast)} pairs, {t_fast:.2f} s ({n_cands} candidates, "
          f"{n_cands / all_pairs:.4%} of all pairs)")
    print(f"  blocking recall: {recall:.4f}")
    # Stress the within-institution top-k path, which the 5,000 sample hardly needs: cap postings at 20.
    saved = blocking.INSTITUTION_CAP
    blocking.INSTITUTION_CAP = STRESS_CAP
    try:
        stress, t_stress, n_stress = blocked(profiles, THRESHOLD)
    finally:
        blocking.INSTITUTION_CAP = saved
    stress_recall = len(full & stress) / len(full) if full else 1.0
    print(f"  with institutions of more than {STRESS_CAP} platforms blocked by top-{blocking.TOP_K} direction "
          f"neighbours: {n_stress} candidates, recall {stress_recall:.4f}, {t_stress:.2f} s")
    return {"stress_recall": stress_recall, "stress_candidates": n_stress,"recall": recall, "exhaustive_seconds": t_full, "blocked_seconds": t_fast, "candidates": n_cands,
            "exhaustive_pairs": len(full), "blocked_pairs": len(fast)}


def scale(store: Store, workdir: Path, n: int, seed: int) -> dict[str, Any]:
    print(f"\n== 4. scale: {n} platforms (seed {seed}; collaborations and targets not ingested) ==")
    truth = load_sample(store, n, seed, workdir, overlap_inputs_only=True)
    run = start_analysis_run(store, "overlap", {"bench": True})
    summary = run_overlap_analysis(store, run)
    finish_analysis_run(store, run, summary)
    rows = store.read("MATCH (a:Platform)-[r:OVERLAPS]->(b:Platform) RETURN a.key AS a, b.key AS b")
    grows = store.read("MATCH (p:Platform)-[:IN_GROUP]->(g:OverlapGroup) "
                       "RETURN g.key AS g, g.keep AS keep, collect(p.key) AS members")
    metrics = evaluate({(r["a"], r["b"]) for r in rows}, [frozenset(r["members"]) for r in grows], truth,
                       {frozenset(r["members"]): r["keep"] for r in grows})
    show(f"platgraph at {n}", metrics)
    print(f"  analysis time: {summary['seconds']:.1f} s (load {summary['seconds_load']:.1f}, vectors "
          f"{summary['seconds_vectors']:.1f}, blocking {summary['seconds_blocking']:.1f}, scoring "
          f"{summary['seconds_scoring']:.1f}, write {summary['seconds_write']:.1f}); "
          f"{summary['candidates']} candidates, {summary['pairs']} pairs, {summary['groups']} groups")
    return {"metrics": metrics, "summary": summary}


# Replication: k disjoint copies of the loaded sample, inside Neo4j (keys get '#k'); shared reference
# nodes (industries, topics, types, cities) are linked, not copied. Faster than generating and
# ingesting 100,000 platforms on a shared 2-core machine, and the same per-platform structure.
REPLICATE_NODES = """
UNWIND $copies AS k
MATCH (n:{label}) WHERE NOT n.key CONTAINS '#'
CALL (n, k) {{
  CREATE (m:{label}) SET m = n {{.*, key: n.key + '#' + toString(k), overlap_group: null, overlap_run: null}}
}} IN TRANSACTIONS OF 10000 ROWS
"""
REPLICATE_RELS = """
UNWIND $copies AS k
MATCH (a:{a})-[r:{rel}]->(b:{b}) WHERE NOT a.key CONTAINS '#'
CALL (a, r, b, k) {{
  MATCH (a2:{a} {{key: a.key + '#' + toString(k)}})
  MATCH (b2:{b} {{key: CASE WHEN $copy_b THEN b.key + '#' + toString(k) ELSE b.key END}})
  CREATE (a2)-[r2:{rel}]->(b2) SET r2 = properties(r)
}} IN TRANSACTIONS OF 10000 ROWS
"""
REPLICATED_LABELS = ("Platform", "Institution", "Researcher")
REPLICATED_RELS = (("Platform", "HOSTED_BY", "Institution", True), ("Platform", "CO_BUILT_BY", "Institution", True),
                   ("Researcher", "MEMBER_OF", "Platform", True), ("Platform", "SERVES", "Industry", False),
                   ("Platform", "ON_TOPIC", "Topic", False))


def replicate(store: Store, factor: int) -> float:
    """Turn the loaded sample into ``factor`` disjoint copies of itself; returns seconds taken."""
    from graph.schema import check_label, check_rel_type

    t0 = time.perf_counter()
    copies = list(range(1, factor))
    with store.driver.session(database=store.database) as session:
        for label in REPLICATED_LABELS:
            session.run(REPLICATE_NODES.format(label=check_label(label)), {"copies": copies}).consume()
        for a, rel, b, copy_b in REPLICATED_RELS:
            query = REPLICATE_RELS.format(a=check_label(a), rel=check_rel_type(rel), b=check_label(b))
            session.run(query, {"copies": copies, "copy_b": copy_b}).consume()
    return time.perf_counter() - t0


def replicated_truth(truth: dict[str, Any], factor: int) -> dict[str, Any]:
    def suffix(key: str, k: int) -> str:
        return key if k == 0 else f"{key}#{k}"

    out = {"overlap_pairs": [], "overlap_groups": [], "hard_non_overlaps": []}
    for k in range(factor):
        out["overlap_pairs"] += [sorted(suffix(x, k) for x in p) for p in truth["overlap_pairs"]]
        out["overlap_groups"] += [{**g, "platforms": [suffix(x, k) for x in g["platforms"]], "keep": suffix(g["keep"], k)}
                                  for g in truth["overlap_groups"]]
        out["hard_non_overlaps"] += [{**h, "platforms": [suffix(x, k) for x in h["platforms"]]}
                                     for h in truth["hard_non_overlaps"]]
    return out


def scale_replicated(store: Store, workdir: Path, base: int, factor: int, seed: int, reuse: bool) -> dict[str, Any]:
    n = base * factor
    print(f"\n== 4b. scale: {n} platforms = {factor} disjoint copies of the {base}-platform sample (seed {seed}) ==")
    sample = workdir / f"sample-{base}-{seed}"
    if reuse and (sample / "truth.json").is_file():
        truth = json.loads((sample / "truth.json").read_text(encoding="utf-8"))
        print(f"  reusing the loaded {base}-platform sample")
    else:
        truth = load_sample(store, base, seed, workdir, overlap_inputs_only=True)
    print(f"  replicated x{factor} inside Neo4j in {replicate(store, factor):.1f} s")
    truth = replicated_truth(truth, factor)
    run = start_analysis_run(store, "overlap", {"bench": True})
    summary = run_overlap_analysis(store, run)
    finish_analysis_run(store, run, summary)
    rows = store.read("MATCH (a:Platform)-[r:OVERLAPS]->(b:Platform) RETURN a.key AS a, b.key AS b")
    grows = store.read("MATCH (p:Platform)-[:IN_GROUP]->(g:OverlapGroup) "
                       "RETURN g.key AS g, g.keep AS keep, collect(p.key) AS members")
    metrics = evaluate({(r["a"], r["b"]) for r in rows}, [frozenset(r["members"]) for r in grows], truth,
                       {frozenset(r["members"]): r["keep"] for r in grows})
    show(f"platgraph at {n}", metrics)
    print(f"  analysis time: {summary['seconds']:.1f} s (load {summary['seconds_load']:.1f}, vectors "
          f"{summary['seconds_vectors']:.1f}, blocking {summary['seconds_blocking']:.1f}, scoring "
          f"{summary['seconds_scoring']:.1f}, write {summary['seconds_write']:.1f}); "
          f"{summary['platforms']} platforms analysed, {summary['candidates']} candidates, "
          f"{summary['pairs']} pairs, {summary['groups']} groups")
    return {"metrics": metrics, "summary": summary}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--yes", action="store_true", help="confirm: the target graph is emptied")
    parser.add_argument("--database", help="the database name, required with --yes when NEO4J_URI is not the local engine")
    parser.add_argument("--platforms", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--tune-seed", type=int, default=11)
    parser.add_argument("--blocking-platforms", type=int, default=5000)
    parser.add_argument("--scale", type=int, nargs="*", default=[])
    parser.add_argument("--replicate", type=int, nargs=2, metavar=("BASE", "FACTOR"),
                        help="also time FACTOR disjoint copies of the BASE-platform sample (e.g. 10000 10)")
    parser.add_argument("--reuse-loaded", action="store_true",
                        help="with --replicate: the graph already holds the BASE sample from --workdir")
    parser.add_argument("--skip", nargs="*", default=[], choices=["tune", "measure", "blocking", "robustness"])
    parser.add_argument("--json", type=Path, help="also write the figures as JSON here")
    parser.add_argument("--workdir", type=Path, help="where samples are written (default: a temp dir)")
    args = parser.parse_args()
    from graph.settings import announce_wipe
    announce_wipe(args.yes, args.database)  # names the target; remote needs --database
    if not args.yes:
        parser.error("this empties the graph of the current NEO4J_URI; pass --yes to confirm")
    figures: dict[str, Any] = {"threshold": THRESHOLD, "weights": WEIGHTS}
    with tempfile.TemporaryDirectory() as tmp, Store() as store:
        store.verify()
        workdir = args.workdir or Path(tmp)
        name_cutoff = 85
        if "tune" not in args.skip:
            figures["tune"] = tune(store, workdir, args.platforms, args.tune_seed)
            name_cutoff = figures["tune"]["name_cutoff"]
        if "measure" not in args.skip:
            figures["measure"] = measure(store, workdir, args.platforms, args.seed, name_cutoff)
        if "blocking" not in args.skip:
            figures["blocking"] = blocking_recall(store, workdir, args.blocking_platforms, args.seed)
        if "robustness" not in args.skip:
            import overlap_robustness as robust

            print(f"\n== 5. quality where it will be used (seed {args.seed}, {args.platforms} platforms) ==")
            table = robust.evaluate_sample(store, args.platforms, args.seed, workdir)
            table["d"] = robust.evaluate_real()
            robust.print_table(table)
            figures["robustness"] = table
        for n in args.scale:
            figures[f"scale_{n}"] = scale(store, workdir, n, args.seed)
        if args.replicate:
            base, factor = args.replicate
            figures[f"replicated_{base * factor}"] = scale_replicated(store, workdir, base, factor, args.seed,
                                                                      args.reuse_loaded)
    if args.json:
        args.json.write_text(json.dumps(figures, ensure_ascii=False, indent=2, default=str), encoding="utf-8")


if __name__ == "__main__":
    main()
