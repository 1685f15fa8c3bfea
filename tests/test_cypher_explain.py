"""Every query parses: ``EXPLAIN`` against the real engine for each ``.cypher`` file and each query
constant (a module-level string that starts like Cypher) in graph, ingest, queries, api and viz.

Why: queries live in files and named constants, and a typo in one that no test happens to run would
otherwise surface as a planner's 500. EXPLAIN plans without running and needs no parameter values.

Constants that are not whole queries are planned through what is built from them:
- a template over a whitelisted label or relationship type is planned for every combination the code
  fills it with (:data:`TEMPLATE_USES`);
- a fragment glued onto others at run time is planned in every query its builder can produce
  (:data:`FRAGMENT_BUILDERS`, each builder being the function the code itself calls);
- a private fragment glued into public constants when the module loads is planned inside them.
A constant that fits none of these is planned as it stands, so a new fragment fails until covered.
"""

from __future__ import annotations

import importlib
import itertools
import pkgutil
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import REPO

PACKAGES = ("graph", "ingest", "queries", "api", "viz")
STARTS_LIKE_CYPHER = re.compile(
    r"^\s*(?://[^\n]*\n\s*)*(MATCH|OPTIONAL MATCH|MERGE|CREATE|UNWIND|CALL|WITH|RETURN|DETACH DELETE)\b")
# Schema commands and administration cannot be EXPLAINed; they run at every `db migrate` anyway.
NOT_EXPLAINABLE = re.compile(r"^\s*(CREATE|DROP)\s+(CONSTRAINT|INDEX|FULLTEXT|RANGE|TEXT|POINT|VECTOR|LOOKUP)\b"
                             r"|^\s*SHOW\b|^\s*CALL\s*\{[\s\S]*\}\s*IN\s+TRANSACTIONS", re.IGNORECASE)


def cypher_files() -> list[Path]:
    return sorted(p for pkg in PACKAGES for p in (REPO / pkg).rglob("*.cypher"))


def query_constants() -> list[tuple[str, str]]:
    """(module.NAME, text) for every module-level str constant that starts like Cypher."""
    found: list[tuple[str, str]] = []
    for pkg in PACKAGES:
        package = importlib.import_module(pkg)
        for info in pkgutil.walk_packages(package.__path__, prefix=f"{pkg}."):
            if ".sample" in info.name or info.name.endswith("__main__"):
                continue
            module = importlib.import_module(info.name)
            for name, value in vars(module).items():
                if (name.isupper() and isinstance(value, str) and STARTS_LIKE_CYPHER.match(value)
                        and getattr(module, "__name__", "") == info.name):
                    found.append((f"{info.name}.{name}", value))
    return found


def explainable(text: str) -> bool:
    return not NOT_EXPLAINABLE.search(text)


def _ingest_relationships() -> Iterator[str]:
    from ingest import cypher
    from ingest.writer import REL_SPECS

    for rel, a, b, with_role in REL_SPECS:  # every (from, type, to) the writer upserts or prunes
        yield cypher.rel_query(a, rel, b, with_role=with_role)
        yield cypher.prune_query(a, rel, b)


def _viz_lookups() -> Iterator[str]:
    from graph.schema import NODE_LABELS
    from viz.graphdata import find_by_key_query, find_by_keys_query

    for label in NODE_LABELS:  # the lookups take any whitelisted label
        yield find_by_key_query(label)
        yield find_by_keys_query(label)


def _bulk_empty_lists() -> Iterator[str]:
    from graph.schema import NODE_LABELS
    from ingest.bulk import set_empty_lists_query

    for label in NODE_LABELS:  # after a bulk load, any label's empty lists may need setting
        yield set_empty_lists_query(label)


def _bulk_empty_list_scans() -> Iterator[str]:
    from ingest.bulk import IMPORTED_LABELS, empty_list_scan_query

    for label in IMPORTED_LABELS:  # the properties are the plan's own (identifiers), e.g. quality_flags
        yield empty_list_scan_query(label, "quality_flags")


def _filter_combinations(names: list[str]) -> Iterator[dict[str, Any]]:
    """Every filter set a page query must plan in, pairwise: none, all, each filter alone, each left
    out, and each pair together. A filter's fragment is joined to the others with AND, so a broken
    fragment or a broken join of two fragments shows in one of these; the full product (2^n sets,
    768 EXPLAINs for the platform page's seven filters) found nothing more and took minutes of CI."""
    chosen: list[frozenset[str]] = [frozenset(), frozenset(names)]
    chosen += [frozenset({n}) for n in names] + [frozenset(names) - {n} for n in names]
    chosen += [frozenset(pair) for pair in itertools.combinations(names, 2)]
    for used in dict.fromkeys(chosen):  # in order, each set once
        yield {name: ("x" if name in used else None) for name in names}


