"""How many died in an event: a number only when the text gives the deaths of that event.

The rules, in order (ACLED's convention is that ``fatalities`` counts reported deaths and uses the most
conservative figure; ours adds that an unknown count is ``None``, never 0):

1. **Types that exclude deaths.** ACLED defines some sub-event types as non-lethal — a peaceful protest,
   a protest with (non-lethal) intervention, an agreement, arrests, a change to a group or its
   activity, a base established, a non-violent transfer of territory, looting or property destruction:
   a death would make the event another type. Their fatalities are 0 by definition.
2. **Counted deaths.** The amounts stage marks the figures that count the dead ("killing at least 41",
   "three people were killed", "the death toll rose to 12"). The figures of the event's sentence are
   grouped by the death word that governs them; the group whose word is the trigger, or nearest to
   it in the parse, is summed ("killing five soldiers and three civilians": 8). A bounded figure
   counts its low bound ("at least 41": 41, ACLED's conservative reading). Vague quantities
   ("dozens", "thousands of martyrs") are never a count.
3. **Counted victims.** With no figure, a death verb whose victims are singular nouns or pronouns
   counts them ("a soldier was killed": 1; "a policeman and a child died": 2; "killed him": 1). A
   plural victim without a number ("soldiers were killed") is unknown: ``None``.
4. **The next sentences.** When the event's sentence gives no count, the next two sentences are read
   by rules 2 and 3, up to one that reports an event of another type ("An IED detonated in Bosaso.
   Four people were killed in the attack.").
5. **Nobody died.** A sentence (or the one after it) that says so — "no casualties", "no fatalities",
   "nobody was killed", "no one was hurt", "no injuries were reported", "without loss of life" — gives 0.
   "No injuries" implies no deaths; "casualties unknown" is unknown.
6. Otherwise ``None``.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache
from typing import TYPE_CHECKING

from eventwire.data import read_toml
from eventwire.records import Amount, TimeRef

if TYPE_CHECKING:
    from spacy.tokens import Doc, Span, Token

__all__ = ["DEATH_VERBS", "NON_LETHAL_SUB_TYPES", "count_fatalities", "says_nobody_died"]

NON_LETHAL_SUB_TYPES = frozenset({
    "Peaceful protest", "Protest with intervention", "Agreement", "Arrests", "Change to group/activity",
    "Headquarters or base established", "Non-violent transfer of territory", "Looting/property destruction",
})
"""ACLED sub-event types whose definition excludes deaths: their fatalities are 0."""

DEATH_VERBS = frozenset({"kill", "die", "murder", "execute", "behead", "slay", "assassinate", "perish",
                          "massacre", "lynch", "slaughter", "drown"})
_INTRANSITIVE = frozenset({"die", "perish", "drown"})
_DEATH_WORDS = DEATH_VERBS | {"dead", "death", "toll", "fatality", "body", "corpse", "life"}
_MONTHS = frozenset({"january", "february", "march", "april", "may", "june", "july", "august", "september",
                     "october", "november", "december", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep",
                     "sept", "oct", "nov", "dec"})
_SINGULAR_PRONOUNS = frozenset({"he", "she", "him", "her"})
_NOBODY = re.compile(
    r"\b(?:no|zero)\s+(?:(?:immediate|reported|known)\s+)?(?:casualties|fatalities|deaths|injuries|"
    r"one\s+(?:was\s+)?(?:killed|hurt|injured|wounded|died))\b"
    r"|\bnobody\s+(?:was\s+)?(?:killed|hurt|injured|wounded|died)\b"
    r"|\bwithout\s+(?:any\s+)?(?:casualties|fatalities|injuries|loss\s+of\s+life)\b"
    r"|\bno\s+(?:one|body)\s+(?:has\s+been|was|were)\s+(?:killed|hurt|injured|wounded)\b",
    re.IGNORECASE)


@lru_cache(maxsize=1)
def _vague_words() -> tuple[str, ...]:
    """The vague quantities of ``data/amounts.toml`` ("dozens", "tens of thousands"), longest first."""
    return tuple(sorted((str(word).lower() for word in read_toml("amounts.toml")["vague"]), key=len, reverse=True))


def is_vague(amount: Amount) -> bool:
    """Whether a figure is a vague quantity rather than a count.

    >>> is_vague(Amount(text="thousands", start=0, end=9, value=1000.0, kind="fatalities"))
    True
    >>> is_vague(Amount(text="at least 41", start=0, end=11, value=41.0, kind="fatalities"))
    False
    """
    text = amount.text.lower()
    return not any(ch.isdigit() for ch in text) and any(re.search(rf"\b{re.escape(w)}\b", text)
                                                         for w in _vague_words())


def says_nobody_died(text: str) -> bool:
    """Whether a sentence says that nobody died (or was hurt).

    >>> says_nobody_died("There were no casualties."), says_nobody_died("Casualties unknown.")
    (True, False)
    """
    return _NOBODY.search(text) is not None


_COUNTED_NOUNS = frozenset({"people", "others", "persons", "more", "civilians", "of", "them", "also"})
_INJURY_WORDS = frozenset({"wound", "wounded", "injure", "injured", "hurt", "injury", "injuries", "wounding",
                           "injuring"})


_DEATH_OR_INJURY_WORDS = _DEATH_WORDS | _INJURY_WORDS


def _is(token: Token, words: frozenset[str]) -> bool:
    return token.lemma_.lower() in words or token.lower_ in words


def _death_anchor(token: Token, sent: Span) -> Token | None:
    """The nearest death or injury word at or above ``token`` in the parse (up to four steps), inside
    ``sent``; the caller tells them apart (an injury word first means the figure counts the wounded)."""
    for _ in range(5):
        if _is(token, _DEATH_OR_INJURY_WORDS):
            return token
        if token.head.i == token.i or not sent.start <= token.head.i < sent.end:
            return None
        token = token.head
    return None


def _wounded_after(doc: Doc, end: int, sent: Span) -> bool:
    """Whether the words right after a figure say, in the passive, that it counts the wounded: "25 were
    wounded", "30 others were injured" (the counted noun, then an auxiliary, then the injury word). An
    active injury verb after it starts a clause of its own ("killing 8 persons injuring 55")."""
    auxiliary = False
    for token in doc[end:min(end + 4, sent.end)]:
        if _is(token, _INJURY_WORDS):
            return auxiliary
        if token.pos_ == "AUX":
            auxiliary = True
        elif auxiliary or token.lower_ not in _COUNTED_NOUNS:
            return False
    return False


def _distance(doc: Doc, token: Token, head: int) -> int:
    """Steps from ``token`` up to the trigger's head, or a large number plus the token distance."""
    target = doc[head]
    for steps, ancestor in enumerate((token, *token.ancestors)):
        if ancestor.i == target.i:
            return steps
    return 100 + abs(token.i - head)


