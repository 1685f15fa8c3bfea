"""``/graph/neighbourhood/{id}``: the nodes and edges around one node, for the explorer.

Why a breadth-first walk in layers with a node cap instead of one variable-length match: around a
hub (a city, a large industry) paths of length 3 explode combinatorially, while layers with a cap
stay bounded; the explorer then draws every edge among the nodes it got.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any, Literal, LiteralString, cast

from fastapi import APIRouter, Depends, Path, Query
from neo4j import ManagedTransaction

from api.deps import LangParam, get_store
from api.routers._common import NOT_FOUND, READ_ERRORS, jsonable, not_found
from api.schemas import Neighbourhood
from api.security import read_dependencies
from graph.schema import NODE_LABELS, check_label
from graph.settings import Settings
from graph.store import Store

# Find a node by key under any schema label, each branch using that label's key constraint index.
# Labels come from the schema whitelist, never from the request.
# Provenance internals (which ingest wrote a node, the ingest lock) are not public: those labels
# cannot be asked for, are left out of a walk, and src_run is dropped from properties.
INTERNAL_LABELS = ("IngestRun", "IngestLock")
INTERNAL_PROPERTIES = frozenset({"src_run"})
PUBLIC_LABELS = [label for label in NODE_LABELS if label not in INTERNAL_LABELS]
FIND_IN_LABEL: dict[str, str] = {
    label: f"MATCH (n:{check_label(label)} {{key: $key}}) RETURN elementId(n) AS eid" for label in PUBLIC_LABELS
}
FIND_BY_KEY = " UNION ALL ".join(FIND_IN_LABEL.values())
if TYPE_CHECKING:
    NodeKind = str  # a public label; the set is the schema's, known only at run time
else:
    NodeKind = Literal[tuple(PUBLIC_LABELS)]  # OpenAPI lists the labels a client may pass


def public_properties(props: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in props.items() if k not in INTERNAL_PROPERTIES}

EXPAND_LAYER = """
UNWIND $frontier AS eid
MATCH (n) WHERE elementId(n) = eid
MATCH (n)-[r]-(m)
WHERE NOT type(r) IN $skip_types AND m.key IS NOT NULL AND NOT any(l IN labels(m) WHERE l IN $internal)
WITH DISTINCT elementId(m) AS eid
WHERE NOT eid IN $seen
RETURN eid LIMIT $room
"""

FETCH_NODES = """
UNWIND $eids AS eid
MATCH (n) WHERE elementId(n) = eid
RETURN n.key AS id, labels(n)[0] AS kind, properties(n) AS props
"""

FETCH_EDGES = """
UNWIND $eids AS eid
MATCH (a) WHERE elementId(a) = eid
MATCH (a)-[r]->(b)
WHERE elementId(b) IN $eids AND NOT type(r) IN $skip_types
RETURN a.key AS from, b.key AS to, type(r) AS type, properties(r) AS props
LIMIT $edge_cap
"""

# Provenance links say nothing to a planner exploring the network.
SKIP_TYPES = ["FROM_RUN"]
GROUP_PROPERTY = {"Platform": "category", "Institution": "sector", "Industry": "level", "PlatformType": "category"}
DEFAULT_LIMIT = 300


def neighbourhood(store: Store, key: str, depth: int, limit: int, kind: str | None = None) -> dict[str, Any] | None:
    """Nodes within ``depth`` hops of ``key`` (at most ``limit`` of them) and the edges among them.
    Keys are unique per label; ``kind`` picks the label when two labels share a key (a topic and an
    industry both called 工程机械), else the first label in schema order wins."""
    # One read transaction for the whole walk: one consistent view of the graph, and one session
    # and BEGIN/COMMIT instead of four (the round trips were most of this endpoint's cost under load).
    def work(tx: ManagedTransaction) -> tuple[list[dict], list[dict], bool] | None:
        def rows(query: str, params: dict[str, Any]) -> list[dict[str, Any]]:
            return [record.data() for record in tx.run(cast(LiteralString, query), params)]

        found = rows(FIND_IN_LABEL[kind] if kind else FIND_BY_KEY, {"key": key})
        if not found:
            return None
        center = found[0]["eid"]
        seen = [center]
        frontier = [center]
        truncated = False
        for _ in range(depth):
            room = limit - len(seen)
            if room <= 0 or not frontier:
                break
            layer = [r["eid"] for r in rows(EXPAND_LAYER, {"frontier": frontier, "seen": seen,
                                                           "skip_types": SKIP_TYPES, "room": room + 1,
                                                           "internal": list(INTERNAL_LABELS)})]
            if len(layer) > room:
                truncated = True
                layer = layer[:room]
            seen.extend(layer)
            frontier = layer
        if len(seen) >= limit and frontier:
            truncated = True
        nodes = rows(FETCH_NODES, {"eids": seen})
        edges = rows(FETCH_EDGES, {"eids": seen, "skip_types": SKIP_TYPES, "edge_cap": limit * 10})
        return nodes, edges, truncated

    result = store.read_tx(work)
    if result is None:
        return None
    nodes, edges, truncated = result
    return {
        "center": key, "depth": depth, "limit": limit, "truncated": truncated,
        "nodes": [_node(row) for row in nodes],
        "edges": [{"from": e["from"], "to": e["to"], "type": e["type"], "properties": public_properties(jsonable(e["props"]))}
                  for e in edges],
    }


def _node(row: dict[str, Any]) -> dict[str, Any]:
    props = public_properties(jsonable(row["props"]))
    kind = row["kind"] or "Node"
    group = props.get(GROUP_PROPERTY.get(kind, ""), None) or kind
    return {"id": row["id"], "label": str(props.get("name") or row["id"]), "kind": kind,
            "group": str(group), "properties": props}


def build_router(settings: Settings) -> APIRouter:
    router = APIRouter(tags=["graph"], dependencies=read_dependencies(settings), responses=READ_ERRORS)

    @router.get(
        "/graph/neighbourhood/{id:path}",
        response_model=Neighbourhood,
        response_model_by_alias=True,
        responses=NOT_FOUND,
        summary="节点邻域 / a node's neighbourhood",
        description="以任一节点（平台、单位、人员、产业、城市…）为中心，按层展开 `depth`（1–3）跳，"
        "节点数上限 `limit`（默认 300），返回节点与其间的边，供图浏览器使用。\n\n"
        "Nodes within `depth` (1–3) hops of any node (platform, institution, researcher, industry, "
        "city…), capped at `limit` nodes (default 300), and the edges among them, for the explorer.",
    )
    def get_neighbourhood(
        store: Annotated[Store, Depends(get_store)],
        id: Annotated[str, Path(description="节点键 / node key", examples=["P00012"])],
        depth: Annotated[int, Query(ge=1, le=3, description="跳数 / hops (1–3)")] = 1,
        limit: Annotated[int, Query(ge=1, le=1000, description="节点上限 / node cap")] = DEFAULT_LIMIT,
        kind: Annotated[NodeKind | None, Query(description="节点标签（键重名时）/ node label, when keys clash")] = None,
        lang: LangParam = "zh",
    ) -> dict[str, Any]:
        result = neighbourhood(store, id, depth, limit, kind)
        if result is None:
            raise not_found("节点", "node", id)
        return result

    return router
