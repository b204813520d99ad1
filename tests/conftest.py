"""Shared fixtures: the development data folder, the spaCy model (loaded once), small input files."""

from __future__ import annotations

import io
import os
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


@pytest.fixture(scope="session", autouse=True)
def gazetteer_cache(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """One gazetteer cache dir for the whole session: ``EVENTWIRE_CACHE`` points at it, so the pipeline in
    this process and every ``eventwire`` subprocess a test starts use the index built once here."""
    cache = tmp_path_factory.mktemp("gazetteer-cache")
    before = os.environ.get("EVENTWIRE_CACHE")
    os.environ["EVENTWIRE_CACHE"] = str(cache)
    yield cache
    if before is None:
        os.environ.pop("EVENTWIRE_CACHE", None)
    else:
        os.environ["EVENTWIRE_CACHE"] = before


@pytest.fixture(scope="session")
def built_gazetteer_path(gazetteer_cache: Path) -> Path:
    """The bundled gazetteer index, built once per test session (about 30 s) into the session cache."""
    from eventwire.gazetteer import build
    from eventwire.gazetteer.build import default_path

    path = default_path()
    assert path.parent == gazetteer_cache
    return path if path.exists() else build(path).path


@pytest.fixture(autouse=True)
def _gazetteer_for_model_tests(request: pytest.FixtureRequest) -> None:
    """Tests that load the model may run the pipeline, which opens the gazetteer: build it first, in this
    process, rather than in a subprocess per test."""
    if request.node.get_closest_marker("model") is not None:
        request.getfixturevalue("built_gazetteer_path")


@pytest.fixture(scope="session")
def sample_store(tmp_path_factory: pytest.TempPathFactory, built_gazetteer_path: Path) -> Path:
    """examples/articles/ run through the pipeline (and fusion) into a store, once per session."""
    from eventwire.config import load_config
    from eventwire.pipeline import run

    db = tmp_path_factory.mktemp("sample-store") / "sample.duckdb"
    summary = run([str(EXAMPLES)], load_config(None, db=str(db), workers=1), progress=False)
    assert summary.stored == 11 and summary.failed == 0
    return db
