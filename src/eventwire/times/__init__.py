"""Times: every time expression of an article as a :class:`TimeRef` with a TIMEX3 value, resolved
against the article's date.

* :mod:`eventwire.times.spans` — where the expressions are (parser entities cut to TIMEX3 spans, plus
  lexicon words) and the tense of the clause each sits in;
* :mod:`eventwire.times.values` — what each one means: a small grammar over canonical tokens
  (:mod:`eventwire.times.lexicon`, ``data/times.toml``), dateparser for written dates it does not
  know, calendar arithmetic in :mod:`eventwire.times.points`.

``TimeRef.precision`` says what kind of value it is:

=============  ===========================================  ============================
precision      value                                        TIMEX3 type
=============  ===========================================  ============================
``time``       ``2019-03-23T14:00``, ``2019-03-23TMO``      TIME
``day``        ``2019-03-23``                               DATE (ACLED time_precision 1)
``week``       ``2019-W12``, ``2019-W12-WE``                DATE (2)
``month``      ``2019-03``                                  DATE (3)
``season``     ``2019-SU``                                  DATE
``quarter``    ``2019-Q1``                                  DATE
``half``       ``2019-H1``                                  DATE
``year``       ``2019``                                     DATE
``decade``     ``201`` (the 2010s)                          DATE
``century``    ``20`` (the 2000s)                           DATE
``vague``      ``PAST_REF``, ``PRESENT_REF``, ``FUTURE_REF``  DATE
``duration``   ``P3M``, ``P4.5Y``, ``PT2H``, ``PXW``          DURATION
``set``        ``P1W`` (weekly), ``XXXX-WXX-2`` (Tuesdays)    SET
=============  ===========================================  ============================

A value that depends on the article's date is ``None`` when the date is unknown, and so is the value
of an expression the grammar cannot read (its span is still reported).
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from eventwire.records import TimeRef
from eventwire.times.spans import tense_of, time_spans
from eventwire.times.values import Context, Reading, interpret

if TYPE_CHECKING:
    from spacy.tokens import Doc

__all__ = ["PRECISIONS", "normalize_times", "timex_type"]

PRECISIONS = ("time", "day", "week", "month", "season", "quarter", "half", "year", "decade", "century",
              "vague", "duration", "set")
"""The values ``TimeRef.precision`` takes (see the table above)."""

_TYPES = {"time": "TIME", "duration": "DURATION", "set": "SET"}
_CALENDAR = frozenset({"time", "day", "week", "month", "season", "quarter", "half", "year", "decade",
                       "century"})
# two article dates far apart: a value that differs between them depends on the date
_PROBE_DATES = (dt.date(2001, 2, 14), dt.date(2012, 9, 3))


def timex_type(ref: TimeRef) -> str:
    """The TIMEX3 type (DATE, TIME, DURATION, SET) of a time reference, from its precision.

    >>> timex_type(TimeRef(text="three months", start=0, end=12, value="P3M", precision="duration"))
    'DURATION'
    """
    return _TYPES.get(ref.precision or "", "DATE")


def _article_date(published: str | dt.date | None) -> dt.date | None:
    if published is None or isinstance(published, dt.date):
        return published
    try:
        return dt.date.fromisoformat(published[:10])
    except ValueError:
        return None


def normalize_times(doc: Doc, published: str | dt.date | None) -> tuple[TimeRef, ...]:
    """Every time expression of a parsed article, normalized against its date.

    Args:
        doc: the article parsed by :func:`eventwire.parse.parse_texts` (offsets index its text).
        published: the article's date (DCT), ``YYYY-MM-DD`` or a date; ``None`` when unknown, and then
            values that depend on it are ``None``.

    Returns:
        One :class:`TimeRef` per expression, in text order, with ``value`` and ``precision`` (see the
        module docstring).

    >>> [(t.text, t.value) for t in normalize_times(nlp("He left on Saturday."), "2019-03-23")]
    ... # doctest: +SKIP
    [('Saturday', '2019-03-23')]
    """
    dct = _article_date(published)
    refs: list[TimeRef] = []
    last = None
    for span in time_spans(doc):
        tense = tense_of(span)
        reading: Reading | None
        if dct is not None:
            reading = interpret(span.text, Context(dct, tense, last))
        else:
            probes = [interpret(span.text, Context(day, tense)) for day in _PROBE_DATES]
            reading = probes[0] if probes[0] == probes[1] else None
        if reading is not None and reading.point is not None and reading.anchors and \
                reading.precision in _CALENDAR:
            last = reading.point
        refs.append(TimeRef(text=span.text, start=span.start_char, end=span.end_char,
                            value=reading.value if reading else None,
                            precision=reading.precision if reading else None))
    return tuple(refs)
