"""Quotes task: find the attributions of gold articles and their sources, scored PolNeAR style.

Gold files are JSON lines, one article per line: ``text`` and ``quotes``, each with ``quote_start``,
``quote_end``, ``speaker_start``/``speaker_end`` (null when the attribution has no source), ``cue``
and ``type`` (``direct``, ``mixed`` or ``indirect``).

Scores, for the direct and mixed quotes (gold ``type`` and our ``Quote.kind`` in direct/mixed) and for
all attributions including indirect:

* **span** precision/recall/F1: a predicted and a gold span match when their word tokens overlap by at
  least half of *each* span's tokens (so neither a fragment nor a span swallowing a whole paragraph
  matches); spans are matched one to one, best overlap first;
* **speaker accuracy**: on matched quotes whose gold attribution has a source, the share whose
  predicted source mention overlaps the gold source span.

>>> evaluate_quotes(Path("polnear-train-dev.jsonl"), nlp)["direct_mixed"]["f1"]  # doctest: +SKIP
0.86
"""

from __future__ import annotations

import re
import time
from bisect import bisect_left
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from eventwire.errors import EvaluationError
from eventwire.evaluate import prf, read_gold, share
from eventwire.parse import parse_texts
from eventwire.quotes import attribute
from eventwire.records import Quote

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc

__all__ = ["QuotesScore", "evaluate_quotes", "match_quotes", "score_quotes"]

_WORD = re.compile(r"\w+")
_QUOTED_KINDS = ("direct", "mixed")


class _Words:
    """Word-token positions of a text, to count the tokens a span covers."""

    def __init__(self, text: str) -> None:
        self.starts = [m.start() for m in _WORD.finditer(text)]

    def range(self, start: int, end: int) -> range:
        return range(bisect_left(self.starts, start), bisect_left(self.starts, end))


def match_quotes(words: _Words, gold: Sequence[tuple[int, int]],
                 predicted: Sequence[tuple[int, int]]) -> dict[int, int]:
    """One-to-one matching, gold index → predicted index, of spans whose word overlap is at least half
    of each span; the largest overlap share first."""
    gold_ranges = [words.range(s, e) for s, e in gold]
    predicted_ranges = [words.range(s, e) for s, e in predicted]
    pairs: list[tuple[float, int, int]] = []
    for gold_index, g in enumerate(gold_ranges):
        for predicted_index, p in enumerate(predicted_ranges):
            overlap = min(g.stop, p.stop) - max(g.start, p.start)
            if overlap <= 0:
                continue
            share = overlap / max(len(g), len(p))
            if share >= 0.5:
                pairs.append((-share, gold_index, predicted_index))
    matches: dict[int, int] = {}
    used: set[int] = set()
    for _, gold_index, predicted_index in sorted(pairs):
        if gold_index not in matches and predicted_index not in used:
            matches[gold_index] = predicted_index
            used.add(predicted_index)
    return matches


@dataclass(slots=True)
class _Tally:
    gold: int = 0
    predicted: int = 0
    matched: int = 0
    with_speaker: int = 0
    speaker_correct: int = 0

    def as_dict(self) -> dict[str, Any]:
        return {"gold": self.gold, "predicted": self.predicted, "matched": self.matched,
                **prf(self.matched, self.predicted, self.gold),
                "speaker_accuracy": round(share(self.speaker_correct, self.with_speaker), 4),
                "speaker_judged": self.with_speaker}


@dataclass(slots=True)
class QuotesScore:
    """Counts over a gold set; :meth:`as_dict` turns them into the figures."""

    direct_mixed: _Tally = field(default_factory=_Tally)
    all: _Tally = field(default_factory=_Tally)
    errors: list[dict[str, Any]] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {"direct_mixed": self.direct_mixed.as_dict(), "all": self.all.as_dict()}


def _speaker_overlaps(gold: dict[str, Any], found: Quote) -> bool:
    if found.speaker_start is None or found.speaker_end is None:
        return False
    return bool(found.speaker_start < gold["speaker_end"] and gold["speaker_start"] < found.speaker_end)


