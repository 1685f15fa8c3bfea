"""``platgraph serve --workers 2`` (api/workers.py): the proposal-check index is built once in the
parent and the forked workers answer checks with it — the same answers as the query function —
and stopping the parent stops every worker. A real server process against the test engine; no
timing (bench/overlap_check.py measures the speed)."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx

from api.routers.overlaps import DEFAULT_REASONS
from graph.settings import Settings
from graph.store import Store
from queries.overlap import check_proposal
from tests.faults_common import REPO, cli_command, cli_env
from tests.overlap_fixtures import build_scenario

# without people: answered on the worker's event loop once the index is kept (api/routers/overlaps.py)
LOOP_BODY = {"name": "广西甘蔗生物育种工程研究中心", "type": "工程研究中心", "host": "广西大学",
             "fields": ["甘蔗遗传育种", "甘蔗生物技术", "分子育种"]}
BODY = {"name": "广西甘蔗生物育种工程研究中心", "type": "工程研究中心", "host": "广西大学",
        "fields": ["甘蔗遗传育种", "甘蔗生物技术", "分子育种"], "people": ["张伟"]}


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _children(pid: int) -> set[int]:
    found: set[int] = set()
    for task in Path(f"/proc/{pid}/task").iterdir():
        found.update(int(c) for c in (task / "children").read_text().split())
    return found


def _listening_pids(port: int, pids: set[int]) -> dict[int, set[str]]:
    """Of ``pids``, which hold a socket listening on ``port`` (from /proc: inode per listener)."""
    inodes = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            cols = line.split()
            if int(cols[1].rsplit(":", 1)[1], 16) == port and cols[3] == "0A":  # 0A: LISTEN
                inodes.add(f"socket:[{cols[9]}]")
    held: dict[int, set[str]] = {}
    for pid in pids:
        links = {os.readlink(fd) for fd in Path(f"/proc/{pid}/fd").iterdir() if fd.is_symlink()}
        if links & inodes:
            held[pid] = links & inodes
    return held


def test_forked_workers_share_the_preloaded_index_and_stop_with_the_parent(
        clean_graph: Store, settings: Settings, tmp_path: Path) -> None:
    build_scenario(clean_graph)
    expected = check_proposal(clean_graph, BODY, explain=DEFAULT_REASONS)
    on_loop = check_proposal(clean_graph, LOOP_BODY, explain=DEFAULT_REASONS)
    assert expected["pairs"] and on_loop["pairs"]
    port = _free_port()
    out = (tmp_path / "serve.log").open("w")
    server = subprocess.Popen(cli_command("serve", "--workers", "2", "--port", str(port)), cwd=REPO,
                              env=cli_env(settings), stdout=out, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}/api/v1"
    try:
        for _ in range(240):
            try:
                if httpx.get(base + "/health", timeout=2).status_code < 500:
                    break
            except httpx.HTTPError:
                time.sleep(0.5)
        log = (tmp_path / "serve.log").read_text()
        assert "proposal-check index built" in log or "申报查重索引已建立" in log, log
        workers = _children(server.pid)
        assert len(workers) == 2, workers
        with httpx.Client(base_url=base, timeout=60) as client, ThreadPoolExecutor(4) as pool:
            answers = list(pool.map(lambda _: client.post("/overlaps/check", json=BODY), range(12)))
            loop_answers = list(pool.map(lambda _: client.post("/overlaps/check", json=LOOP_BODY), range(12)))
        assert {a.status_code for a in answers + loop_answers} == {200}
        for answer in answers:
            assert answer.json()["pairs"] == expected["pairs"]
            assert answer.json()["explained"] == expected["explained"]
        for answer in loop_answers:
            assert answer.json()["pairs"] == on_loop["pairs"]
        assert _children(server.pid) == workers  # no worker died answering
        # each worker listens on its own SO_REUSEPORT socket (the kernel spreads connections over
        # them); the parent only holds the port, not listening
        held = _listening_pids(port, workers | {server.pid})
        assert set(held) == workers and len(set().union(*held.values())) == 2, held
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(60)
        out.close()
    for pid in workers:  # the workers are gone with the parent
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            continue
        raise AssertionError(f"worker {pid} still running after the parent stopped")