def _in_a_date(amount: Amount, times: Sequence[TimeRef]) -> bool:
    """Whether a figure is part of a date: inside a time expression, or the day number right before one
    that was read without it ("Around 2 April 2022": "2" is the day, not two dead)."""
    return any(t.start < amount.end and amount.start < t.end
               or (t.precision == "month" and 0 <= t.start - amount.end <= 1 and amount.text[-1:].isdigit())
               for t in times)


def _counted(doc: Doc, sent: Span, head: int, amounts: Sequence[Amount], times: Sequence[TimeRef]) -> int | None:
    groups: dict[int, list[Amount]] = {}
    anchors: dict[int, Token] = {}
    for amount in amounts:
        if amount.kind != "fatalities" or amount.value is None or is_vague(amount):
            continue
        if not (sent.start_char <= amount.start and amount.end <= sent.end_char) or _in_a_date(amount, times):
            continue
        span = doc.char_span(amount.start, amount.end, alignment_mode="expand")
        if span is None or (span.end < len(doc) and doc[span.end].lower_.rstrip(".") in _MONTHS):
            continue  # "Around 8 March 2022": a day of the month the times stage did not take in
        anchor = _death_anchor(span.root, sent)
        if (anchor is not None and _is(anchor, _INJURY_WORDS)) or _wounded_after(doc, span.end, sent):
            continue  # a count of the wounded the amounts stage hung on a death word ("… killed 25 were wounded")
        anchor = anchor or span.root
        anchors[anchor.i] = anchor
        groups.setdefault(anchor.i, []).append(amount)
    if not groups:
        return None
    best = min(groups, key=lambda i: (_distance(doc, anchors[i], head), abs(i - head)))
    return int(sum(a.value or 0 for a in groups[best]))


