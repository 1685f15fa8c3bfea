"""The network report on a small graph loaded through the real ingest and analysed as ``platgraph
analyze`` does (tests/graph_builder.py): the DOCX opens in
python-docx with real headings, tables and images; the HTML parses, is self-contained and has every
section; untrusted cell text is neutralised; bad scope input is a usage error."""

from __future__ import annotations

import re
import zipfile
from html.parser import HTMLParser
from pathlib import Path

import pytest
from docx import Document
from typer.testing import CliRunner

from api.cli import app
from graph.errors import UsageError
from graph.store import Store
from tests.conftest import GraphState
from tests.graph_builder import ingest_tables
from viz.report import build_report, compose_report

runner = CliRunner()

GXU, GUET, LG, WL = "广西大学", "桂林电子科技大学", "广西柳工机械股份有限公司", "上汽通用五菱汽车股份有限公司"
GXAS, AGRI, HOSP, EVIL = "广西科学院", "广西农业科学院", "广西医科大学第一附属医院", "@SUM(1+1)*cmd"
TABLES = {
    "单位": [
        # an institution name that looks like a formula: data, never evaluated (neutralised in the report)
        {"单位名称": name, "单位类型": kind, "所在市": city, "所属产业": industries}
        for name, kind, city, industries in [
            (GXU, "高校", "南宁", ["汽车及新能源汽车", "蔗糖"]), (GUET, "高校", "桂林", ["电子信息"]),
            (LG, "企业", "柳州", ["机械装备"]), (WL, "企业", "柳州", ["汽车及新能源汽车"]),
            (GXAS, "科研院所", "南宁", ["蔗糖"]), (AGRI, "科研院所", "南宁", ["蔗糖"]),
            (HOSP, "医院", "南宁", ["生物医药"]), (EVIL, "企业", "玉林", ["机械装备"]),
        ]
    ],
    "平台": [
        {"编号": key, "平台名称": name, "平台类型": type_, "级别": level, "所在市": city, "状态": status,
         "依托单位": host, "共建单位": co, "服务产业": industries, "认定年份": 2018}
        for key, name, type_, level, city, status, host, co, industries in [
            ("P001", "广西汽车动力电池工程技术研究中心", "工程技术研究中心", "自治区级", "柳州", "运行", WL, [GXU], ["动力电池"]),
            ("P002", "广西新能源汽车技术创新中心", "技术创新中心", "自治区级", "柳州", "运行", WL, [], ["汽车及新能源汽车"]),
            ("P003", "广西甘蔗遗传改良重点实验室", "自治区重点实验室", "自治区级", "南宁", "运行", AGRI, [GXU],
             ["甘蔗育种与种植"]),
            ("P004", "广西糖业工程技术研究中心", "工程技术研究中心", "自治区级", "南宁", "建设中", GXAS, [], ["蔗糖"]),
            ("P005", "工程机械国家工程研究中心", "国家工程研究中心", "国家级", "柳州", "运行", LG, [], ["机械装备"]),
            ("P006", "广西智能制造装备企业技术中心", "企业技术中心", "自治区级", "柳州", "运行", LG, [], ["智能制造装备"]),
            ("P007", "广西信息安全重点实验室", "自治区重点实验室", "自治区级", "桂林", "运行", GUET, [], ["电子信息"]),
            ("P008", "广西肿瘤临床医学研究中心", "临床医学研究中心", "自治区级", "南宁", "撤销", HOSP, [], ["生物医药"]),
            ("P009", '=HYPERLINK("x")液压实验室', "自治区重点实验室", "自治区级", "玉林", "运行", EVIL, [LG],
             ["液压与传动"]),
        ]
    ],
    "合作": [
        {"单位甲": a, "单位乙": b, "合作类型": kind, "年份": year, "次数": count, "产业": industry}
        for a, b, kind, year, count, industry in [
            (GXU, WL, "合作项目", 2023, 3, "汽车及新能源汽车"), (GXU, WL, "联合专利", 2023, 2, "汽车及新能源汽车"),
            (AGRI, GXU, "合著论文", 2022, 4, "蔗糖"), (AGRI, GXAS, "合作项目", 2023, 1, "蔗糖"),
            (GUET, GXU, "合著论文", 2021, 2, "电子信息"), (EVIL, LG, "技术合同", 2024, 1, "机械装备"),
            (GXU, HOSP, "合作项目", 2022, 1, "生物医药"),
        ]
    ],
    "建设目标": [
        {"平台类型": "工程技术研究中心", "级别": "自治区级", "年份": 2025, "新建数量": 2, "优化整合或撤销淘汰数量": 1,
         "总保有量": 5},
    ],
}


