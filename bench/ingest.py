"""Ingest benchmark: the bulk first load (offline importer) beside the Cypher path, an incremental
load on top, and the batched Cypher writes vs the naive one-transaction-per-row MERGE.

Usage (it EMPTIES the graph it points at, so it asks for --yes; point NEO4J_URI at a scratch local
engine — the bulk load needs the local engine, ``platgraph db start``)::

    python bench/ingest.py --data /tmp/s100k --more /tmp/s100k-b --naive-fraction 0 --yes
    python bench/ingest.py --platforms 2000 --naive-fraction 0.05 --yes   # quick look

What it does, in one run, each load as ``platgraph ingest … --format json`` in its own process (so
its wall time is end to end — reading, validation, resolution, rejects, writing, run record — and
its peak memory is its own, ``ru_maxrss`` from ``wait4``):
1. generates the sample dataset at the requested scale unless ``--data`` points at an existing one;
2. optional **naive baseline** (``--naive-fraction`` > 0): on an empty graph, a proportional subset
   of the plan written one transaction per row, in this process;
3. **bulk**: empties the graph and loads the dataset with ``--bulk`` (offline importer);
4. **Cypher baseline**: empties the graph and loads the dataset with ``--no-bulk``;
5. **incremental** (``--more DIR``): loads a second dataset into that graph (``--no-bulk``: the
   graph is not empty; it holds the same as after the bulk load, and one wipe of it is saved).
   ``--more`` is made disjoint from ``--data`` by prefixing its platform and researcher ids with
   ``X`` (a second sample seed reuses the ids P00001…), unless ``--more-as-is``;
6. prints each load's wall time, rows/s, phases, peak RSS, Neo4j CPU and the node counts, bulk
   beside Cypher; ``--json`` prints the figures as JSON too.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import re
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from neo4j import ManagedTransaction  # noqa: E402

from graph.database import wipe_graph  # noqa: E402
from graph.reference import load_reference  # noqa: E402
from graph.schema import apply_schema  # noqa: E402
from graph.store import Store  # noqa: E402
from ingest.load_plan import Planner  # noqa: E402
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
            def work(tx: ManagedTransaction, row: dict[str, Any] = row, query: str = query) -> None:
                tx.run(query, {"rows": [row], "run": "naive"}).consume()

            store.write_tx(work)
            items += 1
    seconds = time.perf_counter() - began
    return {"items": items, "seconds": round(seconds, 2), "items_per_s": round(items / seconds, 1)}


def disjoint_copy(src: Path, dst: Path, prefix: bytes = b"X") -> Path:
    """A copy of a sample dataset whose platform and researcher ids cannot collide with another
    seed's (both number them P00001…, R000001…): the same rows, as new platforms and people."""
    dst.mkdir(parents=True, exist_ok=True)
    id_row = re.compile(rb"^(P\d+)?(,)?(R\d+)?")
    for path in src.iterdir():
        if not path.is_file():  # e.g. the generator's platforms-only/ variant: not part of the dataset
            continue
        data = path.read_bytes()
        if path.name in ("平台.csv", "人才.csv", "memberships.csv"):
            lines = data.split(b"\n")
            out = [lines[0]]
            for line in lines[1:]:
                if path.name == "memberships.csv":
                    match = id_row.match(line)
                    if match and match.group(1):
                        line = prefix + line
                    if match and match.group(3):
                        cut = line.index(b",") + 1
                        line = line[:cut] + prefix + line[cut:]
                elif line[:1] in (b"P", b"R") and line[1:2].isdigit():
                    line = prefix + line
                out.append(line)
            data = b"\n".join(out)
        (dst / path.name).write_bytes(data)
    return dst


def timed_ingest(data: Path, mode: str, store: Store) -> dict:
    """``platgraph ingest DATA --format json <mode>`` in a child process: wall seconds, its summary,
    its peak RSS, and the engine's CPU seconds meanwhile."""
    engine_before = engine_cpu_seconds(store)
    cmd = [sys.executable, "-m", "api.cli", "ingest", str(data), "--format", "json", mode,
           "--rejects", "/tmp/platgraph-bench-rejects.csv"]
    began = time.perf_counter()
    with tempfile.TemporaryFile() as err:
        proc = subprocess.Popen(cmd, cwd=REPO, stdout=subprocess.PIPE, stderr=err)
        out = proc.stdout.read() if proc.stdout else b""
        _pid, status, usage = os.wait4(proc.pid, 0)  # wait4: this child's own peak RSS
        proc.returncode = os.waitstatus_to_exitcode(status)
        seconds = time.perf_counter() - began
        if proc.returncode != 0:
            err.seek(0)
            raise SystemExit(f"ingest {mode} failed ({proc.returncode}):\n{err.read().decode()[-3000:]}")
    summary = json.loads(out)
    store.reconnect()  # a bulk load restarted the database under our driver
    engine_after = engine_cpu_seconds(store)
    peak = usage.ru_maxrss
    figures = {"mode": mode, "seconds": round(seconds, 1), "rows_read": summary["read"],
            "rows_per_s": round(summary["read"] / seconds, 1), "rejected": summary["rejected"],
            "write_path": summary.get("write_path"), "phases": summary["seconds"],
            "write_steps": summary["write_seconds"], "python_peak_rss_mb": round(peak / 1024, 1),
            "neo4j_cpu_seconds": (round(engine_after - engine_before, 1)
                                  if engine_after is not None and engine_before is not None else None),
            "python_cpu_seconds": round(usage.ru_utime + usage.ru_stime, 1),
            "load_average": [round(x, 2) for x in os.getloadavg()], "counts": node_counts(store)}
    show(figures)
    return figures


