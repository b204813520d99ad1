"""Times task: find and normalize the time expressions of gold articles, scored TempEval-3 style.

Gold files are JSON lines, one article per line: ``text``, ``dct`` (the article's date, ``YYYY-MM-DD``)
and ``timexes``, each with ``start``, ``end``, ``text``, ``type`` and ``value`` (TIMEX3).
Scores (TempEval-3 Task A): spans are matched one to one — *relaxed* when they overlap, *strict* when
they are identical — and give precision, recall and F1; *value accuracy* is the share of relaxed
matches whose value equals the gold value, and *value F1* is the F1 of correct values (accuracy × relaxed
F1). *Type accuracy* compares the TIMEX3 type implied by the precision (see :mod:`eventwire.times`).

>>> evaluate_times(Path("timebank-aquaint.jsonl"), nlp)["relaxed"]["f1"]  # doctest: +SKIP
0.88
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from eventwire.errors import EvaluationError
from eventwire.evaluate import match_spans, prf, read_gold, share
from eventwire.parse import parse_texts
from eventwire.records import TimeRef
from eventwire.times import normalize_times, timex_type

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc

__all__ = ["Normalizer", "TimesScore", "evaluate_times", "match_spans", "score_times"]

Normalizer = Callable[["Doc", str | None], Sequence[TimeRef]]
"""What is evaluated: a parsed article and its date in, its time references out."""


@dataclass(slots=True)
class TimesScore:
    """Counts over a gold set; :meth:`as_dict` turns them into the figures."""

    gold: int = 0
    predicted: int = 0
    relaxed: int = 0
    strict: int = 0
    value_correct: int = 0
    type_correct: int = 0
    errors: list[dict[str, Any]] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {"gold": self.gold, "predicted": self.predicted,
                "relaxed": prf(self.relaxed, self.predicted, self.gold),
                "strict": prf(self.strict, self.predicted, self.gold),
                "value": prf(self.value_correct, self.predicted, self.gold),
                "value_accuracy": round(share(self.value_correct, self.relaxed), 4),
                "type_accuracy": round(share(self.type_correct, self.relaxed), 4)}


def score_times(rows: Iterable[tuple[dict[str, Any], Sequence[TimeRef]]], *,
                keep_errors: bool = False) -> TimesScore:
    """Score predicted time references against gold rows (each with ``timexes``)."""
    score = TimesScore()
    for row, times in rows:
        timexes = row["timexes"]
        score.gold += len(timexes)
        score.predicted += len(times)
        matches = match_spans([(t["start"], t["end"]) for t in timexes], [(t.start, t.end) for t in times])
        for gold_index, timex in enumerate(timexes):
            predicted_index = matches.get(gold_index)
            found = times[predicted_index] if predicted_index is not None else None
            if found is None:
                if keep_errors:
                    score.errors.append(_error("missed", row, timex, None))
                continue
            score.relaxed += 1
            score.strict += (found.start, found.end) == (timex["start"], timex["end"])
            score.value_correct += found.value == timex["value"]
            score.type_correct += timex_type(found) == timex["type"]
            if keep_errors and (found.value != timex["value"]
                                or (found.start, found.end) != (timex["start"], timex["end"])):
                kind = "value" if found.value != timex["value"] else "span"
                score.errors.append(_error(kind, row, timex, found))
        if keep_errors:
            matched = set(matches.values())
            score.errors.extend(_error("spurious", row, None, found) for index, found in enumerate(times)
                                if index not in matched)
    return score


def _error(kind: str, row: dict[str, Any], timex: dict[str, Any] | None,
           found: TimeRef | None) -> dict[str, Any]:
    text: str = row["text"]
    anchor = timex["start"] if timex is not None else found.start if found is not None else 0
    sentence_start = max(text.rfind(". ", 0, anchor), text.rfind("\n", 0, anchor)) + 1
    sentence_end = min([i for i in (text.find(". ", anchor), text.find("\n", anchor)) if i >= 0] or [len(text)])
    return {"kind": kind, "article": row.get("id"), "dct": row.get("dct"),
            "gold": None if timex is None else {k: timex[k] for k in ("text", "type", "value", "start", "end")},
            "got": None if found is None else {"text": found.text, "value": found.value,
                                               "precision": found.precision, "type": timex_type(found),
                                               "start": found.start, "end": found.end},
            "context": text[sentence_start:sentence_end + 1].strip()}


def evaluate_times(gold_path: Path, nlp: Language, *, keep_errors: bool = False,
                   docs: Sequence[Doc] | None = None, normalizer: Normalizer = normalize_times) -> dict[str, Any]:
    """Parse each gold article, normalize its times against its ``dct`` and score them.

    Returns the figures (``relaxed``, ``strict`` and ``value`` precision/recall/F1, ``value_accuracy``,
    ``type_accuracy``, counts), the stage's own time in ms per article (``times_ms_per_article``, parse
    excluded) and, with ``keep_errors``, every miss under ``errors``. ``docs`` may hold the articles
    already parsed (in file order), to score without parsing again; ``normalizer`` replaces
    :func:`normalize_times`, to score a baseline the same way. Raises :class:`EvaluationError`
    when the file is missing, malformed or holds no timexes.
    """
    rows = list(read_gold(gold_path))
    if not rows or any("timexes" not in row or "text" not in row for row in rows):
        raise EvaluationError("not a times gold file: every line needs 'text' and 'timexes'",
                              where=str(gold_path))
    parsed = list(docs) if docs is not None else list(parse_texts(nlp, [row["text"] for row in rows]))
    started = time.perf_counter()
    predictions = [normalizer(doc, row.get("dct")) for row, doc in zip(rows, parsed, strict=True)]
    elapsed = time.perf_counter() - started
    score = score_times(zip(rows, predictions, strict=True), keep_errors=keep_errors)
    result = score.as_dict()
    result["articles"] = len(rows)
    result["times_ms_per_article"] = round(1000 * elapsed / len(rows), 3)
    if keep_errors:
        result["errors"] = score.errors
    return result
