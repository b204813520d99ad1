"""The pipeline: ingest → clean → parse → places, times, amounts, quotes, actors → events, checks → store
→ fuse, in one process or a local process pool.

:func:`process` is the per-batch stage function (pure but for the model, gazetteer and tables handed in);
:func:`extract` runs it in this process for a one-off; :func:`run` streams a corpus through a pool of
worker processes, each loading the model and opening the gazetteer once, and writes batches to the store
incrementally.
"""

from __future__ import annotations

import hashlib
import logging
import multiprocessing
import sys
import time
import uuid
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, replace
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO

from eventwire.actors import ActorTable, find_actors, load_actors
from eventwire.amounts import quantify
from eventwire.checks import check
from eventwire.clean import clean
from eventwire.config import Config
from eventwire.errors import EventwireError, ModelError, UsageError
from eventwire.events import code_events
from eventwire.events.triggers import Lexicon, load_lexicon
from eventwire.fusion import fuse
from eventwire.gazetteer import Gazetteer
from eventwire.ingest import DEFAULT_MAX_CHARS, cut_point, ingest, input_hash
from eventwire.parse import load_model, parse
from eventwire.places import locate
from eventwire.quotes import attribute
from eventwire.records import Article, Document, Extractor, Flag, Problem, content_id
from eventwire.store import RunSummary, Store
from eventwire.times import normalize_times

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc

log = logging.getLogger(__name__)

TRUNCATED = "truncated"
"""The flag of an article whose cleaned text was cut to ``max_chars`` (recorded as an EW109 warning)."""


def package_version() -> str:
    try:
        return version("eventwire")
    except PackageNotFoundError:  # running from a source tree that is not installed
        return "0+unknown"


def model_label(model: str) -> str:
    """``package==version`` of a spaCy pipeline package, known without loading it."""
    try:
        return f"{model}=={version(model)}"
    except PackageNotFoundError:
        return model


def extractor_for(config: Config, gazetteer: Gazetteer | None = None) -> Extractor:
    """What made the records: package version, model and gazetteer version (``None`` without places).

    With the user's own alias or trigger files the version carries a local label of their content
    (``0.1.0+user.1a2b3c4d``), so that editing them makes ``eventwire run`` code the corpus again.
    """
    version_ = package_version()
    if config.user_files():
        version_ += "+user." + _user_files_digest(config.user_files())
    return Extractor(version=version_, model=model_label(config.model),
                     gazetteer=gazetteer.version if gazetteer is not None else None)


def _user_files_digest(paths: Sequence[Path]) -> str:
    digest = hashlib.sha256()
    for path in paths:
        try:
            digest.update(path.read_bytes())
        except OSError as exc:
            raise UsageError(f"cannot read this file ({exc.strerror or exc}); check the path given to "
                             "--actors/--triggers or in the configuration", where=str(path)) from exc
    return digest.hexdigest()[:8]


@dataclass(frozen=True, slots=True)
class Tables:
    """The data the actors and events stages read: the packaged tables plus the user's own files."""

    actors: ActorTable
    lexicon: Lexicon | None = None
    """The event trigger lexicon with the user's trigger file; ``None``: the packaged one."""


def load_tables(config: Config) -> Tables:
    """The packaged actor table and event lexicon with the user's files of ``config`` added.

    Raises :class:`~eventwire.errors.UsageError` naming a user file that cannot be read or is malformed.
    """
    lexicon = load_lexicon((Path(config.triggers),)) if config.triggers else None
    return Tables(actors=load_actors((Path(config.actors),) if config.actors else ()), lexicon=lexicon)


def open_gazetteer(config: Config) -> Gazetteer:
    """The configured gazetteer (``config.gazetteer``, else the bundled index), built on first use.

    Raises :class:`~eventwire.errors.GazetteerError` when the file is not a gazetteer index.
    """
    return Gazetteer.open(config.gazetteer_path())


