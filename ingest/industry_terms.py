"""Industry words (moved to :mod:`graph.industry_terms`, so the overlap analysis in ``queries`` can
read names by the same rule without importing ``ingest``; this name stays for existing imports)."""

from graph.industry_terms import IndustryTerms, NameMatch, load_terms, term_form

__all__ = ["IndustryTerms", "NameMatch", "load_terms", "term_form"]
