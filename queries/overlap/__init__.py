"""Overlap detection (交叉重复识别): find, explain and group duplicate platforms; check proposals.

Public API (the CLI, the HTTP API, the plan, the reports and the explorer code against these):

- :func:`run_overlap_analysis` — compute and write back ``OVERLAPS``, ``OverlapGroup``, ``IN_GROUP``;
- :func:`read_overlaps`, :func:`read_groups` — read the write-back (no recomputation);
- :func:`check_proposal` and :class:`Proposal` — the pre-approval duplicate check (writes nothing),
  against a :class:`CheckIndex` from :func:`build_check_index` / :func:`refresh_check_index`.

How it works is documented in ``docs/methods.md`` ("Overlap detection").
"""

from queries.overlap.analysis import compute_overlaps, run_overlap_analysis
from queries.overlap.ensure import ensure_overlap_analysis
from queries.overlap.proposal import Proposal, check_proposal
from queries.overlap.proposal_index import CheckIndex, build_check_index, refresh_check_index
from queries.overlap.read import read_groups, read_overlaps
from queries.overlap.signals import SIGNAL_NAMES, THRESHOLD, WEIGHTS

__all__ = [
    "SIGNAL_NAMES",
    "THRESHOLD",
    "WEIGHTS",
    "CheckIndex",
    "Proposal",
    "build_check_index",
    "check_proposal",
    "compute_overlaps",
    "ensure_overlap_analysis",
    "read_groups",
    "read_overlaps",
    "refresh_check_index",
    "run_overlap_analysis",
]