def to_article(document: Document, extractor: Extractor, *, max_chars: int = DEFAULT_MAX_CHARS) -> Article:
    """Clean one raw document into an (unparsed) article whose text is at most ``max_chars`` long (a
    longer one is cut at a paragraph or sentence end and carries a ``truncated`` flag saying so).

    Raises :class:`EventwireError` when cleaning leaves no text.
    """
    cleaned = clean(document)
    if not cleaned.text.strip():
        raise EventwireError("cleaning found no article text in it; everything was boilerplate "
                             f"({len(cleaned.removed)} pieces listed as removed)", where=document.source.path)
    flags: tuple[Flag, ...] = ()
    if len(cleaned.text) > max_chars:
        cut = cut_point(cleaned.text, max_chars)
        flags = (Flag(code=TRUNCATED, message=f"the article text is {len(cleaned.text):,} characters long, over "
                                              f"the limit of {max_chars:,} (max_chars); only its first {cut:,} "
                                              "are kept — raise max_chars (--max-chars) to keep more"),)
        cleaned = replace(cleaned, text=cleaned.text[:cut], sections=tuple(
            replace(s, end=min(s.end, cut)) for s in cleaned.sections if s.start < cut))
    return Article(
        flags=flags,
        id=document.doc_id or content_id(cleaned.text),
        source=document.source,
        text=cleaned.text,
        title=cleaned.title or document.title,
        authors=cleaned.authors,
        publisher=document.publisher or cleaned.publisher,  # what the input declares beats a guess from the page
        published=cleaned.published or document.date,
        sections=cleaned.sections,
        removed=cleaned.removed,
        extractor=extractor,
    )


def process(nlp: Language, documents: Sequence[Document], *, extractor: Extractor,
            batch_size: int = 64, gazetteer: Gazetteer | None = None,
            tables: Tables | None = None, max_chars: int = DEFAULT_MAX_CHARS) -> list[Article | Problem]:
    """Clean, parse and (with a gazetteer) locate the places of a batch. Returns, in input order, an
    article or a problem per document: one document that fails never takes the others down."""
    results: list[Article | Problem] = []
    for document in documents:
        try:
            results.append(to_article(document, extractor, max_chars=max_chars))
        except EventwireError as exc:
            code = exc.code if exc.code != "EW000" else "EW202"
            results.append(Problem(severity="error", code=code, where=document.source.path, message=exc.message))
        except Exception as exc:  # a bug of ours on odd input must not stop the run: record it
            log.exception("cleaning failed on %s", document.source.path)
            results.append(Problem(severity="error", code="EW299", where=document.source.path,
                                   message=f"internal error while cleaning ({exc!r}); please report it"))
    articles = [r for r in results if isinstance(r, Article)]
    tables = tables if tables is not None else Tables(actors=load_actors())
    parsed = iter([_with_extracts(article, doc, gazetteer, tables)
                   for article, doc in parse(nlp, articles, batch_size=batch_size)])
    return [next(parsed) if isinstance(r, Article) else r for r in results]


def _stage(article: Article, name: str, run: Callable[[], Any], failures: list[Flag]) -> Any:
    """One extract stage's result, or ``None`` when it fails: a bug of ours on odd input must not stop
    the run or lose the article. The failure is logged and recorded on the article as a ``stage-error``
    flag, and the article keeps the other stages' results."""
    try:
        return run()
    except Exception as exc:
        log.exception("the %s stage failed on %s; the article is kept without them", name, article.source.path)
        failures.append(Flag(code="stage-error", message=f"the {name} stage failed ({exc!r}); this article "
                                                         f"has no {name}; please report it"))
        return None


def _with_extracts(article: Article, doc: Doc, gazetteer: Gazetteer | None, tables: Tables) -> Article:
    """The article with what the extract stages find in its parse: places (with a gazetteer), times,
    amounts, quotes, actors, the events over all of them, and the checks."""
    failed: list[Flag] = []
    places = _stage(article, "places", lambda: locate(doc, gazetteer), failed) if gazetteer is not None else None
    times = _stage(article, "times", lambda: normalize_times(doc, article.published), failed)
    amounts = _stage(article, "amounts", lambda: quantify(doc), failed)
    quotes = _stage(article, "quotes", lambda: attribute(doc), failed)
    actors = _stage(article, "actors", lambda: find_actors(doc, tables.actors, places=places or (),
                                                           outlets=[article.publisher or ""]), failed)
    events = _stage(article, "events", lambda: code_events(
        doc, actors=actors or (), places=places or (), times=times or (), amounts=amounts or (),
        sections=article.sections, published=article.published, lexicon=tables.lexicon), failed)
    flags = _stage(article, "checks", lambda: check(doc, sections=article.sections, amounts=amounts or (),
                                                      times=times or (), published=article.published), failed)
    return replace(article, places=places or (), times=times or (), amounts=amounts or (), quotes=quotes or (),
                   actors=actors or (), events=events or (), flags=(*article.flags, *(flags or ()), *failed))


