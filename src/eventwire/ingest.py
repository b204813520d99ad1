"""The ingest stage: files, folders, globs and stdin become raw :class:`Document` records.

Formats are sniffed from the content (the suffix only breaks ties): plain text, HTML, WARC (plain or
gzipped; response records holding HTML), JSONL (``{"id", "text"|"html", "date", "url", "title",
"publisher"}`` per line) and CSV (a ``text``, ``body``, ``content`` or ``html`` column, the same optional
columns). Encodings are detected with
charset-normalizer. Nothing bad stops a run: :func:`ingest` yields a :class:`Problem` naming the file
(and line or record) for each input it cannot use, and goes on with the rest.
"""

from __future__ import annotations

import codecs
import csv
import glob
import gzip
import hashlib
import io
import json
import logging
import sys
import tempfile
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any, BinaryIO

from charset_normalizer import from_bytes

from eventwire.errors import (
    BinaryInputError,
    EmptyInputError,
    EventwireError,
    InputError,
    MalformedInputError,
    NotFoundError,
)
from eventwire.records import Document, Problem, Source, SourceFormat

log = logging.getLogger(__name__)

STDIN = "-"
_SNIFF_BYTES = 8192
DEFAULT_MAX_CHARS = 1_000_000
"""The most characters of one article's text that are read (configuration ``max_chars``)."""
HTML_FACTOR = 10
"""Raw HTML may be this many times ``max_chars``: markup and inline scripts outweigh the text."""
_TEXT_COLUMNS = ("text", "body", "content", "article", "html")
_HTML_MARKERS = ("<!doctype html", "<html", "<head", "<body", "<article", "<div", "<p>", "<p ", "<meta")

Item = Document | Problem


def ingest(paths: Iterable[str], *, stdin: BinaryIO | None = None,
           max_chars: int = DEFAULT_MAX_CHARS) -> Iterator[Item]:
    """Read every article under ``paths``: files, folders (recursive), glob patterns, or ``-`` for stdin.

    Yields a :class:`Document` per article found and a :class:`Problem` per input (or line, or record)
    that cannot be used, in input order. A text longer than ``max_chars`` characters (raw HTML: ten times
    that) is cut at a word boundary before the limit and read with an ``EW109`` warning naming where it
    was cut; a plain file is read no further than the limit needs, so a huge file costs no more memory.

    >>> [type(x).__name__ for x in ingest(["examples/wire.jsonl"])]  # doctest: +SKIP
    ['Document', 'Document']
    """
    for path in paths:
        if path == STDIN:
            stream = stdin if stdin is not None else sys.stdin.buffer
            yield from read_bytes(stream.read(), name=STDIN, max_chars=max_chars)
            continue
        try:
            files = expand(path)
        except NotFoundError as exc:
            yield _problem(exc)
            continue
        for file in files:
            yield from read_file(file, max_chars=max_chars)


def expand(path: str) -> list[Path]:
    """The files a command-line path stands for, sorted: the file, a folder's files (recursive, hidden
    files skipped), or a glob pattern's matches (``**`` recurses)."""
    candidate = Path(path)
    if candidate.is_file():
        return [candidate]
    if candidate.is_dir():
        return sorted(p for p in candidate.rglob("*")
                      if p.is_file() and not any(part.startswith(".") for part in p.relative_to(candidate).parts))
    if any(ch in path for ch in "*?["):
        matches = sorted(Path(m) for m in glob.glob(path, recursive=True))
        files = [m for m in matches if m.is_file()]
        for folder in (m for m in matches if m.is_dir()):
            files.extend(expand(str(folder)))
        if files:
            return files
        raise NotFoundError("the pattern matches no file; check the pattern and quote it for the shell",
                            where=path)
    raise NotFoundError("no such file or folder", where=path)


