"""Fusion: which events are one happening, what a cluster says, and that the store's clusters are the
same whatever the order, the repetitions and the increments of the input."""

from __future__ import annotations

import random
from dataclasses import replace
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from eventwire.actors import load_actors
from eventwire.fusion import Member, cluster, compatible, fuse
from eventwire.records import (
    Article,
    Event,
    EventActor,
    EventLocation,
    SentenceSpan,
    Source,
    Trigger,
    content_id,
)
from eventwire.store import Store

ALIASES = {frozenset({"SDF", "Syrian Democratic Forces"})}


def same(a: str, b: str) -> bool:
    return a == b or frozenset({a, b}) in ALIASES


BASE = Member(event_id="e1", article_id="a1", publisher="Wire A", published="2019-03-19", event_type="Battles",
              sub_event_type="Armed clash", actor1="SDF", actor2="Islamic State", date="2019-03-18",
              time_precision=1, location="Baghuz", lat=34.45, lon=40.94, geo_precision=1, country="Syria",
              country_code="SY", fatalities=12)


def other(**fields: object) -> Member:
    values: dict[str, object] = {"event_id": "e2", "article_id": "a2", "publisher": "Wire B", **fields}
    return replace(BASE, **values)  # type: ignore[arg-type]


def test_compatible_needs_type_actors_place_and_date_to_agree() -> None:
    assert compatible(BASE, other(), same)
    assert compatible(BASE, other(actor1="Syrian Democratic Forces"), same)  # an alias
    assert compatible(BASE, other(sub_event_type=None), same)  # one source is vaguer
    assert compatible(BASE, other(actor2=None), same)  # an unknown actor blocks nothing
    assert compatible(BASE, other(actor1="Unidentified Armed Group (Syria)"), same)
    assert compatible(BASE, other(actor1="Islamic State", actor2="SDF"), same)  # a clash either way round
    assert compatible(BASE, other(date="2019-03-19"), same)  # reports disagree by a day, with one toll
    assert not compatible(BASE, other(date="2019-03-19", fatalities=None), same)  # or the next day's shelling
    assert not compatible(BASE, other(date="2019-03-21"), same)
    war_total = replace(BASE, actor1=None, actor2=None, fatalities=300000)
    assert not compatible(war_total, other(actor1=None, actor2=None, fatalities=300000, date="2019-03-19"),
                          same)  # a war's toll is no toll: it does not let two reports a day apart merge
    assert not compatible(replace(war_total, geo_precision=2), other(actor1=None, actor2=None, fatalities=300000),
                          same)  # nor corroborate a place "near" a town
    assert not compatible(BASE, other(date="2019-03-24", time_precision=2), same)  # "last week": too vague
    assert not compatible(BASE, other(date="2019-03-24", time_precision=2, geo_precision=2), same)
    assert not compatible(BASE, other(date="2019-03-24", time_precision=2, location="Hajin"), same)
    assert not compatible(BASE, other(sub_event_type="Government regains territory"), same)
    assert not compatible(BASE, other(actor1="Military Forces of Syria"), same)
    assert not compatible(BASE, other(lat=35.0), same)  # 60 km off for two towns
    assert compatible(BASE, other(lat=34.8, geo_precision=2), same)  # ... but one only says "near Baghuz"
    assert not compatible(BASE, other(geo_precision=3), same)  # a region or a country alone names nothing
    # political violence in one town on one day its reports pin: one happening, nothing else needed
    assert compatible(BASE, other(fatalities=None, actor1=None, actor2=None), same)
    # ... the same town, not a village 10 km outside it
    assert not compatible(BASE, other(fatalities=None, actor1=None, actor2=None, location="Hajin", lat=34.5), same)
    assert compatible(BASE, other(fatalities=3, actor1=None, actor2=None), same)  # tolls disagree: listed
    # ... but only "near" a town, a day apart, or a vaguer type: a toll or a particular actor must agree
    near = {"fatalities": None, "actor1": None, "actor2": None, "lat": 34.6, "geo_precision": 2}
    assert not compatible(BASE, other(**near), same)  # type: ignore[arg-type]
    assert compatible(BASE, other(**{**near, "actor1": "SDF"}), same)  # type: ignore[arg-type]
    assert not compatible(BASE, other(fatalities=None, actor1=None, actor2=None, date="2019-03-19"), same)
    protest = replace(BASE, event_type="Protests", sub_event_type="Peaceful protest", actor1="Protesters (Syria)",
                      actor2=None, fatalities=None)
    assert not compatible(protest, other(event_type="Protests", sub_event_type="Peaceful protest",
                                         actor1="Protesters (Syria)", actor2=None, fatalities=None), same)
    assert compatible(BASE, other(fatalities=None, actor2=None), same)  # the SDF in both
    assert compatible(BASE, other(actor1=None, actor2=None), same)  # 12 dead in both
    # a report whose sentence gives no day stands for its article's day: only that day's report of the
    # same sub-type and the same toll is its happening
    undated = {"time_precision": 2, "actor1": None, "actor2": None}
    assert compatible(BASE, other(**undated), same)
    assert not compatible(BASE, other(**undated, fatalities=None), same)
    assert not compatible(BASE, other(**undated, fatalities=13), same)
    assert not compatible(BASE, other(**undated, sub_event_type=None), same)
    assert not compatible(BASE, other(**undated, date="2019-03-19"), same)
    assert not compatible(BASE, other(**{**undated, "time_precision": 3}), same)  # a month
    assert not compatible(BASE, other(country_code="IQ"), same)
    assert not compatible(BASE, other(article_id="a1"), same)  # two events of one article stay two
    assert not compatible(BASE, other(date=None), same)
    assert not compatible(BASE, other(lat=None, lon=None), same)  # nowhere: never merged
    assert not compatible(BASE, other(lat=35.0, geo_precision=3, date="2019-03-20", time_precision=2), same)


