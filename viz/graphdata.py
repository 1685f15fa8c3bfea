"""Bulk reads that turn a piece of the graph into node and edge lists for drawing.

Why a module of its own: the explorer's overview, the "export the current view" endpoint and the
``platgraph viz`` pyvis exports all need the same thing — a bounded subgraph in one JSON shape
(the API's ``GraphNode`` / ``GraphEdge``: ``{"id", "label", "kind", "group", "properties"}`` and
``{"from", "to", "type", "properties"}``, ids being node keys). Every read is bounded (a node cap or
an aggregation), so a national graph never produces a drawing of hundreds of thousands of elements.

Cypher lives in the module-level constants below. Labels only reach query text through
:func:`graph.schema.check_label`; every value is a parameter.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from graph.errors import UsageError
from graph.i18n import Lang, tr
from graph.names import normalize_name
from graph.schema import FULLTEXT_INDEX, SchemaError, check_label
from graph.store import Store

DEFAULT_LIMIT = 300
MAX_LIMIT = 2000
# Properties that only serve matching inside the database; they would bloat every drawing.
HIDDEN_PROPERTIES = frozenset({"alias_norms", "aliases_text", "norm_name", "src_run"})
# Provenance internals a client may not ask for (docs/security.md, redaction).
INTERNAL_LABELS = frozenset({"IngestRun", "IngestLock"})
# Statuses that no longer count as platforms on the ground (excluded from the overview counts).
RETIRED_STATUSES = ["revoked", "merged"]

# ---------------------------------------------------------------------------------------- Cypher
# One node by key, for one label (the label is whitelisted before formatting).
FIND_BY_KEY_TEMPLATE = "MATCH (n:{label} {{key: $key}}) RETURN elementId(n) AS eid, labels(n)[0] AS kind"
# Many nodes by key, for one label.
FIND_BY_KEYS_TEMPLATE = "MATCH (n:{label}) WHERE n.key IN $keys RETURN elementId(n) AS eid"
# Lookup labels tried, in order, when a key arrives without its kind.
KEY_LABELS = ("Platform", "Institution", "Researcher", "Industry", "OverlapGroup", "City", "Topic",
              "PlatformType", "Category", "TypeFamily", "AnalysisRun", "IngestRun")


def find_by_key_query(label: str) -> str:
    """FIND_BY_KEY_TEMPLATE for one whitelisted label (tests/test_cypher_explain.py plans each)."""
    return FIND_BY_KEY_TEMPLATE.format(label=check_label(label))


def find_by_keys_query(label: str) -> str:
    """FIND_BY_KEYS_TEMPLATE for one whitelisted label."""
    return FIND_BY_KEYS_TEMPLATE.format(label=check_label(label))


# A name, key or alias typed by a user, across the labels a planner asks about.
RESOLVE_NAME = """
CALL () {
  MATCH (n:Platform) WHERE n.key = $q OR n.name = $q OR n.norm_name = $norm RETURN n
  UNION
  MATCH (n:Institution) WHERE n.key = $q OR n.name = $q OR n.norm_name = $norm OR $norm IN n.alias_norms
  RETURN n
  UNION
  MATCH (n:Researcher) WHERE n.key = $q OR n.name = $q RETURN n
  UNION
  MATCH (n:Industry) WHERE n.key = $q OR n.name = $q OR n.name_en = $q OR $q IN coalesce(n.aliases, [])
  RETURN n
  UNION
  MATCH (n:OverlapGroup) WHERE n.key = $q RETURN n
}
RETURN elementId(n) AS eid, labels(n)[0] AS kind, n.key AS key, n.name AS name
ORDER BY kind, key
LIMIT 20
"""

# Suggestions for the search box: the CJK full-text index over names and aliases.
SEARCH_FULLTEXT = """
CALL db.index.fulltext.queryNodes($index, $lucene, {limit: $limit}) YIELD node, score
RETURN node.key AS id, labels(node)[0] AS kind, node.name AS name, node.name_en AS name_en,
       node.type AS type, node.level AS level, node.city AS city, score
