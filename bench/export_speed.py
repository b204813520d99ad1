"""Export speed: a store of N synthetic articles (default 20,000, five events each), fused, exported to
every format (happenings, and the CSV of every event), wall time per export.

    .venv/bin/python bench/export_speed.py [--articles 20000] [--events 5] [--keep /tmp/ew-export.duckdb]

Target (issue 6): each export of a 20,000-article store finishes in under 30 s. The articles are
generated here (numbered sentences, random actors, places and dates), not copied from any corpus; they
are the size of a news article (~3,000 characters) with the span lists a real run fills.
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from pathlib import Path

from eventwire.actors import load_actors
from eventwire.export import FORMATS, export
from eventwire.fusion import fuse
from eventwire.records import (
    Actor,
    Article,
    Entity,
    Event,
    EventActor,
    EventLocation,
    Place,
    SentenceSpan,
    Source,
    TimeRef,
    Trigger,
    content_id,
)
from eventwire.store import Store

TYPES = [("Battles", "Armed clash"), ("Explosions/Remote violence", "Shelling/artillery/missile attack"),
         ("Violence against civilians", "Attack"), ("Protests", "Peaceful protest"),
         ("Strategic developments", "Arrests")]
ACTORS = [("Military Forces of Testland", 1), ("Rebels (Testland)", 2), ("Civilians (Testland)", 7),
          ("Protesters (Testland)", 6), ("Police Forces of Testland", 1)]


def synthetic_article(n: int, events: int, rng: random.Random) -> Article:
    sentences = [f"Sentence {n}.{i}: fighters from group {rng.randint(1, 99)} clashed with troops in town "
                 f"{rng.randint(1, 500)} on day {rng.randint(1, 28)}, and officials reported {rng.randint(0, 40)} "
                 "dead while residents fled toward the river crossing in the north of the district."
                 for i in range(14)]
    text = "\n\n".join(sentences)
    starts = [text.index(s) for s in sentences]
    built: list[Event] = []
    for i in range(events):
        start = starts[i % len(starts)]
        event_type, sub_event_type = rng.choice(TYPES)
        (name1, inter1), (name2, inter2) = rng.sample(ACTORS, 2)
        lat, lon = rng.uniform(-40, 40), rng.uniform(-20, 60)
        built.append(Event(
            id=content_id(f"{n}-{i}-{text[:20]}"), event_type=event_type, sub_event_type=sub_event_type,
            plover_type="ASSAULT", plover_mode=None, date=f"2021-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
            time_precision=rng.choice([1, 2, 3]), actor1=EventActor(name=name1, inter=inter1), assoc_actor1=(),
            actor2=EventActor(name=name2, inter=inter2), assoc_actor2=(),
            location=EventLocation(name=f"Town {i}", lat=lat, lon=lon, country="Syria", country_code="SY",
                                   admin1="Province", geonameid=1000 + i, geo_precision=rng.choice([1, 2, 3])),
            fatalities=rng.choice([None, 0, 3, 12]), trigger=Trigger(text="clashed", start=start + 40, end=start + 47),
            sentence=SentenceSpan(start=start, end=start + len(sentences[0])), confidence=0.7, rule="synthetic"))
    return Article(
        id=content_id(f"{n}:{text}"), source=Source(path=f"synthetic/{n}.txt"), text=text, title=f"Article {n}",
        publisher=f"Outlet {n % 40}", published="2021-06-01",
        entities=tuple(Entity(text="troops", label="NORP", start=s + 60, end=s + 66) for s in starts[:8]),
        actors=tuple(Actor(text="troops", start=s + 60, end=s + 66, name=ACTORS[0][0], inter=1, kind="generic")
                     for s in starts[:6]),
        places=tuple(Place(text="town", start=s + 70, end=s + 74, name="Town", lat=35.0, lon=38.0,
                           country="Syria", country_code="SY", precision=1) for s in starts[:6]),
        times=tuple(TimeRef(text="day", start=s + 80, end=s + 83, value="2021-06-01", precision="day")
                    for s in starts[:4]),
        events=tuple(built))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=20_000)
    parser.add_argument("--events", type=int, default=5, help="events per article")
    parser.add_argument("--keep", type=Path, help="build the store here and keep it (reused when it exists)")
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="ew-export-"))
    db = args.keep or folder / "store.duckdb"
    if not db.exists():
        rng = random.Random(7)
        started = time.perf_counter()
        with Store(db) as store:
            for first in range(0, args.articles, 500):
                batch = [synthetic_article(n, args.events, rng) for n in range(first, min(first + 500, args.articles))]
                store.write(batch, inputs=[(a.id, a.id, a.source.path) for a in batch], run_id="bench")
        print(f"store of {args.articles} articles built in {time.perf_counter() - started:.1f} s", file=sys.stderr)
        started = time.perf_counter()
        with Store(db) as store:
            fused = fuse(store, load_actors())
        print(f"fused into {fused.clusters} happenings in {time.perf_counter() - started:.1f} s", file=sys.stderr)
    worst = 0.0
    for fmt, members in [(fmt, False) for fmt in FORMATS] + [("acled-csv", True)]:
        out = folder / f"export{'-members' if members else ''}.{fmt}"
        started = time.perf_counter()
        summary = export(db, fmt, out, members=members)
        seconds = time.perf_counter() - started
        worst = max(worst, seconds)
        label = f"{fmt}{' --members' if members else ''}"
        print(f"{label:<20} {summary.rows:>8} rows  {seconds:6.1f} s  {out.stat().st_size / 2**20:7.1f} MB")
    print(f"slowest export {worst:.1f} s (target < 30 s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
