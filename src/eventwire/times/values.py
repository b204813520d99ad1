"""The value of one time expression: TIMEX3 value and precision, resolved against the article's date.

:func:`interpret` reads the span's canonical tokens (:func:`eventwire.times.lexicon.canonical`) with a
small grammar — references, sets, clock times, calendar dates, relative days and units, offsets,
durations — and falls back on dateparser for the written dates the grammar does not know.

>>> dct = Context(dt.date(2019, 3, 23))
>>> interpret("Saturday", dct).value, interpret("last week", dct).value, interpret("on March 18", dct).value
('2019-03-23', '2019-W11', '2019-03-18')
>>> interpret("four and a half years", dct)
Reading(value='P4.5Y', precision='duration', point=None, anchors=True)
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

from eventwire.times.lexicon import canonical, lexicon
from eventwire.times.points import Point, weekday_near

__all__ = ["Context", "Reading", "interpret"]


@dataclass(frozen=True, slots=True)
class Context:
    """What a time expression is resolved against: the article's date (DCT), the tense of the clause it
    sits in (``past``, ``present`` or ``future``) and the latest calendar point the article named
    before it (for "a year earlier", "the next day", "the quarter")."""

    dct: dt.date
    tense: str = "past"
    last: Point | None = None


@dataclass(frozen=True, slots=True)
class Reading:
    """A normalized time expression: TIMEX3 ``value``, ``precision`` (see :mod:`eventwire.times`) and
    the calendar ``point`` it names, if any."""

    value: str
    precision: str
    point: Point | None = None
    anchors: bool = True
    """False for a point computed from an earlier one ("a year earlier"): later expressions are not
    resolved against it, so that offsets do not pile up."""


def _at(point: Point, anchors: bool = True) -> Reading:
    return Reading(point.value, point.precision, point, anchors)


_UNIT = r"(second|minute|hour|day|night|week|fortnight|month|quarter|year|decade|century|millennium)"
_NUM = r"#(\d+(?:\.\d+)?|X)"
_MODS = re.compile(
    r"^(?:about|around|approximately|roughly|nearly|almost|some|more than|less than|fewer than|at least|"
    r"at most|up to|over|under|close to|no more than|as many as|as much as|upwards of|well over|just over|"
    r"just under|only|just|barely|a good part of|the better part of|much of|all of|most of|part of|"
    r"each of|the end of|the beginning of|the start of|the middle of|the rest of|the remainder of|"
    r"the close of|the turn of|the first part of|the latter part of|the early part of|the late|the early|"
    r"the mid|late|early|mid|earlier|later|"
    r"sometime|some time|as early as|as late as|by|in|on|at|since|until|from|of|a|an|its|their|his|her|"
    r"our) (?=\S)")
_TAILS = re.compile(r" (?:or so|and beyond|or later|or earlier|or more|or less|alone|ended|ending|old)$")
_GRANULARITY_RANK = {name: rank for rank, name in enumerate(("day", "week", "month", "season", "quarter",
                                                            "half", "year", "decade", "century"))}
_WEEK_UNITS = {"day": "day", "night": "day", "week": "week", "weekend": "week", "month": "month",
               "quarter": "quarter", "year": "year", "decade": "decade", "century": "century"}
_TIME_UNIT = {"second": "S", "minute": "M", "hour": "H"}
_BACK = ("last", "the last", "past", "the past", "previous", "the previous", "the preceding")
_AHEAD = ("next", "the next", "coming", "the coming", "following", "the following", "upcoming")
_NOW = ("this", "the current", "current", "the present", "the", "this current", "that", "the same")
_DURATION_WORDS = (r"(?:(?:the|past|last|next|coming|first|latest|previous|following|final|initial|@o\d|"
                   r"remaining|entire|whole|full|additional|other|another|recent|preceding|ensuing|"
                   r"subsequent|succeeding|intervening) )*")


TENSE_WEIGHT = 2.0
"""How much farther a date on the side the tense contradicts may be and still be chosen."""


def _year_for(month: int, context: Context, day: int = 15) -> int:
    """The year of a month (and day) named without one: of the article's year and its neighbours, the
    one that puts the date nearest to the article's date, a date on the side the clause's tense
    contradicts (the future in a past-tense clause) counting ``TENSE_WEIGHT`` times as far."""
    dct = context.dct

    def distance(year: int) -> float:
        try:
            days = (dt.date(year, month, day) - dct).days
        except ValueError:
            days = (dt.date(year, month, 28) - dct).days
        if context.tense == "past" and days > 0 or context.tense == "future" and days < 0:
            return abs(days) * TENSE_WEIGHT
        return abs(days)

    return min((dct.year, dct.year - 1, dct.year + 1), key=distance)


def _direction(word: str | None, context: Context) -> int:
    if word in _BACK:
        return -1
    if word in _AHEAD:
        return 1
    if word in ("this", "the current", "current", "the present"):
        return 0
    return 1 if context.tense == "future" else -1


def _duration(amount: str, unit: str) -> str:
    """``P3M``, ``PT2H``, ``P4.5Y``, ``PXW`` from an amount and a unit word."""
    code = lexicon().units.get(unit, "")
    if unit in _TIME_UNIT:
        return f"PT{amount}{_TIME_UNIT[unit]}"
    multiple = re.fullmatch(r"(\d+)([A-Z]+)", code)
    if multiple:
        factor, code = int(multiple.group(1)), multiple.group(2)
        if amount != "X":
            amount = f"{float(amount) * factor:g}"
    return f"P{amount}{code}"


@lru_cache(maxsize=1)
def _references() -> dict[str, str]:
    return {canonical(phrase): value for phrase, value in lexicon().references.items()}


def _reference(text: str, context: Context) -> Reading | None:
    value = _references().get(text)
    if value:
        return Reading(value, "vague")
    recent = re.fullmatch(r"(?:the )?(?:most )?recent " + _UNIT + "s", text)
    if recent:
        return Reading(_duration("X", recent.group(1)), "duration")
    if re.fullmatch(r"(?:the last|the past|past|the previous|previous)(?: #X)? " + _UNIT + "s", text):
        return Reading("PAST_REF", "vague")
    coming = re.fullmatch(r"(?:the )?(?:coming|upcoming|next|following) " + _UNIT + r"s|the " + _UNIT + "s ahead",
                          text)
    if coming:
        return Reading(_duration("X", coming.group(1) or coming.group(2)), "duration")
    if re.fullmatch(r"#X " + _UNIT + "s ago", text):
        return Reading("PAST_REF", "vague")
    return None


def _set(text: str, context: Context) -> Reading | None:
    value = lexicon().sets.get(text)
    if value:
        return Reading(value, "set")
    every = re.fullmatch(r"(?:every|each|per|once|twice|#\S+ times) (?:(other) |" + _NUM + r" )?" + _UNIT, text)
    if every:
        amount = "2" if every.group(1) else every.group(2) or "1"
        if text.startswith(("once", "twice", "#")):
            amount = "1"
        return Reading(_duration(amount, every.group(3)), "set")
    weekday = re.fullmatch(r"(?:(?:every|each|on) )?@w(s?)(\d)(?: @ps?(\w+))?", text)
    if weekday and (weekday.group(1) or "@ps" in text or not text.startswith("@")):
        part = f"T{weekday.group(3)}" if weekday.group(3) else ""
        return Reading(f"XXXX-WXX-{weekday.group(2)}{part}", "set")
    month = re.fullmatch(r"(?:every|each) @m(\d\d)", text)
    if month:
        return Reading(f"XXXX-{month.group(1)}", "set")
    return None


def _clock(text: str, context: Context) -> Reading | None:
    """A clock time or a part of the day, on the day the rest of the span names (else the DCT)."""
    clock = re.search(r"#(\d{1,2})(?::(\d\d))? ?(am|pm)?(?: (?:[a-z]{2,3}t|gmt|utc|local time))?(?= |$)"
                      r"|@t(T[\d:]+)|#(\d{1,2})(?::(\d\d))? o clock|@ps?(\w+)", text)
    if clock is None:
        return None
    hour_text, minute, meridian, fixed, oclock, oclock_minute, part = clock.groups()
    if hour_text and not meridian and not re.search(r":\d\d", text[clock.start():clock.end()]):
        return None
    rest = (text[:clock.start()] + " " + text[clock.end():]).strip()
    rest = re.sub(r"^(?:in the|the|this|that|in|on|of|at)\b ?|(?: ?\b(?:in the|the|of|on|at))+$", "", rest).strip()
    if rest in ("last", "yesterday"):
        day = Point.of(context.dct, "day").shift(-1, "day")
    elif rest in ("", "today", "this", "tonight"):
        day = Point.of(context.dct, "day")
        if rest == "" and context.last is not None and context.last.precision == "day" and \
                (not part or text.startswith(("the", "that"))):
            day = context.last  # "at 10 p.m.", "that evening": on the day the story last named
    else:
        inner = interpret_canonical(rest, context)
        if inner is None or inner.point is None or inner.point.precision != "day":
            return inner
        day = inner.point
    if part:
        return Reading(f"{day.value}T{part}", "time", day)
    if fixed:
        return Reading(f"{day.value}{fixed}", "time", day)
    hour = int(hour_text or oclock)
    minutes = minute or oclock_minute or "00"
    if meridian == "pm" and hour < 12:
        hour += 12
    elif meridian == "am" and hour == 12:
        hour = 0
    if hour > 24 or int(minutes) > 59:
        return None
    return Reading(f"{day.value}T{hour:02d}:{minutes}", "time", day)


def _calendar(text: str, context: Context) -> Reading | None:
    """Dates written with the calendar's words: days, months, years, decades, centuries, seasons."""
    match = re.fullmatch(r"@ymd(\d{4})-(\d\d)-(\d\d)|#(\d{4}) #(\d{1,2}) #(\d{1,2})", text)
    if match:
        parts = [int(p) for p in match.groups() if p]
        return _day(parts[0], parts[1], parts[2])
    match = re.fullmatch(r"(?:(?:last|this|next|coming|this coming|the) )?(?:@w\d )?(?:@m(\d\d) [#@o]+(\d{1,2})"
                         r"(?: #(\d{4}))?(?: @w\d)?|(?:the )?[#@o]+(\d{1,2}) (?:of )?@m(\d\d)(?: #(\d{4}))?)"
                         r"(?: (?:and|or|to|through) #\d{1,2})?", text)
    if match:
        month = int(match.group(1) or match.group(5))
        day = int(match.group(2) or match.group(4))
        year_text = match.group(3) or match.group(6)
        year = int(year_text) if year_text else _year_for(month, context, day)
        if not year_text and text.startswith("last ") and (month, day) >= (context.dct.month, context.dct.day):
            year = context.dct.year - 1
        elif not year_text and text.startswith("next ") and (month, day) <= (context.dct.month, context.dct.day):
            year = context.dct.year + 1
        return _day(year, month, day)
    match = re.fullmatch(r"(?:(this|last|next|past|coming|the following|the past|the coming|that) )?@m(\d\d)"
                         r"(?: (?:of )?#(\d{4})| (this|last|next) year)?", text)
    if match:
        word, month, year_text, relative_year = match.group(1), int(match.group(2)), match.group(3), match.group(4)
        if year_text:
            year = int(year_text)
        elif relative_year:
            year = context.dct.year + {"this": 0, "last": -1, "next": 1}[relative_year]
        elif word in ("last", "past", "the past"):
            year = context.dct.year - (month >= context.dct.month)
        elif word in ("next", "coming", "the following", "the coming"):
            year = context.dct.year + (month <= context.dct.month)
        elif word == "this":
            year = context.dct.year
        else:
            year = _year_for(month, context)
        return _at(Point(dt.date(year, month, 1), "month"))
    match = re.fullmatch(r"(?:the )?(?:(?:fiscal|calendar|year|the year|model year|school year) )?#(\d{4})"
                         r"(?: #\d{2,4})?(?: (?:fiscal )?year)?", text)
    if match and 1000 <= int(match.group(1)) <= 2200:
        return _at(Point(dt.date(int(match.group(1)), 1, 1), "year"))
    match = re.fullmatch(r"(?:the )?@dec(\d{3})", text)
    if match:
        return _at(Point(dt.date(int(match.group(1)) * 10, 1, 1), "decade"))
    match = re.fullmatch(r"(?:the )?#(\d{4}) (quarter|period)", text)
    if match:
        year = int(match.group(1))
        if context.last is not None and context.last.precision == "quarter":
            return _at(Point(dt.date(year, context.last.start.month, 1), "quarter"))
        return _at(Point(dt.date(year, 1, 1), "year"))
    match = re.fullmatch(r"(?:the )?week of (.+)", text)
    if match:
        inner = interpret_canonical(match.group(1), context)
        if inner is not None and inner.point is not None and inner.point.precision == "day":
            return _at(inner.point.coarsen("week"))
    match = re.fullmatch(r"(?:the )?#(\d{1,2}) century", text)
    if match and int(match.group(1)) >= 2:
        return _at(Point(dt.date((int(match.group(1)) - 1) * 100, 1, 1), "century"))
    match = re.fullmatch(r"(?:the )?#(\d{2})00s", text)
    if match:
        return _at(Point(dt.date(int(match.group(1)) * 100, 1, 1), "century"))
    match = re.fullmatch(r"(?:(this|last|next|past|the past|coming|the coming|the|that) )?@s(\w\w)"
                         r"(?: (?:of )?#(\d{4}))?", text)
    if match:
        word, season, year_text = match.groups()
        point = Point.of(context.dct, "season", season)
        if year_text:
            return _at(Point.of(dt.date(int(year_text), 7, 1), "season", season).shift(0, "season"))
        current = Point.of(context.dct, "season")
        if word in ("last", "past", "the past") and point.start >= current.start:
            point = point.shift(-1, "season")
        elif word in ("next", "coming", "the coming") and point.start <= current.start or word in (None, "the") and context.tense == "future" and point.start < current.start:
            point = point.shift(1, "season")
        elif word in (None, "the") and context.tense == "past" and point.start > current.start:
            point = point.shift(-1, "season")
        return _at(point)
    holiday = lexicon().holidays.get(text.removeprefix("this ").removeprefix("last ").removeprefix("next "))
    if holiday:
        month, day = holiday
        return _day(_year_for(month, context, day), month, day)
    return None