def test_cluster_lists_support_and_disagreements() -> None:
    third = replace(BASE, event_id="e3", article_id="a3", publisher="Wire C", published="2019-03-18",
                    fatalities=15)
    later = replace(BASE, event_id="e4", article_id="a4", publisher="Wire D", date="2019-03-19")  # same toll
    [happening] = cluster([BASE, other(), third, later], same)

    assert happening.articles == 4 and happening.publishers == 4
    assert happening.earliest_report == "2019-03-18"
    assert happening.best("fatalities") == 12  # three articles say 12, one says 15
    assert [(s.value, s.articles) for s in happening.disagreements["fatalities"]] == [(12, 3), (15, 1)]
    assert [(s.value, s.articles) for s in happening.disagreements["date"]] == [("2019-03-18", 3), ("2019-03-19", 1)]
    assert "actor1" not in happening.disagreements


def _members(draw: st.DrawFn) -> list[Member]:
    count = draw(st.integers(1, 14))
    out = []
    for n in range(count):
        out.append(Member(
            event_id=f"e{n}", article_id=f"a{draw(st.integers(0, 6))}", published=f"2020-01-{draw(st.integers(1, 9)):02d}",
            event_type=draw(st.sampled_from(["Battles", "Riots"])),
            sub_event_type=draw(st.sampled_from([None, "Armed clash", "Mob violence"])),
            actor1=draw(st.sampled_from([None, "SDF", "Syrian Democratic Forces", "Islamic State"])),
            date=f"2020-01-{draw(st.integers(1, 28)):02d}", time_precision=draw(st.sampled_from([1, 2, 3])),
            lat=draw(st.sampled_from([None, 35.0, 35.1, 36.0])), lon=39.0, geo_precision=draw(st.sampled_from([1, 2, 3])),
            country_code=draw(st.sampled_from(["SY", "IQ"]))))
    return out


