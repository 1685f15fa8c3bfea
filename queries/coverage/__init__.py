"""Coverage of key industries: the matrix, ranked gaps, targets vs actual, and the talent view.

Public API (the CLI, the HTTP API, the reports and the explorer code against these names):

* :func:`run_coverage_analysis` — compute and write back onto the industries, replacing earlier runs;
* :func:`read_coverage` — the stored matrix, gaps and city coverage (shape in docs/methods.md);
* :func:`targets_vs_actual` — per type and level, counts by status against the targets;
* :func:`talent_view` — over-stretched researchers, industries with few senior people.
"""

from queries.coverage.analysis import compute_coverage, read_coverage, run_coverage_analysis
from queries.coverage.talent import talent_view
from queries.coverage.targets import targets_vs_actual

__all__ = ["compute_coverage", "read_coverage", "run_coverage_analysis", "targets_vs_actual", "talent_view"]