def build_report_graph(store: Store) -> None:
    """Nine platforms in four key industries, with collaborations and a target, loaded by the ingest."""
    ingest_tables(store, TABLES)


def analysed_graph(store: Store) -> Store:
    """The small graph with every analysis run and written back (as ``platgraph analyze`` does)."""
    from queries.analyze import run_all

    build_report_graph(store)
    run_all(store)
    return store


@pytest.fixture(scope="module")
def small_graph(graph_state: GraphState) -> Store:
    """Built once for the module: the report only reads, so every test can share it."""
    return graph_state.use("report-small-graph", analysed_graph)


class _Html(HTMLParser):
    """Collects what the tests check: sections, tables (with header and body rows), images, URLs."""

    def __init__(self) -> None:
        super().__init__()
        self.sections: list[str] = []
        self.tables: dict[str, list[list[str]]] = {}
        self.images: list[str] = []
        self.urls: list[str] = []
        self._table: str | None = None
        self._row: list[str] | None = None
        self._cell: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        for name in ("src", "href"):
            if a.get(name):
                self.urls.append(a[name] or "")
        if tag == "section":
            self.sections.append(a.get("data-section") or "")
        elif tag == "table":
            self._table = a.get("data-kind") or ""
            self.tables.setdefault(self._table, [])
        elif tag == "tr":
            self._row = []
        elif tag in ("td", "th"):
            self._cell = []
        elif tag == "img":
            self.images.append(a.get("src") or "")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("td", "th") and self._cell is not None and self._row is not None:
            self._row.append("".join(self._cell))
            self._cell = None
        elif tag == "tr" and self._row is not None and self._table is not None:
            self.tables[self._table].append(self._row)
            self._row = None
        elif tag == "table":
            self._table = None

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)


def parse_html(path: Path) -> _Html:
    parser = _Html()
    parser.feed(path.read_text(encoding="utf-8"))
    return parser


SECTIONS = ["executive", "summary", "network", "overlap", "gaps", "coverage", "plan", "method", "quality"]


def test_html_report_is_self_contained_with_every_section(small_graph: Store, tmp_path: Path) -> None:
    out = build_report(small_graph, tmp_path / "report.html")
    text = out.read_text(encoding="utf-8")
    assert "http://" not in text and "https://" not in text
    assert "<script" not in text and "<link" not in text
    page = parse_html(out)
    assert page.sections == SECTIONS
    assert len(page.images) >= 6  # overview, city, network, sector matrices, coverage heat map, city matrix
    assert all(src.startswith("data:image/png;base64,") for src in page.images)
    assert all(u.startswith(("data:image/png;base64,", "#")) for u in page.urls)
    summary = page.tables["summary-category"]
    assert summary[0] == ["平台类别", "数量", "占比（%）"]
    assert {row[0]: row[1] for row in summary[1:]} == {"技术创新与成果转化": "6", "科学与工程研究": "3"}
    assert '<html lang="zh-CN">' in text and "广西科技创新平台网络分析报告" in text


def test_docx_report_has_headings_tables_images_and_east_asian_fonts(small_graph: Store, tmp_path: Path) -> None:
    out = build_report(small_graph, tmp_path / "report.docx", fmt="docx")
    document = Document(str(out))
    heading1 = [p.text for p in document.paragraphs if p.style.name == "Heading 1"]
    assert heading1 == ["摘要", "一、总体情况", "二、协同网络结构", "三、交叉重复平台", "四、产学研用协同缺口",
                        "五、重点产业平台布局覆盖", "六、优化整合三批清单", "七、方法说明与数据来源", "附录、数据质量"]
    assert any(p.style.name == "Heading 2" for p in document.paragraphs)
    captions = [p.text for p in document.paragraphs if p.style.name == "Caption"]
    assert any(c.startswith("图 1") for c in captions) and any(c.startswith("表 1") for c in captions)
    assert len(document.inline_shapes) >= 6
    level_table = next(t for t in document.tables if t.rows[0].cells[0].text == "级别")
    assert {r.cells[0].text: r.cells[1].text for r in level_table.rows[1:]} == {"自治区级": "8", "国家级": "1"}
    header_xml = level_table.rows[0]._tr.xml
    assert "w:tblHeader" in header_xml
    for style in ("Normal", "Heading 1", "Heading 2"):
        fonts = document.styles[style].element.rPr.rFonts
        assert fonts.get("{http://schemas.openxmlformats.org/wordprocessingml/2006/main}eastAsia")
    with zipfile.ZipFile(out) as archive:
        media = [n for n in archive.namelist() if n.startswith("word/media/")]
        assert media and all(archive.read(n)[:8] == b"\x89PNG\r\n\x1a\n" for n in media)