def read_file(path: Path, *, max_chars: int = DEFAULT_MAX_CHARS) -> Iterator[Item]:
    """Every article in one file, or the problems that keep it (or parts of it) out.

    JSONL files are streamed line by line, so a corpus dump of any size reads in constant memory; a
    text or HTML file is read no further than ``max_chars`` needs (4 bytes a character at most).
    """
    try:
        with path.open("rb") as handle:
            head = handle.read(_SNIFF_BYTES)
            try:
                kind = sniff(head, name=str(path))
            except EventwireError as exc:
                yield _problem(exc)
                return
            if kind == "jsonl":
                handle.seek(0)
                yield from _read_jsonl(handle, name=str(path), max_chars=max_chars)
                return
            if kind == "parquet":
                yield from _read_parquet(path, name=str(path), max_chars=max_chars)
                return
            if kind in ("text", "html"):
                budget = 4 * max_chars * (HTML_FACTOR if kind == "html" else 1) + 4
                data = head + handle.read(max(0, budget - len(head)))
                if handle.read(1):
                    yield from _read_document(data, kind=kind, name=str(path), max_chars=max_chars, cut=True)
                    return
            else:
                data = head + handle.read()
    except OSError as exc:
        yield _problem(InputError(f"cannot read the file ({exc.strerror or exc}); check its permissions",
                                  where=str(path)))
        return
    yield from read_bytes(data, name=str(path), max_chars=max_chars)


def read_bytes(data: bytes, *, name: str, max_chars: int = DEFAULT_MAX_CHARS) -> Iterator[Item]:
    """Every article in the bytes of one input called ``name`` (a path, or ``-``)."""
    try:
        kind = sniff(data, name=name)
        if kind == "warc":
            yield from _read_warc(data, name=name, max_chars=max_chars)
            return
        if kind == "jsonl":
            yield from _read_jsonl(io.BytesIO(data), name=name, max_chars=max_chars)
            return
        if kind == "parquet":  # from stdin: DuckDB reads Parquet from a file
            with tempfile.TemporaryDirectory(prefix="eventwire-") as folder:
                spilled = Path(folder) / "input.parquet"
                spilled.write_bytes(data)
                yield from _read_parquet(spilled, name=name, max_chars=max_chars)
            return
        if kind == "csv":
            text, warning = decode(data, name=name)
            if warning is not None:
                yield warning
            yield from _read_csv(text, name=name, max_chars=max_chars)
            return
    except EventwireError as exc:
        yield _problem(exc)
        return
    yield from _read_document(data, kind=kind, name=name, max_chars=max_chars)


def _read_document(data: bytes, *, kind: str, name: str, max_chars: int, cut: bool = False) -> Iterator[Item]:
    """The one article of a text or HTML input; ``cut``: ``data`` is the start of a longer input."""
    try:
        text, warning = decode(data, name=name, partial=cut)
        if warning is not None:
            yield warning
        if not text.strip():
            raise EmptyInputError("the file holds only whitespace; nothing to read", where=name)
        is_html = kind == "html"
        text, truncated = limit_text(text, is_html=is_html, max_chars=max_chars, where=name, more=cut)
        if truncated is not None:
            yield truncated
        yield Document(source=Source(path=name, format="html" if is_html else "text"), content=text,
                       is_html=is_html)
    except EventwireError as exc:
        yield _problem(exc)


def limit_text(text: str, *, is_html: bool, max_chars: int, where: str,
               more: bool = False) -> tuple[str, Problem | None]:
    """``text`` cut to the limit (``max_chars``; HTML ten times that) at the last whitespace before it,
    with the ``EW109`` warning saying where; ``more``: the input went on beyond ``text`` already.

    >>> limit_text("one two three", is_html=False, max_chars=9, where="a.txt")[0]
    'one two '
    """
    limit = max_chars * (HTML_FACTOR if is_html else 1)
    if len(text) <= limit and not more:
        return text, None
    cut = cut_point(text, limit)
    size = f"more than {len(text):,}" if more else f"{len(text):,}"
    what = "raw HTML" if is_html else "text"
    warning = Problem(severity="warning", code="EW109", where=where,
                      message=f"the {what} is {size} characters long, over the limit of {limit:,} "
                              f"(max_chars {max_chars:,}); only its first {cut:,} characters are read — "
                              "raise max_chars (--max-chars) to read more")
    log.warning("EW109 %s: %s", where, warning.message)
    return text[:cut], warning


