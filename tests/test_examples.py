"""The bundled sample articles come out of cleaning the way a reader would expect."""

from __future__ import annotations

import pytest

from conftest import EXAMPLES
from eventwire.clean import clean
from eventwire.ingest import ingest
from eventwire.records import Document

HEADLINES = {
    "baghuz_2019-03-23.txt": "SDF says Islamic State's last enclave in Syria has fallen at Baghuz",
    "christchurch_2019-03-15.txt": "Gunman kills at least 49 at two Christchurch mosques",
    "hong_kong_2019-06-12.txt": "Police fire tear gas at Hong Kong protesters outside legislature",
    "sri_lanka_easter_2019-04-21.txt": "Sri Lanka lowers Easter bombings death toll to about 253",
    "westgate_2013-09-21.txt": "Gunmen kill at least 39 in attack on Nairobi shopping mall",
}
DEBRIS = ("Share this article", "Advertisement", "Subscribe", "All rights reserved", "Log in")


def _document(name: str) -> Document:
    [document] = [d for d in ingest([str(EXAMPLES / name)]) if isinstance(d, Document)]
    return document


@pytest.mark.parametrize("name", sorted(HEADLINES))
def test_examples_plain_text_headline_and_debris(name: str) -> None:
    cleaned = clean(_document(name))
    assert cleaned.title == HEADLINES[name]
    assert cleaned.authors, "every sample text carries a byline"
    for debris in DEBRIS:
        assert debris not in cleaned.text, f"{debris!r} left in the text of {name}"
    removed = " ".join(r.text for r in cleaned.removed)
    assert all(debris in removed for debris in DEBRIS if debris in _document(name).content)


def test_examples_residue_glued_to_a_counter_is_removed() -> None:
    cleaned = clean(_document("westgate_2013-09-21.txt"))
    assert "2714" not in cleaned.text
    assert any("Mbugua2714" in r.text and r.reason == "residue" for r in cleaned.removed)
    assert cleaned.authors == ("Esther Mbugua",)


def test_examples_caption_credit_is_separated() -> None:
    cleaned = clean(_document("hong_kong_2019-06-12.txt"))
    assert any(s.kind == "caption" for s in cleaned.sections)
    assert any(r.reason == "credit" and "Kelvin Tsang" in r.text for r in cleaned.removed)


def test_examples_input_date_wins_over_dates_in_the_body() -> None:
    documents = [d for d in ingest([str(EXAMPLES / "wire.jsonl"), str(EXAMPLES / "export.csv")])
                 if isinstance(d, Document)]
    assert len(documents) == 4
    for document in documents:
        assert clean(document).published == document.date


@pytest.mark.parametrize("name", ["beirut_port_2020-08-04.html", "kabul_2021-08-15.html"])
def test_examples_html_metadata(name: str) -> None:
    cleaned = clean(_document(name))
    assert cleaned.title and cleaned.published and cleaned.authors and cleaned.publisher
    assert any(s.kind == "body" for s in cleaned.sections)
    assert not any(word in cleaned.text for word in ("cookies", "All rights reserved"))
