"""Proposal check (申报查重) at national scale: the kept, refreshed index vs rebuilding per request.

Prints, from one run against one graph (the current NEO4J_URI / PLATGRAPH_HOME):

1. the full index build — what a server pays once, at its first check (read and index seconds);
2. in process, sequentially, ``--checks`` checks through ``check_proposal`` with the kept index (the
   function the API route calls): p50 / p95 / p99;
3. the baseline in the same run: the check as it was before the index was kept — everything read and
   fitted per request (``check_proposal`` without an index), for ``--rebuilds`` requests (a handful:
   each one costs a full build), run one after the other (under concurrency they would only queue
   behind each other: two cores);
4. over HTTP: ``platgraph serve`` (one process) and ``--clients`` concurrent clients posting
   ``--requests`` checks: p50 / p95 / p99, with the first request after start-up (which builds the
   index) timed apart;
5. read-only, the refresh a ``--simulate``-platform ingest causes: the platforms reloaded by key as if
   restated, their hosts re-read, the index updated in memory, then a check — every step of the
   refresh except that the stamp queries find nothing (no run wrote);
6. with ``--in-memory K``: the profiles replicated K times in memory (disjoint copies), indexed,
   checked and updated by a 20-platform delta — the CPU side at K times the size;
7. with ``--after-ingest`` (WRITES to the graph: a scratch copy only, and ``--yes``): while the server
   runs with its index built, a small batch (``--batch`` platforms: new near-duplicates at new
   institutions with new teams, and existing platforms revoked) is ingested by ``platgraph ingest``
   in its own process, as a planner runs it; then the time from the ingest's exit to the first
   answered check (which refreshes the index), whether that check finds a new platform, and the same
   refresh in this process with its parts.

Read-only measures (1–6) on the shared graph; 7 on a scratch graph, e.g. one made by ``--generate``
(EMPTIES the graph and loads the sample; ``--replicate K`` then makes K disjoint copies inside Neo4j).
CPU-heavy at 100,000 platforms: run it once, under the heavy-run lock. Commands: docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import csv
import os
import random
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
from queries.overlap import check_proposal  # noqa: E402
from queries.overlap.profiles import load_profiles  # noqa: E402
from queries.overlap.proposal_index import (  # noqa: E402
    CheckIndex,
    NameLookups,
    check_index_stats,
    read_marker,
    refresh_check_index,
)

API = "/api/v1"


def load() -> str:
    one, five, fifteen = os.getloadavg()
    return f"load average {one:.2f}, {five:.2f}, {fifteen:.2f}"


def proposals(index: CheckIndex, n: int, seed: int = 5) -> list[dict]:
    """Proposals a planner might send: an existing platform's name core with another type, its host
    and (for half of them) its fields — so every check has real candidates to score."""
    rng = random.Random(seed)
    out = []
    for prof in rng.sample(index.ordered, min(n, len(index))):
        host = prof.institutions.get(prof.host or "", None)
        body = {"name": f"广西{prof.core or prof.name}技术创新中心", "type": "技术创新中心", "host": host}
        if rng.random() < 0.5 and prof.fields:
            body["fields"] = prof.fields[:5]
        out.append({k: v for k, v in body.items() if v})
    return out


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def spread(values: list[float]) -> str:
    return (f"p50 {percentile(values, 0.5) * 1000:.1f} ms, p95 {percentile(values, 0.95) * 1000:.1f} ms, "
            f"p99 {percentile(values, 0.99) * 1000:.1f} ms")


def full_build(store: Store) -> CheckIndex:
    print("\n== 1. full index build (once per server: its first check) ==")
    t0 = time.perf_counter()
    marker = read_marker(store)
    profiles = load_profiles(store)
    lookups = NameLookups(store)
    t_read = time.perf_counter()
    index = CheckIndex(profiles, lookups, marker)
    t_index = time.perf_counter()
    print(f"  {check_index_stats(index)}; read {t_read - t0:.2f} s + index {t_index - t_read:.2f} s = "
          f"{t_index - t0:.2f} s")
    return index


def in_process(store: Store, index: CheckIndex, checks: int, rebuilds: int) -> None:
    print(f"\n== 2. kept index, in process, {checks} checks one after the other ==")
    bodies = proposals(index, checks)
    times, pairs = [], 0
    for body in bodies:
        t = time.perf_counter()
        pairs += len(check_proposal(store, body, index=index)["pairs"])
        times.append(time.perf_counter() - t)
    print(f"  {spread(times)}; max {max(times) * 1000:.1f} ms; {pairs / len(bodies):.1f} pairs per check")
    print(f"\n== 3. baseline: rebuild per request (read + fit every platform), {rebuilds} requests ==")
    base = []
    for body in bodies[:rebuilds]:
        t = time.perf_counter()
        check_proposal(store, body)  # no index: everything read and fitted for this request
        base.append(time.perf_counter() - t)
    print(f"  {spread(base)}; each {', '.join(f'{b:.1f}' for b in base)} s")


def serve(port: int) -> tuple[subprocess.Popen, str]:
    env = {**os.environ, "PLATGRAPH_API_CACHE_SECONDS": "1"}
    server = subprocess.Popen([sys.executable, "-m", "api.cli", "serve", "--port", str(port)], cwd=REPO, env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base_url = f"http://127.0.0.1:{port}"
    for _ in range(240):
        try:
            if httpx.get(base_url + API + "/health", timeout=2).status_code < 500:
                break
        except httpx.HTTPError:
            time.sleep(0.5)
    return server, base_url


def timed_post(base_url: str, body: dict, client: httpx.Client | None = None) -> tuple[float, httpx.Response]:
    """One check; with ``client``, on its kept-alive connections (a planner's browser keeps them too:
    a new client per request would measure the bench's TLS-context and connection set-up)."""
    if client is None:
        with httpx.Client(base_url=base_url, timeout=300) as c:
            return timed_post(base_url, body, c)
    t0 = time.perf_counter()
    r = client.post(API + "/overlaps/check", json=body)
    return time.perf_counter() - t0, r


def over_http(base_url: str, index: CheckIndex, clients: int, requests: int) -> None:
    print(f"\n== 4. over HTTP: {clients} concurrent clients, {requests} checks ==")
    bodies = proposals(index, requests, seed=11)
    t_first, first = timed_post(base_url, bodies[0])
    print(f"  first check after start-up (builds the index): {t_first:.2f} s, status {first.status_code}")
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
    with httpx.Client(base_url=base_url, timeout=300, limits=limits) as shared, \
            ThreadPoolExecutor(max_workers=clients) as pool:
        t = time.perf_counter()
        results = list(pool.map(lambda b: timed_post(base_url, b, shared), bodies))
        wall = time.perf_counter() - t
    lat = [r[0] for r in results]
    bad = sum(1 for r in results if r[1].status_code != 200)
    print(f"  {len(results)} checks in {wall:.1f} s ({len(results) / wall:.0f}/s), non-200: {bad}; latency {spread(lat)}")


def write_csv(path: Path, rows: list[list[str]]) -> None:
    with open(path, "w", encoding="utf-8-sig", newline="") as fh:
        csv.writer(fh).writerows(rows)


def make_batch(index: CheckIndex, folder: Path, size: int, tag: str) -> dict:
    """A small dataset: ``size // 2`` new near-duplicates (an existing platform's core as another type,
    at a new institution with a new two-person team) and ``size // 2`` existing platforms revoked.
    Returns the proposal that should find the first new platform."""
    rng = random.Random(tag)
    picked = rng.sample(index.ordered, size)
    new, revoked = picked[: size // 2], picked[size // 2:]
    folder.mkdir(parents=True)
    insts = [["单位名称", "单位类型", "所在市"]]
    plats = [["编号", "平台名称", "平台类型", "依托单位", "级别", "所在市", "认定年份", "状态", "研究方向"]]
    people = [["姓名", "工作单位", "职称"]]
    members = [["平台", "人员", "角色"]]
    for n, prof in enumerate(new):
        inst = f"基准新建研究院{tag}{n}"
        key = f"BENCH-{tag}-{n}"
        insts.append([inst, "科研院所", prof.city or "南宁"])
        plats.append([key, f"广西{prof.core or prof.name}工程研究中心", "工程研究中心", inst, "自治区级",
                      prof.city or "南宁", "2026", "运行", ";".join(prof.fields[:3])])
        for m in range(2):
            people.append([f"基准人员{tag}{n}号{m}", inst, "研究员"])
            members.append([key, f"基准人员{tag}{n}号{m}", "负责人" if m == 0 else "核心成员"])
    for prof in revoked:
        plats.append([prof.key, prof.name, prof.type or "", "", prof.level or "", prof.city or "", "", "撤销", ""])
    write_csv(folder / "单位.csv", insts)
    write_csv(folder / "平台.csv", plats)
    write_csv(folder / "人才.csv", people)
    write_csv(folder / "平台人员.csv", members)
    first = new[0]
    return {"name": f"广西{first.core or first.name}工程技术研究中心", "type": "工程技术研究中心",
            "host": f"基准新建研究院{tag}0", "key": f"BENCH-{tag}-0"}


def after_ingest(store: Store, base_url: str, index: CheckIndex, batch: int, rounds: int, workdir: Path) -> None:
    print(f"\n== 7. first check after an ingest ({rounds} rounds, {batch} platforms each: "
          f"{batch // 2} new, {batch // 2} revoked) ==")
    current = index
    for r in range(rounds):
        proposal = make_batch(current, workdir / f"batch{r}", batch, f"{os.getpid()}r{r}")
        expect = proposal.pop("key")
        timed_post(base_url, proposal)  # the server's index is up to date before the ingest
        t = time.perf_counter()
        done = subprocess.run([sys.executable, "-m", "api.cli", "ingest", str(workdir / f"batch{r}"), "--rejects",
                               str(workdir / f"rejects{r}.csv")], cwd=REPO, capture_output=True, text=True)
        t_ingest = time.perf_counter() - t
        if done.returncode != 0:
            print(f"  ingest failed ({done.returncode}): {done.stderr[-400:]}")
            return
        elapsed, answer = timed_post(base_url, proposal)
        found = [p["b"]["id"] for p in answer.json().get("pairs", [])]
        t = time.perf_counter()
        refreshed = refresh_check_index(store, current)
        t_refresh = time.perf_counter() - t
        gone = sum(1 for line in (workdir / f"batch{r}" / "平台.csv").read_text(encoding="utf-8-sig").splitlines()
                   if line.endswith(",撤销,") and line.split(",")[0] in refreshed.row_of)
        print(f"  round {r + 1}: ingest {t_ingest:.1f} s; first check after it answered in {elapsed:.2f} s "
              f"(status {answer.status_code}, new platform found: {expect in found}); in process the refresh "
              f"took {t_refresh:.2f} s ({refreshed.how}; {len(refreshed):,} platforms, revoked still in: {gone})")
        current = refreshed


def simulated_refresh(store: Store, index: CheckIndex, batch: int) -> None:
    """The refresh a small ingest causes, without writing: ``batch`` platforms reloaded by key as if
    restated, their hosts re-read, the index updated in memory — every step of
    :func:`refresh_check_index` after an ingest, with the stamp queries run for a run that wrote
    nothing (so they find nothing: with the src_run indexes a seek, without them a scan)."""
    from queries.overlap import proposal_cypher
    from queries.overlap.profiles import ACTIVE_STATUSES

    print(f"\n== 5. refresh after a {batch}-platform change, simulated read-only on this graph ==")
    indexes = {r["name"] for r in store.read("SHOW INDEXES YIELD name RETURN name")}
    seeks = sum(1 for n in indexes if n.endswith("_src_run_idx"))
    picked = random.Random(3).sample(index.ordered, batch)
    keys = [p.key for p in picked]
    t = [time.perf_counter()]
    marker = read_marker(store)
    t.append(time.perf_counter())
    runs = ["(a run that wrote nothing)"]
    store.read(proposal_cypher.CHANGED_PLATFORMS, {"runs": runs})
    store.read(proposal_cypher.RESTATED_ENDS, {"runs": runs})
    t.append(time.perf_counter())
    loaded = load_profiles(store, keys=keys)
    lookups = index.lookups.updated(store, sorted({p.host for p in picked if p.host})) if index.lookups else None
    t.append(time.perf_counter())
    new = index.updated(dict(loaded), lookups, marker)
    t.append(time.perf_counter())
    store.read(proposal_cypher.ACTIVE_PLATFORMS, {"statuses": ACTIVE_STATUSES})
    t.append(time.perf_counter())
    check_proposal(store, proposals(new, 1, seed=17)[0], index=new)
    t.append(time.perf_counter())
    parts = ["marker", "stamp queries", "keyed reads", "in-memory update", "count check", "the check"]
    print(f"  first check after the change: {t[-1] - t[0]:.2f} s = " + " + ".join(
        f"{name} {t[i + 1] - t[i]:.2f}" for i, name in enumerate(parts)) + f" ({new.how}; src_run indexes: {seeks}/6)")


def in_memory_scale(store: Store, index: CheckIndex, factor: int, checks: int) -> None:
    """The graph's profiles replicated ``factor`` times in memory (disjoint copies: keys, hosts and
    people suffixed), indexed, checked and updated by a 20-platform delta — the CPU side of the
    check and of the refresh at ``factor`` times the size, without a database of that size."""
    import copy

    print(f"\n== 6. in memory, the profiles x{factor} ==")
    profiles: dict[str, object] = {}
    for k in range(factor):
        for p in index.ordered:
            q = copy.deepcopy(p)
            q.core, q.key = "", f"{p.key}#{k}" if k else p.key
            if k:
                q.institutions = {f"{i}#{k}": n for i, n in p.institutions.items()}
                q.host = f"{p.host}#{k}" if p.host else None
                q.people = {f"{r}#{k}": n for r, n in p.people.items()}
            profiles[q.key] = q
    t = time.perf_counter()
    big = CheckIndex(profiles, index.lookups, index.marker)  # type: ignore[arg-type]
    t_build = time.perf_counter() - t
    bodies = proposals(big, checks)
    times = []
    for body in bodies:
        t = time.perf_counter()
        check_proposal(store, body, index=big)
        times.append(time.perf_counter() - t)
    picked = random.Random(3).sample(big.ordered, 20)
    changed = {p.key: copy.deepcopy(p) for p in picked[:10]}
    for n, p in enumerate(picked[10:]):
        q = copy.deepcopy(p)
        q.key = f"NEW{n}"
        changed[q.key] = q
    t = time.perf_counter()
    new = big.updated(changed, big.lookups, big.marker)  # type: ignore[arg-type]
    t_update = time.perf_counter() - t
    print(f"  {len(big):,} platforms: index from profiles {t_build:.1f} s; kept-index checks {spread(times)}; "
          f"in-memory update for 20 changed platforms {t_update:.2f} s ({new.how})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--yes", action="store_true", help="confirm writing to the graph (--generate, --after-ingest)")
    parser.add_argument("--generate", type=int, help="load the N-platform sample first (EMPTIES the graph)")
    parser.add_argument("--replicate", type=int, default=1, help="then make K disjoint copies of it")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--checks", type=int, default=200, help="in-process checks with the kept index")
    parser.add_argument("--rebuilds", type=int, default=3, help="baseline requests (each a full read and fit)")
    parser.add_argument("--clients", type=int, default=32)
    parser.add_argument("--requests", type=int, default=640)
    parser.add_argument("--port", type=int, default=8807)
    parser.add_argument("--after-ingest", action="store_true", help="measure the first check after an ingest "
                        "(WRITES a small batch to the graph: scratch graphs only)")
    parser.add_argument("--batch", type=int, default=20)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--in-memory", type=int, default=0, help="also replicate the profiles K times in memory")
    parser.add_argument("--simulate", type=int, default=20, help="read-only refresh of this many platforms (0: skip)")
    args = parser.parse_args()
    if (args.generate or args.after_ingest) and not args.yes:
        parser.error("--generate and --after-ingest write to the graph of the current NEO4J_URI; pass --yes")
    print(f"start {time.strftime('%Y-%m-%d %H:%M:%S', time.gmtime())} UTC, {load()}, "
          f"NEO4J_URI={os.environ.get('NEO4J_URI', '(default)')}")
    with Store() as store, tempfile.TemporaryDirectory() as tmp:
        store.verify()
        if args.generate:
            from overlap import load_sample, replicate

            load_sample(store, args.generate, args.seed, Path(tmp), overlap_inputs_only=True)
            if args.replicate > 1:
                print(f"  replicated x{args.replicate} inside Neo4j in {replicate(store, args.replicate):.1f} s")
        index = full_build(store)
        in_process(store, index, args.checks, args.rebuilds)
        if args.simulate:
            simulated_refresh(store, index, args.simulate)
        if args.in_memory > 1:
            in_memory_scale(store, index, args.in_memory, args.checks)
        server, base_url = serve(args.port)
        try:
            if args.clients:
                over_http(base_url, index, args.clients, args.requests)
            if args.after_ingest:
                after_ingest(store, base_url, index, args.batch, args.rounds, Path(tmp))
        finally:
            server.terminate()
            server.wait(timeout=60)
    print(f"\nend {time.strftime('%Y-%m-%d %H:%M:%S', time.gmtime())} UTC, {load()}")


if __name__ == "__main__":
    main()
