"""Readers: a dataset folder of CSV / JSON Lines files, or one XLSX workbook, as raw text tables.

Why text only: a cell is kept exactly as written (``=cmd|...`` is data, not a formula, and a
credit code must not turn into a float), so every reader hands back strings and the validators
decide what they mean. Rows are numbered as a spreadsheet shows them: the header is row 1, the
first data row is row 2 (JSON Lines: the line number). Fully empty rows are skipped (they carry
nothing to load or reject).

Anything that makes a whole file unusable — unknown encoding, a corrupt or oversized workbook, a
missing required column — raises :class:`graph.errors.UsageError` *before* anything is written.
"""

from __future__ import annotations

import csv
import io
import json
import zipfile
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

from graph.errors import UsageError
from graph.i18n import tr
from ingest.cells import unneutralise
from ingest.tables import TABLES_BY_KEY, TableSpec, map_headers, table_for_name

# A cell longer than the CSV module allows by default is legitimate up to this size; beyond it the
# file is treated as unreadable rather than letting one cell take the process's memory.
CSV_FIELD_LIMIT = 16 * 1024 * 1024
# Zip-bomb guard for XLSX: total uncompressed size and compression ratio of the archive members.
XLSX_MAX_UNCOMPRESSED = 1024 * 1024 * 1024
XLSX_MAX_RATIO = 200
# ...and per member: one sheet or sharedStrings.xml above this size must not exceed the ratio either
# (real workbooks compress 5-30x; a 'bomb' is thousands to one).
XLSX_MEMBER_CHECK_BYTES = 10 * 1024 * 1024
XLSX_MAX_MEMBERS = 10_000
# A sheet's declared dimensions are ignored (a 5 KB sheet can declare A1:XFD1048576, and openpyxl
# would pad every row to 16,384 cells): the header row's own cells set the width, plus this many
# columns so that stray cells just right of the table are still reported; beyond the row cap a row
# with content is an error naming the file, sheet and row (a national dataset is well below it).
XLSX_EXTRA_COLUMNS = 16
XLSX_MAX_ROWS = 1_000_000
# Input files are read whole: beyond this size a file is refused before it is read (a 100,000-
# platform dataset is well under 100 MB per file).
MAX_INPUT_FILE_BYTES = 1024 * 1024 * 1024
# JSON Lines: a line longer than a CSV cell may be, or values nested deeper than this, is one
# rejected row (deep nesting would otherwise exhaust Python's recursion limit when turned to text).
JSON_MAX_DEPTH = 32
CSV_ENCODINGS = ("utf-8-sig", "gb18030")
DATA_SUFFIXES = (".csv", ".jsonl", ".xlsx")


@dataclass
class RawRow:
    row: int  # spreadsheet row number (header = 1) or JSON Lines line number
    cells: dict[str, str]  # canonical column key -> text as written ('' when empty)
    error: tuple[str, str, str] | None = None  # (value, zh, en) for a row unreadable as a whole
    extra: list[str] = field(default_factory=list)  # non-empty cells beyond the header


class RawTable:
    """One table of a dataset: its headers as written and its rows.

    ``rows`` may be given as a callable that builds them: a large CSV is checked in full while it
    is read (a malformed file is refused before anything is written) but its rows are built only
    when the planner reaches the table, and dropped once it is planned (``release_rows``), so the
    raw cells of a million researchers never sit in memory beside those of every other table.
    """

    def __init__(self, spec: TableSpec, source: str, path: Path, headers: dict[str, str],
                 unknown_headers: list[str], rows: list[RawRow] | Callable[[], list[RawRow]],
                 encoding: str | None = None, *, count: int | None = None,
                 stream: Callable[[], Iterator[RawRow]] | None = None) -> None:
        self.spec, self.source, self.path = spec, source, path
        self._stream = stream
        self.headers = headers  # canonical column key -> header as written
        self.unknown_headers = unknown_headers
        self.encoding = encoding
        self._rows: list[RawRow] | None = rows if isinstance(rows, list) else None
        self._load = None if isinstance(rows, list) else rows
        self.row_count = len(rows) if isinstance(rows, list) else int(count or 0)  # rows read (non-blank)

    @property
    def rows(self) -> list[RawRow]:
        if self._rows is None:
            self._rows = self._load() if self._load is not None else []
            self._load = None
        return self._rows

    @rows.setter
    def rows(self, rows: list[RawRow]) -> None:
        self._rows, self._load, self._stream = rows, None, None

    def consume(self) -> Iterator[RawRow]:
        """The rows once, built as they are read when they have not been built yet, after which the
        table holds none (the planner with ``release_rows``): at 100,000 platforms the million
        researcher rows never sit in memory at once — only the rejected ones, in the rejects."""
        if self._rows is None and self._stream is not None:
            stream = self._stream
            self.rows = []
            return stream()
        rows = self.rows
        self.rows = []
        return iter(rows)

    def header(self, key: str) -> str:
        """The column header as the user wrote it (what the rejects file names)."""
        return self.headers.get(key) or self.spec.column(key).zh


