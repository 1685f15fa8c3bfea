"""The graph schema: labels, relationship types, constraints and indexes.

This module is the whitelist. Cypher cannot take a label or relationship type as a parameter, so any
code that must put one into query text first passes it through :func:`check_label` or
:func:`check_rel_type`; user input never reaches query text any other way.

Every node label has a ``key`` property with a uniqueness constraint; ``docs/graph-model.md``
documents what each key is made of and is checked against this module by a test.
"""

from __future__ import annotations

from typing import Any

from graph.errors import UsageError
from graph.store import Store, run_statements

# label -> what its `key` is (documentation; the constraint is on `key` for all of them)
NODE_LABELS: dict[str, str] = {
    "Platform": "编号 id when given, else normalised name + '@' + level",
    "Institution": "valid unified social credit code, else normalised name after alias resolution",
    "Researcher": "编号 id when given, else name + '@' + institution key",
    "Industry": "industry or chain-segment name (canonical Chinese)",
    "City": "city name without 市 (canonical Chinese)",
    "Topic": "normalised research-direction keyword",
    "PlatformType": "canonical Chinese type name from graph/data/taxonomy.toml",
    "Category": "category code: science_engineering, innovation_transfer, basic_support",
    "TypeFamily": "near-duplicate type family code from the taxonomy",
    "IngestRun": "run id (UTC timestamp + random suffix)",
    "AnalysisRun": "run id (UTC timestamp + random suffix)",
    "IngestLock": "lock name ('ingest' or 'analysis'): one node each, held while an ingest or an analysis writes (graph/locks.py)",
    "OverlapGroup": "analysis-run-scoped group id",
    "Target": "建设目标: platform type (or '类别:' + category) + '@' + level + '@' + year (from the dataset's "
              "targets file)",
    "Evaluation": "评估记录: platform key + '@' + year + '@' + result (from the dataset's evaluations file)",
    "PlanDecisionSet": "one `platgraph plan apply` of a plan workbook: 'D' + UTC timestamp + '-' + hex",
    "PlanDecision": "the 决定 on one plan item: decision set key + ':' + item key",
}

REL_TYPES: dict[str, str] = {
    "HOSTED_BY": "(Platform)->(Institution): the host (依托单位)",
    "CO_BUILT_BY": "(Platform)->(Institution): a co-builder (共建单位)",
    "SERVES": "(Platform)->(Industry): an industry or chain segment the platform serves",
    "LOCATED_IN": "(Platform|Institution)->(City)",
    "OF_TYPE": "(Platform)->(PlatformType)",
    "IN_CATEGORY": "(PlatformType)->(Category)",
    "IN_FAMILY": "(PlatformType)->(TypeFamily): near-duplicate type family",
    "COUNTERPART_OF": "(PlatformType national)->(PlatformType regional)",
    "ON_TOPIC": "(Platform|Researcher)->(Topic)",
    "WORKS_AT": "(Researcher)->(Institution)",
    "MEMBER_OF": "(Researcher)->(Platform) {role}",
    "IN_INDUSTRY": "(Institution)->(Industry)",
    "COLLABORATES_WITH": "(Institution)->(Institution) {kind, year, count, industry}",
    "PART_OF": "(Industry segment)->(Industry)",
    "LAID_OUT_IN": "(Industry)->(City): declared layout city (布局城市)",
    "OVERLAPS": "(Platform)->(Platform) {score, signals, reasons_zh, reasons_en, run}",
    "IN_GROUP": "(Platform)->(OverlapGroup)",
    "EVALUATES": "(Evaluation)->(Platform): one evaluation record of the platform",
    "IN_SET": "(PlanDecision)->(PlanDecisionSet)",
    "CONCERNS": "(PlanDecision)->(Platform): a platform the decided plan item names",
    "FROM_RUN": "(AnalysisRun|OverlapGroup)->(IngestRun|AnalysisRun): provenance",
}

# Property indexes for the lookups the queries and the API make (name search, filters).
PROPERTY_INDEXES: tuple[tuple[str, str], ...] = (
    ("Platform", "name"),
    ("Platform", "norm_name"),
    ("Platform", "type"),
    ("Platform", "level"),
    ("Platform", "status"),
    ("Platform", "city"),
    ("Platform", "category"),
    ("Platform", "overlap_group"),
    ("Institution", "name"),
    ("Institution", "norm_name"),
    ("Institution", "sector"),
    ("Institution", "credit_code"),
    ("Researcher", "name"),
    ("Industry", "name"),
    ("Industry", "level"),
)

