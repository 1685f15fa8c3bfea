"""Analysis runs: every write-back carries the key of the run that produced it (provenance)."""

from __future__ import annotations

import json
import secrets
from datetime import UTC, datetime
from typing import Any

from graph.store import Store

START_RUN = """
CREATE (r:AnalysisRun {key: $key, kind: $kind, started: datetime($started), status: 'running',
                       params: $params})
"""

FINISH_RUN = """
MATCH (r:AnalysisRun {key: $key})
SET r.status = $status, r.finished = datetime($finished), r.summary = $summary
"""

LATEST_RUN = """
MATCH (r:AnalysisRun) WHERE r.status = 'completed' AND ($kind IS NULL OR r.kind = $kind)
RETURN r.key AS key, r.kind AS kind, toString(r.started) AS started, toString(r.finished) AS finished,
       r.summary AS summary
ORDER BY r.finished DESC LIMIT 1
"""


def new_run_key(prefix: str = "A") -> str:
    """A sortable, unique run key: UTC timestamp plus a random suffix."""
    return f"{prefix}{datetime.now(UTC).strftime('%Y%m%dT%H%M%S%f')}-{secrets.token_hex(3)}"


def now_iso() -> str:
    return datetime.now(UTC).isoformat()


def start_analysis_run(store: Store, kind: str, params: dict[str, Any] | None = None) -> str:
    key = new_run_key("A")
    store.write(START_RUN, {"key": key, "kind": kind, "started": now_iso(),
                            "params": json.dumps(params or {}, ensure_ascii=False)})
    return key


def finish_analysis_run(store: Store, key: str, summary: dict[str, Any], status: str = "completed") -> None:
    store.write(FINISH_RUN, {"key": key, "status": status, "finished": now_iso(),
                             "summary": json.dumps(summary, ensure_ascii=False, default=str)})


def latest_run(store: Store, kind: str | None = None) -> dict[str, Any] | None:
    rows = store.read(LATEST_RUN, {"kind": kind})
    if not rows:
        return None
    row = rows[0]
    row["summary"] = json.loads(row["summary"]) if row.get("summary") else {}
    return row


def run_in_own_run(store: Store, kind: str, analysis: Any) -> str:
    """Run one analysis ``analysis(store, run_key) -> summary`` under a fresh AnalysisRun of its own.

    Why: a command that finds no stored results (a freshly loaded graph) must compute them rather
    than answer "nothing found"; the run is recorded, and marked failed if the analysis raises.
    """
    from graph.locks import AnalysisLock  # one analysis writes back at a time (queries/analyze.py)

    with AnalysisLock(store):
        run_key = start_analysis_run(store, kind)
        try:
            summary = analysis(store, run_key)
        except Exception:
            finish_analysis_run(store, run_key, {}, status="failed")
            raise
        finish_analysis_run(store, run_key, summary)
    return run_key


def ensure_analysed(store: Store, kind: str, analysis: Any, stored: str, *, refresh: bool = False) -> str | None:
    """Run ``analysis`` under its own AnalysisRun unless the read-only query ``stored`` finds its
    results (or ``refresh`` asks for a new run); the key of the run started here, else None.

    Why one helper: the overlap, gap and coverage commands read the write-back, and on a freshly
    loaded graph an empty answer would read as "no duplicates" / "no gaps"; all three decide the same way.
    """
    if store.read(stored) and not refresh:
        return None
    return run_in_own_run(store, kind, analysis)

