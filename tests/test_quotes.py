"""The quotes stage: quotation marks, cues, sources and their names, on sentences written for these
tests; the reference article and a floor on the PolNeAR gold (``data``)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from conftest import data_file
from eventwire.quotes import attribute, quoted_spans
from eventwire.records import Quote

if TYPE_CHECKING:
    from spacy.language import Language


def quotes_of(nlp: Language, text: str) -> tuple[Quote, ...]:
    from eventwire.parse import parse_texts

    (doc,) = parse_texts(nlp, [text])
    return attribute(doc)


def only(quotes: tuple[Quote, ...], kind: str | None = None) -> Quote:
    chosen = [q for q in quotes if kind is None or q.kind == kind]
    assert len(chosen) == 1, chosen
    return chosen[0]


def assert_offsets(text: str, quotes: tuple[Quote, ...]) -> None:
    for quote in quotes:
        assert text[quote.start:quote.end] == quote.text
        if quote.speaker_start is not None:
            assert quote.speaker_end is not None and 0 <= quote.speaker_start < quote.speaker_end <= len(text)
        if quote.cue_start is not None:
            assert text[quote.cue_start:quote.cue_end] == quote.cue


# --- quotation marks (no model) --------------------------------------------------------------------

def test_quoted_spans_straight_and_curly() -> None:
    text = 'She said: "The bridge is open." He answered “not for long,” and left.'
    assert [text[s:e] for s, e in quoted_spans(text)] == ['"The bridge is open."', "“not for long,”"]


def test_quoted_spans_continue_into_the_next_paragraph() -> None:
    text = "“The first part of it.\n\n“The second part,” she said.\n\nNo quote here."
    assert [text[s:e] for s, e in quoted_spans(text)] == ["“The first part of it.\n\n“The second part,”"]


def test_quoted_spans_unclosed_quote_ends_with_its_paragraph() -> None:
    text = "“An unclosed quotation\n\nA plain paragraph."
    assert [text[s:e] for s, e in quoted_spans(text)] == ["“An unclosed quotation"]


def test_quoted_spans_doubled_and_after_no_break_space() -> None:
    text = 'Then\u00a0"Ready," he said. ""Go," she said.'
    assert [text[s:e] for s, e in quoted_spans(text)] == ['"Ready,"', '""Go,"']


# --- direct quotes -----------------------------------------------------------------------------------

@pytest.mark.model
def test_attribute_curly_quote_with_inverted_cue(nlp: Language) -> None:
    text = "The dam held overnight.\n\n“The water is going down,” said Maria Lopez, the mayor of the town."
    quote = only(quotes_of(nlp, text))
    assert quote.text == "“The water is going down,”"
    assert (quote.speaker, quote.cue, quote.kind, quote.direct) == ("Maria Lopez", "said", "direct", True)
    assert text[quote.speaker_start:quote.speaker_end] == "Maria Lopez"
    assert_offsets(text, (quote,))


@pytest.mark.model
def test_attribute_quote_without_comma_before_its_cue(nlp: Language) -> None:
    text = "The river rose again overnight.\n\n“We will not leave our homes” said Maria Lopez, the mayor."
    quote = only(quotes_of(nlp, text), "direct")
    assert quote.text == "“We will not leave our homes”"
    assert (quote.speaker, quote.cue) == ("Maria Lopez", "said")


@pytest.mark.model
def test_attribute_cue_before_quote_with_colon(nlp: Language) -> None:
    text = 'Farmers in the valley are worried. Peter Odhiambo told the radio station: "We have lost everything."'
    quote = only(quotes_of(nlp, text), "direct")
    assert quote.text == '"We have lost everything."'
    assert quote.speaker == "Peter Odhiambo"
    assert quote.cue == "told"


@pytest.mark.model
def test_attribute_split_quote_is_one_attribution(nlp: Language) -> None:
    text = '"The talks failed," Ahmed Karimi said on Monday. "We will try again next month."'
    quote = only(quotes_of(nlp, text))
    assert quote.start == 0 and quote.end == len(text)
    assert quote.speaker == "Ahmed Karimi"


@pytest.mark.model
def test_attribute_split_quote_whose_second_half_is_the_complement(nlp: Language) -> None:
    text = "“We have every reason to talk,” he said of the two parties, “because neither can govern alone.”"
    quote = only(quotes_of(nlp, text))
    assert (quote.start, quote.end, quote.kind) == (0, len(text), "direct")


@pytest.mark.model
def test_attribute_quote_then_new_sentence_with_cue(nlp: Language) -> None:
    text = "She praised the plan as “a fine piece of work for all of us.” He adds, “The rest can wait.”"
    direct = [q for q in quotes_of(nlp, text) if q.kind == "direct"]
    assert [q.text for q in direct] == ["“The rest can wait.”"]


@pytest.mark.model
def test_attribute_quote_continues_over_paragraphs(nlp: Language) -> None:
    text = ("“The convoy left at dawn,” the commander, Yusuf Demir, said.\n\n"
            "“Nobody stopped it on the road.”\n\nThe ministry did not comment.")
    quote = only(quotes_of(nlp, text), "direct")
    assert quote.text.endswith("“Nobody stopped it on the road.”")
    assert quote.text.startswith("“The convoy left at dawn,”")


@pytest.mark.model
def test_attribute_pronoun_resolves_to_the_last_named_person(nlp: Language) -> None:
    text = ("Leila Haddad, who runs the clinic, posted about the shortage on Sunday.\n\n"
            "\"We have no insulin left,\" she wrote.")
    quote = only(quotes_of(nlp, text), "direct")
    assert quote.speaker == "Leila Haddad"
    assert text[quote.speaker_start:quote.speaker_end] == "she"
    assert quote.cue == "wrote"


@pytest.mark.model
def test_attribute_short_name_resolves_to_full_name(nlp: Language) -> None:
    text = ("Jonas Weber arrived in the capital on Tuesday.\n\n"
            "\"The elections will be held on time,\" Weber said.")
    quote = only(quotes_of(nlp, text), "direct")
    assert quote.speaker == "Jonas Weber"
    assert text[quote.speaker_start:quote.speaker_end] == "Weber"


@pytest.mark.model
def test_attribute_anonymous_source_keeps_its_description(nlp: Language) -> None:
    text = '"The shelling never stopped," a woman who fled the city last week told reporters.'
    quote = only(quotes_of(nlp, text), "direct")
    assert quote.speaker == "a woman who fled the city last week"


# --- reported speech ---------------------------------------------------------------------------------

@pytest.mark.model
def test_attribute_according_to(nlp: Language) -> None:
    text = "Three bridges were destroyed in the storm, according to the regional governor."
    quote = only(quotes_of(nlp, text))
    assert quote.kind == "indirect" and not quote.direct
    assert quote.text == "Three bridges were destroyed in the storm"
    assert quote.cue == "according to"
    assert text[quote.speaker_start:quote.speaker_end] == "the regional governor"


@pytest.mark.model
def test_attribute_said_that(nlp: Language) -> None:
    text = "The health minister said that the vaccine supply would last until June."
    quote = only(quotes_of(nlp, text))
    assert quote.kind == "indirect"
    assert "the vaccine supply would last until June" in quote.text
    assert quote.cue == "said"
    assert text[quote.speaker_start:quote.speaker_end] == "The health minister"


@pytest.mark.model
def test_attribute_mixed_quote_inside_reported_speech(nlp: Language) -> None:
    text = 'Senator Anna Berg said the new law was "a disgrace" and promised to repeal it.'
    quote = only(quotes_of(nlp, text), "mixed")
    assert '"a disgrace"' in quote.text
    assert quote.speaker == "Anna Berg" or quote.speaker == "Senator Anna Berg"


@pytest.mark.model
def test_attribute_nested_reported_speech_goes_to_the_outermost_cue(nlp: Language) -> None:
    text = 'The mayor said the engineers believed the bridge was "perfectly safe" until the storm.'
    quote = only(quotes_of(nlp, text), "mixed")
    assert quote.cue == "said"
    assert quote.text.startswith("the engineers believed")


@pytest.mark.model
def test_attribute_named_speaker_inside_an_outlets_report_keeps_the_quote(nlp: Language) -> None:
    text = ('The Daily Ledger reported that Governor Ruth Okafor told reporters that "the bridge will '
            'reopen next week."')
    speakers = {q.speaker for q in quotes_of(nlp, text) if q.kind == "mixed"}
    assert "Ruth Okafor" in speakers


@pytest.mark.model
def test_attribute_reported_speech_ends_with_its_quotation_before_an_aside(nlp: Language) -> None:
    text = 'The ministry said the old dam was "completely safe" — a claim that angered the villagers.'
    quote = only(quotes_of(nlp, text), "mixed")
    assert quote.text.endswith('"completely safe"')


@pytest.mark.model
def test_attribute_split_quote_whose_cue_clause_ends_with_an_abbreviation(nlp: Language) -> None:
    text = '"We will rebuild the old bridge," said Tom Reyes of Albany, N.Y. "It will take a year."'
    quote = only(quotes_of(nlp, text))
    assert quote.kind == "direct" and quote.text.endswith('a year."')


@pytest.mark.model
def test_attribute_stance_with_a_quotation_inside_is_mixed(nlp: Language) -> None:
    text = 'Maria Lopez blasted the new film for being too "preachy" and far too long.'
    quote = only(quotes_of(nlp, text))
    assert quote.cue == "blasted" and quote.kind == "mixed"


@pytest.mark.model
def test_attribute_scare_quotes_are_no_direct_quote(nlp: Language) -> None:
    # A quoted name or phrase nobody is said to utter is not a direct quote; at most it marks the
    # clause around it as mixed (PolNeAR counts those as attributions of the clause's subject).
    text = 'The "peace caravan" reached the border on Friday.'
    assert not [q for q in quotes_of(nlp, text) if q.kind == "direct"]


@pytest.mark.model
def test_attribute_verbs_of_having_and_doing_are_no_stance(nlp: Language) -> None:
    text = "The farmers say nothing. They don't have any land near the river and lost their cattle."
    assert not [q for q in quotes_of(nlp, text) if q.cue in {"have", "lost"}]


@pytest.mark.model
def test_attribute_stance_verb_with_named_subject(nlp: Language) -> None:
    text = "Maria Lopez accused the ministry of hiding the damage to the dam."
    quote = only(quotes_of(nlp, text))
    assert quote.cue == "accused" and quote.kind == "indirect"
    assert "the ministry of hiding the damage" in quote.text


# --- the reference article and the gold --------------------------------------------------------------

@pytest.mark.data
@pytest.mark.model
def test_attribute_reference_article(nlp: Language) -> None:
    from eventwire.config import Config
    from eventwire.pipeline import extractor_for, to_article
    from eventwire.records import Document, Source

    path = data_file("seed/baghuz.txt")
    document = Document(source=Source(path=str(path)), content=path.read_text(encoding="utf-8"))
    article = to_article(document, extractor_for(Config()))
    quotes = quotes_of(nlp, article.text)
    assert_offsets(article.text, quotes)
    direct = [q for q in quotes if q.kind == "direct"]
    speakers = {q.speaker for q in direct}
    assert "Mustafa Bali" in speakers
    assert "Kino Gabriel" in speakers
    pompeo = [q for q in quotes if q.speaker == "Mike Pompeo" and q.kind in ("direct", "mixed")]
    assert len(pompeo) == 2  # the mixed one is nested inside a news outlet's report
    bali = next(q for q in direct if q.speaker == "Mustafa Bali")
    assert bali.cue in {"wrote", "tweeted"}
    assert article.text[bali.speaker_start:bali.speaker_end] == "he"
    anonymous = [q for q in direct if q.speaker and q.speaker.startswith("a man who spent")]
    assert len(anonymous) == 1
    assert "four and a half years" in (anonymous[0].speaker or "")


@pytest.mark.data
@pytest.mark.model
def test_evaluate_quotes_floor(nlp: Language) -> None:
    from eventwire.evaluate_quotes import evaluate_quotes

    result = evaluate_quotes(data_file("quotes/polnear-train-dev.jsonl"), nlp, limit=60)
    assert result["direct_mixed"]["f1"] >= 0.82
    assert result["direct_mixed"]["speaker_accuracy"] >= 0.90
    assert result["all"]["f1"] >= 0.61
