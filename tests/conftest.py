"""Test harness: every test talks to a real Neo4j, never a mock.

By default the tests run their own local engine (``.platgraph/test``, Bolt on 127.0.0.1:7688), so
running them can never touch the graph a planner works in; ``PLATGRAPH_TEST_PORT`` picks another
port (and home ``.platgraph/test-<port>``) so that several developers can test side by side.
``PLATGRAPH_KEEP_TEST_ENGINE=1`` leaves the test engine running after the session (faster reruns). To test against another server, set
``PLATGRAPH_TEST_NEO4J_URI`` (and ``PLATGRAPH_TEST_NEO4J_PASSWORD``): it must be a database you
are happy to have emptied, because tests wipe it to isolate their data.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parent.parent
TEST_PORT = int(os.environ.get("PLATGRAPH_TEST_PORT", "7688"))
TEST_HOME = REPO / ".platgraph" / ("test" if TEST_PORT == 7688 else f"test-{TEST_PORT}")
TEST_PASSWORD = "platgraph-test-password"


def _configure_env() -> None:
    external = os.environ.get("PLATGRAPH_TEST_NEO4J_URI")
    os.environ["NEO4J_URI"] = external or f"bolt://127.0.0.1:{TEST_PORT}"
    os.environ["NEO4J_PASSWORD"] = os.environ.get("PLATGRAPH_TEST_NEO4J_PASSWORD", TEST_PASSWORD)
    os.environ.setdefault("NEO4J_USER", "neo4j")
    os.environ["PLATGRAPH_HOME"] = str(TEST_HOME)
    os.environ["PLATGRAPH_LANG"] = "zh"
    os.environ.setdefault("PLATGRAPH_ENGINE_HEAP", "2g")
    # Test engines live minutes, and a busy 2-core machine starts one in half the time without the C2
    # compiler (docs/operations.md, "Tests and CI"): every engine the tests start or restart.
    os.environ.setdefault("PLATGRAPH_ENGINE_JIT", "c1")
    # ... and share one class-data archive of the engine's classes (written by the first test engine
    # that stops cleanly): about 11 s less per start at load 11 (docs/operations.md).
    os.environ.setdefault("PLATGRAPH_ENGINE_CDS_DIR", str(REPO / ".platgraph" / "cds"))
    # TestClient sends Host: testserver; the API answers only allow-listed hosts (api/security.py).
    os.environ.setdefault("PLATGRAPH_ALLOWED_HOSTS", "127.0.0.1,localhost,[::1],::1,testserver")


_configure_env()

from graph import local_neo4j  # noqa: E402
from graph.database import wipe_graph  # noqa: E402
from graph.reference import load_reference  # noqa: E402
from graph.schema import apply_schema  # noqa: E402
from graph.settings import Settings, get_settings  # noqa: E402
from graph.store import Store, reset_store  # noqa: E402


@pytest.fixture(scope="session")
def settings() -> Settings:
    get_settings.cache_clear()
    return get_settings()


@pytest.fixture(scope="session")
def engine(settings: Settings) -> Iterator[Settings]:
    """The test Neo4j: started for the session when it is the local test engine."""
    started_here = False
    if settings.uses_local_engine and not os.environ.get("PLATGRAPH_TEST_NEO4J_URI"):
        # the session engine serves most of the suite for its whole length: it keeps the C2 compiler
        # (a 3-minute subset of its tests: 263 s with C1 only, 187 s with C2; docs/operations.md);
        # the engines the fault tests start and stop keep the quicker-starting C1 of the environment
        started_here = local_neo4j.start(settings.model_copy(update={"platgraph_engine_jit": "full"}))["started"]
    yield settings
    reset_store()
    if started_here and not os.environ.get("PLATGRAPH_KEEP_TEST_ENGINE"):
        local_neo4j.stop(settings)


@pytest.fixture(scope="session")
def store(engine: Settings) -> Iterator[Store]:
    with Store(engine) as st:
        st.verify()
        apply_schema(st)
        yield st


def wipe(store: Store) -> None:
    wipe_graph(store)


class GraphState:
    """Owns what the test database holds, so no test module tracks it by hand.

    :meth:`use` makes the graph hold the named dataset: emptied, reference data loaded, then
    ``build(store)`` (its result is kept and returned). A dataset loaded with ``keep=True`` (its
    users only read) is reused by the next request for the same name, provided the graph still has
    the node and relationship counts it had after loading — a test that wrote anyway forces a
    reload instead of handing a changed graph on. Anything else reloads every time.
    """

    def __init__(self, store: Store) -> None:
        self.store = store
        self.name: str | None = None
        self.results: dict[str, Any] = {}
        self._fingerprint: tuple[int, int] | None = None

    def _counts(self) -> tuple[int, int]:
        row = self.store.read(COUNTS)[0]
        return int(row["nodes"]), int(row["rels"])

    def use(self, name: str, build: Callable[[Store], Any] | None = None, *, keep: bool = False) -> Any:
        if keep and self.name == name and self._fingerprint == self._counts():
            return self.results.get(name)
        self.name = None  # until the load has finished
        wipe(self.store)
        load_reference(self.store)
        self.results[name] = build(self.store) if build is not None else None
        self.name = name
        self._fingerprint = self._counts() if keep else None
        return self.results[name]

    def reset(self) -> Store:
        """Empty the graph and load the reference data again, in the middle of a test (a test that
        loads the same data twice to compare); the graph then holds no named dataset."""
        self.name = None
        wipe(self.store)
        load_reference(self.store)
        return self.store

    def changed(self) -> None:
        """A test replaced the graph by other means (``db reset``, a round trip): reload next time."""
        self.name = None


COUNTS = "CALL () { MATCH (n) RETURN count(n) AS nodes } CALL () { MATCH ()-[r]->() RETURN count(r) AS rels } " \
         "RETURN nodes, rels"


@pytest.fixture(scope="session")
def graph_state(store: Store) -> GraphState:
    return GraphState(store)


@pytest.fixture
def clean_graph(graph_state: GraphState) -> Store:
    """An empty graph with only the reference taxonomy, cities and industries loaded."""
    graph_state.use("clean")
    return graph_state.store


@pytest.fixture(scope="session")
def sample_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The default sample dataset (2,000 platforms, seed 7) with its truth.json, generated once."""
    from ingest.sample import generate_sample

    out = tmp_path_factory.mktemp("sample")
    generate_sample(out)
    return out