# Ingest-run stamps the proposal check's index refreshes from (queries/overlap/proposal_cypher.py):
# "what did the runs since the index was built write" is then a seek, not a scan of 100,000
# platforms and a million memberships. Relationships of a platform row are written only with their
# restated platform, so MEMBER_OF (memberships rows) and SERVES (inferred industries) are the only
# relationship types that need their own.
SRC_RUN_INDEXES: tuple[tuple[str, str], ...] = (("Platform", "src_run"), ("Institution", "src_run"),
                                                ("Researcher", "src_run"), ("Topic", "src_run"))
SRC_RUN_REL_INDEXES: tuple[str, ...] = ("MEMBER_OF", "SERVES")

FULLTEXT_INDEX = "name_fulltext"
# The CJK full-text analyser indexes character pairs, so a one-character query (糖, 铝, 桂) finds
# nothing there; the API and the explorer fall back to ``CONTAINS``, which these text indexes serve.
TEXT_INDEXES: tuple[tuple[str, str], ...] = (
    ("Platform", "name"),
    ("Institution", "name"),
    ("Institution", "aliases_text"),
)

# Indexes earlier versions created and this one drops. ``collaborates_kind_idx`` (COLLABORATES_WITH by
# ``kind``) served no query, and the planner chose it for the ingest's "does this collaboration exist
# yet" check — an index seek over every collaboration of that kind, then a filter on the endpoints —
# which made writing 400k collaborations 5x slower than expanding from the institution.
OBSOLETE_INDEXES = ("collaborates_kind_idx",)
FULLTEXT_LABELS = ("Platform", "Institution", "Researcher", "Industry")


class SchemaError(UsageError, ValueError):
    """A label or relationship type that is not in the schema's whitelist."""


def check_label(label: str) -> str:
    """Return ``label`` if it is a schema label, else raise: the only way a label reaches Cypher."""
    if label not in NODE_LABELS:
        raise SchemaError(f"unknown label {label!r}")
    return label


def check_rel_type(rel_type: str) -> str:
    """Return ``rel_type`` if it is a schema relationship type, else raise."""
    if rel_type not in REL_TYPES:
        raise SchemaError(f"unknown relationship type {rel_type!r}")
    return rel_type


def constraint_name(label: str) -> str:
    return f"{check_label(label).lower()}_key_unique"


def schema_statements() -> list[str]:
    """Idempotent DDL: a uniqueness constraint per label, the property and full-text indexes."""
    statements = [
        f"CREATE CONSTRAINT {constraint_name(label)} IF NOT EXISTS "
        f"FOR (n:{label}) REQUIRE n.key IS UNIQUE"
        for label in NODE_LABELS
    ]
    statements += [
        f"CREATE INDEX {label.lower()}_{prop}_idx IF NOT EXISTS FOR (n:{check_label(label)}) ON (n.{prop})"
        for label, prop in (*PROPERTY_INDEXES, *SRC_RUN_INDEXES)
    ]
    statements += [
        f"CREATE TEXT INDEX {label.lower()}_{prop}_text IF NOT EXISTS FOR (n:{check_label(label)}) ON (n.{prop})"
        for label, prop in TEXT_INDEXES
    ]
    statements += [
        f"CREATE INDEX {rel.lower()}_src_run_idx IF NOT EXISTS FOR ()-[r:{check_rel_type(rel)}]-() ON (r.src_run)"
        for rel in SRC_RUN_REL_INDEXES
    ]
    statements += [
        "CREATE INDEX overlaps_run_idx IF NOT EXISTS FOR ()-[r:OVERLAPS]-() ON (r.run)",
        f"CREATE FULLTEXT INDEX {FULLTEXT_INDEX} IF NOT EXISTS "
        f"FOR (n:{'|'.join(FULLTEXT_LABELS)}) ON EACH [n.name, n.aliases_text, n.name_en] "
        "OPTIONS {indexConfig: {`fulltext.analyzer`: 'cjk'}}",
    ]
    statements += [f"DROP INDEX {name} IF EXISTS" for name in OBSOLETE_INDEXES]
    return statements


def apply_schema(store: Store) -> None:
    """Create every constraint and index that does not exist yet, and wait until they are online."""
    run_statements(store, schema_statements())
    store.write("CALL db.awaitIndexes(300)")


def existing_constraints(store: Store) -> list[dict[str, Any]]:
    """The uniqueness constraints in the database, as ``{"name", "label", "property"}``."""
    rows = store.read(
        "SHOW CONSTRAINTS YIELD name, type, labelsOrTypes, properties "
        "WHERE type = 'UNIQUENESS' RETURN name, labelsOrTypes[0] AS label, properties[0] AS property"
    )
    return rows
