"""A cheap closed-loop HTTP/1.1 load generator for the proposal-check benchmark.

Why: the benchmark's clients run on the same two cores as the server. 32 httpx client threads in
CPython spent a large share of them (the GIL hand-overs, httpx's per-request machinery), so the
server's tail latency measured the clients' CPU as much as its own. This generator is one asyncio
event loop with ``clients`` raw keep-alive connections: each sends a request (the same JSON bytes
httpx would send: ``ensure_ascii=False``, compact separators), reads the full response (status line,
headers, ``Content-Length`` or chunked body) and sends the next — a closed loop, as the threaded
client is. The latency is from the first byte written to the last byte of the answer read.
"""

from __future__ import annotations

import asyncio
import json
from dataclasses import dataclass
from urllib.parse import urlsplit


@dataclass
class Answer:
    seconds: float
    status: int
    content: bytes


def encode(body: dict) -> bytes:
    """The body as httpx's ``json=`` encodes it (httpx 0.28: compact, UTF-8, no ASCII escapes)."""
    return json.dumps(body, ensure_ascii=False, separators=(",", ":"), allow_nan=False).encode("utf-8")


def request_bytes(host: str, path: str, payload: bytes) -> bytes:
    head = (f"POST {path} HTTP/1.1\r\nHost: {host}\r\nContent-Type: application/json\r\n"
            f"Content-Length: {len(payload)}\r\nAccept: */*\r\n\r\n")
    return head.encode("ascii") + payload


async def read_response(reader: asyncio.StreamReader) -> tuple[int, bytes]:
    """One HTTP/1.1 response: its status and its whole body."""
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split(" ", 2)[1])
    headers = {k.strip().lower(): v.strip() for k, _, v in (ln.partition(":") for ln in lines[1:] if ln)}
    if "content-length" in headers:
        return status, await reader.readexactly(int(headers["content-length"]))
    if headers.get("transfer-encoding", "").lower() == "chunked":
        parts = []
        while True:
            size = int((await reader.readuntil(b"\r\n")).split(b";")[0], 16)
            if size == 0:
                await reader.readuntil(b"\r\n")
                return status, b"".join(parts)
            parts.append(await reader.readexactly(size))
            await reader.readexactly(2)
    raise ValueError(f"response without a length: {lines[0]}")


async def _run(base_url: str, path: str, bodies: list[bytes], clients: int) -> list[Answer]:
    url = urlsplit(base_url)
    host, port = url.hostname or "127.0.0.1", url.port or 80
    loop = asyncio.get_running_loop()
    results: list[Answer | None] = [None] * len(bodies)
    queue = iter(range(len(bodies)))

    async def client() -> None:
        reader, writer = await asyncio.open_connection(host, port)
        try:
            for n in queue:  # shared: each client takes the next body when its answer is in
                data = request_bytes(f"{host}:{port}", path, bodies[n])
                t0 = loop.time()
                writer.write(data)
                status, content = await read_response(reader)
                results[n] = Answer(loop.time() - t0, status, content)
        finally:
            writer.close()

    await asyncio.gather(*(client() for _ in range(min(clients, len(bodies)))))
    return [r for r in results if r is not None]


def run(base_url: str, path: str, bodies: list[dict], clients: int) -> list[Answer]:
    """Post ``bodies`` to ``path`` with ``clients`` concurrent keep-alive connections; the answers in
    the order of ``bodies``."""
    payloads = [encode(b) for b in bodies]
    return asyncio.run(_run(base_url, path, payloads, clients))
