"""Fusion: the same happening reported by several articles becomes one cluster.

Two events (of different articles) report the same happening when all of these hold:

* **type** — the same sub-event type, or the same event type where one source gives no sub-type;
* **actors** — actor1 with actor1 and actor2 with actor2 name the same actor (canonical names or
  aliases, :func:`eventwire.actors.same_actor`), or crosswise for battles (a clash between A and B is one
  between B and A); an unknown or unidentified actor blocks nothing (but corroborates nothing either);
* **place** — the same country, and within a radius set by the coarser geo_precision
  (:data:`RADIUS_KM`: 25 km for two towns, 50 km near a town); a region or country alone (precision 3)
  does not name a happening;
* **date** — the same day, pinned by both reports' own sentences (time_precision 1; a day apart when
  both give the same death toll — reports of one event disagree by a day, but the daily shelling of one
  city must not chain into one happening). A report whose sentence gives no day stands for its
  article's day (time_precision 2): it joins a report of that same day only when both give the same
  sub-event type and the same death toll ("a bomb killed 16 in Hasakeh", reported that day). A month is
  too vague to name a happening, and is what background sentences ("since April", "in recent weeks") get;
* **corroboration** — where type, place and day are not enough, the two reports also give the same
  death toll (under 1,000: a higher one is a war's total), or name the same particular actor — not one
  left unknown, nor ACLED's defaults (Civilians, Protesters, Rioters, Unidentified Armed Group), which
  any two events of a type share. They are enough for political violence (battles, explosions/remote
  violence, violence against civilians) that both reports place in the same named town (geo_precision
  1) on one day their own sentences pin: that is what a report of a happening gives, and the events
  stage keeps the days of side clauses and the background ("strikes have continued") out of it. Two
  towns a few km apart (a city and a village outside it), a place only "near" a town (precision 2), a
  day apart, a day the sentence does not give, or a strategic development, protest or riot (a city
  sees several a day, and they are vaguer) still need corroboration.

An event without a date or a located place is never merged.

A cluster is a connected component of that relation. Components depend only on the set of events, so
fusion is deterministic and independent of input order and repetition, and an incremental
:func:`fuse` — which clusters again only the new events, the clusters they touch and the clusters
that lost a member — gets exactly what clustering everything from scratch would. Events without an
ACLED type or without a date (statements, undated reports) stay clusters of their own.

A cluster carries the best-supported value of each field with the number of articles behind each
value (ties go to the more precise value, then the earlier report), its number of articles (distinct
texts: one text stored under two ids is one source) and of distinct publishers, its earliest report, its members, and its disagreements: every field for which
the members give different values ("fatalities 12 vs 15"), listed, never averaged away.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import itertools
import logging
from bisect import bisect_left, bisect_right
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from eventwire.places import haversine_km

if TYPE_CHECKING:
    from eventwire.actors import ActorTable
    from eventwire.store import Store

log = logging.getLogger(__name__)

__all__ = ["DAY_WINDOW", "FIELDS", "POLITICAL_VIOLENCE", "RADIUS_KM", "RULES_VERSION", "Cluster", "FusionSummary",
           "Member", "cluster", "compatible", "fuse"]

RULES_VERSION = "11"
"""The version of the rules below; a store fused by other rules is fused again from scratch."""
RADIUS_KM: dict[int, float] = {1: 25.0, 2: 50.0, 3: 150.0}
"""How far apart two reports of one event may place it, by the coarser geo_precision of the two."""
DAY_WINDOW = 1
"""The most days two reports of one happening may date it apart: one, and only when they give the same
death toll (only events pinned to a day merge at all)."""
BATTLES = "Battles"
POLITICAL_VIOLENCE = frozenset({BATTLES, "Explosions/Remote violence", "Violence against civilians"})
"""ACLED's event types of political violence: reported in one town on one day, one happening."""
FIELDS: tuple[str, ...] = ("event_type", "sub_event_type", "actor1", "actor2", "date", "location", "fatalities")
"""The fields a cluster reports with their support (and disagreements)."""


