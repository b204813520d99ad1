"""Fusion speed: 100,000 synthetic events clustered, in memory and through the store.

    .venv/bin/python bench/fusion_speed.py [--events 100000] [--reports 3] [--no-store]

The events are generated from the development records' gold fields (``events/acled-dev.jsonl``:
types, actors, countries and coordinates sampled independently, with dates spread over a year and
coordinates jittered), so the load looks like a real corpus without copying any record. Each generated
happening is reported by 1..``--reports`` articles that disagree a little (a day, a few km, the
fatalities), which is what fusion has to undo. Prints the time of :func:`eventwire.fusion.cluster`
alone, then of a full :func:`eventwire.fusion.fuse` on a store holding the events, then of an
incremental fuse after 1 % more articles. Target (issue 6): 100,000 events in under 60 s.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import sys
import tempfile
import time
from pathlib import Path

from eventwire.actors import load_actors
from eventwire.fusion import Member, actor_matcher, cluster, fuse
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

DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data"
GOLD = DATA / "events" / "acled-dev.jsonl"


def generate(events: int, reports: int, rng: random.Random) -> list[Member]:
    gold = [json.loads(line)["gold"] for line in GOLD.read_text(encoding="utf-8").splitlines() if line.strip()]
    start = dt.date(2022, 1, 1).toordinal()
    members: list[Member] = []
    happening = 0
    while len(members) < events:
        happening += 1
        kind, who, where = rng.choice(gold), rng.choice(gold), rng.choice(gold)
        loc = where["location"]
        day = start + rng.randrange(365)
        dead = rng.choice([None, 0, 1, 2, 5, 12])
        for report in range(rng.randint(1, reports)):
            members.append(Member(
                event_id=f"e{happening}-{report}", article_id=f"a{happening}-{report}",
                publisher=f"outlet{rng.randrange(60)}", published=dt.date.fromordinal(day + 1).isoformat(),
                event_type=kind["event_type"], sub_event_type=kind["sub_event_type"] if rng.random() > 0.1 else None,
                actor1=who["actor1"], actor2=who["actor2"],
                date=dt.date.fromordinal(day + rng.choice([0, 0, 0, 1])).isoformat(), time_precision=1,
                location=loc["name"], lat=loc["lat"] + rng.uniform(-0.05, 0.05), lon=loc["lon"] + rng.uniform(-0.05, 0.05),
                geo_precision=rng.choice([1, 1, 2]), country=loc["country"], country_code=loc["country"][:2].upper(),  # a block key, not an ISO code
                fatalities=dead if rng.random() > 0.2 else (dead or 0) + 1))
    return members[:events]


def as_article(member: Member) -> Article:
    text = f"Report {member.article_id}: an event of type {member.sub_event_type} at {member.location}."
    event = Event(id=member.event_id, event_type=member.event_type, sub_event_type=member.sub_event_type,
                  plover_type=None, plover_mode=None, date=member.date, time_precision=member.time_precision,
                  actor1=EventActor(name=member.actor1, inter=None) if member.actor1 else None, assoc_actor1=(),
                  actor2=EventActor(name=member.actor2, inter=None) if member.actor2 else None, assoc_actor2=(),
                  location=EventLocation(name=member.location, lat=member.lat, lon=member.lon, country=member.country,
                                         country_code=member.country_code, geo_precision=member.geo_precision),
                  fatalities=member.fatalities, trigger=Trigger(text="Report", start=0, end=6),
                  sentence=SentenceSpan(start=0, end=len(text)), confidence=0.5)
    return Article(id=content_id(text), source=Source(path=f"{member.article_id}.txt"), text=text,
                   publisher=member.publisher, published=member.published, events=(event,))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=100_000)
    parser.add_argument("--reports", type=int, default=3, help="most articles per generated happening")
    parser.add_argument("--no-store", action="store_true", help="time the clustering in memory only")
    args = parser.parse_args()
    if not GOLD.is_file():
        print(f"skipped: {GOLD} is absent (the development records the events are generated from)")
        return 0
    rng = random.Random(11)
    members = generate(args.events, args.reports, rng)
    table = load_actors()
    started = time.process_time()
    clusters = cluster(members, actor_matcher(table))
    seconds = time.process_time() - started
    multi = sum(1 for c in clusters if c.articles > 1)
    print(f"cluster(): {len(members)} events -> {len(clusters)} clusters ({multi} with several articles) "
          f"in {seconds:.1f} s CPU")
    if args.no_store:
        return 0
    extra = max(1, len(members) // 100)
    with tempfile.TemporaryDirectory() as folder, Store(Path(folder) / "fusion.duckdb") as store:
        articles = [as_article(m) for m in members]
        for first in range(0, len(articles) - extra, 5000):
            batch = articles[first:min(first + 5000, len(articles) - extra)]
            store.write(batch, inputs=[(a.id, a.id, a.source.path) for a in batch], run_id="bench")
        started = time.perf_counter()
        full = fuse(store, table)
        print(f"fuse() from scratch: {full.events} events -> {full.clusters} clusters "
              f"({full.multi_source} multi-source) in {time.perf_counter() - started:.1f} s wall")
        store.write(articles[-extra:], inputs=[(a.id, a.id, a.source.path) for a in articles[-extra:]], run_id="more")
        started = time.perf_counter()
        more = fuse(store, table)
        print(f"fuse() after {extra} more articles: {more.clusters_replaced} clusters taken apart, "
              f"{more.clusters} clusters in {time.perf_counter() - started:.1f} s wall (target: 100,000 events < 60 s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
