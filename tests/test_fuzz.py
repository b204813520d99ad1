"""Property tests on odd input (hypothesis): no exception escapes the text cleaner, the HTML path, the JSONL
reader, the quote and the amount extractors, and every span offset they give stays inside the text.

The coverage-guided fuzzing of the same targets (atheris) is ``fuzz/run.py``.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from eventwire.amounts import quantify
from eventwire.clean import clean_html, clean_text
from eventwire.ingest import read_bytes
from eventwire.parse import parse_texts
from eventwire.quotes import attribute
from eventwire.records import Document, Problem

if TYPE_CHECKING:
    from spacy.language import Language

# Pieces of news text and of what scrapers leave in it; hypothesis strings them together with noise.
_PIECES = ("Rain in Paris", "By Ann Lee and Bo Wu", "Share this article", "© 2024 The Daily Post", "Photo: AFP",
           '"We will not leave," the mayor said.', "\u201cIt is over,\u201d said Ann Lee.", "He said that",
           "according to officials", "At least 12 people were killed", "tens of thousands", "30,000", "%100",
           "$3.5 million", "5 km", "on Monday", "\u200b", "\u202e", "\u2066", "\ufeff", "\u00ad", "\u2028", "\r\n",
           "\n\n", "\n", " ", ".", ",", "'", '"', "\u201c", "\u00ab", "(", ")", "-", "\u2014", "10", "1.5", "Syria",
           "said", "told reporters", "Reuters", "|", "Advertisement", "Read more:", "\t", "\x00", "\x0b")
_news = st.lists(st.one_of(st.sampled_from(_PIECES), st.text(max_size=12)), max_size=40).map("".join)
_tags = st.sampled_from(("<p>", "</p>", "<div>", "</div>", "<article>", "<h1>", "</h1>", "<title>", "<br>",
                         "<figure><figcaption>", "</figcaption></figure>", "<nav>", "</nav>", "<script>",
                         "</script>", "<table><tr><td>", "</td></tr></table>", "<a href='/x'>", "</a>", "<!--",
                         "-->", "<!DOCTYPE html>", "<html><head>", "</head><body>", "<meta name='author' content='A'>",
                         "<", ">", "&amp;", "&#0;", "&nbsp;", "<![CDATA["))
_html = st.lists(st.one_of(_tags, _news), max_size=40).map("".join)


def _inside(start: int | None, end: int | None, length: int) -> bool:
    return (start is None and end is None) or (start is not None and end is not None and 0 <= start <= end <= length)


@settings(max_examples=150, deadline=None)
@given(st.one_of(_news, st.text()))
def test_clean_text_never_raises_and_sections_stay_inside(raw: str) -> None:
    cleaned = clean_text(raw)
    assert all(_inside(s.start, s.end, len(cleaned.text)) for s in cleaned.sections)


@settings(max_examples=60, deadline=None)
@given(_html)
def test_clean_html_never_raises_and_sections_stay_inside(html: str) -> None:
    cleaned = clean_html(html)
    assert all(_inside(s.start, s.end, len(cleaned.text)) for s in cleaned.sections)


_json_value = st.recursive(st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True) | _news,
                           lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner,
                                                                                       max_size=3), max_leaves=8)
_row = st.fixed_dictionaries({}, optional={"id": _json_value, "text": _json_value, "html": _json_value,
                                           "date": _json_value, "title": _json_value, "url": _json_value})
_line = st.one_of(_row.map(json.dumps), _json_value.map(json.dumps), st.text(max_size=40))


@settings(max_examples=150, deadline=None)
@given(st.lists(st.one_of(_line.map(lambda line: line.encode("utf-8", "surrogatepass")), st.binary(max_size=40)),
                max_size=8), st.sampled_from(("feed.jsonl", "-", "feed.txt")))
def test_jsonl_reader_never_raises(lines: list[bytes], name: str) -> None:
    data = b"\n".join(lines)
    if name != "feed.jsonl":
        data = b"{}\n" + data  # sniffed as JSONL from its first line
    for item in read_bytes(data, name=name, max_chars=2_000):
        assert isinstance(item, Document | Problem)
        if isinstance(item, Document):
            assert item.content.strip() and len(item.content) <= 20_000
        else:
            assert item.where.startswith(name) and item.code.startswith("EW")


def _valid_parquet() -> bytes:
    import tempfile
    from pathlib import Path

    import duckdb

    with tempfile.TemporaryDirectory() as folder, duckdb.connect() as con:
        target = Path(folder) / "x.parquet"
        con.execute(f"COPY (SELECT 'a' AS id, 'Rain in Paris on Monday.' AS text, 3 AS n) TO '{target}' "
                    "(FORMAT parquet)")
        return target.read_bytes()


_PARQUET = _valid_parquet()


@settings(max_examples=100, deadline=None)
@given(st.integers(0, len(_PARQUET)), st.integers(0, len(_PARQUET) - 1), st.binary(min_size=1, max_size=16))
def test_parquet_reader_never_raises(cut: int, at: int, noise: bytes) -> None:
    """A Parquet file cut short or with bytes overwritten is a problem naming it, never an exception."""
    data = bytearray(_PARQUET[:cut] if cut >= 4 else _PARQUET)
    data[at:at + len(noise)] = noise if at >= 4 else b""
    for item in read_bytes(bytes(data), name="rows.parquet", max_chars=2_000):
        assert isinstance(item, Document | Problem)
        if isinstance(item, Problem):
            assert item.where.startswith("rows.parquet") and item.code.startswith("EW")


@pytest.mark.model
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_news)
def test_quotes_never_raise_and_stay_inside(nlp: Language, text: str) -> None:
    [doc] = list(parse_texts(nlp, [text]))
    for quote in attribute(doc):
        for start, end in ((quote.start, quote.end), (quote.speaker_start, quote.speaker_end),
                           (quote.cue_start, quote.cue_end)):
            assert _inside(start, end, len(text)), quote


@pytest.mark.model
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_news)
def test_amounts_never_raise_and_stay_inside(nlp: Language, text: str) -> None:
    [doc] = list(parse_texts(nlp, [text]))
    for amount in quantify(doc):
        assert _inside(amount.start, amount.end, len(text)) and text[amount.start:amount.end] == amount.text
