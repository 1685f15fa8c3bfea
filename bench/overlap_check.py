"""Proposal check (申报查重) at national scale: the kept, refreshed index vs rebuilding per request.

Prints, from one run against one graph (the current NEO4J_URI / PLATGRAPH_HOME):

1. the full index build — what a server pays once, at its first check (read and index seconds);
2. in process, sequentially, ``--checks`` checks through ``check_proposal`` with the kept index (the
   function the API route calls): p50 / p95 / p99;
3. the baseline in the same run: the check as it was before the index was kept — everything read and
   fitted per request (``check_proposal`` without an index), for ``--rebuilds`` requests (a handful:
   each one costs a full build), run one after the other (under concurrency they would only queue
   behind each other: two cores);
4. over HTTP: ``platgraph serve --workers N`` for each N of ``--workers`` (2: the index built once
   in the parent before the workers are forked, api/workers.py; 1: one process that builds it at
   its first check) and ``--clients`` concurrent closed-loop clients posting ``--requests`` checks as
   the API's default answer (reasons for the strongest ten pairs): p50 / p95 / p99, the server's and
   the load generator's own CPU per check, with the start-up and the first request after it timed
   apart. ``--client``: ``asyncio`` (one event loop, raw keep-alive HTTP/1.1, bench/http_load.py:
   ~0.1 ms of CPU per check) and/or ``threads`` (one httpx thread per client, ~1 ms), one after the
   other against the same server with the same bodies;
5. read-only, the refresh a ``--simulate``-platform ingest causes: the platforms reloaded by key as if
   restated, their hosts re-read, the index updated in memory, then a check — every step of the
   refresh except that the stamp queries find nothing (no run wrote);
6. with ``--in-memory K``: the profiles replicated K times in memory (disjoint copies), indexed,
   checked and updated by a 20-platform delta — the CPU side at K times the size;
7. with ``--after-ingest`` (WRITES to the graph, with ``--yes``): while the server (the first of
   ``--workers``) runs with its index built, a small batch is ingested by ``platgraph ingest`` in
   its own process, as a planner runs it: round 1 adds ``--batch`` new near-duplicates named
   「测试批次…」 (an existing platform's core as another type, at a new 测试批次 institution with a new
   two-person team); round 2 revokes them (状态 撤销), so the graph's counted platforms are as
   before. Each round prints the time from the ingest's exit to the first answered check (which
   refreshes the index), whether that answer has the new platform (round 1) or no longer has it
   (round 2), the next checks (another worker refreshes its own index at its first check), and the
   same refresh in this process with its parts.

Read-only measures (1–6) on any graph; 7 writes only 测试批次 platforms, institutions and people
(allowed on the shared graph for this; a scratch graph can be made by ``--generate``, which EMPTIES
it and loads the sample; ``--replicate K`` then makes K disjoint copies inside Neo4j).
CPU-heavy at 100,000 platforms: run it once, under the heavy-run lock. Commands: docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import csv
import gc
import os
import random
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import orjson

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "bench"))

import http_load  # noqa: E402  (bench/)

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
API_REASONS = 10  # api/routers/overlaps.py DEFAULT_REASONS (bench/api.py shadows the api package here)


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
    for explain, what in ((None, "every pair's reasons (the CLI)"),
                          (API_REASONS, f"reasons of the strongest {API_REASONS} (the API's default)")):
        times, pairs = [], 0
        for body in bodies:
            t = time.perf_counter()
            pairs += len(check_proposal(store, body, index=index, explain=explain)["pairs"])
            times.append(time.perf_counter() - t)
        print(f"  {what}: {spread(times)}; max {max(times) * 1000:.1f} ms; {pairs / len(bodies):.1f} pairs per check")
    if not rebuilds:
        return
    print(f"\n== 3. baseline: rebuild per request (read + fit every platform), {rebuilds} requests ==")
    base = []
    for body in bodies[:rebuilds]:
        t = time.perf_counter()
        check_proposal(store, body)  # no index: everything read and fitted for this request
        base.append(time.perf_counter() - t)
    print(f"  {spread(base)}; each {', '.join(f'{b:.1f}' for b in base)} s")


def serve(port: int, workers: int) -> tuple[subprocess.Popen, str, float]:
    """``platgraph serve`` as it is run in production (docs/operations.md); returns the process, its
    URL and the seconds until it answered its health check (with 2+ workers: the index built)."""
    env = {**os.environ, "PLATGRAPH_API_CACHE_SECONDS": "1"}
    t0 = time.perf_counter()
    server = subprocess.Popen([sys.executable, "-m", "api.cli", "serve", "--port", str(port), "--workers",
                               str(workers)], cwd=REPO, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base_url = f"http://127.0.0.1:{port}"
    for _ in range(600):
        try:
            if httpx.get(base_url + API + "/health", timeout=5).status_code < 500:
                break
        except httpx.HTTPError:
            time.sleep(0.5)
    return server, base_url, time.perf_counter() - t0


def stop(server: subprocess.Popen) -> None:
    server.terminate()
    server.wait(timeout=60)


def timed_post(base_url: str, body: dict, client: httpx.Client | None = None) -> tuple[float, httpx.Response]:
    """One check; with ``client``, on its kept-alive connections (a planner's browser keeps them too:
    a new client per request would measure the bench's TLS-context and connection set-up)."""
    if client is None:
        with httpx.Client(base_url=base_url, timeout=300) as c:
            return timed_post(base_url, body, c)
    t0 = time.perf_counter()
    r = client.post(API + "/overlaps/check", json=body)
    return time.perf_counter() - t0, r


def cpu_seconds(pid: int) -> float:
    """User + system CPU of a process and its (reaped or live) children, from /proc."""
    total = 0.0
    pids = [pid]
    for task in Path(f"/proc/{pid}/task").iterdir():
        pids += [int(c) for c in (task / "children").read_text().split()]
    for p in pids:
        fields = Path(f"/proc/{p}/stat").read_text().rsplit(")", 1)[1].split()
        total += sum(int(f) for f in fields[11:15])  # utime stime cutime cstime
    return total / os.sysconf("SC_CLK_TCK")


def over_http(base_url: str, server: subprocess.Popen, index: CheckIndex, clients: int, requests: int,
              started: float, workers: int, passes: int, kinds: list[str]) -> None:
    print(f"\n== 4. over HTTP: platgraph serve --workers {workers}, {clients} concurrent clients "
          f"({' then '.join(kinds)}), {passes} x {requests} checks each ==")
    t_first, first = timed_post(base_url, proposals(index, 1, seed=11)[0])
    print(f"  start-up to the first health answer {started:.1f} s; first check after it {t_first:.2f} s "
          f"(status {first.status_code}; {'the index was built before the workers forked' if workers > 1 else 'it builds the index'})")
    n = 0
    for client in kinds:
        for _ in range(passes):
            print(f"  {client} pass {n + 1} ({'the first checks after start-up' if n == 0 else 'the server warm'}):",
                  end="")
            http_pass(base_url, server, proposals(index, requests, seed=11 + n), clients, client)
            n += 1


def http_pass(base_url: str, server: subprocess.Popen, bodies: list[dict], clients: int, client: str) -> None:
    """``bodies`` posted by ``clients`` closed-loop clients on kept-alive connections: ``asyncio`` (one
    event loop, raw HTTP/1.1, bench/http_load.py) or ``threads`` (httpx, one thread per client — the
    generator of the figures before 2026-12-01 08:00). Same bodies, same server, same concurrency;
    the client's own CPU (this process, during the pass) is printed beside the server's."""
    # the load generator's own garbage-collection pauses (this process also holds the bench's index,
    # not frozen): a pause here would time every answer in flight late. Measured 2026-12-02: 2-3
    # collections per pass, the longest 0.4 ms, so not what makes the tail (docs/benchmarks.md)
    pauses: list[float] = []
    started: list[float] = []

    def timed_gc(phase: str, info: dict) -> None:
        if phase == "start":
            started[:] = [time.perf_counter()]
        elif started:
            pauses.append(time.perf_counter() - started[0])

    gc.callbacks.append(timed_gc)
    cpu0, own0 = cpu_seconds(server.pid), time.process_time()
    t = time.perf_counter()
    if client == "asyncio":
        answers = http_load.run(base_url, API + "/overlaps/check", bodies, clients)
        results = [(a.seconds, a.status, a.content) for a in answers]
    else:
        limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
        with httpx.Client(base_url=base_url, timeout=300, limits=limits) as shared, \
                ThreadPoolExecutor(max_workers=clients) as pool:
            done = list(pool.map(lambda b: timed_post(base_url, b, shared), bodies))
        results = [(s, r.status_code, r.content) for s, r in done]
    wall = time.perf_counter() - t
    cpu, own = cpu_seconds(server.pid) - cpu0, time.process_time() - own0
    gc.callbacks.remove(timed_gc)
    lat = [r[0] for r in results]
    bad = sum(1 for r in results if r[1] != 200)
    ok = [orjson.loads(r[2]) for r in results if r[1] == 200]
    pairs = sum(len(a["pairs"]) for a in ok) / max(len(ok), 1)
    explained = sum(a["explained"] for a in ok) / max(len(ok), 1)
    size = sum(len(r[2]) for r in results) / len(results)
    n = len(results)
    print(f" {n} checks in {wall:.1f} s ({n / wall:.0f}/s), non-200: {bad}; latency {spread(lat)}; "
          f"server CPU {cpu / n * 1000:.1f} ms per check; client ({client}) CPU {own / n * 1000:.2f} ms per check; "
          f"{pairs:.1f} pairs ({explained:.1f} with reasons), {size / 1024:.1f} KB per answer; client GC "
          f"{len(pauses)} collections, longest {max(pauses, default=0) * 1000:.1f} ms; {load()}")


def write_csv(path: Path, rows: list[list[str]]) -> None:
    with open(path, "w", encoding="utf-8-sig", newline="") as fh:
        csv.writer(fh).writerows(rows)


def make_batch(index: CheckIndex, folder: Path, size: int, tag: str) -> tuple[list[list[str]], dict]:
    """A small dataset of ``size`` new near-duplicates named 「测试批次…」: an existing platform's core as
    another type, at a new 测试批次 institution with a new two-person team. Returns its platform rows
    (round 2 revokes them) and the proposal that should find the first new platform."""
    rng = random.Random(tag)
    # platforms whose name has a core: a company-named 企业技术中心 (广西某某科技有限公司技术中心) has
    # none (the company name is cut), so a proposal of its name at another, new host has nothing in
    # common with it and "found" would measure the pick, not the refresh
    picked = rng.sample([p for p in index.ordered if p.core], size)
    folder.mkdir(parents=True)
    insts = [["单位名称", "单位类型", "所在市"]]
    plats = [PLATFORM_HEADER]
    people = [["姓名", "工作单位", "职称"]]
    members = [["平台", "人员", "角色"]]
    for n, prof in enumerate(picked):
        inst = f"测试批次研究院{tag}{n}"
        key = f"TEST-{tag}-{n}"
        insts.append([inst, "科研院所", prof.city or "南宁"])
        plats.append([key, f"测试批次{tag}{n}广西{prof.core or prof.name}工程研究中心", "工程研究中心", inst, "自治区级",
                      prof.city or "南宁", "2026", "运行", ";".join(prof.fields[:3])])
        for m in range(2):
            people.append([f"测试批次人员{tag}{n}号{m}", inst, "研究员"])
            members.append([key, f"测试批次人员{tag}{n}号{m}", "负责人" if m == 0 else "核心成员"])
    write_csv(folder / "单位.csv", insts)
    write_csv(folder / "平台.csv", plats)
    write_csv(folder / "人才.csv", people)
    write_csv(folder / "平台人员.csv", members)
    first = picked[0]
    return plats[1:], {"name": f"广西{first.core or first.name}工程技术研究中心", "type": "工程技术研究中心",
                       "host": f"测试批次研究院{tag}0", "key": f"TEST-{tag}-0"}


PLATFORM_HEADER = ["编号", "平台名称", "平台类型", "依托单位", "级别", "所在市", "认定年份", "状态", "研究方向"]


def ingest(folder: Path, rejects: Path) -> tuple[float, subprocess.CompletedProcess]:
    t = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "api.cli", "ingest", str(folder), "--rejects", str(rejects)],
                          cwd=REPO, capture_output=True, text=True)
    return time.perf_counter() - t, done