def extract(documents: Iterable[Document | Problem], config: Config, *, nlp: Language | None = None,
            date: str | None = None, gazetteer: Gazetteer | None = None) -> Iterator[Article | Problem]:
    """Clean, parse and locate documents in this process, no database: the one-off behind
    ``eventwire extract``. The model and the gazetteer are loaded here unless handed in.

    ``date`` is the article date for inputs that carry none (relative times are resolved against it).
    """
    nlp = nlp if nlp is not None else load_model(config.model)
    if gazetteer is None:
        with open_gazetteer(config) as opened:
            yield from extract(documents, config, nlp=nlp, date=date, gazetteer=opened)
        return
    extractor = extractor_for(config, gazetteer)
    tables = load_tables(config)
    batch: list[Document] = []
    for item in documents:
        if isinstance(item, Problem):
            yield item
            continue
        batch.append(item if item.date or not date else replace(item, date=date))
        if len(batch) >= config.batch_size:
            yield from process(nlp, batch, extractor=extractor, batch_size=config.batch_size, gazetteer=gazetteer,
                               tables=tables, max_chars=config.max_chars)
            batch = []
    if batch:
        yield from process(nlp, batch, extractor=extractor, batch_size=config.batch_size, gazetteer=gazetteer,
                           tables=tables, max_chars=config.max_chars)


# --- the local process pool -------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class Worker:
    """What one worker — a pool process or a Ray actor — loads once and then uses for every batch."""

    nlp: Language
    gazetteer: Gazetteer
    tables: Tables
    extractor: Extractor
    batch_size: int
    max_chars: int

    @classmethod
    def load(cls, config: Config, gazetteer_path: str, extractor: Extractor) -> Worker:
        """Load the model and the tables and open the gazetteer the parent built (``gazetteer_path``: never
        a build here, so workers cannot race to build it)."""
        logging.basicConfig(level=logging.WARNING, stream=sys.stderr)
        return cls(nlp=load_model(config.model), gazetteer=Gazetteer.open(Path(gazetteer_path)),
                   tables=load_tables(config), extractor=extractor, batch_size=config.batch_size,
                   max_chars=config.max_chars)

    def run_batch(self, documents: Sequence[Document]) -> list[Article | Problem]:
        """:func:`process` with what this worker loaded."""
        return process(self.nlp, documents, extractor=self.extractor, batch_size=self.batch_size,
                       gazetteer=self.gazetteer, tables=self.tables, max_chars=self.max_chars)


# One per pool process, set once by _init_worker: the model is loaded and the gazetteer opened once per
# process, not per batch.
_WORKER: Worker | None = None


def _init_worker(config: Config, gazetteer_path: str, extractor: Extractor) -> None:
    global _WORKER
    _WORKER = Worker.load(config, gazetteer_path, extractor)


def _work(documents: list[Document]) -> list[Article | Problem]:
    if _WORKER is None:
        raise ModelError("worker used before it loaded its model")
    return _WORKER.run_batch(documents)


@dataclass(slots=True)
class _Tally:
    inputs: int = 0
    stored: int = 0
    skipped: int = 0
    failed: int = 0


