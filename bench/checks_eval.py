"""False flags of the checks stage on a corpus of consistent articles, and what it flags on the seed.

    .venv/bin/python bench/checks_eval.py [--corpus FILE] [--show]

Runs cleaning, parsing, amounts, times and checks on every article of the corpus (default: the Wikinews
development corpus, ../shared/data/corpus/wikinews.jsonl) and prints flags per article by code; every
flag there is a false flag unless inspection shows the article really contradicts itself (``--show``
prints each with its context). Target (issue 4): fewer than 1 flag per 20 articles; the script exits 1
above that (the gate), unless ``--no-gate``.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import Counter
from pathlib import Path

from eventwire.amounts import quantify
from eventwire.checks import check
from eventwire.config import DEFAULT_MODEL, Config
from eventwire.ingest import ingest
from eventwire.parse import load_model, parse_texts
from eventwire.pipeline import extract
from eventwire.records import Article
from eventwire.times import normalize_times

GATE = 0.05
"""Flags per article on consistent text at which the bench fails."""
DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=DATA / "corpus" / "wikinews.jsonl")
    parser.add_argument("--show", action="store_true", help="print every flag with its context")
    parser.add_argument("--no-gate", action="store_true", help="exit 0 whatever the rate")
    args = parser.parse_args()
    nlp = load_model(DEFAULT_MODEL)
    articles = [a for a in extract(ingest([str(args.corpus)]), Config(), nlp=nlp) if isinstance(a, Article)]
    codes: Counter[str] = Counter()
    seconds = 0.0
    for article, doc in zip(articles, parse_texts(nlp, [a.text for a in articles]), strict=True):
        began = time.perf_counter()
        flags = check(doc, sections=article.sections, amounts=quantify(doc),
                      times=normalize_times(doc, article.published), published=article.published)
        seconds += time.perf_counter() - began
        for flag in flags:
            codes[flag.code] += 1
            if args.show:
                start, end = flag.spans[0]
                context = article.text[max(0, start - 60):end + 60].replace("\n", " ")
                print(f"{article.id} {flag.code}: {flag.message}\n    …{context}…")
    total = sum(codes.values())
    print(f"{len(articles)} articles, {total} flags ({total / max(1, len(articles)):.3f} per article); "
          f"by code: {dict(codes)}; amounts+times+checks {1000 * seconds / max(1, len(articles)):.1f} ms/article")
    if not args.no_gate and total / max(1, len(articles)) >= GATE:
        print(f"GATE: {total / max(1, len(articles)):.3f} flags per article, at or above {GATE}", file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main()
