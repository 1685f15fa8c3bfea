"""Property-based run of the OpenAPI schema (schemathesis) against the app on the real Neo4j:
generated requests for every read and check endpoint must never give a 500 and every response
must match the documented schema. Bounded examples per operation keep it well under a minute.

Uploads, re-running the analyses, building reports and the explorer's own endpoints are left out: each call is heavy and they
have their own tests (test_api_security.py, test_api_analyses.py).
"""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, settings
from pydantic import SecretStr
from schemathesis.specs.openapi.checks import positive_data_acceptance

from api.app import create_app
from graph.settings import Settings
from graph.store import Store
from tests.api_fixtures import build_small_graph
from tests.conftest import GraphState

# Random generation only: schemathesis' deterministic 'coverage' phase (boundary values of every
# parameter) triples the run time; the boundaries are asserted one by one in test_api_graph.py.
MAX_EXAMPLES = 10
HEAVY = r"^/api/v1/(datasets|analyses|reports/network)$"
# The explorer's own endpoints (api/routers/explore_overview.py, mounted by viz.explorer) are
# tested by the explorer's tests.
EXPLORER = r"^/api/v1/graph/(overview|search|subgraph|export)$"


# The app does not contact Neo4j when created, so the schema can be loaded at import time (the
# conftest has already pointed the settings at the test engine).
APP = create_app(Settings().model_copy(update={"platgraph_api_key": SecretStr("schema-admin-key-0001")}))
schema = (schemathesis.openapi.from_asgi("/openapi.json", APP)
          .exclude(path_regex=HEAVY, method="POST").exclude(path_regex=r"^/api/v1/reports/")
          .exclude(path_regex=EXPLORER))


@pytest.fixture(scope="module", autouse=True)
def small_graph(graph_state: GraphState) -> Store:
    graph_state.use("api-small", build_small_graph)
    return graph_state.store


@schema.parametrize()
@settings(max_examples=MAX_EXAMPLES, deadline=None, phases=[Phase.generate],
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much,
                                 HealthCheck.function_scoped_fixture])
def test_openapi_conformance(case: schemathesis.Case) -> None:
    # Every check except "schema-valid data is accepted": a filter naming an unknown industry or a
    # proposal with an unknown platform type is schema-valid text yet rightly refused with 422.
    case.call_and_validate(excluded_checks=[positive_data_acceptance])
