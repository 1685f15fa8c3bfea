"""The report's charts, drawn with matplotlib into PNG bytes (inlined in HTML, embedded in DOCX).

Why ``matplotlib.figure.Figure`` rather than pyplot: no global state and no GUI backend, so charts
can be drawn in a server process or a thread. Every chart uses the CJK font found at run time
(:mod:`viz.report.fonts`), so Chinese labels render as characters.
"""

from __future__ import annotations

import io
import math
from collections.abc import Sequence
from typing import TYPE_CHECKING

import networkx as nx
from matplotlib.figure import Figure

from viz.report.fonts import configure_matplotlib

if TYPE_CHECKING:
    from matplotlib.patches import Rectangle

DPI = 130
CATEGORY_COLOURS = {"science_engineering": "#2f6db5", "innovation_transfer": "#e07b39",
                    "basic_support": "#4f9d69"}
INDUSTRY_COLOUR = "#b8342c"
OTHER_COLOUR = "#8a8a8a"


def _png(fig: Figure) -> bytes:
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=DPI, bbox_inches="tight")
    return buffer.getvalue()


def _new(width: float, height: float) -> Figure:
    configure_matplotlib()
    return Figure(figsize=(width, height))


def bar_chart(title: str, labels: Sequence[str], values: Sequence[int]) -> bytes:
    """A labelled horizontal bar chart, largest first (long Chinese labels stay readable)."""
    fig = _new(7.5, max(2.2, 0.32 * len(labels) + 0.9))
    ax = fig.add_subplot()
    positions = list(range(len(labels)))
    bars = ax.barh(positions, list(values), color="#2f6db5")
    ax.set_yticks(positions, list(labels))
    ax.invert_yaxis()
    ax.bar_label(bars, padding=2, fontsize=8)
    ax.set_title(title)
    ax.spines[["top", "right"]].set_visible(False)
    return _png(fig)


def bar_panels(title: str, panels: Sequence[tuple[str, Sequence[str], Sequence[int]]]) -> bytes:
    """Several small vertical bar charts side by side (category, level, status: a few bars each)."""
    fig = _new(3.4 * len(panels), 3.4)
    fig.suptitle(title)
    for index, (name, labels, values) in enumerate(panels):
        ax = fig.add_subplot(1, len(panels), index + 1)
        bars = ax.bar(list(labels), list(values), color="#2f6db5")
        ax.bar_label(bars, padding=2, fontsize=8)
        ax.set_title(name, fontsize=10)
        ax.tick_params(axis="x", labelrotation=30, labelsize=8)
        ax.spines[["top", "right"]].set_visible(False)
    fig.subplots_adjust(wspace=0.35, top=0.80)
    return _png(fig)


def heat_map(title: str, rows: Sequence[str], columns: Sequence[str], values: Sequence[Sequence[float]],
             *, cmap: str = "Blues", fmt: str = "{:g}") -> bytes:
    """A matrix with its numbers written in the cells."""
    fig = _new(min(2.0 + 0.9 * len(columns), 11.0), max(2.2, 0.36 * len(rows) + 1.2))
    ax = fig.add_subplot()
    image = ax.imshow(values, cmap=cmap, aspect="auto")
    ax.set_xticks(range(len(columns)), list(columns))
    ax.set_yticks(range(len(rows)), list(rows))
    if max((len(c) for c in columns), default=0) > 4:
        ax.tick_params(axis="x", labelrotation=30)
    peak = max((v for row in values for v in row), default=0) or 1
    for i, row in enumerate(values):
        for j, value in enumerate(row):
            ax.text(j, i, fmt.format(value), ha="center", va="center", fontsize=8,
                    color="white" if value > 0.6 * peak else "black")
    ax.set_title(title)
    fig.colorbar(image, ax=ax, shrink=0.8)
    return _png(fig)


def small_heat_maps(title: str, panels: Sequence[tuple[str, Sequence[Sequence[float]]]],
                    axis_labels: Sequence[str]) -> bytes:
    """Several small square matrices (one per key industry) on one figure, same axes."""
    cols = min(4, max(1, len(panels)))
    nrows = math.ceil(len(panels) / cols)
    fig = _new(2.6 * cols + 0.4, 2.6 * nrows + 0.6)
    fig.suptitle(title)
    for index, (name, matrix) in enumerate(panels):
        ax = fig.add_subplot(nrows, cols, index + 1)
        ax.imshow(matrix, cmap="Oranges", aspect="equal")
        ax.set_xticks(range(len(axis_labels)), list(axis_labels), fontsize=8)
        ax.set_yticks(range(len(axis_labels)), list(axis_labels), fontsize=8)
        ax.set_title(name, fontsize=9)
        peak = max((v for row in matrix for v in row), default=0) or 1
        for i, row in enumerate(matrix):
            for j, value in enumerate(row):
                ax.text(j, i, f"{value:g}", ha="center", va="center", fontsize=7,
                        color="white" if value > 0.6 * peak else "black")
    fig.subplots_adjust(hspace=0.4)
    return _png(fig)


