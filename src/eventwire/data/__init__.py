"""The package's data files (lexicons, alias tables, regions) and the one loader that reads them."""

from __future__ import annotations

import tomllib
from importlib import resources
from typing import Any


def read_text(name: str) -> str:
    """A data file from ``eventwire/data`` as text.

    >>> "the" in read_text("stopwords.txt").split()
    True
    """
    return resources.files(__name__).joinpath(name).read_text(encoding="utf-8")


def read_toml(name: str) -> dict[str, Any]:
    """A TOML data file from ``eventwire/data``."""
    return tomllib.loads(read_text(name))
