"""The proposal check through the API's ASGI app in process: CPU per request, the HTTP server left out.

Builds the app as ``platgraph serve`` does (``create_app``, the check index preloaded and frozen as
``api/workers.py`` does before forking), then calls the app directly with ``--requests`` bench-style
proposals (bench/overlap_check.py ``proposals``: an existing platform's core as a 技术创新中心 at its
host, half with its fields) one after the other, after 50 warm-up requests. Prints the process CPU
and wall time per request; ``--profile`` adds a cProfile of the timed requests; ``--answers FILE``
writes the answers, so two checkouts can be compared byte for byte. Read-only, against the current
NEO4J_URI / PLATGRAPH_HOME; run it from the checkout to measure (cwd first on sys.path).
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import gc
import os
import pstats
import random
import sys
import time
from typing import Any

import orjson

sys.path.insert(0, os.getcwd())  # the checkout measured (bench/api.py must not shadow the api package)

from api.app import create_app  # noqa: E402
from api.workers import preload_check_index  # noqa: E402
from graph.settings import get_settings  # noqa: E402

PATH = "/api/v1/overlaps/check"


def proposals(index: Any, n: int, seed: int) -> list[dict]:
    """The same proposals as bench/overlap_check.py ``proposals`` for the same seed."""
    rng = random.Random(seed)
    out = []
    for prof in rng.sample(index.ordered, min(n, len(index))):
        host = prof.institutions.get(prof.host or "", None)
        body = {"name": f"广西{prof.core or prof.name}技术创新中心", "type": "技术创新中心", "host": host}
        if rng.random() < 0.5 and prof.fields:
            body["fields"] = prof.fields[:5]
        out.append({k: v for k, v in body.items() if v})
    return out


async def post(app: Any, body: bytes) -> tuple[int, bytes]:
    scope = {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "POST", "scheme": "http",
             "path": PATH, "raw_path": PATH.encode(), "query_string": b"", "root_path": "",
             "headers": [(b"host", b"127.0.0.1:8000"), (b"content-type", b"application/json"),
                         (b"content-length", str(len(body)).encode())],
             "client": ("127.0.0.1", 5000), "server": ("127.0.0.1", 8000)}
    sent = False

    async def receive() -> dict:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        await asyncio.sleep(3600)
        return {"type": "http.disconnect"}

    messages: list[dict] = []

    async def send(message: dict) -> None:
        messages.append(message)

    await app(scope, receive, send)
    return messages[0]["status"], b"".join(m.get("body", b"") for m in messages[1:])


async def run(args: argparse.Namespace) -> None:
    settings = get_settings()
    app = create_app(settings)
    print(f"index preloaded in {preload_check_index(app, settings):.1f} s")
    gc.freeze()
    bodies = [orjson.dumps(b) for b in proposals(app.state.last_check_index, args.requests, args.seed)]
    async with app.router.lifespan_context(app):
        for body in bodies[:50]:
            await post(app, body)  # the first goes to the route's thread (the index kept from then on)
        profile = cProfile.Profile() if args.profile else None
        t0, c0 = time.perf_counter(), time.process_time()
        if profile:
            profile.enable()
        answers = [await post(app, body) for body in bodies]
        if profile:
            profile.disable()
        wall, cpu = time.perf_counter() - t0, time.process_time() - c0
    n = len(bodies)
    print(f"{n} checks: {cpu / n * 1000:.3f} ms CPU, {wall / n * 1000:.3f} ms wall per request; "
          f"statuses {sorted({s for s, _ in answers})}; load average {os.getloadavg()[0]:.2f}")
    if args.answers:
        with open(args.answers, "wb") as f:
            f.write(b"\n".join(a for _, a in answers))
    if profile:
        pstats.Stats(profile).sort_stats("cumulative").print_stats(40)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--profile", action="store_true")
    parser.add_argument("--answers", help="write the answers here (one JSON per line)")
    asyncio.run(run(parser.parse_args()))


if __name__ == "__main__":
    main()
