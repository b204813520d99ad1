"""Gazetteer speed: build time (when the index is missing), load time, lookup rate, size on disk.

    python bench/gazetteer_speed.py [--path FILE] [--names N] [--rebuild]

Lookups run on a cold cache over N distinct names: place names drawn from the index (fixed seed), some
written as news text writes them (``al-`` prefix, hyphens, lower case), and names that match nothing.
Targets (issue 3): load ≤ 2 s, ≥ 20,000 names/s, index ≤ 150 MB.
"""

from __future__ import annotations

import argparse
import logging
import random
import sqlite3
import time
from pathlib import Path

from eventwire.gazetteer import Gazetteer
from eventwire.gazetteer.build import build, default_path

NEWS_NAMES = ["Syria", "Iraq", "Lebanon", "Beirut", "Anbar", "Deir ez-Zor", "Deir al-Zour", "Raqqa", "Mosul",
              "Baghdad", "Aleppo", "Idlib", "Hasakah", "Kobani", "Manbij", "the Sahel", "Mali", "Gao", "Kidal",
              "Mogadishu", "Tigray", "Khartoum", "El Fasher", "Gaza", "Rafah", "Kharkiv", "Bakhmut", "Donbas",
              "Washington", "London", "Paris", "Al-Baghuz Fawqani", "Kurdistan", "Erbil", "Sulaymaniyah"]


def sample_names(path: Path, count: int, seed: int = 3) -> list[str]:
    """Distinct, real-looking names: index entries, news-style variants, and misses."""
    rng = random.Random(seed)
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as connection:
        names = [name for (name,) in connection.execute("SELECT name FROM place WHERE id % 7 = 0")]
    rng.shuffle(names)
    picked: list[str] = list(NEWS_NAMES)
    for index, name in enumerate(names):
        if len(picked) >= count:
            break
        variant = index % 10
        if variant == 0:
            picked.append(f"al-{name}")
        elif variant == 1:
            picked.append(name.lower().replace(" ", "-"))
        elif variant == 2:
            picked.append(name[::-1].title())  # a miss, usually
        else:
            picked.append(name)
    return list(dict.fromkeys(picked))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--path", type=Path, default=None)
    parser.add_argument("--names", type=int, default=50_000)
    parser.add_argument("--rebuild", action="store_true")
    arguments = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    path = arguments.path or default_path()
    if arguments.rebuild or not path.exists():
        print(f"build: {build(path).seconds:.1f} s")
    started = time.perf_counter()
    gazetteer = Gazetteer.open(path)
    gazetteer.lookup("Syria")
    print(f"load: {time.perf_counter() - started:.3f} s  ({gazetteer.version})")
    names = sample_names(path, arguments.names)
    started = time.perf_counter()
    found = sum(1 for name in names if gazetteer.lookup(name))
    seconds = time.perf_counter() - started
    print(f"lookup: {len(names) / seconds:,.0f} names/s cold ({len(names):,} distinct names, {found:,} found)")
    started = time.perf_counter()
    for name in names:
        gazetteer.lookup(name)
    print(f"lookup: {len(names) / (time.perf_counter() - started):,.0f} names/s warm (same names again)")
    print(f"size: {path.stat().st_size / 1e6:.1f} MB  ({path})")


if __name__ == "__main__":
    main()
