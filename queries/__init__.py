"""Analyses over the graph: overlap, collaboration gaps, coverage, targets, the plan, talent.

Each analysis computes from Neo4j (Cypher, or networkx on a projection), writes its results back
with the analysis run's key so the API and the explorer read them without recomputing.
"""