"""
# Short queries (one CJK character yields no bigram) and exact prefixes: a bounded name scan.
SEARCH_CONTAINS = """
CALL () {
  MATCH (n:Platform) WHERE n.name CONTAINS $q RETURN n LIMIT $limit
  UNION
  MATCH (n:Institution) WHERE n.name CONTAINS $q OR n.aliases_text CONTAINS $q RETURN n LIMIT $limit
  UNION
  MATCH (n:Researcher) WHERE n.name CONTAINS $q RETURN n LIMIT $limit
  UNION
  MATCH (n:Industry) WHERE n.name CONTAINS $q OR toLower(n.name_en) CONTAINS toLower($q) RETURN n LIMIT $limit
}
RETURN n.key AS id, labels(n)[0] AS kind, n.name AS name, n.name_en AS name_en,
       n.type AS type, n.level AS level, n.city AS city, 0.0 AS score
LIMIT $limit
"""

# Neighbours of one node (distinct, capped; one more than the cap tells us it was cut).
NEIGHBOURS_DEPTH = {
    1: "MATCH (c) WHERE elementId(c) = $eid MATCH (c)--(m) WHERE m <> c "
       "WITH DISTINCT m LIMIT $cap RETURN elementId(m) AS eid",
    2: "MATCH (c) WHERE elementId(c) = $eid MATCH (c)-[*1..2]-(m) WHERE m <> c "
       "WITH DISTINCT m LIMIT $cap RETURN elementId(m) AS eid",
}

# The drawing of a set of nodes: the nodes, and every relationship between two of them.
SUBGRAPH_NODES = """
MATCH (n) WHERE elementId(n) IN $eids
RETURN elementId(n) AS eid, labels(n)[0] AS kind, properties(n) AS props
"""
SUBGRAPH_EDGES = """
MATCH (a)-[r]->(b) WHERE elementId(a) IN $eids AND elementId(b) IN $eids
RETURN elementId(a) AS a, elementId(b) AS b, type(r) AS type, properties(r) AS props
"""

# An overlap group: the group, its platforms and what they share (hosts, people, topics, types).
OVERLAP_GROUP_NODES = """
MATCH (g:OverlapGroup {key: $key})
OPTIONAL MATCH (p:Platform)-[:IN_GROUP]->(g)
WITH g, collect(DISTINCT p) AS members
CALL (members) {
  UNWIND members AS p
  MATCH (p)--(m) WHERE NOT m:OverlapGroup AND NOT m:City AND NOT m:AnalysisRun AND NOT m:IngestRun
  RETURN collect(DISTINCT m)[..$cap] AS around
}
RETURN [elementId(g)] + [x IN members | elementId(x)] + [x IN around | elementId(x)] AS eids
"""

# An industry: the industry, its chain segments, the platforms serving them (capped) and their hosts.
INDUSTRY_NODES = """
MATCH (i:Industry {key: $key})
OPTIONAL MATCH (s:Industry)-[:PART_OF]->(i)
WITH i, [i] + collect(DISTINCT s) AS inds
CALL (inds) {
  UNWIND inds AS ind
  MATCH (p:Platform)-[:SERVES]->(ind)
  WITH DISTINCT p ORDER BY p.level, p.key
  RETURN collect(p)[..$cap] AS platforms
}
CALL (platforms) {
  UNWIND platforms AS p
  OPTIONAL MATCH (p)-[:HOSTED_BY]->(h:Institution)
  RETURN collect(DISTINCT h) AS hosts
}
RETURN [x IN inds | elementId(x)] + [x IN platforms | elementId(x)] + [x IN hosts | elementId(x)] AS eids
"""

# The overview: platforms counted by (industry, category) and (industry, city). Platforms serving a
# chain segment count for its industry; without an industry the top-level industries are shown.
OVERVIEW_ALL = """
MATCH (p:Platform)-[:SERVES]->(s:Industry)
WHERE NOT coalesce(p.status, 'active') IN $retired
OPTIONAL MATCH (s)-[:PART_OF]->(parent:Industry)
WITH DISTINCT p, coalesce(parent, s) AS ind
RETURN ind.key AS industry, p.category AS category, p.city AS city, count(*) AS platforms
"""
OVERVIEW_ONE = """
MATCH (i:Industry {key: $industry})
OPTIONAL MATCH (seg:Industry)-[:PART_OF]->(i)
WITH i, [i] + collect(seg) AS inds
UNWIND inds AS s
MATCH (p:Platform)-[:SERVES]->(s)
WHERE NOT coalesce(p.status, 'active') IN $retired
WITH DISTINCT p, s
RETURN s.key AS industry, p.category AS category, p.city AS city, count(*) AS platforms
"""
OVERVIEW_INDUSTRIES = """
MATCH (n:Industry) WHERE n.key IN $keys
RETURN n.key AS key, labels(n)[0] AS kind, properties(n) AS props
"""
OVERVIEW_CATEGORIES = "MATCH (n:Category) RETURN n.key AS key, labels(n)[0] AS kind, properties(n) AS props"
OVERVIEW_CITIES = "MATCH (n:City) WHERE n.key IN $keys RETURN n.key AS key, labels(n)[0] AS kind, properties(n) AS props"
INDUSTRY_EXISTS = "MATCH (i:Industry) WHERE i.key = $q OR i.name = $q OR $q IN coalesce(i.aliases, []) RETURN i.key AS key"


# ------------------------------------------------------------------------------------ shapes
@dataclass
class Graph:
    """Nodes and edges in the API's shape, plus why and how it was cut."""

    nodes: list[dict[str, Any]] = field(default_factory=list)
    edges: list[dict[str, Any]] = field(default_factory=list)
    center: str | None = None
    truncated: bool = False
    title: str = ""

    def as_dict(self) -> dict[str, Any]:
        return {"center": self.center, "truncated": self.truncated, "title": self.title,
                "nodes": self.nodes, "edges": self.edges}


