"""Ingest benchmark: the batched pipeline at scale vs the naive one-transaction-per-row MERGE.

Usage (it EMPTIES the graph it points at, so it asks for --yes; point NEO4J_URI at a test engine)::

    python bench/ingest.py --platforms 100000 --yes
    python bench/ingest.py --platforms 2000 --naive-fraction 0.05 --yes   # quick look

What it does, in one run:
1. generates the sample dataset at the requested scale (in a subprocess, so its memory is not
   counted), unless ``--data`` points at an existing one;
2. **baseline**: on an empty graph, writes a proportional subset of the same plan (every write
   step's first ``--naive-fraction`` of rows, in the pipeline's order) with one transaction per
   row — what a straightforward ingest does — and measures rows/s;
3. empties the graph again and runs the real pipeline (``ingest.pipeline.ingest_dataset``) on the
   whole dataset, timing read / validate+resolve / write and every write step;
4. prints rows/s, total time, the ratio batched/naive (write path, items per second), where the
   time goes, and the peak memory of this Python process (``ru_maxrss``; ``--tracemalloc`` adds
   Python-heap peak at the price of speed); ``--json`` prints the figures as JSON too.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import resource
import subprocess
import sys
import time
import tracemalloc
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from api.commands.db import wipe_graph  # noqa: E402
from graph.reference import load_reference  # noqa: E402
from graph.schema import apply_schema  # noqa: E402
from graph.store import Store  # noqa: E402
from ingest.pipeline import ingest_dataset  # noqa: E402
from ingest.plan import Planner  # noqa: E402
from ingest.readers import read_dataset  # noqa: E402
from ingest.writer import write_steps  # noqa: E402


def engine_cpu_seconds(store: Store) -> float | None:
    """CPU seconds the local engine has used so far (user + system), or None for an external Neo4j:
    with the Python process's own CPU time it shows which side of the pipeline the time goes to."""
    from graph import local_neo4j  # noqa: PLC0415

    pid = local_neo4j.read_pid(local_neo4j.EnginePaths(store.settings.home))
    if pid is None:
        return None
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def python_cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def generate(out: Path, platforms: int, seed: int) -> float:
    began = time.perf_counter()
    code = ("import sys; from pathlib import Path; from ingest.sample import generate_sample; "
            "generate_sample(Path(sys.argv[1]), platforms=int(sys.argv[2]), seed=int(sys.argv[3]))")
    subprocess.run([sys.executable, "-c", code, str(out), str(platforms), str(seed)], check=True, cwd=REPO)
    return time.perf_counter() - began


def reset(store: Store) -> None:
    wipe_graph(store)
    apply_schema(store)
    load_reference(store)


