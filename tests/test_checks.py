"""Checks: an article's own contradictions, on articles written for these tests, and none on clean text."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from eventwire.amounts import quantify
from eventwire.checks import check
from eventwire.records import Flag, Section
from eventwire.times import normalize_times

if TYPE_CHECKING:
    from spacy.language import Language

pytestmark = pytest.mark.model


def flags_of(nlp: Language, title: str, body: str, published: str = "2019-03-23") -> list[Flag]:
    from eventwire.parse import parse_texts

    text = f"{title}\n\n{body}"
    sections = (Section(kind="title", start=0, end=len(title)),
                Section(kind="body", start=len(title) + 2, end=len(text)))
    doc = next(parse_texts(nlp, [text]))
    return list(check(doc, sections=sections, amounts=quantify(doc), times=normalize_times(doc, published),
                      published=published))


def codes(flags: list[Flag]) -> list[str]:
    return [flag.code for flag in flags]


def test_check_unit_mismatch_between_headline_and_body(nlp: Language) -> None:
    flags = flags_of(nlp, "Rebels lose last 1.5 miles of ground",
                     "The fighters held the last 1.5 square miles of the valley until Saturday.")
    assert codes(flags) == ["unit-mismatch"]
    assert len(flags[0].spans) == 2


def test_check_name_spelled_two_ways(nlp: Language) -> None:
    flags = flags_of(nlp, "Talks resume in Geneva",
                     "Envoy Margaret Thorndyke said the talks would resume. Critics of Margaret Thorndike "
                     "said the envoy had promised too much.")
    assert codes(flags) == ["name-spelling"]
    assert "Thorndyke" in flags[0].message and "Thorndike" in flags[0].message


def test_check_malformed_percentage_and_residue(nlp: Language) -> None:
    flags = flags_of(nlp, "Council declares victory",
                     "The council declared a %100 victory on Saturday.\n\nReporting by Anna Berg4417")
    assert codes(flags) == ["malformed-number", "residue"]


def test_check_headline_toll_contradicted_by_the_body(nlp: Language) -> None:
    flags = flags_of(nlp, "Twelve killed in market bombing",
                     "At least 20 people were killed when a bomb exploded in the market on Saturday.")
    assert codes(flags) == ["count-conflict"]


def test_check_dateline_far_from_the_stated_date(nlp: Language) -> None:
    flags = flags_of(nlp, "Port reopens", "BEIRUT, March 12 (Wire) - The port reopened to ships.")
    assert codes(flags) == ["date-mismatch"]
    assert flags_of(nlp, "Port reopens", "BEIRUT, March 23 (Wire) - The port reopened to ships.") == []


def test_check_no_flag_on_a_consistent_article(nlp: Language) -> None:
    flags = flags_of(nlp, "Twelve killed in market bombing in Kabul",
                     "On Friday, twelve people were killed when a bomb exploded in a market in Kabul, police "
                     "said. The market, about 3 miles from the centre, covers 2 square miles. Police chief "
                     "Amir Haidari said 30 people were wounded. Haidari said the market would reopen.")
    assert flags == []