def _jsonable(value: Any) -> Any:
    """Neo4j temporal and spatial values become strings; lists are converted element-wise."""
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if isinstance(value, Mapping):
        return {str(k): _jsonable(v) for k, v in value.items()}
    iso = getattr(value, "iso_format", None)
    return iso() if callable(iso) else str(value)


def display_label(kind: str, props: Mapping[str, Any], lang: Lang = "zh") -> str:
    """The text drawn on a node: its name (English name in English when there is one), else its key."""
    if kind == "OverlapGroup":
        return tr("重叠组 {n}", "Overlap group {n}", lang, n=str(props.get("key", "")).rsplit(":", 1)[-1])
    name = props.get("name")
    if lang == "en" and props.get("name_en"):
        name = props["name_en"]
    return str(name or props.get("key") or kind)


def node_group(kind: str, props: Mapping[str, Any]) -> str | None:
    """The colour group inside a kind: a platform's category, an institution's sector, an industry's level."""
    if kind == "Platform":
        return props.get("category")
    if kind == "Institution":
        return props.get("sector")
    if kind == "Industry":
        return props.get("level")
    return None


def make_node(kind: str, props: Mapping[str, Any], lang: Lang = "zh") -> dict[str, Any]:
    clean = {k: _jsonable(v) for k, v in props.items() if k not in HIDDEN_PROPERTIES}
    return {"id": str(props.get("key")), "label": display_label(kind, props, lang), "kind": kind,
            "group": node_group(kind, props), "properties": clean}


# ------------------------------------------------------------------------------------ lookups
def _limit(limit: int) -> int:
    if not 1 <= limit <= MAX_LIMIT:
        raise UsageError(tr("节点上限须在 1 到 {m} 之间", "the node limit must be between 1 and {m}", m=MAX_LIMIT))
    return limit


