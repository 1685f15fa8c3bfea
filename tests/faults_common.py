"""Shared pieces of the fault tests: a visible fault log, graph snapshots, the CLI as a subprocess,
and scratch engines of their own (so a test may SIGKILL one without touching the session engine).

Why the log goes around pytest's capture: the fault tests must show in CI (``make test`` runs plain
``pytest``) what they injected and what they verified, not only pass or fail.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from graph import local_neo4j
from graph.schema import apply_schema
from graph.settings import Settings
from graph.store import Store

REPO = Path(__file__).resolve().parent.parent
SCRATCH_PASSWORD = "platgraph-fault-password"


def fault_port(port: int) -> int:
    """A scratch port of the fault tests, moved with ``PLATGRAPH_TEST_PORT`` (7688 keeps the ports the
    docs name) so that two test runs side by side never share a scratch engine."""
    return port + int(os.environ.get("PLATGRAPH_TEST_PORT", "7688")) - 7688


class FaultLog:
    """``injected(...)`` / ``verified(...)`` lines printed to the terminal even under capture."""

    def __init__(self, capsys: pytest.CaptureFixture[str], name: str) -> None:
        self.capsys = capsys
        self.name = name

    def _say(self, kind: str, text: str) -> None:
        with self.capsys.disabled():
            sys.stdout.write(f"\n  [fault {self.name}] {kind}: {text}")
            sys.stdout.flush()

    def injected(self, text: str) -> None:
        self._say("INJECTED", text)

    def verified(self, text: str) -> None:
        self._say("VERIFIED", text)


def snapshot(store: Store) -> tuple[set, set]:
    """Every node and relationship with its properties, minus provenance (``src_run``), run and lock
    nodes: two loads of the same data compare equal exactly when the graphs are the same."""
    nodes = store.read("MATCH (n) WHERE NOT n:IngestRun AND NOT n:IngestLock "
                       "RETURN labels(n) AS labels, properties(n) AS p")
    rels = store.read("MATCH (a)-[r]->(b) RETURN labels(a)[0] AS la, a.key AS a, type(r) AS t, "
                      "labels(b)[0] AS lb, b.key AS b, properties(r) AS p")

    def freeze(props: dict) -> tuple:
        return tuple(sorted((k, json.dumps(v, ensure_ascii=False, default=str)) for k, v in props.items()
                            if k != "src_run"))

    return ({(tuple(sorted(n["labels"])), freeze(n["p"])) for n in nodes},
            {(r["la"], r["a"], r["t"], r["lb"], r["b"], freeze(r["p"])) for r in rels})


def counts(store: Store) -> dict[str, int]:
    nodes = store.read("MATCH (n) WHERE NOT n:IngestRun AND NOT n:IngestLock "
                       "RETURN labels(n)[0] AS k, count(*) AS n")
    rels = store.read("MATCH ()-[r]->() RETURN type(r) AS k, count(*) AS n")
    return {row["k"]: row["n"] for row in nodes + rels}


def cli_env(settings: Settings, **extra: str) -> dict[str, str]:
    env = dict(os.environ)
    env.update({"NEO4J_URI": settings.neo4j_uri, "PLATGRAPH_HOME": str(settings.home),
                "NEO4J_PASSWORD": settings.resolved_password() or "", "PLATGRAPH_LANG": "zh"})
    env.update(extra)
    return env


def cli_command(*args: str) -> list[str]:
    return [sys.executable, "-m", "api.cli", *args]


def run_cli(settings: Settings, *args: str, timeout: float = 600, **env: str) -> subprocess.CompletedProcess:
    return subprocess.run(cli_command(*args), capture_output=True, text=True, cwd=REPO,
                          env=cli_env(settings, **env), timeout=timeout, check=False)


def scratch_settings(port: int) -> Settings:
    """Settings for a scratch engine on ``port`` with its home under .platgraph/ (kept between runs)."""
    return Settings(neo4j_uri=f"bolt://127.0.0.1:{port}", platgraph_home=REPO / ".platgraph" / f"fault-{port}",
                    neo4j_password=SCRATCH_PASSWORD,
                    platgraph_engine_heap=os.environ.get("PLATGRAPH_ENGINE_HEAP", "1g"),
                    platgraph_engine_pagecache_mb=int(os.environ.get("PLATGRAPH_ENGINE_PAGECACHE_MB", "256")))


@contextmanager
def scratch_engine(port: int) -> Iterator[Settings]:
    """A local engine of the test's own, stopped afterwards: faults are injected into it alone."""
    settings = scratch_settings(port)
    local_neo4j.start(settings)
    try:
        with Store(settings) as store:
            apply_schema(store)
        yield settings
    finally:
        if local_neo4j.is_running(settings):
            local_neo4j.stop(settings)
