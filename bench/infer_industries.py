"""Benchmark: industries inferred for platforms without 服务产业 — precision and recall against declared ones.

Run against YOUR OWN Neo4j (it empties the graph):

    NEO4J_URI=bolt://127.0.0.1:7803 PLATGRAPH_HOME=.platgraph/scratch \\
        python bench/infer_industries.py --yes [--platforms 2000] [--seed 7]

Two data sets, each with the baseline beside the method in the same run:

1. **The generated sample with its declared industries hidden.** The sample is generated, its 服务产业
   column blanked, and the result ingested for real: the pipeline's last step
   (ingest/infer_industries.py) infers industries from name, research fields and host. The declared
   industries of the unblanked file are the truth.
2. **The hand-checked real subset** (tests/data/real_guangxi/industries_checked.csv: 60 real Guangxi
   platforms, industries judged by hand from name and host). Real lists give no fields and the fixture's
   institutions no industries, so here the method sees the name only; the figure is computed with the
   same function the ingest step uses (``infer_for``), not through Neo4j.

Compared at the level of key industries: a segment counts as its industry (coverage rolls it up the
same way), and a platform's figure is micro-averaged (precision = right inferred / all inferred,
recall = right inferred / all declared). Declared industries outside the reference list (the sample's
现代物流, 文化旅游) stay in the recall denominator: keywords cannot find them, and the figure says so.
Baseline: the name's keywords only (no fields, no host).

The keywords (graph/data/industries.toml) were written from Guangxi's own documents before this was
run; they were not tuned on the sample's generator pools or on the checked subset.
"""

from __future__ import annotations

import argparse
import csv
import shutil
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from graph.names import split_multi  # noqa: E402
from graph.reference import load_reference  # noqa: E402
from graph.store import Store  # noqa: E402
from ingest.industry_terms import IndustryTerms, load_terms  # noqa: E402
from ingest.infer_industries import infer_for  # noqa: E402

REAL = Path(__file__).resolve().parent.parent / "tests" / "data" / "real_guangxi"
INFERRED = """
MATCH (p:Platform)
RETURN p.key AS key, p.id AS id, p.name AS name,
       COLLECT { MATCH (p)-[r:SERVES {inferred: true}]->(i:Industry) RETURN [i.key, r.via] } AS inferred
"""


def read_csv(path: Path) -> tuple[list[str], list[list[str]], str]:
    """A CSV in whichever encoding the sample wrote it (UTF-8 with BOM or GB18030)."""
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            with open(path, encoding=encoding, newline="") as fh:
                rows = list(csv.reader(fh))
            return rows[0], rows[1:], encoding
        except UnicodeDecodeError:
            continue
    raise SystemExit(f"cannot read {path}")


def score(pairs: list[tuple[set[str], set[str]]]) -> tuple[float, float, int, int, int]:
    """Micro precision and recall over ``[(inferred, truth)]``; also right, inferred, truth counts."""
    right = sum(len(inf & truth) for inf, truth in pairs)
    n_inf = sum(len(inf) for inf, _ in pairs)
    n_truth = sum(len(truth) for _, truth in pairs)
    return (right / n_inf if n_inf else 0.0, right / n_truth if n_truth else 0.0, right, n_inf, n_truth)


def line(label: str, figures: tuple[float, float, int, int, int], platforms: int) -> str:
    p, r, right, n_inf, n_truth = figures
    return (f"  {label:<34} precision {p:6.3f}  recall {r:6.3f}   "
            f"(right {right} / inferred {n_inf} / declared {n_truth}; {platforms} platforms)")


def tops(terms: IndustryTerms, keys: set[str] | list[str]) -> set[str]:
    return {terms.top(k) for k in keys}


