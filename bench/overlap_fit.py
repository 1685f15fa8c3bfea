"""Where the names-only comparison levels and the threshold come from: a grid on the tuning seed.

The shipped values (``queries.overlap.signals``: ``SIMILAR_LEVEL``, ``NAME_COSINE_SHARE``,
``THRESHOLD``) are chosen here on sample seed **11** — never on seed 7 (what
``bench/overlap_robustness.py`` measures) and never on the real fixture. For each setting the table
gives pair precision / recall / F1 on the seed-11 sample (a) as generated, (b) with fields, people
and industries removed from 50 % and (c) from 100 % of platforms (the same removal as the robustness
bench), and the hard non-overlaps reported. The choice is the setting with the best mean F1 of (b)
and (c) among those that keep (a) ≥ 0.95 and report no hard non-overlap.

    python bench/overlap_fit.py --yes            # against a scratch engine (it is emptied)
"""

from __future__ import annotations

import argparse
import itertools
import json
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "bench"))

from overlap import load_sample  # noqa: E402
from overlap_robustness import scores, sparsify  # noqa: E402

from graph.store import Store  # noqa: E402
from queries.overlap import signals  # noqa: E402
from queries.overlap.analysis import compute_overlaps  # noqa: E402
from queries.overlap.profiles import Profile, load_profiles  # noqa: E402

SIMILAR = (1.0, 0.8, 0.6, 0.45)
COSINE = (1.0, 0.6, 0.0)
THRESHOLDS = (0.35, 0.39, 0.43)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--yes", action="store_true", help="confirm: the target graph is emptied")
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--platforms", type=int, default=2000)
    parser.add_argument("--platforms-only", action="store_true", help="also score (e), the platforms-only list")
    args = parser.parse_args()
    if not args.yes:
        parser.error("this empties the graph of the current NEO4J_URI; pass --yes to confirm")
    if args.seed == 7:
        parser.error("seed 7 is the measured seed: fit on another one")
    with tempfile.TemporaryDirectory() as tmp, Store() as store:
        store.verify()
        truth = load_sample(store, args.platforms, args.seed, Path(tmp))
        profiles = load_profiles(store)
        only = platforms_only(store, Path(tmp) / f"sample-{args.platforms}-{args.seed}" / "platforms-only",
                              profiles) if args.platforms_only else None
    pairs = {tuple(sorted(p)) for p in truth["overlap_pairs"]}
    hard = {tuple(sorted(h["platforms"][:2])) for h in truth["hard_non_overlaps"]}
    shares = {"a": 0.0, "b": 0.5, "c": 1.0}
    if only is not None:
        shares["e"] = 0.0
    shipped = (signals.SIMILAR_LEVEL, signals.NAME_COSINE_SHARE, signals.THRESHOLD)
    print(f"seed {args.seed}, {len(profiles)} platforms, {len(pairs)} planted pairs; shipped "
          f"SIMILAR_LEVEL={shipped[0]} NAME_COSINE_SHARE={shipped[1]} THRESHOLD={shipped[2]}")
    print(f"{'similar':>8} {'cosine':>7} {'thresh':>7} | " + " | ".join(f"({k}) P     R     F1   hard" for k in shares))
    best: tuple[float, tuple[float, float, float]] | None = None
    for sim, cos in itertools.product(SIMILAR, COSINE):
        signals.SIMILAR_LEVEL, signals.NAME_COSINE_SHARE = sim, cos
        results = {k: compute_overlaps(sparsify(only[0] if k == "e" and only else profiles, share),
                                       threshold=min(THRESHOLDS)) for k, share in shares.items()}
        for threshold in THRESHOLDS:
            row = {k: scores({(p.a, p.b) for p in r.pairs if p.score >= threshold},
                             *(only[1:] if k == "e" and only else (pairs, hard)))
                   for k, r in results.items()}
            print(f"{sim:>8} {cos:>7} {threshold:>7} | " + " | ".join(
                f"{r['precision']:.3f} {r['recall']:.3f} {r['f1']:.3f} {r['hard_reported']:>3}" for r in row.values()),
                flush=True)
            ok = row["a"]["f1"] >= 0.95 and all(r["hard_reported"] == 0 for r in row.values())
            value = (row["b"]["f1"] + row["c"]["f1"]) / 2
            if ok and (best is None or value > best[0] + 1e-9):
                best = (value, (sim, cos, threshold))
    signals.SIMILAR_LEVEL, signals.NAME_COSINE_SHARE = shipped[0], shipped[1]
    if best is not None:
        print(f"best mean F1 of (b) and (c) with (a) >= 0.95 and no hard non-overlap: {best[0]:.3f} at "
              f"SIMILAR_LEVEL={best[1][0]} NAME_COSINE_SHARE={best[1][1]} THRESHOLD={best[1][2]}")


def platforms_only(store: Store, folder: Path, profiles: dict[str, Profile]) -> tuple[dict[str, Profile], set, set] | None:
    """The platforms-only list ingested in place of the full sample: its profiles and the planted
    pairs and hard non-overlaps in its keys (it has no 平台编号, so platforms are matched by name,
    unique in the sample). ``None`` when the sample wrote no such list."""
    if not folder.is_dir():
        return None
    from graph.database import wipe_graph
    from graph.reference import load_reference
    from ingest.pipeline import ingest_dataset

    wipe_graph(store)
    load_reference(store)
    ingest_dataset(store, folder)
    only = load_profiles(store)
    key_of = {p.name: k for k, p in only.items()}
    truth = json.loads((folder.parent / "truth.json").read_text(encoding="utf-8"))

    def keyed(raw: list) -> set:
        out = set()
        for a, b in (tuple(x[:2]) for x in raw):
            if a in profiles and b in profiles and profiles[a].name in key_of and profiles[b].name in key_of:
                out.add(tuple(sorted((key_of[profiles[a].name], key_of[profiles[b].name]))))
        return out

    return only, keyed(truth["overlap_pairs"]), keyed([h["platforms"] for h in truth["hard_non_overlaps"]])


if __name__ == "__main__":
    main()
