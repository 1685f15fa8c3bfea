"""Benchmark: the explorer in headless Chromium — render-and-settle time of a 300-node neighbourhood
(against a 50-node baseline in the same run) — and the size of the industry overview on a big graph.

Run against YOUR OWN Neo4j (it empties the graph):

    NEO4J_URI=bolt://127.0.0.1:7707 NEO4J_PASSWORD=platgraph-test-password \\
        PLATGRAPH_HOME=.platgraph/test-7707 python bench/explorer.py --yes --platforms 2000
    ... python bench/explorer.py --yes --synthetic 100000     # the overview at 100,000 platforms

``--platforms N`` generates the sample dataset (``ingest.sample``) with N platforms and ingests it
(about 0.1 s per platform on a shared 2-core machine: use it for a few thousand); ``--synthetic N``
instead creates N bare platforms (type, category, level, city, status, one industry) in bulk, which
is what the overview aggregates, for 100,000 and more; ``--reuse`` measures whatever is loaded. The page is served by
``api.app.create_app()`` through uvicorn on 127.0.0.1, and driven by Playwright with Debian's
Chromium (``/usr/bin/chromium``). The hub drawn is the node with the most neighbours among the
cities (a city has thousands of platforms in a big sample), cut at the node limit.

Figures printed: the fetch time (API + Neo4j), the render-and-settle time (vis-network draws the
nodes, runs the physics until stable and switches it off), and their sum, each the median of
``--repeat`` runs; then the overview's node and edge counts and its fetch time.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
TARGET_SECONDS = 3.0

HUB = """
MATCH (c:City)
RETURN c.key AS key, COUNT { (c)--() } AS degree
ORDER BY degree DESC LIMIT 1
"""

MEASURE_JS = """
async ([id, limit]) => {
  const ex = window.explorer;
  const t0 = performance.now();
  await ex.loadNeighbourhood(id, limit);
  const t1 = performance.now();
  await new Promise((resolve) => { const check = () => ex.state.stable ? resolve() : setTimeout(check, 5); check(); });
  const t2 = performance.now();
  return {fetch: t1 - t0, settle: t2 - t1, total: t2 - t0, nodes: ex.nodes.length, edges: ex.edges.length};
}
"""

OVERVIEW_JS = """
async () => {
  const ex = window.explorer;
  const t0 = performance.now();
  await ex.loadOverview(null);
  await new Promise((resolve) => { const check = () => ex.state.stable ? resolve() : setTimeout(check, 5); check(); });
  return {total: performance.now() - t0, nodes: ex.nodes.length, edges: ex.edges.length};
}
"""


def load_sample(platforms: int, seed: int) -> None:
    from graph.database import wipe_graph
    from graph.reference import load_reference
    from graph.schema import apply_schema
    from graph.store import Store
    from ingest.pipeline import ingest_dataset
    from ingest.sample import generate_sample

    with Store() as store, tempfile.TemporaryDirectory() as tmp:
        store.verify()
        began = time.perf_counter()
        wipe_graph(store)
        apply_schema(store)
        load_reference(store)
        generate_sample(Path(tmp), platforms=platforms, seed=seed)
        print(f"  sample generated ({platforms} platforms)      {time.perf_counter() - began:8.1f} s")
        began = time.perf_counter()
        summary = ingest_dataset(store, Path(tmp))
        print(f"  ingested: {summary.get('loaded')}  {time.perf_counter() - began:8.1f} s")


SYNTHETIC = """
UNWIND $rows AS row
CREATE (p:Platform {key: row.key, id: row.key, name: row.name, type: row.type, category: row.category,
                    level: row.level, city: row.city, status: row.status})
WITH p, row
MATCH (x:Industry {key: row.industry}) CREATE (p)-[:SERVES]->(x)
WITH p, row
MATCH (c:City {key: row.city}) CREATE (p)-[:LOCATED_IN]->(c)
"""


def load_synthetic(platforms: int, seed: int) -> None:
    """``platforms`` platforms spread over the reference types, industries (and segments) and cities:
    what the overview aggregates, at a scale the sample's full ingest cannot reach quickly here."""
    import random

    from graph.database import wipe_graph
    from graph.reference import load_cities, load_industries, load_reference, load_taxonomy
    from graph.schema import apply_schema
    from graph.store import Store

    rng = random.Random(seed)
    taxonomy = load_taxonomy()
    types = list(taxonomy.types.values())
    industries = list(load_industries())
    cities = list(load_cities())
    statuses = ["active"] * 8 + ["building", "revoked"]

    def rows():  # noqa: ANN202 - a generator of parameter rows
        for i in range(platforms):
            t = rng.choice(types)
            yield {"key": f"S{i:06d}", "name": f"合成平台{i:06d}", "type": t.key, "category": t.category,
                   "level": t.level, "city": rng.choice(cities), "status": rng.choice(statuses),
                   "industry": rng.choice(industries)}

    with Store() as store:
        store.verify()
        began = time.perf_counter()
        wipe_graph(store)
        apply_schema(store)
        load_reference(store)
        store.upsert_batches(SYNTHETIC, rows(), batch_size=10_000)
        print(f"  {platforms} synthetic platforms created        {time.perf_counter() - began:8.1f} s")