def run(paths: Sequence[str], config: Config, *, stdin: BinaryIO | None = None, progress: bool = True,
        date: str | None = None, engine: str = "local", address: str | None = None,
        parquet: str | None = None) -> RunSummary:
    """Process a corpus into the DuckDB store at ``config.db``, incrementally.

    Inputs already stored by this version, model and gazetteer version are skipped (a gazetteer import
    changes the version, so the next run locates the places again); every problem is recorded in the
    run's error list (table ``run_errors``) and returned in the summary. The gazetteer is opened — built
    on first use — here, before any worker starts.

    >>> run(["examples/"], load_config(db="eventwire.duckdb"))  # doctest: +SKIP
    RunSummary(run_id='…', inputs=11, stored=11, skipped=0, failed=0, problems=())

    ``engine="ray"`` maps the batches on Ray instead of the local pool (:mod:`eventwire.scale`, extra
    ``scale``): a local cluster of ``workers`` CPUs, or the one at ``address``; ``parquet`` keeps the
    record partitions it writes in that folder. Everything else — skipping, ids, the store, fusion — is
    the same code.
    """
    if engine not in ("local", "ray"):
        raise UsageError(f"unknown engine {engine!r}; use local or ray")
    from tqdm import tqdm

    run_id = time.strftime("%Y%m%dT%H%M%S") + "-" + uuid.uuid4().hex[:8]
    gazetteer = open_gazetteer(config)
    extractor = extractor_for(config, gazetteer)
    tables = load_tables(config)  # here, so that a bad user file stops the run before any work
    workers = config.resolved_workers()
    tally = _Tally()
    problems: list[Problem] = []
    with Store(config.db) as store, gazetteer, tqdm(unit=" articles", file=sys.stderr,
                                                    disable=None if progress else True, smoothing=0.1) as bar:
        store.start_run(run_id, config=config.as_dict(), version=extractor.version, model=extractor.model,
                        gazetteer=extractor.gazetteer)

        def consume(batch: list[tuple[str, Document]], results: list[Article | Problem]) -> None:
            articles: list[Article] = []
            inputs: list[tuple[str, str, str]] = []
            found: list[Problem] = []
            owners = store.article_sources([r.id for r in results if isinstance(r, Article)])
            for (hash_, document), result in zip(batch, results, strict=True):
                if isinstance(result, Article):
                    clash = _id_clash(result, owners)
                    owners.setdefault(result.id, result.source.path)
                    if clash is not None:
                        result = clash
                if isinstance(result, Problem):
                    found.append(result)
                    tally.failed += 1
                else:
                    found.extend(_flag_warnings(result))
                    articles.append(result)
                    inputs.append((hash_, result.id, document.source.path))
            store.write(_unique(articles), inputs=inputs, run_id=run_id, problems=found)
            problems.extend(found)
            tally.stored += len(articles)
            bar.update(len(batch))

        documents = (item if isinstance(item, Problem) or item.date or not date else replace(item, date=date)
                     for item in ingest(paths, stdin=stdin, max_chars=config.max_chars))
        batches = _batches(documents, config.batch_size, store, extractor, tally, problems, run_id)
        if engine == "ray":
            from eventwire.scale import map_batches

            map_batches(batches, consume, config, workers, str(gazetteer.path), extractor, address=address,
                        parquet=parquet, progress=progress)
        elif workers <= 1:
            nlp = load_model(config.model)
            for batch in batches:
                consume(batch, process(nlp, [d for _, d in batch], extractor=extractor,
                                       batch_size=config.batch_size, gazetteer=gazetteer, tables=tables,
                                       max_chars=config.max_chars))
        else:
            _run_pool(batches, consume, config, workers, str(gazetteer.path), extractor)
        fused = fuse(store, tables.actors)  # incremental: only the blocks this run changed
        summary = RunSummary(run_id=run_id, inputs=tally.inputs, stored=tally.stored, skipped=tally.skipped,
                             failed=tally.failed, problems=tuple(problems), clusters=fused.clusters,
                             multi_source=fused.multi_source)
        store.finish_run(summary)
    return summary


_Batch = list[tuple[str, Document]]