# Written by ``platgraph export`` (ingest/export): the manifest beside the files, the workbook's creator.
EXPORT_MANIFEST = "platgraph-export.json"
EXPORT_CREATOR = "platgraph export"


def is_export_folder(folder: Path) -> bool:
    """True when ``folder`` holds a dataset written by ``platgraph export`` (its manifest is there)."""
    return (folder / EXPORT_MANIFEST).is_file()


def _cell_text(value: object) -> str:
    """A cell value as text, exactly as a person sees it (2019.0 → '2019', no formula evaluation).

    A leading ``'`` is kept: in a file a planner wrote it is part of the value. Only in a dataset
    that platgraph exported is it the neutralising prefix (:func:`_export_cell_text`)."""
    if type(value) is str:  # nearly every cell (all of a CSV): the fast path
        return value
    return _other_text(value, _cell_text)


def _export_cell_text(value: object) -> str:
    """:func:`_cell_text` for a platgraph export: one leading ``'`` before ``= + - @`` (tab, CR) is
    dropped, the prefix the export put there so that Excel does not run the cell (graph.textsafe)."""
    if type(value) is str:
        return unneutralise(value) if value[:1] == "'" else value
    return _other_text(value, _export_cell_text)


def _other_text(value: object, text_of: Callable[[object], str]) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == datetime.min.time() else value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return ";".join(text_of(v) for v in value)
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, str):
        return text_of(str(value))
    return str(value)


def spec_keys(spec: TableSpec) -> list[str]:
    return [c.key for c in spec.columns]


def _check_required(spec: TableSpec, source: str, mapping: Mapping[str, object]) -> None:
    for col in spec.required:
        if col.key not in mapping:
            raise UsageError(tr(
                "{f}：缺少必填列“{czh}”（{cen}），未写入任何数据",
                "{f}: required column '{cen}' ({czh}) is missing; nothing was written",
                f=source, czh=col.zh, cen=col.key))


def _build_table(spec: TableSpec, source: str, path: Path, headers: list[str],
                 records: Iterator[tuple[int, list[object]]] | Callable[[], Iterator[tuple[int, list[object]]]],
                 encoding: str | None = None, exported: bool = False, *, count: int | None = None) -> RawTable:
    """``records``: the rows, or (with ``count``) a callable that yields them again when the
    planner needs them (see :class:`RawTable`)."""
    mapping, unknown = map_headers(spec, headers)
    _check_required(spec, source, mapping)
    written = {key: str(headers[pos]).strip() for key, pos in mapping.items()}
    width = len(headers)
    text_of = _export_cell_text if exported else _cell_text

    def build(records: Iterator[tuple[int, list[object]]]) -> list[RawRow]:
        return list(build_iter(records))

    def build_iter(records: Iterator[tuple[int, list[object]]]) -> Iterator[RawRow]:
        positions = list(mapping.items())
        for number, values in records:
            # a CSV cell is already text, as written: skip the per-cell conversion (a million rows)
            texts: list[str] = values if plain_text else [text_of(v) for v in values]  # type: ignore[assignment]
            if not any(map(str.strip, texts)):
                continue
            n = len(texts)
            cells = {key: (texts[pos] if pos < n else "") for key, pos in positions}
            extra = [t for t in texts[width:] if t.strip()] if n > width else []
            yield RawRow(number, cells, extra=extra)

    plain_text = callable(records) and not exported  # rows of a CSV reader: lists of str
    if callable(records):
        again = records
        return RawTable(spec, source, path, written, unknown, lambda: build(again()), encoding, count=count,
                        stream=lambda: build_iter(again()))
    return RawTable(spec, source, path, written, unknown, build(records), encoding)


