"""The event lexicon (``data/events.toml`` plus the user's trigger files), read into lookup tables once.

The file format is documented at the top of ``events.toml``. Everything the classifier needs per token
is a dict lookup: ``Lexicon.triggers[lemma]`` gives the entries of that lemma, in the order they are
tried; word classes are expanded into frozensets when the file is read.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from eventwire.data import read_text
from eventwire.errors import UsageError

__all__ = ["PLOVER_TYPES", "Block", "Condition", "Entry", "Lexicon", "Modality", "Outcome", "Rule",
           "load_lexicon"]

PLOVER_TYPES: frozenset[str] = frozenset({
    "AGREE", "CONSULT", "SUPPORT", "CONCEDE", "COOPERATE", "AID", "RETREAT", "REQUEST", "ACCUSE",
    "REJECT", "THREATEN", "PROTEST", "SANCTION", "MOBILIZE", "COERCE", "ASSAULT"})

_WORD_KEYS = ("object", "pobj", "subject", "target", "particle", "modifier", "governor", "phrase", "sentence",
              "exclude_sentence", "complement_aux")
_CONDITION_KEYS = frozenset((*_WORD_KEYS, "actor1_inter", "actor2_inter", "has_actor1"))
_ENTRY_KEYS = frozenset({"lemmas", "pos", "family", "sub_event_type", "plover", "mode", "confidence",
                         "require", "exclude", "why"})
_RULE_KEYS = frozenset({"when", "then", "sub_event_type", "plover", "mode", "no_acled", "drop", "why"})
_TOP_KEYS = frozenset({"version", "forms", "acled", "acled_to_plover", "plover", "agents", "classes", "roles",
                       "context", "modality", "family", "block", "trigger", "headings"})
_POS = frozenset({"VERB", "NOUN", "ADJ", "PROPN", "ADV", "AUX"})


@dataclass(frozen=True, slots=True)
class Condition:
    """Conditions on a trigger's context; each set is of lemmas (``ENT:GPE`` for an entity type)."""

    object: frozenset[str] | None = None
    pobj: frozenset[str] | None = None
    subject: frozenset[str] | None = None
    target: frozenset[str] | None = None
    particle: frozenset[str] | None = None
    modifier: frozenset[str] | None = None
    governor: frozenset[str] | None = None
    phrase: frozenset[str] | None = None
    sentence: frozenset[str] | None = None
    exclude_sentence: frozenset[str] | None = None
    complement_aux: frozenset[str] | None = None
    actor1_inter: frozenset[int] | None = None
    actor2_inter: frozenset[int] | None = None
    has_actor1: bool | None = None


@dataclass(frozen=True, slots=True)
class Outcome:
    """What a trigger or a family rule codes."""

    sub_event_type: str | None = None
    event_type: str | None = None
    plover: str | None = None
    mode: str | None = None
    no_acled: bool = False
    drop: bool = False
    why: str = ""


@dataclass(frozen=True, slots=True)
class Rule:
    """One rule of a family: when ``when`` holds (or always, if ``None``), code ``outcome`` — or, with
    ``then``, what the family ``then`` decides (the next rule when it decides nothing)."""

    when: Condition | None
    outcome: Outcome | None
    then: str | None = None


@dataclass(frozen=True, slots=True)
class Entry:
    """One trigger entry: words, parts of speech, conditions and what they code."""

    lemmas: tuple[str, ...]
    pos: frozenset[str]
    family: str | None
    outcome: Outcome | None
    confidence: float
    require: Condition | None
    exclude: Condition | None
    why: str
    source: str


@dataclass(frozen=True, slots=True)
class Block:
    """Sentences with a word of ``when`` and none of ``unless`` code nothing from ``families``."""

    when: frozenset[str]
    unless: frozenset[str]
    families: frozenset[str] | None


