"""Events task: code the gold texts of ``../shared/data/events`` through the whole pipeline and score them.

Each gold record is one text (an ACLED coder's note, a CASE 2021 news snippet or a PLOVER sentence)
coding one event. The text goes through :func:`eventwire.pipeline.extract` as a document of its own
(dated with the record's ``date_anchor`` when it has one), and the prediction for the record is its
**main event**: the ACLED-typed event with the highest confidence, the first in the text on ties (for
PLOVER, the same among events with a PLOVER type). A record whose text yields no such event is
predicted "no event" and counts as wrong wherever gold has a label.

Figures, by gold file (the kind is recognised from the gold fields):

* **ACLED notes** (gold ``inter1``): ``event_type`` and ``sub_event_type`` accuracy over all records,
  sub-type macro-F1 over the gold sub-types (per-type F1 in ``sub_event_type_f1``) and the confusion
  matrix ``confusion[gold][predicted]`` (``"(none)"`` for no event); ``actor1_matched`` — the main
  event's actor 1 is gold actor 1 by :func:`eventwire.actors.same_actor` (name or alias);
  ``actor1_either`` — it is gold actor 1 or 2 (ACLED says actor order implies no direction);
  ``date_exact`` and ``date_within_precision`` (within the coarser of the gold and predicted
  time_precision: same day, ±3 days, ±15 days); ``fatalities_exact`` (``null`` ≠ 0: we never write 0 for
  "unknown", ACLED does), ``fatalities_exact_null_as_zero`` (ACLED's reading, in which 0 means "none
  reported") and ``fatalities_mae`` over records with a predicted count; ``country`` (the location's
  country code is the gazetteer's code of gold's country name — "Democratic Republic of Congo" is CD) and ``location_25km`` / ``location_161km`` (great-circle distance from
  gold's point), all over every record, a missing prediction counting as wrong.
* **CASE 2021** (gold ``in_acled_taxonomy``): ``sub_event_type`` and ``event_type`` accuracy on the
  in-taxonomy snippets (and their confusion matrix); ``out_of_taxonomy_no_event``: the share of the others
  left without an ACLED event.
* **PLOVER GSR** (gold ``ontology``): ``plover_type_accuracy`` with the gold's PLOVER 0.5 names read as
  the PLOVER 0.8 names eventwire codes (FIGHT → ASSAULT, DEMAND → REQUEST, DISAPPROVE and INVESTIGATE →
  ACCUSE, as the set's SOURCE notes say); ``plover_type_accuracy_fight_only`` renames FIGHT alone (a
  prediction of REQUEST or ACCUSE then counts as wrong).

>>> evaluate_events(Path("acled-dev.jsonl"), nlp, gazetteer)["sub_event_type_accuracy"]  # doctest: +SKIP
0.7
"""

from __future__ import annotations

import math
import time
from collections import Counter
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from eventwire.actors import ActorTable, load_actors, same_actor
from eventwire.config import Config
from eventwire.errors import EvaluationError
from eventwire.evaluate import prf, read_gold, share
from eventwire.events.dates import within_precision
from eventwire.records import Article, Document, Event, Source, event_to_json

if TYPE_CHECKING:
    from spacy.language import Language

    from eventwire.gazetteer import Gazetteer

__all__ = ["evaluate_events", "main_event"]

NONE = "(none)"
"""The confusion-matrix label of a record predicted to have no event."""
PLOVER_05_TO_08 = {"FIGHT": "ASSAULT"}
PLOVER_RENAMES_08 = {"FIGHT": "ASSAULT", "DEMAND": "REQUEST", "DISAPPROVE": "ACCUSE", "INVESTIGATE": "ACCUSE"}


def main_event(events: Sequence[Event], *, plover: bool = False) -> Event | None:
    """The event a one-event record is scored on: the highest-confidence event with an ACLED type (a
    PLOVER type with ``plover``), the first in the text on ties; ``None`` when there is none.

    >>> main_event([])  is None
    True
    """
    typed = [e for e in events if (e.plover_type if plover else e.event_type) is not None]
    if not typed:
        return None
    return min(typed, key=lambda e: (-e.confidence, e.trigger.start))


