"""Proposal check (申报查重) speed at national scale: index per data version vs rebuild per request.

Prints, from one run against one graph:

1. in-process: building the check index once (what the first check after an ingest pays), then the
   per-check time with the index kept, beside the previous approach — re-fitting the tf-idf vectors
   over every platform on each request (profiles kept, as the API did);
2. over HTTP: ``POST /overlaps/check`` from ``--clients`` concurrent clients against ``platgraph
   serve`` (one process), latency p50 / p99, with the first request after start-up (which builds the
   index) timed apart.

The graph is the one of the current settings (NEO4J_URI …). With ``--generate N`` it is EMPTIED and
loaded with the N-platform sample (``--replicate K`` then makes K disjoint copies inside Neo4j, the
way ``bench/overlap.py --replicate`` does: 10,000 × 10 = 100,000 platforms). Run it once when the
code is ready — it is CPU-heavy:

    NEO4J_URI=bolt://127.0.0.1:7804 PLATGRAPH_HOME=.platgraph/scratch \\
        python bench/overlap_check.py --yes --generate 10000 --replicate 10 --clients 32
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "bench"))

from graph.store import Store  # noqa: E402
from queries.overlap import build_check_index, check_proposal  # noqa: E402
from queries.overlap.proposal import CheckIndex  # noqa: E402

API = "/api/v1"


def proposals(index: CheckIndex, n: int, seed: int = 5) -> list[dict]:
    """Proposals a planner might send: an existing platform's name with another type suffix, its
    host, and (for half of them) its fields — so every check has real candidates to score."""
    rng = random.Random(seed)
    out = []
    for prof in rng.sample(index.ordered, min(n, len(index.ordered))):
        host = prof.institutions.get(prof.host or "", None)
        body = {"name": f"广西{prof.core or prof.name}技术创新中心", "type": "技术创新中心", "host": host}
        if rng.random() < 0.5 and prof.fields:
            body["fields"] = prof.fields[:5]
        out.append({k: v for k, v in body.items() if v})
    return out


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def in_process(store: Store, checks: int) -> CheckIndex:
    print("\n== 1. in process ==")
    t0 = time.perf_counter()
    index = build_check_index(store)
    t_build = time.perf_counter() - t0
    bodies = proposals(index, checks)
    t1 = time.perf_counter()
    first = check_proposal(store, bodies[0], index=index)
    t_first = time.perf_counter() - t1
    print(f"  {len(index):,} platforms; index built in {t_build:.2f} s; first check after it "
          f"{t_first * 1000:.0f} ms -> first check after an ingest {t_build + t_first:.2f} s "
          f"({len(first['pairs'])} pairs)")
    times = []
    for body in bodies:
        t = time.perf_counter()
        check_proposal(store, body, index=index)
        times.append(time.perf_counter() - t)
    print(f"  index kept: {len(times)} checks, median {statistics.median(times) * 1000:.1f} ms, "
          f"p99 {percentile(times, 0.99) * 1000:.1f} ms")
    profiles = {p.key: p for p in index.ordered}
    base = []
    for body in bodies[:3]:
        t = time.perf_counter()
        check_proposal(store, body, index=CheckIndex(profiles))  # tf-idf re-fitted for this request
        base.append(time.perf_counter() - t)
    print(f"  baseline, tf-idf re-fitted per request (profiles kept): {len(base)} checks, "
          f"median {statistics.median(base) * 1000:.0f} ms")
    return index


def over_http(index: CheckIndex, clients: int, requests: int, port: int) -> None:
    print(f"\n== 2. over HTTP: {clients} concurrent clients, {requests} checks ==")
    env = {**os.environ, "PLATGRAPH_API_CACHE_SECONDS": "60"}
    server = subprocess.Popen([sys.executable, "-m", "api.cli", "serve", "--port", str(port)], cwd=REPO, env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base_url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(120):
            try:
                if httpx.get(base_url + API + "/health", timeout=2).status_code < 500:
                    break
            except httpx.HTTPError:
                time.sleep(0.5)
        bodies = proposals(index, requests, seed=11)
        with httpx.Client(base_url=base_url, timeout=120) as c:
            t = time.perf_counter()
            first = c.post(API + "/overlaps/check", json=bodies[0])
            t_first = time.perf_counter() - t
        print(f"  first check after start-up (builds the index): {t_first:.2f} s, status {first.status_code}")

        def one(body: dict) -> tuple[float, int]:
            with httpx.Client(base_url=base_url, timeout=120) as c:
                t0 = time.perf_counter()
                r = c.post(API + "/overlaps/check", json=body)
                return time.perf_counter() - t0, r.status_code

        t = time.perf_counter()
        with ThreadPoolExecutor(max_workers=clients) as pool:
            results = list(pool.map(one, bodies))
        wall = time.perf_counter() - t
        lat = [r[0] for r in results]
        bad = sum(1 for r in results if r[1] != 200)
        print(f"  {len(results)} checks in {wall:.1f} s ({len(results) / wall:.0f}/s), non-200: {bad}; latency "
              f"p50 {percentile(lat, 0.5) * 1000:.0f} ms, p99 {percentile(lat, 0.99) * 1000:.0f} ms")
    finally:
        server.terminate()
        server.wait(timeout=30)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--yes", action="store_true", help="confirm: with --generate the graph is emptied")
    parser.add_argument("--generate", type=int, help="load the N-platform sample first (empties the graph)")
    parser.add_argument("--replicate", type=int, default=1, help="then make K disjoint copies of it")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--checks", type=int, default=200)
    parser.add_argument("--clients", type=int, default=32)
    parser.add_argument("--requests", type=int, default=640)
    parser.add_argument("--port", type=int, default=8807)
    args = parser.parse_args()
    with Store() as store:
        store.verify()
        if args.generate:
            if not args.yes:
                parser.error("--generate empties the graph of the current NEO4J_URI; pass --yes to confirm")
            from overlap import load_sample, replicate

            with tempfile.TemporaryDirectory() as tmp:
                load_sample(store, args.generate, args.seed, Path(tmp), overlap_inputs_only=True)
            if args.replicate > 1:
                print(f"  replicated x{args.replicate} inside Neo4j in {replicate(store, args.replicate):.1f} s")
        index = in_process(store, args.checks)
    if args.clients:
        over_http(index, args.clients, args.requests, args.port)


if __name__ == "__main__":
    main()
