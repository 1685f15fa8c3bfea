"""The platforms-only form of the sample: one list, as a planner's list or an announcement arrives.

Why: the commonest real input is a single platforms table — name, type and level as written, the
host by its short name (or missing), city, year — with no institutions, people or industries. This
file lets the demo and the tests run the product on that shape (hosts become institutions, short
names resolve to reference institutions, hostless rows load flagged) beside the full sample.

It draws from its own random stream (seeded from the sample's seed), so writing it changes nothing
in the full sample.
"""

from __future__ import annotations

import csv
import random
from pathlib import Path

from graph.reference import LEVEL_NAMES
from ingest.sample.world import World

FOLDER = "platforms-only"
FILE = "platforms.csv"
HEADERS = ["平台名称", "平台类型", "级别", "依托单位", "所在市", "认定年份"]
HOSTLESS_SHARE = 0.03  # rows whose host cell is empty, as in real announcements
PREFIXED_SHARE = 0.3  # regional types written with 广西 / 自治区级 in front


def host_as_written(world: World, idx: int, rng: random.Random) -> str:
    """The host as a list writes it: its short name when it has one (柳工, 西大), else its name."""
    inst = world.insts[idx]
    if inst.short:
        return inst.short
    if inst.aliases and rng.random() < 0.7:
        return inst.aliases[0]
    return inst.name


def write_platforms_only(world: World, out_dir: Path, seed: int) -> dict:
    """Write ``<out_dir>/platforms-only/platforms.csv``; return ``{file, rows, hosts_named, hostless}``."""
    rng = random.Random(seed * 7919 + 23)
    folder = out_dir / FOLDER
    folder.mkdir(parents=True, exist_ok=True)
    rows = []
    hostless = 0
    for p in sorted(world.platforms, key=lambda p: p.id or ""):
        written_type = p.type_key
        if p.level == "regional" and rng.random() < PREFIXED_SHARE:
            prefixed = rng.choice(("广西", "自治区级")) + p.type_key.removeprefix("自治区")
            if world.tax.resolve_type(prefixed, p.level) == (p.type_key, p.level):
                written_type = prefixed
        host = "" if rng.random() < HOSTLESS_SHARE else host_as_written(world, p.host, rng)
        hostless += not host
        rows.append([p.name, written_type, LEVEL_NAMES[p.level][0], host, p.city, str(p.established)])
    path = folder / FILE
    with open(path, "w", encoding="utf-8-sig", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(HEADERS)
        writer.writerows(rows)
    return {"file": f"{FOLDER}/{FILE}", "rows": len(rows), "hosts_named": len(rows) - hostless,
            "hostless": hostless}
