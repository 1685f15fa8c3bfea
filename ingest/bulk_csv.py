"""Import files for Neo4j's offline importer: one header file and one data file per node label and
relationship type, in the importer's CSV header format.

Why our own writer and not :mod:`csv`: the importer tells "no property" (an empty cell) from "empty
string" (a quoted ``""``), which :mod:`csv` cannot express for ``None``; and each column carries a
type (``:long``, ``:string[]``, ``:datetime`` …) that must hold for every row, so the types are
worked out from the values first and a label whose values do not fit one type is refused
(:class:`NotBulkable`) rather than loaded differently from the transactional path.

Why two passes over row *sources* instead of a list of rows: at 100,000 platforms the plan holds
some six million nodes and relationships; a copy of each as an import row doubled the memory of the
load (the first 100,000 bulk run was killed at 7.3 GB). A table is given callables that yield its
rows from the plan; the first pass finds the column types (and refuses what one type cannot hold)
before anything is written, the second writes the lines. Nothing is held but the types.

An empty list cannot be written at all (the importer reads an empty array cell as "no property";
neo4j/neo4j#13566), so :class:`NodeFile` records which nodes have which properties as empty lists,
and ``ingest/bulk.py`` sets them after the import: by one scan per property when every row of the
file carries a list there and the run's provenance (then "missing" can only mean "empty"), else by
key.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any

from neo4j.time import Date, DateTime

ARRAY_DELIMITER = "\x1f"  # ASCII unit separator: never in a validated cell (control characters are refused)
ARRAY_DELIMITER_ARG = "\\u001F"  # how the importer's option parser reads it (see BulkImport.java)
PROPERTY_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")  # the only property names put into query text

Rows = Callable[[], Iterable[tuple[tuple[str, ...], Mapping[str, Any]]]]  # ((ids…), props) per row


class NotBulkable(Exception):
    """The plan holds something the offline importer cannot reproduce exactly; use the Cypher path."""


_SCALAR = {bool: "boolean", int: "long", float: "double", str: "string", DateTime: "datetime", Date: "date"}


def _scalar_type(value: Any) -> str:
    kind = _SCALAR.get(type(value))
    if kind is None:
        raise NotBulkable(f"unsupported property value of type {type(value).__name__}")
    return kind


def value_type(value: Any) -> str | None:
    """The importer type of one non-null value (``None`` for an empty list: it fits any array type)."""
    if isinstance(value, list | tuple):
        if any(v is None for v in value):
            raise NotBulkable("a list with a null element")
        kinds = {_scalar_type(v) for v in value}
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
    """The rows of one label or relationship type, from one or more row sources (see the module
    docstring): :meth:`scan` finds the column types, :meth:`write` writes header and data files."""

    def __init__(self, directory: Path, name: str, constant: Mapping[str, Any] | None = None) -> None:
        self.directory, self.name = directory, name
        self.sources: list[Rows] = []
        self.types: dict[str, str | None] = {}
        self.constant = dict(constant or {})  # a property every row of this file carries (src_run)
        self.rows = 0
        self.multiline = False
        self.scanned = False

    def add_source(self, rows: Rows) -> None:
        self.sources.append(rows)
        self.scanned = False

    def _rows(self) -> Iterator[tuple[tuple[str, ...], Mapping[str, Any]]]:
        for source in self.sources:
            yield from source()

    def _check_row(self, ids: tuple[str, ...], props: Mapping[str, Any]) -> None:
        """A hook for one row of the first pass (keys, empty lists)."""

    def scan(self) -> None:
        """First pass: every column's type; refuses a column that would need two."""
        types: dict[str, str | None] = {prop: value_type(v) for prop, v in self.constant.items()}
        seen: dict[str, type] = {}  # property -> Python type of its scalar values (fast path)
        rows = 0
        for ids, props in self._rows():
            rows += 1
            self._check_row(ids, props)
            for prop, value in props.items():
                if value is None or prop in self.constant:
                    continue
                if seen.get(prop) is type(value) and not isinstance(value, list | tuple):
                    continue
                kind = value_type(value)
                known = types.get(prop)
                if known is None:
                    types[prop] = kind
                    if kind is not None and not kind.endswith("[]"):
                        seen[prop] = type(value)
                elif kind is not None and kind != known:
                    raise NotBulkable(f"{self.name}.{prop} holds both {known} and {kind} values")
        self.types, self.rows, self.scanned = types, rows, True

    def columns(self) -> list[tuple[str, str]]:
        return [(prop, kind or "string[]") for prop, kind in self.types.items()]  # only [] seen: any array

    def _line(self, ids: tuple[str, ...], props: Mapping[str, Any], columns: list[tuple[str, str]],
              fixed: Mapping[str, str] | None = None) -> str:
        """One data line. ``fixed``: the cells of the file's constant columns, made once (most
        relationship lines are their two keys and the run's ``src_run``: millions at 100,000)."""
        cells = ['"' + i.replace('"', '""') + '"' for i in ids]
        for prop, kind in columns:
            if fixed is not None and prop in fixed:
                cells.append(fixed[prop])
                continue
            value = props.get(prop)
            if value is None:
                cells.append("")
                continue
            if kind == "string":
                cell = '"' + value.replace('"', '""') + '"'
                if "\n" in cell or "\r" in cell:
                    self.multiline = True
            elif isinstance(value, list | tuple) and not value:
                cell = ""
            else:
                cell = _cell(value, kind)
                if "\n" in cell or "\r" in cell:
                    self.multiline = True
            cells.append(cell)
        return ",".join(cells)

    def _write(self, id_header: list[str]) -> tuple[Path, Path]:
        if not self.scanned:
            self.scan()
        columns = self.columns()
        header = self.directory / f"{self.name}-header.csv"
        data = self.directory / f"{self.name}.csv"
        header.write_text(",".join([*id_header, *(f"{prop}:{kind}" for prop, kind in columns)]) + "\n",
                          encoding="utf-8")
        # a constant column's cell is the same on every line: made once, exactly as _line makes it
        fixed = {prop: self._line((), self.constant, [(prop, kind)]) for prop, kind in columns
                 if prop in self.constant}
        with open(data, "w", encoding="utf-8", newline="") as out:
            chunk: list[str] = []
            for ids, props in self._rows():
                chunk.append(self._line(ids, props, columns, fixed))
                if len(chunk) >= 20_000:
                    out.write("\n".join(chunk) + "\n")
                    chunk = []
            if chunk:
                out.write("\n".join(chunk) + "\n")
        return header, data


