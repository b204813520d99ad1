"""Exports: each format is read back the way a user reads it and compared with the store."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import geojson
import pandas as pd
import pytest

from eventwire.errors import StoreError, UsageError
from eventwire.export import ACLED_COLUMNS, EVIDENCE_COLUMNS, event_rows, export
from eventwire.records import (
    Article,
    Event,
    EventActor,
    EventLocation,
    SentenceSpan,
    Source,
    Trigger,
    article_from_json,
    content_id,
)
from eventwire.store import Store

TEXT = ("Rebels seize Kidal\n\nOn 3 May 2021, rebels of the Azawad front took the town of Kidal from the army, "
        "killing 12 soldiers, \"all of them young\", an officer said. A roadside bomb hit a convoy near the town in the week that followed.")


def _event(text: str, trigger: str, **fields: object) -> Event:
    start = text.index(trigger)
    sentence_start = text.rfind("\n", 0, start) + 1
    values: dict[str, object] = {
        "id": content_id(text + trigger), "event_type": None, "sub_event_type": None, "plover_type": None,
        "plover_mode": None, "date": None, "time_precision": None, "actor1": None, "assoc_actor1": (),
        "actor2": None, "assoc_actor2": (), "location": None, "fatalities": None,
        "trigger": Trigger(text=trigger, start=start, end=start + len(trigger)),
        "sentence": SentenceSpan(start=sentence_start, end=len(text)), "confidence": 0.8,
        "rule": f"trigger '{trigger}'", **fields}
    return Event(**values)  # type: ignore[arg-type]


KIDAL = EventLocation(name="Kidal", lat=18.44, lon=1.41, country="Mali", country_code="ML", admin1="Kidal",
                      geonameid=2455290, geo_precision=1)
TAKEOVER = _event(TEXT, "took", event_type="Battles", sub_event_type="Non-state actor overtakes territory",
                  plover_type="ASSAULT", plover_mode="occupy", date="2021-05-03", time_precision=1,
                  actor1=EventActor(name="Rebels (Mali)", inter=2),
                  actor2=EventActor(name="Military Forces of Mali", inter=1),
                  assoc_actor1=(EventActor(name="Azawad front", inter=2),), location=KIDAL, fatalities=12)
BOMB = _event(TEXT, "roadside bomb", event_type="Explosions/Remote violence",
              sub_event_type="Remote explosive/landmine/IED", plover_type="ASSAULT", date="2021-05-03",
              time_precision=2, actor2=EventActor(name="Military Forces of Mali", inter=1), location=None,
              sentence=SentenceSpan(start=0, end=len(TEXT)))  # a sentence with a line break and quote marks


@pytest.fixture()
def db(tmp_path: Path) -> Path:
    path = tmp_path / "events.duckdb"
    article = Article(id=content_id(TEXT), source=Source(path="kidal.txt", url="https://example.org/kidal"),
                      text=TEXT, title="Rebels seize Kidal", publisher="Example Wire", published="2021-05-04",
                      events=(TAKEOVER, BOMB))
    empty = Article(id=content_id("nothing"), source=Source(path="empty.txt"), text="Nothing happened.")
    with Store(path) as store:
        store.write([article, empty], inputs=[("h1", article.id, "kidal.txt"), ("h2", empty.id, "empty.txt")],
                    run_id="r1")
    return path


def test_export_acled_csv_reads_back_with_pandas(db: Path, tmp_path: Path) -> None:
    out = tmp_path / "events.csv"
    summary = export(db, "acled-csv", out)
    frame = pd.read_csv(out)

    assert summary.rows == 2 == len(frame)
    assert tuple(frame.columns) == (*ACLED_COLUMNS, *EVIDENCE_COLUMNS)
    row = frame.set_index("event_uid").loc[TAKEOVER.id]
    assert row["event_date"] == "2021-05-03" and row["year"] == 2021
    assert row["disorder_type"] == "Political violence"
    assert row["actor1"] == "Rebels (Mali)" and row["assoc_actor_1"] == "Azawad front"
    assert row["inter1"] == 2 and row["inter2"] == 1 and row["interaction"] == 12  # lower code first
    assert row["iso"] == 466 and row["region"] == "Western Africa" and row["country"] == "Mali"
    assert row["event_id_cnty"].startswith("MLI")
    assert row["fatalities"] == 12 and row["source"] == "Example Wire"
    assert TEXT[row["trigger_start"]:row["trigger_end"]] == "took"
    assert row["notes"].startswith("On 3 May 2021, Rebels (Mali) took Kidal from Military Forces of Mali.")
    bomb = frame.set_index("event_uid").loc[BOMB.id]
    assert pd.isna(bomb["fatalities"])  # unknown stays empty, never 0
    assert "the week of 3 May 2021" in bomb["notes"]


def test_export_parquet_has_typed_columns_equal_to_the_rows(db: Path, tmp_path: Path) -> None:
    out = tmp_path / "events.parquet"
    export(db, "parquet", out)
    with duckdb.connect() as con:
        types = dict(con.execute(f"DESCRIBE SELECT * FROM read_parquet('{out}')").fetchall()[i][:2]
                     for i in range(len(ACLED_COLUMNS) + len(EVIDENCE_COLUMNS)))
        back = con.execute(f"SELECT event_uid, fatalities, latitude, event_date, sentence, notes "
                           f"FROM read_parquet('{out}') ORDER BY trigger_start").fetchall()
    assert types["fatalities"] == "INTEGER" and types["latitude"] == "DOUBLE" and types["event_date"] == "DATE"
    with Store(db, read_only=True) as store:
        rows = sorted(event_rows(store), key=lambda r: r["trigger_start"])
    assert [r[:3] + r[4:] for r in back] == [(r["event_uid"], r["fatalities"], r["latitude"], r["sentence"], r["notes"])
                                             for r in rows]
    assert str(back[0][3]) == "2021-05-03"


def test_export_geojson_is_valid_and_counts_what_has_no_coordinates(db: Path, tmp_path: Path) -> None:
    out = tmp_path / "events.geojson"
    summary = export(db, "geojson", out)
    collection = geojson.loads(out.read_text(encoding="utf-8"))

    assert collection.is_valid, collection.errors()
    assert summary.rows == 1 and summary.without_coordinates == 1
    [feature] = collection["features"]
    assert feature["geometry"]["coordinates"] == [1.41, 18.44]  # longitude first (RFC 7946)
    assert feature["properties"]["sub_event_type"] == "Non-state actor overtakes territory"


def test_export_jsonl_round_trips_every_record(db: Path, tmp_path: Path) -> None:
    out = tmp_path / "records.jsonl"
    summary = export(db, "jsonl", out)
    lines = out.read_text(encoding="utf-8").splitlines()

    assert summary.rows == 2 == len(lines)
    with Store(db, read_only=True) as store:
        for line in lines:
            article = article_from_json(json.loads(line))
            assert store.article(article.id) == article


def test_export_refuses_an_unknown_format_and_a_missing_store(db: Path, tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="unknown export format"):
        export(db, "xlsx", tmp_path / "x.xlsx")
    with pytest.raises(StoreError, match="no such database"):
        export(tmp_path / "missing.duckdb", "acled-csv", tmp_path / "x.csv")
    with pytest.raises(UsageError, match="does not exist"):
        export(db, "acled-csv", tmp_path / "no" / "such" / "x.csv")


def test_export_gives_one_row_per_happening_and_every_event_on_request(tmp_path: Path) -> None:
    from eventwire.actors import load_actors
    from eventwire.fusion import fuse
    from test_fusion import _article

    db = tmp_path / "fused.duckdb"
    reports = [_article(1, fatalities=12, day="2019-03-18"), _article(2, fatalities=12, day="2019-03-19"),
               _article(3, fatalities=15, day="2019-03-18"), _article(4, fatalities=3, day="2019-03-18", country="IQ")]
    with Store(db) as store:
        store.write(reports, inputs=[], run_id="r1")
        fuse(store, load_actors())
    written = export(db, "acled-csv", tmp_path / "h.csv")
    members = export(db, "acled-csv", tmp_path / "m.csv", members=True)
    happenings = pd.read_csv(tmp_path / "h.csv")

    assert written.rows == 2 == len(happenings) and members.rows == 4
    syria = happenings[happenings["articles"] == 3].iloc[0]
    assert syria["fatalities"] == 12 and syria["event_date"] == "2019-03-18"  # the best-supported values
    assert syria["source"] == "Outlet 1; Outlet 2; Outlet 3" and syria["publishers"] == 3
    assert syria["disagreements"] == "date: 2019-03-18 (2) vs 2019-03-19 (1); fatalities: 12 (2) vs 15 (1)"
    assert "Reported by 3 articles" in syria["notes"]
    each = pd.read_csv(tmp_path / "m.csv")
    assert sorted(each["fatalities"]) == [3, 12, 12, 15] and each["cluster_id"].nunique() == 2
    geo = export(db, "geojson", tmp_path / "h.geojson")
    assert geo.rows == 2 and geojson.loads((tmp_path / "h.geojson").read_text(encoding="utf-8")).is_valid
