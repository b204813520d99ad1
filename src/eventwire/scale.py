"""The Ray engine: the same per-batch stage function (:func:`eventwire.pipeline.process`) mapped over a
Ray Data dataset by a pool of actors, each loading the spaCy model, the tables and the gazetteer once.

``eventwire run PATH… --engine ray [--address ray://HOST:PORT]`` (extra ``scale``). The driver reads the
inputs (every format :mod:`eventwire.ingest` knows, Parquet files and folders among them), skips those
already stored, and puts each batch into Ray's object store as it reads it; the actors turn every
document into its record (or the problem that stopped it), and the records stream back to the driver
while the actors go on, so the driver stores them in input order with the same code as a local run —
a cluster run and a local run produce the same records; fusion follows as usual. ``--parquet DIR`` also
keeps the records as Parquet partitions there.

Only this module imports ``ray``, and only :func:`map_batches` does, so a local run never loads it.
"""

from __future__ import annotations

import itertools
import json
import logging
import os
import time
import uuid
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from eventwire.errors import EngineError, EventwireError, UsageError
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
"""Ray's shared-memory object store on a local cluster: it holds the pending input batches (Ray spills
them to disk past this) and the records in flight, and leaves the machine's memory to the workers."""

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
        from eventwire.pipeline import Worker

        self.worker = Worker.load(config, gazetteer_path, extractor)

    def __call__(self, rows: pyarrow.Table) -> pyarrow.Table:
        import pyarrow as pa

        documents = [document_from_json(json.loads(text)) for text in rows.column("document").to_pylist()]
        results: list[Article | Problem]
        try:
            results = self.worker.run_batch(documents)
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

    Connects to the cluster at ``address`` (``ray://HOST:PORT``, ``auto``), or starts a lean local one with
    ``workers`` CPUs. Each batch goes into Ray's object store as it is read (the driver keeps only input
    hashes and source paths); the records stream back while the actors work, so the driver stores one
    batch while the next are parsed. With ``parquet`` the driver also writes every block of records it
    receives as a Parquet partition there. ``progress`` is eventwire's own bar (``consume`` moves it); Ray
    Data's bars stay off.

    Raises :class:`~eventwire.errors.UsageError` when Ray is not installed,
    :class:`~eventwire.errors.EngineError` (EW701) when the cluster cannot be reached or a job fails.
    """
    del progress
    try:
        import ray
    except ImportError as exc:
        raise UsageError("--engine ray needs Ray: pip install 'eventwire[scale]'") from exc
    first = next(batches, None)
    if first is None:
        return
    started = _connect(ray, address, workers)
    try:
        clock = time.perf_counter()
        refs, held = _put(ray, itertools.chain([first], batches))
        log.info("ray: %d batches in the object store in %.1f s", len(held), time.perf_counter() - clock)
        clock = time.perf_counter()
        _map(ray, refs, held, consume, config, workers, gazetteer_path, extractor, parquet)
        log.info("ray: mapped and stored in %.1f s", time.perf_counter() - clock)
    finally:
        if started:
            ray.shutdown()


def _connect(ray: Any, address: str | None, workers: int) -> bool:
    """Join a running Ray (returns ``False``) or start a lean local cluster (returns ``True``): no
    dashboard, no usage statistics, no metrics export, workers' logs not forwarded to the driver."""
    if ray.is_initialized():
        return False
    if address and address.startswith("ray://"):
        raise EngineError("Ray Data does not run through Ray Client (ray://): its streaming execution needs "
                          "the driver on a machine of the cluster. Run eventwire there with --address auto "
                          "(or submit it with `ray job submit`)", where=address)
    os.environ.setdefault("RAY_USAGE_STATS_ENABLED", "0")
    try:
        if address:
            ray.init(address=address, log_to_driver=False, logging_level=logging.WARNING)
        else:
            ray.init(num_cpus=workers, object_store_memory=OBJECT_STORE_BYTES, include_dashboard=False,
                     log_to_driver=False, logging_level=logging.WARNING,
                     _system_config={"enable_metrics_collection": False})
    except Exception as exc:
        raise EngineError(f"cannot start or reach the Ray cluster ({exc}); check --address, or that "
                          "`ray start --head` runs there", where=address or "local") from exc
    return True


