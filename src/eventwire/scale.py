"""The Ray engine: the same per-batch stage function (:func:`eventwire.pipeline.process`) mapped over a
Ray Data dataset by a pool of actors, each loading the spaCy model, the tables and the gazetteer once.

``eventwire run PATH… --engine ray [--address ray://HOST:PORT]`` (extra ``scale``). The driver reads the
inputs (every format :mod:`eventwire.ingest` knows, Parquet files and folders among them), skips those already stored, hands the rest
to Ray, and the actors write each document's record (or the problem that stopped it) as Parquet
partitions. The driver then reads the partitions back in input order and stores them with the same code
as a local run, so a cluster run and a local run produce the same records; fusion follows as usual.

Only this module imports ``ray``, and only :func:`map_batches` does, so a local run never loads it.
"""

from __future__ import annotations

import json
import logging
import sys
import tempfile
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from eventwire.errors import EngineError, UsageError
from eventwire.records import (
    Article,
    Document,
    Extractor,
    Problem,
    Source,
    article_from_json,
    article_to_json,
)

if TYPE_CHECKING:
    import pyarrow

    from eventwire.config import Config

log = logging.getLogger(__name__)

Batch = list[tuple[str, Document]]
"""A batch as the pipeline hands it out: (input hash, document) pairs."""

OBJECT_STORE_BYTES = 500 * 2**20
"""Ray's shared-memory object store on a local cluster: the corpus rows and records pass through it in
blocks, so half a gigabyte is plenty and leaves the machine's memory to the workers."""

_RECORD_COLUMNS = ("batch", "position", "kind", "record")


def document_to_json(document: Document) -> dict[str, Any]:
    """A document as a JSON-ready dict, to travel to the workers in a Ray dataset row."""
    return {"source": {"path": document.source.path, "url": document.source.url, "format": document.source.format},
            "content": document.content, "is_html": document.is_html, "doc_id": document.doc_id,
            "date": document.date, "title": document.title, "publisher": document.publisher}


def document_from_json(data: dict[str, Any]) -> Document:
    """The inverse of :func:`document_to_json`."""
    return Document(source=Source(**data["source"]), content=data["content"], is_html=data["is_html"],
                    doc_id=data["doc_id"], date=data["date"], title=data["title"], publisher=data["publisher"])


def _problem_to_json(problem: Problem) -> dict[str, Any]:
    return {"severity": problem.severity, "code": problem.code, "where": problem.where, "message": problem.message}


class RecordMaker:
    """A Ray Data actor: loads the model, tables and gazetteer once, then turns batches of documents into
    records with :func:`eventwire.pipeline.process`. A batch that fails as a whole (a bug of ours) becomes
    one problem per document (EW299), so no document is lost."""

    def __init__(self, config: Config, gazetteer_path: str, extractor: Extractor) -> None:
        from eventwire.gazetteer import Gazetteer
        from eventwire.parse import load_model
        from eventwire.pipeline import load_tables

        logging.basicConfig(level=logging.WARNING, stream=sys.stderr)
        self.nlp = load_model(config.model)
        self.gazetteer = Gazetteer.open(Path(gazetteer_path))
        self.tables = load_tables(config)
        self.extractor = extractor
        self.batch_size = config.batch_size

    def __call__(self, rows: pyarrow.Table) -> pyarrow.Table:
        import pyarrow as pa

        from eventwire.pipeline import process

        documents = [document_from_json(json.loads(text)) for text in rows.column("document").to_pylist()]
        results: list[Article | Problem]
        try:
            results = process(self.nlp, documents, extractor=self.extractor, batch_size=self.batch_size,
                              gazetteer=self.gazetteer, tables=self.tables)
        except Exception as exc:
            log.exception("a batch failed as a whole on a Ray worker")
            results = [Problem(severity="error", code="EW299", where=d.source.path,
                               message=f"internal error on a Ray worker ({exc!r}); please report it")
                       for d in documents]
        kinds = ["article" if isinstance(r, Article) else "problem" for r in results]
        records = [json.dumps(article_to_json(r) if isinstance(r, Article) else _problem_to_json(r),
                              ensure_ascii=False) for r in results]
        return pa.table({"batch": rows.column("batch"), "position": rows.column("position"),
                         "kind": pa.array(kinds, pa.string()), "record": pa.array(records, pa.string())})