def _day(year: int, month: int, day: int) -> Reading | None:
    try:
        return _at(Point(dt.date(year, month, day), "day"))
    except ValueError:
        return None


def _relative(text: str, context: Context) -> Reading | None:
    """Days, weekdays and calendar units named from the article's date: yesterday, last Friday, next
    month, this year, the third quarter."""
    today = Point.of(context.dct, "day")
    simple = {"today": 0, "yesterday": -1, "tomorrow": 1, "the day before yesterday": -2,
              "the day after tomorrow": 2, "this day": 0}
    if text in simple:
        return _at(today.shift(simple[text], "day"))
    last_day = context.last if context.last is not None and context.last.precision == "day" else None
    anaphoric = {"that day": 0, "the same day": 0, "that same day": 0, "the next day": 1,
                 "the following day": 1, "the day after": 1, "the previous day": -1, "the day before": -1,
                 "the preceding day": -1, "the next @pMO": 1, "the day": 0}
    if text in anaphoric:
        return _at((last_day or today).shift(anaphoric[text], "day"))
    match = re.fullmatch(r"(?:(last|this|next|coming|past|the following|the previous|that|the) )?@w(\d)", text)
    if match:
        word, weekday = match.group(1), int(match.group(2))
        if word in ("last", "past", "the previous"):
            day = weekday_near(context.dct - dt.timedelta(days=1), weekday, -1)
        elif word in ("next", "coming", "the following"):
            day = weekday_near(context.dct + dt.timedelta(days=1), weekday, 1)
        else:
            day = weekday_near(context.dct, weekday, 1 if context.tense == "future" else -1)
        return _at(Point(day, "day"))
    if text in ("year end", "the year end"):
        return _at(Point.of(context.dct, "year"))
    match = re.fullmatch(r"(?:(this|the current|current|the present|last|the last|past|the past|previous|"
                         r"the previous|the preceding|next|the next|coming|the coming|following|"
                         r"the following|upcoming|the upcoming|that|the same|the|the latest|latest|"
                         r"the most recent|most recent) )?(?:fiscal |calendar )?"
                         r"(week|weekend|month|quarter|year|decade|century)", text)
    if match:
        return _unit(match.group(1), match.group(2), context)
    match = re.fullmatch(r"(?:the )?(?:(?:fiscal|#\d{4}|this year|last year|next year) )?(?:fiscal )?"
                         r"(?:@o(\d)|last|final) (?:fiscal )?(quarter|half)(?: (?:of )?(?:fiscal )?(#\d{4}|this year|"
                         r"last year|next year|the year|the fiscal year))?", text)
    if match:
        ordinal = int(match.group(1)) if match.group(1) else -1
        return _ordinal_period(ordinal, match.group(2), match.group(3) or text, context)
    return None


