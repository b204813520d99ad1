"""Times on the TempEval-3 gold (TimeBank + AQUAINT), TempEval-3 scoring, against floors.

    .venv/bin/python bench/times_eval.py [--gold FILE] [--errors /tmp/times-errors.jsonl] [--no-gate]

Prints relaxed and strict span precision/recall/F1, value accuracy on relaxed matches, value F1, type
accuracy, and the stage's time per article next to the parse time. Exits 1 when a figure falls below
its floor (the gate). ``--errors`` writes every miss (missed, spurious, wrong span, wrong value) as
JSON lines for error analysis — keep such dumps out of the repository (e.g. in /tmp).
Targets (issue 4): relaxed span F1 ≥ 0.85, value accuracy ≥ 0.80.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

from eventwire.config import DEFAULT_MODEL
from eventwire.evaluate import read_gold
from eventwire.evaluate_times import evaluate_times
from eventwire.parse import load_model, parse_texts

DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data"
GOLD = DATA / "times" / "timebank-aquaint.jsonl"
FLOORS = {"relaxed_f1": 0.90, "value_accuracy": 0.80, "strict_f1": 0.82}
"""Pinned a little under the measured figures so that a regression, not noise, fails the gate."""


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--gold", type=Path, default=GOLD, help="a times gold file (JSON lines)")
    parser.add_argument("--errors", type=Path, help="write the misses here (JSON lines, outside the repo)")
    parser.add_argument("--model", default=DEFAULT_MODEL, help="spaCy pipeline")
    parser.add_argument("--no-gate", action="store_true", help="print the figures, never fail")
    args = parser.parse_args()
    nlp = load_model(args.model)
    texts = [row["text"] for row in read_gold(args.gold)]
    started = time.perf_counter()
    docs = list(parse_texts(nlp, texts))
    parse_ms = 1000 * (time.perf_counter() - started) / len(texts)
    result = evaluate_times(args.gold, nlp, keep_errors=bool(args.errors), docs=docs)
    for name in ("relaxed", "strict", "value"):
        row = result[name]
        print(f"{name + ' span' if name != 'value' else 'value':<13} P {row['precision']:.3f}  "
              f"R {row['recall']:.3f}  F1 {row['f1']:.3f}")
    print(f"value accuracy on relaxed matches {result['value_accuracy']:.3f}   "
          f"type accuracy {result['type_accuracy']:.3f}")
    print(f"gold {result['gold']}  predicted {result['predicted']}  articles {result['articles']}")
    stage_ms = result["times_ms_per_article"]
    print(f"times stage {stage_ms:.2f} ms/article, parse {parse_ms:.1f} ms/article "
          f"({100 * stage_ms / parse_ms:.1f} % of parse)")
    if args.errors:
        with args.errors.open("w", encoding="utf-8") as out:
            for error in result["errors"]:
                out.write(json.dumps(error, ensure_ascii=False) + "\n")
    figures = {"relaxed_f1": result["relaxed"]["f1"], "value_accuracy": result["value_accuracy"],
               "strict_f1": result["strict"]["f1"]}
    failed = [f"{name} {figures[name]:.3f} < floor {floor:.2f}" for name, floor in FLOORS.items()
              if figures[name] < floor]
    for line in failed:
        print(f"FAIL {line}", file=sys.stderr)
    return 1 if failed and not args.no_gate else 0


if __name__ == "__main__":
    sys.exit(main())