@dataclass(frozen=True, slots=True, kw_only=True)
class Member:
    """One event as fusion sees it: its fields and where it comes from."""

    event_id: str
    article_id: str
    publisher: str | None = None
    published: str | None = None
    event_type: str | None = None
    sub_event_type: str | None = None
    actor1: str | None = None
    actor2: str | None = None
    date: str | None = None
    time_precision: int | None = None
    location: str | None = None
    lat: float | None = None
    lon: float | None = None
    geo_precision: int | None = None
    country: str | None = None
    country_code: str | None = None
    admin1: str | None = None
    fatalities: int | None = None
    text_hash: str | None = None
    """A hash of its article's text: two inputs with the same text are one report, whatever their ids."""
    cluster_id: str | None = None
    """The cluster the store holds it in (``None`` for an event not fused yet); not part of the event."""
    day: int | None = field(init=False, compare=False, repr=False, default=None)
    """The date as a day number (``None`` without a valid date), computed once."""

    def __post_init__(self) -> None:
        try:
            day = dt.date.fromisoformat(self.date[:10]).toordinal() if self.date else None
        except ValueError:
            day = None
        object.__setattr__(self, "day", day)

    @property
    def report(self) -> str:
        """The article as a source: its text, so that one text stored under two ids counts once."""
        return self.text_hash or self.article_id

    @property
    def key(self) -> tuple[str, str]:
        return (self.article_id, self.event_id)

    @property
    def block(self) -> str:
        """The partition fusion works in: country × event type (``""`` parts when unknown)."""
        return f"{self.country_code or ''}|{self.event_type or ''}"


@dataclass(frozen=True, slots=True)
class Support:
    """One value of a field and the number of articles that give it."""

    value: Any
    articles: int


@dataclass(frozen=True, slots=True, kw_only=True)
class Cluster:
    """One happening: its members and what they say, field by field."""

    id: str
    block: str
    members: tuple[Member, ...]
    support: dict[str, tuple[Support, ...]] = field(default_factory=dict)
    """Per field of :data:`FIELDS`, its values, best supported first (nulls not counted)."""
    articles: int = 0
    publishers: int = 0
    earliest_report: str | None = None

    def best(self, name: str) -> Any:
        """The best-supported value of a field, or ``None`` when no member gives one."""
        values = self.support.get(name) or ()
        return values[0].value if values else None

    @property
    def disagreements(self) -> dict[str, tuple[Support, ...]]:
        """The fields for which the members give more than one value."""
        return {name: values for name, values in self.support.items() if len(values) > 1}

    @property
    def best_member(self) -> Member:
        """The member whose location and date are the cluster's (best supported, most precise)."""
        place, date = self.best("location"), self.best("date")
        ranked = sorted(self.members, key=lambda m: (m.location != place, m.date != date, m.geo_precision or 9,
                                                    m.time_precision or 9, m.published or "~", m.key))
        return ranked[0]


@dataclass(frozen=True, slots=True, kw_only=True)
class FusionSummary:
    """What :func:`fuse` did: events and clusters in the store, and how much was clustered again."""

    events: int
    clusters: int
    multi_source: int
    clusters_replaced: int
    """Clusters that were taken apart and clustered again (with the new events) this time."""
    new_events: int
    """Events added or changed since the last fusion."""


# --- the relation ---------------------------------------------------------------------------------------

def _unknown(name: str | None) -> bool:
    return not name or name.lower().startswith(("unidentified", "unknown"))


def _same(a: str | None, b: str | None, same: Callable[[str, str], bool]) -> bool:
    return _unknown(a) or _unknown(b) or a == b or same(a or "", b or "")


def compatible(a: Member, b: Member, same: Callable[[str, str], bool]) -> bool:
    """Whether two events may report the same happening (see the module's rules).

    >>> raqqa = Member(event_id="e1", article_id="a1", event_type="Battles", sub_event_type="Armed clash",
    ...                actor1="SDF", date="2019-03-18", time_precision=1, lat=35.95, lon=39.01,
    ...                geo_precision=1, country_code="SY", fatalities=12)
    >>> later = Member(event_id="e2", article_id="a2", event_type="Battles", sub_event_type=None,
    ...                actor1="Syrian Democratic Forces", date="2019-03-19", time_precision=1,
    ...                lat=35.9, lon=39.1, geo_precision=1, country_code="SY", fatalities=12)
    >>> compatible(raqqa, later, lambda x, y: {x, y} == {"SDF", "Syrian Democratic Forces"})
    True
    """
    if a.article_id == b.article_id or a.event_type is None or a.event_type != b.event_type:
        return False
    if a.country_code != b.country_code:
        return False
    if a.sub_event_type and b.sub_event_type and a.sub_event_type != b.sub_event_type:
        return False
    day_a, day_b = a.day, b.day
    if day_a is None or day_b is None or a.lat is None or a.lon is None or b.lat is None or b.lon is None:
        return False
    coarser_time = max(a.time_precision or 1, b.time_precision or 1)
    coarser_place = max(a.geo_precision or 1, b.geo_precision or 1)
    if coarser_place > 2 or coarser_time > 2:
        return False  # a region or a month: too vague to name one happening (and the mark of background)
    if coarser_time == 2 and (day_a != day_b or not a.sub_event_type or a.sub_event_type != b.sub_event_type
                              or not _same_toll(a, b)):
        return False  # a report that gives no day of its own: only with its article's day, sub-type and toll
    if abs(day_a - day_b) > (DAY_WINDOW if _same_toll(a, b) else 0):
        return False
    if haversine_km(a.lat, a.lon, b.lat, b.lon) > RADIUS_KM.get(coarser_place, max(RADIUS_KM.values())):
        return False
    if _same_toll(a, b):
        return _same(a.actor1, b.actor1, same) and _same(a.actor2, b.actor2, same) or (
            a.event_type == BATTLES and _same(a.actor1, b.actor2, same) and _same(a.actor2, b.actor1, same))
    # one town, one day, one kind of violence: enough (the day pinned by both reports, see above)
    pinned = coarser_place == 1 and coarser_time == 1 and day_a == day_b and a.location is not None \
        and a.location == b.location and a.event_type in POLITICAL_VIOLENCE
    for first, second in ((a.actor1, a.actor2), (a.actor2, a.actor1)) if a.event_type == BATTLES else \
            ((a.actor1, a.actor2),):
        if _same(first, b.actor1, same) and _same(second, b.actor2, same) and (pinned or
                _corroborates(first, b.actor1, same) or _corroborates(second, b.actor2, same)):
            return True
    return False