def test_untrusted_cell_text_is_neutralised(small_graph: Store, tmp_path: Path) -> None:
    out = build_report(small_graph, tmp_path / "report.docx", fmt="docx")
    cells = [c.text for t in Document(str(out)).tables for r in t.rows for c in r.cells]
    html_out = build_report(small_graph, tmp_path / "report.html")
    html_cells = [c for rows in parse_html(html_out).tables.values() for r in rows for c in r]
    for found in (cells, html_cells):
        # a formula character may only start a number we formatted (e.g. a negative synergy value)
        assert not [c for c in found if re.match(r"[=+@]|-(?![\d.])", c)], "a cell starts with a formula"
        assert any(c.startswith("'@SUM(1+1)") for c in found)


def test_english_report(small_graph: Store, tmp_path: Path) -> None:
    out = build_report(small_graph, tmp_path / "report.html", lang="en")
    page = parse_html(out)
    assert page.sections == SECTIONS
    assert page.tables["summary-level"][0] == ["Level", "Count", "Share (%)"]
    document = Document(str(build_report(small_graph, tmp_path / "r.docx", fmt="docx", lang="en")))
    assert [p.text for p in document.paragraphs if p.style.name == "Heading 1"][:2] == ["Executive summary", "1. Summary"]


def test_scope_by_industry_and_city(small_graph: Store) -> None:
    report = compose_report(small_graph, industry="汽车", city="柳州市", charts=False)
    total = {row[0]: row[1] for row in report.tables("summary-city")[0].rows}
    assert total == {"柳州": 2}
    assert "汽车及新能源汽车" in report.subtitle and "柳州" in report.subtitle


def test_bad_scope_and_format_are_usage_errors(small_graph: Store, tmp_path: Path) -> None:
    with pytest.raises(UsageError):
        compose_report(small_graph, industry="不存在的产业")
    with pytest.raises(UsageError):
        compose_report(small_graph, city="纽约")
    with pytest.raises(UsageError):
        build_report(small_graph, tmp_path / "x.pdf", fmt="pdf")
    with pytest.raises(UsageError):
        build_report(small_graph, tmp_path / "missing" / "x.html")


def test_cli_writes_report_and_says_where(small_graph: Store, tmp_path: Path) -> None:
    out = tmp_path / "网络报告.docx"
    result = runner.invoke(app, ["report", str(out), "--format", "docx", "--industry", "蔗糖"])
    assert result.exit_code == 0, result.output
    assert out.is_file() and str(out.name) in result.output.replace("\n", "")
    bad = runner.invoke(app, ["report", str(tmp_path / "r.html"), "--city", "纽约"])
    assert bad.exit_code == 2 and "Traceback" not in bad.output
    wrong = runner.invoke(app, ["report", str(tmp_path / "r.html"), "--format", "pdf"])
    assert wrong.exit_code == 2


def test_safe_text_neutralises_data_text_but_not_our_numbers() -> None:
    from viz.report.model import safe_text

    assert [safe_text(v) for v in ("=1+1", "+86 771", "-cmd", "@SUM(A1)", "-3")] == [
        "'=1+1", "'+86 771", "'-cmd", "'@SUM(A1)", "'-3"]
    assert [safe_text(v) for v in (-3, -0.12345, 1234, None, "广西大学")] == ["-3", "-0.1235", "1,234", "", "广西大学"]


def test_missing_cjk_font_is_a_clear_bilingual_error(monkeypatch: pytest.MonkeyPatch) -> None:
    from matplotlib import font_manager

    from viz.report import fonts

    fonts.cjk_font_family.cache_clear()
    monkeypatch.setattr(font_manager.fontManager, "ttflist", [])
    monkeypatch.setattr(font_manager, "findSystemFonts", lambda *args, **kwargs: [])
    try:
        with pytest.raises(fonts.MissingFontError, match="fonts-noto-cjk") as caught:
            fonts.cjk_font_family()
        assert "找不到中文字体" in str(caught.value) and "no CJK font" in str(caught.value)
        assert caught.value.exit_code == 2
    finally:
        fonts.cjk_font_family.cache_clear()