_ANAPHORIC = {"the following": 1, "the next": 1, "the previous": -1, "the preceding": -1, "that": 0,
              "the same": 0}


def _unit(word: str | None, unit: str, context: Context) -> Reading | None:
    granularity = _WEEK_UNITS[unit]
    current = Point.of(context.dct, granularity)
    last = context.last
    if word in _BACK and unit in ("decade", "century"):  # "the past decade": the last ten years
        return Reading(_duration("1", unit), "duration")
    if word in _ANAPHORIC and unit != "weekend" and last is not None and \
            _GRANULARITY_RANK[last.precision] <= _GRANULARITY_RANK[granularity]:
        return _at(last.coarsen(granularity).shift(_ANAPHORIC[word], granularity), anchors=False)
    if word in _BACK:
        offset = -1
    elif word in _AHEAD:
        offset = 1
    else:
        offset = 0
        if unit == "quarter" and word in (None, "the", "that", "the same", "the latest", "latest",
                                          "the most recent", "most recent"):
            if last is not None and last.precision == "quarter" and last.start.year == context.dct.year:
                return _at(last)
            offset = -1  # "the quarter" of a results report is the one just closed
    point = current.shift(offset, granularity)
    if unit == "weekend":
        saturday = weekday_near(context.dct, 6, 1 if offset > 0 or context.tense == "future" else -1)
        if offset < 0:
            saturday -= dt.timedelta(weeks=1) if context.dct.isoweekday() in (6, 7) else dt.timedelta(0)
        return Reading(f"{Point.of(saturday, 'week').value}-WE", "week", Point.of(saturday, "week"))
    return _at(point)


