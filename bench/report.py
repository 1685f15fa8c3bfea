"""Benchmark: building the network report (HTML and DOCX) for the default sample (2,000 platforms);
target < 60 s each. The baseline in the same run is the same report without charts, so the figures
show what the charts (matplotlib, CJK font) cost on top of the data gathering and the writers.

Run against YOUR OWN Neo4j (with ``--yes`` it empties the graph and loads the sample):

    NEO4J_URI=bolt://127.0.0.1:7708 NEO4J_PASSWORD=platgraph-test-password \\
        PLATGRAPH_HOME=.platgraph/test-7708 python bench/report.py --yes [--platforms 2000] [--seed 7]
    ... python bench/report.py --reuse          # measure whatever graph (and analysis run) is loaded

Figures printed: the seconds to generate/ingest/analyse the sample (setup, not measured against the
target), then per format the build time with charts and without (baseline), the chart share, the
file size, and whether the 60 s target is met. Each build is timed ``--repeat`` times (median).
Wall-clock time is what the target is about; the CPU seconds of this process (Neo4j's work not
included) show how much of it was spent waiting on a busy machine.
"""

from __future__ import annotations

import argparse
import logging
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from graph.reference import load_reference  # noqa: E402
from graph.store import Store  # noqa: E402

TARGET_SECONDS = 60.0


def load_sample(store: Store, platforms: int, seed: int, folder: Path) -> None:
    from graph.database import wipe_graph
    from ingest.pipeline import ingest_dataset
    from ingest.sample import generate_sample
    from queries.analyze import run_all

    began = time.perf_counter()
    generate_sample(folder, platforms=platforms, seed=seed)
    wipe_graph(store)
    load_reference(store)
    summary = ingest_dataset(store, folder, rejects_path=folder / "rejects.csv")
    loaded = time.perf_counter()
    run_all(store)
    analysed = time.perf_counter()
    print(f"setup: sample {platforms} platforms (seed {seed}), {summary['read']} rows read; "
          f"ingest {loaded - began:.1f} s, analyze {analysed - loaded:.1f} s")


def timed(store: Store, out: Path, fmt: str, charts: bool, repeat: int) -> tuple[float, float, int]:
    """Median wall-clock seconds, median CPU seconds of this process (not Neo4j's), file size."""
    from viz.report import build_report

    seconds, cpu = [], []
    for _ in range(repeat):
        began, began_cpu = time.perf_counter(), time.process_time()
        build_report(store, out, fmt=fmt, charts=charts)
        seconds.append(time.perf_counter() - began)
        cpu.append(time.process_time() - began_cpu)
    return statistics.median(seconds), statistics.median(cpu), out.stat().st_size


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--platforms", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--repeat", type=int, default=1)
    group = parser.add_mutually_exclusive_group(required=True)
    group.add_argument("--yes", action="store_true", help="empty the graph and load the sample")
    parser.add_argument("--database", help="the database name, required with --yes when NEO4J_URI is not the local engine")
    group.add_argument("--reuse", action="store_true", help="measure the graph as it is")
    args = parser.parse_args()
    from graph.settings import announce_wipe
    announce_wipe(args.yes, args.database)  # names the target; remote needs --database
    logging.getLogger("neo4j.notifications").setLevel(logging.ERROR)

    with Store() as store, tempfile.TemporaryDirectory() as tmp:
        store.verify()
        print(f"Neo4j: {store.settings.neo4j_uri}")
        if args.yes:
            load_sample(store, args.platforms, args.seed, Path(tmp) / "sample")
        platforms = store.read("MATCH (p:Platform) RETURN count(p) AS n")[0]["n"]
        print(f"graph: {platforms} platforms")
        print(f"{'format':<6} {'with charts (s)':>16} {'(CPU s)':>8} {'baseline: no charts (s)':>24} "
              f"{'(CPU s)':>8} {'charts share':>13} {'size (KB)':>10} {'< 60 s':>7}")
        ok = True
        for fmt in ("html", "docx"):
            full, full_cpu, size = timed(store, Path(tmp) / f"report.{fmt}", fmt, True, args.repeat)
            base, base_cpu, _ = timed(store, Path(tmp) / f"baseline.{fmt}", fmt, False, args.repeat)
            met = full < TARGET_SECONDS
            ok = ok and met
            print(f"{fmt:<6} {full:>16.2f} {full_cpu:>8.2f} {base:>24.2f} {base_cpu:>8.2f} "
                  f"{100 * (full - base) / full:>12.0f}% {size / 1024:>10.0f} {'yes' if met else 'NO':>7}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
