"""Industries inferred for platforms that declare none: the last step of every ingest.

Why: a planner's real list gives name, type, level, host and city — no 服务产业 — so without this every
such platform counted toward no industry, and key industries looked empty. What a platform says about
itself is read instead (graph/industry_terms.py, keywords in graph/data/industries.toml):

1. its name (via ``name``), then 2. each research field (via ``fields``): the reference industries or
   chain segments whose keywords are in the text, the name's counting double, the most-named kept
   (:func:`infer_for`);
3. only when 1–2 found nothing: its host's declared industries (via ``host``), if the host is
   specialised (at most ``host_max_industries`` key industries, see the data file).

Stored as ``(:Platform)-[:SERVES {inferred: true, via, evidence}]->(:Industry)``: the same relationship
as a declared one, so coverage, collaboration and the plan count it unchanged; the API, explorer and
report show it as inferred (推断). A declared value always wins: a platform with any declared SERVES
has no inferred ones (this step deletes them; a declared re-statement of an inferred edge clears the
flag in ingest/cypher.py). Why at the end of *every* ingest, over the whole graph: a later file may
add a platform's declared industries, or its host's, and the stored state must follow the data. Rows
are only written where the result changed, so a re-run writes nothing (idempotent).
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from graph.names import trailing_short_name
from graph.store import Store
from ingest.industry_terms import IndustryTerms, load_terms

# Platforms whose every SERVES (if any) is inferred: the ones this step decides for.
INFER_CANDIDATES = """
MATCH (p:Platform)
WHERE NOT EXISTS { MATCH (p)-[d:SERVES]->(:Industry) WHERE d.inferred IS NULL OR d.inferred = false }
RETURN p.key AS key, p.name AS name, coalesce(p.fields, []) AS fields,
       COLLECT { MATCH (p)-[:HOSTED_BY]->(h:Institution) RETURN coalesce(h.name, h.key) }[0] AS host,
       COLLECT { MATCH (p)-[:HOSTED_BY]->(:Institution)-[:IN_INDUSTRY]->(i:Industry)
                 RETURN DISTINCT i.key } AS host_industries,
       COLLECT { MATCH (p)-[r:SERVES {inferred: true}]->(i:Industry)
                 RETURN [i.key, r.via, r.evidence] } AS current
"""

# A declared value wins: inferred edges of platforms that now declare industries go.
DROP_INFERRED_WHERE_DECLARED = """
MATCH (p:Platform)-[r:SERVES {inferred: true}]->(:Industry)
WHERE EXISTS { MATCH (p)-[d:SERVES]->(:Industry) WHERE d.inferred IS NULL OR d.inferred = false }
DELETE r
RETURN count(r) AS dropped
"""

# Replace one platform's inferred edges by ``row.edges`` ([{key, via, evidence}]).
WRITE_INFERRED = """
UNWIND $rows AS row
MATCH (p:Platform {key: row.key})
CALL (p, row) {
  MATCH (p)-[r:SERVES {inferred: true}]->(i:Industry) WHERE NOT i.key IN [e IN row.edges | e.key]
  DELETE r
}
CALL (p, row) {
  UNWIND row.edges AS e
  MATCH (i:Industry {key: e.key})
  MERGE (p)-[r:SERVES]->(i)
  SET r.inferred = true, r.via = e.via, r.evidence = e.evidence, r.src_run = $run
}
"""


def infer_for(terms: IndustryTerms, name: str | None, fields: list[str], host: str | None,
              host_industries: list[str]) -> list[dict[str, str]]:
    """The inferred edges of one platform, ``[{key, via, evidence}]`` in a stable order.

    Why a vote: research fields are many and loose (a battery lab lists 材料, 检测, 储能 …), so every
    industry some field mentions is not one the platform serves. The name (the platform's own
    statement) gives two votes to each key industry it names, each field one; the key industries
    with the most votes are kept, with the segments found under them. A trailing bracket in the name
    is its host (广西应用数学中心(桂林电子科技大学)), not its subject, and is not read. The host's
    industries count only when name and fields say nothing. A segment makes its own industry
    redundant (the segment is PART_OF it), so the industry is dropped.
    """
    found: dict[str, tuple[str, str]] = {}
    votes: Counter[str] = Counter()
    subject = name or ""
    short = trailing_short_name(subject)
    if short:
        subject = subject[: subject.rfind(short) - 1]
    for key, word in terms.infer(subject).items():
        found.setdefault(key, ("name", word))
    for top in {terms.top(k) for k in found}:
        votes[top] += 2
    for text in fields:
        in_field = terms.infer(text)
        for key, word in in_field.items():
            found.setdefault(key, ("fields", word))
        votes.update({terms.top(k) for k in in_field})
    if votes:
        best = max(votes.values())
        found = {k: v for k, v in found.items() if votes[terms.top(k)] == best}
    else:
        for key in terms.infer_host(host_industries):
            found.setdefault(key, ("host", host or ""))
    parents = {terms.industries[k].parent for k in found if k in terms.industries and terms.industries[k].parent}
    return [{"key": k, "via": via, "evidence": evidence}
            for k, (via, evidence) in sorted(found.items()) if k not in parents]


def infer_industries(store: Store, run: str | None = None, *, terms: IndustryTerms | None = None,
                     batch_size: int = 2_000) -> dict[str, Any]:
    """Bring every platform's inferred industries in line with the data; returns counts for the summary:
    ``{"platforms": with inferred industries, "edges": inferred edges, "via": {name, fields, host},
    "changed": platforms rewritten, "dropped": inferred edges removed because a declared value came}``."""
    terms = terms or load_terms()
    dropped = store.write(DROP_INFERRED_WHERE_DECLARED)[0]["dropped"]
    rows = store.read_tx(lambda tx: [r.data() for r in tx.run(INFER_CANDIDATES)])
    changed: list[dict[str, Any]] = []
    via: Counter[str] = Counter()
    with_edges = 0
    for row in rows:
        edges = infer_for(terms, row["name"], list(row["fields"] or []), row["host"], row["host_industries"])
        via.update(e["via"] for e in edges)
        with_edges += bool(edges)
        current = sorted((k, v, e) for k, v, e in row["current"])
        if current != sorted((e["key"], e["via"], e["evidence"]) for e in edges):
            changed.append({"key": row["key"], "edges": edges})
    for start in range(0, len(changed), batch_size):
        store.write(WRITE_INFERRED, {"rows": changed[start:start + batch_size], "run": run})
    return {"platforms": with_edges, "edges": sum(via.values()), "via": dict(sorted(via.items())),
            "changed": len(changed), "dropped": dropped}