def _ordinal_period(ordinal: int, unit: str, year_text: str, context: Context) -> Reading:
    year_match = re.search(r"#(\d{4})", year_text)
    if year_match:
        year = int(year_match.group(1))
    elif "last year" in year_text:
        year = context.dct.year - 1
    elif "next year" in year_text:
        year = context.dct.year + 1
    else:
        year = 0
    count = 4 if unit == "quarter" else 2
    if ordinal < 0:
        if not year:
            return _unit("last", "quarter", context) or _at(Point.of(context.dct, "quarter"))
        ordinal = count
    ordinal = min(ordinal, count)
    months = 3 if unit == "quarter" else 6
    if not year:
        year = _year_for(ordinal * months, context, 28)  # a quarter is named once it is over
    return _at(Point(dt.date(year, (ordinal - 1) * months + 1, 1), unit))


def _offset(text: str, context: Context) -> Reading | None:
    """"two weeks ago", "a year earlier", "the year-ago quarter"."""
    match = re.fullmatch(_NUM + " " + _UNIT + r"s? (ago|earlier|before|from now|hence|since)", text)
    if match:
        amount, unit, direction = match.groups()
        if amount == "X" or "." in amount or unit not in _WEEK_UNITS:
            return Reading("PAST_REF" if direction in ("ago", "earlier", "before") else "FUTURE_REF", "vague")
        sign = 1 if direction in ("from now", "hence") else -1
        step = "year" if unit in ("decade", "century") else _WEEK_UNITS[unit]
        anchor = _anchor(context, direction, step)
        if anchor is None or _GRANULARITY_RANK[anchor.precision] > _GRANULARITY_RANK[step]:
            anchor = Point.of(context.dct, step)
        elif unit != "year":
            anchor = anchor.coarsen(step)
        factor = {"decade": 10, "century": 100}.get(unit, 1)
        point = anchor.shift(sign * int(amount) * factor, step)
        return _at(point.coarsen("year") if unit in ("decade", "century") else point, anchors=False)
    match = re.fullmatch(r"(?:the )?(?:comparable |corresponding |same |previous )?(?:#1 )?year "
                         r"(ago|earlier)(?: (quarter|period|month|week|@o\d quarter|#\d+ months?))?"
                         r"|(?:the )?(?:same |corresponding |comparable )?(quarter|period) (?:#1 year ago|"
                         r"last year|of last year|#1 year earlier)|last year (quarter)", text)
    if match:
        direction = match.group(1) or "ago"
        noun = match.group(2) or match.group(3) or match.group(4) or ""
        anchor = _anchor(context, direction, "year") or Point.of(context.dct, "year")
        if "quarter" in noun:
            anchor = anchor.coarsen("quarter") if anchor.precision in ("day", "week", "month") else \
                anchor if anchor.precision == "quarter" else Point.of(context.dct, "quarter").shift(-1, "quarter")
        elif noun == "period" and anchor.precision in ("day", "week"):
            anchor = anchor.coarsen("quarter")
        return _at(anchor.shift(-1, "year"), anchors=False)
    return None


