"""Self-contained pyvis HTML of a subgraph: opens offline, styled like the explorer, with a legend.

Why a custom template: pyvis's own templates load vis-network and Bootstrap from CDNs (even the
``in_line`` mode pulls Bootstrap), and planners open these files on networks with no internet. So
pyvis builds the network (nodes, edges, options) and renders it through ``templates/export.html``,
which inlines the vis-network build vendored for the explorer and draws the legend; nothing in the
file refers to another host. Colours, shapes and bilingual names come from the explorer's
``static/style.json`` so both drawings agree.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from functools import lru_cache
from pathlib import Path
from typing import Any

from markupsafe import Markup
from pyvis.network import Network

from graph.i18n import Lang, tr
from viz.graphdata import Graph

EXPLORER_DIR = Path(__file__).parent / "explorer"
STYLE_FILE = EXPLORER_DIR / "static" / "style.json"
VIS_JS_FILE = EXPLORER_DIR / "static" / "vendor" / "vis-network" / "vis-network.min.js"
TEMPLATE_DIR = EXPLORER_DIR / "templates"
TEMPLATE_FILE = "export.html"

# The legend draws each vis shape as a character in the node's colour.
SHAPE_GLYPHS = {"dot": "●", "square": "■", "triangle": "▲", "triangleDown": "▼", "diamond": "◆",
                "hexagon": "⬢", "star": "★", "box": "▬", "ellipse": "⬬"}
# Properties worth showing in a node's tooltip, in this order (others follow).
TOOLTIP_FIRST = ("key", "type", "level", "category", "city", "status", "evaluation", "sector", "kind",
                 "title", "institution", "recommendation", "platforms")
# Physics runs until the layout is stable, then stops (the template switches it off).
NETWORK_OPTIONS: dict[str, Any] = {
    "physics": {
        "solver": "barnesHut",
        "barnesHut": {"gravitationalConstant": -6000, "springLength": 120, "avoidOverlap": 0.2},
        "stabilization": {"enabled": True, "iterations": 300, "updateInterval": 50, "fit": True},
        "minVelocity": 1.0,
    },
    "interaction": {"hover": True, "tooltipDelay": 120, "navigationButtons": False, "keyboard": True},
    "edges": {"smooth": False, "arrows": {"to": {"enabled": True, "scaleFactor": 0.5}}},
    "nodes": {"borderWidth": 1},
}


@lru_cache(maxsize=1)
def load_style() -> dict[str, Any]:
    """The explorer's style (colours, shapes, bilingual names, font stack)."""
    return json.loads(STYLE_FILE.read_text(encoding="utf-8"))


@lru_cache(maxsize=1)
def vis_network_js() -> str:
    """The vendored vis-network standalone build (its CSS is built in), to inline."""
    return VIS_JS_FILE.read_text(encoding="utf-8")


