"""A hostile corpus, generated on the spot: what real scrapers hand over on a bad day.

:func:`write_corpus` writes every case into a folder and returns what each file holds: the good records
that must be stored (by their ``id`` or source path) and the bad ones that must be reported (by the
place — file, ``file:line`` or ``file#recordN`` — and the error code). Nothing here is copied from
anywhere; the texts are made up for the tests.
"""

from __future__ import annotations

import gzip
import io
import json
from dataclasses import dataclass, field
from pathlib import Path

GOOD_TEXT = ("Protest in the capital\n\nHundreds of teachers marched through the capital on Monday to demand "
             "higher pay, organisers said. Police watched from a distance and nobody was hurt.\n")
"""A short, ordinary article: the records that must survive whatever surrounds them."""

ARABIC = "احتج مئات المعلمين في العاصمة يوم الاثنين للمطالبة بزيادة الأجور. وقالت الشرطة إن أحدا لم يصب.\n"


@dataclass(slots=True)
class Expected:
    """What the run must do with the corpus."""

    stored: set[str] = field(default_factory=set)
    """Source paths (``file``, ``file:line``, ``file#recordN``) of records that must be stored."""
    reported: dict[str, str] = field(default_factory=dict)
    """Place → error code of each bad record that must be in the error table."""
    warned: dict[str, str] = field(default_factory=dict)
    """Place → warning code of records stored with a warning (other encoding, truncated)."""


def _sentence(n: int) -> str:
    return f"Officials counted {n} new arrivals at the border post on Tuesday. "


def _warc(pages: list[tuple[str, str]]) -> bytes:
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    buffer = io.BytesIO()
    writer = WARCWriter(buffer, gzip=True)
    for url, html in pages:
        headers = StatusAndHeaders("200 OK", [("Content-Type", "text/html; charset=utf-8")], protocol="HTTP/1.1")
        writer.write_record(writer.create_warc_record(url, "response", payload=io.BytesIO(html.encode()),
                                                      http_headers=headers))
    return buffer.getvalue()


def _page(title: str, body: str) -> str:
    return (f"<!DOCTYPE html><html><head><title>{title}</title></head><body><article><h1>{title}</h1>"
            f"<p>{body}</p><p>{body}</p></article></body></html>")


