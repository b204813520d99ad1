"""Amounts: values, bounds, units and kinds of the figures in sentences written for these tests."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from eventwire.amounts import parse_number, quantify
from eventwire.records import Amount

if TYPE_CHECKING:
    from spacy.language import Language


def amounts(nlp: Language, text: str) -> list[Amount]:
    from eventwire.parse import parse_texts

    return list(quantify(next(parse_texts(nlp, [text]))))


def brief(found: list[Amount]) -> list[tuple[str, float | None, str | None, str | None]]:
    return [(a.text, a.value, a.unit, a.kind) for a in found]


@pytest.mark.model
@pytest.mark.parametrize(("text", "expected"), [
    ("The last 1.5 square miles fell, about 25 miles from the border.",
     [("1.5 square miles", 1.5, "square miles", "area"), ("about 25 miles", 25.0, "miles", "distance")]),
    ("It was 69°F and the town had about 10,000 residents.",
     [("69°F", 69.0, "°F", "temperature"), ("about 10,000", 10000.0, "residents", "people")]),
    ("He spent four and a half years there and left three months later.",
     [("four and a half years", 4.5, "years", "duration"), ("three months", 3.0, "months", "duration")]),
    ("Turnout reached 100%, or %100 as the flyer put it, and prices rose 12 percent.",
     [("100%", 100.0, "%", "percent"), ("%100", 100.0, "%", "percent"), ("12 percent", 12.0, "%", "percent")]),
    ("The bank lent $2.5 million and £3bn.",
     [("$2.5 million", 2_500_000.0, "USD", "money"), ("£3bn", 3_000_000_000.0, "GBP", "money")]),
])
def test_quantify_units_and_kinds(nlp: Language, text: str,
                                  expected: list[tuple[str, float, str, str]]) -> None:
    assert brief(amounts(nlp, text)) == expected


@pytest.mark.model
def test_quantify_fatalities_and_injured_from_the_parse(nlp: Language) -> None:
    found = amounts(nlp, "At least 70 people were killed and 12 wounded. The death toll later rose to 85.")
    assert [(a.text, a.kind) for a in found] == [("At least 70", "fatalities"), ("12", "injured"),
                                                 ("85", "fatalities")]
    assert found[0].low == 70 and found[0].high is None


@pytest.mark.model
def test_quantify_ranges_and_upper_bounds_keep_both_ends(nlp: Language) -> None:
    between, up_to = amounts(nlp, "Between 10 and 15 soldiers died. Up to 300 migrants drowned.")
    assert (between.value, between.low, between.high, between.kind) == (10, 10, 15, "fatalities")
    assert (up_to.value, up_to.low, up_to.high, up_to.kind) == (300, None, 300, "fatalities")


@pytest.mark.model
def test_quantify_vague_quantities_keep_the_low_bound(nlp: Language) -> None:
    tens, dozen = amounts(nlp, "Tens of thousands of families fled. A dozen protesters were arrested.")
    assert (tens.value, tens.low, tens.high, tens.kind) == (10_000, 10_000, 99_999, "people")
    assert (dozen.value, dozen.kind) == (12, "people")


@pytest.mark.model
def test_quantify_leaves_dates_and_times_to_the_times_stage(nlp: Language) -> None:
    found = amounts(nlp, "Gunmen killed 12 villagers on March 23, 2019 at 10:30, the 2004 census says.")
    assert [(a.text, a.kind) for a in found] == [("12", "fatalities")]


def test_parse_number_rejects_words_that_are_not_numbers() -> None:
    assert parse_number("twenty-six") == 26 and parse_number("seven hundred thousand") == 700_000
    assert parse_number("several") is None and parse_number("") is None


@pytest.mark.model
def test_quantify_counted_noun_is_not_a_noun_after_a_preposition(nlp: Language) -> None:
    """"at least 39 in an attack" counts people, not attacks; "the thousands detained" are people."""
    killed, detained = amounts(nlp, "Gunmen killed at least 39 in an attack on a mall. Among the thousands "
                                    "detained were foreigners.")
    assert (killed.kind, killed.unit) == ("fatalities", None)
    assert detained.kind == "people"


@pytest.mark.model
def test_quantify_odd_figures_neither_crash_nor_lose_their_scale(nlp: Language) -> None:
    found = amounts(nlp, "Aid of US$5 million came. Between 2 and 3 million people fled; some 2-3 million "
                         "stayed. A 500-digit figure " + "9" * 500 + " appeared.")
    assert [(a.value, a.low, a.high, a.kind) for a in found[:3]] == [
        (5_000_000, None, None, "money"), (2_000_000, 2_000_000, 3_000_000, "people"),
        (2_000_000, 2_000_000, 3_000_000, "count")]
    assert all(a.value is None or a.value < 1e300 for a in found)
    assert parse_number("1e400") is None and parse_number("nan") is None