def node_look(node: Mapping[str, Any], style: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """Shape, size and colour of a node: by kind, then by its group (platform category, sector…)."""
    style = style or load_style()
    kind_style = style["kinds"].get(node.get("kind"), style["default"])
    color = kind_style["color"]
    group = style["groups"].get(node.get("kind"), {}).get(node.get("group") or "")
    if group:
        color = group["color"]
    return {"shape": kind_style["shape"], "size": kind_style["size"], "color": color}


def _tooltip(node: Mapping[str, Any], lang: Lang) -> str:
    props = node.get("properties") or {}
    kinds = load_style()["kinds"]
    kind_name = kinds.get(node.get("kind"), {}).get(lang, node.get("kind"))
    lines = [f"{node.get('label')}  [{kind_name}]"]
    keys = [k for k in TOOLTIP_FIRST if k in props] + sorted(k for k in props if k not in TOOLTIP_FIRST)
    for key in keys:
        value = props[key]
        if value in (None, "", []) or key in ("name", "name_en", "src_run"):
            continue
        text = "、".join(map(str, value)) if isinstance(value, list) else str(value)
        lines.append(f"{key}: {text[:160]}")
    return "\n".join(lines[:18])


def legend(graph: Graph, lang: Lang = "zh") -> list[dict[str, str]]:
    """Legend entries for the kinds and groups present in ``graph``: ``[{"glyph", "color", "text"}]``."""
    style = load_style()
    items: list[dict[str, str]] = []
    seen: set[tuple[str, str]] = set()
    for node in graph.nodes:
        kind = node["kind"]
        group = node.get("group") or ""
        group_style = style["groups"].get(kind, {}).get(group)
        marker = (kind, group if group_style else "")
        if marker in seen:
            continue
        seen.add(marker)
        look = node_look(node, style)
        kind_name = style["kinds"].get(kind, {}).get(lang, kind)
        text = f"{kind_name}{'：' if lang == 'zh' else ': '}{group_style[lang]}" if group_style else kind_name
        items.append({"glyph": SHAPE_GLYPHS.get(look["shape"], "●"), "color": look["color"], "text": text})
    items.sort(key=lambda item: item["text"])
    return items


RECOMMENDATIONS = {"merge": ("整合", "merge"), "integrate": ("一体化管理", "integrate"), "refocus": ("调整方向", "refocus"),
                   "review": ("复核", "review")}


def notes(graph: Graph, lang: Lang = "zh") -> list[str]:
    """Lines under the legend: each overlap group's recommendation, the platform to keep, the reasons."""
    names = {n["id"]: n["label"] for n in graph.nodes}
    lines = []
    for node in graph.nodes:
        if node["kind"] != "OverlapGroup":
            continue
        props = node.get("properties") or {}
        rec = RECOMMENDATIONS.get(props.get("recommendation") or "", (props.get("recommendation"), None))
        text = tr("{g}：建议{r}", "{g}: {r}", lang, g=node["label"], r=(rec[0] if lang == "zh" else rec[1]) or "")
        if props.get("keep"):
            text += tr("，保留 {k}", ", keep {k}", lang, k=names.get(props["keep"], props["keep"]))
        reasons = props.get("reasons_en" if lang == "en" else "reasons_zh") or []
        if reasons:
            text += tr("；理由：{r}", "; reasons: {r}", lang, r=("；" if lang == "zh" else "; ").join(reasons))
        lines.append(text)
    return lines


def build_network(graph: Graph, lang: Lang = "zh") -> Network:
    """A pyvis network of ``graph`` with the explorer's look (directed, Chinese labels by default)."""
    style = load_style()
    net = Network(height="100%", width="100%", directed=True, bgcolor="#ffffff", font_color=False,
                  cdn_resources="in_line")
    font = {"face": style["font"], "size": 13, "color": "#222222"}
    for node in graph.nodes:
        look = node_look(node, style)
        extra: dict[str, Any] = {}
        platforms = (node.get("properties") or {}).get("platforms")
        if isinstance(platforms, int):  # overview nodes: size by number of platforms
            extra["value"] = platforms
        if node["id"] == graph.center:
            extra["borderWidth"] = 4
        net.add_node(node["id"], label=node["label"], shape=look["shape"], color=look["color"],
                     size=look["size"], title=_tooltip(node, lang), font=font, kind=node["kind"], **extra)
    edge_names = style["edges"]
    for edge in graph.edges:
        names = edge_names.get(edge["type"], {})
        props = edge.get("properties") or {}
        attrs: dict[str, Any] = {"title": names.get(lang, edge["type"]), "color": names.get("color", "#999999")}
        if "platforms" in props:
            attrs["value"] = props["platforms"]
            attrs["title"] = f"{attrs['title']}: {props['platforms']}"
            attrs["arrows"] = ""
            attrs["label"] = str(props["platforms"])
            attrs["scaling"] = {"min": 1, "max": 12, "label": {"enabled": False}}
        if edge["type"] == "OVERLAPS" and props.get("score") is not None:
            attrs["label"] = f"{float(props['score']):.2f}"
            attrs["width"] = 3
        net.add_edge(edge["from"], edge["to"], **attrs)
    net.options = dict(NETWORK_OPTIONS)
    net.set_template_dir(str(TEMPLATE_DIR) + "/", TEMPLATE_FILE)
    return net


def _js(value: Any) -> Markup:
    """JSON for a <script> block: '</' is escaped so no data can close the script element."""
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
    return Markup(text.replace("</", "<\\/").replace("<!--", "<\\!--"))


def render_html(graph: Graph, lang: Lang = "zh", title: str | None = None) -> str:
    """The complete, self-contained HTML document for ``graph``."""
    net = build_network(graph, lang)
    net.templateEnv.autoescape = True  # every text value is HTML-escaped; scripts go through |js
    net.templateEnv.filters["js"] = _js
    style = load_style()
    page_title = title or graph.title or tr("平台关系网络", "Platform network", lang)
    counts = tr("{n} 个节点，{e} 条边", "{n} nodes, {e} edges", lang, n=len(graph.nodes), e=len(graph.edges))
    if graph.truncated:
        counts += tr("（已按上限截断）", " (cut at the node limit)", lang)
    net.templateEnv.globals.update(
        page_title=page_title, subtitle=counts, lang_attr="zh-CN" if lang == "zh" else "en",
        legend_title=tr("图例", "Legend", lang), legend_items=legend(graph, lang), font=style["font"],
        notes=notes(graph, lang),
        vis_js=Markup(vis_network_js()), generator=tr("由 platgraph 生成", "made by platgraph", lang),
    )
    return net.generate_html(name="export.html", notebook=False)


def write_html(graph: Graph, out: Path, lang: Lang = "zh", title: str | None = None) -> Path:
    """Write the export to ``out`` (UTF-8) and return the path."""
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(render_html(graph, lang, title), encoding="utf-8")
    return out
