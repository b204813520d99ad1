"""Place resolution with gold spans given, on the development sets, against a population-only baseline.

    EVENTWIRE_CACHE=/tmp/gzdev .venv/bin/python bench/places_eval.py [--data DIR] [--errors FILE]

Prints one row per (set, subset, resolver): share within 161 km and 25 km, accuracy at GeoNames id and
names resolved per second (after load; the first article of each set also fills the lookup cache).
Targets (issue 3): ≥ 0.85 within 161 km on GeoVirus, ≥ 0.80 on GeoWebNews literal names.
``--errors`` writes every miss of the full resolver as JSON lines, for error analysis.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from eventwire.evaluate_places import evaluate_resolution, resolve_by_population
from eventwire.gazetteer import Gazetteer
from eventwire.places import resolve

DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data"
SETS = {"geovirus": "places/geovirus.jsonl", "geowebnews": "places/geowebnews.jsonl"}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DATA, help="the shared data directory")
    parser.add_argument("--errors", type=Path, help="write the resolver's misses here (JSON lines)")
    args = parser.parse_args()
    gazetteer = Gazetteer.open()
    header = f"{'set':<11} {'subset':<8} {'resolver':<11} {'n':>5} {'≤161km':>7} {'≤25km':>7} {'id acc':>7} " \
             f"{'names/s':>8}"
    print(header)
    print("-" * len(header))
    misses: list[dict[str, Any]] = []
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
                if resolver is resolve and subset == "all":
                    misses.extend({"set": label, **error} for error in row["errors"])
    if args.errors:
        with args.errors.open("w", encoding="utf-8") as out:
            for miss in misses:
                out.write(json.dumps(miss, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()
