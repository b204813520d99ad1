"""Actors: the parties to events. Every mention of one as an :class:`~eventwire.records.Actor` with its
canonical name, ACLED inter code, PLOVER sector and country.

Interface (the pipeline and the events stage rely on it):

* :func:`load_actors` — the packaged alias table (``data/actors.toml``) plus the user's alias files;
* :func:`find_actors` — the actor mentions of a parsed article, in text order.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from eventwire.records import Actor, Place

if TYPE_CHECKING:
    from spacy.tokens import Doc

__all__ = ["ActorTable", "find_actors", "load_actors"]


@dataclass(frozen=True, slots=True)
class ActorTable:
    """The alias table: canonical actors with their aliases, inter codes, sectors and countries."""

    version: str

    def aliases(self, name: str) -> tuple[str, ...]:
        """Every name the table knows for the actor called ``name`` (itself included)."""
        return (name,)


def load_actors(extra: Sequence[Path] = ()) -> ActorTable:
    """The packaged alias table merged with the user's alias files ``extra``."""
    return ActorTable(version="0")


def find_actors(doc: Doc, table: ActorTable, *, places: Sequence[Place] = ()) -> tuple[Actor, ...]:
    """The actor mentions of ``doc``, in text order."""
    return ()