def _victims(verb: Token) -> list[Token]:
    """The victims of a death verb: its subject (intransitive or passive) or object, with conjuncts."""
    lemma = verb.lemma_.lower()
    wanted = ("nsubj", "nsubjpass") if lemma in _INTRANSITIVE else ("nsubjpass", "dobj")
    found = [child for child in verb.children if child.dep_ in wanted]
    if not found and verb.dep_ in ("acl", "relcl") and lemma not in _INTRANSITIVE:
        found = [verb.head]  # "a soldier killed in the attack"
    victims: list[Token] = []
    for victim in found:
        victims.append(victim)
        victims.extend(t for t in victim.conjuncts if t.i > victim.i)
    return victims


def _singular(token: Token) -> bool:
    if token.pos_ == "PRON":
        return token.lower_ in _SINGULAR_PRONOUNS
    if token.tag_ in ("NN", "NNP"):
        return not any(child.dep_ == "nummod" for child in token.children)
    return False


def _victim_count(doc: Doc, sent: Span, head: int) -> int | None:
    verbs = [t for t in sent if t.pos_ in ("VERB", "AUX") and t.lemma_.lower() in DEATH_VERBS]
    if not verbs:
        return None
    verb = min(verbs, key=lambda t: (_distance(doc, t, head), abs(t.i - head)))
    victims = _victims(verb)
    if not victims or not all(_singular(v) for v in victims):
        return None
    if any(child.dep_ == "neg" for child in verb.children):
        return 0
    return len(victims)


def count_fatalities(doc: Doc, sent: Span, head: int, amounts: Sequence[Amount], *,
                     sub_event_type: str | None, following: Sequence[Span] = (),
                     times: Sequence[TimeRef] = ()) -> int | None:
    """The deaths the text gives for the event whose trigger head is token ``head`` of sentence ``sent``.

    Args:
        doc: the parsed article.
        sent: the event's sentence.
        head: the doc-level index of the trigger's head token.
        amounts: the article's amounts (the amounts stage's output).
        sub_event_type: the event's ACLED sub-event type (non-lethal types give 0).
        following: the next sentences that report no other event, in order (read for a count, or for
            "there were no casualties").
        times: the article's time expressions (a figure inside a date is no count).

    Returns the count, 0 when the text (or the type) says nobody died, ``None`` when unknown.

    >>> count_fatalities(nlp("A soldier was killed."), ..., 3, [], sub_event_type="Attack")  # doctest: +SKIP
    1
    """
    if sub_event_type in NON_LETHAL_SUB_TYPES:
        return 0
    counted = _counted(doc, sent, head, amounts, times)
    if counted is None:
        counted = _victim_count(doc, sent, head)
    for later in following:
        if counted is not None:
            break
        counted = _counted(doc, later, later.root.i, amounts, times)
        if counted is None:
            counted = _victim_count(doc, later, later.root.i)
    if counted is not None:
        return counted
    if says_nobody_died(sent.text) or any(says_nobody_died(later.text) for later in following):
        return 0
    return None
