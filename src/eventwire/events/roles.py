"""Who did what to whom: the agent and the patient of a trigger, read off the dependency parse.

The agent is the subject of an active verb, the "by" object of a passive one, the possessor or the
"by" object of a noun ("the SDF's capture of", "an attack by IS"), or the subject of the light verb a
noun hangs on ("IS *carried out* an attack"). The patient is the direct object, the passive subject,
or the object of "on", "against", "at", "with", "targeting" …
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from typing import TYPE_CHECKING

from eventwire.records import Actor

if TYPE_CHECKING:
    from spacy.tokens import Span, Token

__all__ = ["ActorIndex", "agent", "objects", "patient", "prep_objects", "subject_token"]

_SUBJECTS = frozenset({"nsubj", "csubj"})
_PATIENT_PREPS = frozenset({"on", "against", "at", "upon", "with", "targeting", "toward", "towards", "from",
                            "into"})
_LIGHT_VERBS = frozenset({"carry", "conduct", "launch", "stage", "mount", "hold", "claim", "perpetrate",
                          "commit", "execute", "lead", "organize", "organise", "make", "unleash", "begin",
                          "start", "continue", "resume", "step", "intensify", "wage", "orchestrate"})
_NOT_PARTIES = frozenset({"DATE", "TIME", "PERCENT", "MONEY", "QUANTITY", "ORDINAL"})
"""Entity types that are never the target of an action ("*on 4 April*")."""
_RELATIVE = frozenset({"who", "which", "that", "whom"})
_PRONOUNS = frozenset({"they", "it", "he", "she", "we"})
_PLACING_VERBS = frozenset({"plant", "place", "lay", "leave", "set", "hide", "attach", "throw", "fire", "launch",
                            "drop", "detonate", "hurl", "lob", "install", "bury", "position"})
"""Verbs of putting a device in place: their "by" object is the device's user."""


def _by_object(verb: Token) -> Token | None:
    """The "by" object of a passive verb or participle ("planted *by an unknown group*")."""
    for child in verb.children:
        if child.dep_ == "agent" or (child.dep_ == "prep" and child.lower_ == "by" and verb.tag_ == "VBN"):
            for grand in child.children:
                if grand.dep_ == "pobj":
                    return grand
    return None


def _placer(thing: Token) -> Token | None:
    """Who placed, fired or threw a device: "an IED *planted by X* exploded", "a mine laid by X"."""
    for child in thing.children:
        if child.dep_ in ("acl", "relcl") and child.tag_ == "VBN" and child.lemma_.lower() in _PLACING_VERBS:
            return _by_object(child)
    return None


def _is_party(token: Token) -> bool:
    """Whether a subject can name a party: not a date, a time or a bare number ("*9* January" misparsed
    as the subject)."""
    return token.ent_type_ not in _NOT_PARTIES and not (token.pos_ == "NUM" and any(
        child.ent_type_ in _NOT_PARTIES for child in token.children))


def subject_token(token: Token) -> Token | None:
    """The agent token of a verb: subject, or "by" object when passive (also on a participle, or on the
    last of coordinated passives: "were arrested, beaten and stripped by police"); inherited through
    xcomp/conj; a device's placer ("a landmine placed by X was detonated"); the subject of the reporting
    verb for a pronoun ("the military said that *they* arrested …")."""
    current: Token | None = token
    for _ in range(4):
        if current is None:
            return None
        deps = {child.dep_ for child in current.children}
        # "IS militants attacked": an auxpass beside an active subject is a misparsed name
        passive = "nsubjpass" in deps or ("auxpass" in deps and not deps & _SUBJECTS) or (
            current.i == token.i and current.tag_ == "VBN" and current.dep_ in ("acl", "relcl")
            and _by_object(current) is not None)  # "the IED planted by X", not "forces supported by X and took"
        if passive:
            found = _by_object(current)
            if found is None:
                chained = [c for c in current.children if c.dep_ == "advcl" and c.tag_ == "VBN"]
                for conj in [*current.conjuncts, *chained, *(c for v in chained for c in v.conjuncts)]:
                    found = _by_object(conj)
                    if found is not None:
                        break
            if found is None:
                found = next((_placer(c) for c in current.children if c.dep_ == "nsubjpass" and _placer(c)),
                             None)
            return found
        subjects = [child for child in current.children if child.dep_ in _SUBJECTS]
        child = next((c for c in subjects if _is_party(c) and c.pos_ != "NUM"),
                     next((c for c in subjects if _is_party(c)), None))
        if child is not None:
            if child.lower_ in _RELATIVE and current.dep_ == "relcl":
                return current.head
            placer = _placer(child)
            if placer is not None:
                return placer
            before = child.doc[child.i - 1] if child.i > 0 else None
            if before is not None and before.dep_ in ("aux", "auxpass") and before.text.isupper() \
                    and len(before.text) > 1 and before.head.i == current.i:
                return before  # "IS members attacked": the group's acronym misread as an auxiliary
            if child.lower_ in _PRONOUNS and current.dep_ == "ccomp" and current.head.i != current.i:
                return subject_token(current.head) or child
            return child
        if current.dep_ in ("xcomp", "conj", "advcl") and current.head.i != current.i:
            current = current.head
        elif current.dep_ in ("acl", "relcl") and current.head.i != current.i:
            return current.head
        else:
            return None
    return None