# ---------------------------------------------------------------------- CSV
def decode_bytes(data: bytes, source: str) -> tuple[str, str]:
    """Decode a CSV file: UTF-8 (with or without BOM) first, then GB18030 (Chinese Excel exports)."""
    for encoding in CSV_ENCODINGS:
        try:
            return data.decode(encoding), encoding
        except UnicodeDecodeError:
            continue
    raise UsageError(tr(
        "{f}：无法识别文件编码（支持 UTF-8、带 BOM 的 UTF-8、GB18030），未写入任何数据",
        "{f}: unknown text encoding (UTF-8, UTF-8 with BOM and GB18030 are supported); nothing was written",
        f=source))


def check_file_size(path: Path, source: str) -> None:
    """Refuse a file larger than :data:`MAX_INPUT_FILE_BYTES` before reading a byte of it."""
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise UsageError(tr("{f}：无法读取（{e}）", "{f}: cannot be read ({e})", f=source, e=exc.strerror)) from exc
    if size > MAX_INPUT_FILE_BYTES:
        raise UsageError(tr("{f}：文件过大（{n} MB，上限 {m} MB），未写入任何数据；请拆分后分批导入",
                            "{f}: file too large ({n} MB, limit {m} MB); nothing was written. Split it and "
                            "ingest the parts", f=source, n=size // (1024 * 1024),
                            m=MAX_INPUT_FILE_BYTES // (1024 * 1024)))


def read_csv(path: Path, spec: TableSpec, exported: bool | None = None) -> RawTable:
    source = path.name
    exported = is_export_folder(path.parent) if exported is None else exported
    check_file_size(path, source)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise UsageError(tr("{f}：无法读取（{e}）", "{f}: cannot be read ({e})", f=source, e=exc.strerror)) from exc
    text, encoding = decode_bytes(data, source)
    csv.field_size_limit(CSV_FIELD_LIMIT)
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        headers = next(reader, None)
        if not headers:
            raise UsageError(tr("{f}：文件为空，没有表头行", "{f}: the file is empty (no header row)", f=source))
        # the whole file is parsed now (a malformed one is refused before anything is written) and
        # its non-blank rows counted; the rows themselves are built again when they are planned
        count = sum(1 for record in reader if any(map(str.strip, record)))
    except csv.Error as exc:
        raise UsageError(tr("{f}：CSV 格式错误（第 {n} 行附近：{e}），未写入任何数据",
                            "{f}: malformed CSV (near line {n}: {e}); nothing was written",
                            f=source, n=reader.line_num, e=exc)) from exc

    def records() -> Iterator[tuple[int, list[object]]]:
        again = csv.reader(io.StringIO(text, newline=""))
        next(again, None)
        for number, record in enumerate(again, start=2):
            yield number, list(record)

    return _build_table(spec, source, path, [h.strip() for h in headers], records, encoding, exported,
                        count=count)


# ---------------------------------------------------------------------- JSON Lines
def read_jsonl(path: Path, spec: TableSpec, exported: bool | None = None) -> RawTable:
    """One JSON object per line; keys are headers in English or Chinese. A bad line is one bad row."""
    source = path.name
    text_of = _export_cell_text if (is_export_folder(path.parent) if exported is None else exported) else _cell_text
    check_file_size(path, source)
    try:
        text, encoding = decode_bytes(path.read_bytes(), source)
    except OSError as exc:
        raise UsageError(tr("{f}：无法读取（{e}）", "{f}: cannot be read ({e})", f=source, e=exc.strerror)) from exc
    objects: list[tuple[int, dict | None, str]] = []
    headers: list[str] = []
    seen: set[str] = set()
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        if len(line) > CSV_FIELD_LIMIT:
            objects.append((number, None, line[:200]))
            continue
        try:
            obj = json.loads(line)
        except (json.JSONDecodeError, RecursionError):
            obj = None
        if not isinstance(obj, dict) or too_deep(obj, JSON_MAX_DEPTH):
            objects.append((number, None, line))
            continue
        for key in obj:
            if str(key) not in seen:
                seen.add(str(key))
                headers.append(str(key))
        objects.append((number, obj, line))
    # each object may spell its keys differently (English here, Chinese there): map them per object
    written: dict[str, str] = {}
    cache: dict[tuple[str, ...], dict[str, int]] = {}
    rows: list[RawRow] = []
    for number, obj, line in objects:
        if obj is None:
            rows.append(RawRow(number, {key: "" for key in spec_keys(spec)}, error=(
                line[:200], "不是有效的 JSON 对象（或行过长、嵌套过深）",
                "not a valid JSON object (or the line is too long or nested too deeply)")))
            continue
        keys = tuple(str(k) for k in obj)
        if keys not in cache:
            cache[keys] = map_headers(spec, list(keys))[0]
            for key, pos in cache[keys].items():
                written.setdefault(key, keys[pos])
        values = list(obj.values())
        cells = {key: "" for key in spec_keys(spec)}
        cells.update({key: text_of(values[pos]) for key, pos in cache[keys].items()})
        rows.append(RawRow(number, cells))
    _check_required(spec, source, written)
    unknown = [h for h in headers if h not in written.values()]
    return RawTable(spec, source, path, written, unknown, rows, encoding)


def too_deep(value: object, limit: int) -> bool:
    """True if lists/dicts in ``value`` nest deeper than ``limit`` (checked without recursion)."""
    stack: list[tuple[object, int]] = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if depth > limit:
            return True
        if isinstance(item, dict):
            stack.extend((v, depth + 1) for v in item.values())
        elif isinstance(item, list):
            stack.extend((v, depth + 1) for v in item)
    return False


# ---------------------------------------------------------------------- XLSX
def check_zip_safe(path: Path) -> None:
    """Refuse archives whose members would unpack to more than we are willing to hold (zip bombs)."""
    try:
        with zipfile.ZipFile(path) as archive:
            infos = archive.infolist()
    except (zipfile.BadZipFile, OSError) as exc:
        raise UsageError(tr("{f}：不是有效的 XLSX 工作簿（{e}），未写入任何数据",
                            "{f}: not a valid XLSX workbook ({e}); nothing was written", f=path.name, e=exc)) from exc
    total = sum(i.file_size for i in infos)
    packed = sum(i.compress_size for i in infos) or 1
    bomb_member = any(i.file_size > XLSX_MEMBER_CHECK_BYTES and i.file_size > XLSX_MAX_RATIO * max(i.compress_size, 1)
                      for i in infos)
    if (total > XLSX_MAX_UNCOMPRESSED or len(infos) > XLSX_MAX_MEMBERS or bomb_member
            or (total > 50 * 1024 * 1024 and total / packed > XLSX_MAX_RATIO)):
        raise UsageError(tr("{f}：工作簿解压后过大（{n} MB），疑似压缩炸弹，拒绝读取",
                            "{f}: the workbook unpacks to {n} MB, which looks like a zip bomb; refused",
                            f=path.name, n=total // (1024 * 1024)))


def read_xlsx(path: Path) -> tuple[list[RawTable], list[str]]:
    """Every sheet named after a template; returns (tables, names of sheets that are not templates)."""
    import openpyxl

    check_file_size(path, path.name)
    check_zip_safe(path)
    try:
        workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # noqa: BLE001 - openpyxl raises many types for corrupt files
        raise UsageError(tr("{f}：无法打开工作簿（{e}），未写入任何数据",
                            "{f}: cannot open the workbook ({e}); nothing was written", f=path.name, e=exc)) from exc
    tables: list[RawTable] = []
    ignored: list[str] = []
    exported = workbook.properties.creator == EXPORT_CREATOR or is_export_folder(path.parent)
    try:
        for sheet in workbook.worksheets:
            spec = table_for_name(sheet.title)
            source = f"{path.name}:{sheet.title}"
            if spec is None:
                ignored.append(source)
                continue
            sheet.reset_dimensions()  # never trust the declared <dimension ref>
            headers = next(sheet.iter_rows(min_row=1, max_row=1, values_only=True), None)
            while headers and headers[-1] is None:
                headers = headers[:-1]
            if not headers or not any(h is not None for h in headers):
                raise UsageError(tr("{f}：工作表没有表头行", "{f}: the sheet has no header row", f=source))
            header_texts = [_cell_text(h).strip() for h in headers]
            values = sheet.iter_rows(min_row=2, max_col=len(headers) + XLSX_EXTRA_COLUMNS, values_only=True)

            def records(values: Iterator = values, source: str = source) -> Iterator[tuple[int, list[object]]]:
                for number, record in enumerate(values, start=2):
                    if record.count(None) == len(record):
                        continue  # an empty (or padded) row: nothing to load or reject
                    if number > XLSX_MAX_ROWS + 1:
                        raise UsageError(tr(
                            "{f}：第 {n} 行超出每个工作表 {m} 行数据的上限，未写入任何数据；请拆分后分批导入",
                            "{f}: row {n} is beyond the limit of {m} data rows per sheet; nothing was written. "
                            "Split the sheet and ingest the parts", f=source, n=number, m=XLSX_MAX_ROWS))
                    yield number, list(record)

            tables.append(_build_table(spec, source, path, header_texts, records(), exported=exported))
    finally:
        workbook.close()
    return tables, ignored


# ---------------------------------------------------------------------- datasets
@dataclass
class Dataset:
    path: Path
    tables: dict[str, RawTable]  # table key -> table
    ignored: list[str]  # files or sheets that are not templates

    @property
    def sources(self) -> list[str]:
        return [str(t.path) if ":" not in t.source else f"{t.path}:{t.source.split(':', 1)[1]}"
                for t in self.tables.values()]


def read_dataset(path: Path) -> Dataset:
    """Read a dataset folder (CSV / JSON Lines / one XLSX workbook) or a single file."""
    path = Path(path)
    if not path.exists():
        raise UsageError(tr("{p}：不存在", "{p}: does not exist", p=path))
    files = sorted(p for p in path.iterdir() if p.is_file()) if path.is_dir() else [path]
    tables: dict[str, RawTable] = {}
    ignored: list[str] = []

    def add(table: RawTable) -> None:
        if table.spec.key in tables:
            raise UsageError(tr("“{t}”表出现了两次：{a} 和 {b}；请只保留一个",
                                "table '{t}' appears twice: {a} and {b}; keep only one",
                                t=table.spec.key, a=tables[table.spec.key].source, b=table.source))
        tables[table.spec.key] = table

    for file in files:
        suffix = file.suffix.lower()
        if file.name.startswith((".", "~$")) or suffix not in DATA_SUFFIXES:
            if path.is_file():
                raise UsageError(tr("{f}：不支持的文件格式（支持 .csv、.xlsx、.jsonl）",
                                    "{f}: unsupported format (use .csv, .xlsx or .jsonl)", f=file.name))
            continue
        if suffix == ".xlsx":
            sheets, skipped = read_xlsx(file)
            for table in sheets:
                add(table)
            ignored.extend(skipped)
            continue
        spec = table_for_name(file.stem)
        if spec is None:
            ignored.append(file.name)
            continue
        add(read_csv(file, spec) if suffix == ".csv" else read_jsonl(file, spec))
    if not tables:
        raise UsageError(tr(
            "{p}：没有找到可识别的数据表（文件或工作表名应为 {names}）",
            "{p}: no recognisable table (file or sheet names: {names})",
            p=path, names=", ".join(f"{t.key}/{t.zh}" for t in TABLES_BY_KEY.values())))
    return Dataset(path, tables, ignored)
