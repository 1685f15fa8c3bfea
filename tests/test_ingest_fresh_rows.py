"""The CREATE rows of new nodes (ingest.writer.FreshRows) made a batch at a time are the rows made
one node at a time, by key and by element id, whichever way they are read (slice, item, iteration)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from graph.store import Store
from ingest.load_plan import Planner
from ingest.readers import read_dataset
from ingest.writer import BY_ID_SPECS, FreshRows, write_steps
from tests.test_ingest_pipeline import SMALL


def _one_row(rows: FreshRows, key: str) -> dict[str, Any]:
    """A row as the writer made it before rows were made per batch: each field looked up per node."""
    node = rows.nodes[key]
    props = node["props"] if rows.label != "Institution" else {
        **{k: v for k, v in node.items() if k != "rename"}, "aliases_text": " ".join(node["aliases"])}
    row: dict[str, Any] = {"key": key, "props": props}
    by_id = BY_ID_SPECS[rows.label][1] if rows.ids is not None else None
    for name in rows.fields.values():
        found = rows.targets[name].get(key)
        found = [] if found is None else found if type(found) is list else [found]
        if by_id is not None and rows.ids is not None:
            known = rows.ids.of(by_id[name])
            found = [rows.ids.element_id(known[k]) for k in found if k in known]
        row[name] = found
    if rows.memberships is not None:
        members = rows.memberships.get(key)
        members = [] if members is None else members if type(members) is list else [members]
        if by_id is not None and rows.ids is not None:
            platforms = rows.ids.of("Platform")
            row["memberships"] = [{"b": rows.ids.element_id(platforms[b]), "role": role, "roles": roles}
                                  for b, role, roles in members if b in platforms]
        else:
            row["memberships"] = [{"b": b, "role": role, "roles": roles} for b, role, roles in members]
    return row


def _check(rows: FreshRows) -> None:
    expected = [_one_row(rows, key) for key in rows.keys]
    assert list(rows) == expected
    assert rows[1:4] + rows[4:] == expected[1:]
    assert rows[2] == expected[2] and rows[-1] == expected[-1]


def test_fresh_rows_by_key_and_by_element_id(clean_graph: Store, tmp_path: Path) -> None:
    plan = Planner(clean_graph, read_dataset(SMALL)).build()
    by_key = {name: rows for name, _q, rows in write_steps(plan) if isinstance(rows, FreshRows)}
    assert {"Institution (new, with relationships)", "Platform (new, with relationships)",
            "Researcher (new, with relationships)"} <= set(by_key)
    for rows in by_key.values():
        _check(rows)
    # by element id: the far ends must be in the graph, so write the steps before the new researchers
    steps = write_steps(plan, store=clean_graph)
    checked = []
    for _name, query, rows in steps:
        if isinstance(rows, FreshRows) and rows.ids is not None:
            _check(rows)
            checked.append(rows.label)
            if rows.memberships is not None:
                assert any(row["memberships"] for row in rows)
        clean_graph.upsert_batches(query, rows, extra={"run": "t"})
    assert set(checked) == {"Platform", "Researcher"}


def test_gc_paused_freezes_what_was_made() -> None:
    """The pipeline's plan leaves the cycle collector's reach once built (gc_paused(freeze=True)),
    and the collector is back on; without freeze nothing is frozen."""
    import gc

    from ingest.load_plan import gc_paused

    before = gc.get_freeze_count()
    try:
        with gc_paused():
            made = [{"k": [i]} for i in range(1000)]
            assert not gc.isenabled()
        assert gc.isenabled() and gc.get_freeze_count() == before
        with gc_paused(freeze=True):
            made += [{"k": [i]} for i in range(1000)]
        assert gc.isenabled() and gc.get_freeze_count() >= before + 2000
    finally:
        gc.unfreeze()
    assert len(made) == 2000
