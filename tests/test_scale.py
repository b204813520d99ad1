"""The Ray engine against the local pool: same input, same records; failures kept; re-runs skip."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from conftest import EXAMPLES, ROOT
from eventwire.config import load_config
from eventwire.pipeline import run
from eventwire.records import Document, Source, article_to_json
from eventwire.scale import document_from_json, document_to_json
from eventwire.store import Store

LINES = [
    {"id": "nairobi", "date": "2023-07-10", "publisher": "Wire",
     "text": "Police fired tear gas at protesters in Nairobi on Monday, witnesses said. At least three people "
             "were killed, the Kenya National Commission on Human Rights said."},
    {"id": "tip", "text": "Want to leave a tip?\n\nSubscribe now."},  # cleans to nothing: EW202 on a worker
    {"id": "goma", "date": "2022-05-25", "title": "Fighting near Goma",
     "text": "M23 rebels attacked army positions near Goma on Wednesday, the Congolese army said."},
]


def _corpus(folder: Path) -> list[str]:
    """Some example articles (text, HTML, JSONL), a JSONL file with a broken line and an empty article,
    and a Parquet file such as a cluster would hold."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    for name in ("baghuz_2019-03-23.txt", "beirut_port_2020-08-04.html", "westgate_2013-09-21.txt", "wire.jsonl"):
        shutil.copy(EXAMPLES / name, folder / name)
    lines = [json.dumps(line) for line in LINES]
    (folder / "lines.jsonl").write_text("\n".join([*lines[:2], "{not json", lines[2]]) + "\n", encoding="utf-8")
    parquet = folder.parent / "rows"
    parquet.mkdir()
    pq.write_table(pa.table({"id": ["kabul-p", "empty-p"], "date": ["2021-08-26", "2021-08-26"],
                             "text": [("Two suicide bombers and gunmen attacked crowds outside Kabul airport on "
                                      "Thursday, killing at least 60 Afghans and 13 U.S. troops, officials said."),
                                      None]}), parquet / "part-0.parquet")
    return [str(folder), str(parquet)]


def _records(db: Path) -> list[dict[str, Any]]:
    with Store(db, read_only=True) as store:
        return sorted((article_to_json(a) for a, _ in store.iter_articles()), key=lambda r: r["id"])


def _problems(db: Path) -> list[tuple[str, str]]:
    with Store(db, read_only=True) as store:
        return sorted((p.code, p.where.rsplit("/", 1)[-1]) for p in store.problems())


def _fused(db: Path) -> list[tuple[Any, ...]]:
    with Store(db, read_only=True) as store:
        return sorted(store.cluster_sources().items())


@pytest.fixture(scope="module")
def ray_cluster() -> Iterator[None]:
    """A local Ray cluster with two worker CPUs, small object store, shared by the tests here."""
    ray = pytest.importorskip("ray")
    ray.init(num_cpus=2, object_store_memory=200 * 2**20, include_dashboard=False, log_to_driver=False)
    yield
    ray.shutdown()


@pytest.mark.model
@pytest.mark.ray
def test_run_on_ray_stores_the_records_a_local_run_stores(ray_cluster: None, tmp_path: Path) -> None:
    inputs = tmp_path / "in"
    inputs.mkdir()
    paths = _corpus(inputs)
    local_db, ray_db = tmp_path / "local.duckdb", tmp_path / "ray.duckdb"

    local = run(paths, load_config(db=str(local_db), workers=1), progress=False)
    on_ray = run(paths, load_config(db=str(ray_db), workers=2), progress=False, engine="ray",
                 parquet=str(tmp_path / "records"))

    assert (on_ray.inputs, on_ray.stored, on_ray.failed) == (local.inputs, local.stored, local.failed)
    records = _records(ray_db)
    assert records == _records(local_db)
    assert {"nairobi", "goma", "kabul-p"} <= {r["id"] for r in records}
    assert sum(len(r["events"]) for r in records) > 0 and sum(len(r["places"]) for r in records) > 0
    assert _fused(ray_db) == _fused(local_db)
    # failures are collected, not lost: the broken line (driver), the empty row (driver), the empty
    # article (cleaned on a Ray worker)
    problems = _problems(ray_db)
    assert problems == _problems(local_db)
    assert ("EW104", "lines.jsonl:3") in problems and ("EW104", "part-0.parquet:2") in problems
    assert ("EW202", "lines.jsonl:2") in problems
    # the record partitions were kept where asked, one record per document mapped on Ray
    import pyarrow.parquet as pq

    kept = pq.read_table(tmp_path / "records")
    kinds = kept.column("kind").to_pylist()
    assert {json.loads(r)["id"] for r, k in zip(kept.column("record").to_pylist(), kinds, strict=True)
            if k == "article"} == {r["id"] for r in records}
    assert kinds.count("problem") == 1  # the article that cleaned to nothing

    again = run(paths, load_config(db=str(ray_db), workers=2), progress=False, engine="ray")
    # every stored input is skipped; the failed ones are tried again and fail again, reported again
    assert (again.stored, again.skipped, again.failed) == (0, on_ray.stored, on_ray.failed)
    assert _records(ray_db) == records


