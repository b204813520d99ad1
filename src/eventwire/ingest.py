"""The ingest stage: files, folders, globs and stdin become raw :class:`Document` records.

Formats are sniffed from the content (the suffix only breaks ties): plain text, HTML, WARC (plain or
gzipped; response records holding HTML), JSONL (``{"id", "text"|"html", "date", "url", "title",
"publisher"}`` per line) and CSV (a ``text``, ``body``, ``content`` or ``html`` column, the same optional
columns). Encodings are detected with
charset-normalizer. Nothing bad stops a run: :func:`ingest` yields a :class:`Problem` naming the file
(and line or record) for each input it cannot use, and goes on with the rest.
"""

from __future__ import annotations

import csv
import glob
import gzip
import hashlib
import io
import json
import logging
import sys
import zlib
from collections.abc import Iterable, Iterator
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
from eventwire.records import Document, Problem, Source

log = logging.getLogger(__name__)

STDIN = "-"
_SNIFF_BYTES = 8192
_TEXT_COLUMNS = ("text", "body", "content", "article", "html")
_HTML_MARKERS = ("<!doctype html", "<html", "<head", "<body", "<article", "<div", "<p>", "<p ", "<meta")

Item = Document | Problem


def ingest(paths: Iterable[str], *, stdin: BinaryIO | None = None) -> Iterator[Item]:
    """Read every article under ``paths``: files, folders (recursive), glob patterns, or ``-`` for stdin.

    Yields a :class:`Document` per article found and a :class:`Problem` per input (or line, or record)
    that cannot be used, in input order.

    >>> [type(x).__name__ for x in ingest(["examples/wire.jsonl"])]  # doctest: +SKIP
    ['Document', 'Document']
    """
    for path in paths:
        if path == STDIN:
            stream = stdin if stdin is not None else sys.stdin.buffer
            yield from read_bytes(stream.read(), name=STDIN)
            continue
        try:
            files = expand(path)
        except NotFoundError as exc:
            yield _problem(exc)
            continue
        for file in files:
            yield from read_file(file)


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


def read_file(path: Path) -> Iterator[Item]:
    """Every article in one file, or the problems that keep it (or parts of it) out.

    JSONL files are streamed line by line, so a corpus dump of any size reads in constant memory.
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
                yield from _read_jsonl(handle, name=str(path))
                return
            data = head + handle.read()
    except OSError as exc:
        yield _problem(InputError(f"cannot read the file ({exc.strerror or exc}); check its permissions",
                                  where=str(path)))
        return
    yield from read_bytes(data, name=str(path))


def read_bytes(data: bytes, *, name: str) -> Iterator[Item]:
    """Every article in the bytes of one input called ``name`` (a path, or ``-``)."""
    try:
        kind = sniff(data, name=name)
        if kind == "warc":
            yield from _read_warc(data, name=name)
            return
        if kind == "jsonl":
            yield from _read_jsonl(io.BytesIO(data), name=name)
            return
        text, warning = decode(data, name=name)
        if warning is not None:
            yield warning
        if kind == "csv":
            yield from _read_csv(text, name=name)
        else:
            if not text.strip():
                raise EmptyInputError("the file holds only whitespace; nothing to read", where=name)
            is_html = kind == "html"
            yield Document(source=Source(path=name, format="html" if is_html else "text"),
                           content=text, is_html=is_html)
    except EventwireError as exc:
        yield _problem(exc)


def sniff(data: bytes, *, name: str) -> str:
    """The format of an input from its first bytes: ``warc``, ``jsonl``, ``csv``, ``html`` or ``text``.

    Raises :class:`EmptyInputError` for an empty input and :class:`BinaryInputError` for binary data
    that is neither WARC nor text.
    """
    if not data:
        raise EmptyInputError("the file is empty; nothing to read", where=name)
    head = data[:_SNIFF_BYTES]
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
    if b"\x00" in head and not head.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise BinaryInputError("binary data, not text (NUL bytes); eventwire reads text, HTML, WARC, "
                               "JSONL and CSV", where=name)
    start = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    suffix = _suffix(name)
    if start.startswith(b"{") and (suffix in (".jsonl", ".ndjson", ".json") or _first_line_is_object(start)):
        return "jsonl"
    if start.startswith(b"<") and any(m.encode() in start[:2048] for m in _HTML_MARKERS):
        return "html"
    if suffix in (".html", ".htm", ".xhtml") and b"<" in start[:4096]:
        return "html"
    if suffix == ".csv" or (suffix in (".tsv", "") and _looks_like_csv_header(start)):
        return "csv"
    if suffix in (".jsonl", ".ndjson"):
        return "jsonl"
    return "text"


def decode(data: bytes, *, name: str) -> tuple[str, Problem | None]:
    """Text of an input: UTF-8 when it is (BOM dropped), else the encoding charset-normalizer detects,
    with a warning naming it. Undecodable bytes are a :class:`BinaryInputError`."""
    try:
        return data.decode("utf-8-sig"), None
    except UnicodeDecodeError as exc:
        first_bad = exc.start
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


def input_hash(document: Document) -> str:
    """Hash of a document's raw content and input metadata: a re-run skips inputs it has seen."""
    digest = hashlib.sha256()
    for part in (document.content, document.doc_id or "", document.date or "", document.title or "",
                 document.source.url or "", document.publisher or ""):
        digest.update(part.encode("utf-8", errors="surrogatepass"))
        digest.update(b"\x00")
    return digest.hexdigest()[:24]


# --- formats ----------------------------------------------------------------------------------------

def _read_jsonl(lines: Iterable[bytes], *, name: str) -> Iterator[Item]:
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
            yield _row_document(row, where=where, fmt="jsonl")
        except InputError as exc:
            yield _problem(exc)
    if not found:
        yield _problem(EmptyInputError("the JSONL file holds no line", where=name))


def _read_csv(text: str, *, name: str) -> Iterator[Item]:
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
                yield _row_document(row, where=where, fmt="csv")
            except InputError as exc:
                yield _problem(exc)
    except csv.Error as exc:
        yield _problem(MalformedInputError(f"broken CSV ({exc}); the rest of the file is skipped",
                                           where=f"{name}:{reader.line_num}"))


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
        source=Source(path=where, url=_str_or_none(row.get("url")), format="jsonl" if fmt == "jsonl" else "csv"),
        content=content, is_html=is_html,
        doc_id=None if doc_id in (None, "") else str(doc_id),
        date=_str_or_none(row.get("date") or row.get("published")),
        title=_str_or_none(row.get("title")),
        publisher=_str_or_none(row.get("publisher") or row.get("site_name") or row.get("outlet")),
    )


def _read_warc(data: bytes, *, name: str) -> Iterator[Item]:
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
            yield Document(source=Source(path=where, url=url, format="warc"), content=text, is_html=True)
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