def after_ingest(store: Store, base_url: str, index: CheckIndex, batch: int, workdir: Path) -> None:
    print(f"\n== 7. first check after an ingest: round 1 adds {batch} 测试批次 platforms, round 2 revokes them ==")
    tag = time.strftime("%m%d%H%M", time.gmtime())
    rows, proposal = make_batch(index, workdir / "add", batch, tag)
    expect = proposal.pop("key")
    revoke = workdir / "revoke"
    revoke.mkdir()
    write_csv(revoke / "平台.csv", [PLATFORM_HEADER] + [row[:7] + ["撤销"] + row[8:] for row in rows])
    current = index
    for r, (folder, want) in enumerate([(workdir / "add", True), (revoke, False)]):
        for _ in range(3):  # every worker's index up to date before the ingest
            timed_post(base_url, proposal)
        t_ingest, done = ingest(folder, workdir / f"rejects{r}.csv")
        if done.returncode != 0:
            print(f"  ingest failed ({done.returncode}): {done.stderr[-400:]}")
            return
        elapsed, answer = timed_post(base_url, proposal)
        found = expect in [p["b"]["id"] for p in answer.json().get("pairs", [])]
        following = [timed_post(base_url, proposal)[0] for _ in range(4)]
        t = time.perf_counter()
        refreshed = refresh_check_index(store, current)
        t_refresh = time.perf_counter() - t
        print(f"  round {r + 1} ({'add' if want else 'revoke'} {batch}): ingest {t_ingest:.1f} s; first check after "
              f"its exit answered in {elapsed:.2f} s (status {answer.status_code}, the new platform "
              f"{'found' if found else 'not in the answer'}: {'as expected' if found == want else 'WRONG'}); next "
              f"checks {', '.join(f'{x:.2f}' for x in following)} s; in process the refresh took {t_refresh:.2f} s "
              f"({refreshed.how}, {len(refreshed.reloaded)} platforms reloaded; {len(refreshed):,} counted); {load()}")
        current = refreshed


