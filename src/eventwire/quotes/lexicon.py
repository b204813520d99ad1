"""The quotes stage's lexicon (``data/quotes.toml``), read once per process."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from eventwire.data import read_toml

__all__ = ["Lexicon", "load_lexicon"]


@dataclass(frozen=True, slots=True)
class Lexicon:
    speech: frozenset[str]
    """Lemmas of verbs of saying, which introduce direct quotes and reported speech."""
    particles: dict[str, frozenset[str]]
    """Verb lemma → the particles that make it a verb of saying ("point" + "out")."""
    cognition: frozenset[str]
    """Lemmas of verbs of thinking or intending: attributions of reported thought, never of quotes."""
    bare: frozenset[str]
    """Verbs that take a quotation right after them without a comma (``he said "…"``)."""
    actions: frozenset[str]
    """Verbs of having, moving and doing: never the cue of a stance ("They have land")."""
    according: tuple[tuple[str, ...], ...]
    """Multi-word cues whose object is the source, as lower-case words ("according", "to")."""
    personal: frozenset[str]
    unresolved: frozenset[str]
    roles: frozenset[str]


@cache
def load_lexicon() -> Lexicon:
    """Read the quotes lexicon (once per process).

    >>> "say" in load_lexicon().speech
    True
    """
    data = read_toml("quotes.toml")
    speech: set[str] = set()
    particles: dict[str, set[str]] = {}
    for entry in data["cues"]["speech"]:
        words = entry.split()
        if len(words) == 1:
            speech.add(words[0])
        elif len(words) == 2:
            particles.setdefault(words[0], set()).add(words[1])
    speakers = data["speakers"]
    return Lexicon(
        speech=frozenset(speech),
        particles={verb: frozenset(words) for verb, words in particles.items()},
        cognition=frozenset(data["cues"]["cognition"]),
        bare=frozenset(data["cues"]["bare"]),
        actions=frozenset(data["cues"]["actions"]),
        according=tuple(tuple(phrase.split()) for phrase in data["cues"]["according"]),
        personal=frozenset(speakers["personal"]),
        unresolved=frozenset(speakers["unresolved"]),
        roles=frozenset(speakers["roles"]),
    )
