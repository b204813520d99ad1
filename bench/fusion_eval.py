"""Fusion on FA-KES (Syrian casualty reports, several outlets per incident): clusters, multi-source
share, an automatic check against FA-KES's own place labels, and samples for a manual check.

    .venv/bin/python bench/fusion_eval.py [--db /tmp/fakes.duckdb] [--sample 30] [--seed 1]
                                          [--review /tmp/fusion-review.md]

Runs ``eventwire run`` on ``corpus/fakes-syria-dev.jsonl`` into ``--db`` (reused when it exists; delete
it after changing the pipeline; ``--refuse`` clusters its events again), then prints: events, clusters, the share of clusters reported by more
than one article, and — as an automatic proxy for precision — the share of multi-source clusters whose
articles all carry the same FA-KES place label (``location``, the crowd-annotated place of the
article's event). ``--review`` writes ``--sample`` random multi-source clusters and as many look-alike
pairs left apart (same event type, dates at most 3 days apart, at most 50 km apart or the same place
name) with their evidence sentences, for a person to judge: are the clusters truly one event (fusion
precision, target ≥ 0.90 in issue 6), should the pairs have merged? Keep the review file out of the
repository (it quotes the articles).
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from pathlib import Path
from typing import Any

from eventwire.actors import load_actors
from eventwire.config import load_config
from eventwire.fusion import fuse
from eventwire.pipeline import run
from eventwire.places import haversine_km
from eventwire.store import Store

DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data"
CORPUS = DATA / "corpus" / "fakes-syria-dev.jsonl"


def _members(store: Store) -> list[dict[str, Any]]:
    rows = store.con.execute("""
        SELECT c.cluster_id, f.article_id, f.event_id, f.publisher, f.published, f.event_type, f.sub_event_type,
               f.actor1, f.actor2, f.date, f.location, f.lat, f.lon, f.fatalities,
               json_extract_string(e.trigger, '$.text') AS trigger,
               substr(a.text, CAST(json_extract(e.sentence, '$.start') AS INTEGER) + 1,
                      CAST(json_extract(e.sentence, '$.end') AS INTEGER)
                      - CAST(json_extract(e.sentence, '$.start') AS INTEGER)) AS sentence
        FROM cluster_members c
        JOIN fusion_members f USING (article_id, event_id)
        JOIN events e ON e.article_id = f.article_id AND e.id = f.event_id
        JOIN articles a ON a.id = f.article_id""").fetchall()
    names = ("cluster_id", "article_id", "event_id", "publisher", "published", "event_type", "sub_event_type",
             "actor1", "actor2", "date", "location", "lat", "lon", "fatalities", "trigger", "sentence")
    return [dict(zip(names, row, strict=True)) for row in rows]


def _line(member: dict[str, Any], labels: dict[str, str]) -> str:
    sentence = " ".join((member["sentence"] or "").split())[:300]
    return (f"- {member['publisher']} {member['published']} {member['article_id']} "
            f"[FA-KES place: {labels.get(member['article_id'], '?')}] "
            f"{member['sub_event_type'] or member['event_type']} ({member['trigger']}) | {member['actor1']} > "
            f"{member['actor2']} | {member['date']} | {member['location']} | dead {member['fatalities']}\n  > {sentence}")


def _look_alikes(members: list[dict[str, Any]]) -> list[tuple[dict[str, Any], dict[str, Any]]]:
    """Pairs of events of different clusters and articles that look like one event."""
    pairs = []
    ordered = sorted((m for m in members if m["date"] and m["event_type"]), key=lambda m: m["date"])
    for i, a in enumerate(ordered):
        for b in ordered[i + 1:]:
            if b["date"][:10] > a["date"][:10] and _days(a["date"], b["date"]) > 3:
                break
            if a["cluster_id"] == b["cluster_id"] or a["article_id"] == b["article_id"]:
                continue
            if a["event_type"] != b["event_type"]:
                continue
            near = (a["location"] and a["location"] == b["location"]) or (
                None not in (a["lat"], b["lat"]) and haversine_km(a["lat"], a["lon"], b["lat"], b["lon"]) <= 50)
            if near:
                pairs.append((a, b))
    return pairs


def _days(first: str, second: str) -> int:
    import datetime as dt

    return abs((dt.date.fromisoformat(second[:10]) - dt.date.fromisoformat(first[:10])).days)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, default=Path("/tmp/fakes.duckdb"))
    parser.add_argument("--sample", type=int, default=30)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--refuse", action="store_true", help="cluster every event again (same pipeline output)")
    parser.add_argument("--review", type=Path, help="write the samples for a manual check here (outside the repo)")
    args = parser.parse_args()
    if not CORPUS.is_file():
        print(f"skipped: {CORPUS} is absent")
        return 0
    if not args.db.exists():
        summary = run([str(CORPUS)], load_config(db=str(args.db)), progress=False)
        print(f"ran {summary.inputs} articles: {summary.stored} stored, {summary.failed} failed", file=sys.stderr)
    with Store(args.db) as store:  # the clusters again when the fusion rules changed since the run
        fused = fuse(store, load_actors(), rebuild=args.refuse)
        print(f"fusion: {fused.new_events} events clustered again", file=sys.stderr)
    labels = {row["id"]: row.get("location") or "?" for row in map(json.loads, CORPUS.read_text(encoding="utf-8").splitlines())}
    with Store(args.db, read_only=True) as store:
        members = _members(store)
        sources = dict(store.con.execute("SELECT cluster_id, articles FROM clusters").fetchall())
    clusters: dict[str, list[dict[str, Any]]] = {}
    for member in members:
        clusters.setdefault(member["cluster_id"], []).append(member)
    # more than one source: distinct article texts (one text stored under two ids is one source)
    multi = {cid: ms for cid, ms in clusters.items() if (sources.get(cid) or 1) > 1}
    agree = sum(1 for ms in multi.values() if len({labels.get(m["article_id"]) for m in ms}) == 1)
    acled = sum(1 for m in members if m["event_type"])
    print(f"events {len(members)} ({acled} with an ACLED type) in {len(clusters)} clusters; "
          f"{len(multi)} clusters with more than one article ({len(multi) / max(1, len(clusters)):.3f})")
    print(f"multi-source clusters whose articles share the FA-KES place label: {agree}/{len(multi)} "
          f"({agree / max(1, len(multi)):.3f})")
    if args.review:
        rng = random.Random(args.seed)
        chosen = rng.sample(sorted(multi), min(args.sample, len(multi)))
        pairs = _look_alikes(members)
        chosen_pairs = rng.sample(pairs, min(args.sample, len(pairs)))
        lines = ["# Fusion review (judge each: one event? / should merge?)", "", "## Multi-source clusters", ""]
        for n, cid in enumerate(chosen, 1):
            lines.append(f"### cluster {n} ({cid})")
            lines.extend(_line(m, labels) for m in sorted(multi[cid], key=lambda m: m["article_id"]))
            lines.append("")
        lines += ["## Look-alike pairs left apart", ""]
        for n, (a, b) in enumerate(chosen_pairs, 1):
            lines += [f"### pair {n}", _line(a, labels), _line(b, labels), ""]
        args.review.write_text("\n".join(lines), encoding="utf-8")
        print(f"review: {len(chosen)} clusters and {len(chosen_pairs)} of {len(pairs)} look-alike pairs -> {args.review}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