def _score(tally: _Tally, row: dict[str, Any], words: _Words, gold: list[dict[str, Any]],
           predicted: Sequence[Quote], subset: str, errors: list[dict[str, Any]] | None) -> None:
    tally.gold += len(gold)
    tally.predicted += len(predicted)
    matches = match_quotes(words, [(q["quote_start"], q["quote_end"]) for q in gold],
                           [(q.start, q.end) for q in predicted])
    tally.matched += len(matches)
    for gold_index, quote in enumerate(gold):
        predicted_index = matches.get(gold_index)
        found = predicted[predicted_index] if predicted_index is not None else None
        if found is not None and quote.get("speaker_start") is not None:
            tally.with_speaker += 1
            if _speaker_overlaps(quote, found):
                tally.speaker_correct += 1
            elif errors is not None:
                errors.append(_error("speaker", subset, row, quote, found))
        elif found is None and errors is not None:
            errors.append(_error("missed", subset, row, quote, None))
    if errors is not None:
        matched = set(matches.values())
        errors.extend(_error("spurious", subset, row, None, q) for i, q in enumerate(predicted) if i not in matched)


def score_quotes(rows: Sequence[dict[str, Any]], predictions: Sequence[Sequence[Quote]], *,
                 keep_errors: bool = False) -> QuotesScore:
    """Score predicted quotes against gold rows (each with ``text`` and ``quotes``)."""
    score = QuotesScore()
    errors = score.errors if keep_errors else None
    for row, quotes in zip(rows, predictions, strict=True):
        words = _Words(row["text"])
        gold = row["quotes"]
        _score(score.all, row, words, gold, quotes, "all", errors)
        _score(score.direct_mixed, row, words, [q for q in gold if q.get("type") in _QUOTED_KINDS],
               [q for q in quotes if q.kind in _QUOTED_KINDS], "direct_mixed", errors)
    return score


def _error(kind: str, subset: str, row: dict[str, Any], gold: dict[str, Any] | None,
           found: Quote | None) -> dict[str, Any]:
    text: str = row["text"]
    anchor = gold["quote_start"] if gold is not None else found.start if found is not None else 0
    context_start = text.rfind("\n", 0, max(0, anchor - 1)) + 1
    return {"kind": kind, "subset": subset, "article": row.get("id"),
            "gold": None if gold is None else {k: gold.get(k) for k in ("quote", "speaker", "cue", "type",
                                                                         "quote_start", "quote_end")},
            "got": None if found is None else {"text": found.text, "speaker": found.speaker,
                                               "mention": None if found.speaker_start is None
                                               else text[found.speaker_start:found.speaker_end],
                                               "cue": found.cue, "kind": found.kind, "start": found.start,
                                               "end": found.end},
            "context": text[context_start:anchor + 400]}


def evaluate_quotes(gold_path: Path, nlp: Language, *, keep_errors: bool = False, limit: int | None = None,
                    docs: Sequence[Doc] | None = None) -> dict[str, Any]:
    """Parse each gold article, find its attributions and score them.

    Returns the figures under ``direct_mixed`` and ``all`` (span precision/recall/F1, speaker accuracy,
    counts), the number of ``articles``, the stage's own time in ms per article
    (``quotes_ms_per_article``, parse excluded) and, with ``keep_errors``, every miss under ``errors``.
    ``limit`` scores the first N articles only; ``docs`` may hold them already parsed (in file order).
    Raises :class:`EvaluationError` when the file is missing or is not a quotes gold file.
    """
    rows = list(read_gold(gold_path))[:limit]
    if not rows or any("quotes" not in row or "text" not in row for row in rows):
        raise EvaluationError("not a quotes gold file: every line needs 'text' and 'quotes'",
                              where=str(gold_path))
    parsed = list(docs) if docs is not None else list(parse_texts(nlp, [row["text"] for row in rows]))
    started = time.perf_counter()
    predictions = [attribute(doc) for doc in parsed]
    elapsed = time.perf_counter() - started
    score = score_quotes(rows, predictions, keep_errors=keep_errors)
    result = score.as_dict()
    result["articles"] = len(rows)
    result["quotes_ms_per_article"] = round(1000 * elapsed / len(rows), 3)
    if keep_errors:
        result["errors"] = score.errors
    return result