def _kind(rows: Sequence[dict[str, Any]], path: Path) -> str:
    gold = rows[0].get("gold") or {} if rows else {}
    if "inter1" in gold:
        return "acled"
    if "in_acled_taxonomy" in gold:
        return "case2021"
    if "ontology" in gold or "source_struct" in gold:
        return "plover"
    raise EvaluationError("not an events gold file: expected the ACLED, CASE 2021 or PLOVER rows of "
                          "../shared/data/events", where=str(path))


def _documents(path: Path, rows: Sequence[dict[str, Any]]) -> Iterator[Document]:
    for row in rows:
        yield Document(source=Source(path=f"{path}:{row.get('id')}", format="text"), content=row["text"],
                       doc_id=str(row.get("id")), date=row.get("date_anchor"))


def _km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    h = math.sin((p2 - p1) / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(math.radians(lon2 - lon1) / 2) ** 2
    return 2 * 6371.0 * math.asin(min(1.0, math.sqrt(h)))


class _Confusion:
    """Gold label × predicted label counts, with accuracy and per-label F1."""

    def __init__(self) -> None:
        self.pairs: Counter[tuple[str, str]] = Counter()

    def add(self, gold: str, predicted: str | None) -> None:
        self.pairs[(gold, predicted or NONE)] += 1

    def accuracy(self) -> float:
        return share(sum(n for (g, p), n in self.pairs.items() if g == p), sum(self.pairs.values()))

    def f1(self) -> dict[str, float]:
        labels = sorted({g for g, _ in self.pairs})
        scores: dict[str, float] = {}
        for label in labels:
            right = self.pairs[(label, label)]
            predicted = sum(n for (_, p), n in self.pairs.items() if p == label)
            gold = sum(n for (g, _), n in self.pairs.items() if g == label)
            scores[label] = prf(right, predicted, gold)["f1"]
        return scores

    def macro_f1(self) -> float:
        scores = self.f1()
        return round(sum(scores.values()) / len(scores), 4) if scores else 0.0

    def matrix(self) -> dict[str, dict[str, int]]:
        table: dict[str, dict[str, int]] = {}
        for (gold, predicted), n in sorted(self.pairs.items()):
            table.setdefault(gold, {})[predicted] = n
        return table


def _summary(event: Event | None) -> dict[str, Any] | None:
    if event is None:
        return None
    found = event_to_json(event)
    return {k: found[k] for k in ("event_type", "sub_event_type", "plover_type", "plover_mode", "date",
                                  "time_precision", "actor1", "actor2", "location", "fatalities", "trigger",
                                  "confidence", "rule")}


def country_code(name: str | None, gazetteer: Gazetteer) -> str | None:
    """The ISO code of a country name as ACLED writes it ("Democratic Republic of Congo": CD), by the
    gazetteer's country entries; ``None`` when it knows none."""
    if not name:
        return None
    for candidate in gazetteer.lookup(name):
        if candidate.kind == "country":
            return candidate.country_code
    return None


def _score_acled(rows: Sequence[dict[str, Any]], predicted: Sequence[Event | None], table: ActorTable,
                 gazetteer: Gazetteer, errors: list[dict[str, Any]] | None) -> dict[str, Any]:
    types, subs = _Confusion(), _Confusion()
    tally: Counter[str] = Counter()
    abs_errors: list[int] = []
    for row, event in zip(rows, predicted, strict=True):
        gold = row["gold"]
        misses: list[str] = []
        types.add(gold["event_type"], event.event_type if event else None)
        subs.add(gold["sub_event_type"], event.sub_event_type if event else None)
        if event is None or event.sub_event_type != gold["sub_event_type"]:
            misses.append("sub_event_type")
        actor1 = event.actor1.name if event is not None and event.actor1 is not None else None
        golds = [g for g in (gold.get("actor1"), gold.get("actor2")) if g]
        first = actor1 is not None and bool(gold.get("actor1")) and same_actor(actor1, gold["actor1"], table)
        tally["actor1"] += first
        tally["actor1_either"] += first or (actor1 is not None and any(same_actor(actor1, g, table) for g in golds))
        misses.extend([] if first else ["actor1"])
        date = event.date if event else None
        tally["date_exact"] += date == gold.get("date")
        precision = max(gold.get("time_precision") or 1, (event.time_precision if event else None) or 1)
        tally["date_within"] += within_precision(date, gold.get("date"), precision)
        misses.extend([] if date == gold.get("date") else ["date"])
        deaths = event.fatalities if event else None
        tally["fatalities"] += deaths == gold.get("fatalities")
        tally["fatalities_null_as_zero"] += (0 if deaths is None else deaths) == gold.get("fatalities")
        if deaths is not None and gold.get("fatalities") is not None:
            abs_errors.append(abs(deaths - gold["fatalities"]))
        misses.extend([] if deaths == gold.get("fatalities") else ["fatalities"])
        location = event.location if event else None
        place = gold.get("location") or {}
        country = location.country if location is not None else None
        gold_code = country_code(place.get("country"), gazetteer)
        right_country = location is not None and (
            location.country_code == gold_code if gold_code is not None and location.country_code
            else country is not None and country.lower() == str(place.get("country") or "").lower())
        tally["country"] += right_country
        misses.extend([] if right_country else ["country"])
        if location is not None and location.lat is not None and location.lon is not None \
                and place.get("lat") is not None and place.get("lon") is not None:
            km = _km(location.lat, location.lon, place["lat"], place["lon"])
            tally["km25"] += km <= 25
            tally["km161"] += km <= 161
            misses.extend([] if km <= 25 else ["location_25km"])
        else:
            misses.append("location_25km")
        if errors is not None and misses:
            errors.append({"id": row.get("id"), "misses": misses, "text": row["text"],
                           "gold": {k: gold.get(k) for k in ("event_type", "sub_event_type", "actor1", "actor2",
                                                             "date", "time_precision", "fatalities", "location")},
                           "got": _summary(event)})
    n = len(rows)
    return {
        "records": n,
        "no_event": sum(1 for e in predicted if e is None),
        "event_type_accuracy": round(types.accuracy(), 4),
        "sub_event_type_accuracy": round(subs.accuracy(), 4),
        "sub_event_type_macro_f1": subs.macro_f1(),
        "actor1_matched": round(share(tally["actor1"], n), 4),
        "actor1_either": round(share(tally["actor1_either"], n), 4),
        "date_exact": round(share(tally["date_exact"], n), 4),
        "date_within_precision": round(share(tally["date_within"], n), 4),
        "fatalities_exact": round(share(tally["fatalities"], n), 4),
        "fatalities_exact_null_as_zero": round(share(tally["fatalities_null_as_zero"], n), 4),
        "fatalities_mae": round(sum(abs_errors) / len(abs_errors), 3) if abs_errors else None,
        "fatalities_predicted": len(abs_errors),
        "country": round(share(tally["country"], n), 4),
        "location_25km": round(share(tally["km25"], n), 4),
        "location_161km": round(share(tally["km161"], n), 4),
        "sub_event_type_f1": subs.f1(),
        "confusion": subs.matrix(),
    }


def _score_case(rows: Sequence[dict[str, Any]], predicted: Sequence[Event | None],
                errors: list[dict[str, Any]] | None) -> dict[str, Any]:
    types, subs = _Confusion(), _Confusion()
    outside = left_out = 0
    for row, event in zip(rows, predicted, strict=True):
        gold = row["gold"]
        if gold.get("in_acled_taxonomy"):
            types.add(gold["event_type"], event.event_type if event else None)
            subs.add(gold["sub_event_type"], event.sub_event_type if event else None)
            wrong = event is None or event.sub_event_type != gold["sub_event_type"]
        else:
            outside += 1
            left_out += event is None
            wrong = event is not None
        if errors is not None and wrong:
            errors.append({"id": row.get("id"), "misses": ["sub_event_type"], "text": row["text"],
                           "gold": {"sub_event_type": gold.get("sub_event_type"),
                                    "case_label": gold.get("case_label")}, "got": _summary(event)})
    return {
        "records": len(rows), "in_taxonomy": sum(subs.pairs.values()), "out_of_taxonomy": outside,
        "sub_event_type_accuracy": round(subs.accuracy(), 4),
        "sub_event_type_macro_f1": subs.macro_f1(),
        "event_type_accuracy": round(types.accuracy(), 4),
        "out_of_taxonomy_no_event": round(share(left_out, outside), 4),
        "sub_event_type_f1": subs.f1(),
        "confusion": subs.matrix(),
    }


def _score_plover(rows: Sequence[dict[str, Any]], predicted: Sequence[Event | None],
                  errors: list[dict[str, Any]] | None) -> dict[str, Any]:
    strict, renamed = _Confusion(), _Confusion()
    for row, event in zip(rows, predicted, strict=True):
        gold = str(row["gold"]["event_type"])
        got = event.plover_type if event else None
        strict.add(PLOVER_05_TO_08.get(gold, gold), got)
        renamed.add(PLOVER_RENAMES_08.get(gold, gold), PLOVER_RENAMES_08.get(got, got) if got else None)
        if errors is not None and PLOVER_RENAMES_08.get(got or "", got) != PLOVER_RENAMES_08.get(gold, gold):
            errors.append({"id": row.get("id"), "misses": ["plover_type"], "text": row["text"],
                           "gold": {"plover_type": gold, "mode": row["gold"].get("mode")}, "got": _summary(event)})
    return {
        "records": len(rows),
        "plover_type_accuracy": round(renamed.accuracy(), 4),
        "plover_type_accuracy_fight_only": round(strict.accuracy(), 4),
        "plover_type_macro_f1": renamed.macro_f1(),
        "plover_type_f1": renamed.f1(),
        "confusion": renamed.matrix(),
    }


def code_gold(path: Path, rows: Sequence[dict[str, Any]], nlp: Language, gazetteer: Gazetteer, *,
              config: Config | None = None) -> list[Article | None]:
    """Each gold row's text through the whole pipeline: its article, or ``None`` when it was refused."""
    from eventwire.pipeline import extract

    found: dict[str, Article] = {}
    for item in extract(_documents(path, rows), config or Config(), nlp=nlp, gazetteer=gazetteer):
        if isinstance(item, Article):
            found[item.id] = item
    return [found.get(str(row.get("id"))) for row in rows]


def evaluate_events(gold_path: Path, nlp: Language, gazetteer: Gazetteer, *, config: Config | None = None,
                    keep_errors: bool = False, limit: int | None = None,
                    articles: Sequence[Article | None] | None = None) -> dict[str, Any]:
    """Code every text of an events gold file through the pipeline and score the main events.

    Args:
        gold_path: ``acled-dev.jsonl``, ``case2021-dev.jsonl`` or ``plover-gsr.jsonl`` (or a file of the
            same form); the kind is recognised from its gold fields.
        nlp: the spaCy pipeline.
        gazetteer: the place index.
        config: the configuration (the user's alias and trigger files; default: none).
        keep_errors: also return every record with a miss under ``errors``.
        limit: score the first N records only.
        articles: the records already coded by :func:`code_gold` (in file order), to score them again.

    Returns the figures of the module docstring, with ``dataset``, ``seconds`` (wall time of the coding)
    and ``articles_ms`` (wall ms per record, the whole pipeline).

    Raises :class:`EvaluationError` when the file is missing or not an events gold file.
    """
    rows = list(read_gold(gold_path))[:limit]
    kind = _kind(rows, gold_path)
    if any("text" not in row or "gold" not in row for row in rows):
        raise EvaluationError("not an events gold file: every line needs 'text' and 'gold'", where=str(gold_path))
    started = time.perf_counter()
    if articles is None:
        articles = code_gold(gold_path, rows, nlp, gazetteer, config=config)
    elif len(articles) != len(rows):
        raise EvaluationError(f"{len(articles)} coded articles for {len(rows)} gold records", where=str(gold_path))
    seconds = time.perf_counter() - started
    plover = kind == "plover"
    predicted = [main_event(a.events, plover=plover) if a is not None else None for a in articles]
    errors: list[dict[str, Any]] | None = [] if keep_errors else None
    if kind == "acled":
        table = load_actors((Path(config.actors),) if config is not None and config.actors else ())
        result = _score_acled(rows, predicted, table, gazetteer, errors)
    elif kind == "case2021":
        result = _score_case(rows, predicted, errors)
    else:
        result = _score_plover(rows, predicted, errors)
    result = {"dataset": kind, **result, "seconds": round(seconds, 1),
              "articles_ms": round(1000 * seconds / max(1, len(rows)), 1)}
    if errors is not None:
        result["errors"] = errors
    return result