def _put(ray: Any, batches: Iterable[Batch]) -> tuple[list[Any], list[Batch]]:
    """Each batch as one Arrow block in Ray's object store, put there as it is read. Returns the block
    references and the batches with their documents' content dropped (all the driver needs later is the
    input hash and the source path), so the driver does not hold the corpus."""
    import pyarrow as pa

    refs: list[Any] = []
    held: list[Batch] = []
    for number, batch in enumerate(batches):
        table = pa.table({"batch": pa.array([number] * len(batch), pa.int64()),
                          "position": pa.array(range(len(batch)), pa.int64()),
                          "document": pa.array([json.dumps(document_to_json(d), ensure_ascii=False)
                                                for _, d in batch], pa.string())})
        refs.append(ray.put(table))
        held.append([(hash_, replace(document, content="")) for hash_, document in batch])
    return refs, held


def _map(ray: Any, refs: list[Any], held: Sequence[Batch], consume: Callable[[Batch, list[Article | Problem]], None],
         config: Config, workers: int, gazetteer_path: str, extractor: Extractor, parquet: str | None) -> None:
    """Run the actor pool over the blocks and store the records as they stream back, in input order."""
    context = ray.data.DataContext.get_current()
    context.execution_options.preserve_order = True
    context.enable_progress_bars = False
    if not log.isEnabledFor(logging.DEBUG):  # Ray Data's per-job INFO lines would drown the summary
        logging.getLogger("ray.data").setLevel(logging.WARNING)
    pool = ray.data.ActorPoolStrategy(size=max(1, min(workers, len(refs))))  # no idle actor on a small input
    records = ray.data.from_arrow_refs(refs).map_batches(
        RecordMaker, batch_format="pyarrow", batch_size=None, compute=pool, num_cpus=1,
        fn_constructor_kwargs={"config": config, "gazetteer_path": gazetteer_path, "extractor": extractor})
    folder = Path(parquet) if parquet is not None else None
    if folder is not None:
        folder.mkdir(parents=True, exist_ok=True)
    collector = _Collector(held, consume)
    prefix = uuid.uuid4().hex[:12]
    try:
        for number, block in enumerate(records.iter_batches(batch_size=None, batch_format="pyarrow",
                                                            prefetch_batches=2)):
            if folder is not None:
                import pyarrow.parquet as pq

                pq.write_table(block.select(list(_RECORD_COLUMNS)), folder / f"{prefix}_{number:06d}.parquet")
            collector.add(block)
    except Exception as exc:
        if isinstance(exc, EventwireError):
            raise
        raise EngineError(f"the Ray job failed ({exc}); what was stored before is kept — run again",
                          where=str(folder) if folder is not None else "ray") from exc
    collector.finish()


class _Collector:
    """Puts the records that stream back into their batches and hands every complete batch to
    ``consume``, in input order; at the end, a document that never came back is an EW702 problem."""

    def __init__(self, held: Sequence[Batch], consume: Callable[[Batch, list[Article | Problem]], None]) -> None:
        self.held = held
        self.consume = consume
        self.found: dict[int, dict[int, tuple[str, str]]] = {}
        self.next = 0

    def add(self, block: pyarrow.Table) -> None:
        for batch, position, kind, record in zip(*(block.column(name).to_pylist() for name in _RECORD_COLUMNS),
                                                 strict=True):
            self.found.setdefault(batch, {})[position] = (kind, record)
        while self.next < len(self.held) and len(self.found.get(self.next, ())) == len(self.held[self.next]):
            self._hand_over(self.next)
            self.next += 1

    def finish(self) -> None:
        while self.next < len(self.held):
            self._hand_over(self.next)
            self.next += 1

    def _hand_over(self, number: int) -> None:
        batch = self.held[number]
        found = self.found.pop(number, {})
        results: list[Article | Problem] = []
        for position, (_, document) in enumerate(batch):
            kind, record = found.get(position, ("missing", ""))
            if kind == "article":
                results.append(article_from_json(json.loads(record)))
            elif kind == "problem":
                results.append(Problem(**json.loads(record)))
            else:
                results.append(Problem(severity="error", code="EW702", where=document.source.path,
                                       message="the Ray job returned no record for this document; run again"))
        self.consume(batch, results)