_TOLL_OF_A_WAR = 1000
"""A toll this high is a war's or a year's total ("the conflict has killed 300,000"), not one event's."""


def _same_toll(a: Member, b: Member) -> bool:
    return a.fatalities is not None and 0 < a.fatalities < _TOLL_OF_A_WAR and a.fatalities == b.fatalities


_DEFAULT_ACTORS = ("unidentified", "unknown", "civilians", "protesters", "rioters")


def _corroborates(a: str | None, b: str | None, same: Callable[[str, str], bool]) -> bool:
    """Whether two reports name the same particular actor — not one left unknown, nor ACLED's defaults
    (Civilians, Protesters, Rioters, Unidentified Armed Group of the country), which any two events of a
    type share."""
    if not a or not b or a.lower().startswith(_DEFAULT_ACTORS) or b.lower().startswith(_DEFAULT_ACTORS):
        return False
    return a == b or same(a, b)


# --- clusters ---------------------------------------------------------------------------------------------

def _mergeable(member: Member) -> bool:
    """Whether :func:`compatible` can pair this event with any other (a day or a week, a located town): the
    others are left out of the search, not only refused one by one."""
    return (member.day is not None and member.event_type is not None and member.lat is not None
            and member.lon is not None and (member.time_precision or 1) <= 2 and (member.geo_precision or 1) <= 2)


