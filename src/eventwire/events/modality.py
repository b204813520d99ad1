"""Whether a trigger reports an action that happened: negated, hypothetical, future, threatened and
promised actions are not coded as events that happened; nor are habits and running totals, which are
background to a news article, not one happening ("gunboats *routinely* shell the port", "the war
*has killed* …", "40 people have died *since* 4 March", "*over the past* three weeks").

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

Mood = Literal["asserted", "negated", "hypothetical", "future", "threatened", "promised", "denied", "obliged",
               "habitual", "aggregate"]

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
    ``threatened``; "Rebels will withdraw" → ``future``; "Gunboats routinely shell the port" → ``habitual``;
    "The war has killed thousands" → ``aggregate``.
    """
    found = _modal(token, words)
    if found == "asserted":
        return _aspect(token, words) or "asserted"
    return found


def _modal(token: Token, words: Modality) -> Mood:
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


_VERBS = frozenset({"VERB", "AUX"})
_NOUN_TO_VERB = frozenset({"nsubj", "nsubjpass", "dobj", "pobj", "prep", "compound", "attr", "appos", "conj"})
_RELATIVES = frozenset({"which", "that", "who"})
_PLURAL = frozenset({"NNS", "NNPS"})


def _clause(token: Token) -> list[Token]:
    """The trigger and the words its clause hangs on: a noun's verb ("air strikes *have continued*"), the
    verb a complement or a coordinated verb belongs to ("*kept* bombing", "regularly bomb … and *kill*")."""
    chain = [token]
    current = token
    for _ in range(4):
        head = current.head
        if head.i == current.i:
            break
        if current.pos_ in _VERBS and not _gerund_subject(current):
            own_subject = any(child.dep_ in ("nsubj", "nsubjpass", "mark") for child in current.children)
            if own_subject or current.dep_ not in ("xcomp", "conj", "advcl") or (
                    current.dep_ == "advcl" and current.tag_ != "VBG"):
                break  # a clause with its own subject has its own time ("… so far, but X drew …"); a
                # participle shares its verb's ("have pounded the town since May, *killing* …")
        elif current.dep_ not in _NOUN_TO_VERB:
            break
        chain.append(head)
        current = head
    return chain


def _gerund_subject(token: Token) -> bool:
    """A gerund used as a noun, the subject of its clause ("air strikes and *shelling* have continued")."""
    return token.tag_ == "VBG" and token.dep_ in ("nsubj", "nsubjpass")


def _ongoing(verb: Token) -> bool:
    """Not a simple past: "have continued", "continues", "keep" (not "continued the assault on Monday")."""
    return verb.tag_ in ("VBZ", "VBP", "VBG") or any(
        child.dep_ == "aux" and child.lemma_.lower() == "have" for child in verb.children)


def _progressive_perfect(verb: Token) -> bool:
    """ "have been fighting": an action that has gone on over a period."""
    auxes = {child.lower_ for child in verb.children if child.dep_ == "aux"}
    return verb.tag_ == "VBG" and "been" in auxes and bool(auxes & {"have", "has", "had", "'ve"})


def _states(verb: Token, words: Modality) -> bool:
    """ "be" says its subject is over, ongoing or under way — negated or not: "the battle is over" and "the
    fight is not over" both tell the state of a campaign, neither a happening."""
    for child in verb.children:
        if child.dep_ in ("advmod", "acomp", "prt") and child.lower_ in words.states:
            return True
        if child.dep_ == "prep" and any(f"{child.lower_} {obj.lower_}" in words.states
                                        for obj in child.children if obj.dep_ == "pobj"):
            return True
    return False


def _describes(noun: Token) -> bool:
    """The noun is what a copula says its subject is ("the SDF *is* a coalition …")."""
    return noun.dep_ == "attr" and noun.head.lemma_ == "be"