def test_document_json_round_trip() -> None:
    document = Document(source=Source(path="a.jsonl:3", url="https://example.org/x", format="jsonl"),
                        content="<p>Hi</p>", is_html=True, doc_id="x", date="2020-01-02", title="T", publisher="P")
    assert document_from_json(json.loads(json.dumps(document_to_json(document)))) == document


@pytest.mark.model
def test_a_local_run_imports_no_ray(tmp_path: Path) -> None:
    code = ("import sys; from eventwire.cli import main; "
            f"code = main(['-q', 'run', 'examples/articles/wire.jsonl', '--db', {str(tmp_path / 'x.duckdb')!r}, "
            "'--workers', '1', '--no-progress']); "
            "assert code == 0, code; print(sorted(m for m in sys.modules if m == 'ray' or m.startswith('ray.')))")
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert result.stdout.strip().splitlines()[-1] == "[]"


def test_records_streaming_back_are_stored_in_input_order_and_none_is_lost() -> None:
    """Blocks may come back in any grouping; each batch is handed over complete and in input order, and a
    document that never came back is an EW702 problem, not a silent gap."""
    import pyarrow as pa

    from eventwire.scale import _Collector

    def document(n: int) -> Document:
        return Document(source=Source(path=f"in.jsonl:{n}", url=None, format="jsonl"), content="", is_html=False)

    held = [[("h0", document(1)), ("h1", document(2))], [("h2", document(3))], [("h3", document(4))]]
    problem = json.dumps({"severity": "error", "code": "EW202", "where": "in.jsonl:N", "message": "empty"})
    handed: list[tuple[list[str], list[str]]] = []
    collector = _Collector(held, lambda batch, results: handed.append(
        ([h for h, _ in batch], [f"{r.code} {r.where}" for r in results])))  # type: ignore[union-attr]

    def block(rows: list[tuple[int, int, int]]) -> pa.Table:
        return pa.table({"batch": [b for b, _, _ in rows], "position": [p for _, p, _ in rows],
                         "kind": ["problem"] * len(rows), "record": [problem.replace("N", str(n)) for _, _, n in rows]})

    collector.add(block([(1, 0, 3), (0, 1, 2)]))
    assert handed == []  # batch 0 is not complete yet, and batch 1 waits for it
    collector.add(block([(0, 0, 1)]))
    assert handed == [(["h0", "h1"], ["EW202 in.jsonl:1", "EW202 in.jsonl:2"]), (["h2"], ["EW202 in.jsonl:3"])]
    collector.finish()  # batch 2 never came back
    assert handed[-1] == (["h3"], ["EW702 in.jsonl:4"])


def test_a_ray_client_address_is_refused_with_the_way_that_works() -> None:
    from eventwire.errors import EngineError
    from eventwire.scale import _connect

    class NotStarted:
        def is_initialized(self) -> bool:
            return False

    with pytest.raises(EngineError) as refused:
        _connect(NotStarted(), "ray://head:10001", 2)
    assert refused.value.code == "EW701" and "--address auto" in refused.value.message