def network_figure(title: str, graph: nx.Graph, industry_label: dict[str, str],
                   legend: dict[str, str]) -> bytes:
    """Key industries (red hubs, labelled) with their platforms (dots coloured by category);
    grey lines = a platform serves the industry, blue lines = two platforms share an institution."""
    fig = _new(9.5, 7.5)
    ax = fig.add_subplot()
    ax.set_title(title)
    ax.set_axis_off()
    if graph.number_of_nodes() == 0:
        return _png(fig)
    pos = nx.spring_layout(graph, seed=7, k=1.2 / math.sqrt(graph.number_of_nodes()), iterations=60)
    serves = [(u, v) for u, v, kind in graph.edges(data="kind") if kind == "serves"]
    shared = [(u, v) for u, v, kind in graph.edges(data="kind") if kind == "shared"]
    nx.draw_networkx_edges(graph, pos, edgelist=serves, ax=ax, edge_color="#cccccc", width=0.5)
    nx.draw_networkx_edges(graph, pos, edgelist=shared, ax=ax, edge_color="#2f6db5", width=0.9, alpha=0.7)
    platforms = [n for n in graph.nodes if n[0] == "p"]
    colours = [CATEGORY_COLOURS.get(graph.nodes[n].get("category"), OTHER_COLOUR) for n in platforms]
    nx.draw_networkx_nodes(graph, pos, nodelist=platforms, ax=ax, node_size=18, node_color=colours,
                           linewidths=0)
    industries = [n for n in graph.nodes if n[0] == "i"]
    sizes = [120 + 12 * graph.nodes[n].get("platforms", 1) ** 0.8 for n in industries]
    nx.draw_networkx_nodes(graph, pos, nodelist=industries, ax=ax, node_size=sizes,
                           node_color=INDUSTRY_COLOUR, alpha=0.9)
    texts = nx.draw_networkx_labels(
        graph, pos, labels={n: industry_label.get(n[1], n[1]) for n in industries}, ax=ax, font_size=10,
        font_family=configure_matplotlib(),
        bbox={"boxstyle": "round,pad=0.2", "fc": "white", "ec": INDUSTRY_COLOUR, "alpha": 0.85})
    for text in texts.values():
        text.set_clip_on(False)  # a hub at the edge keeps its whole name
    ax.margins(0.15)
    handles = [ax.scatter([], [], s=30, color=colour, label=legend.get(code, code))
               for code, colour in CATEGORY_COLOURS.items()]
    handles.append(ax.scatter([], [], s=90, color=INDUSTRY_COLOUR, label=legend.get("industry", "")))
    ax.legend(handles=handles, loc="upper center", bbox_to_anchor=(0.5, 0.0), ncol=len(handles), fontsize=8,
              frameon=False)
    return _png(fig)


GAP_COLOUR = "#d62728"
EMPTY_COLOUR = "#f0f0f0"


def coverage_grid(title: str, rows: Sequence[str], indent: Sequence[bool], groups: Sequence[str],
                  levels: Sequence[str], counts: Sequence[Sequence[int]], gaps: Sequence[Sequence[bool]],
                  legend: tuple[str, str, str]) -> bytes:
    """Industries (segments indented) × category × level: counts in blue, gap cells in red with
    their zero, empty non-gap cells pale grey; one column block per category."""
    from matplotlib.colors import LinearSegmentedColormap
    from matplotlib.patches import Patch

    ncols = len(groups) * len(levels)
    fig = _new(7.2, max(2.5, 0.145 * len(rows) + 1.6))
    ax = fig.add_subplot()
    peak = max((v for row in counts for v in row), default=0) or 1
    blues = LinearSegmentedColormap.from_list("cover", ["#dbe8f6", "#1f4e8c"])
    for i, (row, gap_row) in enumerate(zip(counts, gaps, strict=True)):
        for j, (value, gap) in enumerate(zip(row, gap_row, strict=True)):
            colour = GAP_COLOUR if gap else (EMPTY_COLOUR if not value else blues(math.sqrt(value / peak)))
            ax.add_patch(_cell_patch(j, i, colour))
            if value or gap:
                dark = gap or math.sqrt(value / peak) > 0.55
                ax.text(j + 0.5, i + 0.5, str(value), ha="center", va="center", fontsize=5.5,
                        color="white" if dark else "#1d1d1f")
    ax.set_xlim(0, ncols)
    ax.set_ylim(len(rows), 0)
    ax.set_yticks([i + 0.5 for i in range(len(rows))],
                  [("　" + r) if ind else r for r, ind in zip(rows, indent, strict=True)], fontsize=6)
    for tick, ind in zip(ax.get_yticklabels(), indent, strict=True):
        tick.set_fontweight("normal" if ind else "bold")
    ax.set_xticks([j + 0.5 for j in range(ncols)], list(levels) * len(groups), fontsize=6, rotation=90)
    ax.xaxis.tick_top()
    for g, name in enumerate(groups):
        ax.text(g * len(levels) + len(levels) / 2, -0.08 * len(rows) / 10 - 2.2, name, ha="center", va="bottom",
                fontsize=7, fontweight="bold", clip_on=False)
        if g:
            ax.axvline(g * len(levels), color="#1d1d1f", linewidth=1.2)
    for i, ind in enumerate(indent):
        if not ind and i:
            ax.axhline(i, color="#1d1d1f", linewidth=0.6)
    ax.tick_params(length=0)
    for spine in ax.spines.values():
        spine.set_linewidth(0.6)
    ax.set_title(title, fontsize=9, pad=42)
    ax.legend(handles=[Patch(color=GAP_COLOUR, label=legend[0]), Patch(color="#5b86bf", label=legend[1]),
                       Patch(color=EMPTY_COLOUR, label=legend[2])],
              loc="upper center", bbox_to_anchor=(0.5, -0.01), ncol=3, fontsize=6.5, frameon=False)
    return _png(fig)


def _cell_patch(x: int, y: int, colour: str | tuple[float, float, float, float]) -> Rectangle:
    from matplotlib.patches import Rectangle

    return Rectangle((x, y), 1, 1, facecolor=colour, edgecolor="white", linewidth=0.5)
