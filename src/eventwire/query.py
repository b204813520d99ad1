"""Queries behind ``eventwire events``: the store's happenings (fusion's clusters) or its single events,
filtered by place, type, actor, date and distance.

The actor filter knows aliases: ``--actor SDF`` finds "QSD: Syrian Democratic Forces", and
``--actor "Syrian army"`` finds "Military Forces of Syria", through :func:`eventwire.actors.same_actor`
over the names the store uses; any name containing the text matches too.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from eventwire.actors import ActorTable, load_actors, same_actor
from eventwire.store import Store

__all__ = ["EventQuery", "find_events"]


@dataclass(frozen=True, slots=True, kw_only=True)
class EventQuery:
    """The filters of ``eventwire events``; ``None`` filters nothing."""

    country: str | None = None
    """The location's country name or ISO code."""
    admin1: str | None = None
    """The location's first-level division."""
    type: str | None = None
    """An ACLED event type or sub-event type, or a PLOVER type (events only)."""
    actor: str | None = None
    """An actor's name, alias or part of a name."""
    since: str | None = None
    until: str | None = None
    near: tuple[float, float, float] | None = None
    """``(lat, lon, km)``."""
    limit: int | None = None


def find_events(db: str | Path, query: EventQuery, *, members: bool = False,
                table: ActorTable | None = None) -> list[dict[str, Any]]:
    """The happenings (clusters, the default) or, with ``members``, the single events of the store at
    ``db`` that pass ``query``, by date.

    Raises :class:`~eventwire.errors.StoreError` when the store cannot be opened.

    >>> find_events("eventwire.duckdb", EventQuery(country="SY", actor="SDF"))  # doctest: +SKIP
    [{'cluster_id': '…', 'event_type': 'Battles', 'actor1': 'QSD: Syrian Democratic Forces', …}]
    """
    with Store(db, read_only=True) as store:
        names: list[str] | None = None
        if query.actor:
            aliases = table if table is not None else load_actors()
            names = [name for name in store.actor_names() if same_actor(query.actor, name, aliases)]
        filters: dict[str, Any] = {"country": query.country, "admin1": query.admin1, "event_type": query.type,
                                   "actor": query.actor, "actor_names": names, "since": query.since,
                                   "until": query.until, "near": query.near, "limit": query.limit}
        return store.events(**filters) if members else store.clusters(**filters)