def map_batches(batches: Iterator[Batch], consume: Callable[[Batch, list[Article | Problem]], None],
                config: Config, workers: int, gazetteer_path: str, extractor: Extractor, *,
                address: str | None = None, parquet: str | None = None, progress: bool = True) -> None:
    """Process ``batches`` on Ray and hand each one's results, in input order, to ``consume``.

    Connects to the cluster at ``address`` (``ray://HOST:PORT``, ``auto``), or starts a local one with
    ``workers`` CPUs. Records are written as Parquet partitions to ``parquet`` (kept), or to a temporary
    folder (removed after loading).

    Raises :class:`~eventwire.errors.UsageError` when Ray is not installed,
    :class:`~eventwire.errors.EngineError` (EW701) when the cluster cannot be reached or a job fails.
    """
    try:
        import ray
    except ImportError as exc:
        raise UsageError("--engine ray needs Ray: pip install 'eventwire[scale]'") from exc
    held = list(batches)
    if not held:
        return
    started = _connect(ray, address, workers)
    try:
        if parquet is not None:
            Path(parquet).mkdir(parents=True, exist_ok=True)
            _map(ray, held, config, workers, gazetteer_path, extractor, parquet, progress)
            output = parquet
        else:
            scratch = tempfile.TemporaryDirectory(prefix="eventwire-ray-")
            output = scratch.name
            _map(ray, held, config, workers, gazetteer_path, extractor, output, progress)
        _load(held, output, consume)
        if parquet is None:
            scratch.cleanup()
    finally:
        if started:
            ray.shutdown()


def _connect(ray: Any, address: str | None, workers: int) -> bool:
    """Join a running Ray (returns ``False``) or start a small local cluster (returns ``True``)."""
    if ray.is_initialized():
        return False
    try:
        if address:
            ray.init(address=address, log_to_driver=False, logging_level=logging.WARNING)
        else:
            ray.init(num_cpus=workers, object_store_memory=OBJECT_STORE_BYTES, include_dashboard=False,
                     log_to_driver=False, logging_level=logging.WARNING)
    except Exception as exc:
        raise EngineError(f"cannot start or reach the Ray cluster ({exc}); check --address, or that "
                          "`ray start --head` runs there", where=address or "local") from exc
    return True


def _map(ray: Any, held: Sequence[Batch], config: Config, workers: int, gazetteer_path: str,
         extractor: Extractor, output: str, progress: bool) -> None:
    """Run the actor pool over the documents and write the records as Parquet partitions to ``output``."""
    context = ray.data.DataContext.get_current()
    context.execution_options.preserve_order = True
    context.enable_progress_bars = progress
    rows = [{"batch": b, "position": p, "document": json.dumps(document_to_json(d), ensure_ascii=False)}
            for b, batch in enumerate(held) for p, (_, d) in enumerate(batch)]
    if not log.isEnabledFor(logging.DEBUG):  # Ray Data's per-job INFO lines would drown the summary
        logging.getLogger("ray.data").setLevel(logging.WARNING)
    # enough blocks that every actor gets work, none much smaller than a batch
    blocks = min(len(rows), max(2 * workers, -(-len(rows) // config.batch_size)))
    dataset = ray.data.from_items(rows, override_num_blocks=max(1, blocks))
    records = dataset.map_batches(RecordMaker, batch_format="pyarrow", batch_size=config.batch_size,
                                  compute=ray.data.ActorPoolStrategy(size=workers), num_cpus=1,
                                  fn_constructor_kwargs={"config": config, "gazetteer_path": gazetteer_path,
                                                         "extractor": extractor})
    try:
        records.write_parquet(output, ray_remote_args={"num_cpus": 0})
    except Exception as exc:
        raise EngineError(f"the Ray job failed ({exc}); what was stored before is kept — run again",
                          where=output) from exc


def _load(held: Sequence[Batch], output: str, consume: Callable[[Batch, list[Article | Problem]], None]) -> None:
    """Read the record partitions back and hand them to ``consume`` batch by batch, in input order."""
    import pyarrow.parquet as pq

    table = pq.read_table(output, columns=list(_RECORD_COLUMNS))
    found: dict[tuple[int, int], tuple[str, str]] = {}
    for row in table.to_pylist():
        found[(row["batch"], row["position"])] = (row["kind"], row["record"])
    for number, batch in enumerate(held):
        results: list[Article | Problem] = []
        for position, (_, document) in enumerate(batch):
            kind, record = found.get((number, position), ("missing", ""))
            if kind == "article":
                results.append(article_from_json(json.loads(record)))
            elif kind == "problem":
                results.append(Problem(**json.loads(record)))
            else:
                results.append(Problem(severity="error", code="EW702", where=document.source.path,
                                       message="the Ray job returned no record for this document; run again"))
        consume(batch, results)
