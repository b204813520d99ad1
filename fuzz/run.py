"""Fuzz every target (or those named) for a fixed time each, with atheris; exit 1 on any finding.

    .venv/bin/python fuzz/run.py --seconds 30                 # what CI runs
    nice -n 15 .venv/bin/python fuzz/run.py --seconds 600 quotes

Each target starts from the seeds in ``fuzz/targets.py`` and keeps its corpus in ``fuzz/corpus/TARGET``
(not committed); an input that crashes a target is written to ``fuzz/findings/TARGET-crash-…`` and the
target's output ends with the traceback. Add a regression test for it before fixing it.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import targets


def fuzz(name: str, seconds: int, *, workdir: Path) -> tuple[bool, str]:
    corpus = workdir / "corpus" / name
    corpus.mkdir(parents=True, exist_ok=True)
    for number, seed in enumerate(targets.SEEDS[name]):
        (corpus / f"seed-{number}").write_bytes(seed)
    findings = workdir / "findings"
    findings.mkdir(parents=True, exist_ok=True)
    command = [sys.executable, str(HERE / "fuzz.py"), name, f"-max_total_time={seconds}", "-timeout=60",
               "-rss_limit_mb=3072", "-max_len=8192", f"-artifact_prefix={findings}/{name}-", "-print_final_stats=1",
               str(corpus)]
    started = time.monotonic()
    result = subprocess.run(command, capture_output=True, text=True, check=False,
                            timeout=seconds + 300)
    runs = next((line.split(":")[-1].strip() for line in result.stderr.splitlines()
                 if line.startswith("stat::number_of_executed_units")), "?")
    summary = f"{name}: {runs} inputs in {time.monotonic() - started:.0f} s, exit {result.returncode}"
    if result.returncode != 0:
        return False, summary + "\n" + result.stderr[-4000:]
    return True, summary


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("targets", nargs="*", metavar="TARGET", help=f"default: all of {', '.join(targets.TARGETS)}")
    parser.add_argument("--seconds", type=int, default=30, help="fuzzing time per target")
    parser.add_argument("--workdir", type=Path, default=HERE, help="where corpus/ and findings/ go")
    args = parser.parse_args()
    unknown = [name for name in args.targets if name not in targets.TARGETS]
    if unknown:
        parser.error(f"unknown target {', '.join(unknown)}; targets: {', '.join(targets.TARGETS)}")
    args.targets = args.targets or list(targets.TARGETS)
    failed = 0
    for name in args.targets:
        ok, summary = fuzz(name, args.seconds, workdir=args.workdir)
        print(summary, flush=True)
        failed += not ok
    print(f"{len(args.targets) - failed} of {len(args.targets)} targets without a finding")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
