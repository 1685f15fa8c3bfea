"""Overlap quality on the held-out real Guangxi list, against its hand labels.

``tests/data/real_guangxi_holdout`` is a second real list that the overlap method was not developed
on; its pairs were labelled by hand from names, types and hosts and committed before any score was
computed (see its README). This bench loads the list through the real ingest into the graph of the
current settings (which it EMPTIES — use a scratch engine and pass ``--yes``), reads the profiles the
analysis reads, runs the shipped method (``queries.overlap.analysis.compute_overlaps`` at its shipped
threshold) and prints pair precision / recall / F1 beside a name-only baseline from the same run
(rapidfuzz ratio of normalised names at ``bench/overlap.py``'s cut-off, tuned there on the sample's
seed 11 — nothing is fitted here).

Only labelled pairs count: a reported pair nobody labelled is neither right nor wrong by the labels
and is listed apart (so are the labelled 重复 pairs missed and the 不重复 pairs reported).

    python bench/overlap_holdout.py --yes                  # against a scratch engine (it is emptied)
    python bench/overlap_holdout.py --yes --json holdout.json
"""

from __future__ import annotations

import argparse
import csv
import json
import shutil
import sys
import tempfile
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "bench"))

from overlap import name_baseline, name_pairs  # noqa: E402  (the other benches' name-only baseline)

from graph.database import wipe_graph  # noqa: E402
from graph.reference import load_reference  # noqa: E402
from graph.store import Store  # noqa: E402
from ingest.pipeline import ingest_dataset  # noqa: E402
from queries.overlap.analysis import compute_overlaps  # noqa: E402
from queries.overlap.profiles import Profile, load_profiles  # noqa: E402
from queries.overlap.signals import THRESHOLD  # noqa: E402

HOLDOUT = REPO / "tests" / "data" / "real_guangxi_holdout"
NAME_CUTOFF = 85  # bench/overlap.py's default: the name baseline's cut-off tuned on seed 11

Pair = tuple[str, str]


def holdout_labels(folder: Path = HOLDOUT) -> tuple[set[Pair], set[Pair]]:
    """(pairs labelled 重复, pairs labelled 不重复), each a sorted pair of platform names."""
    positive: set[Pair] = set()
    negative: set[Pair] = set()
    with (folder / "overlap_labels.csv").open(encoding="utf-8-sig", newline="") as fh:
        for row in csv.DictReader(fh):
            a, b = sorted((row["平台甲"], row["平台乙"]))
            (positive if row["标注"] == "重复" else negative).add((a, b))
    return positive, negative


def load_holdout(store: Store, folder: Path = HOLDOUT) -> dict[str, Any]:
    """Empty the graph, load the reference data and ingest the list's platforms file as a planner would."""
    wipe_graph(store)
    load_reference(store)
    with tempfile.TemporaryDirectory() as tmp:
        dataset = Path(tmp) / "holdout"
        dataset.mkdir()
        shutil.copy(folder / "platforms.csv", dataset / "platforms.csv")
        summary = ingest_dataset(store, dataset, rejects_path=Path(tmp) / "rejects.csv")
    return summary["per_file"]["platforms.csv"]


def by_name(pairs: set[Pair], profiles: dict[str, Profile]) -> set[Pair]:
    """Platform-key pairs as sorted name pairs (names are unique in the list; the test checks it)."""
    out: set[Pair] = set()
    for a, b in pairs:
        x, y = sorted((profiles[a].name, profiles[b].name))
        out.add((x, y))
    return out


def measure(found: set[Pair], positive: set[Pair], negative: set[Pair]) -> dict[str, Any]:
    """Precision and recall over the labelled pairs only."""
    tp, fp = found & positive, found & negative
    precision = len(tp) / (len(tp) + len(fp)) if tp or fp else 1.0
    recall = len(tp) / len(positive) if positive else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": round(precision, 3), "recall": round(recall, 3), "f1": round(f1, 3),
            "reported": len(found), "reported_labelled": len(tp) + len(fp), "labelled_duplicate": len(positive),
            "labelled_not_duplicate": len(negative), "true_positive": len(tp), "false_positive": len(fp),
            "missed": sorted(positive - found), "wrong": sorted(fp), "unlabelled": sorted(found - positive - negative)}


def evaluate(store: Store, name_cutoff: int = NAME_CUTOFF) -> dict[str, Any]:
    loaded = load_holdout(store)
    profiles = load_profiles(store)
    positive, negative = holdout_labels()
    result = compute_overlaps(profiles)
    method = measure(by_name({(p.a, p.b) for p in result.pairs}, profiles), positive, negative)
    method["multi_brand"] = sorted(by_name({(p.a, p.b) for p in result.pairs
                                            if getattr(p, "relation", None) == "multi_brand"}, profiles))
    keys, matrix = name_baseline(profiles)
    baseline = measure(by_name(name_pairs(keys, matrix, name_cutoff), profiles), positive, negative)
    return {"loaded": loaded, "platforms": len(profiles), "threshold": THRESHOLD, "name_cutoff": name_cutoff,
            "method": method, "baseline": baseline}


def print_figures(figures: dict[str, Any]) -> None:
    loaded = figures["loaded"]
    print(f"held-out real list: {loaded['read']} rows read, {loaded['loaded']} loaded, {loaded['rejected']} rejected; "
          f"{figures['platforms']} platforms in the graph")
    method = figures["method"]
    print(f"labelled pairs: {method['labelled_duplicate']} 重复, {method['labelled_not_duplicate']} 不重复 "
          f"(only these count)\n")
    print(f"{'case':<44} {'P':>6} {'R':>6} {'F1':>6} {'TP':>4} {'FP':>4} {'reported':>9} {'unlabelled':>11}")
    for title, row in ((f"shipped method (threshold {figures['threshold']})", figures["method"]),
                       (f"baseline: name-only ratio >= {figures['name_cutoff']}", figures["baseline"])):
        print(f"{title:<44} {row['precision']:>6.3f} {row['recall']:>6.3f} {row['f1']:>6.3f} {row['true_positive']:>4} "
              f"{row['false_positive']:>4} {row['reported']:>9} {len(row['unlabelled']):>11}")
    print(f"\nshipped method — 一平台多牌子 pairs reported: {len(method['multi_brand'])}")
    for title, key in (("labelled 重复, not reported", "missed"), ("labelled 不重复, reported", "wrong"),
                       ("reported, not labelled (not counted)", "unlabelled")):
        print(f"  {title}: {len(method[key])}")
        for a, b in method[key]:
            print(f"    {a} / {b}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--yes", action="store_true", help="confirm: the target graph is emptied")
    parser.add_argument("--database", help="the database name, required with --yes when NEO4J_URI is not the local engine")
    parser.add_argument("--name-cutoff", type=int, default=NAME_CUTOFF, help="the name baseline's ratio cut-off")
    parser.add_argument("--json", type=Path, help="also write the figures as JSON here")
    args = parser.parse_args()
    from graph.settings import announce_wipe
    announce_wipe(args.yes, args.database)  # names the target; remote needs --database
    if not args.yes:
        parser.error("this empties the graph of the current NEO4J_URI; pass --yes to confirm")
    with Store() as store:
        store.verify()
        figures = evaluate(store, args.name_cutoff)
    print_figures(figures)
    if args.json:
        args.json.write_text(json.dumps(figures, ensure_ascii=False, indent=2), encoding="utf-8")


if __name__ == "__main__":
    main()
