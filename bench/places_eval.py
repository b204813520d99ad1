"""Places on the development sets: resolution with gold spans given, and the whole path (finding and
resolving), each against a baseline.

    EVENTWIRE_CACHE=/tmp/gzdev .venv/bin/python bench/places_eval.py [--data DIR] [--errors FILE]

Resolution rows: share within 161 km and 25 km, accuracy at GeoNames id, names resolved per second (after
load; the first article of each set also fills the lookup cache), for the population-only baseline and
eventwire. Whole-path rows: place-span precision, recall and F1 (overlap, one to one) and the share of
found gold places within 161 km, for the model's GPE/LOC/FAC entities alone and eventwire's finder;
names/s is the finder alone (names found per second of :func:`~eventwire.places.find`, parse excluded).
Targets (issue 3): resolution ≥ 0.85 within 161 km on GeoVirus and ≥ 0.80 on GeoWebNews literal names;
whole path F1 ≥ 0.75 and ≥ 0.80 of found places within 161 km on both sets.
``--errors`` writes every miss of the resolver and of the whole path as JSON lines, for error analysis.
The script exits 1 when a figure falls under its floor in ``FLOORS`` (just under the last measured
figures, so a regression fails it), unless ``--no-gate``.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from typing import Any

from eventwire.config import DEFAULT_MODEL
from eventwire.evaluate_places import (
    evaluate_resolution,
    evaluate_whole_path,
    locate_entities_only,
    read_articles,
    resolve_by_population,
)
from eventwire.gazetteer import Gazetteer
from eventwire.parse import load_model, parse_texts
from eventwire.places import find, resolve
from gate import under_floors, write_jsonl

DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data"
SETS = {"geovirus": "places/geovirus.jsonl", "geowebnews": "places/geowebnews.jsonl"}


def finding_speed(path: Path, gazetteer: Gazetteer, nlp: Any) -> int:
    """Names found per second by :func:`find` on the parsed articles of a gold file (parse not timed)."""
    docs = list(parse_texts(nlp, [str(article["text"]) for article in read_articles(path)]))
    began = time.process_time()
    names = sum(len(find(doc, gazetteer)) for doc in docs)
    return round(names / (time.process_time() - began))


# (set, subset, figure) -> floor; figures as measured on 2026-11-25 (after the nearby-place fallback,
# area centroids, containment and doubt rules) minus ~0.01.
FLOORS = {("geovirus", "all", "resolution"): 0.85, ("geowebnews", "literal", "resolution"): 0.80,
          ("geovirus", "all", "f1"): 0.92, ("geowebnews", "literal", "f1"): 0.79,
          ("geovirus", "all", "found within 161 km"): 0.83, ("geowebnews", "literal", "found within 161 km"): 0.845,
          ("geowebnews", "all", "resolver names/s"): 20_000}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DATA, help="the shared data directory")
    parser.add_argument("--errors", type=Path, help="write the misses here (JSON lines)")
    parser.add_argument("--model", default=DEFAULT_MODEL, help="spaCy pipeline for the whole path")
    parser.add_argument("--no-gate", action="store_true", help="exit 0 whatever the figures")
    args = parser.parse_args()
    measured: dict[tuple[str, str, str], float] = {}
    gazetteer = Gazetteer.open()
    nlp = load_model(args.model)
    misses: list[dict[str, Any]] = []
    header = f"{'set':<11} {'subset':<8} {'resolver':<11} {'n':>5} {'≤161km':>7} {'≤25km':>7} {'id acc':>7} " \
             f"{'names/s':>8}"
    print("Resolution, gold spans given")
    print(header)
    print("-" * len(header))
    for label, relative in SETS.items():
        path = args.data / relative
        for resolver_name, resolver in (("population", resolve_by_population), ("eventwire", resolve)):
            result = evaluate_resolution(path, gazetteer, resolver, keep_errors=resolver is resolve)
            for subset in ("all", "literal"):
                if subset not in result:
                    continue
                row = result[subset]
                ids = f"{row['geonameid_accuracy']:.3f}" if row["with_geonameid"] else "-"
                print(f"{label:<11} {subset:<8} {resolver_name:<11} {row['toponyms']:>5} "
                      f"{row['within_161km']:>7.3f} {row['within_25km']:>7.3f} {ids:>7} "
                      f"{result['names_per_second']:>8}")
                if resolver is resolve:
                    measured[(label, subset, "resolution")] = row["within_161km"]
                    measured[(label, subset, "resolver names/s")] = result["names_per_second"]
                if resolver is resolve and subset == "all":
                    misses.extend({"set": label, "path": "resolution", **error} for error in row["errors"])
    header = f"{'set':<11} {'subset':<8} {'finder':<14} {'gold':>5} {'found':>6} {'P':>6} {'R':>6} {'F1':>6} " \
             f"{'≤161km':>7} {'names/s':>8}"
    print("\nWhole path: finding and resolving")
    print(header)
    print("-" * len(header))
    for label, relative in SETS.items():
        path = args.data / relative
        speed = finding_speed(path, gazetteer, nlp)
        for finder_name, locator in (("entities only", locate_entities_only), ("eventwire", None)):
            result = evaluate_whole_path(path, gazetteer, nlp, locator, keep_errors=locator is None)
            for subset in ("all", "literal"):
                if subset not in result:
                    continue
                row = result[subset]
                print(f"{label:<11} {subset:<8} {finder_name:<14} {row['gold']:>5} {row['predicted']:>6} "
                      f"{row['precision']:>6.3f} {row['recall']:>6.3f} {row['f1']:>6.3f} "
                      f"{row['within_161km']:>7.3f} {speed if locator is None else '':>8}")
                if locator is None:
                    measured[(label, subset, "f1")] = row["f1"]
                    measured[(label, subset, "found within 161 km")] = row["within_161km"]
                if locator is None:
                    misses.extend({"set": label, "path": f"whole {subset}", **error} for error in row["errors"])
    if args.errors:
        write_jsonl(args.errors, misses)
    if under_floors(measured, FLOORS) and not args.no_gate:
        sys.exit(1)


if __name__ == "__main__":
    main()
