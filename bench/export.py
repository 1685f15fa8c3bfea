"""Export benchmark: ``platgraph export`` at scale, in each format, against two baselines.

Usage (it EMPTIES the graph it points at, so it asks for --yes; point NEO4J_URI at a test engine)::

    python bench/export.py --platforms 2000 --yes
    python bench/export.py --platforms 20000 --formats csv --verify --yes
    python bench/export.py --platforms 100000 --reuse-graph --no-read-all --formats csv --yes  # graph loaded

What it does, in one run:
1. generates the sample dataset at the requested scale (unless ``--data`` points at one), empties
   the graph and ingests it — the ingest time of the same data is the first baseline (an export
   should cost a fraction of it);
2. the second baseline reads the whole graph in one query per label into Python (what an export
   without pages would hold in memory), in a subprocess, and reports its time and peak RSS;
3. runs ``platgraph export`` once per format, each in its own subprocess, and reports the time,
   rows per second and the peak RSS of that process (the paged export should stay flat as the
   graph grows);
4. with ``--verify``: ``db reset`` + ingest of the first format's export, and compares node and
   relationship counts per label/type with the counts the export recorded in its manifest
   (``IngestRun`` aside). ``--json`` prints the figures as JSON too.
"""

from __future__ import annotations

import argparse
import json
import logging
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from graph.database import migrate_database, wipe_graph  # noqa: E402
from graph.store import Store  # noqa: E402
from ingest.pipeline import ingest_dataset  # noqa: E402

# Peak RSS is read from /proc/self/status (VmHWM): ru_maxrss survives exec(), so a child started
# by this (large, after ingest) process would report the parent's peak instead of its own.
PEAK = "int(next(l for l in open('/proc/self/status') if l.startswith('VmHWM')).split()[1])"

READ_ALL = """
import sys, time
from graph.store import Store
began = time.perf_counter()
with Store() as store:
    nodes = store.read("MATCH (n) RETURN labels(n)[0] AS label, properties(n) AS p")
    rels = store.read("MATCH (a)-[r]->(b) RETURN a.key AS a, type(r) AS t, b.key AS b, properties(r) AS p")
print(len(nodes) + len(rels), time.perf_counter() - began, PEAK)
""".replace("PEAK", PEAK)

EXPORT = """
import sys, time
from api.cli import app
began = time.perf_counter()
try:
    app(sys.argv[1:])
except SystemExit as exc:
    if exc.code:
        raise
print(time.perf_counter() - began, PEAK, file=sys.stderr)
""".replace("PEAK", PEAK)


def generate(out: Path, platforms: int, seed: int) -> None:
    code = ("import sys; from pathlib import Path; from ingest.sample import generate_sample; "
            "generate_sample(Path(sys.argv[1]), platforms=int(sys.argv[2]), seed=int(sys.argv[3]))")
    subprocess.run([sys.executable, "-c", code, str(out), str(platforms), str(seed)], check=True, cwd=REPO)


def counts(store: Store) -> dict[str, int]:
    nodes = store.read("MATCH (n) WHERE NOT n:IngestRun RETURN labels(n)[0] AS k, count(*) AS n")
    rels = store.read("MATCH ()-[r]->() RETURN type(r) AS k, count(*) AS n")
    return {row["k"]: row["n"] for row in nodes + rels}


