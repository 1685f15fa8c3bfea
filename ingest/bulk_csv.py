"""Import files for Neo4j's offline importer: one header file and one data file per node label and
relationship type, in the importer's CSV header format.

Why our own writer and not :mod:`csv`: the importer tells "no property" (an empty cell) from "empty
string" (a quoted ``""``), which :mod:`csv` cannot express for ``None``; and each column carries a
type (``:long``, ``:string[]``, ``:datetime`` …) that must hold for every row, so the types are
worked out from the values first and a label whose values do not fit one type is refused
(:class:`NotBulkable`) rather than loaded differently from the transactional path.

An empty list cannot be written at all (the importer reads an empty array cell as "no property"),
so :class:`NodeFile` collects the keys and properties that are empty lists; ``ingest/bulk.py`` sets
them after the import with one Cypher statement per label.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from neo4j.time import Date, DateTime

ARRAY_DELIMITER = "\x1f"  # ASCII unit separator: never in a validated cell (control characters are refused)
ARRAY_DELIMITER_ARG = "\\u001F"  # how the importer's option parser reads it (see BulkImport.java)


class NotBulkable(Exception):
    """The plan holds something the offline importer cannot reproduce exactly; use the Cypher path."""


def _scalar_type(value: Any) -> str:
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "long"
    if isinstance(value, float):
        return "double"
    if isinstance(value, str):
        return "string"
    if isinstance(value, DateTime):
        return "datetime"
    if isinstance(value, Date):
        return "date"
    raise NotBulkable(f"unsupported property value of type {type(value).__name__}")


def value_type(value: Any) -> str | None:
    """The importer type of one non-null value (``None`` for an empty list: it fits any array type)."""
    if isinstance(value, list | tuple):
        kinds = {_scalar_type(v) for v in value if v is not None}
        if any(v is None for v in value):
            raise NotBulkable("a list with a null element")
        if not kinds:
            return None
        if len(kinds) > 1:
            raise NotBulkable(f"a list mixing {sorted(kinds)}")
        return next(iter(kinds)) + "[]"
    return _scalar_type(value)


def _quote(text: str) -> str:
    return '"' + text.replace('"', '""') + '"'


def _cell(value: Any, kind: str) -> str:
    if value is None:
        return ""
    if kind == "string":
        return _quote(value)
    if kind == "boolean":
        return "true" if value else "false"
    if kind in ("long", "double"):
        return repr(value)
    if kind in ("datetime", "date"):
        return value.iso_format()
    # arrays
    element = kind[:-2]
    if element == "string":
        for item in value:
            if ARRAY_DELIMITER in item:
                raise NotBulkable("a list element contains the array delimiter")
        return _quote(ARRAY_DELIMITER.join(value))
    return _quote(ARRAY_DELIMITER.join(_cell(v, element).strip('"') for v in value))


class _Table:
    """Rows of one label or relationship type: property dicts whose column types are found on close."""

    def __init__(self, directory: Path, name: str) -> None:
        self.directory, self.name = directory, name
        self.rows: list[tuple[tuple[str, ...], Mapping[str, Any]]] = []
        self.types: dict[str, str | None] = {}
        self.multiline = False

    def _types_of(self, props: Mapping[str, Any]) -> None:
        for prop, value in props.items():
            if value is None:
                continue
            kind = value_type(value)
            known = self.types.get(prop)
            if known is None:
                self.types[prop] = kind
            elif kind is not None and kind != known:
                raise NotBulkable(f"{self.name}.{prop} holds both {known} and {kind} values")

    def _columns(self) -> list[tuple[str, str]]:
        cols = []
        for prop, kind in self.types.items():
            cols.append((prop, kind or "string[]"))  # only empty lists seen: any array type will do
        return cols

    def _line(self, ids: tuple[str, ...], props: Mapping[str, Any], columns: list[tuple[str, str]]) -> str:
        cells = [_quote(i) for i in ids]
        for prop, kind in columns:
            value = props.get(prop)
            if isinstance(value, list | tuple) and not value:
                value = None
            cell = _cell(value, kind)
            if "\n" in cell or "\r" in cell:
                self.multiline = True
            cells.append(cell)
        return ",".join(cells)

    def _write(self, id_header: list[str]) -> tuple[Path, Path]:
        columns = self._columns()
        header = self.directory / f"{self.name}-header.csv"
        data = self.directory / f"{self.name}.csv"
        header.write_text(",".join([*id_header, *(f"{prop}:{kind}" for prop, kind in columns)]) + "\n",
                          encoding="utf-8")
        with open(data, "w", encoding="utf-8", newline="") as out:
            chunk: list[str] = []
            for ids, props in self.rows:
                chunk.append(self._line(ids, props, columns))
                if len(chunk) >= 20_000:
                    out.write("\n".join(chunk) + "\n")
                    chunk = []
            if chunk:
                out.write("\n".join(chunk) + "\n")
        return header, data


class NodeFile(_Table):
    """The nodes of one label, keyed by ``key`` in the label's own ID space."""

    def __init__(self, directory: Path, label: str) -> None:
        super().__init__(directory, f"nodes-{label}")
        self.label = label
        self.keys: set[str] = set()
        self.empty_lists: list[dict[str, Any]] = []  # {"key", "props": {prop: []}} set after the import

    def add(self, key: str, props: Mapping[str, Any]) -> None:
        if key in self.keys:
            raise NotBulkable(f"two {self.label} nodes with key {key!r}")
        self.keys.add(key)
        props = {k: v for k, v in props.items() if k != "key"}
        self._types_of(props)
        empty: dict[str, list[Any]] = {k: [] for k, v in props.items() if isinstance(v, list | tuple) and not v}
        if empty:
            self.empty_lists.append({"key": key, "props": empty})
        self.rows.append(((key,), props))

    def write(self) -> tuple[Path, Path]:
        return self._write([f"key:ID({self.label})"])


class RelFile(_Table):
    """The relationships of one type between one pair of labels."""

    def __init__(self, directory: Path, rel: str, a: str, b: str) -> None:
        super().__init__(directory, f"rels-{rel}-{a}-{b}")
        self.rel, self.a, self.b = rel, a, b

    def add(self, a: str, b: str, props: Mapping[str, Any]) -> None:
        if any(isinstance(v, list | tuple) and not v for v in props.values()):
            raise NotBulkable(f"an empty list on a {self.rel} relationship")
        self._types_of(props)
        self.rows.append(((a, b), props))

    def write(self) -> tuple[Path, Path]:
        return self._write([f":START_ID({self.a})", f":END_ID({self.b})"])


def import_args(nodes: Iterable[NodeFile], rels: Iterable[RelFile], *, database: str, report: Path) -> list[str]:
    """The importer's arguments for the written files (``database import full``)."""
    args: list[str] = []
    multiline = False
    for node in nodes:
        header, data = node.write()
        multiline |= node.multiline
        args.append(f"--nodes={node.label}={header},{data}")
    for rel in rels:
        if not rel.rows:
            continue
        header, data = rel.write()
        multiline |= rel.multiline
        args.append(f"--relationships={rel.rel}={header},{data}")
    args += [f"--array-delimiter={ARRAY_DELIMITER_ARG}", "--overwrite-destination=true", "--bad-tolerance=0",
             f"--report-file={report}", f"--multiline-fields={'true' if multiline else 'false'}", database]
    return args
