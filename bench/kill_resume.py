"""Kill and resume: `eventwire run` SIGKILLed at a random point, again and again, then run to the end.

    .venv/bin/python bench/kill_resume.py [--cycles 50] [--articles 2000] [--seed 1] [--workers 1]

Each cycle starts `eventwire run` on the same JSONL corpus and store and kills it (SIGKILL) once its
write-ahead log has grown by a random amount (a tenth of the cycles almost at once: while it opens or
replays the log; the others after 2–400 kB, about 1–15 batches of 4 articles) — or lets it end if it
gets there first. After every kill the store is opened and checked; after the last, one run finishes
the corpus. Prints, as JSON: cycles killed mid-run, the worst state seen after a kill, and the final
counts of lost and duplicated articles (target, issue 9: 0 and 0 over 50 cycles).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import duckdb

SPAN_TABLES = ("sections", "removed", "entities", "actors", "places", "times", "quotes", "amounts", "flags", "events")


def write_corpus(path: Path, articles: int) -> set[str]:
    lines = [json.dumps({"id": f"n{n}", "date": f"2021-05-{n % 28 + 1:02d}",
                         "text": f"Shelling in Idlib {n}\n\n" + f"Troops shelled the town of Idlib on Sunday, killing "
                                 f"{n % 7 + 2} people, residents said. \"We ran,\" said Ali Hassan, a farmer. " * 3})
             for n in range(articles)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return {f"n{n}" for n in range(articles)}


def kill_while_writing(proc: subprocess.Popen[bytes], db: Path, growth: int, timeout: float = 600) -> bool:
    """SIGKILL once the write-ahead log grew ``growth`` bytes past its smallest size; False if the run ended."""
    wal = db.with_name(db.name + ".wal")
    smallest: int | None = None
    deadline = time.monotonic() + timeout
    while proc.poll() is None and time.monotonic() < deadline:
        size = wal.stat().st_size if wal.exists() else 0
        smallest = size if smallest is None else min(smallest, size)
        if size - smallest >= growth:
            proc.send_signal(signal.SIGKILL)
            proc.wait()
            return True
        time.sleep(0.005)
    return False


def state(db: Path) -> dict[str, int]:
    with duckdb.connect(str(db), read_only=True) as con:
        def one(sql: str) -> int:
            row = con.execute(sql).fetchone()
            return int(row[0]) if row else 0

        return {"articles": one("SELECT count(DISTINCT id) FROM articles"),
                "duplicated": one("SELECT count(*) - count(DISTINCT id) FROM articles")
                + one("SELECT count(*) - count(DISTINCT input_hash) FROM inputs"),
                "without_sections": one("SELECT count(*) FROM articles a WHERE NOT EXISTS "
                                        "(SELECT 1 FROM sections s WHERE s.article_id = a.id)"),
                "orphans": sum(one(f"SELECT count(*) FROM {t} x WHERE NOT EXISTS "
                                   "(SELECT 1 FROM articles a WHERE a.id = x.article_id)")
                               for t in (*SPAN_TABLES, "inputs"))}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cycles", type=int, default=50)
    parser.add_argument("--articles", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--workers", type=int, default=1)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        corpus, db = folder / "corpus.jsonl", folder / "ew.duckdb"
        ids = write_corpus(corpus, args.articles)
        (folder / "eventwire.toml").write_text("[eventwire]\nbatch_size = 4\n", encoding="utf-8")
        command = [sys.executable, "-m", "eventwire.cli", "run", str(corpus), "--db", str(db), "--workers",
                   str(args.workers), "--no-progress"]
        env = {**os.environ, "PYTHONUNBUFFERED": "1"}
        killed = ended = 0
        worst = {"duplicated": 0, "without_sections": 0, "orphans": 0, "unopenable": 0}
        progress: list[int] = []
        started = time.monotonic()
        for _ in range(args.cycles):
            growth = rng.randrange(0, 2_000) if rng.random() < 0.1 else rng.randrange(2_000, 400_000)
            proc = subprocess.Popen(command, cwd=folder, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            if kill_while_writing(proc, db, growth):
                killed += 1
            else:
                ended += 1
            if not db.exists():
                progress.append(0)
                continue
            try:
                seen = state(db)
            except duckdb.Error:
                worst["unopenable"] += 1
                continue
            progress.append(seen["articles"])
            for key in ("duplicated", "without_sections", "orphans"):
                worst[key] = max(worst[key], seen[key])
        final = subprocess.run(command, cwd=folder, env=env, capture_output=True, text=True, check=False)
        last = state(db)
        with duckdb.connect(str(db), read_only=True) as con:
            stored = [row[0] for row in con.execute("SELECT id FROM articles").fetchall()]
        report = {"cycles": args.cycles, "killed_mid_run": killed, "ended_before_kill": ended,
                  "articles_after_each_cycle": progress, "worst_after_a_kill": worst,
                  "final_exit": final.returncode, "articles": len(ids), "stored": len(set(stored)),
                  "lost": len(ids - set(stored)), "duplicated": len(stored) - len(set(stored)) + last["duplicated"],
                  "orphan_rows": last["orphans"], "seconds": round(time.monotonic() - started, 1)}
    print(json.dumps(report, indent=1))
    bad = report["lost"] or report["duplicated"] or report["orphan_rows"] or any(worst.values()) or final.returncode
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