def _period(prep: Token, words: Modality) -> bool:
    """``prep`` opens a period counted back from now ("over the past three days", "for years")."""
    war_preps = ("during", "throughout") if prep.head.pos_ not in _VERBS else ("in", "during", "throughout")
    for obj in prep.children:
        if obj.dep_ != "pobj":
            continue
        if prep.lower_ in war_preps and obj.lemma_.lower() in words.aggregate_subjects:
            return True  # "throughout the war", "killed in Syria's conflict" ("a truce in the conflict" is one)
        if obj.lemma_.lower() not in words.period_nouns:
            continue
        if obj.lemma_.lower() == "day" and any(child.dep_ == "nummod" and child.lower_ in words.short_counts
                                               for child in obj.children):
            continue  # "over the last two days": one operation, reported a day or two on
        if any(child.lower_ in words.period_modifiers for child in obj.children):
            return True
        if obj.tag_ in _PLURAL and prep.lower_ in ("for", "over", "throughout") and not any(
                child.dep_ in ("det", "nummod", "poss") for child in obj.children):
            return True
    return False


def _sums_up(child: Token, phrases: frozenset[str]) -> bool:
    """The dependent is a phrase that sums up ("so far", "in total"), alone or before a date ("so far this
    year"); "in all areas" is not one."""
    doc = child.doc
    tokens = doc[child.left_edge.i:child.right_edge.i + 1]
    for size in (1, 2, 3):
        if size > len(tokens):
            break
        if " ".join(t.lower_ for t in tokens[:size]) in phrases and all(
                t.ent_type_ in ("DATE", "TIME") for t in tokens[size:]):
            return True
    return False


def _singles_out(word: Token) -> bool:
    """A superlative or an ordinal picks one event out of a period ("the *deadliest* attack since 2013",
    "the *first* strike since the truce")."""
    return any(child.tag_ == "JJS" or child.ent_type_ == "ORDINAL" or child.lower_ in ("first", "latest")
               for child in word.children)


def _aspect(token: Token, words: Modality) -> Mood | None:
    """``habitual`` or ``aggregate`` when the trigger's clause reports a habit or a total, not one happening."""
    chain = _clause(token)
    singled_out = any(_singles_out(word) for word in chain)
    for step, word in enumerate(chain):
        if step and (word.lemma_.lower() in words.habitual_governors
                     or word.lemma_.lower() in words.ongoing_governors and _ongoing(word)):
            return "habitual"
        if not step and _progressive_perfect(word):
            return "habitual"  # "regime forces have been shelling the town"
        if step == 1 and chain[0].dep_ == "nsubj" and word.lemma_ == "be" and _states(word, words):
            return "habitual"  # "the fight against their sleeper cells is not over": a campaign's state
        if word.dep_ == "acl" and word.tag_ == "VBG" and _describes(word.head):
            return "habitual"  # "the SDF is a coalition fighting IS": a description, not a happening
        if not step and word.dep_ == "amod" and word.tag_ == "VBN":
            return "habitual"  # "the *besieged* parts of the city": a state a place is in, not a happening
        noun = word.pos_ not in _VERBS
        for child in word.children:
            if step and child.i == chain[step - 1].i:
                continue  # the path up from the trigger: "the first death *since* the attack" is not a total
            dep, lower = child.dep_, child.lower_
            if dep in ("advmod", "npadvmod", "amod") and lower in words.habitual:
                return "habitual"
            if dep == "dobj" and not noun and any(prep.dep_ == "prep" and prep.lower_ in words.period_preps
                                                  and _period(prep, words) for prep in child.children):
                return "aggregate"  # "has killed dozens in the past week"
            if dep == "prep":
                if lower in words.aggregate_preps and (not noun or word.tag_ in _PLURAL) and not singled_out:
                    return "aggregate"
                if lower in words.period_preps and _period(child, words):
                    return "aggregate"
            if dep == "advcl" and _ongoing(word) and any(
                    mark.dep_ == "mark" and mark.lower_ in words.aggregate_preps for mark in child.children):
                return "aggregate"  # "have been killed since the war began"
            if dep in ("nsubj", "nsubjpass") and not noun:
                subject = word.head if lower in _RELATIVES and word.dep_ == "relcl" else child
                if subject.lemma_.lower() in words.aggregate_subjects:
                    return "aggregate"
                if subject.tag_ in _PLURAL and not _singles_out(subject) and any(
                        prep.dep_ == "prep" and prep.lower_ in words.aggregate_preps for prep in subject.children):
                    return "aggregate"  # "300 strikes since June have killed …"
            if dep in ("advmod", "prep", "npadvmod") and _sums_up(child, words.aggregate_phrases):
                return "aggregate"
    return None
