"""Actors: the parties to events. Every mention of one as an :class:`~eventwire.records.Actor` with its
canonical name, ACLED inter code, PLOVER sector and country.

Interface (the pipeline and the events stage rely on it):

* :func:`load_actors` — the packaged alias table plus the user's alias files;
* :func:`find_actors` — the actor mentions of a parsed article, in text order;
* :func:`same_actor` — whether two actor names name the same actor (ACLED conventions, aliases).

The table is data, not code: ``eventwire/data/actors.toml`` (named actors: "QSD: Syrian Democratic
Forces" with its aliases SDF, QSD …) and ``eventwire/data/actor_generic.toml`` (generic agents such as
"police" → "Police Forces of {country}", anaphora, person titles, news organisations that are not
parties). State forces, police and governments of every country come from the country and demonym data.

User alias files have the format of ``actors.toml``::

    version = "my-aliases-1"            # optional; appended to ActorTable.version

    [[actor]]
    name = "Example Liberation Front"   # canonical name (required)
    aliases = ["ELF", "the Front"]      # acronyms (no lower-case letter) match in their case only
    inter = 2                           # ACLED inter code 1–8
    sector = "REB"                      # PLOVER/CAMEO sector code
    country = "Syria"                   # optional, the gazetteer's spelling
    by_country = false                  # optional: name it "<name> (<context country>)"

An entry whose name is that of a packaged entry replaces it.

The ``kind`` of a mention: ``named`` (a table entry, a country's state forces named with the country —
"Syrian army" — or a person), ``generic`` ("police", "gunmen", with the context country: the mention's
own demonym, else the sentence's place, else the article's dominant country), ``anaphor`` ("the group",
resolved to an earlier actor) or ``unknown`` (an organisation or group the table lacks, kept as written).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from eventwire.actors.find import find
from eventwire.actors.names import same_actor
from eventwire.actors.table import ActorTable, load_table
from eventwire.records import Actor, Place

if TYPE_CHECKING:
    from spacy.tokens import Doc

__all__ = ["ActorTable", "find_actors", "load_actors", "same_actor"]


def load_actors(extra: Sequence[Path] = ()) -> ActorTable:
    """The packaged alias table merged with the user's alias files ``extra``.

    The packaged table is read once per process (cached); with user files a new table is built.

    Raises :class:`~eventwire.errors.UsageError` naming the file and the problem when a user file is
    missing, not TOML or not in the format above.

    >>> table = load_actors()
    >>> table.aliases("QSD: Syrian Democratic Forces")[:3]
    ('QSD: Syrian Democratic Forces', 'Syrian Democratic Forces', 'SDF')
    """
    return load_table(tuple(Path(p) for p in extra))


def find_actors(doc: Doc, table: ActorTable, *, places: Sequence[Place] = (),
                outlets: Sequence[str] = ()) -> tuple[Actor, ...]:
    """The actor mentions of ``doc``, in text order (``doc.text[a.start:a.end] == a.text``).

    Args:
        doc: the article parsed by :func:`eventwire.parse.parse`.
        table: from :func:`load_actors`.
        places: the places stage's output, for the context country of generic mentions.
        outlets: names of the article's own publisher: like the news organisations of the table's
            ``not_actors``, no mention of them is an actor (their credit in the dateline, "NAIROBI, Sept. 21
            (Ridgeway Daily) —", was read as one).

    >>> [(a.text, a.name, a.inter) for a in find_actors(nlp("Nigerian police arrested two gunmen."),
    ...                                                  load_actors())]            # doctest: +SKIP
    [('Nigerian police', 'Police Forces of Nigeria', 1), ('gunmen', 'Unidentified Armed Group (Nigeria)', 3)]
    """
    return find(doc, table, places, outlets)
