"""Benchmark: the HTTP API under 32 concurrent clients on the default sample.

Run against YOUR OWN Neo4j (``--reload --yes`` empties it and loads the sample):

    NEO4J_URI=bolt://127.0.0.1:7706 NEO4J_PASSWORD=platgraph-test-password \\
        PLATGRAPH_HOME=.platgraph/test-7706 python bench/api.py --reload --yes

It starts uvicorn on 127.0.0.1 on a free port (a separate process, as in production), then drives
each endpoint with ``--clients`` threads (one httpx client each) for ``--requests`` requests, and
prints requests/s and p50/p95/p99 latency per endpoint. The baseline in the same run is
``GET /health`` (one trivial Cypher round trip through the same stack): the distance between it and
an endpoint is what that endpoint's own work costs. The target (issue 7) is p99 < 100 ms for the
list and overlap endpoints on the default sample at 32 clients. Results are written to
``docs/benchmarks.md``, section "API".
"""

from __future__ import annotations

import argparse
import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from graph.store import Store  # noqa: E402

BENCH_DOC = ROOT / "docs" / "benchmarks.md"
SECTION = "## API"
TARGET_P99_MS = 100.0
# Endpoints the p99 target applies to (issue 7: "list and overlap endpoints").
TARGETED = {"platforms (list)", "platforms (search q)", "institutions (list)", "industries (list)",
            "overlaps (list)", "overlaps/groups"}

COUNT_PLATFORMS = "MATCH (p:Platform) RETURN count(p) AS n"
SAMPLE_KEYS = "MATCH (p:Platform) RETURN p.key AS key ORDER BY p.key LIMIT 500"


@dataclass
class Endpoint:
    name: str
    method: str
    make: Callable[[random.Random], tuple[str, dict]]  # rng -> (path, httpx kwargs)
    requests: int


