"""The pipeline's extract stages: each fails alone, and the failure is recorded on the article."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from eventwire import pipeline
from eventwire.config import Config
from eventwire.records import Article, Document, Source

if TYPE_CHECKING:
    from spacy.language import Language

pytestmark = pytest.mark.model

TEXT = ("Clashes in Raqqa\n\nAt least 12 people were killed in Raqqa, Syria, on Monday, officials said. "
        '"The fighting goes on," said Amal Haddad, a local official.')


def test_a_failing_stage_leaves_a_flag_and_the_other_stages(nlp: Language, monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*_: object) -> tuple[()]:
        raise RuntimeError("boom")

    monkeypatch.setattr(pipeline, "quantify", broken)
    document = Document(source=Source(path="raqqa.txt"), content=TEXT, date="2019-03-18")
    [article] = list(pipeline.extract([document], Config(), nlp=nlp))
    assert isinstance(article, Article)
    assert article.amounts == ()
    assert [f.code for f in article.flags] == ["stage-error"] and "amounts" in article.flags[0].message
    assert {p.country_code for p in article.places} == {"SY"}
    assert any(t.value == "2019-03-18" for t in article.times)
    assert "Amal Haddad" in [q.speaker for q in article.quotes]


def test_every_stage_fills_its_part_of_the_record(nlp: Language) -> None:
    document = Document(source=Source(path="raqqa.txt"), content=TEXT, date="2019-03-18")
    [article] = list(pipeline.extract([document], Config(), nlp=nlp))
    assert isinstance(article, Article) and article.flags == ()
    assert [(a.text, a.kind) for a in article.amounts] == [("At least 12", "fatalities")]
    assert article.extractor.gazetteer is not None
