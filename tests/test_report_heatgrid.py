"""The coverage heat grid (report figure and explorer overview) reshapes ``read_coverage`` exactly:
counts per industry/segment × category × level, and red cells only where the analysis reports a gap."""

from __future__ import annotations

from graph.reference import LEVELS
from viz.report.heatgrid import heat_grid


def cell(industry: str, level: str, parent: str | None, category: str, plevel: str, count: int) -> dict:
    return {"industry": industry, "industry_level": level, "parent": parent, "category": category,
            "level": plevel, "count": count}


COVERAGE = {
    "matrix": [
        cell("机械装备", "industry", None, "innovation_transfer", "regional", 5),
        cell("机械装备", "industry", None, "innovation_transfer", "national", 0),
        cell("机械装备", "industry", None, "basic_support", "regional", 0),
        cell("液压与传动", "segment", "机械装备", "innovation_transfer", "regional", 2),
        cell("液压与传动", "segment", "机械装备", "basic_support", "regional", 0),
        cell("汽车及新能源汽车", "industry", None, "science_engineering", "municipal", 3),
        cell("汽车及新能源汽车", "industry", None, "science_engineering", "national", 0),
    ],
    "gaps": [
        {"industry": "机械装备", "kind": "category", "value": "basic_support", "segments": ["液压与传动"],
         "missing": "基础支撑与条件保障类平台"},
        {"industry": "汽车及新能源汽车", "kind": "level", "value": "national", "segments": []},
        {"industry": "机械装备", "kind": "city", "value": "玉林", "segments": []},  # not in this grid
    ],
}


def test_counts_and_gap_cells() -> None:
    grid = heat_grid(COVERAGE)
    rows = {r.industry: r for r in grid.rows}
    assert rows["机械装备"].counts[("innovation_transfer", "regional")] == 5
    assert rows["液压与传动"].counts[("innovation_transfer", "regional")] == 2
    # a category gap: every level of the category, in the industry and the segments listed under it
    assert set(rows["机械装备"].gaps) == {("basic_support", lv) for lv in LEVELS}
    assert set(rows["液压与传动"].gaps) == {("basic_support", lv) for lv in LEVELS}
    assert rows["机械装备"].gaps[("basic_support", "regional")]["missing"] == "基础支撑与条件保障类平台"
    # a national-level gap: the national column of each category that has no national platform
    assert set(rows["汽车及新能源汽车"].gaps) == {(c, "national") for c in grid.categories}
    # the city gap is not drawn here, and a zero that is not a reported gap is not red
    assert ("innovation_transfer", "national") not in rows["机械装备"].gaps
    assert grid.gap_cells() == 2 * len(LEVELS) + len(grid.categories)


def test_rows_in_reference_order_with_segments_under_their_industry() -> None:
    grid = heat_grid(COVERAGE)
    assert [r.industry for r in grid.rows] == ["汽车及新能源汽车", "机械装备", "液压与传动"]
    assert grid.columns[: len(LEVELS)] == [(grid.categories[0], lv) for lv in LEVELS]
    as_json = grid.as_dict()
    assert as_json["rows"][2]["counts"]["innovation_transfer|regional"] == 2
    assert "basic_support|national" in as_json["rows"][1]["gaps"]
