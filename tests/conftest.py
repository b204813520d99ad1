"""Shared fixtures: the development data folder, the spaCy model (loaded once), small input files."""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from spacy.language import Language

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT.parent / "shared" / "data"
EXAMPLES = ROOT / "examples" / "articles"


def data_file(relative: str) -> Path:
    """A file under ../shared/data, or skip the test saying what is missing."""
    path = DATA / relative
    if not path.exists():
        pytest.skip(f"development data not found at {path} (the shared data folder is absent)")
    return path


@pytest.fixture(scope="session")
def nlp() -> Iterator[Language]:
    from eventwire.config import DEFAULT_MODEL
    from eventwire.parse import load_model

    yield load_model(DEFAULT_MODEL)


def article_html(headline: str, paragraphs: list[str]) -> str:
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    return (f"<!DOCTYPE html><html><head><title>{headline}</title></head><body><nav><a href='/'>Home</a>"
            f"</nav><article><h1>{headline}</h1>{body}</article></body></html>")


def warc_bytes(pages: list[tuple[str, str]], *, gzip: bool = True) -> bytes:
    """A WARC archive with a warcinfo record, then a request and an HTML response per (url, html)."""
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    buffer = io.BytesIO()
    writer = WARCWriter(buffer, gzip=gzip)
    writer.write_record(writer.create_warcinfo_record("test.warc", {"software": "eventwire tests"}))
    for url, html in pages:
        request = StatusAndHeaders("GET / HTTP/1.1", [("Host", "example.org")], is_http_request=True)
        writer.write_record(writer.create_warc_record(url, "request", http_headers=request))
        headers = StatusAndHeaders("200 OK", [("Content-Type", "text/html; charset=utf-8")],
                                   protocol="HTTP/1.1")
        writer.write_record(writer.create_warc_record(url, "response", payload=io.BytesIO(html.encode()),
                                                      http_headers=headers))
    return buffer.getvalue()


@pytest.fixture(scope="session")
def built_gazetteer_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The gazetteer index built once per test session (about 25 s) into a temporary cache."""
    from eventwire.gazetteer import build

    return build(tmp_path_factory.mktemp("gazetteer-cache") / "gazetteer-test.sqlite").path