@dataclass
class Result:
    name: str
    requests: int
    errors: int
    seconds: float
    latencies_ms: list[float]

    def pct(self, q: float) -> float:
        ordered = sorted(self.latencies_ms)
        return ordered[min(len(ordered) - 1, int(round(q / 100 * (len(ordered) - 1))))]

    @property
    def rps(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def ensure_sample(store: Store, args: argparse.Namespace) -> None:
    """Load the default sample and analyse it when asked (or when the graph has no platforms)."""
    have = store.read(COUNT_PLATFORMS)[0]["n"]
    if have and not args.reload:
        print(f"  using the loaded graph: {have} platforms")
    else:
        if not args.yes:
            sys.exit("loading the sample empties this Neo4j: pass --yes (and point NEO4J_URI at your own engine)")
        from api.commands.db import migrate_database, wipe_graph
        from ingest.pipeline import ingest_dataset
        from ingest.sample import generate_sample

        wipe_graph(store)
        migrate_database(store)
        with tempfile.TemporaryDirectory() as tmp:
            began = time.perf_counter()
            generate_sample(Path(tmp) / "sample", platforms=args.platforms, seed=args.seed)
            summary = ingest_dataset(store, Path(tmp) / "sample", rejects_path=Path(tmp) / "rejects.csv")
            print(f"  sample {args.platforms} platforms (seed {args.seed}) loaded in "
                  f"{time.perf_counter() - began:.1f} s: read {summary['read']}, rejected {summary['rejected']}")
    from queries.runs import latest_run

    if args.reload or latest_run(store) is None:
        from queries.analyze import run_all

        began = time.perf_counter()
        run_all(store)
        print(f"  analyses written back in {time.perf_counter() - began:.1f} s")


def start_server(port: int, workers: int) -> subprocess.Popen:
    cmd = [sys.executable, "-m", "uvicorn", "api.app:create_app", "--factory", "--host", "127.0.0.1",
           "--port", str(port), "--workers", str(workers), "--log-level", "warning", "--no-access-log"]
    proc = subprocess.Popen(cmd, cwd=ROOT, env=os.environ.copy())
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/api/v1/health", timeout=2).status_code == 200:
                return proc
        except httpx.HTTPError:
            pass
        if proc.poll() is not None:
            sys.exit("uvicorn exited before answering")
        time.sleep(0.3)
    proc.terminate()
    sys.exit("uvicorn did not answer /health within 60 s")


def endpoints(keys: list[str], n: int) -> list[Endpoint]:
    from urllib.parse import quote

    cities = ["南宁", "柳州", "桂林", "玉林", "北海"]
    words = ["工程", "实验室", "技术创新", "智能", "农业", "材料", "医学"]
    industries = ["机械装备", "汽车及新能源汽车", "蔗糖", "生物医药", "电子信息"]
    proposal = {"name": "广西智能农机装备工程研究中心", "type": "工程研究中心", "level": "自治区级",
                "city": "柳州", "fields": ["智能农机", "农业机械"], "industries": ["机械装备"]}

    def get(path: str, **params: object) -> tuple[str, dict]:
        return path, {"params": params}

    return [
        Endpoint("health (baseline)", "GET", lambda r: get("/api/v1/health"), n),
        Endpoint("platforms (list)", "GET", lambda r: get("/api/v1/platforms", city=r.choice(cities),
                                                          limit=50, offset=r.choice([0, 50, 100])), n),
        Endpoint("platforms (search q)", "GET", lambda r: get("/api/v1/platforms", q=r.choice(words), limit=20), n),
        Endpoint("platforms/{id}", "GET", lambda r: get(f"/api/v1/platforms/{quote(r.choice(keys), safe='')}"), n),
        Endpoint("institutions (list)", "GET", lambda r: get("/api/v1/institutions", limit=50,
                                                             offset=r.choice([0, 50, 100])), n),
        Endpoint("industries (list)", "GET", lambda r: get("/api/v1/industries"), n),
        Endpoint("graph/neighbourhood depth 1", "GET",
                 lambda r: get(f"/api/v1/graph/neighbourhood/{quote(r.choice(keys), safe='')}"), n),
        Endpoint("overlaps (list)", "GET", lambda r: get("/api/v1/overlaps", limit=100,
                                                         offset=r.choice([0, 100]), min_score=0.0), n),
        Endpoint("overlaps/groups", "GET", lambda r: get("/api/v1/overlaps/groups", limit=100), n),
        Endpoint("gaps", "GET", lambda r: get("/api/v1/gaps", industry=r.choice(industries)), max(n // 4, 32)),
        Endpoint("coverage", "GET", lambda r: get("/api/v1/coverage"), max(n // 4, 32)),
        Endpoint("plan (cached per run)", "GET", lambda r: get("/api/v1/plan"), max(n // 4, 32)),
        # Live: scores the proposal against every platform (seconds each), so one request per client.
        Endpoint("overlaps/check (POST, live)", "POST", lambda r: ("/api/v1/overlaps/check", {"json": proposal}),
                 32),
    ]


def drive(base: str, endpoint: Endpoint, clients: int, seed: int) -> Result:
    local = threading.local()
    counter = iter(range(endpoint.requests))
    lock = threading.Lock()
    latencies: list[float] = []
    errors = 0

    def worker(worker_id: int) -> None:
        nonlocal errors
        rng = random.Random(seed * 1000 + worker_id)
        client = getattr(local, "client", None) or httpx.Client(base_url=base, timeout=300)
        local.client = client
        while True:
            with lock:
                if next(counter, None) is None:
                    return
            path, kwargs = endpoint.make(rng)
            began = time.perf_counter()
            try:
                ok = client.request(endpoint.method, path, **kwargs).status_code == 200
            except httpx.HTTPError:
                ok = False
            elapsed = (time.perf_counter() - began) * 1000
            with lock:
                latencies.append(elapsed)
                errors += 0 if ok else 1

    began = time.perf_counter()
    with ThreadPoolExecutor(max_workers=clients) as pool:
        list(pool.map(worker, range(clients)))
    return Result(endpoint.name, len(latencies), errors, time.perf_counter() - began, latencies)


def render(results: list[Result], args: argparse.Namespace, platforms: int, load: tuple[float, float]) -> str:
    lines = [
        f"{SECTION}",
        "",
        f"`python bench/api.py` — uvicorn ({args.workers} worker(s)) on 127.0.0.1, {args.clients} concurrent "
        f"clients (threads, one httpx client each), default sample ({platforms} platforms, seed {args.seed}), "
        f"analyses written back; measured {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())} on the shared "
        f"2-core development machine (client, server and Neo4j on the same cores; 1-minute load average "
        f"{load[0]:.1f} at the start, {load[1]:.1f} at the end). Baseline in the same run: "
        f"`GET /health` (one trivial Cypher round trip). Target: p99 < {TARGET_P99_MS:.0f} ms for list and "
        "overlap endpoints (marked ◎).",
        "",
        "| endpoint | requests | errors | req/s | p50 ms | p95 ms | p99 ms | target |",
        "|---|---:|---:|---:|---:|---:|---:|---|",
    ]
    for r in results:
        target = ""
        if r.name in TARGETED:
            target = "◎ ok" if r.pct(99) < TARGET_P99_MS else "◎ **missed**"
        lines.append(f"| {r.name} | {r.requests} | {r.errors} | {r.rps:.0f} | {r.pct(50):.1f} | {r.pct(95):.1f} | "
                     f"{r.pct(99):.1f} | {target} |")
    return "\n".join(lines) + "\n"


def write_section(text: str) -> None:
    """Replace (or append) the "API" section of docs/benchmarks.md, leaving other sections alone."""
    existing = BENCH_DOC.read_text(encoding="utf-8") if BENCH_DOC.exists() else "# Benchmarks\n"
    lines = existing.splitlines(keepends=True)
    start = next((i for i, line in enumerate(lines) if line.rstrip() == SECTION), None)
    if start is None:
        updated = existing.rstrip("\n") + "\n\n" + text
    else:
        end = next((i for i in range(start + 1, len(lines)) if lines[i].startswith("## ")), len(lines))
        updated = "".join(lines[:start]) + text + ("\n" + "".join(lines[end:]) if end < len(lines) else "")
    BENCH_DOC.write_text(updated, encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--clients", type=int, default=32)
    parser.add_argument("--requests", type=int, default=640, help="requests per list endpoint")
    parser.add_argument("--workers", type=int, default=1, help="uvicorn worker processes")
    parser.add_argument("--platforms", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--reload", action="store_true", help="empty the graph and load the sample")
    parser.add_argument("--yes", action="store_true", help="confirm emptying this Neo4j")
    parser.add_argument("--no-write", action="store_true", help="do not update docs/benchmarks.md")
    args = parser.parse_args()

    load_start = os.getloadavg()[0]
    with Store() as store:
        store.verify()
        ensure_sample(store, args)
        platforms = store.read(COUNT_PLATFORMS)[0]["n"]
        keys = [row["key"] for row in store.read(SAMPLE_KEYS)]
    port = free_port()
    server = start_server(port, args.workers)
    base = f"http://127.0.0.1:{port}"
    try:
        plan = endpoints(keys, args.requests)
        with httpx.Client(base_url=base, timeout=60) as warm:  # first calls compile plans, fill caches
            rng = random.Random(0)
            for endpoint in plan:
                for _ in range(3):
                    path, kwargs = endpoint.make(rng)
                    warm.request(endpoint.method, path, **kwargs)
        print(f"\n  {'endpoint':<30} {'n':>5} {'err':>4} {'req/s':>7} {'p50':>7} {'p95':>7} {'p99':>7}  (ms)")
        results = []
        for endpoint in plan:
            result = drive(base, endpoint, args.clients, args.seed)
            results.append(result)
            mark = ""
            if endpoint.name in TARGETED:
                mark = "  ok" if result.pct(99) < TARGET_P99_MS else f"  > {TARGET_P99_MS:.0f} ms target"
            print(f"  {result.name:<30} {result.requests:>5} {result.errors:>4} {result.rps:>7.0f} "
                  f"{result.pct(50):>7.1f} {result.pct(95):>7.1f} {result.pct(99):>7.1f}{mark}")
        baseline = results[0]
        print(f"\n  baseline /health p50 {baseline.pct(50):.1f} ms; median of endpoint p50s "
              f"{statistics.median(r.pct(50) for r in results[1:]):.1f} ms; load average "
              f"{load_start:.1f} → {os.getloadavg()[0]:.1f}")
    finally:
        server.terminate()
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            server.kill()
    if not args.no_write:
        write_section(render(results, args, platforms, (load_start, os.getloadavg()[0])))
        print(f"  written to {BENCH_DOC.relative_to(ROOT)} (section “API”)")


if __name__ == "__main__":
    main()
