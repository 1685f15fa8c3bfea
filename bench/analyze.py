"""Analysis benchmark: ``platgraph analyze`` on the graph at NEO4J_URI, this checkout beside a baseline
checkout (by default main before this round's analysis work, cc39af2), in the same run.

Usage (it re-runs the analyses on the graph it points at and replaces their write-back; it does
not change the loaded data)::

    NEO4J_URI=bolt://127.0.0.1:7807 PLATGRAPH_HOME=.platgraph/scratch python bench/analyze.py
    python bench/analyze.py --baseline 3449887 --profile /tmp/analyze.prof
    python bench/analyze.py --only current        # this checkout alone (no baseline run)

Each run is ``python -m api.cli analyze --format json`` in its own process from its checkout (the
baseline is extracted with ``git archive``, no worktree), so wall time, per-analysis seconds and
peak RSS and CPU seconds (``wait4``) are each run's own. The baseline runs first; both read the same
graph. On a shared machine wall time follows the load; the CPU seconds of the Python process and
of the local engine (``/proc/<pid>/stat`` of the engine ``PLATGRAPH_HOME`` names, before and after;
other clients of the same engine meanwhile count too) are the load-independent part.
``--profile FILE`` runs this checkout's analysis under cProfile as well (a third run) and prints the
top functions by cumulative time.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
DEFAULT_BASELINE = "cc39af2"  # main before this round's analysis work (2026-12-01 06:20 UTC, issue 19)


def engine_cpu_seconds() -> float | None:
    """CPU seconds (user + system) the local engine under PLATGRAPH_HOME has used, or None."""
    from graph import local_neo4j  # noqa: PLC0415
    from graph.settings import get_settings  # noqa: PLC0415

    pid = local_neo4j.read_pid(local_neo4j.EnginePaths(get_settings().home))
    if pid is None or not Path(f"/proc/{pid}/stat").exists():
        return None
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def extract(ref: str) -> Path:
    """The baseline's source tree (``git archive``), once per ref."""
    sha = subprocess.run(["git", "rev-parse", "--short", ref], cwd=REPO, check=True, capture_output=True,
                         text=True).stdout.strip()
    out = Path(tempfile.gettempdir()) / f"platgraph-bench-analyze-{sha}"
    if not (out / "api").is_dir():
        out.mkdir(parents=True, exist_ok=True)
        archive = subprocess.run(["git", "archive", sha], cwd=REPO, check=True, capture_output=True).stdout
        subprocess.run(["tar", "-x", "-C", str(out)], input=archive, check=True)
    return out


def timed_analyze(checkout: Path, *, profile: Path | None = None) -> dict:
    """``platgraph analyze --format json`` from ``checkout`` in a child process."""
    cmd = [sys.executable]
    if profile is not None:
        cmd += ["-m", "cProfile", "-o", str(profile)]
    cmd += ["-m", "api.cli", "analyze", "--format", "json"]
    env = {**os.environ, "PYTHONPATH": str(checkout)}
    if env.get("PLATGRAPH_HOME"):  # the child runs in its checkout: a relative home must stay this one
        env["PLATGRAPH_HOME"] = str(Path(env["PLATGRAPH_HOME"]).resolve())
    engine_before = engine_cpu_seconds()
    began = time.perf_counter()
    with tempfile.TemporaryFile() as err:
        proc = subprocess.Popen(cmd, cwd=checkout, env=env, stdout=subprocess.PIPE, stderr=err)
        out = proc.stdout.read() if proc.stdout else b""
        _pid, status, usage = os.wait4(proc.pid, 0)
        seconds = time.perf_counter() - began
        if os.waitstatus_to_exitcode(status) != 0:
            err.seek(0)
            raise SystemExit(f"analyze in {checkout} failed:\n{err.read().decode()[-3000:]}")
    engine_after = engine_cpu_seconds()
    text = out.decode()
    summary = json.loads(text[text.index("{"):])
    return {"checkout": str(checkout), "seconds": round(seconds, 1),
            "analyses": {name: summary[name]["seconds"] for name in ("overlap", "collaboration", "coverage")
                         if name in summary},
            "details": {name: {k: v for k, v in summary[name].items()
                               if k.endswith("seconds") or k.startswith("seconds_") or k.endswith("_mb")}
                        for name in ("overlap", "collaboration", "coverage") if name in summary},
            "processes": summary.get("processes", 1),
            # wait4 gives the largest of the process and its children, not their sum
            "python_peak_rss_mb": round(usage.ru_maxrss / 1024, 1),
            "child_peak_rss_mb": max((summary[n].get("process_peak_rss_mb", 0) for n in summary
                                      if isinstance(summary[n], dict)), default=0) or None,
            "python_cpu_seconds": round(usage.ru_utime + usage.ru_stime, 1),
            "engine_cpu_seconds": (round(engine_after - engine_before, 1)
                                   if engine_before is not None and engine_after is not None else None),
            "load_average": [round(x, 2) for x in os.getloadavg()]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--baseline", default=DEFAULT_BASELINE, help="git ref of the baseline checkout")
    parser.add_argument("--no-baseline", action="store_true")
    parser.add_argument("--only", choices=["baseline", "current"], help="run one side only")
    parser.add_argument("--profile", type=Path, help="also profile this checkout's run into FILE")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()

    figures: dict = {"load_average_start": [round(x, 2) for x in os.getloadavg()]}
    if not args.no_baseline and args.only != "current":
        figures["baseline"] = {**timed_analyze(extract(args.baseline)), "ref": args.baseline}
    if args.only != "baseline":
        figures["current"] = timed_analyze(REPO)
    if args.profile:
        timed_analyze(REPO, profile=args.profile)
    figures["load_average_end"] = [round(x, 2) for x in os.getloadavg()]

    print(f"load average at start {figures['load_average_start']}, at end {figures['load_average_end']}")
    names = ("overlap", "collaboration", "coverage")
    print(f"{'':<22}" + "".join(f"{n:>15}" for n in names)
          + f"{'total (wall)':>15}{'processes':>10}{'peak RSS MB':>13}{'child MB':>10}{'CPU s Python':>14}"
          + f"{'CPU s Neo4j':>13}")
    for label in ("baseline", "current"):
        if label not in figures:
            continue
        f = figures[label]
        title = f"{label} ({f.get('ref', 'this checkout')})"
        print(f"{title:<22}" + "".join(f"{f['analyses'].get(n, '-'):>15}" for n in names)
              + f"{f['seconds']:>15}{f.get('processes', 1):>10}{f['python_peak_rss_mb']:>13}"
              + f"{f.get('child_peak_rss_mb') or '-':>10}{f['python_cpu_seconds']:>14}"
              + f"{f['engine_cpu_seconds'] if f['engine_cpu_seconds'] is not None else '-':>13}")
    print("peak RSS MB: the largest of the analysis process and its child (wait4); child MB: the child's own "
          "peak, so both processes together held at most their sum. CPU s Python: both processes.")
    for label in ("baseline", "current"):
        if label in figures:
            print(f"{label} phases: " + json.dumps(figures[label]["details"], ensure_ascii=False))
    if args.profile:
        import pstats  # noqa: PLC0415

        pstats.Stats(str(args.profile)).sort_stats("cumulative").print_stats(35)
    if args.json:
        print(json.dumps(figures, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