def _components(members: Sequence[Member], same: Callable[[str, str], bool]) -> list[list[Member]]:
    """Connected components of :func:`compatible` within one block: the events that can merge at all
    (:func:`_mergeable`), sorted by day, each compared with those at most :data:`DAY_WINDOW` days later."""
    parent = list(range(len(members)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    dated = sorted((m.day, i) for i, m in enumerate(members) if m.day is not None and _mergeable(m))
    for position, (day, i) in enumerate(dated):
        for later_day, j in itertools.islice(dated, position + 1, None):
            if later_day - day > DAY_WINDOW:
                break
            if root(i) != root(j) and compatible(members[i], members[j], same):
                parent[root(j)] = root(i)
    groups: dict[int, list[Member]] = defaultdict(list)
    for i, member in enumerate(members):
        groups[root(i)].append(member)
    return list(groups.values())


def _value(member: Member, name: str) -> Any:
    return getattr(member, name)


def _precision(member: Member, name: str) -> int:
    if name == "date":
        return member.time_precision or 9
    if name == "location":
        return member.geo_precision or 9
    return 0


def _support(members: Sequence[Member], name: str,
             same: Callable[[str, str], bool] | None = None) -> tuple[Support, ...]:
    """The values of one field with the number of distinct articles giving each, best first: most
    articles, then the most precise, then the earliest report, then the value itself. With ``same``,
    names of one actor ("SDF", "Syrian Democratic Forces") count as one value, under its best name."""
    articles: dict[Any, set[str]] = defaultdict(set)
    finest: dict[Any, int] = {}
    earliest: dict[Any, str] = {}
    for member in members:
        value = _value(member, name)
        if value is None:
            continue
        articles[value].add(member.report)
        finest[value] = min(finest.get(value, 9), _precision(member, name))
        earliest[value] = min(earliest.get(value, "~"), member.published or "~")
    def rank(values: Iterable[Any]) -> list[Any]:
        return sorted(values, key=lambda v: (-len(articles[v]), finest[v], earliest[v], str(v)))

    ranked = rank(articles)
    if same is not None and name in ("actor1", "actor2"):
        kept: list[Any] = []
        for value in ranked:
            alias_of = next((k for k in kept if same(k, value)), None)
            if alias_of is None:
                kept.append(value)
            else:
                articles[alias_of] |= articles[value]
        ranked = rank(kept)
    return tuple(Support(value, len(articles[value])) for value in ranked)


def make_cluster(members: Iterable[Member], same: Callable[[str, str], bool] | None = None) -> Cluster:
    """A cluster of ``members`` (one happening), with its support and counts (actor names that ``same``
    equates counted as one). Its id is a hash of its members' keys, so the same members give the same id
    whatever their order."""
    ordered = tuple(sorted(set(members), key=lambda m: m.key))
    digest = hashlib.sha256("\n".join(f"{a}:{e}" for a, e in (m.key for m in ordered)).encode()).hexdigest()
    reports = [m.published for m in ordered if m.published]
    return Cluster(id=digest[:16], block=ordered[0].block, members=ordered,
                   support={name: _support(ordered, name, same) for name in FIELDS},
                   articles=len({m.report for m in ordered}),
                   publishers=len({m.publisher for m in ordered if m.publisher}),
                   earliest_report=min(reports) if reports else None)


def cluster(members: Iterable[Member], same: Callable[[str, str], bool]) -> list[Cluster]:
    """The clusters of a set of events, sorted by id: deterministic, independent of the order of
    ``members`` and of repeated members.

    Args:
        members: the events (any order, repeats allowed).
        same: whether two actor names name the same actor (e.g. ``same_actor`` with the alias table).
    """
    blocks: dict[str, dict[tuple[str, str], Member]] = defaultdict(dict)
    for member in members:
        blocks[member.block][member.key] = member
    clusters = [make_cluster(group, same) for block in blocks.values()
                for group in _components(sorted(block.values(), key=lambda m: m.key), same)]
    return sorted(clusters, key=lambda c: c.id)


def actor_matcher(table: ActorTable) -> Callable[[str, str], bool]:
    """:func:`eventwire.actors.same_actor` over ``table``, remembered per pair of names."""
    from eventwire.actors import same_actor

    @lru_cache(maxsize=65536)
    def same(a: str, b: str) -> bool:
        return same_actor(a, b, table)

    return lambda a, b: same(a, b) if a <= b else same(b, a)


def _neighbour_clusters(new: Sequence[Member], fused: Sequence[Member],
                        same: Callable[[str, str], bool]) -> set[str]:
    """The clusters of the already fused events that a new event is compatible with."""
    by_block: dict[str, list[tuple[int, Member]]] = defaultdict(list)
    for member in fused:
        if member.day is not None and member.cluster_id is not None:
            by_block[member.block].append((member.day, member))
    for entries in by_block.values():
        entries.sort(key=lambda entry: (entry[0], entry[1].key))
    found: set[str] = set()
    for member in new:
        nearby = by_block.get(member.block)
        if member.day is None or not nearby:
            continue
        first = bisect_left(nearby, member.day - DAY_WINDOW, key=lambda entry: entry[0])
        last = bisect_right(nearby, member.day + DAY_WINDOW, key=lambda entry: entry[0])
        for _, candidate in nearby[first:last]:
            if candidate.cluster_id not in found and compatible(member, candidate, same):
                found.add(candidate.cluster_id)  # type: ignore[arg-type]
    return found


def fuse(store: Store, table: ActorTable, *, rebuild: bool = False) -> FusionSummary:
    """Bring the store's clusters up to date with its events, incrementally and exactly.

    With ``rebuild``, or when the store's clusters were made by other rules (:data:`RULES_VERSION`),
    every event is clustered again.

    Only what changed is clustered again: the new (or changed) events, the clusters they are
    compatible with, and the clusters that lost (or changed) a member. That gives what clustering
    every event from scratch gives, because a cluster is a connected component: an event that did not
    change cannot join another cluster unless a new event links them.

    >>> from eventwire.actors import load_actors
    >>> from eventwire.store import Store
    >>> with Store(":memory:") as store:
    ...     fuse(store, load_actors()).clusters
    0
    """
    if rebuild or store.meta("fusion_rules") != RULES_VERSION:
        store.clear_clusters()
        store.set_meta("fusion_rules", RULES_VERSION)
    new, affected = store.fusion_changes()
    if new or affected:
        same = actor_matcher(table)
        affected |= _neighbour_clusters(new, store.fused_members_near(new, days=DAY_WINDOW), same)
        pool = [*new, *store.members_of(affected)]
        clusters = cluster(pool, same)
        store.replace_clusters(affected, clusters)
        log.info("fused %d new or changed events: %d clusters replaced by %d", len(new), len(affected),
                 len(clusters))
    events, clusters_total, multi = store.cluster_counts()
    return FusionSummary(events=events, clusters=clusters_total, multi_source=multi,
                         clusters_replaced=len(affected), new_events=len(new))
