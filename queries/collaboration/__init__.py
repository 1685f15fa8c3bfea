"""Collaboration gaps (产学研用): who does not work with whom, per industry and city, who could bridge.

Public API (the HTTP API, the plan, the reports and the explorer code against these names):

- :func:`run_gap_analysis` — compute on the whole graph and write flags and scores back;
- :func:`read_gaps` — the JSON of ``platgraph gaps`` and ``/gaps``, from the write-back (a city is computed live);
- :func:`triple_helix_t`, :func:`four_helix_t` — the synergy maths, pure functions.

Method: ``docs/methods.md`` § "Collaboration gaps and synergy".
"""

from queries.collaboration.analysis import run_gap_analysis
from queries.collaboration.read import read_gaps
from queries.collaboration.synergy import four_helix_t, triple_helix_t

__all__ = ["four_helix_t", "read_gaps", "run_gap_analysis", "triple_helix_t"]