def run_export(out: Path, fmt: str) -> dict:
    done = subprocess.run([sys.executable, "-c", EXPORT, "export", str(out), "--format", fmt, "--summary", "json"],
                          cwd=REPO, capture_output=True, text=True, check=True)
    seconds, rss_kb = done.stderr.strip().splitlines()[-1].split()
    summary = json.loads(done.stdout)
    rows = sum(summary["tables"].values())
    return {"format": fmt, "seconds": round(float(seconds), 2), "rows": rows,
            "rows_per_s": round(rows / float(seconds)), "peak_rss_mb": round(int(rss_kb) / 1024),
            "warnings": summary["warnings"], "graph": summary["graph"],
            "bytes": sum(p.stat().st_size for p in out.iterdir())}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--platforms", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--data", type=Path, help="an existing dataset folder (skips generation)")
    parser.add_argument("--formats", default="csv,xlsx,jsonl")
    parser.add_argument("--verify", action="store_true", help="re-ingest the first export and compare counts")
    parser.add_argument("--reuse-graph", action="store_true",
                        help="export the graph as it is (no generation, no ingest, no ingest baseline)")
    parser.add_argument("--no-read-all", action="store_true",
                        help="skip baseline 2 (it holds the whole graph in memory: ~2 GB at 20,000 platforms)")
    parser.add_argument("--yes", action="store_true", help="confirm that the graph may be emptied")
    parser.add_argument("--database", help="the database name, required with --yes when NEO4J_URI is not the local engine")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    from graph.settings import announce_wipe
    announce_wipe(args.yes, args.database)  # names the target; remote needs --database
    if not args.yes:
        sys.exit("this benchmark empties the graph at NEO4J_URI; add --yes")
    logging.getLogger("neo4j.notifications").setLevel(logging.ERROR)
    work = Path(tempfile.mkdtemp(prefix="bench-export-"))
    data = args.data or work / "sample"
    if args.data is None and not args.reuse_graph:
        generate(data, args.platforms, args.seed)
    results: dict = {"platforms": args.platforms, "exports": [], "baseline_ingest_s": None}
    with Store() as store:
        if not args.reuse_graph:
            wipe_graph(store)
            migrate_database(store)
            began = time.perf_counter()
            ingest_dataset(store, data, rejects_path=work / "rejects.csv")
            results["baseline_ingest_s"] = round(time.perf_counter() - began, 2)
        before = counts(store)
    results["baseline_read_all"] = {"items": None, "seconds": None, "peak_rss_mb": None}
    if not args.no_read_all:
        done = subprocess.run([sys.executable, "-c", READ_ALL], cwd=REPO, capture_output=True, text=True,
                              check=True)
        items, seconds, rss_kb = done.stdout.split()
        results["baseline_read_all"] = {"items": int(items), "seconds": round(float(seconds), 2),
                                        "peak_rss_mb": round(int(rss_kb) / 1024)}
    formats = [f for f in args.formats.split(",") if f]
    for fmt in formats:
        results["exports"].append(run_export(work / f"export-{fmt}", fmt))
    if args.verify:
        first = work / f"export-{formats[0]}"
        with Store() as store:
            wipe_graph(store)
            migrate_database(store)
            began = time.perf_counter()
            ingest_dataset(store, first, rejects_path=work / "rejects-2.csv")
            results["verify"] = {"reingest_s": round(time.perf_counter() - began, 2),
                                 "counts_equal": counts(store) == before}

    ingest_s = results["baseline_ingest_s"]
    print(f"platforms {args.platforms}: ingest (baseline 1) {ingest_s} s; "
          f"read whole graph in one go (baseline 2) {results['baseline_read_all']['seconds']} s, "
          f"peak RSS {results['baseline_read_all']['peak_rss_mb']} MB for {results['baseline_read_all']['items']} items")
    for e in results["exports"]:
        print(f"  export {e['format']:5s}: {e['seconds']:8.2f} s  {e['rows']:>9,} rows  {e['rows_per_s']:>7,} rows/s  "
              f"peak RSS {e['peak_rss_mb']} MB  {e['bytes'] / 1e6:.1f} MB written  "
              + (f"{e['seconds'] / ingest_s:.1%} of ingest time  " if ingest_s else "")
              + f"warnings {e['warnings']}")
    if args.verify:
        print(f"  verify: re-ingest {results['verify']['reingest_s']} s, "
              f"counts equal: {results['verify']['counts_equal']}")
    if args.json:
        print(json.dumps(results, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