@dataclass(frozen=True, slots=True)
class Modality:
    negations: frozenset[str]
    hypothetical: frozenset[str]
    future: frozenset[str]
    conditions: frozenset[str]
    threatened: frozenset[str]
    promised: frozenset[str]
    hypothetical_governors: frozenset[str]
    denied: frozenset[str]
    obliged: frozenset[str]
    habitual: frozenset[str] = frozenset()
    """Adverbs of repetition ("regularly"): the action is a habit, not one happening."""
    habitual_governors: frozenset[str] = frozenset()
    ongoing_governors: frozenset[str] = frozenset()
    states: frozenset[str] = frozenset()
    """What "be" says of a campaign ("the fight … is not *over*", "the battle is *ongoing*")."""
    aggregate_preps: frozenset[str] = frozenset()
    period_preps: frozenset[str] = frozenset()
    period_nouns: frozenset[str] = frozenset()
    period_modifiers: frozenset[str] = frozenset()
    aggregate_phrases: frozenset[str] = frozenset()
    aggregate_subjects: frozenset[str] = frozenset()
    short_counts: frozenset[str] = frozenset()


@dataclass(frozen=True, slots=True)
class Lexicon:
    """The whole event lexicon, as lookup tables."""

    version: str
    triggers: Mapping[str, tuple[Entry, ...]]
    """Lemma → the entries it triggers, in the order they are tried (user files first)."""
    families: Mapping[str, tuple[Rule, ...]]
    blocks: tuple[Block, ...]
    acled: Mapping[str, str]
    """Sub-event type → event type."""
    acled_to_plover: Mapping[str, tuple[str, str | None]]
    cooperative: frozenset[str]
    agent_inter: Mapping[str, int]
    """Lemma → the ACLED inter code of the agent class it belongs to (first class wins)."""
    partitives: frozenset[str]
    idiom_objects: frozenset[str]
    """Objects that belong to the trigger's phrase, never its target ("open *fire*", "take *control*")."""
    modality: Modality
    context_sentences: int
    context_families: frozenset[str]
    topic_families: frozenset[str] = frozenset()
    """Families whose ``sentence`` conditions skip the trigger's topic: what a demonstration is for or
    against ("marched *against the killing of …*") is not what happened at it."""
    topic_preps: frozenset[str] = frozenset()
    """Prepositions that introduce a topic ("against", "over")."""
    topic_verbs: frozenset[str] = frozenset()
    """Verbs of a clause that states a topic ("… *demanding* justice", "… to *denounce* …")."""
    forms: Mapping[str, str] = field(default_factory=dict)
    """Word form → lemma, where the English models lemmatize wrongly ("raped" → "rap")."""
    headings: Mapping[str, str] = field(default_factory=dict)
    """Lower-case tag that opens a text before a colon ("movement of forces:") → the ACLED sub-event
    type it names."""
    sources: tuple[str, ...] = field(default=())


def _fail(where: str, message: str) -> UsageError:
    return UsageError(f"{message}. Fix the event lexicon file (its format is described at the top of "
                      "eventwire/data/events.toml)", where=where)


def _read(path: Path | None) -> tuple[str, dict[str, Any]]:
    if path is None:
        return "eventwire/data/events.toml", tomllib.loads(read_text("events.toml"))
    where = str(path)
    try:
        return where, tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise _fail(where, "the event lexicon file does not exist") from exc
    except (OSError, UnicodeDecodeError) as exc:
        raise _fail(where, f"cannot read the event lexicon file: {exc}") from exc
    except tomllib.TOMLDecodeError as exc:
        raise _fail(where, f"not valid TOML: {exc}") from exc


