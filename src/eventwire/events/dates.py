"""The date of an event and its ACLED time_precision, from the time expressions of its sentence.

ACLED codes ``time_precision`` 1 when the report gives the day, 2 when it gives the week (or weekend), 3
when it gives only the month; a period known less precisely is coded at its middle. :func:`event_date`
follows that:

* the calendar time expression of the event's sentence nearest the trigger, in the trigger's own clause
  (the verb governing the time governs the trigger too): not the time of a side clause ("air raids
  have hit towns *where an attack took place on 19 September*", "the blast came *as troops executed 48
  people earlier this week*", a ceasefire *announced on Thursday*) — a day or clock time → the
  day, precision 1; a week → its Wednesday (a weekend → its Saturday), precision 2; a month → its 15th,
  precision 3. Times after the article's date are skipped (an event reported as done cannot be later
  than the report: "talks will resume on Monday" is not the day of the clash);
* otherwise the article's date (``published``) — the report is the only clue — with precision 2 when
  the sentence names no time, and 3 when it names one too vague to place ("in recent weeks", "this
  year"): a day only when the text pins the day;
* otherwise ``None`` (no date in the sentence, no article date).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from eventwire.records import TimeRef

if TYPE_CHECKING:
    from spacy.tokens import Token

__all__ = ["DAY", "MONTH", "WEEK", "EventDate", "event_date", "in_own_clause", "within_precision"]

DAY, WEEK, MONTH = 1, 2, 3
"""ACLED time_precision codes."""

_WEEK = re.compile(r"^(\d{4})-W(\d{2})(-WE)?$")
_MONTH = re.compile(r"^(\d{4})-(\d{2})$")
_PRECISION = {"time": DAY, "day": DAY, "week": WEEK, "month": MONTH}


@dataclass(frozen=True, slots=True)
class EventDate:
    """A date with its ACLED precision; ``pinned`` when the event's own sentence gave it."""

    date: str | None
    precision: int | None
    pinned: bool


def _calendar(ref: TimeRef) -> tuple[dt.date, int] | None:
    """The day a time reference stands for, ACLED style, and its precision; ``None`` when it is not a
    day, week or month.

    >>> _calendar(TimeRef(text="last week", start=0, end=9, value="2019-W12", precision="week"))
    (datetime.date(2019, 3, 20), 2)
    """
    precision = _PRECISION.get(ref.precision or "")
    if precision is None or ref.value is None:
        return None
    try:
        if precision == DAY:
            return dt.date.fromisoformat(ref.value[:10]), DAY
        if precision == WEEK:
            week = _WEEK.match(ref.value)
            if week is None:
                return None
            weekday = 6 if week.group(3) else 3
            return dt.date.fromisocalendar(int(week.group(1)), int(week.group(2)), weekday), WEEK
        month = _MONTH.match(ref.value)
        if month is None:
            return None
        return dt.date(int(month.group(1)), int(month.group(2)), 15), MONTH
    except ValueError:
        return None


def _published(published: str | None) -> dt.date | None:
    if not published:
        return None
    try:
        return dt.date.fromisoformat(published[:10])
    except ValueError:
        return None


_BOUNDARY_WORDS = frozenset({"since", "until", "till", "before", "from"})
"""Words that make a date the start or end of a period ("killed since 21 May"), not the event's day."""


def _bounds_a_period(text: str, ref: TimeRef) -> bool:
    words = text[max(0, ref.start - 12):ref.start].split()
    return bool(words) and words[-1].lower() in _BOUNDARY_WORDS


_VERBS = frozenset({"VERB", "AUX"})


def _governing_verb(token: Token) -> Token | None:
    """The nearest verb above ``token`` in the parse (``None`` in a fragment without one)."""
    current = token
    while current.head.i != current.i:
        current = current.head
        if current.pos_ in _VERBS:
            return current
    return None


