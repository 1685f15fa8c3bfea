"""Benchmark: the HTTP API under concurrent readers while an ingest and an analysis run (issue 10).

Run against YOUR OWN Neo4j (``--yes`` is needed to load the sample into an empty graph or, with
``--reload``, to empty it first):

    NEO4J_URI=bolt://127.0.0.1:7721 NEO4J_PASSWORD=platgraph-test-password \\
        PLATGRAPH_HOME=.platgraph/test-7721 python bench/load.py --yes

What happens, in one run:

1. the default sample (2,000 platforms, seed 7) is loaded and analysed if the graph has none;
2. uvicorn serves the API in a separate process (response cache on, as in production);
3. ``--clients`` readers (asyncio tasks, one keep-alive HTTP/1.1 connection each, this process)
   call a random read endpoint each time — lists and search, details and neighbourhoods, overlaps
   and groups, gaps/coverage/plan — without pause, through three phases:
   *quiet* (``--quiet`` seconds: the baseline in the same run), *ingest* (``platgraph ingest`` of
   the sample again, a separate process writing the whole dataset) and *analysis*
   (``POST /api/v1/analyses`` through the same server: overlap, gaps and coverage recomputed and
   written back);
4. it prints, per phase and endpoint group, throughput, p50/p95/p99 latency and errors (any answer
   other than 200, or a failed connection), checks that the new analysis run is what
   ``/analyses/latest`` serves right after, and writes the table to ``docs/benchmarks.md`` ("Load").

Target (issue 10): no errors, and p99 of reads under 250 ms on the default sample.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import subprocess
import sys
import tempfile
import threading
import time
from collections import defaultdict
from pathlib import Path
from urllib.parse import urlsplit

import h11
import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.api import (  # noqa: E402
    COUNT_PLATFORMS,
    SAMPLE_KEYS,
    Connection,
    Endpoint,
    Result,
    encode,
    ensure_sample,
    free_port,
    start_server,
    stop_server,
    warm,
    write_section,
)
from bench.api import endpoints as api_endpoints  # noqa: E402
from graph.store import Store  # noqa: E402

SECTION = "## Load"
TARGET_P99_MS = 250.0
BENCH_KEY = "load-bench-admin-key"
GROUPS = {
    "platforms (list)": "lists and search", "platforms (search q)": "lists and search",
    "institutions (list)": "lists and search", "industries (list)": "lists and search",
    "platforms/{id}": "details", "graph/neighbourhood depth 1": "details",
    "overlaps (list)": "overlaps", "overlaps/groups": "overlaps",
    "gaps": "gaps, coverage, plan", "coverage": "gaps, coverage, plan", "plan (cached per run)": "gaps, coverage, plan",
}
PHASES = ("quiet", "ingest", "analysis")


class Phase:
    """The current phase, shared by the writer thread and the readers."""

    def __init__(self) -> None:
        self.name = "quiet"
        self.started = {"quiet": time.perf_counter()}
        self.ended: dict[str, float] = {}
        self.done = threading.Event()
        self.notes: list[str] = []
        self.failed: str | None = None

    def switch(self, name: str) -> None:
        now = time.perf_counter()
        self.ended[self.name] = now
        self.name = name
        self.started[name] = now


def writer(phase: Phase, base: str, dataset: Path, quiet: float, env: dict[str, str]) -> None:
    """Quiet baseline, then the ingest (CLI, separate process), then the analysis (through the API)."""
    try:
        time.sleep(quiet)
        phase.switch("ingest")
        began = time.perf_counter()
        proc = subprocess.run([sys.executable, "-m", "api.cli", "ingest", str(dataset), "--format", "json"],
                              cwd=ROOT, env=env, capture_output=True, text=True, timeout=3600)
        if proc.returncode != 0:
            raise RuntimeError(f"ingest failed ({proc.returncode}): {proc.stderr[-2000:]}")
        phase.notes.append(f"ingest (platgraph ingest, separate process): {time.perf_counter() - began:.1f} s")
        phase.switch("analysis")
        began = time.perf_counter()
        response = httpx.post(f"{base}/api/v1/analyses", headers={"X-API-Key": BENCH_KEY}, timeout=3600)
        if response.status_code != 200:
            raise RuntimeError(f"POST /analyses answered {response.status_code}: {response.text[:500]}")
        run = response.json()["run"]
        phase.notes.append(f"analysis (POST /api/v1/analyses, run {run}): {time.perf_counter() - began:.1f} s")
        latest = httpx.get(f"{base}/api/v1/analyses/latest", timeout=60).json().get("key")
        phase.notes.append(f"/analyses/latest right after the POST: {latest} "
                           f"({'the new run' if latest == run else 'STALE'})")
        if latest != run:
            phase.failed = "stale /analyses/latest after POST /analyses"
    except Exception as exc:  # reported, and the run counts as failed
        phase.failed = str(exc)
    finally:
        phase.switch("done")
        phase.done.set()


async def readers(base: str, plan: list[Endpoint], clients: int, seed: int,
                  phase: Phase) -> dict[tuple[str, str], list[tuple[float, bool]]]:
    parsed = urlsplit(base)
    samples: dict[tuple[str, str], list[tuple[float, bool]]] = defaultdict(list)

    async def reader(worker_id: int) -> None:
        rng = random.Random(seed * 1000 + worker_id)
        conn = Connection(parsed.hostname or "127.0.0.1", parsed.port or 80)
        try:
            while not phase.done.is_set():
                endpoint = rng.choice(plan)
                target, body, headers = encode(*endpoint.make(rng))
                current = phase.name
                began = time.perf_counter()
                try:
                    status, _, _ = await conn.request(endpoint.method, target, body, headers)
                    ok = status == 200
                except (OSError, h11.ProtocolError):
                    ok = False
                    await conn.close()
                if current in PHASES:
                    samples[(current, GROUPS[endpoint.name])].append(((time.perf_counter() - began) * 1000, ok))
        finally:
            await conn.close()

    await asyncio.gather(*(reader(i) for i in range(clients)))
    return samples


def summarise(samples: dict[tuple[str, str], list[tuple[float, bool]]], phase: Phase) -> list[tuple[str, Result]]:
    rows: list[tuple[str, Result]] = []
    for name in PHASES:
        seconds = phase.ended.get(name, time.perf_counter()) - phase.started.get(name, 0.0)
        everything: list[tuple[float, bool]] = []
        for group in dict.fromkeys(GROUPS.values()):
            got = samples.get((name, group), [])
            everything += got
            if got:
                rows.append((name, Result(group, len(got), sum(not ok for _, ok in got), seconds,
                                          [ms for ms, _ in got])))
        if everything:
            rows.append((name, Result("all reads", len(everything), sum(not ok for _, ok in everything), seconds,
                                      [ms for ms, _ in everything])))
    return rows


def render(rows: list[tuple[str, Result]], phase: Phase, args: argparse.Namespace, platforms: int,
           load: tuple[float, float]) -> str:
    lines = [
        SECTION,
        "",
        f"`python bench/load.py --yes` — uvicorn (1 worker, response cache on) on 127.0.0.1, {args.clients} "
        "concurrent readers (asyncio tasks, one keep-alive connection each, in the bench process) calling a "
        "random read endpoint each time, without pause; default sample "
        f"({platforms} platforms, seed {args.seed}). Phases: *quiet* ({args.quiet:.0f} s baseline in the same "
        "run), *ingest* (`platgraph ingest` of the sample again, a separate process) and *analysis* "
        "(`POST /api/v1/analyses` through the same server). Measured "
        f"{time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())} on the shared 2-core development machine "
        f"(readers, server, ingest and Neo4j on the same cores; 1-minute load average {load[0]:.1f} at the "
        f"start, {load[1]:.1f} at the end). Target: no errors, p99 of reads < {TARGET_P99_MS:.0f} ms.",
        "",
        "| phase | endpoint group | requests | errors | req/s | p50 ms | p95 ms | p99 ms | target |",
        "|---|---|---:|---:|---:|---:|---:|---:|---|",
    ]
    for name, r in rows:
        target = ""
        if r.name == "all reads":
            target = "ok" if r.errors == 0 and r.pct(99) < TARGET_P99_MS else "**missed**"
        label = f"**{r.name}**" if r.name == "all reads" else r.name
        lines.append(f"| {name} | {label} | {r.requests} | {r.errors} | {r.rps:.0f} | {r.pct(50):.1f} | "
                     f"{r.pct(95):.1f} | {r.pct(99):.1f} | {target} |")
    lines += ["", *[f"- {note}" for note in phase.notes]]
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--clients", type=int, default=24, help="concurrent readers")
    parser.add_argument("--quiet", type=float, default=15.0, help="seconds of reads before the ingest")
    parser.add_argument("--platforms", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--reload", action="store_true", help="empty the graph and load the sample first")
    parser.add_argument("--yes", action="store_true", help="confirm writing to (and with --reload emptying) this Neo4j")
    parser.add_argument("--database", help="the database name, required with --yes when NEO4J_URI is not the local engine")
    parser.add_argument("--no-write", action="store_true", help="do not update docs/benchmarks.md")
    args = parser.parse_args()
    from graph.settings import announce_wipe
    announce_wipe(args.yes, args.database)  # names the target; remote needs --database
    if not args.yes:
        sys.exit("this benchmark ingests into the configured Neo4j: pass --yes (and point NEO4J_URI at your own engine)")

    load_start = os.getloadavg()[0]
    with Store() as store:
        store.verify()
        ensure_sample(store, args)
        platforms = store.read(COUNT_PLATFORMS)[0]["n"]
        keys = [row["key"] for row in store.read(SAMPLE_KEYS)]
    plan = [e for e in api_endpoints(keys, 0) if e.name in GROUPS]

    from ingest.sample import generate_sample

    with tempfile.TemporaryDirectory() as tmp:
        dataset = Path(tmp) / "sample"
        generate_sample(dataset, platforms=args.platforms, seed=args.seed)
        env = {**os.environ, "PLATGRAPH_API_KEY": BENCH_KEY}
        port = free_port()
        server = start_server(port, 1, {"PLATGRAPH_API_KEY": BENCH_KEY})
        base = f"http://127.0.0.1:{port}"
        try:
            warm(base, plan)
            phase = Phase()
            thread = threading.Thread(target=writer, args=(phase, base, dataset, args.quiet, env), daemon=True)
            thread.start()
            samples = asyncio.run(readers(base, plan, args.clients, args.seed, phase))
            thread.join()
        finally:
            stop_server(server)
    rows = summarise(samples, phase)
    load_end = os.getloadavg()[0]
    print(f"\n  {'phase':<9} {'endpoint group':<22} {'n':>6} {'err':>4} {'req/s':>6} {'p50':>7} {'p95':>7} {'p99':>7}  (ms)")
    for name, r in rows:
        print(f"  {name:<9} {r.name:<22} {r.requests:>6} {r.errors:>4} {r.rps:>6.0f} {r.pct(50):>7.1f} "
              f"{r.pct(95):>7.1f} {r.pct(99):>7.1f}")
    for note in phase.notes:
        print(f"  {note}")
    print(f"  load average {load_start:.1f} → {load_end:.1f}")
    if phase.failed:
        sys.exit(f"load run failed: {phase.failed}")
    if not args.no_write:
        write_section(render(rows, phase, args, platforms, (load_start, load_end)), SECTION)
        print("  written to docs/benchmarks.md (section “Load”)")


if __name__ == "__main__":
    main()