def agent(token: Token) -> Token | None:
    """The agent of a verb or noun trigger, or ``None``.

    For "IS militants attacked the base", the agent of "attacked" is "militants".
    """
    if token.pos_ in ("VERB", "AUX"):
        return subject_token(token)
    for child in token.children:
        if child.dep_ == "poss":
            return child
    for child in token.children:
        if child.dep_ == "prep" and child.lower_ == "by":
            for grand in child.children:
                if grand.dep_ == "pobj":
                    return grand
    for child in token.children:
        if child.dep_ == "compound" and child.ent_type_ in ("ORG", "NORP", "GPE"):
            return child
    for child in token.children:  # "airstrikes *conducted by* Turkish drones"
        if child.dep_ in ("acl", "relcl") and child.tag_ == "VBN":
            found = _by_object(child)
            if found is not None:
                return found
    head = token.head
    if token.dep_ in ("dobj", "nsubjpass") and head.lemma_.lower() in _LIGHT_VERBS:
        return subject_token(head)
    if token.dep_ == "pobj" and head.dep_ == "prep" and head.head.lemma_.lower() in _LIGHT_VERBS:
        return subject_token(head.head)
    return None


def prep_objects(token: Token) -> Iterator[tuple[str, Token]]:
    """(preposition, object) pairs attached to ``token``: "fired *on* protesters"."""
    for child in token.children:
        if child.dep_ in ("prep", "agent"):
            for grand in child.children:
                if grand.dep_ in ("pobj", "pcomp"):
                    yield child.lower_, grand
                    for conj in grand.conjuncts:
                        yield child.lower_, conj


def objects(token: Token) -> list[Token]:
    """The object of a trigger: direct object or passive subject of a verb, "of" object of a noun."""
    found = [child for child in token.children if child.dep_ in ("dobj", "nsubjpass", "attr", "oprd")]
    if not found and token.pos_ not in ("VERB", "AUX"):
        found = [obj for prep, obj in prep_objects(token) if prep == "of"]
    if not found and token.dep_ in ("acl", "amod") and token.tag_ == "VBN" and any(
            child.dep_ == "agent" for child in token.children):
        found = [token.head]  # "the town captured by IS"
    for item in list(found):
        found.extend(item.conjuncts)
    return found


def patient(token: Token, idioms: frozenset[str] = frozenset()) -> Token | None:
    """The target of a trigger: its object, else the object of on/against/with … (also on an idiom's
    object: "opened fire *on* the bus"); a verb without one shares its coordinated verb's ("shot and
    killed a soldier")."""
    for obj in objects(token):
        if obj.lemma_.lower() in idioms:
            for prep, inner in prep_objects(obj):
                if prep in _PATIENT_PREPS and inner.ent_type_ not in _NOT_PARTIES:
                    return inner
            continue
        return obj
    for prep, obj in prep_objects(token):
        if prep in _PATIENT_PREPS and obj.ent_type_ not in _NOT_PARTIES:
            return obj
    if token.pos_ in ("VERB", "AUX"):
        for conj in token.conjuncts:
            for obj in objects(conj):
                if obj.lemma_.lower() not in idioms:
                    return obj
    for child in token.children:
        if child.dep_ in ("advcl", "acl", "xcomp") and child.lemma_ == "target":
            for grand in child.children:
                if grand.dep_ == "dobj":
                    return grand
    return None


class ActorIndex:
    """The actor mentions of one sentence, found by token: which actor a noun phrase names."""

    def __init__(self, sent: Span, actors: Sequence[Actor]) -> None:
        self.by_token: dict[int, Actor] = {}
        start, end = sent.start_char, sent.end_char
        inside = [actor for actor in actors if actor.start < end and actor.end > start]
        if inside:
            for token in sent:
                for actor in inside:
                    if actor.start <= token.idx < actor.end:
                        self.by_token.setdefault(token.i, actor)
                        break

    def actor(self, token: Token | None, partitives: frozenset[str]) -> Actor | None:
        """The actor named by the noun phrase headed by ``token`` ("SDF fighters", "members of IS")."""
        if token is None or not self.by_token:
            return None
        found = self.by_token.get(token.i)
        if found is not None:
            return found
        if token.lemma_.lower() in partitives or token.lower_ in partitives:
            for prep, obj in prep_objects(token):
                if prep == "of":
                    return self.actor(obj, partitives)
        for index in range(token.left_edge.i, token.i):
            found = self.by_token.get(index)
            if found is not None:
                return found
        for prep, obj in prep_objects(token):
            if prep == "of":
                found = self.by_token.get(obj.i)
                if found is not None:
                    return found
        for child in token.children:  # "the Mon State Revolutionary Union (MSRU)"
            if child.dep_ == "appos":
                found = self.by_token.get(child.i)
                if found is not None:
                    return found
        return None


def lexical_inter(token: Token | None, agent_inter: Mapping[str, int], partitives: frozenset[str]) -> int | None:
    """The inter code the words of a noun phrase suggest ("security forces" 1, "gunmen" 2), or ``None``.

    The first word class (in the lexicon's order) that one of the phrase's words belongs to wins; for a
    partitive head ("a group of protesters") the noun after "of" decides.
    """
    if token is None:
        return None
    lemma = token.lemma_.lower()
    if lemma in partitives or token.lower_ in partitives:
        for prep, obj in prep_objects(token):
            if prep == "of":
                return lexical_inter(obj, agent_inter, partitives)
    best: int | None = None
    best_rank = 1 << 30
    ranks = {code: rank for rank, code in enumerate(dict.fromkeys(agent_inter.values()))}
    for index in range(token.left_edge.i, token.i + 1):
        word = token.doc[index]
        code = agent_inter.get(word.lemma_.lower(), agent_inter.get(word.lower_))
        if code is not None and ranks[code] < best_rank:
            best, best_rank = code, ranks[code]
    return best
