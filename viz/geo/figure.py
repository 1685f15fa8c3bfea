"""The report's map figure: Guangxi's 14 cities coloured by platforms, a key industry's layout
cities without a platform in red, city names in Chinese (or English) on the map.

Drawn with matplotlib (``Figure``, no pyplot state) and the CJK font the report already uses, so
the labels render as characters in the Word and HTML reports.
"""

from __future__ import annotations

import io
import math
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from matplotlib.colors import LinearSegmentedColormap, Normalize
from matplotlib.figure import Figure
from matplotlib.patches import Patch, Polygon

from viz.geo.shapes import city_shapes
from viz.report.fonts import configure_matplotlib

if TYPE_CHECKING:
    from matplotlib.cm import ScalarMappable

GAP_COLOUR = "#d73027"
COLOURS = LinearSegmentedColormap.from_list("platgraph_blues", ["#f0f0f0", "#c6dbef", "#6baed6", "#08519c"])
DPI = 130


def _polygons(geometry: Any) -> list[Any]:  # shapely geometries (shapely ships no types)
    return list(getattr(geometry, "geoms", [geometry]))


def city_map_png(counts: Mapping[str, int], *, title: str, gap_cities: Sequence[str] = (),
                 laid_out: Sequence[str] = (), legend_gap: str = "布局城市无平台", lang: str = "zh") -> bytes:
    """PNG bytes of the map. ``counts``: platforms per city key; ``gap_cities`` are drawn red and
    ``laid_out`` cities get a bold outline (the industry's 布局城市)."""
    configure_matplotlib()
    fig = Figure(figsize=(7.2, 6.0))
    ax = fig.add_subplot()
    top = max([1, *counts.values()])
    norm = Normalize(vmin=0, vmax=top)
    shapes = city_shapes()
    mean_lat = sum(c.label_point[1] for c in shapes) / len(shapes)
    gaps, bold = set(gap_cities), set(laid_out)
    for city in shapes:
        colour = GAP_COLOUR if city.key in gaps else COLOURS(norm(counts.get(city.key, 0)))
        for poly in _polygons(city.geometry):
            ax.add_patch(Polygon(list(poly.exterior.coords), closed=True, facecolor=colour,
                                 edgecolor="#222" if city.key in bold else "white",
                                 linewidth=1.8 if city.key in bold else 0.8))
        x, y = city.label_point
        name = city.key if lang == "zh" else city.name_en
        ax.annotate(f"{name}\n{counts.get(city.key, 0)}", (x, y), ha="center", va="center", fontsize=8,
                    color="#111")
    ax.autoscale_view()
    ax.set_aspect(1 / math.cos(math.radians(mean_lat)))
    ax.set_axis_off()
    ax.set_title(title, fontsize=11)
    sm = fig.colorbar(_ScalarMappable(norm), ax=ax, shrink=0.6, pad=0.02)
    sm.set_label("平台数" if lang == "zh" else "platforms")
    if gaps:
        ax.legend(handles=[Patch(facecolor=GAP_COLOUR, label=legend_gap)], loc="lower left", fontsize=8)
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=DPI, bbox_inches="tight")
    return buffer.getvalue()


def _ScalarMappable(norm: Normalize) -> ScalarMappable:  # noqa: N802 - mirrors matplotlib's class name
    from matplotlib.cm import ScalarMappable

    return ScalarMappable(norm=norm, cmap=COLOURS)