def show(f: dict) -> None:
    """One load's figures, printed as soon as it has finished (a 100k run takes a while)."""
    print(f"{f['mode']:<18} {f['seconds']} s end to end, {f['rows_read']:,} rows ({f['rows_per_s']:,} rows/s), "
          f"path {f['write_path']}, CPU: Python {f['python_cpu_seconds']} s, Neo4j {f['neo4j_cpu_seconds']} s; "
          f"Python peak RSS {f['python_peak_rss_mb']} MB; load average after {f['load_average']}")
    print(" " * 19 + "phases " + ", ".join(f"{k} {v} s" for k, v in f["phases"].items()))
    slow = sorted(f["write_steps"].items(), key=lambda kv: -kv[1])[:8]
    print(" " * 19 + "write steps " + ", ".join(f"{k} {v} s" for k, v in slow))
    print(" " * 19 + "graph " + ", ".join(f"{k} {v:,}" for k, v in sorted(f["counts"].items())), flush=True)


def node_counts(store: Store) -> dict[str, int]:
    rows = store.read("MATCH (n) RETURN labels(n)[0] AS k, count(*) AS n")
    rels = store.read("MATCH ()-[r]->() RETURN count(r) AS n")[0]["n"]
    return {**{r["k"]: r["n"] for r in rows}, "relationships": rels}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--platforms", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--data", type=Path, help="an existing dataset folder (skips generation)")
    parser.add_argument("--more", type=Path, help="a second dataset to load on top (incremental load)")
    parser.add_argument("--more-as-is", action="store_true", help="do not make --more's ids disjoint")
    parser.add_argument("--naive-fraction", type=float, default=0.01,
                        help="share of every write step written row by row for the naive baseline (0: skip)")
    parser.add_argument("--no-cypher", action="store_true", help="skip the Cypher-path baseline")
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
    if args.data is None and not (data / "truth.json").exists():
        generate(data, args.platforms, args.seed)
    truth = json.loads((data / "truth.json").read_text(encoding="utf-8")) if (data / "truth.json").exists() else {}
    more = args.more
    if more is not None and not args.more_as_is:
        more = disjoint_copy(more, Path(f"{more}-disjoint"))

    figures: dict = {"dataset": str(data), "load_average_start": [round(x, 2) for x in os.getloadavg()]}
    print(f"dataset {data}; load average at start {figures['load_average_start']}", flush=True)
    with Store() as store:
        store.verify()
        if args.naive_fraction > 0:
            reset(store)
            figures["naive"] = naive_baseline(store, data, args.naive_fraction)
        reset(store)
        figures["bulk"] = timed_ingest(data, "--bulk", store)
        if truth:
            figures["bulk"]["matches_truth"] = all(figures["bulk"]["counts"].get(k, 0) == v
                                                   for k, v in truth["expected_counts"]["nodes"].items())
        if not args.no_cypher:
            reset(store)
            figures["cypher"] = timed_ingest(data, "--no-bulk", store)
            figures["same_counts"] = figures["cypher"]["counts"] == figures["bulk"]["counts"]
        if more is not None:  # on top of the last load (one wipe fewer of a 100,000-platform graph)
            figures["incremental"] = timed_ingest(more, "--no-bulk", store)
    figures["load_average_end"] = [round(x, 2) for x in os.getloadavg()]

    print(f"dataset            {data}  (load average at start {figures['load_average_start']}, "
          f"end {figures['load_average_end']})")
    for name in ("bulk", "incremental", "cypher"):
        if name in figures:
            print(f"[{name}]")
            show(figures[name])
    if "cypher" in figures:
        b, c = figures["bulk"], figures["cypher"]
        print(f"bulk vs cypher      wall {b['seconds']} s vs {c['seconds']} s "
              f"({c['seconds'] / b['seconds']:.1f}× faster); CPU (Python + Neo4j) "
              f"{b['python_cpu_seconds'] + (b['neo4j_cpu_seconds'] or 0):.1f} s vs "
              f"{c['python_cpu_seconds'] + (c['neo4j_cpu_seconds'] or 0):.1f} s; same counts: {figures['same_counts']}")
    if "matches_truth" in figures["bulk"]:
        print(f"counts = truth      {figures['bulk']['matches_truth']}")
    if "naive" in figures:
        naive = figures["naive"]
        print(f"naive baseline      {naive['items']:,} items, one transaction each, in {naive['seconds']} s = "
              f"{naive['items_per_s']:,} items/s")
    if args.json:
        print(json.dumps(figures, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