def naive_baseline(store: Store, data: Path, fraction: float) -> dict:
    """One transaction per row over a proportional subset of every write step, through the MERGE
    upserts (what a straightforward ingest does: no CREATE path for new nodes, no batching)."""
    dataset = read_dataset(data)
    plan = Planner(store, dataset).build()
    for label in plan.existing:  # as if every node were known: MERGE node, then MERGE each edge
        plan.existing[label] = set(plan.nodes.get(label, {}))
    subset = []
    for name, query, rows in write_steps(plan):
        take = max(1, int(len(rows) * fraction))
        subset.append((name, query, rows[:take]))
    items = 0
    began = time.perf_counter()
    for _name, query, rows in subset:
        for row in rows:
            def work(tx, row=row, query=query):  # type: ignore[no-untyped-def]
                tx.run(query, {"rows": [row], "run": "naive"}).consume()

            store.write_tx(work)
            items += 1
    seconds = time.perf_counter() - began
    return {"items": items, "seconds": round(seconds, 2), "items_per_s": round(items / seconds, 1)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--platforms", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--data", type=Path, help="an existing dataset folder (skips generation)")
    parser.add_argument("--naive-fraction", type=float, default=0.01,
                        help="share of every write step written row by row for the baseline (default 1%%)")
    parser.add_argument("--tracemalloc", action="store_true", help="also measure the Python-heap peak (slower)")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON at the end")
    parser.add_argument("--yes", action="store_true", help="confirm: the graph at NEO4J_URI is emptied")
    parser.add_argument("--database", help="the database name, required with --yes when NEO4J_URI is not the local engine")
    args = parser.parse_args()
    from graph.settings import announce_wipe
    announce_wipe(args.yes, args.database)  # names the target; remote needs --database
    if not args.yes:
        parser.error("this empties the graph at NEO4J_URI; add --yes to confirm")
    logging.getLogger("neo4j.notifications").setLevel(logging.ERROR)

    data = args.data or Path(f"/tmp/platgraph-bench-ingest-{args.platforms}-{args.seed}")
    gen_seconds = None
    if args.data is None and not (data / "truth.json").exists():
        gen_seconds = round(generate(data, args.platforms, args.seed), 1)
    truth = json.loads((data / "truth.json").read_text(encoding="utf-8")) if (data / "truth.json").exists() else {}

    with Store() as store:
        store.verify()
        reset(store)
        naive = naive_baseline(store, data, args.naive_fraction)
        reset(store)
        if args.tracemalloc:
            tracemalloc.start()
        engine_before, python_before = engine_cpu_seconds(store), python_cpu_seconds()
        began = time.perf_counter()
        summary = ingest_dataset(store, data, rejects_path=Path("/tmp/platgraph-bench-rejects.csv"))
        total = time.perf_counter() - began
        engine_after, python_after = engine_cpu_seconds(store), python_cpu_seconds()
        heap_peak = tracemalloc.get_traced_memory()[1] if args.tracemalloc else None
        counts = {r["k"]: r["n"] for r in store.read("MATCH (n) RETURN labels(n)[0] AS k, count(*) AS n")}

    items = sum(summary["loaded"].values())
    write_s = summary["seconds"]["write"]
    batched_items_per_s = items / write_s
    figures = {
        "platforms": args.platforms if args.data is None else None,
        "dataset": str(data),
        "generate_seconds": gen_seconds,
        "rows_read": summary["read"],
        "rows_rejected": summary["rejected"],
        "items_written": items,
        "total_seconds": round(total, 1),
        "rows_per_s": round(summary["read"] / total, 1),
        "phase_seconds": summary["seconds"],
        "write_step_seconds": summary["write_seconds"],
        "write_retries": summary["write_retries"],
        "cpu_seconds": {"python": round(python_after - python_before, 1),
                        "neo4j": (round(engine_after - engine_before, 1)
                                  if engine_after is not None and engine_before is not None else None)},
        "load_average": [round(x, 2) for x in os.getloadavg()],
        "batched_write_items_per_s": round(batched_items_per_s, 1),
        "naive": naive,
        "ratio_batched_over_naive": round(batched_items_per_s / naive["items_per_s"], 1),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        "python_heap_peak_mb": round(heap_peak / 2**20, 1) if heap_peak else None,
        "nodes": counts,
        "matches_truth": (all(counts.get(k, 0) == v for k, v in truth["expected_counts"]["nodes"].items())
                          if truth else None),
    }
    print(f"dataset            {data}  ({summary['read']:,} rows read, {summary['rejected']} rejected)")
    print(f"total              {figures['total_seconds']} s  →  {figures['rows_per_s']:,} rows/s end to end")
    print("phases             " + ", ".join(f"{k} {v} s" for k, v in summary["seconds"].items()))
    slow = sorted(summary["write_seconds"].items(), key=lambda kv: -kv[1])[:8]
    print("slowest writes     " + ", ".join(f"{k} {v} s" for k, v in slow))
    cpu = figures["cpu_seconds"]
    print(f"cpu                python {cpu['python']} s, neo4j {cpu['neo4j']} s (wall {figures['total_seconds']} s, "
          f"2 cores; load average now {figures['load_average']})")
    print(f"batched write      {items:,} items in {write_s} s = {batched_items_per_s:,.0f} items/s "
          f"({summary['write_retries']} batches retried after a transient conflict)")
    print(f"naive baseline     {naive['items']:,} items, one transaction each, in {naive['seconds']} s = "
          f"{naive['items_per_s']:,} items/s")
    print(f"ratio              {figures['ratio_batched_over_naive']}× (batched / naive, write path)")
    print(f"peak memory        {figures['peak_rss_mb']} MB RSS"
          + (f", Python heap peak {figures['python_heap_peak_mb']} MB" if heap_peak else ""))
    print(f"counts = truth     {figures['matches_truth']}")
    if args.json:
        print(json.dumps(figures, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
