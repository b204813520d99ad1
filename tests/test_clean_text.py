"""Tests of the plain-text cleaner (eventwire.clean.text).

The synthetic articles are written for these tests. The reference article and the development set are
read from ../shared/data at run time (never copied here) and the tests that need them skip without it.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from eventwire.clean.text import clean_text
from eventwire.records import Cleaned

DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data"
SEED = DATA / "seed" / "baghuz.txt"
DEV = DATA / "clean" / "l3s-gn1-dev.jsonl"

NAV = ["Home", "News", "World", "Sport | Business | Culture | Weather", "Sign in", "Search"]
BODY = [
    ("The harbour authority said on Tuesday that the new ferry line would start in the spring, after "
     "two years of work on the piers and the waiting halls on both sides of the bay."),
    ("Residents of the island have asked for a faster crossing for a long time, and the council voted "
     "for the plan in a late session that lasted until well after midnight."),
    ("Critics said the cost of the project had doubled since it was first announced, and that the "
     "money would have been better spent on the roads and the schools of the region."),
    ("The first boat is expected to carry about three hundred passengers a day when it enters service, "
     "the operator said in a statement that was published on its website."),
]


def article(*parts: list[str] | str) -> str:
    lines: list[str] = []
    for part in parts:
        lines.extend([part] if isinstance(part, str) else part)
    return "\n".join(lines)


def paragraphs(cleaned: Cleaned) -> list[str]:
    return cleaned.text.split("\n\n") if cleaned.text else []


def section_texts(cleaned: Cleaned, kind: str) -> list[str]:
    return [cleaned.text[s.start:s.end] for s in cleaned.sections if s.kind == kind]


def removed_as(cleaned: Cleaned, reason: str) -> list[str]:
    return [line for r in cleaned.removed if r.reason == reason for line in r.text.split("\n")]


def assert_invariants(raw: str, cleaned: Cleaned) -> None:
    """Offsets inside the text, sections sorted and disjoint, and no input line lost."""
    text = cleaned.text
    previous_end = 0
    for section in cleaned.sections:
        assert 0 <= section.start < section.end <= len(text)
        assert section.start >= previous_end
        assert text[section.start:section.end].strip()
        previous_end = section.end
    covered = {(s.start, s.end) for s in cleaned.sections}
    offset = 0
    for paragraph in paragraphs(cleaned):
        assert any(start <= offset and offset + len(paragraph) <= end for start, end in covered)
        offset += len(paragraph) + 2
    kept = set(paragraphs(cleaned))
    removed = {line for r in cleaned.removed for line in r.text.split("\n")}
    for line in raw.splitlines():
        if line.strip():
            assert line.strip() in kept or line.strip() in removed, line


# --- rules on synthetic articles -------------------------------------------------------------------

def test_clean_text_finds_headline_byline_and_body() -> None:
    raw = article(NAV, "Ferry line to the island opens in spring", "By Maria Lindqvist and TOM OKAFOR",
                  "Published: Monday, 4 March, 2024", BODY, "Share this story",
                  "© 2024 Harbour Herald Media Ltd. All rights reserved.")
    cleaned = clean_text(raw)
    assert cleaned.title == "Ferry line to the island opens in spring"
    assert cleaned.authors == ("Maria Lindqvist", "Tom Okafor")
    assert cleaned.publisher == "Harbour Herald Media"
    assert cleaned.published == "2024-03-04"
    assert section_texts(cleaned, "title") == ["Ferry line to the island opens in spring"]
    assert "\n\n".join(section_texts(cleaned, "body")) == "\n\n".join(BODY)
    assert "Share this story" in removed_as(cleaned, "boilerplate")
    assert "Published: Monday, 4 March, 2024" in removed_as(cleaned, "dateline")
    assert removed_as(cleaned, "copyright")
    assert_invariants(raw, cleaned)


def test_clean_text_title_comes_first_in_text() -> None:
    cleaned = clean_text(article(NAV, "Ferry line to the island opens in spring", BODY))
    assert cleaned.text.startswith("Ferry line to the island opens in spring\n\n")
    assert cleaned.sections[0].kind == "title"


def test_clean_text_separates_caption_and_credit() -> None:
    caption = "A ferry waits at the new pier on the north side of the bay on a grey morning"
    raw = article("Ferry line to the island opens in spring", caption, "(Jon Berg/Harbour Press)", BODY)
    cleaned = clean_text(raw)
    assert section_texts(cleaned, "caption") == [caption]
    assert removed_as(cleaned, "credit") == ["(Jon Berg/Harbour Press)"]
    assert caption not in "\n".join(section_texts(cleaned, "body"))
    assert_invariants(raw, cleaned)


def test_clean_text_photo_credit_line() -> None:
    caption = "Passengers queue for the first crossing of the season at dawn"
    cleaned = clean_text(article("Ferry line to the island opens in spring", BODY[:2], caption,
                                 "Photo: Harbour Press", BODY[2:]))
    assert section_texts(cleaned, "caption") == [caption]
    assert removed_as(cleaned, "credit") == ["Photo: Harbour Press"]


def test_clean_text_keeps_quoted_dek() -> None:
    dek = '"We have waited twenty years for this boat," the mayor told the council'
    cleaned = clean_text(article(NAV, "Ferry line to the island opens in spring", dek, BODY))
    assert cleaned.title == "Ferry line to the island opens in spring"
    assert section_texts(cleaned, "dek") == [dek]
    assert dek not in "\n".join(section_texts(cleaned, "body"))


def test_clean_text_removes_residue_and_repeated_byline() -> None:
    raw = article("Ferry line to the island opens in spring", BODY, "Want to leave a tip?",
                  "Already a subscriber?", "Maria Lindqvist", "Maria Lindqvist3841")
    cleaned = clean_text(raw)
    assert cleaned.authors == ("Maria Lindqvist",)
    assert removed_as(cleaned, "residue") == ["Maria Lindqvist3841"]
    assert "Maria Lindqvist" in removed_as(cleaned, "byline")
    assert {"Want to leave a tip?", "Already a subscriber?"} <= set(removed_as(cleaned, "boilerplate"))
    assert_invariants(raw, cleaned)


def test_clean_text_date_line_then_argument_then_body() -> None:
    body_date = ("The council met on the evening of June 5, 2023 to vote on the plan for the new ferry line "
                 "to the island.")
    headline = "Ferry line to the island opens in spring"
    # a date mentioned in the body may be of an earlier event: the input's own date wins over it
    assert clean_text(article(headline, body_date, BODY), date="2023-07-01").published == "2023-07-01"
    # with no input date, the body's date is the best there is
    assert clean_text(article(headline, body_date, BODY)).published == "2023-06-05"
    # a date line of the page itself wins over both
    dated_line = clean_text(article(headline, "Published: 3 July 2023", body_date, BODY), date="2023-07-01")
    assert dated_line.published == "2023-07-03"
    undated = clean_text(article(headline, BODY), date="2023-07-01T08:00")
    assert undated.published == "2023-07-01"


def test_clean_text_uses_title_hint() -> None:
    raw = article("Island news", "Ferry line to the island opens in spring", "Harbour", BODY)
    hinted = clean_text(raw, title="Ferry line to the island opens in spring")
    assert hinted.title == "Ferry line to the island opens in spring"
    absent = clean_text(article(BODY), title="A hint not in the page")
    assert absent.title == "A hint not in the page"


def test_clean_text_removes_navigation_and_related() -> None:
    raw = article(NAV, "Ferry line to the island opens in spring", BODY, "Related: Bridge plan shelved",
                  "Advertisement", "Terms of Use | Privacy Policy | Contact Us")
    cleaned = clean_text(raw)
    assert set(NAV) <= set(removed_as(cleaned, "navigation")) | set(removed_as(cleaned, "boilerplate"))
    assert removed_as(cleaned, "related") == ["Related: Bridge plan shelved"]
    assert "Advertisement" in removed_as(cleaned, "boilerplate")
    assert "Advertisement" not in cleaned.text
    assert_invariants(raw, cleaned)


def test_clean_text_empty_input() -> None:
    cleaned = clean_text("  \n\n ", date="2020-01-02")
    assert cleaned.text == "" and cleaned.sections == () and cleaned.published == "2020-01-02"


LINE_POOL = NAV + BODY + [
    "Ferry line to the island opens in spring", "By Maria Lindqvist", "Maria Lindqvist3841",
    "(Jon Berg/Harbour Press)", "Photo: Harbour Press", "© 2024 Harbour Herald Media Ltd.",
    "March 4, 2024", '"A quoted line under the headline"', "Advertisement", "Related: more",
]


@settings(max_examples=200, deadline=None)
@given(st.lists(st.one_of(st.sampled_from(LINE_POOL), st.text(max_size=80)), max_size=30))
def test_clean_text_accounts_for_every_line(lines: list[str]) -> None:
    raw = "\n".join(lines)
    assert_invariants(raw, clean_text(raw))


# --- the reference article ----------------------------------------------------------------------

@pytest.fixture
def reference() -> str:
    if not SEED.exists():
        pytest.skip(f"reference article not found at {SEED} (../shared/data is not checked out)")
    return SEED.read_text(encoding="utf-8")


@pytest.mark.data
def test_clean_text_reference_article(reference: str) -> None:
    cleaned = clean_text(reference)
    assert cleaned.title == "ISIS caliphate utterly defeated as last 1.5 miles of territory taken in fierce fight"
    assert section_texts(cleaned, "title") == [cleaned.title]
    (dek,) = section_texts(cleaned, "dek")
    assert dek.startswith('"Syrian Democratic Forces declare total elimination')
    (caption,) = section_texts(cleaned, "caption")
    assert "March 23, 2019" in caption
    assert removed_as(cleaned, "credit") == ["(Giuseppe Cacace/AFP/Getty Images)"]
    assert cleaned.publisher == "Blaze Media"
    assert cleaned.authors == ("Caleb Howe",)
    assert cleaned.published == "2019-03-23"
    assert {"Want to leave a tip?", "Already a subscriber?"} <= set(removed_as(cleaned, "boilerplate"))
    assert "Caleb Howe" in removed_as(cleaned, "byline")
    assert "Caleb Howe" not in cleaned.text
    assert_invariants(reference, cleaned)


@pytest.mark.data
def test_clean_text_reference_article_residue(reference: str) -> None:
    lines = reference.rstrip().splitlines()
    raw = "\n".join(lines[:-1] + [lines[-1].strip() + "3841"])
    cleaned = clean_text(raw)
    assert removed_as(cleaned, "residue") == [lines[-1].strip() + "3841"]
    assert cleaned.authors == ("Caleb Howe",)


# --- the development set ------------------------------------------------------------------------

@pytest.fixture
def dev_set() -> Path:
    if not DEV.exists():
        pytest.skip(f"development set not found at {DEV} (../shared/data is not checked out)")
    return DEV


def test_clean_text_headline_above_agency_line_is_no_caption() -> None:
    raw = article(NAV, "Ferry line to open in the spring", "Reuters", BODY)
    assert clean_text(raw).title == "Ferry line to open in the spring"


def test_clean_text_headline_wins_over_its_dek() -> None:
    raw = article(NAV, "Harbour ferry gets a spring start",
                  "Residents welcome the new crossing, critics point to the doubled cost of the piers",
                  "By Ann Lee", BODY)
    cleaned = clean_text(raw)
    assert cleaned.title == "Harbour ferry gets a spring start"
    assert [s.kind for s in cleaned.sections][:2] == ["title", "dek"]


def test_clean_text_section_label_above_headline_is_not_the_headline() -> None:
    raw = article(NAV, "More Latest News", "Ferry line to open in the spring", BODY)
    assert clean_text(raw).title == "Ferry line to open in the spring"


@pytest.mark.data
def test_clean_text_dev_set_invariants(dev_set: Path) -> None:
    import json

    with dev_set.open(encoding="utf-8") as handle:
        for line in handle:
            raw = json.loads(line)["text"]
            assert_invariants(raw, clean_text(raw))


@pytest.mark.data
def test_clean_text_dev_set_floors(dev_set: Path) -> None:
    from eventwire.evaluate import evaluate_clean

    score = evaluate_clean(dev_set)
    assert score.mean_f1 >= 0.925, score.as_dict()
    assert score.f1 >= 0.92, score.as_dict()
    assert score.title_exact >= 0.74, score.as_dict()
    assert score.headline_exact >= 0.84, score.as_dict()


# --- publisher from the masthead -------------------------------------------------------------------

def test_clean_text_masthead_above_menu_names_the_publisher() -> None:
    raw = article("Fjordside Gazette", "News | Region | World | Sport", "Ferry line to the island opens in spring",
                  "By Ann Lee", BODY)
    cleaned = clean_text(raw)
    assert cleaned.publisher == "Fjordside Gazette"
    assert removed_as(cleaned, "masthead") == ["Fjordside Gazette"]
    assert cleaned.authors == ("Ann Lee",)
    assert cleaned.title == "Ferry line to the island opens in spring"
    assert_invariants(raw, cleaned)


def test_clean_text_masthead_first_in_menu_bar_is_title_cased() -> None:
    bar = "NORTHBAY TRIBUNE  |  Subscribe  |  Log in"
    cleaned = clean_text(article("Home > World", bar, "Ferry line to the island opens in spring", BODY))
    assert cleaned.publisher == "Northbay Tribune"
    assert removed_as(cleaned, "masthead") == [bar]


def test_clean_text_masthead_keeps_acronyms() -> None:
    cleaned = clean_text(article("THE KXR HERALD", NAV, "Ferry line to the island opens in spring", BODY))
    assert cleaned.publisher == "The KXR Herald"
    assert clean_text(article("KXR News", NAV, "Ferry line to the island opens in spring", BODY)).publisher \
        == "KXR News"


def test_clean_text_copyright_holder_wins_over_masthead() -> None:
    raw = article("Fjordside Gazette", NAV, "Ferry line to the island opens in spring", BODY,
                  "© 2024 Fjordside Media Group Ltd. All rights reserved.")
    cleaned = clean_text(raw)
    assert cleaned.publisher == "Fjordside Media Group"
    assert removed_as(cleaned, "masthead") == ["Fjordside Gazette"]


@pytest.mark.parametrize("top", [
    ["World", "Sport | Business"],                      # a section label
    ["Main News", "Sport | Business"],                  # a section named with a newspaper word
    ["Press Room", "Sport | Business"],                 # newspaper word not at the end
    ["News By Location", "Sport | Business"],
    ["Harbour News | Harbour Sport | Harbour Jobs"],    # a network's menu, not its name
    ["Home", "Sign in"],
])
def test_clean_text_menu_lines_are_no_masthead(top: list[str]) -> None:
    cleaned = clean_text(article(top, "Ferry line to the island opens in spring", BODY))
    assert cleaned.publisher is None
    assert not removed_as(cleaned, "masthead")


def test_clean_text_headline_is_no_masthead() -> None:
    headline = "Tigers Beat Bayside Sun"
    cleaned = clean_text(article(headline, "By Ann Lee", BODY))
    assert cleaned.title == headline
    assert cleaned.publisher is None


def test_clean_text_masthead_below_headline_is_ignored() -> None:
    raw = article(NAV[:2], "Ferry line to the island opens in spring", "Fjordside Gazette", BODY)
    assert clean_text(raw).publisher is None


# --- headline of the article head far above the main block ------------------------------------------

def test_clean_text_headline_with_byline_wins_over_teasers_below() -> None:
    head = ["Ferry line to the island opens in spring", "By Ann Lee", "Published: 4 March 2024", *BODY[:2]]
    stats = [f"Pier {n} | Berth {n} | Gate {n}" for n in range(30)]
    teasers = [part for n in range(6) for part in (
        f"Bridge plan number {n} shelved by the regional council",
        ("The council said on Monday that the bridge over the sound would not be built this decade, "
         f"citing the cost of plan {n} and the objections of the fishing industry in the bay."))]
    cleaned = clean_text(article(NAV, head, stats, teasers))
    assert cleaned.title == "Ferry line to the island opens in spring"
    assert cleaned.authors == ("Ann Lee",)
