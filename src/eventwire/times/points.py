"""Calendar points at a granularity, shifted and written as TIMEX3 values.

A :class:`Point` is the first day of a calendar period (a day, an ISO week, a month, a quarter…) with
the granularity it was named at, so that "a year before the third quarter of 1989" stays a quarter:

>>> Point(dt.date(1989, 7, 1), "quarter").shift(-1, "year").value
'1988-Q3'
>>> Point(dt.date(2019, 3, 23), "day").coarsen("week").value
'2019-W12'
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

__all__ = ["GRANULARITIES", "Point", "add_months", "weekday_near"]

GRANULARITIES = ("day", "week", "month", "season", "quarter", "half", "year", "decade", "century")
"""From the finest to the coarsest; a point's ``precision`` is one of these."""

_SEASON_MONTH = {"SP": 3, "SU": 6, "FA": 9, "WI": 12}
_MONTHS_OF = {"month": 1, "season": 3, "quarter": 3, "half": 6, "year": 12, "decade": 120, "century": 1200}


def add_months(day: dt.date, months: int) -> dt.date:
    """``day`` moved by whole months, clipped to the end of a shorter month.

    >>> add_months(dt.date(2019, 3, 31), -1)
    datetime.date(2019, 2, 28)
    """
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    for last in (31, 30, 29, 28):
        try:
            return dt.date(year, month, min(day.day, last))
        except ValueError:
            continue
    raise ValueError(f"no day in {year}-{month}")  # pragma: no cover - every month has 28 days


def weekday_near(anchor: dt.date, weekday: int, direction: int) -> dt.date:
    """The day with ISO ``weekday`` (1 Monday … 7 Sunday) nearest to ``anchor`` on the side of
    ``direction`` (-1 on or before, +1 on or after; 0 the one in anchor's week).

    >>> weekday_near(dt.date(2019, 3, 23), 6, -1), weekday_near(dt.date(2019, 3, 23), 5, +1)
    (datetime.date(2019, 3, 23), datetime.date(2019, 3, 29))
    """
    delta = weekday - anchor.isoweekday()
    if direction < 0 and delta > 0:
        delta -= 7
    elif direction > 0 and delta < 0:
        delta += 7
    return anchor + dt.timedelta(days=delta)


@dataclass(frozen=True, slots=True)
class Point:
    """A calendar period: its first day, its granularity, and for a season the season's code."""

    start: dt.date
    precision: str
    season: str | None = None

    @classmethod
    def of(cls, day: dt.date, precision: str, season: str | None = None) -> Point:
        """The period of granularity ``precision`` that holds ``day``."""
        if precision == "day":
            return cls(day, "day")
        if precision == "week":
            return cls(day - dt.timedelta(days=day.isoweekday() - 1), "week")
        if precision == "season":
            code = season or _season_of(day)
            year = day.year - (code == "WI" and day.month < 3)
            return cls(dt.date(year, _SEASON_MONTH[code], 1), "season", code)
        months = _MONTHS_OF.get(precision)
        if months is None:
            raise ValueError(f"unknown granularity {precision!r}")
        index = day.year * 12 + day.month - 1
        index -= index % months
        return cls(dt.date(index // 12, index % 12 + 1, 1), precision)

    def coarsen(self, precision: str) -> Point:
        """The period of granularity ``precision`` that holds this one's first day."""
        return Point.of(self.start, precision)

    def shift(self, amount: int, unit: str) -> Point:
        """Moved by ``amount`` units (day, week, month, quarter, half, year, decade, century, season),
        keeping its own granularity."""
        if unit == "day":
            day = self.start + dt.timedelta(days=amount)
        elif unit == "week":
            day = self.start + dt.timedelta(weeks=amount)
        elif unit == "season":
            day = add_months(self.start, 12 * amount)
        else:
            day = add_months(self.start, amount * _MONTHS_OF[unit])
        return Point.of(day, self.precision, self.season)

    @property
    def value(self) -> str:
        """The TIMEX3 value: ``2019-03-23``, ``2019-W12``, ``2019-03``, ``2019-Q1``, ``2019-H1``,
        ``2019-SU``, ``2019``, ``201`` (the 2010s), ``20`` (the 2000s)."""
        day = self.start
        if self.precision == "day":
            return day.isoformat()
        if self.precision == "week":
            year, week, _ = day.isocalendar()
            return f"{year:04d}-W{week:02d}"
        if self.precision == "month":
            return f"{day.year:04d}-{day.month:02d}"
        if self.precision == "season":
            return f"{day.year:04d}-{self.season}"
        if self.precision == "quarter":
            return f"{day.year:04d}-Q{(day.month - 1) // 3 + 1}"
        if self.precision == "half":
            return f"{day.year:04d}-H{(day.month - 1) // 6 + 1}"
        if self.precision == "year":
            return f"{day.year:04d}"
        if self.precision == "decade":
            return f"{day.year // 10:03d}"
        return f"{day.year // 100:02d}"


def _season_of(day: dt.date) -> str:
    return {12: "WI", 1: "WI", 2: "WI", 3: "SP", 4: "SP", 5: "SP", 6: "SU", 7: "SU", 8: "SU"}.get(day.month, "FA")
