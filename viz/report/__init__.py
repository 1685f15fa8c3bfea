"""Generated network reports (Word and HTML, Chinese first) from the live graph and the latest
analysis run. ``build_report`` is the one entry point the CLI and the API call."""

from viz.report.build import build_report, compose_report

__all__ = ["build_report", "compose_report"]
