"""The DuckDB store: idempotent, transactional per batch, remembers inputs and runs."""

from __future__ import annotations

import pytest

from eventwire.errors import StoreError
from eventwire.records import Article, Entity, Problem, Section, Source, content_id
from eventwire.store import RunSummary, Store


def _article(text: str, *, n_entities: int = 2) -> Article:
    return Article(id=content_id(text), source=Source(path=f"{text[:5]}.txt"), text=text,
                   sections=(Section(kind="body", start=0, end=len(text)),),
                   entities=tuple(Entity(text=text[:1], label="GPE", start=0, end=1) for _ in range(n_entities)))


def test_store_write_twice_adds_nothing() -> None:
    batch = [_article("Alpha story."), _article("Beta story.")]
    with Store(":memory:") as store:
        store.write(batch, inputs=[("h1", batch[0].id, "a"), ("h2", batch[1].id, "b")], run_id="r1")
        first = store.counts()
        store.write(batch, inputs=[("h1", batch[0].id, "a"), ("h2", batch[1].id, "b")], run_id="r2")
        assert store.counts() == first
        assert first["articles"] == 2 and first["entities"] == 4 and first["inputs"] == 2


def test_store_rewrite_replaces_span_rows() -> None:
    with Store(":memory:") as store:
        store.write([_article("Gamma story.", n_entities=3)], inputs=[], run_id="r1")
        store.write([_article("Gamma story.", n_entities=1)], inputs=[], run_id="r2")
        assert store.counts()["entities"] == 1


def test_store_failed_batch_stores_nothing(monkeypatch: pytest.MonkeyPatch) -> None:
    with Store(":memory:") as store:
        original = store._insert_spans

        def broken(table: str, *args: object) -> None:
            if table == "entities":
                store.con.execute("INSERT INTO no_such_table VALUES (1)")
            original(table, *args)  # type: ignore[arg-type]

        monkeypatch.setattr(store, "_insert_spans", broken)
        with pytest.raises(StoreError, match="nothing of it was stored"):
            store.write([_article("Delta story.")], inputs=[("h", "x", "p")], run_id="r")
        assert store.counts()["articles"] == 0 and store.counts()["sections"] == 0
        assert store.counts()["inputs"] == 0


def test_store_done_inputs_depends_on_version_and_model() -> None:
    article = _article("Epsilon story.")
    with Store(":memory:") as store:
        store.write([article], inputs=[("h1", article.id, "a")], run_id="r")
        model = article.extractor.model or ""
        assert store.done_inputs(["h1", "h2"], version=article.extractor.version, model=model) == {"h1"}
        assert store.done_inputs(["h1"], version="other", model=model) == set()


def test_store_runs_and_problems_are_kept() -> None:
    problem = Problem(severity="error", code="EW103", where="x.bin", message="binary")
    with Store(":memory:") as store:
        store.start_run("r1", config={"model": "m"}, version="1", model="m", gazetteer=None)
        store.add_problems("r1", [problem])
        store.finish_run(RunSummary(run_id="r1", inputs=1, stored=0, skipped=0, failed=1, problems=(problem,)))
        assert store.problems() == [problem]
        row = store.con.execute("SELECT failed, config->>'model' FROM runs").fetchone()
        assert row == (1, "m")


def test_store_missing_database_read_only_says_what_to_do(tmp_path: object) -> None:
    with pytest.raises(StoreError, match="eventwire run"):
        Store(f"{tmp_path}/none.duckdb", read_only=True)


def _event_article(text: str, trigger: str, *, sub_event_type: str, event_type: str, date: str | None,
                   actor1: str, country: str, code: str, lat: float, lon: float) -> Article:
    from eventwire.records import Event, EventActor, EventLocation, SentenceSpan, Trigger

    start = text.index(trigger)
    event = Event(id=content_id(text + trigger), event_type=event_type, sub_event_type=sub_event_type,
                  plover_type="ASSAULT", plover_mode=None, date=date, time_precision=1 if date else None,
                  actor1=EventActor(name=actor1, inter=2), assoc_actor1=(),
                  actor2=EventActor(name=f"Civilians ({country})", inter=7), assoc_actor2=(),
                  location=EventLocation(name=text.split()[-1].rstrip("."), lat=lat, lon=lon, country=country,
                                         country_code=code, geo_precision=1),
                  fatalities=2, trigger=Trigger(text=trigger, start=start, end=start + len(trigger)),
                  sentence=SentenceSpan(start=0, end=len(text)), confidence=0.9, rule=f"trigger:{trigger}",
                  evidence=(SentenceSpan(start=0, end=len(text)),))
    return Article(id=content_id(text), source=Source(path="e.txt"), text=text, events=(event,))


def event_store() -> Store:
    """A store of three events: Syria 2019, Iraq 2020, Mali (undated)."""
    store = Store(":memory:")
    store.write([
        _event_article("The SDF shelled Hajin.", "shelled", event_type="Explosions/Remote violence",
                       sub_event_type="Shelling/artillery/missile attack", date="2019-03-01",
                       actor1="QSD: Syrian Democratic Forces", country="Syria", code="SY", lat=34.69, lon=40.83),
        _event_article("Gunmen attacked Mosul.", "attacked", event_type="Violence against civilians",
                       sub_event_type="Attack", date="2020-06-10", actor1="Unidentified Armed Group (Iraq)",
                       country="Iraq", code="IQ", lat=36.34, lon=43.13),
        _event_article("JNIM attacked Gao.", "attacked", event_type="Violence against civilians",
                       sub_event_type="Attack", date=None, actor1="JNIM", country="Mali", code="ML",
                       lat=16.27, lon=-0.04),
    ], inputs=[], run_id="r1")
    return store


def test_store_events_filters() -> None:
    with event_store() as store:
        assert [e["date"] for e in store.events()] == ["2019-03-01", "2020-06-10", None]
        assert [e["location"]["country"] for e in store.events(country="iq")] == ["Iraq"]
        assert len(store.events(country="Syria")) == 1
        assert {e["location"]["country"] for e in store.events(event_type="attack")} == {"Iraq", "Mali"}
        assert len(store.events(event_type="Violence against civilians")) == 2
        assert len(store.events(event_type="assault")) == 3
        assert [e["actor1"]["name"] for e in store.events(actor="syrian democratic")] == \
            ["QSD: Syrian Democratic Forces"]
        assert len(store.events(actor="civilians (mali)")) == 1  # actor 2 too
        assert [e["date"] for e in store.events(since="2020-01-01")] == ["2020-06-10"]
        assert [e["date"] for e in store.events(until="2019-12-31")] == ["2019-03-01"]
        assert [e["location"]["name"] for e in store.events(near=(36.0, 43.0, 50.0))] == ["Mosul"]
        assert store.events(near=(0.0, 0.0, 10.0)) == []
        assert len(store.events(limit=2)) == 2
        found = store.events(country="ML")[0]
        assert found["article_id"] and found["rule"] == "trigger:attacked" and found["evidence"]