def sample_run(store: Store, args: argparse.Namespace, terms: IndustryTerms) -> None:
    from graph.database import wipe_graph
    from ingest.pipeline import ingest_dataset
    from ingest.sample import generate_sample

    work = Path(tempfile.mkdtemp(prefix="infer-bench-"))
    try:
        generate_sample(work / "sample", platforms=args.platforms, seed=args.seed)
        header, rows, encoding = read_csv(work / "sample" / "平台.csv")
        col_id, col_ind = header.index("编号"), header.index("服务产业")
        index = {terms.industries[k].key: k for k in terms.industries}
        for ind in terms.industries.values():
            for alias in ind.aliases:
                index.setdefault(alias, ind.key)
        declared = {row[col_id]: {index.get(v, v) for v in split_multi(row[col_ind])} for row in rows}
        hidden = work / "hidden"
        shutil.copytree(work / "sample", hidden)
        for row in rows:
            row[col_ind] = ""
        with open(hidden / "平台.csv", "w", encoding=encoding, newline="") as fh:
            csv.writer(fh).writerows([header, *rows])

        wipe_graph(store)
        load_reference(store)
        began = time.perf_counter()
        summary = ingest_dataset(store, hidden, rejects_path=work / "rejects.csv")
        seconds = time.perf_counter() - began
        found = store.read(INFERRED)
    finally:
        shutil.rmtree(work, ignore_errors=True)

    full, name_only, by_via = [], [], Counter()
    for row in found:
        truth = declared.get(row["id"] or row["key"])
        if not truth:
            continue
        truth = tops(terms, truth)
        full.append((tops(terms, [k for k, _via in row["inferred"]]), truth))
        name_only.append((tops(terms, terms.infer(row["name"] or "")), truth))
        by_via.update(via for _k, via in row["inferred"])
    extra = sum(1 for t in declared.values() for k in t if k not in terms.industries)
    print(f"Sample ({args.platforms} platforms, seed {args.seed}), 服务产业 hidden, ingested for real "
          f"in {seconds:.1f} s (inference step {summary['seconds'].get('infer_industries', 0):.2f} s):")
    print(line("baseline: name keywords only", score(name_only), len(name_only)))
    print(line("method: name + fields + host", score(full), len(full)))
    print(f"  inferred edges by source: {dict(by_via)}; platforms with none: "
          f"{sum(1 for inf, _ in full if not inf)}; declared outside the reference list: {extra}")


def real_run(terms: IndustryTerms) -> None:
    path = REAL / "industries_checked.csv"
    if not path.exists():
        print(f"Real subset: {path} not found (the real-data fixture is missing)")
        return
    _header, checked, _enc = read_csv(path)
    p_header, p_rows, _enc = read_csv(REAL / "platforms.csv")
    host_of = {r[p_header.index("平台名称")]: r[p_header.index("依托单位")] for r in p_rows}
    full, name_only = [], []
    for name, industries in checked:
        truth = set() if industries.strip() == "无" else set(split_multi(industries))
        edges = infer_for(terms, name, [], host_of.get(name), [])
        full.append((tops(terms, [e["key"] for e in edges]), truth))
        name_only.append((tops(terms, terms.infer(name)), truth))
    print(f"Real subset (tests/data/real_guangxi/industries_checked.csv, {len(checked)} platforms checked by hand; "
          "no fields, hosts without industries):")
    print(line("baseline: name keywords only", score(name_only), len(name_only)))
    print(line("method: name + fields + host", score(full), len(full)))
    missed = [(n, sorted(t), sorted(i)) for (i, t), (n, _x) in zip(full, checked, strict=True) if i != t]
    print(f"  rows not exactly right: {len(missed)}")
    if args_verbose:
        for name, truth, inf in missed:
            print(f"    {name}: checked {truth or '无'} inferred {inf or '无'}")


args_verbose = False


def main() -> None:
    global args_verbose
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--yes", action="store_true", help="confirm: the graph will be emptied")
    parser.add_argument("--platforms", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--real-only", action="store_true", help="only the real subset (no database)")
    parser.add_argument("--verbose", action="store_true", help="list the real rows not exactly right")
    args = parser.parse_args()
    args_verbose = args.verbose
    terms = load_terms()
    if not args.real_only:
        if not args.yes:
            raise SystemExit("this empties the graph at NEO4J_URI: pass --yes")
        from graph.settings import get_settings

        with Store(get_settings()) as store:
            store.verify()
            sample_run(store, args, terms)
    real_run(terms)


if __name__ == "__main__":
    main()
