"""Build the network report: gather from the graph and the latest analysis run, compose the
executive summary, the seven sections and the data-quality appendix once, write them as HTML or DOCX."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from graph.errors import UsageError
from graph.i18n import Lang, tr
from graph.store import Store
from queries.geo import city_map
from viz.report.analyses import read_analyses
from viz.report.context import ReportContext, scrub_ids
from viz.report.fonts import cjk_font_family
from viz.report.labels import Labels
from viz.report.model import Layout, Report
from viz.report.network import network_stats
from viz.report.platform_network import read_platform_network
from viz.report.scope import Scope, resolve_scope
from viz.report.sec_coverage import coverage_section
from viz.report.sec_executive import executive_section
from viz.report.sec_gaps import gaps_section
from viz.report.sec_method import method_section
from viz.report.sec_network import network_section
from viz.report.sec_overlap import overlap_section
from viz.report.sec_plan import plan_section
from viz.report.sec_quality import quality_section
from viz.report.sec_summary import summary_section
from viz.report.summary import read_inferred, read_summary

FORMATS = ("html", "docx")
LANGS = ("zh", "en")


def scope_text(ctx: ReportContext, scope: Scope) -> str:
    parts = []
    if scope.industry:
        parts.append(ctx.t("产业：{i}", "industry: {i}", i=ctx.labels.industry(scope.industry)))
    if scope.city:
        parts.append(ctx.t("城市：{c}", "city: {c}", c=ctx.labels.city(scope.city)))
    return ("，" if ctx.lang == "zh" else ", ").join(parts) or ctx.t("全区", "whole region")


def compose_report(store: Store, *, lang: str = "zh", industry: str | None = None, city: str | None = None,
                   charts: bool = True) -> Report:
    """The report's content (no file written): what both writers render and the tests inspect."""
    if lang not in LANGS:
        raise UsageError(tr("不支持的语言：{l}（可选 zh、en）", "unsupported language: {l} (zh or en)", l=lang))
    language: Lang = "en" if lang == "en" else "zh"
    if charts:
        cjk_font_family()  # fail early, before any query, when no CJK font is installed
    scope = resolve_scope(store, industry, city)
    ctx = ReportContext(lang=language, scope=scope, labels=Labels(lang), charts=charts)
    generated = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    results = read_analyses(store, scope, language)
    report = Report(
        title=ctx.t("广西科技创新平台网络分析报告", "Guangxi S&T innovation platform network report"),
        subtitle=ctx.t("范围：{s}　生成时间：{g}", "Scope: {s}. Generated {g}", s=scope_text(ctx, scope), g=generated),
        lang=lang,
    )
    summary = read_summary(store, scope)
    report.add(*executive_section(ctx, summary, results, results.strength))
    report.add(*summary_section(ctx, summary, results.targets))
    report.add(*network_section(ctx, network_stats(store, scope), read_platform_network(store, scope)))
    report.add(*overlap_section(ctx, results.groups, results.overlaps, results.strength))
    report.add(*gaps_section(ctx, results.gaps))
    city_platforms = {c["key"]: c["platforms"] for c in city_map(store)["cities"]}
    report.add(*coverage_section(ctx, results.coverage, read_inferred(store, scope), city_platforms))
    # The batches' tables have five to seven columns of sentences: landscape pages.
    report.add(Layout(landscape=True), *plan_section(ctx, results.plan), Layout(landscape=False))
    scrub_ids(report.blocks)  # no internal keys in the body: the run is named once, in the method section
    report.add(*method_section(ctx, store, results.latest_run, generated))
    report.add(*quality_section(ctx, store))
    return report


def build_report(store: Store, out_path: Path, *, fmt: str = "html", lang: str = "zh",
                 industry: str | None = None, city: str | None = None, charts: bool = True) -> Path:
    """Write the network report to ``out_path`` as ``fmt`` (html | docx) and return the path.

    ``charts=False`` leaves the figures out (the benchmark's baseline); the real report has them.
    """
    if fmt not in FORMATS:
        raise UsageError(tr("不支持的报告格式：{f}（可选 html、docx）", "unsupported report format: {f} (html or docx)",
                            f=fmt))
    out_path = Path(out_path)
    if out_path.is_dir():
        raise UsageError(tr("输出路径是一个目录：{p}", "the output path is a directory: {p}", p=out_path))
    if not out_path.parent.exists():
        raise UsageError(tr("输出目录不存在：{p}", "the output folder does not exist: {p}", p=out_path.parent))
    report = compose_report(store, lang=lang, industry=industry, city=city, charts=charts)
    if fmt == "html":
        from viz.report.html_writer import write_html

        write_html(report, out_path)
    else:
        from viz.report.docx_writer import write_docx

        write_docx(report, out_path)
    return out_path