def _run_pool(batches: Iterator[_Batch], consume: Callable[[_Batch, list[Article | Problem]], None],
              config: Config, workers: int, gazetteer_path: str, extractor: Extractor) -> None:
    """Map batches over a pool of worker processes (spawned, each loading the model and opening the
    gazetteer once), keeping at most two batches per worker in flight and storing results in input order."""
    context = multiprocessing.get_context("spawn")
    pending: deque[tuple[list[tuple[str, Document]], Future[list[Article | Problem]]]] = deque()
    with ProcessPoolExecutor(max_workers=workers, mp_context=context, initializer=_init_worker,
                             initargs=(config, gazetteer_path, extractor)) as pool:
        try:
            for batch in batches:
                pending.append((batch, pool.submit(_work, [d for _, d in batch])))
                while len(pending) > 2 * workers:
                    done, future = pending.popleft()
                    consume(done, future.result())
            while pending:
                done, future = pending.popleft()
                consume(done, future.result())
        except BrokenProcessPool as exc:
            raise ModelError("a worker process died (out of memory, or the model failed to load); the "
                             "batches stored so far are kept — run again to finish") from exc


def _batches(items: Iterable[Document | Problem], size: int, store: Store, extractor: Extractor, tally: _Tally,
             problems: list[Problem], run_id: str) -> Iterator[list[tuple[str, Document]]]:
    """Documents not yet stored, in batches, with their input hashes; problems go straight to the store."""
    batch: list[tuple[str, Document]] = []
    seen: set[str] = set()

    def fresh(candidates: list[tuple[str, Document]]) -> list[tuple[str, Document]]:
        done = store.done_inputs([h for h, _ in candidates], version=extractor.version,
                                 model=extractor.model or "", gazetteer=extractor.gazetteer)
        kept = [(h, d) for h, d in candidates if h not in done]
        tally.skipped += len(candidates) - len(kept)
        return kept

    for item in items:
        if isinstance(item, Problem):
            store.add_problems(run_id, [item])
            problems.append(item)
            if item.severity == "error":
                tally.failed += 1
            continue
        tally.inputs += 1
        hash_ = input_hash(item)
        if hash_ in seen:
            tally.skipped += 1
            continue
        seen.add(hash_)
        batch.append((hash_, item))
        if len(batch) >= size:
            kept = fresh(batch)
            batch = []
            if kept:
                yield kept
    if batch:
        kept = fresh(batch)
        if kept:
            yield kept


def source_file(path: str) -> str:
    """The file part of a source path (``corpus.jsonl:12`` → ``corpus.jsonl``, ``a.warc#record3`` → ``a.warc``).

    >>> source_file("corpus.jsonl:12"), source_file("crawl.warc.gz#record3"), source_file("a.txt")
    ('corpus.jsonl', 'crawl.warc.gz', 'a.txt')
    """
    path = path.split("#record", 1)[0]
    head, _, tail = path.rpartition(":")
    return head if head and tail.isdigit() else path


def _id_clash(article: Article, owners: dict[str, str]) -> Problem | None:
    """An input's own id that another file's article already holds: refuse it rather than overwrite.

    Content-hash ids never clash (the same id is the same text); an id from the same file is an update.
    """
    owner = owners.get(article.id)
    if owner is None or article.id == content_id(article.text):
        return None
    if source_file(owner) == source_file(article.source.path):
        return None
    return Problem(severity="error", code="EW108", where=article.source.path,
                   message=f"id {article.id!r} is already used by the article from {owner}; ids must be "
                           "unique across inputs — rename them, or drop the id field to use content hashes")


def _flag_warnings(article: Article) -> list[Problem]:
    """The run's warnings for a stored article: its text cut to ``max_chars`` (EW109), a stage that failed
    on it (EW399), so the error list names every article that was stored incomplete."""
    found: list[Problem] = []
    for flag in article.flags:
        if flag.code == TRUNCATED:
            found.append(Problem(severity="warning", code="EW109", where=article.source.path, message=flag.message))
        elif flag.code == "stage-error":
            found.append(Problem(severity="warning", code="EW399", where=article.source.path, message=flag.message))
    for problem in found:
        log.warning("%s %s: %s", problem.code, problem.where, problem.message)
    return found


def _unique(articles: list[Article]) -> list[Article]:
    """One article per id within a batch (two inputs that clean to the same text are one article)."""
    by_id: dict[str, Article] = {}
    for article in articles:
        by_id[article.id] = article
    return list(by_id.values())
