"""The floor for bench/speed.py: bare spaCy ``nlp.pipe`` over the same articles, nothing else.

Usage: python bench/bare_spacy.py CORPUS.jsonl --model NAME --n-process N [--limit N]
"""

from __future__ import annotations

import argparse
import json

import spacy


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("corpus")
    parser.add_argument("--model", required=True)
    parser.add_argument("--n-process", type=int, default=1)
    parser.add_argument("--batch-size", type=int, default=64)
    parser.add_argument("--limit", type=int)
    args = parser.parse_args()
    with open(args.corpus, encoding="utf-8") as handle:
        texts = [json.loads(line)["text"] for line in handle if line.strip()][: args.limit]
    nlp = spacy.load(args.model)
    tokens = sum(len(doc) for doc in nlp.pipe(texts, n_process=args.n_process, batch_size=args.batch_size))
    print(json.dumps({"docs": len(texts), "tokens": tokens}))


if __name__ == "__main__":
    main()
