"""Scores against the gold sets in ``../shared/data`` (``eventwire eval GOLD --task …``).

Clean task: token-level precision/recall/F1 of the extracted body against the gold ``body`` (bag of
lower-cased word tokens, micro-averaged over documents and also reported as the mean per document), and
title exact match after whitespace normalisation. A gold file whose rows carry ``html_file`` is read as
HTML from the folder beside it with the file's stem as name; otherwise the row's ``text`` is plain text.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from eventwire.clean import clean
from eventwire.errors import EvaluationError
from eventwire.records import Cleaned, Document, Source

_TOKEN = re.compile(r"\w+", re.UNICODE)
_SPACE = re.compile(r"\s+")


def tokens(text: str) -> list[str]:
    """Lower-cased word tokens, the unit of the body scores."""
    return [t.lower() for t in _TOKEN.findall(text)]


def token_overlap(predicted: str, gold: str) -> tuple[int, int, int]:
    """(shared tokens, predicted tokens, gold tokens), counting repeated tokens as often as both have them."""
    p, g = Counter(tokens(predicted)), Counter(tokens(gold))
    return sum((p & g).values()), sum(p.values()), sum(g.values())


def normalize_title(title: str | None) -> str:
    return _SPACE.sub(" ", title or "").strip()


def body_text(cleaned: Cleaned) -> str:
    """The body sections of a cleaned article, joined: what the body score compares with gold."""
    return "\n".join(cleaned.text[s.start:s.end] for s in cleaned.sections if s.kind == "body")


@dataclass(frozen=True, slots=True, kw_only=True)
class CleanScore:
    documents: int
    precision: float
    recall: float
    f1: float
    mean_f1: float
    title_exact: float
    headline_exact: float
    titled_documents: int

    def as_dict(self) -> dict[str, float | int]:
        return {"documents": self.documents, "body_precision": round(self.precision, 4),
                "body_recall": round(self.recall, 4), "body_f1": round(self.f1, 4),
                "body_mean_f1": round(self.mean_f1, 4), "title_exact": round(self.title_exact, 4),
                "headline_exact": round(self.headline_exact, 4),
                "titled_documents": self.titled_documents}


def precision_recall_f1(shared: int, predicted: int, gold: int) -> tuple[float, float, float]:
    """Precision, recall and F1 of ``shared`` items out of ``predicted`` and ``gold`` (0.0 when undefined)."""
    precision = share(shared, predicted)
    recall = share(shared, gold)
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


def prf(matched: int, predicted: int, gold: int) -> dict[str, float]:
    """``{"precision", "recall", "f1"}`` rounded to 4 places, as the scores print them.

    >>> prf(3, 4, 6)
    {'precision': 0.75, 'recall': 0.5, 'f1': 0.6}
    """
    precision, recall, f1 = precision_recall_f1(matched, predicted, gold)
    return {"precision": round(precision, 4), "recall": round(recall, 4), "f1": round(f1, 4)}


def share(count: int, total: int) -> float:
    """``count / total``, 0.0 for an empty total."""
    return count / total if total else 0.0


def match_spans(gold: Sequence[tuple[int, int]], predicted: Sequence[tuple[int, int]]) -> dict[int, int]:
    """One-to-one matching of overlapping spans, ``{gold index: predicted index}``: identical spans first,
    then the largest overlap (the places, times and whole-path scores share it).

    >>> match_spans([(0, 5), (10, 20)], [(12, 15), (0, 5), (30, 31)])
    {0: 1, 1: 0}
    """
    pairs: list[tuple[int, int, int, int]] = []
    for gold_index, (gold_start, gold_end) in enumerate(gold):
        for predicted_index, (start, end) in enumerate(predicted):
            overlap = min(gold_end, end) - max(gold_start, start)
            if overlap > 0:
                exact = int((start, end) == (gold_start, gold_end))
                pairs.append((-exact, -overlap, gold_index, predicted_index))
    matches: dict[int, int] = {}
    used: set[int] = set()
    for _, _, gold_index, predicted_index in sorted(pairs):
        if gold_index not in matches and predicted_index not in used:
            matches[gold_index] = predicted_index
            used.add(predicted_index)
    return dict(sorted(matches.items()))


def read_gold(path: Path) -> Iterator[dict[str, Any]]:
    """Rows of a gold JSONL file; a broken line is an :class:`EvaluationError` naming the line."""
    if not path.is_file():
        raise EvaluationError("gold file not found; the development sets live in ../shared/data",
                              where=str(path))
    with path.open(encoding="utf-8") as handle:
        for number, line in enumerate(handle, 1):
            if line.strip():
                try:
                    yield json.loads(line)
                except json.JSONDecodeError as exc:
                    raise EvaluationError(f"not JSON ({exc.msg})", where=f"{path}:{number}") from exc


def gold_documents(path: Path) -> Iterator[tuple[dict[str, Any], Document]]:
    """Each gold row with the :class:`Document` that eventwire would ingest for it."""
    html_dir = path.with_suffix("")
    for row in read_gold(path):
        if row.get("html_file"):
            html_path = html_dir / row["html_file"]
            content = html_path.read_text(encoding="utf-8", errors="replace")
            yield row, Document(source=Source(path=str(html_path), url=row.get("url"), format="html"),
                                content=content, is_html=True, doc_id=row.get("id"))
        else:
            yield row, Document(source=Source(path=f"{path}:{row.get('id')}", format="text"),
                                content=row["text"], doc_id=row.get("id"))


def score_clean(pairs: Iterable[tuple[dict[str, Any], Cleaned]]) -> CleanScore:
    """Score cleaned documents against their gold rows (``body`` and ``title``)."""
    shared = predicted = gold = 0
    per_doc: list[float] = []
    titles_right = headlines_right = titled = documents = 0
    for row, cleaned in pairs:
        documents += 1
        s, p, g = token_overlap(body_text(cleaned), row.get("body") or "")
        shared, predicted, gold = shared + s, predicted + p, gold + g
        per_doc.append(precision_recall_f1(s, p, g)[2])
        if row.get("title"):
            titled += 1
            titles_right += normalize_title(cleaned.title) == normalize_title(row["title"])
            headlines_right += normalize_title(cleaned.title) == normalize_title(row["title"].strip().split("\n")[0])
    if not documents:
        raise EvaluationError("the gold file holds no documents")
    precision, recall, f1 = precision_recall_f1(shared, predicted, gold)
    return CleanScore(documents=documents, precision=precision, recall=recall, f1=f1,
                      mean_f1=sum(per_doc) / len(per_doc), title_exact=titles_right / titled if titled else 0.0,
                      headline_exact=headlines_right / titled if titled else 0.0,
                      titled_documents=titled)


def evaluate_clean(path: Path) -> CleanScore:
    """Clean every document of a gold file and score it.

    >>> evaluate_clean(Path("../shared/data/clean/l3s-gn1-dev.jsonl")).f1  # doctest: +SKIP
    0.8...
    """
    return score_clean((row, clean(doc)) for row, doc in gold_documents(path))