def find_eid(store: Store, key: str, kind: str | None = None) -> tuple[str, str] | None:
    """The element id and label of the node with ``key`` (of ``kind`` when given), or None."""
    labels = (check_label(kind),) if kind else KEY_LABELS
    for label in labels:
        rows = store.read(find_by_key_query(label), {"key": key})
        if rows:
            return rows[0]["eid"], rows[0]["kind"]
    return None


def resolve_name(store: Store, text: str) -> list[dict[str, Any]]:
    """Nodes whose key, name, normalised name or alias is ``text`` (platforms, institutions, people,
    industries, overlap groups): ``[{"eid", "kind", "key", "name"}]``."""
    q = text.strip()
    if not q:
        return []
    return store.read(RESOLVE_NAME, {"q": q, "norm": normalize_name(q)})


def resolve_one(store: Store, text: str) -> dict[str, Any]:
    """Exactly one node for ``text``, else a :class:`UsageError` that lists the candidates."""
    rows = resolve_name(store, text)
    if not rows:
        hits = search(store, text, limit=5)
        hint = "、".join(f"{h['name'] or h['id']}（{h['id']}）" for h in hits)
        raise UsageError(
            tr("找不到名为「{q}」的节点{h}", "no node is named '{q}'{h}", q=text,
               h=(tr("；您是否要找：", "; did you mean: ") + hint) if hint else "")
        )
    if len(rows) > 1:
        names = "、".join(f"{r['name'] or r['key']}（{r['kind']} {r['key']}）" for r in rows[:8])
        raise UsageError(tr("「{q}」对应多个节点，请改用编号：{n}", "'{q}' matches several nodes; use a key: {n}",
                            q=text, n=names))
    return rows[0]


_LUCENE_WORD = re.compile(r"[^\s]+")


def lucene_escape(text: str) -> str:
    """A Lucene query that searches for the user's words, never parses them as operators: every
    whitespace-separated word becomes a quoted phrase (so AND, OR, brackets and wildcards are text)."""
    words = [w.replace("\\", "\\\\").replace('"', '\\"') for w in _LUCENE_WORD.findall(text)]
    return " ".join(f'"{w}"' for w in words if w.strip('\\"'))


def search(store: Store, text: str, limit: int = 10) -> list[dict[str, Any]]:
    """Suggestions for the explorer's search box, best first: platforms, institutions, people,
    industries. ``[{"id", "kind", "name", "name_en", "type", "level", "city", "score"}]``."""
    q = text.strip()
    if not q:
        return []
    limit = max(1, min(limit, 50))
    hits: list[dict[str, Any]] = []
    lucene = lucene_escape(q)
    if lucene.strip():
        hits = store.read(SEARCH_FULLTEXT, {"index": FULLTEXT_INDEX, "lucene": lucene, "limit": limit})
    seen = {(h["kind"], h["id"]) for h in hits}
    if len(hits) < limit:
        for row in store.read(SEARCH_CONTAINS, {"q": q, "limit": limit}):
            if (row["kind"], row["id"]) not in seen:
                hits.append(row)
                seen.add((row["kind"], row["id"]))
    # an exact name first, then the index's ranking (stable sort keeps it)
    hits.sort(key=lambda h: h["name"] != q)
    return hits[:limit]


