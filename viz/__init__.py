"""Drawings of the graph: the offline explorer, pyvis exports and reports."""
