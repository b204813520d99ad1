"""`eventwire run` over a hostile corpus (tests/hostile.py): nothing crashes, every good record is stored,
every bad one is reported with its place and reason, in the run's error table and on stderr."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from hostile import write_corpus

pytestmark = pytest.mark.model

MAX_CHARS = 20_000  # small, so the 50 MB line and the 100,000 sentences parse in seconds


def _run(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "eventwire.cli", *args], capture_output=True, text=True,
                          check=False, cwd=cwd, env={**os.environ, "PYTHONUNBUFFERED": "1"}, timeout=600)


def test_run_over_the_hostile_corpus_stores_the_good_and_reports_the_bad(tmp_path: Path) -> None:
    folder = tmp_path / "hostile"
    expected = write_corpus(folder)
    db = tmp_path / "ew.duckdb"
    result = _run("run", str(folder), "--db", str(db), "--workers", "1", "--no-progress",
                  "--max-chars", str(MAX_CHARS), cwd=tmp_path)
    assert "Traceback" not in result.stderr
    assert result.returncode == 0, result.stderr[-3000:]
    with duckdb.connect(str(db), read_only=True) as con:
        stored = dict(con.execute("SELECT source_path, length(text) FROM articles").fetchall())
        errors = con.execute('SELECT severity, code, "where", message FROM run_errors').fetchall()
        outside = con.execute("""SELECT count(*) FROM articles a JOIN (
                                     SELECT article_id, "start", "end" FROM entities
                                     UNION ALL SELECT article_id, "start", "end" FROM sections
                                     UNION ALL SELECT article_id, "start", "end" FROM quotes
                                     UNION ALL SELECT article_id, "start", "end" FROM amounts
                                     UNION ALL SELECT article_id, "start", "end" FROM places
                                     UNION ALL SELECT article_id, "start", "end" FROM times) s
                                 ON s.article_id = a.id
                                 WHERE s."start" < 0 OR s."end" > length(a.text) OR s."start" > s."end"
                              """).fetchone()
    assert set(stored) == expected.stored, "every good record stored, nothing else"
    assert all(0 < length <= MAX_CHARS for length in stored.values())
    reported = {(where, code) for severity, code, where, _ in errors if severity == "error"}
    assert reported == set(expected.reported.items()), "every bad record reported with its place and code"
    warned = {(where, code) for severity, code, where, _ in errors if severity == "warning"}
    assert set(expected.warned.items()) <= warned
    assert all(message.strip() for *_, message in errors), "every problem says why"
    for where in (*expected.reported, *expected.warned):
        assert where in result.stderr, f"{where} is not named on stderr"
    assert outside == (0,), "a span points outside its article's text"
    cut = next(m for s, c, w, m in errors if w.endswith("huge-line.txt") and c == "EW109")
    assert "max_chars" in cut and "first" in cut

    again = _run("run", str(folder), "--db", str(db), "--workers", "1", "--no-progress",
                 "--max-chars", str(MAX_CHARS), "--strict", cwd=tmp_path)
    assert again.returncode == 1, "--strict: any input that cannot be read fails the run"
    assert f"{len(expected.stored)} already done" in again.stdout
    with duckdb.connect(str(db), read_only=True) as con:
        assert con.execute("SELECT count(*) FROM articles").fetchone() == (len(expected.stored),)


def test_run_exits_1_only_when_nothing_could_be_processed(tmp_path: Path) -> None:
    folder = tmp_path / "bad"
    folder.mkdir()
    (folder / "empty.txt").write_bytes(b"")
    (folder / "image.txt").write_bytes(bytes(range(256)) * 8)
    result = _run("run", str(folder), "--db", str(tmp_path / "ew.duckdb"), "--workers", "1", "--no-progress",
                  cwd=tmp_path)
    assert result.returncode == 1
    assert "EW102" in result.stderr and "EW103" in result.stderr and "Traceback" not in result.stderr
