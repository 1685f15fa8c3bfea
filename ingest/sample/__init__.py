"""The sample dataset generator: a deterministic, realistic Guangxi dataset with known answers.

``generate_sample(out_dir)`` writes the template files of docs/data-templates.md (Chinese and English headers,
UTF-8, UTF-8 with BOM and GB18030, name variants, a few bad rows) and ``truth.json`` (see
docs/sample-data.md). Everything is drawn from one ``random.Random(seed)``, so a seed gives the same
bytes every time; ``platforms`` scales institutions, people and relationships proportionally.
"""

from __future__ import annotations

import json
from pathlib import Path

from ingest.sample import pools
from ingest.sample.institutions import InstitutionFactory
from ingest.sample.layout import Renderer
from ingest.sample.planted import Planted, Planter
from ingest.sample.platforms import PlatformBuilder
from ingest.sample.platforms_only import write_platforms_only
from ingest.sample.rand import SampleRandom
from ingest.sample.relations import make_collaborations, make_targets
from ingest.sample.truth import build_truth
from ingest.sample.world import World
from ingest.sample.writer import XLSX_DIR, XLSX_NAME, write_csv, write_xlsx

__all__ = ["MIN_PLATFORMS", "TRUTH_FILE", "generate_sample"]

MIN_PLATFORMS = 100
TRUTH_FILE = "truth.json"
INSTITUTIONS_PER_PLATFORM = 2.5
RESEARCHERS_PER_PLATFORM = 10


def _plant(builder: PlatformBuilder, platforms: int) -> Planted:
    planter = Planter(builder)
    planter.groups(max(4, round(platforms * 0.025)))
    planter.hard_non_overlaps(max(2, round(platforms * 0.01)))
    planter.single_sector(max(3, round(platforms * 0.01)))
    planter.multi_sector(max(3, round(platforms * 0.01)))
    planter.well_covered()
    return planter.out


def _fill_researchers(world: World, total: int) -> None:
    """People who are in no platform: spread over institutions, with fields from their industries."""
    rng = world.rng
    insts = world.insts
    segments: dict[str, list[tuple[str, ...]]] = {}
    for key, ind in world.industries.items():
        if ind.parent:
            segments.setdefault(ind.parent, []).append(pools.SEGMENT_VOCAB[key])
    for name, _ in pools.EXTRA_INDUSTRIES:
        segments[name] = [pools.SEGMENT_VOCAB[name]]
    n_inst = len(insts)
    while len(world.researchers) < total:
        inst = int(rng.random() * n_inst)
        inds = insts[inst].industries
        keywords: tuple[str, ...] = ()
        if inds and rng.random() < 0.9:
            keywords = rng.choice(segments[rng.choice(inds)])
        world.new_researcher(inst, keywords, inds[0] if inds else "")


def generate_sample(out_dir: Path, platforms: int = 2000, seed: int = 7, xlsx: bool = False) -> dict:
    """Write the sample dataset and ``truth.json`` into ``out_dir``; return the truth dict."""
    if platforms < MIN_PLATFORMS:
        raise ValueError(f"platforms must be at least {MIN_PLATFORMS}")
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    rng = SampleRandom(seed)
    factory = InstitutionFactory(rng)
    factory.build(round(platforms * INSTITUTIONS_PER_PLATFORM))
    bad_institution = factory.add_bad_code_institution()
    world = World(rng, factory)
    builder = PlatformBuilder(world)
    builder.real_share = min(0.2, 400 / platforms)
    planted = _plant(builder, platforms)
    builder.background(platforms - len(world.platforms))
    world.check_invariants()
    _fill_researchers(world, platforms * RESEARCHERS_PER_PLATFORM)
    collabs = make_collaborations(world)

    renderer = Renderer(world)

    def finish(template: str) -> None:
        renderer.finish(template, lambda table: write_csv(out_dir, table), keep_rows=xlsx)

    renderer.institutions(bad_institution)
    finish("institutions")
    renderer.platforms()
    finish("platforms")
    renderer.researchers()
    finish("researchers")
    renderer.memberships()
    finish("memberships")
    renderer.industries()
    finish("industries")
    renderer.collaborations(collabs)
    finish("collaborations")
    retire = {p.idx for p in world.platforms if p.evaluation in ("不合格", "整改")}
    renderer.targets(make_targets(world, retire))
    finish("targets")
    xlsx_rel = None
    if xlsx:
        write_xlsx(out_dir / XLSX_DIR / XLSX_NAME, list(renderer.tables.values()))
        xlsx_rel = f"{XLSX_DIR}/{XLSX_NAME}"
    truth = build_truth(world, planted, collabs, renderer, seed=seed, platforms_requested=platforms,
                        xlsx_path=xlsx_rel)
    # the same platforms as one planner's list (no institutions, people or industries), beside the
    # full set: docs/sample-data.md
    truth["platforms_only"] = write_platforms_only(world, out_dir, seed)
    (out_dir / TRUTH_FILE).write_text(json.dumps(truth, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return truth