class NodeFile(_Table):
    """The nodes of one label, keyed by ``key`` in the label's own ID space."""

    def __init__(self, directory: Path, label: str, constant: Mapping[str, Any] | None = None) -> None:
        super().__init__(directory, f"nodes-{label}", constant)
        self.label = label
        self.keys: set[str] = set()
        # property -> keys of the nodes where it is an empty list (set after the import)
        self.empty_lists: dict[str, list[str]] = {}
        self.not_lists: set[str] = set()  # properties some row leaves unset or gives a non-list value
        self._buffered: list[tuple[tuple[str, ...], Mapping[str, Any]]] = []

    def add(self, key: str, props: Mapping[str, Any]) -> None:
        """One node held in memory (the few nodes exported from the graph); plan nodes come from a
        row source (:meth:`add_source`) instead."""
        if not self._buffered:
            self.add_source(lambda: iter(self._buffered))
        self._buffered.append(((key,), {k: v for k, v in props.items() if k != "key"}))
        self.scanned = False

    def scan(self) -> None:
        self.keys, self.empty_lists, self.not_lists = set(), {}, set()
        self._list_props: dict[str, int] = {}
        super().scan()
        # a property is "always a list" only if every row carried a list there
        self.not_lists |= {prop for prop, n in self._list_props.items() if n != self.rows}

    def _check_row(self, ids: tuple[str, ...], props: Mapping[str, Any]) -> None:
        key = ids[0]
        if key in self.keys:
            raise NotBulkable(f"two {self.label} nodes with key {key!r}")
        self.keys.add(key)
        for prop, value in props.items():
            if isinstance(value, list | tuple):
                self._list_props[prop] = self._list_props.get(prop, 0) + 1
                if not value:
                    self.empty_lists.setdefault(prop, []).append(key)

    def write(self) -> tuple[Path, Path]:
        return self._write([f"key:ID({self.label})"])

    def empty_list_fixes(self) -> tuple[list[str], list[dict[str, Any]]]:
        """How to set the empty lists after the import: ``(properties to set by one scan over the
        run's nodes, rows {key, props} to set by key)``. A scan is right for a property that every
        row of this file carries as a list, in a file whose rows all carry the run's provenance:
        after the import such a node lacks it only where the list is empty."""
        if not self.scanned:
            self.scan()
        scan = [prop for prop in self.empty_lists
                if "src_run" in self.constant and prop not in self.not_lists and PROPERTY_NAME.match(prop)]
        by_key: dict[str, dict[str, Any]] = {}
        for prop, keys in self.empty_lists.items():
            if prop in scan:
                continue
            for key in keys:
                by_key.setdefault(key, {})[prop] = []
        return scan, [{"key": key, "props": props} for key, props in by_key.items()]


class RelFile(_Table):
    """The relationships of one type between one pair of labels."""

    def __init__(self, directory: Path, rel: str, a: str, b: str, constant: Mapping[str, Any] | None = None) -> None:
        super().__init__(directory, f"rels-{rel}-{a}-{b}", constant)
        self.rel, self.a, self.b = rel, a, b
        self._buffered: list[tuple[tuple[str, ...], Mapping[str, Any]]] = []

    def add(self, a: str, b: str, props: Mapping[str, Any]) -> None:
        """One relationship held in memory (exported from the graph)."""
        if any(isinstance(v, list | tuple) and not v for v in props.values()):
            raise NotBulkable(f"an empty list on a {self.rel} relationship")
        if not self._buffered:
            self.add_source(lambda: iter(self._buffered))
        self._buffered.append(((a, b), props))
        self.scanned = False

    def _check_row(self, ids: tuple[str, ...], props: Mapping[str, Any]) -> None:
        for value in props.values():
            if isinstance(value, list | tuple) and not value:
                raise NotBulkable(f"an empty list on a {self.rel} relationship")

    def write(self) -> tuple[Path, Path]:
        return self._write([f":START_ID({self.a})", f":END_ID({self.b})"])


def import_args(nodes: Iterable[NodeFile], rels: Iterable[RelFile], *, database: str, report: Path) -> list[str]:
    """The importer's arguments for the written files (``database import full``)."""
    args: list[str] = []
    multiline = False
    for node in nodes:
        if not node.scanned:
            node.scan()
        if not node.rows:
            continue
        header, data = node.write()
        multiline |= node.multiline
        args.append(f"--nodes={node.label}={header},{data}")
    for rel in rels:
        if not rel.scanned:
            rel.scan()
        if not rel.rows:
            continue
        header, data = rel.write()
        multiline |= rel.multiline
        args.append(f"--relationships={rel.rel}={header},{data}")
    args += [f"--array-delimiter={ARRAY_DELIMITER_ARG}", "--overwrite-destination=true", "--bad-tolerance=0",
             f"--report-file={report}", f"--multiline-fields={'true' if multiline else 'false'}", database]
    return args
