"""Whether a trigger reports an action that happened: negated, hypothetical, future, threatened and
promised actions are not coded as events that happened.

The parse is read around the trigger: its own negation, modal auxiliaries and condition markers
("if", "unless"), the same on the verb it is coordinated with ("will attack and kill"), and the words
that govern it ("threatened *to attack*", "the threat *of* an attack", "plans *to* seize", "denied
*attacking*").
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

from eventwire.events.lexicon import Modality

if TYPE_CHECKING:
    from spacy.tokens import Token

__all__ = ["Mood", "mood"]

Mood = Literal["asserted", "negated", "hypothetical", "future", "threatened", "promised", "denied", "obliged"]

_CLIMB = frozenset({"xcomp", "dobj", "pobj", "prep", "pcomp", "acl", "conj", "nsubjpass", "nsubj", "compound",
                    "amod", "advcl", "ccomp", "attr", "appos", "npadvmod"})
_OWN_CLAUSE = frozenset({"xcomp", "conj", "pcomp", "dobj", "pobj", "prep", "compound", "amod", "acl", "nsubj",
                         "nsubjpass"})


def _own(token: Token, words: Modality) -> Mood | None:
    """The mood a token's own dependents give it."""
    for child in token.children:
        lower = child.lower_
        dep = child.dep_
        if dep == "neg" or (lower in words.negations and dep in ("det", "advmod", "preconj", "cc")):
            if lower in ("nor",) and dep == "cc":
                continue
            return "negated"
        if dep in ("aux", "auxpass"):
            if lower in words.future:
                return "future"
            if lower in words.hypothetical:
                return "hypothetical"
            if lower in words.obliged:
                return "obliged"
        if dep == "mark" and lower in words.conditions:
            return "hypothetical"
        if dep in ("amod", "compound", "advmod") and child.lemma_.lower() in words.hypothetical_governors:
            return "hypothetical"
    return None


def mood(token: Token, words: Modality) -> Mood:
    """How the sentence presents the action of ``token``.

    For example: "The army did not attack" → ``negated``; "IS threatened to attack the base" →
    ``threatened``; "Rebels will withdraw" → ``future``.
    """
    own = _own(token, words)
    if own is not None:
        return own
    current = token
    for _ in range(4):
        dep = current.dep_
        head = current.head
        if head.i == current.i or dep not in _CLIMB:
            return "asserted"
        lemma = head.lemma_.lower()
        if lemma in words.threatened:
            return "threatened"
        if lemma in words.denied:
            return "denied"
        if lemma in words.promised and dep in ("xcomp", "pobj", "prep", "pcomp", "ccomp", "dobj"):
            return "promised"
        if lemma in words.hypothetical_governors and dep not in ("conj", "nsubj", "nsubjpass"):
            return "hypothetical"
        if dep == "ccomp":
            return "asserted"  # reported speech: "officials said militants attacked"
        if dep in _OWN_CLAUSE:
            inherited = _own(head, words)
            if inherited is not None and (dep in ("xcomp", "conj") or inherited in ("negated", "obliged")
                                          and dep in ("dobj", "pobj", "prep")):
                return inherited
        current = head
    return "asserted"
