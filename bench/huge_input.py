"""Memory on huge input: peak RSS of `eventwire run` on a 50 MB one-line text, against a small article.

    .venv/bin/python bench/huge_input.py [--mb 50] [--max-chars 1000000]

Writes a text file of ``--mb`` MB with no line break (the worst case: one "paragraph"), runs
`eventwire run` on it (one worker, so the figure is one process's) with the given ``max_chars``, and
then on a one-paragraph article for the baseline (the model and the gazetteer loaded, nothing big).
Prints, as JSON, each run's wall time and peak resident memory (``ru_maxrss`` of the child) and the
length of the text stored. The 50 MB text is cut to ``max_chars`` with an EW109 warning and read no
further, so its peak stays near the baseline plus what parsing ``max_chars`` characters costs.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import duckdb


def measure(path: Path, folder: Path, max_chars: int) -> dict[str, float | int | str]:
    db = folder / f"{path.stem}.duckdb"
    command = [sys.executable, "-m", "eventwire.cli", "run", str(path), "--db", str(db), "--workers", "1",
               "--no-progress", "--max-chars", str(max_chars)]
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    started = time.monotonic()
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    seconds = time.monotonic() - started
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss  # the largest child so far, in KiB
    with duckdb.connect(str(db), read_only=True) as con:
        row = con.execute("SELECT max(length(text)) FROM articles").fetchone()
        warnings = [r[0] for r in con.execute("SELECT code FROM run_errors").fetchall()]
    return {"input": path.name, "input_mb": round(path.stat().st_size / 2**20, 1), "exit": result.returncode,
            "seconds": round(seconds, 1), "peak_rss_mb": round(peak / 1024, 1) if peak > before else "≤ previous",
            "stored_chars": int(row[0]) if row and row[0] is not None else 0, "problems": warnings}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mb", type=int, default=50)
    parser.add_argument("--max-chars", type=int, default=1_000_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        small = folder / "small.txt"
        small.write_text("Talks in Geneva\n\nThe committee met again and the talks went on without a result, "
                         "officials said on Monday.\n", encoding="utf-8")
        huge = folder / "huge.txt"
        chunk = "The committee met again and the talks went on without a result. " * 1000
        with huge.open("w", encoding="utf-8") as out:
            for _ in range(args.mb * 2**20 // len(chunk) + 1):
                out.write(chunk)
        baseline = measure(small, folder, args.max_chars)  # first: ru_maxrss only grows
        big = measure(huge, folder, args.max_chars)
    print(json.dumps({"max_chars": args.max_chars, "baseline": baseline, "huge": big}, indent=1, ensure_ascii=False))
    return 0 if big["exit"] == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