def in_own_clause(ref: TimeRef, head: Token) -> bool:
    """Whether a time expression dates the trigger ``head``: the verb that governs the time is the
    trigger or governs it ("*killed* on Monday in an attack", "officials *said* on Monday that rebels
    attacked"), not a verb of a side clause that leaves the trigger out ("raids hit towns where an attack
    *took place* on 19 September"). Without a verb above the time (a headline fragment) it counts."""
    span = head.doc.char_span(ref.start, ref.end, alignment_mode="expand")
    if span is None:
        return True
    verb = _governing_verb(span.root)
    return verb is None or verb.i == head.i or any(above.i == verb.i for above in head.ancestors)


def _measures_a_thing(ref: TimeRef, head: Token) -> bool:
    """A duration that says how long a thing lasts ("a *48-hour* ceasefire", "a *two-day* offensive"): a
    modifier of a noun, not a time of the event."""
    if ref.precision != "duration":
        return False
    span = head.doc.char_span(ref.start, ref.end, alignment_mode="expand")
    return span is not None and span.root.dep_ in ("compound", "amod", "nmod", "nummod") \
        and span.root.head.pos_ in ("NOUN", "PROPN")


def event_date(times: Sequence[TimeRef], start: int, end: int, trigger: int,
               published: str | None, text: str = "", head: Token | None = None) -> EventDate:
    """The date and time_precision of an event whose sentence spans ``start:end``.

    Args:
        times: the article's time references (the times stage's output).
        start: where the event's sentence starts in the article text.
        end: where it ends.
        trigger: where the trigger starts (the nearest time expression to it wins).
        published: the article's date, ``YYYY-MM-DD``, or ``None``.
        text: the article text; a date right after "since", "until", "before" or "from" bounds a period
            ("359 civilians killed since Sept. 19") and is not taken as the event's day.
        head: the trigger's token in the parse; when given, only the times of its own clause date it
            (:func:`in_own_clause`), and a duration that measures a thing ("a 48-hour truce") is no time.

    >>> sat = TimeRef(text="Saturday", start=20, end=28, value="2019-03-23", precision="day")
    >>> event_date([sat], 0, 40, 10, "2019-03-24")
    EventDate(date='2019-03-23', precision=1, pinned=True)
    >>> event_date([], 0, 40, 10, "2019-03-24")
    EventDate(date='2019-03-24', precision=2, pinned=False)
    """
    article_day = _published(published)
    best: tuple[int, dt.date, int] | None = None
    vague = False
    for ref in times:
        if ref.start < start or ref.end > end:
            continue
        if head is not None and (not in_own_clause(ref, head) or _measures_a_thing(ref, head)):
            continue  # another clause's time, even a vague one, says nothing of this trigger's
        found = _calendar(ref)
        if found is None or (text and _bounds_a_period(text, ref)):
            vague = vague or ref.precision != "set"
            continue
        day, precision = found
        if article_day is not None and day > article_day and precision == DAY:
            continue
        distance = min(abs(ref.start - trigger), abs(ref.end - trigger))
        if best is None or distance < best[0]:
            best = (distance, day, precision)
    if best is not None:
        return EventDate(best[1].isoformat(), best[2], True)
    if article_day is None:
        return EventDate(None, None, False)
    return EventDate(article_day.isoformat(), MONTH if vague else WEEK, False)


def within_precision(predicted: str | None, gold: str | None, precision: int | None) -> bool:
    """Whether two ISO dates agree within a time_precision: the same day (1), within 3 days (2), within
    15 days (3) — the half-width of the period each precision codes at its middle.

    >>> within_precision("2022-01-12", "2022-01-10", 2), within_precision("2022-01-12", "2022-01-10", 1)
    (True, False)
    """
    if predicted is None or gold is None:
        return False
    try:
        gap = abs((dt.date.fromisoformat(predicted[:10]) - dt.date.fromisoformat(gold[:10])).days)
    except ValueError:
        return False
    return gap <= {DAY: 0, WEEK: 3, MONTH: 15}.get(precision or DAY, 0)