# ------------------------------------------------------------------------------------ subgraphs
def subgraph(store: Store, eids: Iterable[str], *, lang: Lang = "zh", center_eid: str | None = None,
             truncated: bool = False, title: str = "") -> Graph:
    """The drawing of the nodes with these element ids and every relationship between them."""
    ids = list(dict.fromkeys(eids))

    def work(tx: Any) -> tuple[list[dict], list[dict]]:
        nodes = tx.run(SUBGRAPH_NODES, {"eids": ids}).data()
        edges = tx.run(SUBGRAPH_EDGES, {"eids": ids}).data()
        return nodes, edges

    node_rows, edge_rows = store.read_tx(work)
    key_of: dict[str, str] = {}
    graph = Graph(truncated=truncated, title=title)
    for row in node_rows:
        node = make_node(row["kind"], row["props"], lang)
        key_of[row["eid"]] = node["id"]
        graph.nodes.append(node)
    for row in edge_rows:
        graph.edges.append({"from": key_of[row["a"]], "to": key_of[row["b"]], "type": row["type"],
                            "properties": {k: _jsonable(v) for k, v in row["props"].items()}})
    if center_eid is not None:
        graph.center = key_of.get(center_eid)
    return graph


def neighbourhood(store: Store, key: str, *, kind: str | None = None, depth: int = 1,
                  limit: int = DEFAULT_LIMIT, lang: Lang = "zh") -> Graph:
    """A node and up to ``limit`` nodes within ``depth`` (1 or 2) hops, with the edges among them."""
    if depth not in NEIGHBOURS_DEPTH:
        raise UsageError(tr("深度只能是 1 或 2", "depth must be 1 or 2"))
    limit = _limit(limit)
    found = find_eid(store, key, kind)
    if found is None:
        raise UsageError(tr("找不到节点 {k}", "no node with key {k}", k=key))
    eid, _ = found
    rows = store.read(NEIGHBOURS_DEPTH[depth], {"eid": eid, "cap": limit})
    truncated = len(rows) >= limit
    return subgraph(store, [eid] + [r["eid"] for r in rows], lang=lang, center_eid=eid, truncated=truncated)


def around_name(store: Store, name: str, *, depth: int = 1, limit: int = DEFAULT_LIMIT,
                lang: Lang = "zh") -> Graph:
    """The neighbourhood of the node a user names (key, name or alias)."""
    node = resolve_one(store, name)
    graph = neighbourhood(store, node["key"], kind=node["kind"], depth=depth, limit=limit, lang=lang)
    graph.title = tr("{n} 的关系网络", "Network around {n}", lang, n=node["name"] or node["key"])
    return graph


def nodes_by_keys(store: Store, refs: Iterable[Mapping[str, str]], *, lang: Lang = "zh",
                  limit: int = MAX_LIMIT) -> Graph:
    """The drawing of the nodes a client has on screen, given as ``[{"id", "kind"}]`` (export)."""
    by_kind: dict[str, list[str]] = {}
    count = 0
    for ref in refs:
        try:
            label = check_label(str(ref["kind"]))
            if label in INTERNAL_LABELS:
                raise SchemaError(label)
        except SchemaError as exc:
            raise UsageError(tr("未知的节点类型：{k}", "unknown node kind: {k}", k=ref["kind"])) from exc
        by_kind.setdefault(label, []).append(str(ref["id"]))
        count += 1
    if count > limit:
        raise UsageError(tr("一次最多导出 {m} 个节点", "at most {m} nodes can be exported at once", m=limit))
    eids: list[str] = []
    for label, keys in by_kind.items():
        eids += [r["eid"] for r in store.read(find_by_keys_query(label), {"keys": keys})]
    return subgraph(store, eids, lang=lang)


def overlap_group(store: Store, key: str, *, limit: int = DEFAULT_LIMIT, lang: Lang = "zh") -> Graph:
    """An overlap group with its platforms and what they share (hosts, people, topics, types, industries)."""
    rows = store.read(OVERLAP_GROUP_NODES, {"key": key, "cap": _limit(limit)})
    if not rows:
        raise UsageError(tr("找不到重叠组 {k}（请先运行 platgraph analyze）",
                            "no overlap group {k} (run platgraph analyze first)", k=key))
    eids = rows[0]["eids"]
    found = find_eid(store, key, "OverlapGroup")
    graph = subgraph(store, eids, lang=lang, center_eid=found[0] if found else None)
    graph.title = tr("重叠组 {k}", "Overlap group {k}", lang, k=key)
    return graph