@pytest.fixture
def sample_graph(graph_state: GraphState, sample_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Store:
    """The sample dataset ingested into an otherwise clean graph (loaded once, reused while unchanged).

    Tests using it must not modify the graph; :func:`sample_summary` is the ingest summary.
    """
    from ingest.pipeline import ingest_dataset

    rejects = tmp_path_factory.mktemp("rejects") / "rejects.csv"
    graph_state.use("sample", lambda store: ingest_dataset(store, sample_dir, rejects_path=rejects), keep=True)
    return graph_state.store


@pytest.fixture
def sample_summary(sample_graph: Store, graph_state: GraphState) -> dict[str, Any]:
    """The ingest summary of the sample graph."""
    return dict(graph_state.results["sample"])


@pytest.fixture(scope="session")
def clean_sample(graph_state: GraphState, sample_dir: Path,
                 tmp_path_factory: pytest.TempPathFactory) -> tuple[tuple[set, set], dict[str, int]]:
    """What one clean ingest of the sample leaves (:func:`tests.faults_common.snapshot` and
    ``counts``), read once per session from the sample graph: the fault tests compare an interrupted
    or contended ingest with it instead of each ingesting the sample once more to know."""
    from ingest.pipeline import ingest_dataset
    from tests.faults_common import counts, snapshot

    rejects = tmp_path_factory.mktemp("rejects") / "rejects.csv"
    graph_state.use("sample", lambda store: ingest_dataset(store, sample_dir, rejects_path=rejects), keep=True)
    return snapshot(graph_state.store), counts(graph_state.store)