def cut_point(text: str, limit: int) -> int:
    """Where to cut ``text`` to at most ``limit`` characters: after the last paragraph break, else sentence
    end, else whitespace in the last tenth before the limit (or 200 characters); at the limit when there is none.

    >>> cut_point("One. Two three four", 12)
    5
    """
    if len(text) <= limit:
        return len(text)
    floor = limit - max(limit // 10, min(limit, 200))
    for mark in ("\n\n", ". ", "\n", " "):
        found = text.rfind(mark, floor, limit)
        if found > 0:
            return found + len(mark)
    return limit


def sniff(data: bytes, *, name: str) -> str:
    """The format of an input from its first bytes: ``warc``, ``parquet``, ``jsonl``, ``csv``, ``html`` or
    ``text``.

    Raises :class:`EmptyInputError` for an empty input and :class:`BinaryInputError` for binary data
    that is neither WARC nor text.
    """
    if not data:
        raise EmptyInputError("the file is empty; nothing to read", where=name)
    head = data[:_SNIFF_BYTES]
    start = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    suffix = _suffix(name)
    if start.startswith(b"{") and (suffix in (".jsonl", ".ndjson", ".json") or _first_line_is_object(start)):
        return "jsonl"  # before the NUL test: one broken line must not make the whole file "binary"
    if head[:2] == b"\x1f\x8b":
        try:
            with gzip.GzipFile(fileobj=io.BytesIO(data)) as unzipped:
                inner = unzipped.read(16)
        except (OSError, EOFError, zlib.error) as exc:
            raise BinaryInputError(f"a gzip file that cannot be opened ({exc})", where=name) from exc
        if inner.startswith(b"WARC/"):
            return "warc"
        raise BinaryInputError("a gzip file that is not a WARC archive; unpack it first", where=name)
    if head.startswith(b"WARC/"):
        return "warc"
    if head.startswith(b"PAR1"):
        return "parquet"
    if suffix in (".parquet", ".pq"):
        raise MalformedInputError("named like a Parquet file but does not start as one (PAR1); check the file",
                                  where=name)
    if b"\x00" in head:
        utf16 = utf16_encoding(head)
        if utf16 is None:
            raise BinaryInputError("binary data, not text (NUL bytes); eventwire reads text, HTML, WARC, "
                                   "JSONL, CSV and Parquet", where=name)
        start = head.decode(utf16, errors="replace").lstrip("\ufeff \t\r\n").lower().encode()
    if start.startswith(b"<") and any(m.encode() in start[:2048] for m in _HTML_MARKERS):
        return "html"
    if suffix in (".html", ".htm", ".xhtml") and b"<" in start[:4096]:
        return "html"
    if suffix == ".csv" or (suffix in (".tsv", "") and _looks_like_csv_header(start)):
        return "csv"
    if suffix in (".jsonl", ".ndjson"):
        return "jsonl"
    return "text"


def decode(data: bytes, *, name: str, partial: bool = False) -> tuple[str, Problem | None]:
    """Text of an input: UTF-8 when it is (BOM dropped), else UTF-16 when its NUL bytes say so (BOM or
    not), else the encoding charset-normalizer detects, with a warning naming it. Undecodable bytes are a
    :class:`BinaryInputError`. ``partial``: ``data`` is the start of a longer input, so a character cut
    in two at its end is dropped.
    """
    utf16 = utf16_encoding(data[:_SNIFF_BYTES]) if b"\x00" in data[:_SNIFF_BYTES] else None
    first_bad = 0
    if utf16 is None:  # NUL bytes are valid UTF-8, so UTF-16 must be recognised first
        try:
            return codecs.getincrementaldecoder("utf-8-sig")().decode(data, final=not partial), None
        except UnicodeDecodeError as exc:
            first_bad = exc.start
        utf16 = utf16_encoding(data[:_SNIFF_BYTES])
    if utf16 is not None:
        text = data[:len(data) - len(data) % 2].decode(utf16, errors="replace")
        label = "UTF-16 with a byte-order mark" if utf16 == "utf-16" else f"{utf16.upper()} without a byte-order mark"
        return text, Problem(severity="warning", code="EW106", where=name,
                             message=f"not UTF-8; read as {label} — check accents and quotes")
    best = from_bytes(data[:1_000_000]).best()
    if best is not None and best.encoding.startswith(("utf_16", "utf_32")) and not best.bom:
        best = None  # UTF-16/32 text has NUL bytes or a BOM; without both this is noise, not text
    if best is None:
        raise BinaryInputError(f"not UTF-8 (first bad byte at offset {first_bad}) and no text encoding "
                               "fits; convert it to UTF-8", where=name)
    text = data.decode(best.encoding, errors="replace")
    warning = Problem(severity="warning", code="EW106", where=name,
                      message=f"not valid UTF-8 (first bad byte at offset {first_bad}); read as "
                              f"{best.encoding}, the detected encoding — check accents and quotes")
    return text, warning


def utf16_encoding(head: bytes) -> str | None:
    """``utf-16`` (a byte-order mark), ``utf-16-le`` or ``utf-16-be`` when the first bytes of an input
    are UTF-16 text, else ``None``. Without a mark, text in a Latin script has a NUL byte in every other
    place (the high byte of each character) and nowhere else; binary data has them anywhere.

    >>> utf16_encoding("Rain in Paris".encode("utf-16-le")), utf16_encoding(bytes(range(64)))
    ('utf-16-le', None)
    """
    pairs = len(head) // 2
    if head.startswith((b"\xff\xfe", b"\xfe\xff")) and not head.startswith(b"\xff\xfe\x00\x00"):
        encoding = "utf-16"
    elif pairs < 8:
        return None
    elif head[1:pairs * 2:2].count(0) >= 0.2 * pairs and head[0:pairs * 2:2].count(0) <= 0.01 * pairs:
        encoding = "utf-16-le"
    elif head[0:pairs * 2:2].count(0) >= 0.2 * pairs and head[1:pairs * 2:2].count(0) <= 0.01 * pairs:
        encoding = "utf-16-be"
    else:
        return None
    text = head[:pairs * 2].decode(encoding, errors="replace")
    controls = sum(1 for ch in text if (ch < " " and ch not in "\t\n\r\f") or ch == "\ufffd")
    return encoding if text.strip() and controls <= 0.01 * len(text) else None


def input_hash(document: Document) -> str:
    """Hash of a document's raw content and input metadata: a re-run skips inputs it has seen."""
    digest = hashlib.sha256()
    for part in (document.content, document.doc_id or "", document.date or "", document.title or "",
                 document.source.url or "", document.publisher or ""):
        digest.update(part.encode("utf-8", errors="surrogatepass"))
        digest.update(b"\x00")
    return digest.hexdigest()[:24]


# --- formats ----------------------------------------------------------------------------------------

def _read_jsonl(lines: Iterable[bytes], *, name: str, max_chars: int = DEFAULT_MAX_CHARS) -> Iterator[Item]:
    """Rows of a JSONL stream, each line decoded on its own (a line that is not UTF-8 is read in its
    detected encoding, with a warning naming the line)."""
    found = False
    for number, raw in enumerate(lines, 1):
        if not raw.strip():
            continue
        found = True
        where = f"{name}:{number}"
        try:
            line, warning = decode(raw.removeprefix(b"\xef\xbb\xbf") if number == 1 else raw, name=where)
        except BinaryInputError as exc:
            yield _problem(exc)
            continue
        if warning is not None:
            yield warning
        try:
            row = json.loads(line)
        except json.JSONDecodeError as exc:
            yield _problem(MalformedInputError(f"line is not valid JSON ({exc.msg} at column {exc.colno})",
                                               where=where))
            continue
        try:
            yield from _limited(_row_document(row, where=where, fmt="jsonl"), max_chars)
        except InputError as exc:
            yield _problem(exc)
    if not found:
        yield _problem(EmptyInputError("the JSONL file holds no line", where=name))


def _read_csv(text: str, *, name: str, max_chars: int = DEFAULT_MAX_CHARS) -> Iterator[Item]:
    csv.field_size_limit(min(sys.maxsize, 2**31 - 1))
    dialect: type[csv.Dialect] | csv.Dialect = csv.excel_tab if _suffix(name) == ".tsv" else csv.excel
    reader = csv.DictReader(io.StringIO(text, newline=""), dialect=dialect)
    columns = [c.strip().lower() for c in (reader.fieldnames or []) if c]
    if not any(c in columns for c in _TEXT_COLUMNS):
        yield _problem(MalformedInputError(
            f"no text column among {columns or 'no header'}; name one of {', '.join(_TEXT_COLUMNS)}",
            where=name))
        return
    line = 1
    try:
        for raw in reader:
            where = f"{name}:{line + 1}"
            line = reader.line_num
            if None in raw:
                yield _problem(MalformedInputError("the row has more fields than the header", where=where))
                continue
            row = {(k or "").strip().lower(): v for k, v in raw.items()}
            try:
                yield from _limited(_row_document(row, where=where, fmt="csv"), max_chars)
            except InputError as exc:
                yield _problem(exc)
    except csv.Error as exc:
        yield _problem(MalformedInputError(f"broken CSV ({exc}); the rest of the file is skipped",
                                           where=f"{name}:{reader.line_num}"))


_PARQUET_CHUNK = 1024


def _read_parquet(path: Path, *, name: str, max_chars: int = DEFAULT_MAX_CHARS) -> Iterator[Item]:
    """Rows of a Parquet file with the JSONL columns, read by DuckDB a chunk at a time (so a corpus
    file of any size reads in bounded memory); a row is ``name:N`` (1-based). Dates may be DATE or
    TIMESTAMP columns or strings."""
    import datetime

    import duckdb

    con = duckdb.connect()
    try:
        try:
            cursor = con.execute("SELECT * FROM read_parquet(?)", [str(path)])
        except duckdb.Error as exc:
            yield _problem(MalformedInputError(f"a Parquet file that cannot be read ({exc})", where=name))
            return
        columns = [str(c[0]).strip().lower() for c in cursor.description or ()]
        if not any(c in columns for c in _TEXT_COLUMNS):
            yield _problem(MalformedInputError(
                f"no text column among {columns}; name one of {', '.join(_TEXT_COLUMNS)}", where=name))
            return
        number = 0
        try:
            while chunk := cursor.fetchmany(_PARQUET_CHUNK):
                for values in chunk:
                    number += 1
                    row = {k: v.isoformat()[:10] if isinstance(v, datetime.date) else v
                           for k, v in zip(columns, values, strict=True)}
                    try:
                        yield from _limited(_row_document(row, where=f"{name}:{number}", fmt="parquet"),
                                            max_chars)
                    except InputError as exc:
                        yield _problem(exc)
        except duckdb.Error as exc:
            yield _problem(MalformedInputError(f"the Parquet file breaks off ({exc}); the rest is skipped",
                                               where=f"{name}:{number + 1}"))
            return
        if not number:
            yield _problem(EmptyInputError("the Parquet file holds no row", where=name))
    finally:
        con.close()


_ROW_FORMATS: dict[str, SourceFormat] = {"jsonl": "jsonl", "csv": "csv", "parquet": "parquet"}


def _limited(document: Document, max_chars: int) -> Iterator[Item]:
    """The document, cut to the limit with its ``EW109`` warning first when it is over it."""
    content, warning = limit_text(document.content, is_html=document.is_html, max_chars=max_chars,
                                  where=document.source.path)
    if warning is not None:
        yield warning
        document = replace(document, content=content)
    yield document


def _row_document(row: Any, *, where: str, fmt: str) -> Document:
    if not isinstance(row, dict):
        raise MalformedInputError(f"expected an object with a text field, got {type(row).__name__}",
                                  where=where)
    html = row.get("html")
    body = next((row[k] for k in ("text", "body", "content", "article") if isinstance(row.get(k), str)), None)
    is_html = body is None and isinstance(html, str)
    content = html if is_html else body
    if not isinstance(content, str):
        raise MalformedInputError("no \"text\" or \"html\" field with a string; each line needs one",
                                  where=where)
    if not content.strip():
        raise EmptyInputError("the text is empty", where=where)
    doc_id = row.get("id")
    return Document(
        source=Source(path=where, url=_str_or_none(row.get("url")), format=_ROW_FORMATS[fmt]),
        content=content, is_html=is_html,
        doc_id=None if doc_id in (None, "") else str(doc_id),
        date=_str_or_none(row.get("date") or row.get("published")),
        title=_str_or_none(row.get("title")),
        publisher=_str_or_none(row.get("publisher") or row.get("site_name") or row.get("outlet")),
    )


def _read_warc(data: bytes, *, name: str, max_chars: int = DEFAULT_MAX_CHARS) -> Iterator[Item]:
    from warcio.archiveiterator import ArchiveIterator
    from warcio.exceptions import ArchiveLoadFailed

    skipped: dict[str, int] = {}
    count = 0
    iterator = ArchiveIterator(io.BytesIO(data))
    try:
        for record in iterator:
            count += 1
            where = f"{name}#record{count}"
            rec_type = record.rec_type
            content_type = (record.http_headers.get_header("Content-Type") if record.http_headers else None) or ""
            if rec_type != "response" or "html" not in content_type.lower():
                key = rec_type if rec_type != "response" else f"response {content_type.split(';')[0] or '?'}"
                skipped[key] = skipped.get(key, 0) + 1
                continue
            payload = record.content_stream().read()
            url = record.rec_headers.get_header("WARC-Target-URI")
            missing = getattr(record.raw_stream, "limit", 0)
            if missing:
                raise EOFError(f"record {count} is cut off, {missing} bytes short of its Content-Length")
            try:
                text, warning = decode(payload, name=where) if payload.strip() else ("", None)
            except BinaryInputError as exc:
                yield _problem(exc)
                continue
            if warning is not None:
                yield warning
            if not text.strip():
                yield _problem(EmptyInputError("the response record has no body", where=where))
                continue
            yield from _limited(Document(source=Source(path=where, url=url, format="warc"), content=text,
                                         is_html=True), max_chars)
    except (ArchiveLoadFailed, EOFError, OSError, ValueError) as exc:
        yield _problem(MalformedInputError(
            f"the WARC archive is broken after record {count} ({exc}); the records before it were read",
            where=name))
    if skipped:
        summary = ", ".join(f"{n} {kind}" for kind, n in sorted(skipped.items()))
        yield Problem(severity="skipped", code="EW107", where=name,
                      message=f"records that hold no HTML article were skipped: {summary}")
    if count == 0:
        yield _problem(MalformedInputError("the WARC archive holds no record", where=name))


# --- helpers ----------------------------------------------------------------------------------------

def _problem(exc: EventwireError) -> Problem:
    log.warning("%s", exc)
    return Problem(severity="error", code=exc.code, where=exc.where or "?", message=exc.message)


def _suffix(name: str) -> str:
    return Path(name.split("#", 1)[0]).suffix.lower()


def _str_or_none(value: Any) -> str | None:
    if value is None or value == "":
        return None
    return str(value)


def _first_line_is_object(start: bytes) -> bool:
    line = start.split(b"\n", 1)[0]
    try:
        return isinstance(json.loads(line), dict)
    except (json.JSONDecodeError, UnicodeDecodeError):
        return False


def _looks_like_csv_header(start: bytes) -> bool:
    header = start.split(b"\n", 1)[0].decode("utf-8", errors="replace")
    names = [n.strip().strip('"').lower() for n in header.split(",")]
    return len(names) > 1 and any(n in _TEXT_COLUMNS for n in names)
