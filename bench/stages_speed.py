"""CPU time of each extract stage against the parse, in one process, on the same articles.

    .venv/bin/python bench/stages_speed.py [--corpus FILE] [--limit N]

Cleans and parses the first N articles of the corpus (default: 600 of the BBC corpus in ../shared/data),
then times places, times, amounts, quotes, checks, actors and events on every parsed article, and prints
milliseconds of CPU per article and the share of the parse. CPU time (not wall time) keeps the ratio
honest on a busy machine. Targets: times + quotes + amounts + checks ≤ 10 % of the parse (issue 4);
actors + events ≤ 10 % of the parse (issue 5).
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from eventwire.actors import find_actors, load_actors
from eventwire.amounts import quantify
from eventwire.checks import check
from eventwire.config import DEFAULT_MODEL, Config
from eventwire.events import code_events
from eventwire.events.triggers import load_lexicon
from eventwire.ingest import ingest
from eventwire.parse import load_model, parse_texts
from eventwire.pipeline import open_gazetteer, to_article
from eventwire.places import locate
from eventwire.quotes import attribute
from eventwire.records import Article, Document, Extractor
from eventwire.times import normalize_times

DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=DATA / "corpus" / "bbc.jsonl")
    parser.add_argument("--limit", type=int, default=600)
    args = parser.parse_args()
    nlp = load_model(DEFAULT_MODEL)
    extractor = Extractor(version="bench", model=DEFAULT_MODEL, gazetteer=None)
    documents = [d for d in ingest([str(args.corpus)]) if isinstance(d, Document)][:args.limit]
    articles: list[Article] = [to_article(d, extractor) for d in documents]
    began = time.process_time()
    docs = list(parse_texts(nlp, [a.text for a in articles], batch_size=Config().batch_size))
    parse_ms = 1000 * (time.process_time() - began) / len(docs)
    words = sum(len(doc) for doc in docs)
    table, lexicon = load_actors(), load_lexicon()  # loaded once, as the pipeline does, not timed
    with open_gazetteer(Config()) as gazetteer:
        found: dict[str, list[Any]] = {}
        stages: dict[str, Callable[[int], object]] = {
            "places": lambda i: locate(docs[i], gazetteer),
            "times": lambda i: normalize_times(docs[i], articles[i].published),
            "amounts": lambda i: quantify(docs[i]),
            "quotes": lambda i: attribute(docs[i]),
            "checks": lambda i: check(docs[i], sections=articles[i].sections, amounts=found["amounts"][i],
                                      times=found["times"][i], published=articles[i].published),
            "actors": lambda i: find_actors(docs[i], table, places=found["places"][i]),
            "events": lambda i: code_events(docs[i], actors=found["actors"][i], places=found["places"][i],
                                            times=found["times"][i], amounts=found["amounts"][i],
                                            sections=articles[i].sections, published=articles[i].published,
                                            lexicon=lexicon),
        }
        print(f"{len(docs)} articles, {words / len(docs):.0f} tokens each; parse {parse_ms:.1f} ms CPU per article")
        print(f"{'stage':<8} {'ms/article':>10} {'% of parse':>10}")
        issue4 = issue5 = 0.0
        for name, stage in stages.items():
            began = time.process_time()
            found[name] = [stage(i) for i in range(len(docs))]
            ms = 1000 * (time.process_time() - began) / len(docs)
            if name in ("actors", "events"):
                issue5 += ms
            elif name != "places":
                issue4 += ms
            print(f"{name:<8} {ms:>10.2f} {100 * ms / parse_ms:>9.1f}%")
        print(f"times + amounts + quotes + checks: {issue4:.2f} ms, {100 * issue4 / parse_ms:.1f}% of the parse "
              f"(target ≤ 10%)")
        print(f"actors + events: {issue5:.2f} ms, {100 * issue5 / parse_ms:.1f}% of the parse (target ≤ 10%)")


if __name__ == "__main__":
    main()
