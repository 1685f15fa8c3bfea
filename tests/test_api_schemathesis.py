"""Property-based run of the OpenAPI schema (schemathesis) against the app on the real Neo4j:
generated requests for every endpoint — reads, checks, the explorer's, uploads, analyses and
reports — must never give a 500, every response must match the documented schema, and no error
body may carry a file path, a URI or a stack trace (docs/security.md). Bounded examples per
operation keep it short.

The generated calls carry no key, so uploads, analyses and reports stop at the key check (401; the
admin check runs before an upload body is read): the work behind them is heavy and has its own
tests (test_api_analyses.py, test_api_hardening.py); what this run proves for them is the key and
the error bodies.
"""

from __future__ import annotations

import re

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, settings
from pydantic import SecretStr
from schemathesis.config import SchemathesisConfig
from schemathesis.specs.openapi.checks import positive_data_acceptance

from api.app import create_app
from graph.settings import Settings
from graph.store import Store
from tests.api_fixtures import build_small_graph
from tests.conftest import GraphState

# Random generation only: schemathesis' deterministic 'coverage' phase (boundary values of every
# parameter) triples the run time; the boundaries are asserted one by one in test_api_graph.py.
MAX_EXAMPLES = 8

# The app does not contact Neo4j when created, so the schema can be loaded at import time (the
# conftest has already pointed the settings at the test engine).
SETTINGS = Settings().model_copy(update={"platgraph_api_key": SecretStr("schema-admin-key-0001")})
APP = create_app(SETTINGS)
# A request the schema forbids may be refused for its size before it is parsed (413, the body caps of
# docs/security.md): schemathesis' default list of "rejected" statuses lacks 413, so it is added here.
CONFIG = SchemathesisConfig.from_str("""
[checks.negative_data_rejection]
expected-statuses = ["400", "401", "403", "404", "405", "406", "409", "413", "415", "422", "428", "429", "5XX"]
""")
schema = schemathesis.openapi.from_asgi("/openapi.json", APP, config=CONFIG)

# What an error body must never show: a stack trace, a URI, an absolute path (server folders,
# PLATGRAPH_HOME, temporary upload folders, log files).
LEAKS = re.compile(r'Traceback|File "|bolt://|neo4j(\+s|\+ssc)?://|(?<![\w.])/(tmp|home|root|work|srv|var|usr|etc)/'
                   r"|\.platgraph|neo4j\.log")


@schemathesis.check
def no_internals_in_error_bodies(ctx: object, response: object, case: object) -> bool | None:
    status = getattr(response, "status_code", 200)
    if status >= 400:
        text = getattr(response, "text", "") or ""
        if LEAKS.search(text) or SETTINGS.home.as_posix() in text:
            raise AssertionError(f"error body {status} leaks internals: {text[:300]}")
    return None


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
    case.call_and_validate(excluded_checks=[positive_data_acceptance],
                           additional_checks=[no_internals_in_error_bodies])
