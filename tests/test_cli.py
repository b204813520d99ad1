"""The command line end to end: run, extract, articles, exit codes, bad inputs, incremental runs."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest

from conftest import EXAMPLES, ROOT, article_html, warc_bytes
from eventwire.cli import main

pytestmark = pytest.mark.model

STORIES = [f"Protest number {n} broken up\n\nPolice dispersed protesters in city number {n} on Monday, "
           "officials said. Witnesses said officers fired tear gas and rubber bullets at the crowd, and several "
           "people were taken to hospital.\n\nThe interior ministry said the gathering had not been authorised.\n"
           for n in range(6)]


def _cli(*args: str, stdin: str | None = None, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "eventwire.cli", *args], check=False, input=stdin, capture_output=True,
                          text=True, cwd=cwd or ROOT, timeout=300)


def _count(db: Path, table: str) -> int:
    with duckdb.connect(str(db), read_only=True) as con:
        return int(con.execute(f"SELECT count(*) FROM {table}").fetchone()[0])  # type: ignore[index]


def test_run_examples_twice_adds_nothing(tmp_path: Path) -> None:
    db = tmp_path / "ew.duckdb"
    first = _cli("run", str(EXAMPLES), "--db", str(db), "--workers", "2")
    assert first.returncode == 0, first.stderr
    stored = _count(db, "articles")
    assert stored >= 10
    assert f"{stored} stored" in first.stdout and "0 failed" in first.stdout
    assert f"The store now holds {stored} articles" in first.stdout and " GPE" in first.stdout
    counts = {t: _count(db, t) for t in ("articles", "sections", "entities", "removed", "inputs")}
    second = _cli("run", str(EXAMPLES), "--db", str(db), "--workers", "1")
    assert second.returncode == 0, second.stderr
    assert "0 stored" in second.stdout and f"{stored} already done" in second.stdout
    assert {t: _count(db, t) for t in counts} == counts
    listing = _cli("articles", "--db", str(db), "--format", "json")
    assert len(json.loads(listing.stdout)) == stored


def test_run_bad_inputs_are_reported_and_good_ones_stored(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "good.txt").write_text(STORIES[0], encoding="utf-8")
    (folder / "image.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))
    (folder / "empty.txt").write_bytes(b"")
    (folder / "latin.txt").write_bytes(STORIES[4].replace("city", "caf\xe9 city").encode("cp1252"))
    (folder / "broken-utf8.txt").write_bytes(STORIES[5].encode() + b"Caf\xc3 owners said.\n")
    (folder / "noise.txt").write_bytes(b"\x80\x81\xfa\xfb\xc0\xc1" * 3)
    crawl = warc_bytes([("https://example.org/a", article_html("Raid", ["Troops raided a village on Friday."])),
                        ("https://example.org/b", article_html("Second", [f"Line {n}." for n in range(300)]))])
    (folder / "cut.warc.gz").write_bytes(crawl[:-700])
    lines = [json.dumps({"id": f"j{n}", "text": s}) for n, s in enumerate(STORIES[1:4])]
    lines.insert(1, '{"id": "broken", "text": "no end')
    (folder / "wire.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    db = tmp_path / "ew.duckdb"
    result = _cli("run", str(folder), "--db", str(db), "--workers", "1")
    assert result.returncode == 0, "a run that stored what it could succeeds; the rest is listed"
    with duckdb.connect(str(db), read_only=True) as con:
        sources = {r[0] for r in con.execute("SELECT source_path FROM articles").fetchall()}
        errors = con.execute("SELECT severity, code, \"where\" FROM run_errors").fetchall()
    assert sources == {str(folder / "good.txt"), str(folder / "latin.txt"), str(folder / "broken-utf8.txt"),
                       f"{folder / 'cut.warc.gz'}#record3",
                       f"{folder / 'wire.jsonl'}:1", f"{folder / 'wire.jsonl'}:3", f"{folder / 'wire.jsonl'}:4"}
    failed = {(code, where) for severity, code, where in errors if severity == "error"}
    assert failed == {("EW103", str(folder / "image.txt")), ("EW102", str(folder / "empty.txt")),
                      ("EW103", str(folder / "noise.txt")), ("EW104", str(folder / "cut.warc.gz")),
                      ("EW104", f"{folder / 'wire.jsonl'}:2")}
    assert ("warning", "EW106", str(folder / "latin.txt")) in errors
    assert ("warning", "EW106", str(folder / "broken-utf8.txt")) in errors
    for where in (str(folder / "image.txt"), f"{folder / 'wire.jsonl'}:2", str(folder / "cut.warc.gz")):
        assert where in result.stderr
    assert "7 stored" in result.stdout


def test_extract_jsonl_batch_keeps_ids_in_order(tmp_path: Path) -> None:
    lines = "".join(json.dumps({"id": f"doc-{n}", "text": s, "date": "2021-01-0" + str(n + 1)}) + "\n"
                    for n, s in enumerate(STORIES[:3]))
    result = _cli("extract", "-", "--format", "jsonl", stdin=lines)
    assert result.returncode == 0, result.stderr
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert [r["id"] for r in records] == ["doc-0", "doc-1", "doc-2"]
    assert [r["published"] for r in records] == ["2021-01-01", "2021-01-02", "2021-01-03"]
    assert all(r["entities"] and r["text"][e["start"]:e["end"]] == e["text"] for r in records for e in r["entities"])


def test_extract_json_table_and_date(tmp_path: Path) -> None:
    path = tmp_path / "a.txt"
    path.write_text(STORIES[0], encoding="utf-8")
    single = _cli("extract", str(path), "--date", "2020-02-03")
    record = json.loads(single.stdout)
    assert record["published"] == "2020-02-03" and record["source"]["format"] == "text"
    table = _cli("extract", str(path), "--format", "table")
    assert table.returncode == 0 and "entities" in table.stdout and "title" in table.stdout


@pytest.mark.parametrize("args", [["extract"], ["frobnicate"], ["extract", "x.txt", "--date", "23/03/2019"],
                                  ["run", "x", "--workers", "many"]])
def test_usage_errors_exit_2(args: list[str]) -> None:
    result = _cli(*args)
    assert result.returncode == 2
    assert result.stderr


def test_failures_exit_1_with_a_coded_message(tmp_path: Path) -> None:
    missing = _cli("articles", "--db", str(tmp_path / "none.duckdb"))
    assert missing.returncode == 1 and "EW401" in missing.stderr and "eventwire run" in missing.stderr
    no_model = _cli("--model", "no_such_model", "extract", str(EXAMPLES / "wire.jsonl"))
    assert no_model.returncode == 1 and "EW301" in no_model.stderr


def test_run_killed_midway_then_rerun_stores_each_article_once(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus.jsonl"
    corpus.write_text("".join(json.dumps({"id": f"n{n}", "text": f"Report {n}\n\n" + "Troops shelled the town "
                                          f"of Idlib {n} times on Sunday, residents said. " * 30}) + "\n"
                              for n in range(400)), encoding="utf-8")
    (tmp_path / "eventwire.toml").write_text("[eventwire]\nbatch_size = 8\n", encoding="utf-8")
    db = tmp_path / "ew.duckdb"
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    proc = subprocess.Popen([sys.executable, "-m", "eventwire.cli", "run", str(corpus), "--db", str(db),
                             "--workers", "1"], cwd=tmp_path, env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE)
    time.sleep(6)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    partial = _count(db, "articles") if db.exists() else 0
    assert partial < 400, "the run finished before it was killed; make the corpus larger"
    rerun = _cli("run", str(corpus), "--db", str(db), "--workers", "2", "--no-progress", cwd=tmp_path)
    assert rerun.returncode == 0, rerun.stderr
    assert f"{partial} already done" in rerun.stdout
    with duckdb.connect(str(db), read_only=True) as con:
        assert con.execute("SELECT count(*), count(DISTINCT id) FROM articles").fetchone() == (400, 400)
        [(articles_per_input,)] = con.execute("SELECT count(DISTINCT article_id) FROM inputs").fetchall()
        assert articles_per_input == 400


def test_main_returns_exit_codes_in_process(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["articles", "--db", str(tmp_path / "none.duckdb")]) == 1
    assert "EW401" in capsys.readouterr().err


def test_run_date_applies_to_inputs_without_one(tmp_path: Path) -> None:
    from eventwire.config import load_config
    from eventwire.pipeline import run
    from eventwire.store import Store

    (tmp_path / "a.txt").write_text(STORIES[1], encoding="utf-8")
    (tmp_path / "b.jsonl").write_text(json.dumps({"id": "b", "text": STORIES[2], "date": "2019-01-02"}) + "\n",
                                      encoding="utf-8")
    db = tmp_path / "ew.duckdb"
    summary = run([str(tmp_path / "a.txt"), str(tmp_path / "b.jsonl")], load_config(None, db=str(db), workers=1),
                  progress=False, date="2020-05-06")
    assert (summary.stored, summary.failed) == (2, 0)
    with Store(db, read_only=True) as store:
        published = {row["source_path"]: row["published"] for row in store.articles()}
    assert published == {str(tmp_path / "a.txt"): "2020-05-06", f"{tmp_path / 'b.jsonl'}:1": "2019-01-02"}


def test_output_piped_into_a_closed_reader_exits_quietly() -> None:
    # the records of all samples are larger than a pipe's buffer (64 KiB), so the writer meets the closed pipe
    command = f"{sys.executable} -m eventwire.cli extract {EXAMPLES} {EXAMPLES} --format json | head -c 10"
    piped = subprocess.run(command, shell=True, capture_output=True, text=True, check=False, cwd=ROOT)
    assert piped.stdout == "[\n  {\n    "
    assert "Traceback" not in piped.stderr and "BrokenPipe" not in piped.stderr


def test_run_refuses_an_id_that_another_file_already_uses(tmp_path: Path) -> None:
    first, second = tmp_path / "a.jsonl", tmp_path / "b.jsonl"
    first.write_text(json.dumps({"id": "1", "text": STORIES[0]}) + "\n", encoding="utf-8")
    second.write_text(json.dumps({"id": "1", "text": STORIES[1]}) + "\n" +
                      json.dumps({"id": "2", "text": STORIES[2]}) + "\n" +
                      json.dumps({"id": "2", "text": STORIES[3]}) + "\n", encoding="utf-8")
    db = tmp_path / "ew.duckdb"
    assert _cli("run", str(first), "--db", str(db), "--workers", "1").returncode == 0
    result = _cli("run", str(second), "--db", str(db), "--workers", "1")
    assert result.returncode == 0 and "EW108" in result.stderr and f"{second}:1" in result.stderr
    with duckdb.connect(str(db), read_only=True) as con:
        rows = dict(con.execute("SELECT id, source_path FROM articles").fetchall())
    # the first file keeps its article 1; within b.jsonl the later line 3 updates id 2 (same file)
    assert rows == {"1": f"{first}:1", "2": f"{second}:3"}


@pytest.mark.model
@pytest.mark.parametrize("task", ["times", "quotes"])
def test_eval_times_and_quotes_on_a_small_gold_file(tmp_path: Path, task: str,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    """The CLI scores a gold file of the shared formats; written here, two sentences each."""
    gold = tmp_path / f"{task}.jsonl"
    text = 'The talks ended on Monday. "We will return," said Anna Berg.'
    if task == "times":
        row = {"id": "t1", "text": text, "dct": "2019-03-20",
               "timexes": [{"start": 19, "end": 25, "text": "Monday", "type": "DATE", "value": "2019-03-18"}]}
    else:
        start = text.index('"')
        row = {"id": "q1", "text": text, "quotes": [{
            "quote": text[start:start + 18], "quote_start": start, "quote_end": start + 18,
            "speaker": "Anna Berg", "speaker_start": text.index("Anna"), "speaker_end": len(text) - 1,
            "cue": "said", "cue_start": text.index("said"), "cue_end": text.index("said") + 4,
            "quote_fragments": [[start, start + 18]], "type": "direct"}]}
    gold.write_text(json.dumps(row) + "\n", encoding="utf-8")
    assert main(["eval", str(gold), "--task", task]) == 0
    scores = json.loads(capsys.readouterr().out)
    if task == "times":
        assert scores["relaxed"]["f1"] == 1.0 and scores["value_accuracy"] == 1.0
    else:
        assert scores["direct_mixed"]["f1"] == 1.0
    assert main(["eval", str(tmp_path / "missing.jsonl"), "--task", task]) == 1


def test_export_writes_every_format_from_a_run(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    for n, story in enumerate(STORIES[:2]):
        (folder / f"story{n}.txt").write_text(story, encoding="utf-8")
    db = tmp_path / "ew.duckdb"
    assert _cli("run", str(folder), "--db", str(db), "--workers", "1", "--no-progress").returncode == 0
    for fmt, name in (("acled-csv", "e.csv"), ("parquet", "e.parquet"), ("geojson", "e.geojson"), ("jsonl", "r.jsonl")):
        result = _cli("export", "--db", str(db), "--format", fmt, "-o", str(tmp_path / name))
        assert result.returncode == 0, result.stderr
        assert "wrote" in result.stderr and (tmp_path / name).stat().st_size > 0
    assert len((tmp_path / "r.jsonl").read_text(encoding="utf-8").splitlines()) == 2
    bad = _cli("export", "--db", str(db), "--format", "xlsx", "-o", str(tmp_path / "x"))
    assert bad.returncode == 2


def test_a_missing_user_alias_file_is_a_usage_error(tmp_path: Path) -> None:
    story = tmp_path / "story.txt"
    story.write_text(STORIES[0], encoding="utf-8")
    result = _cli("extract", str(story), "--actors", str(tmp_path / "mine.toml"))
    assert result.returncode == 2 and "mine.toml" in result.stderr


def _event_db(tmp_path: Path) -> str:
    from test_store import event_store

    db = str(tmp_path / "events.duckdb")
    with event_store() as memory:
        articles = [a for a in (memory.article(i) for i in
                                [r[0] for r in memory.con.execute("SELECT id FROM articles").fetchall()]) if a]
    from eventwire.store import Store

    with Store(db) as store:
        store.write(articles, inputs=[], run_id="r1")
    return db


def test_events_lists_filtered_events_as_table_csv_and_json(tmp_path: Path,
                                                            capsys: pytest.CaptureFixture[str]) -> None:
    db = _event_db(tmp_path)
    assert main(["events", "--db", db, "--members", "--country", "SY"]) == 0
    table = capsys.readouterr().out
    assert "Shelling/artillery/missile attack" in table and "Mosul" not in table and "shelled" in table
    assert main(["events", "--db", db, "--members", "--type", "Attack", "--format", "csv"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == ("date,event_type,sub_event_type,actor1,actor2,location,country,lat,lon,fatalities,"
                        "article_id,trigger")
    assert len(lines) == 3 and lines[1].startswith("2020-06-10,Violence against civilians,Attack,")
    assert main(["events", "--db", db, "--members", "--near", "36.0,43.0,50", "--format", "json"]) == 0
    (event,) = json.loads(capsys.readouterr().out)
    assert event["location"]["name"] == "Mosul" and event["trigger"]["text"] == "attacked"
    assert main(["events", "--db", db, "--members", "--actor", "nobody", "--since", "2019-01-01"]) == 0
    assert capsys.readouterr().out.strip() == "(none)"


def test_events_lists_happenings_by_default_with_their_sources(tmp_path: Path,
                                                               capsys: pytest.CaptureFixture[str]) -> None:
    from eventwire.actors import load_actors
    from eventwire.fusion import fuse
    from eventwire.store import Store
    from test_fusion import _article

    db = str(tmp_path / "fused.duckdb")
    articles = [_article(1, fatalities=12, day="2019-03-18"), _article(2, fatalities=12, day="2019-03-19"),
                _article(3, fatalities=15, day="2019-03-18")]
    with Store(db) as store:
        store.write(articles, inputs=[], run_id="r1")
        fuse(store, load_actors())
    assert main(["events", "--db", db, "--actor", "SDF"]) == 0  # an alias of the stored names
    table = capsys.readouterr().out
    assert "3 articles, 3 publishers; date: 2019-03-18 (2) vs 2019-03-19 (1); fatalities: 12 (2) vs 15 (1)" in table
    assert main(["events", "--db", db, "--format", "json", "--admin1", "nowhere"]) == 0
    assert json.loads(capsys.readouterr().out) == []
    assert main(["events", "--db", db, "--members", "--format", "csv"]) == 0
    assert len(capsys.readouterr().out.splitlines()) == 4  # the header and the three reports


@pytest.mark.parametrize("args", [["--near", "36,43"], ["--near", "north,43,5"], ["--near", "95,43,5"],
                                  ["--since", "2019/01/01"], ["--format", "xml"]])
def test_events_bad_usage_exits_2(tmp_path: Path, args: list[str]) -> None:
    db = _event_db(tmp_path)
    try:
        code = main(["events", "--db", db, *args])
    except SystemExit as exc:  # argparse's own usage errors
        code = int(exc.code or 0)
    assert code == 2


def test_events_without_a_database_exits_1(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["events", "--db", str(tmp_path / "none.duckdb")]) == 1
    assert "eventwire run" in capsys.readouterr().err


@pytest.mark.model
def test_eval_events_on_a_small_gold_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The CLI scores an ACLED-style gold file (written here) and prints the figures and the confusions."""
    gold = tmp_path / "events.jsonl"
    row = {"id": "e1", "text": "On 3 May 2022, Syrian government forces shelled the city of Idlib in Syria.",
           "date_anchor": None,
           "gold": {"event_type": "Explosions/Remote violence", "sub_event_type": "Shelling/artillery/missile attack",
                    "actor1": "Military Forces of Syria (2000-)", "actor2": None, "inter1": 1, "inter2": None,
                    "location": {"name": "Idlib", "country": "Syria", "lat": 35.93, "lon": 36.63},
                    "date": "2022-05-03", "time_precision": 1, "fatalities": 0}}
    gold.write_text(json.dumps(row) + "\n", encoding="utf-8")
    errors = tmp_path / "misses.jsonl"
    assert main(["eval", str(gold), "--task", "events", "--errors", str(errors)]) == 0
    captured = capsys.readouterr()
    scores = json.loads(captured.out)
    assert scores["dataset"] == "acled" and scores["records"] == 1
    assert scores["date_exact"] == 1.0 and scores["country"] == 1.0
    assert "Shelling/artillery/missile attack" in scores["confusion"] and "confusion" in captured.err
    assert errors.is_file()
    assert main(["eval", str(tmp_path / "missing.jsonl"), "--task", "events"]) == 1
