"""Interrupted runs and readers during a run: `eventwire run` killed (SIGKILL) at random points while it
writes, then run again, leaves a store that opens, holds every article exactly once, and no row of any
span table whose article is missing; a reader during a run gets a clear EW402, never half a batch."""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest

pytestmark = pytest.mark.model

SPAN_TABLES = ("sections", "removed", "entities", "actors", "places", "times", "quotes", "amounts", "flags", "events")


def write_corpus(path: Path, articles: int) -> set[str]:
    """A JSONL corpus of short reports; returns their ids."""
    lines = [json.dumps({"id": f"n{n}", "date": "2021-05-0" + str(n % 9 + 1),
                         "text": f"Shelling in Idlib {n}\n\n" + f"Troops shelled the town of Idlib on Sunday, killing "
                                 f"{n % 7 + 2} people, residents said. \"We ran,\" said Ali Hassan, a farmer. " * 3})
             for n in range(articles)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return {f"n{n}" for n in range(articles)}


def start_run(corpus: Path, db: Path, cwd: Path) -> subprocess.Popen[bytes]:
    return subprocess.Popen([sys.executable, "-m", "eventwire.cli", "run", str(corpus), "--db", str(db),
                             "--workers", "1", "--no-progress"], cwd=cwd, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL, env={**os.environ, "PYTHONUNBUFFERED": "1"})


def kill_while_writing(proc: subprocess.Popen[bytes], db: Path, growth: int, *, timeout: float = 60) -> bool:
    """SIGKILL ``proc`` once its write-ahead log has grown ``growth`` bytes past the smallest size seen
    (batches are being committed); ``False`` when the run ended first."""
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
        time.sleep(0.01)
    if proc.poll() is None:
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        return True
    return False


def store_state(db: Path) -> dict[str, int]:
    """What an interrupted run must never leave: duplicated articles or inputs, span rows, inputs or cluster
    members of a missing article, an article without its sections (half a batch)."""
    with duckdb.connect(str(db), read_only=True) as con:
        def one(sql: str) -> int:
            row = con.execute(sql).fetchone()
            return int(row[0]) if row else 0

        state = {"articles": one("SELECT count(DISTINCT id) FROM articles"),
                 "duplicated": one("SELECT count(*) - count(DISTINCT id) FROM articles")
                 + one("SELECT count(*) - count(DISTINCT input_hash) FROM inputs"),
                 "without_sections": one("SELECT count(*) FROM articles a WHERE NOT EXISTS "
                                         "(SELECT 1 FROM sections s WHERE s.article_id = a.id)"),
                 "without_input": one("SELECT count(*) FROM articles a WHERE NOT EXISTS "
                                      "(SELECT 1 FROM inputs i WHERE i.article_id = a.id)")}
        orphans = [f"SELECT count(*) FROM {t} x WHERE NOT EXISTS (SELECT 1 FROM articles a WHERE a.id = x.article_id)"
                   for t in (*SPAN_TABLES, "inputs")]
        state["orphans"] = sum(one(sql) for sql in orphans)
    return state


def test_run_killed_at_random_points_resumes_with_every_article_once(tmp_path: Path) -> None:
    corpus, db = tmp_path / "corpus.jsonl", tmp_path / "ew.duckdb"
    ids = write_corpus(corpus, 200)
    (tmp_path / "eventwire.toml").write_text("[eventwire]\nbatch_size = 4\n", encoding="utf-8")
    rng = random.Random(9)
    seen: list[int] = []
    for _ in range(4):  # each run is killed after a random share of its batches (~30 kB of log a batch)
        killed = kill_while_writing(start_run(corpus, db, tmp_path), db, rng.randrange(5_000, 250_000))
        assert killed, "the run finished before it was killed; enlarge the corpus"
        if db.exists():
            state = store_state(db)  # the store opens after every kill
            assert state["duplicated"] == state["orphans"] == state["without_sections"] == 0, state
            assert state["without_input"] == 0, state
            seen.append(state["articles"])
    assert seen == sorted(seen) and seen[-1] < len(ids), seen
    final = subprocess.run([sys.executable, "-m", "eventwire.cli", "run", str(corpus), "--db", str(db), "--workers",
                            "1", "--no-progress"], cwd=tmp_path, capture_output=True, text=True, check=False)
    assert final.returncode == 0, final.stderr[-2000:]
    state = store_state(db)
    assert state == {"articles": len(ids), "duplicated": 0, "without_sections": 0, "without_input": 0,
                     "orphans": 0}
    with duckdb.connect(str(db), read_only=True) as con:
        assert {r[0] for r in con.execute("SELECT id FROM articles").fetchall()} == ids
        assert con.execute("SELECT count(*) FROM cluster_members m WHERE NOT EXISTS "
                           "(SELECT 1 FROM events e WHERE e.article_id = m.article_id AND e.id = m.event_id)"
                           ).fetchone() == (0,)


def test_a_reader_during_a_run_gets_ew402_then_reads_after_it(tmp_path: Path) -> None:
    corpus, db = tmp_path / "corpus.jsonl", tmp_path / "ew.duckdb"
    write_corpus(corpus, 200)
    (tmp_path / "eventwire.toml").write_text("[eventwire]\nbatch_size = 4\n", encoding="utf-8")
    proc = start_run(corpus, db, tmp_path)
    outcomes: list[str] = []
    try:
        deadline = time.monotonic() + 60
        while not db.exists() and time.monotonic() < deadline:
            time.sleep(0.1)
        while proc.poll() is None and "busy" not in outcomes:
            reader = subprocess.run([sys.executable, "-m", "eventwire.cli", "events", "--db", str(db)], cwd=tmp_path,
                                    capture_output=True, text=True, check=False)
            assert "Traceback" not in reader.stderr
            if reader.returncode == 1:
                assert "EW402" in reader.stderr and "try again" in reader.stderr, reader.stderr
                outcomes.append("busy")
            else:  # the run had let go of the file (its summary at the end): a whole store
                assert reader.returncode == 0, reader.stderr
                outcomes.append("read")
    finally:
        assert proc.wait(timeout=300) == 0
    assert "busy" in outcomes, outcomes
    after = subprocess.run([sys.executable, "-m", "eventwire.cli", "articles", "--db", str(db), "--limit", "1000",
                            "--format", "json"], cwd=tmp_path, capture_output=True, text=True, check=False)
    assert after.returncode == 0 and len(json.loads(after.stdout)) == 200