def _anchor(context: Context, direction: str, step: str) -> Point | None:
    """What an offset counts from: the article's latest point for "earlier"/"before", and for "ago" too
    when that point lies in the article's own year (a results report's quarter), else nothing."""
    last = context.last
    if last is None:
        return None
    if direction in ("earlier", "before"):
        return last
    if direction == "ago" and last.start.year == context.dct.year and step == "year" and \
            last.precision in ("month", "quarter", "half"):
        return last
    return None


def _span_of_time(text: str, context: Context) -> Reading | None:
    """Durations: "three months", "the past 20 years", "16-hour", "weeks or months", "decades"."""
    match = re.fullmatch(_DURATION_WORDS + _NUM + r"(?: (?:to|or|and|-) #[\d.]+)? (?:more |additional |"
                         r"straight |consecutive |full |long |successive |solid |trading |business |working |"
                         r"calendar |school )?" + _UNIT + r"s?(?: .*)?", text)
    if match:
        amount, unit = match.groups()
        if amount != "X" and float(amount) >= 1000 and unit != "year":
            return None
        return Reading(_duration(amount, unit), "duration")
    match = re.fullmatch(_DURATION_WORDS + r"(?:many |more )?" + _UNIT + r"s(?: (?:or|and) " + _UNIT + r"s)?",
                         text)
    if match:
        return Reading(_duration("X", match.group(1)), "duration")
    match = re.fullmatch(r"(?:the )?(?:first |past |last |latest |next )?#X " + _UNIT + "s", text)
    if match:
        return Reading(_duration("X", match.group(1)), "duration")
    return None


