"""Integrity of the hand-compiled real data: graph/data/institutions.toml and tests/data/real_guangxi/.

These files are facts copied by hand from public announcements, so the checks here are about the
files themselves (every row says what it is and where it came from, labels point at platforms that
exist, a short name belongs to one institution only, cities are the reference cities). Loading them
into the graph is tested by the ingest, industry and overlap tests that use them.
"""

from __future__ import annotations

import csv
import re
import tomllib
from collections import Counter
from pathlib import Path

import pytest

from graph.names import normalize_name

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "graph" / "data"
FIXTURE = ROOT / "tests" / "data" / "real_guangxi"
KINDS = {"university", "institute", "hospital", "enterprise", "other"}


def _cities() -> set[str]:
    with (DATA / "cities.toml").open("rb") as fh:
        return {c["key"] for c in tomllib.load(fh)["city"]}


def _institutions() -> list[dict]:
    with (DATA / "institutions.toml").open("rb") as fh:
        return tomllib.load(fh)["institution"]


def _read_csv(name: str) -> list[dict[str, str]]:
    with (FIXTURE / name).open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def _industry_keys() -> set[str]:
    with (DATA / "industries.toml").open("rb") as fh:
        return {i["key"] for i in tomllib.load(fh)["industry"]}


# --- graph/data/institutions.toml -------------------------------------------------------------


def test_institutions_file_has_required_fields_and_known_kinds() -> None:
    rows = _institutions()
    assert len(rows) >= 80, "Guangxi has 85+ higher-education institutions alone"
    for row in rows:
        assert row["name"].strip(), row
        assert row["kind"] in KINDS, row
        assert row["source"].strip(), f"{row['name']}: no source"
        assert isinstance(row["aliases"], list), row


def test_institution_cities_are_reference_city_keys() -> None:
    cities = _cities()
    bad = [(r["name"], r["city"]) for r in _institutions() if r["city"] and r["city"] not in cities]
    assert not bad, f"cities not in graph/data/cities.toml (write the key, without 市): {bad}"


def test_no_name_or_alias_belongs_to_two_institutions() -> None:
    """An ambiguous short name must be listed for neither institution; names compare normalised."""
    seen: Counter[str] = Counter()
    for row in _institutions():
        keys = {normalize_name(row["name"])} | {normalize_name(a) for a in row["aliases"]}
        seen.update(keys)
    twice = sorted(k for k, n in seen.items() if n > 1)
    assert not twice, f"names/aliases used by more than one institution: {twice}"


def test_every_university_kind_is_named_like_one() -> None:
    """A cheap guard against a row filed under the wrong kind."""
    for row in _institutions():
        if row["kind"] == "university":
            assert re.search(r"(大学|学院|学校)$", row["name"]), row["name"]
        if row["kind"] == "hospital":
            assert re.search(r"(医院|保健院)$", row["name"]), row["name"]


# --- tests/data/real_guangxi/ -------------------------------------------------------------------

PLATFORM_HEADERS = ["平台名称", "平台类型", "级别", "依托单位", "所在市", "认定年份", "来源"]


@pytest.fixture(scope="module")
def platforms() -> list[dict[str, str]]:
    return _read_csv("platforms.csv")


def test_platform_headers_and_required_cells(platforms: list[dict[str, str]]) -> None:
    with (FIXTURE / "platforms.csv").open(encoding="utf-8", newline="") as fh:
        assert next(csv.reader(fh)) == PLATFORM_HEADERS
    assert len(platforms) >= 100
    for i, row in enumerate(platforms, start=2):
        for col in ("平台名称", "平台类型", "来源"):
            assert row[col].strip(), f"platforms.csv row {i}: empty {col}"
        assert row["来源"].startswith(("http://", "https://")), f"row {i}: source is not an address"


def test_platform_names_unique_years_and_cities_valid(platforms: list[dict[str, str]]) -> None:
    names = Counter(r["平台名称"] for r in platforms)
    assert not [n for n, c in names.items() if c > 1], "a platform is listed twice"
    cities = _cities()
    for i, row in enumerate(platforms, start=2):
        assert not row["所在市"] or row["所在市"] in cities, f"row {i}: city {row['所在市']!r}"
        assert not row["认定年份"] or re.fullmatch(r"(19|20)\d\d", row["认定年份"]), f"row {i}"


def test_fixture_keeps_a_realistic_share_of_hostless_rows(platforms: list[dict[str, str]]) -> None:
    hostless = [r for r in platforms if not r["依托单位"].strip()]
    assert 3 <= len(hostless) <= len(platforms) // 4


def test_fixture_institutions_cover_every_host(platforms: list[dict[str, str]]) -> None:
    rows = _read_csv("institutions.csv")
    known: set[str] = set()
    for row in rows:
        assert row["单位名称"].strip() and row["来源"].strip(), row
        known.add(row["单位名称"])
        known.update(a for a in re.split(r"[;；、]", row["别名"]) if a)
    missing = sorted({r["依托单位"] for r in platforms if r["依托单位"]} - known)
    assert not missing, f"hosts without an institutions.csv row: {missing}"


def test_evaluations_name_fixture_platforms(platforms: list[dict[str, str]]) -> None:
    names = {r["平台名称"] for r in platforms}
    rows = _read_csv("evaluations.csv")
    assert rows
    for row in rows:
        assert row["平台名称"] in names, row
        assert row["评估结果"].strip() and row["来源"].strip(), row
        assert re.fullmatch(r"20\d\d", row["年份"]), row


def test_overlap_labels_reference_fixture_platforms(platforms: list[dict[str, str]]) -> None:
    names = {r["平台名称"] for r in platforms}
    rows = _read_csv("overlap_labels.csv")
    pairs = set()
    for row in rows:
        a, b = row["平台甲"], row["平台乙"]
        assert a in names and b in names and a != b, row
        assert row["标注"] in {"重复", "不重复"}, row
        assert row["理由"].strip(), row
        key = frozenset((a, b))
        assert key not in pairs, f"pair labelled twice: {a} / {b}"
        pairs.add(key)
    labels = Counter(r["标注"] for r in rows)
    assert labels["重复"] >= 25 and labels["不重复"] >= 40, labels


def test_checked_industries_are_reference_keys(platforms: list[dict[str, str]]) -> None:
    names = {r["平台名称"] for r in platforms}
    keys = _industry_keys()
    rows = _read_csv("industries_checked.csv")
    assert len(rows) >= 40
    for row in rows:
        assert row["平台名称"] in names, row
        values = [v for v in row["产业"].split("；") if v]
        assert values, row
        assert values == ["无"] or set(values) <= keys, row
