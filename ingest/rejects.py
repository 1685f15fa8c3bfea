"""The rejects and ambiguity reports: what did not load, and what a person must decide.

A reject names the file as written, the spreadsheet row, the record (the row's name, or its id —
which platform, institution or person was refused, without going back to the spreadsheet), the
column header as written, the value and the reason in Chinese and English, so a planner can open
the file and fix the cell. Both are
CSV with a BOM so Excel opens the Chinese correctly.
"""

from __future__ import annotations

import contextlib
import csv
import os
from dataclasses import dataclass
from pathlib import Path

from graph.errors import UsageError
from graph.i18n import tr
from graph.textsafe import neutralise

MAX_VALUE = 500  # a huge cell is cut in the report (the reason says how long it was)

REJECT_HEADER = ["file 文件", "row 行号", "record 记录", "column 列", "value 值", "reason_zh 原因",
                 "reason_en reason"]
REJECT_KEYS = ["file", "row", "record", "column", "value", "reason_zh", "reason_en"]
AMBIGUITY_HEADER = ["kind 类型", "file 文件", "row 行号", "column 列", "value 值", "candidate_key 候选单位",
                    "candidate_name 候选名称", "score 相似度", "note_zh 说明", "note_en note"]


@dataclass(frozen=True)
class Reject:
    file: str
    row: int
    column: str
    value: str
    reason_zh: str
    reason_en: str
    record: str = ""  # the row's name or id (see ingest.load_plan.record_name)

    def as_list(self) -> list[str]:
        value = self.value if len(self.value) <= MAX_VALUE else self.value[:MAX_VALUE] + "…"
        record = self.record if len(self.record) <= MAX_VALUE else self.record[:MAX_VALUE] + "…"
        return [self.file, str(self.row), record, self.column, value, self.reason_zh, self.reason_en]


@dataclass(frozen=True)
class Ambiguity:
    kind: str  # unresolved_near_miss | ambiguous_alias | similar_institutions | ambiguous_industry | industry_variant
    file: str
    row: int | None
    column: str
    value: str
    candidate_key: str
    candidate_name: str
    score: float | None
    note_zh: str
    note_en: str

    def as_list(self) -> list[str]:
        return [self.kind, self.file, "" if self.row is None else str(self.row), self.column,
                self.value[:MAX_VALUE], self.candidate_key, self.candidate_name,
                "" if self.score is None else f"{self.score:g}", self.note_zh, self.note_en]


def _safe(cell: str) -> str:
    """Keep a cell that looks like a formula inert when the file is opened in a spreadsheet: the
    one rule of :mod:`graph.textsafe` (tab and carriage return included)."""
    return neutralise(cell)


def check_writable(folder: Path) -> None:
    """Fail early (before the graph is touched) when the rejects cannot be written there: a
    read-only folder or a full disk (one small probe file is written and removed)."""
    probe = folder / f".platgraph-write-test-{os.getpid()}"
    try:
        folder.mkdir(parents=True, exist_ok=True)
        probe.write_bytes(b"\0" * 4096)
        probe.unlink()
    except OSError as exc:
        with contextlib.suppress(OSError):
            probe.unlink(missing_ok=True)
        raise UsageError(tr("无法写入 {f}（{e}），未写入任何数据；请用 --rejects 指定可写的位置",
                            "cannot write {f} ({e}); nothing was written. Choose a writable place with --rejects",
                            f=folder, e=exc.strerror or exc)) from exc


def write_csv(path: Path, header: list[str], rows: list[list[str]]) -> None:
    # Written before the graph is touched: a read-only or full disk stops the ingest here, cleanly.
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(path, "w", encoding="utf-8-sig", newline="") as fh:
            writer = csv.writer(fh)
            writer.writerow(header)
            for row in rows:
                writer.writerow([_safe(c) for c in row])
    except OSError as exc:
        raise UsageError(tr("无法写入 {f}（{e}），未写入任何数据；请用 --rejects 指定可写的位置",
                            "cannot write {f} ({e}); nothing was written. Choose a writable place with --rejects",
                            f=path, e=exc.strerror or exc)) from exc


def write_rejects(path: Path, rejects: list[Reject]) -> None:
    write_csv(path, REJECT_HEADER, [r.as_list() for r in rejects])


def write_ambiguities(path: Path, items: list[Ambiguity]) -> None:
    write_csv(path, AMBIGUITY_HEADER, [a.as_list() for a in items])


def read_rejects(path: Path) -> list[dict[str, str]]:
    """The rejects file back as ``{file, row, record, column, value, reason_zh, reason_en}`` (tests, tools)."""
    keys = REJECT_KEYS
    with open(path, encoding="utf-8-sig", newline="") as fh:
        reader = csv.reader(fh)
        next(reader, None)
        out = []
        for row in reader:
            item = dict(zip(keys, row, strict=False))
            for key in ("value", "record"):
                if item.get(key, "").startswith("'") and item[key][1:2] in ("=", "+", "-", "@"):
                    item[key] = item[key][1:]
            out.append(item)
        return out
