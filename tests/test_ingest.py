"""Ingest: every format, sniffed from content; bad inputs become problems naming the file and line."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from conftest import article_html, warc_bytes
from eventwire.ingest import expand, ingest, input_hash, sniff
from eventwire.records import Document, Problem

STORY = "Floods hit the valley\n\nHeavy rain flooded the valley on Monday, officials said.\n"


def _items(*paths: Path | str) -> list[Document | Problem]:
    return list(ingest([str(p) for p in paths]))


def test_ingest_plain_text_file(tmp_path: Path) -> None:
    path = tmp_path / "a.txt"
    path.write_text(STORY, encoding="utf-8")
    [doc] = _items(path)
    assert isinstance(doc, Document)
    assert doc.content == STORY and not doc.is_html and doc.source.format == "text"
    assert doc.source.path == str(path)


def test_ingest_sniffs_html_behind_a_txt_suffix(tmp_path: Path) -> None:
    path = tmp_path / "saved.txt"
    path.write_text(article_html("Floods", ["Rain fell."]), encoding="utf-8")
    [doc] = _items(path)
    assert isinstance(doc, Document) and doc.is_html and doc.source.format == "html"


def test_ingest_sniffs_jsonl_without_suffix(tmp_path: Path) -> None:
    path = tmp_path / "export"
    path.write_text(json.dumps({"id": "n1", "text": STORY, "date": "2020-01-02", "title": "T",
                                "url": "https://example.org/1", "publisher": "ahram"}) + "\n", encoding="utf-8")
    [doc] = _items(path)
    assert isinstance(doc, Document)
    assert (doc.doc_id, doc.date, doc.title, doc.source.url) == ("n1", "2020-01-02", "T", "https://example.org/1")
    assert doc.publisher == "ahram"  # fusion counts distinct publishers
    assert doc.source.path == f"{path}:1" and doc.source.format == "jsonl"


def test_ingest_jsonl_html_field_is_html(tmp_path: Path) -> None:
    path = tmp_path / "pages.jsonl"
    path.write_text(json.dumps({"id": 7, "html": article_html("H", ["P."])}) + "\n", encoding="utf-8")
    [doc] = _items(path)
    assert isinstance(doc, Document) and doc.is_html and doc.doc_id == "7"


def test_ingest_jsonl_bad_lines_are_reported_with_line_numbers(tmp_path: Path) -> None:
    path = tmp_path / "mixed.jsonl"
    lines = [json.dumps({"id": "a", "text": STORY}), '{"id": "b", "text": "cut off', "",
             json.dumps({"id": "c", "title": "no text"}), json.dumps(["not", "an", "object"]),
             json.dumps({"id": "d", "text": "   "}), json.dumps({"id": "e", "text": STORY + "More."})]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    items = _items(path)
    docs = [i for i in items if isinstance(i, Document)]
    problems = [i for i in items if isinstance(i, Problem)]
    assert [d.doc_id for d in docs] == ["a", "e"]
    assert [p.where for p in problems] == [f"{path}:2", f"{path}:4", f"{path}:5", f"{path}:6"]
    assert problems[0].code == "EW104" and "not valid JSON" in problems[0].message
    assert problems[3].code == "EW102"


def test_ingest_csv_with_quoted_newlines(tmp_path: Path) -> None:
    path = tmp_path / "export.csv"
    path.write_text('id,title,date,text\n1,First,2021-05-01,"Line one.\n\nLine two."\n2,Second,,Other.\n',
                    encoding="utf-8")
    docs = _items(path)
    assert [d.doc_id for d in docs if isinstance(d, Document)] == ["1", "2"]
    first = docs[0]
    assert isinstance(first, Document) and first.content == "Line one.\n\nLine two." and first.date == "2021-05-01"
    assert first.source.path == f"{path}:2"
    second = docs[1]
    assert isinstance(second, Document) and second.source.path == f"{path}:5" and second.date is None


def test_ingest_csv_without_text_column_names_the_columns(tmp_path: Path) -> None:
    path = tmp_path / "export.csv"
    path.write_text("id,headline\n1,Hello\n", encoding="utf-8")
    [problem] = _items(path)
    assert isinstance(problem, Problem) and problem.severity == "error"
    assert "headline" in problem.message and "text" in problem.message


def test_ingest_warc_reads_html_responses_and_reports_skipped_records(tmp_path: Path) -> None:
    path = tmp_path / "crawl.warc.gz"
    path.write_bytes(warc_bytes([("https://example.org/a", article_html("A", ["One."])),
                                 ("https://example.org/b", article_html("B", ["Two."]))]))
    items = _items(path)
    docs = [i for i in items if isinstance(i, Document)]
    assert [d.source.url for d in docs] == ["https://example.org/a", "https://example.org/b"]
    assert all(d.is_html and d.source.format == "warc" for d in docs)
    [skipped] = [i for i in items if isinstance(i, Problem)]
    assert skipped.severity == "skipped" and "2 request" in skipped.message and "1 warcinfo" in skipped.message


@pytest.mark.parametrize("gzip", [False, True])
def test_ingest_truncated_warc_keeps_records_before_the_break(tmp_path: Path, gzip: bool) -> None:
    pages = [("https://example.org/a", article_html("A", ["One."])),
             ("https://example.org/b", article_html("B", [f"Paragraph {n} of a long story." for n in range(300)]))]
    data = warc_bytes(pages, gzip=gzip)
    path = tmp_path / "cut.warc"
    path.write_bytes(data[: len(data) - 700])
    items = _items(path)
    docs = [i for i in items if isinstance(i, Document)]
    errors = [i for i in items if isinstance(i, Problem) and i.severity == "error"]
    assert [d.source.url for d in docs] == ["https://example.org/a"]
    assert len(errors) == 1 and errors[0].where == str(path) and "broken" in errors[0].message


@pytest.mark.parametrize(("content", "code"), [
    (b"", "EW102"),
    (b"  \n\t\n", "EW102"),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 4, "EW103"),
    (b"\x1f\x8b\x08\x00" + b"\x00" * 20, "EW103"),
])
def test_ingest_bad_file_is_a_problem_naming_it(tmp_path: Path, content: bytes, code: str) -> None:
    path = tmp_path / "bad.txt"
    path.write_bytes(content)
    [problem] = _items(path)
    assert isinstance(problem, Problem)
    assert (problem.code, problem.where, problem.severity) == (code, str(path), "error")


def test_ingest_legacy_encoding_is_detected_and_warned(tmp_path: Path) -> None:
    path = tmp_path / "latin.txt"
    text = ("Les manifestants se sont réunis près de l'église à Genève, a déclaré la police. Selon les "
            "organisateurs, plus de deux mille personnes ont défilé dans le centre-ville avant que la "
            "manifestation ne soit dispersée. « Nous voulons être entendus », a expliqué une étudiante.")
    path.write_bytes(text.encode("cp1252"))
    items = _items(path)
    [warning] = [i for i in items if isinstance(i, Problem)]
    [doc] = [i for i in items if isinstance(i, Document)]
    assert warning.severity == "warning" and warning.code == "EW106" and "offset" in warning.message
    assert "église" in doc.content and "Genève" in doc.content


def test_ingest_missing_path_and_empty_glob_are_problems(tmp_path: Path) -> None:
    items = _items(tmp_path / "nope.txt", str(tmp_path / "*.nothing"))
    assert [i.code for i in items if isinstance(i, Problem)] == ["EW105", "EW105"]


def test_expand_folder_is_recursive_sorted_and_skips_hidden(tmp_path: Path) -> None:
    (tmp_path / "b").mkdir()
    (tmp_path / ".git").mkdir()
    for name in ("z.txt", "b/a.txt", ".hidden.txt", ".git/config"):
        (tmp_path / name).write_text(STORY, encoding="utf-8")
    assert [p.relative_to(tmp_path).as_posix() for p in expand(str(tmp_path))] == ["b/a.txt", "z.txt"]
    assert [p.name for p in expand(str(tmp_path / "**" / "*.txt"))] == ["a.txt", "z.txt"]


def test_ingest_stdin() -> None:
    [doc] = list(ingest(["-"], stdin=io.BytesIO(STORY.encode())))
    assert isinstance(doc, Document) and doc.source.path == "-" and doc.content == STORY


def test_sniff_prefers_content_over_suffix() -> None:
    assert sniff(b'{"text": "x"}\n', name="data.txt") == "jsonl"
    assert sniff(b"WARC/1.0\r\n", name="x.html") == "warc"
    assert sniff(b"Plain words <b>here</b>", name="x.txt") == "text"


def test_input_hash_changes_with_content_and_metadata(tmp_path: Path) -> None:
    from eventwire.records import Source

    base = Document(source=Source(path="a"), content="x")
    other_path = Document(source=Source(path="b"), content="x")
    assert input_hash(base) == input_hash(other_path)
    assert input_hash(base) != input_hash(Document(source=Source(path="a"), content="y"))
    assert input_hash(base) != input_hash(Document(source=Source(path="a"), content="x", date="2020-01-01"))


def test_ingest_jsonl_lines_are_split_on_newlines_only(tmp_path: Path) -> None:
    # U+2028 may stand raw inside a JSON string; str.splitlines() would cut the line there
    path = tmp_path / "sep.jsonl"
    path.write_text(json.dumps({"id": "a", "text": "One\u2028two."}, ensure_ascii=False) + "\n", encoding="utf-8")
    [doc] = _items(path)
    assert isinstance(doc, Document) and doc.content == "One\u2028two."


def test_ingest_jsonl_line_not_utf8_is_read_and_warned_with_its_line(tmp_path: Path) -> None:
    path = tmp_path / "mixed.jsonl"
    good = json.dumps({"id": "a", "text": STORY}).encode()
    latin = json.dumps({"id": "b", "text": "Les manifestants se sont réunis près de l'église à Genève, a "
                        "déclaré la police."}, ensure_ascii=False).encode("cp1252")
    path.write_bytes(b"\xef\xbb\xbf" + good + b"\n" + latin + b"\n")
    items = _items(path)
    assert [d.doc_id for d in items if isinstance(d, Document)] == ["a", "b"]
    [warning] = [p for p in items if isinstance(p, Problem)]
    assert warning.where == f"{path}:2" and warning.code == "EW106"


def test_ingest_jsonl_with_a_nul_line_reads_the_other_lines(tmp_path: Path) -> None:
    # regression: a NUL byte in the first 8 KB made the whole file "binary"
    path = tmp_path / "feed.jsonl"
    path.write_bytes(json.dumps({"id": "a", "text": "Rain fell."}).encode() + b"\n\xff\xfe\x00junk\n"
                     + json.dumps({"id": "b", "text": "Snow fell."}).encode() + b"\n")
    items = list(ingest([str(path)]))
    assert [d.doc_id for d in items if isinstance(d, Document)] == ["a", "b"]
    assert [(p.code, p.where) for p in items if isinstance(p, Problem) and p.severity == "error"] == [
        ("EW104", f"{path}:2")]


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-16-be"])
def test_ingest_utf16_with_or_without_bom_is_text(tmp_path: Path, encoding: str) -> None:
    path = tmp_path / "a.txt"
    path.write_bytes("Grève à Besançon\n\nTeachers marched on Monday.".encode(encoding))
    [warning, document] = list(ingest([str(path)]))
    assert isinstance(document, Document) and document.content.startswith("Grève à Besançon")
    assert isinstance(warning, Problem) and warning.code == "EW106" and "UTF-16" in warning.message


def test_ingest_cuts_an_over_long_text_with_a_warning_and_reads_no_further(tmp_path: Path) -> None:
    path = tmp_path / "huge.txt"
    path.write_text("Talks went on. " * 200_000, encoding="utf-8")  # 3 MB
    [warning, document] = list(ingest([str(path)], max_chars=10_000))
    assert isinstance(document, Document) and 9_000 < len(document.content) <= 10_000
    assert document.content.endswith("on. ")
    assert isinstance(warning, Problem) and (warning.severity, warning.code) == ("warning", "EW109")
    assert "more than" in warning.message and "10,000" in warning.message


def test_ingest_cuts_an_over_long_jsonl_text_and_keeps_its_id(tmp_path: Path) -> None:
    path = tmp_path / "a.jsonl"
    path.write_text(json.dumps({"id": "long", "text": "word " * 5_000}) + "\n", encoding="utf-8")
    [warning, document] = list(ingest([str(path)], max_chars=1_000))
    assert isinstance(document, Document) and document.doc_id == "long" and len(document.content) <= 1_000
    assert isinstance(warning, Problem) and warning.code == "EW109" and warning.where == f"{path}:1"


def _parquet(path: Path, select: str) -> Path:
    import duckdb

    with duckdb.connect() as con:
        con.execute(f"COPY ({select}) TO '{path}' (FORMAT parquet)")
    return path


def test_ingest_parquet_takes_the_jsonl_columns_and_typed_dates(tmp_path: Path) -> None:
    path = _parquet(tmp_path / "rows.parquet",
                    "SELECT * FROM (VALUES ('a', 'Rebels attacked a convoy.', DATE '2020-01-02', 'https://x.org/a'),"
                    " ('b', NULL, DATE '2020-01-03', NULL), ('c', 'Troops shelled the town.', NULL, NULL))"
                    " AS t(id, text, date, url)")
    items = _items(path)
    documents = [d for d in items if isinstance(d, Document)]
    assert [(d.doc_id, d.date, d.source.url, d.source.format) for d in documents] == [
        ("a", "2020-01-02", "https://x.org/a", "parquet"), ("c", None, None, "parquet")]
    [problem] = [p for p in items if isinstance(p, Problem)]  # the row without text, named by its number
    assert problem.code == "EW104" and problem.where == f"{path}:2"


def test_ingest_parquet_sits_next_to_other_files_in_a_folder(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text(STORY, encoding="utf-8")
    _parquet(tmp_path / "b.parquet", "SELECT 'p1' AS id, '<p>Protesters marched in Lagos.</p>' AS html")
    found = [(Path(d.source.path).name, d.doc_id, d.is_html) for d in _items(tmp_path) if isinstance(d, Document)]
    assert found == [("a.txt", None, False), ("b.parquet:1", "p1", True)]


def test_ingest_parquet_from_stdin_and_over_long_rows_cut(tmp_path: Path) -> None:
    data = _parquet(tmp_path / "x.parquet", "SELECT 'x' AS id, repeat('word ', 50) AS text").read_bytes()
    items = list(ingest(["-"], stdin=io.BytesIO(data), max_chars=100))
    assert [type(i).__name__ for i in items] == ["Problem", "Document"]
    assert items[0].code == "EW109" and len(items[1].content) <= 100  # type: ignore[union-attr]


@pytest.mark.parametrize("content", [b"not parquet at all", b"PAR1" + bytes(64)])
def test_ingest_broken_parquet_is_a_problem_naming_the_file(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "broken.parquet"
    path.write_bytes(content)
    [problem] = _items(path)
    assert isinstance(problem, Problem) and problem.code == "EW104" and problem.where.startswith(str(path))
