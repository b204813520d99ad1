"""eventwire: news articles in, an event dataset out, every field traced to the text it came from.

The public Python API; the command line (``eventwire …``) is a thin layer over it.

>>> import eventwire
>>> config = eventwire.load_config(db="corpus.duckdb")          # doctest: +SKIP
>>> summary = eventwire.run(["articles/"], config)              # doctest: +SKIP
>>> for item in eventwire.extract(eventwire.ingest(["a.txt"]), config):  # doctest: +SKIP
...     print(eventwire.article_to_json(item))
"""

from __future__ import annotations

from eventwire.clean import clean
from eventwire.config import Config, load_config
from eventwire.errors import EventwireError
from eventwire.evaluate import evaluate_clean
from eventwire.gazetteer import Candidate, Gazetteer, import_file
from eventwire.ingest import ingest
from eventwire.parse import load_model, parse
from eventwire.pipeline import extract, package_version, run
from eventwire.records import Article, Document, Problem, article_from_json, article_to_json
from eventwire.store import RunSummary, Store

__version__ = package_version()

__all__ = [
    "Article",
    "Candidate",
    "Config",
    "Document",
    "EventwireError",
    "Gazetteer",
    "Problem",
    "RunSummary",
    "Store",
    "__version__",
    "article_from_json",
    "article_to_json",
    "clean",
    "evaluate_clean",
    "extract",
    "import_file",
    "ingest",
    "load_config",
    "load_model",
    "parse",
    "run",
]