@given(st.composite(_members)(), st.randoms(use_true_random=False))
@settings(max_examples=80, deadline=None)
def test_cluster_is_independent_of_order_and_repetition(members: list[Member], rng: random.Random) -> None:
    shuffled = members + members[: len(members) // 2]
    rng.shuffle(shuffled)
    first = cluster(members, same)
    second = cluster(shuffled, same)

    assert [(c.id, c.members) for c in first] == [(c.id, c.members) for c in second]
    assert sorted(m.key for c in first for m in c.members) == sorted({m.key for m in members})


# --- the store -------------------------------------------------------------------------------------------

def _article(n: int, *, fatalities: int | None, day: str, country: str = "SY") -> Article:
    text = f"Report {n}: fighters of the SDF clashed with Islamic State near Baghuz on {day}."
    start = text.index("clashed")
    event = Event(id=content_id(f"{text}clashed"), event_type="Battles", sub_event_type="Armed clash",
                  plover_type="ASSAULT", plover_mode=None, date=day, time_precision=1,
                  actor1=EventActor(name="Syrian Democratic Forces" if n % 2 else "SDF", inter=2), assoc_actor1=(),
                  actor2=EventActor(name="Islamic State", inter=2), assoc_actor2=(),
                  location=EventLocation(name="Baghuz", lat=34.45, lon=40.94, country="Syria", country_code=country,
                                         geo_precision=1),
                  fatalities=fatalities, trigger=Trigger(text="clashed", start=start, end=start + 7),
                  sentence=SentenceSpan(start=0, end=len(text)), confidence=0.8)
    return Article(id=content_id(text), source=Source(path=f"r{n}.txt"), text=text, publisher=f"Outlet {n}",
                   published=day, events=(event,))


def _write(store: Store, articles: list[Article]) -> None:
    store.write(articles, inputs=[(a.id, a.id, a.source.path) for a in articles], run_id="t")


def _clusters(store: Store) -> list[tuple[str, int, str]]:
    return sorted(store.con.execute("SELECT cluster_id, articles, disagreements FROM clusters").fetchall())


def test_fuse_incrementally_equals_fusing_everything_at_once(tmp_path: Path) -> None:
    table = load_actors()
    articles = [_article(1, fatalities=12, day="2019-03-18"), _article(2, fatalities=15, day="2019-03-18"),
                _article(3, fatalities=None, day="2019-03-18"), _article(4, fatalities=3, day="2019-03-18",
                                                                        country="IQ")]
    with Store(tmp_path / "once.duckdb") as once:
        _write(once, articles)
        everything = fuse(once, table)
        expected = _clusters(once)
    with Store(tmp_path / "steps.duckdb") as steps:
        _write(steps, articles[:1])
        fuse(steps, table)
        _write(steps, articles[1:3])
        added = fuse(steps, table)
        _write(steps, articles[3:])
        last = fuse(steps, table)
        again = fuse(steps, table)
        assert _clusters(steps) == expected

    assert everything.events == 4 and everything.clusters == 2 and everything.multi_source == 1
    assert added.new_events == 2 and added.clusters_replaced == 1  # the Syrian cluster grew
    assert last.new_events == 1 and last.clusters_replaced == 0  # the Iraqi event touches no cluster
    assert again.new_events == 0 and again.clusters_replaced == 0
    [syria] = [row for row in expected if row[1] == 3]
    assert '"fatalities": [[12, 1], [15, 1]]' in syria[2]


def test_fuse_follows_an_article_that_is_replaced(tmp_path: Path) -> None:
    table = load_actors()
    first, second = _article(1, fatalities=12, day="2019-03-18"), _article(2, fatalities=12, day="2019-03-18")
    with Store(tmp_path / "s.duckdb") as store:
        _write(store, [first, second])
        assert fuse(store, table).multi_source == 1
        moved = replace(second, events=(replace(second.events[0], date="2019-05-01"),))
        _write(store, [moved])  # the same article, coded again with another date
        after = fuse(store, table)

    assert after.clusters == 2 and after.multi_source == 0 and after.events == 2


def _random_article(n: int, rng: random.Random) -> Article:
    text = f"Report {n} of a clash."
    day = f"2019-03-{rng.randint(1, 20):02d}"
    actor = rng.choice(["SDF", "Syrian Democratic Forces", "Islamic State", None])
    lat = rng.choice([34.45, 34.5, 35.2])
    event = Event(id=content_id(f"{n}"), event_type=rng.choice(["Battles", "Riots"]),
                  sub_event_type=rng.choice([None, "Armed clash", "Mob violence"]), plover_type=None, plover_mode=None,
                  date=day, time_precision=rng.choice([1, 1, 2, 3]),
                  actor1=EventActor(name=actor, inter=2) if actor else None, assoc_actor1=(), actor2=None,
                  assoc_actor2=(), location=EventLocation(name="X", lat=lat, lon=40.9, country="Syria",
                                                          country_code=rng.choice(["SY", "SY", "IQ"]),
                                                          geo_precision=rng.choice([1, 2, 3])),
                  fatalities=rng.choice([None, 1, 2]), trigger=Trigger(text="clash", start=16, end=21),
                  sentence=SentenceSpan(start=0, end=len(text)), confidence=0.5)
    return Article(id=content_id(text), source=Source(path=f"{n}.txt"), text=text, published=day, events=(event,))


def test_fuse_in_random_increments_equals_fusing_at_once(tmp_path: Path) -> None:
    table = load_actors()
    for seed in range(4):
        rng = random.Random(seed)
        articles = [_random_article(n, rng) for n in range(40)]
        with Store(tmp_path / f"steps{seed}.duckdb") as steps:
            order = articles[:]
            rng.shuffle(order)
            while order:
                chunk = order[:rng.randint(1, 9)]
                order = order[len(chunk):]
                _write(steps, chunk)
                fuse(steps, table)
            recoded = _random_article(7, random.Random(99))  # article 7 coded again, differently
            _write(steps, [recoded])
            fuse(steps, table)
            incremental = _clusters(steps)
        final = [recoded if a.id == recoded.id else a for a in articles]
        with Store(tmp_path / f"once{seed}.duckdb") as once:
            _write(once, final)
            fuse(once, table)
            assert _clusters(once) == incremental


def test_store_clusters_filters_on_the_best_supported_values(tmp_path: Path) -> None:
    articles = [_article(1, fatalities=12, day="2019-03-18"), _article(2, fatalities=15, day="2019-03-18"),
                _article(4, fatalities=3, day="2019-03-18", country="IQ")]
    with Store(tmp_path / "s.duckdb") as store:
        _write(store, articles)
        fuse(store, load_actors())
        everything = store.clusters()
        syria = store.clusters(country="sy")
        assert sorted(c["articles"] for c in everything) == [1, 2]
        assert [c["events"] for c in syria] == [2] and syria[0]["actor1"] in ("SDF", "Syrian Democratic Forces")
        assert syria[0]["disagreements"]["fatalities"] == [[12, 1], [15, 1]]
        assert len(store.clusters(event_type="armed clash", near=(34.4, 40.9, 20.0))) == 2
        assert store.clusters(since="2019-03-19") == [] and len(store.clusters(until="2019-03-18")) == 2
        named = store.clusters(actor_names=["SDF", "Syrian Democratic Forces"])
        assert sorted(c["country_code"] for c in named) == ["IQ", "SY"]  # every report names the SDF, one way or another
        assert store.clusters(actor_names=["Hezbollah"]) == []
        members = store.events(country="SY")
        assert {e["cluster_id"] for e in members} == {syria[0]["cluster_id"]}


@given(st.composite(_members)())
@settings(max_examples=80, deadline=None)
def test_cluster_equals_components_over_every_pair(members: list[Member]) -> None:
    unique = list({m.key: m for m in members}.values())
    group = {m.key: {m.key} for m in unique}
    for i, a in enumerate(unique):  # brute force: every pair, no date windows to skip any
        for b in unique[i + 1:]:
            if compatible(a, b, same) and group[a.key] is not group[b.key]:
                merged = group[a.key] | group[b.key]
                for key in merged:
                    group[key] = merged
    expected = sorted(sorted(g) for g in {id(g): g for g in group.values()}.values())
    found = sorted(sorted(m.key for m in c.members) for c in cluster(members, same))
    assert found == expected


def test_one_text_stored_under_two_ids_is_one_source(tmp_path: Path) -> None:
    report = _article(1, fatalities=12, day="2019-03-18")
    copy = replace(report, id="copy-of-1", source=Source(path="copy.txt"), publisher="Mirror site")
    other_outlet = _article(2, fatalities=12, day="2019-03-18")
    with Store(tmp_path / "s.duckdb") as store:
        _write(store, [report, copy])
        alone = fuse(store, load_actors())
        _write(store, [other_outlet])
        confirmed = fuse(store, load_actors())
        [happening] = store.clusters()

    assert alone.multi_source == 0  # a reprint of the same text confirms nothing
    assert confirmed.multi_source == 1 and happening["articles"] == 2 and happening["events"] == 3


def test_store_writes_the_text_hash_fusion_would_compute(tmp_path: Path) -> None:
    report = replace(_article(1, fatalities=12, day="2019-03-18"), text="Rapport n° 1 : des combats à Baghouz.")
    with Store(tmp_path / "s.duckdb") as store:
        _write(store, [report])
        [(written, computed)] = store.con.execute("SELECT text_hash, md5(text) FROM articles").fetchall()
    assert written == computed  # stores written before the column existed fall back to md5(text)
