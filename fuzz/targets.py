"""What each fuzz target checks: the invariants eventwire promises on any input.

Each target takes bytes (what atheris gives) and raises ``AssertionError`` when an invariant breaks; any
other exception escaping is a finding too. Shared by ``fuzz/fuzz.py`` (atheris, coverage-guided) and
readable on its own: no exception escapes, and every span offset stays inside its text.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from functools import cache
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from spacy.language import Language


def _text(data: bytes) -> str:
    return data.decode("utf-8", errors="surrogateescape").encode("utf-8", errors="replace").decode("utf-8")


def _inside(spans: Iterable[tuple[int | None, int | None]], length: int, what: str) -> None:
    for start, end in spans:
        if start is None and end is None:
            continue
        assert start is not None and end is not None, f"{what}: one offset of a pair is missing"
        assert 0 <= start <= end <= length, f"{what}: ({start}, {end}) outside a text of {length} characters"


def clean_text(data: bytes) -> None:
    from eventwire.clean import clean_text as clean

    cleaned = clean(_text(data))
    _inside(((s.start, s.end) for s in cleaned.sections), len(cleaned.text), "section")


def clean_html(data: bytes) -> None:
    from eventwire.clean import clean_html as clean

    cleaned = clean(_text(data))
    _inside(((s.start, s.end) for s in cleaned.sections), len(cleaned.text), "section")


def jsonl(data: bytes) -> None:
    from eventwire.ingest import read_bytes
    from eventwire.records import Document, Problem

    for name in ("feed.jsonl", "-"):
        for item in read_bytes(data, name=name, max_chars=5_000):
            assert isinstance(item, Document | Problem), type(item)
            if isinstance(item, Document):
                assert item.content.strip() and len(item.content) <= 50_000


@cache
def _nlp() -> Language:
    from eventwire.config import DEFAULT_MODEL
    from eventwire.parse import load_model

    return load_model(DEFAULT_MODEL)


def _doc(data: bytes) -> Any:
    from eventwire.parse import parse_texts

    text = _text(data)[:4_000]
    [doc] = list(parse_texts(_nlp(), [text]))
    assert doc.text == text
    return doc


def quotes(data: bytes) -> None:
    from eventwire.quotes import attribute

    doc = _doc(data)
    for quote in attribute(doc):
        _inside([(quote.start, quote.end), (quote.speaker_start, quote.speaker_end),
                 (quote.cue_start, quote.cue_end)], len(doc.text), "quote")


def amounts(data: bytes) -> None:
    from eventwire.amounts import quantify

    doc = _doc(data)
    for amount in quantify(doc):
        _inside([(amount.start, amount.end)], len(doc.text), "amount")
        assert doc.text[amount.start:amount.end] == amount.text, "amount text is not the text at its offsets"


TARGETS: dict[str, Callable[[bytes], None]] = {
    "clean_text": clean_text, "clean_html": clean_html, "jsonl": jsonl, "quotes": quotes, "amounts": amounts,
}
NEEDS_MODEL = frozenset({"quotes", "amounts"})

SEEDS: dict[str, list[bytes]] = {
    "clean_text": [b"Rain in Paris\n\nIt rained all day, the mayor said.\nBy Ann Lee\nShare this\n",
                   "Grève\u200b à Besançon\u202e\n\n© 2024 Le Journal\nPhoto: AFP\n".encode()],
    "clean_html": [(b"<html><head><title>Rain</title></head><body><nav>Home</nav><article><h1>Rain</h1>"
                   b"<p>It rained all day, the mayor said.</p><figure><figcaption>A street (AFP)</figcaption>"
                   b"</figure></article></body></html>"), b"<div><div><p>x<table><td>y</p></div>"],
    "jsonl": [b'{"id": "a", "text": "Rain fell.", "date": "2020-01-02"}\n{"id": 3, "html": "<p>x</p>"}\n',
              b'{"text": 5}\n[1]\nnull\n{"text": "\\u00e9"}\n\xff\xfe\x00\n'],
    "quotes": ['"We will not leave," the mayor said on Monday. He added that talks would go on, '
               "according to officials. \u201cIt is over,\u201d said Ann Lee.".encode()],
    "amounts": [(b"At least 12 people were killed and 30,000 displaced; tens of thousands fled 5 km. "
                b"The toll rose to %100 and $3.5 million, officials said.")],
}