def industry_key(store: Store, name: str) -> str:
    """The key of the industry a user names (key, name or alias), else a :class:`UsageError`."""
    rows = store.read(INDUSTRY_EXISTS, {"q": name.strip()})
    if not rows:
        raise UsageError(tr("找不到产业「{q}」", "no industry named '{q}'", q=name))
    return rows[0]["key"]


def industry(store: Store, name: str, *, limit: int = DEFAULT_LIMIT, lang: Lang = "zh") -> Graph:
    """An industry, its chain segments, the platforms serving them (at most ``limit``) and their hosts."""
    key = industry_key(store, name)
    eids = store.read(INDUSTRY_NODES, {"key": key, "cap": _limit(limit)})[0]["eids"]
    found = find_eid(store, key, "Industry")
    graph = subgraph(store, eids, lang=lang, center_eid=found[0] if found else None)
    graph.truncated = sum(1 for n in graph.nodes if n["kind"] == "Platform") >= limit
    graph.title = tr("{n} 产业平台网络", "Platforms of {n}", lang, n=key)
    return graph


# ------------------------------------------------------------------------------------ overview
def overview(store: Store, industry_name: str | None = None, *, lang: Lang = "zh") -> Graph:
    """Industries ↔ categories ↔ cities, each edge weighted by the number of (current) platforms.

    Without an industry: the top-level industries (segments counted for their industry). With one:
    that industry and its chain segments. Either way the drawing has at most industries × (3 + 14)
    edges — a few hundred elements whatever the number of platforms.
    """
    key = industry_key(store, industry_name) if industry_name else None

    def work(tx: Any) -> tuple[list[dict], list[dict], list[dict], list[dict]]:
        if key is None:
            counts = tx.run(OVERVIEW_ALL, {"retired": RETIRED_STATUSES}).data()
        else:
            counts = tx.run(OVERVIEW_ONE, {"industry": key, "retired": RETIRED_STATUSES}).data()
        ind_keys = sorted({c["industry"] for c in counts} | ({key} if key else set()))
        city_keys = sorted({c["city"] for c in counts if c["city"]})
        industries = tx.run(OVERVIEW_INDUSTRIES, {"keys": ind_keys}).data()
        categories = tx.run(OVERVIEW_CATEGORIES).data()
        cities = tx.run(OVERVIEW_CITIES, {"keys": city_keys}).data()
        return counts, industries, categories, cities

    counts, industries, categories, cities = store.read_tx(work)
    by_cat: dict[tuple[str, str], int] = {}
    by_city: dict[tuple[str, str], int] = {}
    totals: dict[str, int] = {}
    for row in counts:
        n = int(row["platforms"])
        if row["category"]:
            by_cat[(row["industry"], row["category"])] = by_cat.get((row["industry"], row["category"]), 0) + n
            totals[row["category"]] = totals.get(row["category"], 0) + n
        if row["city"]:
            by_city[(row["industry"], row["city"])] = by_city.get((row["industry"], row["city"]), 0) + n
            totals[row["city"]] = totals.get(row["city"], 0) + n
        totals[row["industry"]] = totals.get(row["industry"], 0) + n
    graph = Graph(center=key, title=tr("产业总览", "Industry overview", lang) if key is None else
                  tr("{n} 产业总览", "Overview of {n}", lang, n=key))
    for row in industries + categories + cities:
        node = make_node(row["kind"], row["props"], lang)
        node["properties"]["platforms"] = totals.get(row["key"], 0)
        graph.nodes.append(node)
    for (ind, cat), n in sorted(by_cat.items()):
        graph.edges.append({"from": ind, "to": cat, "type": "PLATFORMS_IN_CATEGORY", "properties": {"platforms": n}})
    for (ind, city), n in sorted(by_city.items()):
        graph.edges.append({"from": ind, "to": city, "type": "PLATFORMS_IN_CITY", "properties": {"platforms": n}})
    return graph