def _page_queries(filters: dict[str, str], build: Callable[..., tuple[str, str]]) -> Iterator[str]:
    for combination in _filter_combinations(sorted(filters)):
        for search in (None, "fulltext", "contains"):
            yield from build(combination, search=search)


def _platform_pages() -> Iterator[str]:
    from api.routers.platforms import PLATFORM_FILTERS, platform_queries

    yield from _page_queries(PLATFORM_FILTERS, platform_queries)


def _institution_pages() -> Iterator[str]:
    from api.routers.institutions import INSTITUTION_FILTERS, institution_queries

    yield from _page_queries(INSTITUTION_FILTERS, institution_queries)


# Template constant → the queries the code makes of it.
TEMPLATE_USES: dict[str, Callable[[], Iterator[str]]] = {
    "ingest.cypher._REL_TEMPLATE": _ingest_relationships,
    "ingest.cypher._DECLARED_SERVES_TEMPLATE": _ingest_relationships,
    "ingest.cypher._REL_ROLE_TEMPLATE": _ingest_relationships,
    "ingest.cypher._PRUNE_TEMPLATE": _ingest_relationships,
    "viz.graphdata.FIND_BY_KEY_TEMPLATE": _viz_lookups,
    "ingest.bulk.SET_EMPTY_LISTS_TEMPLATE": _bulk_empty_lists,
    "ingest.bulk.EMPTY_LIST_SCAN_TEMPLATE": _bulk_empty_list_scans,
    "viz.graphdata.FIND_BY_KEYS_TEMPLATE": _viz_lookups,
}
# Module whose fragments are joined at run time → the builder's every query.
FRAGMENT_BUILDERS: dict[str, Callable[[], Iterator[str]]] = {
    "api.routers.platforms": _platform_pages,
    "api.routers.institutions": _institution_pages,
}


def _template_pattern(template: str) -> re.Pattern[str]:
    """A template as a regex: each ``{name}`` any identifier, ``{{``/``}}`` literal braces."""
    parts = re.split(r"(\{\{|\}\}|\{[a-z_]+\})", template)
    return re.compile("".join(
        "{" if p == "{{" else "}" if p == "}}" else r"[A-Za-z_]+" if p.startswith("{") else re.escape(p)
        for p in parts))


def how_planned(name: str, text: str, module_constants: dict[str, str]) -> str:
    """'whole', 'template', 'fragment' (runtime builder) or 'glued' (inside a public constant)."""
    if name in TEMPLATE_USES:
        return "template"
    module, _, short = name.rpartition(".")
    if module in FRAGMENT_BUILDERS and any(text in built for built in FRAGMENT_BUILDERS[module]()):
        return "fragment"
    if short.startswith("_") and any(text in other for other_name, other in module_constants.items()
                                     if other_name != name and not other_name.rpartition(".")[2].startswith("_")):
        return "glued"
    return "whole"


def test_the_inventory_finds_queries() -> None:
    assert len(cypher_files()) >= 20
    assert len(query_constants()) >= 100
    names = {name for name, _ in query_constants()}
    assert set(TEMPLATE_USES) <= names, "a template listed here no longer exists: update TEMPLATE_USES"
    assert {name.rpartition(".")[0] for name in names} >= set(FRAGMENT_BUILDERS)


@pytest.mark.parametrize("path", cypher_files(), ids=lambda p: str(p.relative_to(REPO)))
def test_cypher_file_parses(store: Any, path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    if explainable(text):
        store.read("EXPLAIN " + text)


def _by_module() -> dict[str, dict[str, str]]:
    out: dict[str, dict[str, str]] = {}
    for name, text in query_constants():
        out.setdefault(name.rpartition(".")[0], {})[name] = text
    return out


@pytest.mark.parametrize(("name", "text"), query_constants(), ids=lambda v: v if "." in v[:80] else "")
def test_query_constant_parses(store: Any, name: str, text: str) -> None:
    how = how_planned(name, text, _by_module()[name.rpartition(".")[0]])
    if how == "template":
        made = list(TEMPLATE_USES[name]())
        pattern = _template_pattern(text)
        assert any(pattern.fullmatch(q) for q in made), f"{name}: no use of it among the queries planned"
        for query in made:
            store.read("EXPLAIN " + query)
    elif how == "whole" and explainable(text):
        store.read("EXPLAIN " + text)
    # 'fragment' and 'glued': planned in every query built from them (the tests below and above).


@pytest.mark.parametrize("module", sorted(FRAGMENT_BUILDERS))
def test_every_query_a_builder_can_produce_parses(store: Any, module: str) -> None:
    built = list(FRAGMENT_BUILDERS[module]())
    assert len(built) >= 4
    for query in built:
        store.read("EXPLAIN " + query)