class _Builder:
    """Accumulates the packaged file and the user files, then freezes them into a :class:`Lexicon`."""

    def __init__(self) -> None:
        self.version = "?"
        self.acled: dict[str, str] = {}
        self.acled_to_plover: dict[str, tuple[str, str | None]] = {}
        self.cooperative: set[str] = set()
        self.classes: dict[str, list[str]] = {}
        self.agents: list[tuple[str, int]] = []
        self.partitives: set[str] = set()
        self.idiom_objects: set[str] = set()
        self.modality: dict[str, set[str]] = {}
        self.context_sentences = 0
        self.context_families: set[str] = set()
        self.topic: dict[str, set[str]] = {"families": set(), "preps": set(), "verbs": set()}
        self.raw_families: dict[str, list[tuple[str, dict[str, Any]]]] = {}
        self.raw_triggers: list[tuple[str, dict[str, Any]]] = []
        self.raw_blocks: list[tuple[str, dict[str, Any]]] = []
        self.sources: list[str] = []
        self.forms: dict[str, str] = {}
        self.headings: dict[str, str] = {}

    def add(self, where: str, data: dict[str, Any], *, user: bool) -> None:
        unknown = set(data) - _TOP_KEYS
        if unknown:
            raise _fail(where, f"unknown section(s) {sorted(unknown)}")
        self.sources.append(where)
        if not user:
            self.version = str(data.get("version", "?"))
        self.acled.update(_str_map(where, data.get("acled", {}), "acled"))
        self.forms.update({form.lower(): lemma.lower()
                           for form, lemma in _str_map(where, data.get("forms", {}), "forms").items()})
        for tag, sub in _str_map(where, data.get("headings", {}), "headings").items():
            if sub not in self.acled:
                raise _fail(where, f"headings.{tag}: unknown ACLED sub-event type {sub!r}")
            self.headings[" ".join(tag.lower().split())] = sub
        for sub, pair in _table(where, data.get("acled_to_plover", {}), "acled_to_plover").items():
            if not isinstance(pair, list) or not 1 <= len(pair) <= 2:
                raise _fail(where, f"acled_to_plover.{sub} must be [PLOVER type, mode]")
            self.acled_to_plover[sub] = (str(pair[0]), str(pair[1]) if len(pair) > 1 else None)
        self.cooperative.update(_str_list(where, _table(where, data.get("plover", {}), "plover")
                                          .get("cooperative", []), "plover.cooperative"))
        for name, words in _table(where, data.get("classes", {}), "classes").items():
            self.classes.setdefault(name, []).extend(_str_list(where, words, f"classes.{name}"))
        for name, agent in _table(where, data.get("agents", {}), "agents").items():
            if not isinstance(agent, dict) or not isinstance(agent.get("inter"), int):
                raise _fail(where, f"agents.{name} needs an integer 'inter' and 'lemmas'")
            self.classes.setdefault(name, []).extend(_str_list(where, agent.get("lemmas", []), f"agents.{name}"))
            if all(existing != name for existing, _ in self.agents):
                self.agents.append((name, agent["inter"]))
        roles = _table(where, data.get("roles", {}), "roles")
        self.partitives.update(_str_list(where, roles.get("partitives", []), "roles.partitives"))
        self.idiom_objects.update(_str_list(where, roles.get("idiom_objects", []), "roles.idiom_objects"))
        for key, words in _table(where, data.get("modality", {}), "modality").items():
            self.modality.setdefault(key, set()).update(_str_list(where, words, f"modality.{key}"))
        context = _table(where, data.get("context", {}), "context")
        if "sentences" in context:
            self.context_sentences = int(context["sentences"])
        self.context_families.update(_str_list(where, context.get("families", []), "context.families"))
        for name, words in self.topic.items():
            words.update(word.lower() for word in _str_list(where, context.get(f"topic_{name}", []),
                                                            f"context.topic_{name}"))
        families = _table(where, data.get("family", {}), "family")
        for name, rules in families.items():
            if not isinstance(rules, list):
                raise _fail(where, f"family.{name} must be a list of [[family.{name}]] rules")
            tagged = [(where, rule) for rule in rules]
            current = self.raw_families.setdefault(name, [])
            self.raw_families[name] = tagged + current if user else current + tagged
        triggers = [(where, entry) for entry in _list(where, data.get("trigger", []), "trigger")]
        self.raw_triggers = triggers + self.raw_triggers if user else self.raw_triggers + triggers
        self.raw_blocks.extend((where, block) for block in _list(where, data.get("block", []), "block"))

    # -- freezing ------------------------------------------------------------------------------------
    def words(self, where: str, items: Any, key: str, seen: frozenset[str] = frozenset()) -> frozenset[str]:
        out: set[str] = set()
        for item in _str_list(where, items, key):
            if item.startswith("@"):
                name = item[1:]
                if name not in self.classes:
                    raise _fail(where, f"{key}: unknown word class {item!r}")
                if name in seen:
                    raise _fail(where, f"{key}: word class {item!r} includes itself")
                out |= self.words(where, self.classes[name], key, seen | {name})
            elif item.startswith(("ENT:", "POS:")):
                out.add(item)
            else:
                out.add(item.lower())
        return frozenset(out)

    def condition(self, where: str, raw: Any, key: str) -> Condition | None:
        if raw is None:
            return None
        if not isinstance(raw, dict):
            raise _fail(where, f"{key} must be a table of conditions")
        unknown = set(raw) - _CONDITION_KEYS
        if unknown:
            raise _fail(where, f"{key}: unknown condition(s) {sorted(unknown)}")
        values: dict[str, Any] = {name: self.words(where, raw[name], f"{key}.{name}")
                                  for name in _WORD_KEYS if name in raw}
        for name in ("actor1_inter", "actor2_inter"):
            if name in raw:
                if not isinstance(raw[name], list) or not all(isinstance(x, int) for x in raw[name]):
                    raise _fail(where, f"{key}.{name} must be a list of inter codes")
                values[name] = frozenset(raw[name])
        if "has_actor1" in raw:
            values["has_actor1"] = bool(raw["has_actor1"])
        return Condition(**values)

    def outcome(self, where: str, raw: dict[str, Any], key: str) -> Outcome:
        sub = raw.get("sub_event_type")
        if sub is not None and sub not in self.acled:
            raise _fail(where, f"{key}: unknown ACLED sub-event type {sub!r}")
        plover = raw.get("plover")
        mode = raw.get("mode")
        if plover is None and sub is not None:
            plover, derived_mode = self.acled_to_plover.get(sub, (None, None))
            mode = mode if mode is not None else derived_mode
        if plover is not None and plover not in PLOVER_TYPES:
            raise _fail(where, f"{key}: unknown PLOVER type {plover!r} (one of {sorted(PLOVER_TYPES)})")
        return Outcome(sub_event_type=sub, event_type=self.acled.get(sub) if sub else None, plover=plover,
                       mode=mode, no_acled=bool(raw.get("no_acled", False)), drop=bool(raw.get("drop", False)),
                       why=str(raw.get("why", "")))

    def build(self) -> Lexicon:
        families: dict[str, tuple[Rule, ...]] = {}
        for name, rules in self.raw_families.items():
            built = []
            for index, (where, raw) in enumerate(rules):
                key = f"family.{name}[{index}]"
                unknown = set(raw) - _RULE_KEYS
                if unknown:
                    raise _fail(where, f"{key}: unknown key(s) {sorted(unknown)}")
                then = raw.get("then")
                if then is not None and then not in self.raw_families:
                    raise _fail(where, f"{key}: unknown family {then!r} in 'then'")
                has_outcome = any(name in raw for name in ("sub_event_type", "plover", "mode", "no_acled", "drop"))
                if then is None and not has_outcome:
                    raise _fail(where, f"{key}: needs a 'sub_event_type', a 'plover' type, 'drop' or 'then'")
                built.append(Rule(when=self.condition(where, raw.get("when"), f"{key}.when"),
                                  outcome=self.outcome(where, raw, key) if has_outcome else None, then=then))
            families[name] = tuple(built)
        by_lemma: dict[str, list[Entry]] = {}
        for index, (where, raw) in enumerate(self.raw_triggers):
            key = f"trigger[{index}]"
            unknown = set(raw) - _ENTRY_KEYS
            if unknown:
                raise _fail(where, f"{key}: unknown key(s) {sorted(unknown)}")
            lemmas = _str_list(where, raw.get("lemmas"), f"{key}.lemmas")
            if not lemmas:
                raise _fail(where, f"{key}: 'lemmas' is missing or empty")
            pos = frozenset(_str_list(where, raw.get("pos", ["VERB", "NOUN"]), f"{key}.pos"))
            if pos - _POS:
                raise _fail(where, f"{key}: unknown part(s) of speech {sorted(pos - _POS)}")
            family = raw.get("family")
            if family is not None and family not in families:
                raise _fail(where, f"{key}: unknown family {family!r}")
            has_outcome = any(name in raw for name in ("sub_event_type", "plover", "mode"))
            if family is None and not has_outcome:
                raise _fail(where, f"{key}: needs a 'family', a 'sub_event_type' or a 'plover' type")
            confidence = float(raw.get("confidence", 0.5))
            if not 0.0 <= confidence <= 1.0:
                raise _fail(where, f"{key}: confidence must be in [0, 1]")
            entry = Entry(lemmas=tuple(word.lower() for word in lemmas), pos=pos, family=family,
                          outcome=self.outcome(where, raw, key) if has_outcome else None,
                          confidence=confidence,
                          require=self.condition(where, raw.get("require"), f"{key}.require"),
                          exclude=self.condition(where, raw.get("exclude"), f"{key}.exclude"),
                          why=str(raw.get("why", "")), source=where)
            for lemma in entry.lemmas:
                entries = by_lemma.setdefault(lemma, [])
                if entry not in entries:
                    entries.append(entry)
        blocks = tuple(Block(when=self.words(where, raw.get("when", []), "block.when"),
                             unless=self.words(where, raw.get("unless", []), "block.unless"),
                             families=frozenset(_str_list(where, raw["families"], "block.families"))
                             if "families" in raw else None)
                       for where, raw in self.raw_blocks)
        agent_inter: dict[str, int] = {}
        for name, inter in self.agents:
            for word in self.words("agents", [f"@{name}"], f"agents.{name}"):
                agent_inter.setdefault(word, inter)
        mod = {key: frozenset(word.lower() for word in words) for key, words in self.modality.items()}
        empty: frozenset[str] = frozenset()
        return Lexicon(
            version=self.version, triggers={lemma: tuple(entries) for lemma, entries in by_lemma.items()},
            families=families, blocks=blocks, acled=dict(self.acled), acled_to_plover=dict(self.acled_to_plover),
            cooperative=frozenset(self.cooperative), agent_inter=agent_inter,
            partitives=frozenset(self.partitives), idiom_objects=frozenset(self.idiom_objects),
            modality=Modality(**{name: mod.get(name, empty) for name in Modality.__slots__}),
            context_sentences=self.context_sentences, context_families=frozenset(self.context_families),
            topic_families=frozenset(self.topic["families"]), topic_preps=frozenset(self.topic["preps"]),
            topic_verbs=frozenset(self.topic["verbs"]),
            forms=dict(self.forms), headings=dict(self.headings), sources=tuple(self.sources))