def simulated_refresh(store: Store, index: CheckIndex, batch: int) -> None:
    """The refresh a small ingest causes, without writing: ``batch`` platforms reloaded by key as if
    restated, their hosts re-read, the index updated in memory — every step of
    :func:`refresh_check_index` after an ingest, with the stamp queries run for a run that wrote
    nothing (so they find nothing: with the src_run indexes a seek, without them a scan)."""
    from queries.overlap import proposal_cypher
    from queries.overlap.profiles import ACTIVE_STATUSES
    from queries.overlap.proposal_index import _changed_platforms

    print(f"\n== 5. refresh after a {batch}-platform change, simulated read-only on this graph ==")
    indexes = {r["name"] for r in store.read("SHOW INDEXES YIELD name RETURN name")}
    seeks = sum(1 for n in indexes if n.endswith("_src_run_idx"))
    picked = random.Random(3).sample(index.ordered, batch)
    keys = [p.key for p in picked]
    t = [time.perf_counter()]
    marker = read_marker(store)
    t.append(time.perf_counter())
    runs = ["(a run that wrote nothing)"]
    _changed_platforms(store, runs)
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
    parser.add_argument("--client", choices=["asyncio", "threads"], nargs="+", default=["asyncio"], help="load "
                        "generator(s), one after the other on the same server: one asyncio loop with raw keep-alive "
                        "HTTP/1.1 connections (cheap), or one httpx thread per client (the generator before)")
    parser.add_argument("--requests", type=int, default=640)
    parser.add_argument("--passes", type=int, default=2, help="HTTP passes of --requests checks (the first "
                        "after start-up; a forked worker's first checks copy the index pages they touch)")
    parser.add_argument("--port", type=int, default=8807)
    parser.add_argument("--workers", type=int, nargs="+", default=[2], help="serve with these worker counts, one after "
                        "the other (the first also for --after-ingest)")
    parser.add_argument("--after-ingest", action="store_true", help="measure the first check after an ingest "
                        "(WRITES: adds, then revokes, --batch 测试批次 platforms)")
    parser.add_argument("--batch", type=int, default=20, help="at most 50")
    parser.add_argument("--in-memory", type=int, default=0, help="also replicate the profiles K times in memory")
    parser.add_argument("--simulate", type=int, default=20, help="read-only refresh of this many platforms (0: skip)")
    args = parser.parse_args()
    if (args.generate or args.after_ingest) and not args.yes:
        parser.error("--generate and --after-ingest write to the graph of the current NEO4J_URI; pass --yes")
    if not 0 < args.batch <= 50:
        parser.error("--batch: 1 to 50 platforms")
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
        for n, workers in enumerate(args.workers):
            server, base_url, started = serve(args.port, workers)
            try:
                if args.clients:
                    over_http(base_url, server, index, args.clients, args.requests, started, workers, args.passes,
                              args.client)
                if args.after_ingest and n == 0:
                    after_ingest(store, base_url, index, args.batch, Path(tmp))
            finally:
                stop(server)
    print(f"\nend {time.strftime('%Y-%m-%d %H:%M:%S', time.gmtime())} UTC, {load()}")


if __name__ == "__main__":
    main()