_RULES: tuple[Callable[[str, Context], Reading | None], ...] = (
    _reference, _set, _calendar, _relative, _offset, _clock, _span_of_time)


def interpret_canonical(text: str, context: Context) -> Reading | None:
    """The reading of a span already in canonical tokens, or ``None``."""
    previous = None
    text = text.replace("this past ", "past ")
    while previous != text:
        previous = text
        text = _MODS.sub("", text, count=1)
        text = _TAILS.sub("", text)
    for rule in _RULES:
        reading = rule(text, context)
        if reading is not None:
            return reading
    return None


def interpret(text: str, context: Context) -> Reading | None:
    """The TIMEX3 reading of one time expression ``text``, or ``None`` when it cannot be read.

    >>> interpret("three months after", Context(dt.date(2019, 3, 23))).value
    'P3M'
    """
    canonical_text = canonical(text)
    try:
        reading = interpret_canonical(canonical_text, context)
        if reading is None and re.search(r"@m|@ymd|#\d{4}", canonical_text):
            reading = _dateparser(text, context)
    except (ValueError, OverflowError):  # a date outside the calendar ("5000 years ago"): no value
        return None
    return reading


def _dateparser(text: str, context: Context) -> Reading | None:
    """dateparser on the span alone (never on free text), relative to the article's date."""
    import dateparser

    settings = {"RELATIVE_BASE": dt.datetime.combine(context.dct, dt.time()),
                "PREFER_DATES_FROM": "past" if context.tense == "past" else "current_period",
                "RETURN_TIME_AS_PERIOD": True, "REQUIRE_PARTS": ["year"]}
    data = dateparser.date.DateDataParser(languages=["en"], settings=settings).get_date_data(text)
    if data.date_obj is None or str(data.date_obj.year) not in text:
        return None
    day = data.date_obj.date()
    period = data.period if data.period in ("day", "week", "month", "year") else "day"
    return _at(Point.of(day, period))


__all__ += ["interpret_canonical"]
