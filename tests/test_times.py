"""Times: spans cut to TIMEX3 conventions and values resolved against the article's date.

Sentences are made up for these tests. Most articles are dated Saturday 23 March 2019 (ISO week 12).
The grammar is tested on span texts without the model; span finding and tense with the model (marker
``model``); the floors on the TempEval-3 gold carry the ``data`` marker.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

import pytest

from conftest import data_file
from eventwire.evaluate_times import evaluate_times, match_spans, score_times
from eventwire.parse import parse_texts
from eventwire.records import TimeRef
from eventwire.times import PRECISIONS, normalize_times, timex_type
from eventwire.times.lexicon import canonical
from eventwire.times.points import Point
from eventwire.times.values import Context, interpret

if TYPE_CHECKING:
    from spacy.language import Language

SATURDAY = dt.date(2019, 3, 23)


def value(text: str, tense: str = "past", dct: dt.date = SATURDAY, last: Point | None = None) -> str | None:
    reading = interpret(text, Context(dct, tense, last))
    return reading.value if reading else None


def precision(text: str, tense: str = "past") -> str | None:
    reading = interpret(text, Context(SATURDAY, tense))
    return reading.precision if reading else None


@pytest.mark.parametrize(("text", "expected"), [
    ("Saturday", "2019-03-23"), ("Friday", "2019-03-22"), ("last Friday", "2019-03-22"),
    ("Sunday", "2019-03-17"), ("next Tuesday", "2019-03-26"), ("yesterday", "2019-03-22"),
    ("today", "2019-03-23"), ("tomorrow", "2019-03-24"), ("the day before yesterday", "2019-03-21"),
])
def test_interpret_days_resolve_against_the_article_date(text: str, expected: str) -> None:
    assert value(text) == expected
    assert precision(text) == "day"


def test_interpret_weekday_follows_the_tense_of_its_clause() -> None:
    assert value("Tuesday", "past") == "2019-03-19"
    assert value("Tuesday", "future") == "2019-03-26"
    assert value("Saturday", "future") == "2019-03-23"


@pytest.mark.parametrize(("text", "expected", "granularity"), [
    ("last week", "2019-W11", "week"), ("this week", "2019-W12", "week"), ("next week", "2019-W13", "week"),
    ("last month", "2019-02", "month"), ("this year", "2019", "year"), ("last year", "2018", "year"),
    ("next year", "2020", "year"), ("earlier this year", "2019", "year"), ("this month", "2019-03", "month"),
    ("the 1990s", "199", "decade"), ("the '80s", "198", "decade"), ("the nineties", "199", "decade"),
    ("the 19th century", "18", "century"), ("2004", "2004", "year"), ("fiscal 2004", "2004", "year"),
    ("March 2004", "2004-03", "month"), ("mid-March", "2019-03", "month"), ("early April", "2019-04", "month"),
    ("late 2004", "2004", "year"), ("last summer", "2018-SU", "season"), ("the third quarter", "2018-Q3", "quarter"),
    ("the first half of 2004", "2004-H1", "half"), ("January this year", "2019-01", "month"),
    ("June last year", "2018-06", "month"),
])
def test_interpret_calendar_units(text: str, expected: str, granularity: str) -> None:
    assert value(text) == expected
    assert precision(text) == granularity


@pytest.mark.parametrize(("text", "expected"), [
    ("March 18", "2019-03-18"), ("on March 18", "2019-03-18"), ("Sept. 30, 1989", "1989-09-30"),
    ("18 March 2019", "2019-03-18"), ("Monday, March 18", "2019-03-18"), ("the 4th of July", "2019-07-04"),
    ("10/27/1989", "1989-10-27"), ("Christmas Day", "2018-12-25"),
])
def test_interpret_written_dates(text: str, expected: str) -> None:
    assert value(text) == expected


def test_interpret_month_without_year_is_the_nearest_the_tense_allows() -> None:
    december = dt.date(2019, 12, 5)
    assert value("January", "future", december) == "2020-01"
    assert value("October", "past", december) == "2019-10"
    assert value("Jan. 2", "present", dt.date(1989, 11, 2)) == "1990-01-02"
    assert value("November", "past", dt.date(2019, 1, 10)) == "2018-11"


@pytest.mark.parametrize(("text", "expected"), [
    ("three months", "P3M"), ("three months after", "P3M"), ("four and a half years", "P4.5Y"),
    ("the past 20 years", "P20Y"), ("twenty four hours", "PT24H"), ("a couple of years", "P2Y"),
    ("several weeks", "PXW"), ("years", "PXY"), ("two decades", "P20Y"), ("the past decade", "P10Y"),
    ("16-hour", "PT16H"), ("nearly two months", "P2M"), ("two days later", "P2D"), ("a fortnight", "P2W"),
    ("the first nine months", "P9M"), ("recent weeks", "PXW"), ("the coming weeks", "PXW"),
])
def test_interpret_durations(text: str, expected: str) -> None:
    assert value(text) == expected
    assert precision(text) == "duration"


@pytest.mark.parametrize(("text", "expected"), [
    ("now", "PRESENT_REF"), ("currently", "PRESENT_REF"), ("recently", "PAST_REF"),
    ("in the last weeks", "PAST_REF"), ("the past few months", "PAST_REF"), ("the future", "FUTURE_REF"),
    ("soon", "FUTURE_REF"), ("several years ago", "PAST_REF"),
])
def test_interpret_vague_references(text: str, expected: str) -> None:
    assert value(text) == expected
    assert precision(text) == "vague"


@pytest.mark.parametrize(("text", "expected"), [
    ("each week", "P1W"), ("every day", "P1D"), ("daily", "P1D"), ("annually", "P1Y"),
    ("twice a month", "P1M"), ("every other week", "P2W"), ("every Tuesday", "XXXX-WXX-2"),
    ("Tuesday nights", "XXXX-WXX-2TNI"), ("each July", "XXXX-07"),
])
def test_interpret_sets(text: str, expected: str) -> None:
    assert value(text) == expected
    assert precision(text) == "set"


@pytest.mark.parametrize(("text", "expected"), [
    ("2 p.m.", "2019-03-23T14:00"), ("10:30 a.m. Friday", "2019-03-22T10:30"), ("this morning", "2019-03-23TMO"),
    ("last night", "2019-03-22TNI"), ("noon Thursday", "2019-03-21T12:00"), ("Friday evening", "2019-03-22TEV"),
])
def test_interpret_times_of_day(text: str, expected: str) -> None:
    assert value(text) == expected
    assert precision(text) == "time"


def test_interpret_offsets_count_from_the_article_date_or_the_last_date() -> None:
    assert value("two weeks ago") == "2019-W10"
    assert value("three days ago") == "2019-03-20"
    assert value("a year ago") == "2018"
    quarter = Point(dt.date(2019, 1, 1), "quarter")
    assert value("a year earlier", last=quarter) == "2018-Q1"
    assert value("the year-ago quarter", last=quarter) == "2018-Q1"
    march_3 = Point(dt.date(2019, 3, 3), "day")
    assert value("the next day", last=march_3) == "2019-03-04"
    assert value("two days earlier", last=march_3) == "2019-03-01"


def test_interpret_unreadable_span_is_none() -> None:
    assert interpret("the good old days of the republic", Context(SATURDAY)) is None


def test_canonical_folds_spelled_numbers_but_not_digits() -> None:
    assert canonical("nineteen ninety-six") == "#1996"
    assert canonical("twenty-one days") == "#21 days"
    assert canonical("Sept. 30, 1989") == "@m09 #30 #1989"
    assert canonical("2 1/2 years") == "#2.5 years"


def test_timex_type_follows_precision() -> None:
    def ref(precision: str | None) -> TimeRef:
        return TimeRef(text="x", start=0, end=1, value="x", precision=precision)

    assert [timex_type(ref(p)) for p in ("time", "day", "vague", "duration", "set", None)] == \
        ["TIME", "DATE", "DATE", "DURATION", "SET", "DATE"]
    assert len(set(PRECISIONS)) == len(PRECISIONS)


def test_match_spans_is_one_to_one_and_prefers_exact() -> None:
    assert match_spans([(0, 10)], [(0, 4), (0, 10)]) == {0: 1}
    assert match_spans([(0, 4), (5, 9)], [(0, 9)]) == {0: 0}


def test_score_times_counts_relaxed_strict_and_values() -> None:
    gold = {"text": "On Friday, three days ago.", "timexes": [
        {"start": 3, "end": 9, "text": "Friday", "type": "DATE", "value": "2019-03-22"},
        {"start": 11, "end": 25, "text": "three days ago", "type": "DATE", "value": "2019-03-20"}]}
    found = [TimeRef(text="Friday", start=3, end=9, value="2019-03-22", precision="day"),
             TimeRef(text="three days", start=11, end=21, value="P3D", precision="duration")]
    figures = score_times([(gold, found)]).as_dict()
    assert figures["relaxed"]["f1"] == 1.0
    assert figures["strict"]["f1"] == 0.5
    assert figures["value_accuracy"] == 0.5


def times_of(nlp: Language, text: str, published: str | None = "2019-03-23") -> list[tuple[str, str | None]]:
    [doc] = parse_texts(nlp, [text])
    refs = normalize_times(doc, published)
    assert all(text[ref.start:ref.end] == ref.text for ref in refs)
    return [(ref.text, ref.value) for ref in refs]


@pytest.mark.model
def test_normalize_times_issue_examples(nlp: Language) -> None:
    text = ("Fighters took the town on Saturday, a week after a siege began on March 18. Three months after "
            "the attack, he left; he had lived four and a half years in the area, according to the 2004 census. "
            "In the last weeks, attacks have increased.")
    found = dict(times_of(nlp, text))
    assert found["Saturday"] == "2019-03-23"
    assert found["March 18"] == "2019-03-18"
    assert found["Three months"] == "P3M"
    assert found["four and a half years"] == "P4.5Y"
    assert found["2004"] == "2004"
    assert found["the last weeks"] == "PAST_REF"


@pytest.mark.model
def test_normalize_times_spans_leave_out_prepositions_and_signals(nlp: Language) -> None:
    found = times_of(nlp, "Since last year, patrols ran each week. Two days later they left, in 2004.")
    assert ("last year", "2018") in found
    assert ("each week", "P1W") in found
    assert ("Two days", "P2D") in found
    assert ("2004", "2004") in found


@pytest.mark.model
def test_normalize_times_splits_ranges(nlp: Language) -> None:
    found = times_of(nlp, "The curfew ran from March 3 to March 5 and between 2004 and 2006.")
    assert [value for _, value in found] == ["2019-03-03", "2019-03-05", "2004", "2006"]


@pytest.mark.model
def test_normalize_times_future_tense_picks_the_coming_weekday(nlp: Language) -> None:
    assert ("Monday", "2019-03-25") in times_of(nlp, "Talks will resume on Monday.")
    assert ("Monday", "2019-03-18") in times_of(nlp, "Talks resumed on Monday.")


@pytest.mark.model
def test_normalize_times_skips_ages_and_bare_numbers(nlp: Language) -> None:
    found = times_of(nlp, "A 6-year-old boy and a man, 52 years old, were among 44 people hurt in 2018.")
    assert found == [("2018", "2018")]


@pytest.mark.model
def test_normalize_times_skips_frequency_adjectives_of_things(nlp: Language) -> None:
    found = times_of(nlp, "The company posted its quarterly report at the annual meeting on Friday.")
    assert found == [("Friday", "2019-03-22")]


@pytest.mark.model
def test_normalize_times_restores_determiners_and_drops_articles(nlp: Language) -> None:
    found = times_of(nlp, "This year sales beat an Aug. 10, 2018 forecast, and earlier Friday shares rose.")
    assert ("This year", "2019") in found
    assert ("Aug. 10, 2018", "2018-08-10") in found
    assert ("Friday", "2019-03-22") in found


@pytest.mark.model
def test_normalize_times_finds_words_the_parser_does_not_tag(nlp: Language) -> None:
    found = dict(times_of(nlp, "Now the group says it currently holds the area it recently took."))
    assert found == {"Now": "PRESENT_REF", "currently": "PRESENT_REF", "recently": "PAST_REF"}


@pytest.mark.model
def test_normalize_times_without_article_date_keeps_only_absolute_values(nlp: Language) -> None:
    found = dict(times_of(nlp, "On March 18, 2019 the town fell; last week it was quiet.", published=None))
    assert found["March 18, 2019"] == "2019-03-18"
    assert found["last week"] is None


@pytest.mark.data
@pytest.mark.model
def test_evaluate_times_floors_on_tempeval3(nlp: Language) -> None:
    result = evaluate_times(data_file("times/timebank-aquaint.jsonl"), nlp)
    assert result["relaxed"]["f1"] >= 0.90, result
    assert result["value_accuracy"] >= 0.80, result
    assert result["strict"]["f1"] >= 0.82, result


@pytest.mark.model
def test_normalize_times_dates_outside_the_calendar_keep_their_span(nlp: Language) -> None:
    """"5000 years ago" lies before year 1: the span is reported with no value, the stage does not fail."""
    refs = normalize_times(next(parse_texts(nlp, ["It happened 5000 years ago, in 2004."])), "2019-03-23")
    assert [(r.text, r.value) for r in refs] == [("5000 years ago", None), ("2004", "2004")]