def write_corpus(folder: Path, *, huge_chars: int = 50_000_000, many_sentences: int = 100_000) -> Expected:
    """Write the hostile corpus into ``folder``; ``huge_chars`` is the size of the one-line text file
    and ``many_sentences`` the sentence count of the long one."""
    folder.mkdir(parents=True, exist_ok=True)
    expected = Expected()

    def path(name: str) -> str:
        return str(folder / name)

    # --- whole files that are bad ---
    (folder / "empty.txt").write_bytes(b"")
    expected.reported[path("empty.txt")] = "EW102"
    (folder / "blank.txt").write_bytes(b" \n\t\r\n  \n")
    expected.reported[path("blank.txt")] = "EW102"
    (folder / "binary.txt").write_bytes(bytes(range(256)) * 64)  # NUL bytes: an image renamed .txt
    expected.reported[path("binary.txt")] = "EW103"
    (folder / "noise.txt").write_bytes(bytes((i * 7919 + 13) % 256 for i in range(1, 4096) if (i * 7919 + 13) % 256))
    expected.reported[path("noise.txt")] = "EW103"  # high bytes without NUL: no text encoding fits
    (folder / "cut.gz.txt").write_bytes(gzip.compress(GOOD_TEXT.encode() * 50)[:60])
    expected.reported[path("cut.gz.txt")] = "EW103"
    (folder / "nothing.html").write_text("<html><body><div><div></div></div><script>var x = 1;</script></body>"
                                         "</html>", encoding="utf-8")
    expected.reported[path("nothing.html")] = "EW202"

    # --- whole files that are good, however odd ---
    (folder / "plain.txt").write_text(GOOD_TEXT, encoding="utf-8")
    expected.stored.add(path("plain.txt"))
    (folder / "utf16-bom.txt").write_bytes(GOOD_TEXT.replace("teachers", "nurses").encode("utf-16"))
    expected.stored.add(path("utf16-bom.txt"))
    (folder / "utf16-nobom.txt").write_bytes(GOOD_TEXT.replace("teachers", "porters").encode("utf-16-le"))
    expected.stored.add(path("utf16-nobom.txt"))
    expected.warned[path("utf16-nobom.txt")] = "EW106"
    (folder / "utf16be-nobom.txt").write_bytes(GOOD_TEXT.replace("teachers", "miners").encode("utf-16-be"))
    expected.stored.add(path("utf16be-nobom.txt"))
    expected.warned[path("utf16be-nobom.txt")] = "EW106"
    latin1 = ("Grève à Besançon\n\nDes centaines d'enseignants ont manifesté lundi à Besançon pour réclamer "
              "une hausse des salaires, a déclaré un syndicat. La police était présente.\n")
    (folder / "latin1.txt").write_bytes(latin1.encode("latin-1"))
    expected.stored.add(path("latin1.txt"))
    expected.warned[path("latin1.txt")] = "EW106"
    (folder / "arabic-1256.txt").write_bytes((ARABIC * 6).encode("cp1256"))
    expected.stored.add(path("arabic-1256.txt"))
    expected.warned[path("arabic-1256.txt")] = "EW106"
    mixed = GOOD_TEXT.replace("teachers", "drivers").encode("utf-8") + latin1.encode("latin-1")
    (folder / "mixed.txt").write_bytes(mixed)
    expected.stored.add(path("mixed.txt"))
    expected.warned[path("mixed.txt")] = "EW106"
    controls = ("Bidi\u202e and zero\u200bwidth\n\nThe\u200b mayor\u200d said\u2066 the\u2069 bridge\u202a "
                "would\u202c reopen\ufeff on Friday\u200e after\u200f repairs.\u2028Workers\u00ad agreed.\n")
    (folder / "controls.txt").write_text(controls, encoding="utf-8")
    expected.stored.add(path("controls.txt"))
    (folder / "no-sentences.txt").write_text("teachers capital pay police distance organisers marched "
                                             "Monday hundreds\n", encoding="utf-8")
    expected.stored.add(path("no-sentences.txt"))
    (folder / "many-sentences.txt").write_text("Border arrivals\n\n" + "".join(
        _sentence(n) for n in range(many_sentences)), encoding="utf-8")
    expected.stored.add(path("many-sentences.txt"))
    expected.warned[path("many-sentences.txt")] = "EW109"
    with (folder / "huge-line.txt").open("w", encoding="utf-8") as out:  # one line, no paragraph break
        chunk = "The committee met again and the talks went on without a result " * 1000
        written = 0
        while written < huge_chars:
            out.write(chunk)
            written += len(chunk)
    expected.stored.add(path("huge-line.txt"))
    expected.warned[path("huge-line.txt")] = "EW109"
    nested = "<div>" * 5000 + "<p>" + GOOD_TEXT.replace("teachers", "bakers") + "</p>" + "</div>" * 5000
    (folder / "nested.html").write_text(f"<!DOCTYPE html><html><head><title>Deep</title></head><body>{nested}"
                                        "</body></html>", encoding="utf-8")
    expected.stored.add(path("nested.html"))
    malformed = ("<html><head><title>Flood warning<body><p>Rivers rose across the north on Sunday and "
                 "officials urged residents to leave low ground.<p>Schools closed <b><i>early</b></i> and "
                 "buses ran <div>extra <span>services <p>until late</table></td>.</html></html><p>Stray "
                 "text after the end of the page.")
    (folder / "malformed.html").write_text(malformed, encoding="utf-8")
    expected.stored.add(path("malformed.html"))

    # --- containers with good and bad records ---
    lines = [
        json.dumps({"id": "j-good-1", "text": GOOD_TEXT}),
        '{"id": "j-broken", "text": "unterminated',
        json.dumps({"id": "j-number", "text": 42}),
        json.dumps(["a", "list"]),
        json.dumps({"id": "j-empty", "text": ""}),
        "null",
        json.dumps({"id": "j-html", "html": _page("Storm", "A storm cut power to thousands of homes on Friday.")}),
        json.dumps({"id": {"nested": True}, "text": GOOD_TEXT.replace("teachers", "cooks"),
                    "date": ["not", "a", "date"], "title": 7}),
        json.dumps({"id": "j-good-2", "text": GOOD_TEXT.replace("teachers", "farmers")}),
    ]
    (folder / "feed.jsonl").write_bytes("\n".join(lines).encode() + b"\n" + b'{"id": "j-latin", "text": "'
                                         + "Grève générale à Besançon lundi, a déclaré le syndicat.".encode(
                                             "latin-1") + b'"}\n' + b"\xff\xfe\x00garbage\n")
    feed = path("feed.jsonl")
    expected.stored |= {f"{feed}:1", f"{feed}:7", f"{feed}:8", f"{feed}:9", f"{feed}:10"}
    expected.reported |= {f"{feed}:2": "EW104", f"{feed}:3": "EW104", f"{feed}:4": "EW104", f"{feed}:5": "EW102",
                          f"{feed}:6": "EW104", f"{feed}:11": "EW104"}
    expected.warned[f"{feed}:10"] = "EW106"
    rows = ("id,title,text,date\n"
            f'c1,Fine,"{GOOD_TEXT}",2024-01-02\n'
            "c2,Too many,fields,2024-01-02,extra,more\n"
            "c3,Too few\n"
            f'c4,Fine too,"{GOOD_TEXT.replace("teachers", "pilots")}",\n')
    (folder / "table.csv").write_text(rows, encoding="utf-8")
    table = path("table.csv")
    expected.stored |= {f"{table}:2", f"{table}:8"}  # a quoted text spans lines 2-5
    expected.reported |= {f"{table}:6": "EW104", f"{table}:7": "EW104"}
    (folder / "crawl.warc.gz").write_bytes(_warc([("https://example.org/a", _page("Bridge", "The bridge reopened."))]))
    expected.stored.add(path("crawl.warc.gz") + "#record1")
    cut = _warc([("https://example.org/b", _page("Dam", "The dam held after the rains.")),
                 ("https://example.org/c", _page("Port", "The port closed for the storm."))])
    (folder / "cut.warc.gz").write_bytes(cut[: len(cut) - 40])
    expected.stored.add(path("cut.warc.gz") + "#record1")
    expected.reported[path("cut.warc.gz")] = "EW104"
    _parquet(folder / "rows.parquet", "SELECT * FROM (VALUES ('p1', ?), ('p2', NULL), ('p3', ?)) AS t(id, text)",
             [GOOD_TEXT.replace("teachers", "welders"), GOOD_TEXT.replace("teachers", "tailors")])
    rows_file = path("rows.parquet")
    expected.stored |= {f"{rows_file}:1", f"{rows_file}:3"}
    expected.reported[f"{rows_file}:2"] = "EW104"  # a row without text
    whole = _parquet(folder / "whole.parquet", "SELECT 'w1' AS id, ? AS text", [GOOD_TEXT]).read_bytes()
    (folder / "whole.parquet").unlink()
    (folder / "cut.parquet").write_bytes(whole[: len(whole) // 2])  # a download that stopped halfway
    expected.reported[path("cut.parquet")] = "EW104"
    (folder / "fake.parquet").write_text(GOOD_TEXT, encoding="utf-8")  # text behind a Parquet name
    expected.reported[path("fake.parquet")] = "EW104"
    return expected


def _parquet(target: Path, select: str, params: list[str]) -> Path:
    import duckdb

    with duckdb.connect() as con:
        con.execute(f"COPY ({select}) TO '{target}' (FORMAT parquet)", params)
    return target