def hub_key() -> tuple[str, int]:
    from graph.store import Store

    with Store() as store:
        row = store.read(HUB)[0]
        count = store.read("MATCH (p:Platform) RETURN count(p) AS n")[0]["n"]
    print(f"  graph: {count} platforms; hub {row['key']} with {row['degree']} relationships")
    return row["key"], row["degree"]


def serve() -> tuple[Any, threading.Thread, str]:
    import socket

    import uvicorn

    from api.app import create_app

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(create_app(), host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.05)
    return server, thread, f"http://127.0.0.1:{port}"


def median(runs: list[dict], key: str) -> float:
    return statistics.median(r[key] for r in runs)


def measure(args: argparse.Namespace) -> None:
    from playwright.sync_api import sync_playwright

    hub, _ = hub_key()
    server, thread, url = serve()
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            page = browser.new_page(viewport={"width": 1400, "height": 850})
            errors: list[str] = []
            page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
            page.goto(f"{url}/explore")
            page.wait_for_function("window.explorer && window.explorer.state.stable", timeout=120_000)
            overview = page.evaluate(OVERVIEW_JS)
            if args.screenshots:
                Path(args.screenshots).mkdir(parents=True, exist_ok=True)
                page.screenshot(path=str(Path(args.screenshots) / "explorer-bench-overview.png"))
            print(f"\noverview (industries ↔ categories ↔ cities): {overview['nodes']} nodes + "
                  f"{overview['edges']} edges = {overview['nodes'] + overview['edges']} elements, "
                  f"drawn and settled in {overview['total'] / 1000:.2f} s")
            print(f"\nneighbourhood of {hub}, median of {args.repeat} runs (headless Chromium)")
            print(f"  {'limit':>6} {'nodes':>6} {'edges':>6} {'fetch s':>8} {'render+settle s':>16} {'total s':>8}")
            results = {}
            for limit in (50, 300):  # 50 is the baseline
                runs = [page.evaluate(MEASURE_JS, [hub, limit]) for _ in range(args.repeat)]
                results[limit] = runs
                print(f"  {limit:>6} {runs[-1]['nodes']:>6} {runs[-1]['edges']:>6} {median(runs, 'fetch') / 1000:>8.2f} "
                      f"{median(runs, 'settle') / 1000:>16.2f} {median(runs, 'total') / 1000:>8.2f}")
            if args.screenshots:
                page.screenshot(path=str(Path(args.screenshots) / "explorer-bench-300.png"))
                print(f"  screenshots: {args.screenshots}/explorer-bench-overview.png, explorer-bench-300.png")
            total300 = median(results[300], "total") / 1000
            verdict = "PASS" if total300 < TARGET_SECONDS else "FAIL"
            print(f"\n300-node neighbourhood: {total300:.2f} s (target < {TARGET_SECONDS:.0f} s) {verdict}; "
                  f"baseline 50 nodes: {median(results[50], 'total') / 1000:.2f} s")
            if errors:
                print(f"console errors: {errors}")
            browser.close()
    finally:
        server.should_exit = True
        thread.join(timeout=10)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--platforms", type=int, default=2000, help="sample size to generate and ingest")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--synthetic", type=int, help="instead of the sample: N synthetic platforms "
                        "(types, industries, cities, statuses) for the overview at scale, e.g. 100000")
    parser.add_argument("--screenshots", help="folder for PNGs of the overview and the 300-node view")
    parser.add_argument("--reuse", action="store_true", help="measure the graph already loaded")
    parser.add_argument("--yes", action="store_true", help="confirm: the configured graph is emptied")
    parser.add_argument("--database", help="the database name, required with --yes when NEO4J_URI is not the local engine")
    args = parser.parse_args()
    from graph.settings import announce_wipe
    announce_wipe(args.yes, args.database)  # names the target; remote needs --database
    if not args.reuse:
        if not args.yes:
            parser.error("this empties the configured graph: add --yes (or --reuse to keep it)")
        if args.synthetic:
            print(f"creating {args.synthetic} synthetic platforms (seed {args.seed})")
            load_synthetic(args.synthetic, args.seed)
        else:
            print(f"loading the sample ({args.platforms} platforms, seed {args.seed})")
            load_sample(args.platforms, args.seed)
    measure(args)


if __name__ == "__main__":
    main()
