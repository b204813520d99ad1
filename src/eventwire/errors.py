"""Errors with stable codes. Each message says what failed, on which input, and what to do next.

Codes: EW1xx input (ingest), EW2xx cleaning, EW3xx parsing / models, EW4xx store, EW5xx evaluation,
EW6xx gazetteer, EW7xx distributed engine (Ray), EW9xx usage.
"""

from __future__ import annotations


class EventwireError(Exception):
    """Base of every error eventwire raises on purpose. ``code`` is stable; ``where`` names the input."""

    code = "EW000"

    def __init__(self, message: str, *, where: str | None = None) -> None:
        self.message = message
        self.where = where
        super().__init__(self.__str__())

    def __str__(self) -> str:
        prefix = f"{self.where}: " if self.where else ""
        return f"{self.code} {prefix}{self.message}"


class InputError(EventwireError):
    """An input file (or one line or record of it) cannot be read as an article."""

    code = "EW101"


class EmptyInputError(InputError):
    code = "EW102"


class BinaryInputError(InputError):
    code = "EW103"


class MalformedInputError(InputError):
    code = "EW104"


class NotFoundError(InputError):
    code = "EW105"


class CleanError(EventwireError):
    code = "EW201"


class ModelError(EventwireError):
    code = "EW301"


class StoreError(EventwireError):
    code = "EW401"


class StoreBusyError(StoreError):
    """Another process holds the database: DuckDB lets one process write a file, and none read it meanwhile."""

    code = "EW402"


class EvaluationError(EventwireError):
    code = "EW501"


class GazetteerError(EventwireError):
    """The gazetteer file is missing, unreadable or of another format, or an import file cannot be read."""

    code = "EW601"


class EngineError(EventwireError):
    """The distributed engine (Ray) cannot be reached, or a job on it failed."""

    code = "EW701"


class UsageError(EventwireError):
    code = "EW901"
