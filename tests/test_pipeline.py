"""The pipeline's extract stages: each fails alone, and the failure is recorded on the article."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from eventwire import pipeline
from eventwire.config import Config
from eventwire.errors import UsageError
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


def test_extractor_for_labels_the_version_with_the_users_files(tmp_path: Path) -> None:
    aliases = tmp_path / "my_actors.toml"
    aliases.write_text("# none yet\n", encoding="utf-8")
    plain = pipeline.extractor_for(Config()).version
    first = pipeline.extractor_for(Config(actors=str(aliases))).version
    aliases.write_text("# edited\n", encoding="utf-8")
    second = pipeline.extractor_for(Config(actors=str(aliases))).version

    assert "+" not in plain
    assert first.startswith(plain + "+user.") and second.startswith(plain + "+user.")
    assert first != second  # an edited alias file makes `eventwire run` code the corpus again


def test_extractor_for_names_a_missing_user_file(tmp_path: Path) -> None:
    missing = tmp_path / "nope.toml"
    with pytest.raises(UsageError) as raised:
        pipeline.extractor_for(Config(triggers=str(missing)))
    assert "nope.toml" in str(raised.value.where)


def test_extract_codes_events_with_the_users_trigger_file(nlp: Language, tmp_path: Path) -> None:
    triggers = tmp_path / "my_triggers.toml"
    triggers.write_text('[[trigger]]\nlemmas = ["kneecap"]\npos = ["VERB"]\nsub_event_type = "Attack"\n'
                        'confidence = 0.9\n', encoding="utf-8")
    text = "Punishment attack\n\nMasked men kneecapped a shopkeeper in Belfast on Monday, police said."
    document = Document(source=Source(path="belfast.txt"), content=text, date="2021-03-02")

    def sub_types(config: Config) -> set[str | None]:
        [article] = list(pipeline.extract([document], config, nlp=nlp))
        assert isinstance(article, Article)
        return {e.sub_event_type for e in article.events}

    assert "Attack" not in sub_types(Config())
    assert "Attack" in sub_types(Config(triggers=str(triggers)))


def test_an_article_over_max_chars_is_cut_and_flagged(nlp: Language) -> None:
    from conftest import article_html

    html = article_html("Long report", [f"Paragraph {n} says the talks went on for another day." for n in range(400)])
    document = Document(source=Source(path="long.html", format="html"), content=html, is_html=True)
    [article] = pipeline.process(nlp, [document], extractor=pipeline.Extractor(version="t"), max_chars=2_000)
    assert isinstance(article, Article) and len(article.text) <= 2_000 and article.text.startswith("Long report")
    assert [f.code for f in article.flags if f.code == pipeline.TRUNCATED] == [pipeline.TRUNCATED]
    assert all(s.end <= len(article.text) for s in article.sections)
    assert all(e.end <= len(article.text) for e in article.entities)
    [warning] = pipeline._flag_warnings(article)
    assert (warning.severity, warning.code, warning.where) == ("warning", "EW109", "long.html")