def _table(where: str, value: Any, key: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise _fail(where, f"{key} must be a table")
    return value


def _list(where: str, value: Any, key: str) -> list[dict[str, Any]]:
    if not isinstance(value, list) or not all(isinstance(item, dict) for item in value):
        raise _fail(where, f"{key} must be a list of tables ([[{key}]])")
    return value


def _str_list(where: str, value: Any, key: str) -> list[str]:
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise _fail(where, f"{key} must be a list of strings")
    return value


def _str_map(where: str, value: Any, key: str) -> dict[str, str]:
    table = _table(where, value, key)
    if not all(isinstance(item, str) for item in table.values()):
        raise _fail(where, f"{key} values must be strings")
    return table


def load_lexicon(extra: Sequence[Path] = ()) -> Lexicon:
    """The packaged event lexicon merged with the user's trigger files ``extra``.

    Raises :class:`~eventwire.errors.UsageError` naming the file that is missing or malformed.

    >>> lexicon = load_lexicon()
    >>> lexicon.acled["Air/drone strike"]
    'Explosions/Remote violence'
    >>> any(entry.family == "violence" for entry in lexicon.triggers["attack"])
    True
    """
    builder = _Builder()
    where, data = _read(None)
    builder.add(where, data, user=False)
    for path in extra:
        where, data = _read(Path(path))
        builder.add(where, data, user=True)
    return builder.build()
