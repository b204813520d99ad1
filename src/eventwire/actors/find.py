"""Finding the actor mentions of a parsed article: one scan of its words against the table's lookups
(named actors, country + agent, agents, anaphora), then the model's PERSON, ORG and NORP entities the
scan did not cover.
"""

from __future__ import annotations

from bisect import bisect_right
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from eventwire.actors.persons import entity_actors
from eventwire.actors.table import ActorTable, Agent, Anaphor, Country, NamedActor, fold, words_of
from eventwire.places import dominant_country
from eventwire.records import Actor, Place

if TYPE_CHECKING:
    from spacy.tokens import Doc, Token

_SKIP = frozenset({"-", "–", "—", ".", "'", "’", "/", "\"", "“", "”"})
_DETERMINERS = frozenset({"the", "this", "that", "these", "those"})
_STATE_INTERS = frozenset({1, 2, 3})
_PARTY_LABELS = frozenset({"ORG", "NORP"})


@dataclass(slots=True)
class _Words:
    """The doc's words as the lookups see them, each with the token it comes from."""

    cased: list[str]
    folded: list[str]
    tokens: list[int]


@dataclass(slots=True)
class _Mention:
    start: int
    end: int
    kind: str
    actor: NamedActor | None = None
    agent: Agent | None = None
    anaphor: Anaphor | None = None
    country: str | None = None
    """The country the mention itself names ("Nigerian police")."""
    name: str | None = None
    inter: int | None = None
    sector: str | None = None


def _words(doc: Doc) -> _Words:
    cased: list[str] = []
    tokens: list[int] = []
    for token in doc:
        text = token.text
        if text.isalnum():
            cased.append(text)
            tokens.append(token.i)
            continue
        if text in _SKIP or text.isspace():
            continue
        lowered = text.lower()
        pieces = ["'s"] if lowered in ("'s", "’s") else (words_of(text) or [text])
        cased.extend(pieces)
        tokens.extend([token.i] * len(pieces))
    return _Words(cased=cased, folded=[w.lower() for w in cased], tokens=tokens)


class _Finder:
    def __init__(self, doc: Doc, table: ActorTable, places: Sequence[Place]) -> None:
        self.doc = doc
        self.table = table
        self.words = _words(doc)
        sentences = ([(sent.start, sent.end, sent.start_char) for sent in doc.sents]
                     if doc.has_annotation("SENT_START") else []) or [(0, len(doc), 0)]
        self.sentence_starts = [char for _, _, char in sentences]
        self.sentence_tokens = [(start, end) for start, end, _ in sentences]
        self.text = doc.text  # Doc.text joins every token on each call: read it once
        self.places = [p for p in places if p.country and not _sponsor(self.text, p)]
        self.actor_countries: list[tuple[int, str]] = []
        self.country_words: Counter[str] = Counter()
        """Countries named anywhere in the text ("Myanmar", "Syrian"), the last resort for a context."""
        self.civilians = next((a for a in table.agents if a.inter == 7), None)
        self.sentence_countries: dict[int, Counter[str]] = {}
        names = {p.country_code: p.country for p in self.places}
        dominant = dominant_country(self.places)
        self.dominant = names.get(dominant) if dominant else None
        self.majority = self.dominant
        if self.majority is None and self.places:
            self.majority = Counter(str(p.country) for p in self.places).most_common(1)[0][0]

    def count_places(self, mentions: Sequence[tuple[int, int]]) -> None:
        """Count the places of each sentence, leaving out those inside an actor's name ("U.S.-led")."""
        for place in self.places:
            if any(start <= place.start and place.end <= end for start, end in mentions):
                continue
            index = self._sentence(place.start)
            self.sentence_countries.setdefault(index, Counter())[str(place.country)] += 1

    def sentence_of(self, char: int) -> tuple[int, int]:
        """Token bounds of the sentence holding character ``char`` (``Span.sent`` walks the doc each time)."""
        return self.sentence_tokens[max(self._sentence(char), 0)]

    def _sentence(self, char: int) -> int:
        return bisect_right(self.sentence_starts, char) - 1

    def context_country(self, char: int) -> str | None:
        """The sentence's place country, else the article's dominant country, else the country of the
        nearest named actor that has one (a note on "QSD forces" is about Syria)."""
        counts = self.sentence_countries.get(self._sentence(char))
        if counts:
            if self.dominant is not None and self.dominant in counts:
                return self.dominant
            return counts.most_common(1)[0][0]
        if self.majority is not None:
            return self.majority
        nearest = min(self.actor_countries, key=lambda pair: abs(pair[0] - char), default=None)
        if nearest is not None:
            return nearest[1]
        return self.country_words.most_common(1)[0][0] if self.country_words else None

    # --- the scan ---------------------------------------------------------------------------------

    def _named(self, i: int) -> tuple[int, NamedActor] | None:
        words = self.words
        cased = self.table.named_cased.longest(words.cased, i)
        folded = self.table.named_folded.longest(words.folded, i)
        best = max((m for m in (cased, folded) if m is not None), key=lambda m: m[0], default=None)
        if best is None:
            return None
        if best is cased and best[0] == 1 and not self._acronym_ok(i):
            return folded if folded is not None and folded[0] == 1 else None
        return best

    def _acronym_ok(self, i: int) -> bool:
        """A one-word acronym in a run of upper-case words is a headline in capitals ("ISIS IS DEFEATED")."""
        cased = self.words.cased
        near = [w for w in cased[max(i - 5, 0):i] + cased[i + 1:i + 6] if w.isalpha() and len(w) > 1]
        upper = sum(w.isupper() for w in near)
        return upper < 4 or upper < 0.7 * len(near)

    def _country(self, i: int) -> tuple[int, Country] | None:
        words = self.words
        cased = self.table.country_cased.longest(words.cased, i)
        folded = self.table.country_folded.longest(words.folded, i)
        return max((m for m in (cased, folded) if m is not None), key=lambda m: m[0], default=None)

    def _shared_agent(self, j: int) -> Agent | None:
        """The agent after "and <country>" at word ``j`` ("… and Ukrainian forces"), else ``None``."""
        if j >= len(self.words.folded) or self.words.folded[j] not in ("and", "or"):
            return None
        second = self._country(j + 1)
        if second is None:
            return None
        agent = self._agent(j + 1 + second[0], after_country=True)
        return agent[1] if agent is not None and not agent[1].crowd_only else None

    def _people(self, i: int, length: int, country: Country) -> bool:
        """A demonym written as a noun for people of that country ("a Palestinian", "two Iraqis")."""
        if length != 1:
            return False
        token = self.doc[self.words.tokens[i]]
        if token.pos_ not in ("NOUN", "PROPN") or token.dep_ not in ("pobj", "dobj", "nsubj", "nsubjpass", "conj",
                                                                      "appos"):
            return False
        word = self.words.folded[i]
        demonyms = {d.lower() for d in self.table.demonyms.get(country.code, ())}
        return word in demonyms or (word.endswith("s") and word[:-1] in demonyms)

    def _agent(self, i: int, *, after_country: bool = False) -> tuple[int, Agent] | None:
        if i >= len(self.words.folded):
            return None
        found = self.table.agent_words.longest(self.words.folded, i)
        if found is None:
            return None
        length, agent = found
        end = i + length
        if end < len(self.words.folded) and self.words.folded[end] in self.table.not_before:
            return None
        last = self.doc[self.words.tokens[end - 1]]
        if last.dep_ == "pobj" and last.head.lower_ in ("as", "like"):
            return None  # "as a standing army": a likeness, not a party
        if length == 1 and not after_country:
            token = self.doc[self.words.tokens[i]]
            if token.dep_ == "amod" or token.pos_ in ("ADJ", "VERB", "AUX"):
                return None
        return length, agent

    def scan(self) -> list[_Mention]:
        words = self.words
        found: list[_Mention] = []
        i = 0
        total = len(words.folded)
        first_cased, first_folded = self.table.first_words
        while i < total:
            if words.folded[i] not in first_folded and words.cased[i] not in first_cased:
                i += 1
                continue
            named = self._named(i)
            if named is not None:
                length, actor = named
                end = i + length
                after = self._agent(end)
                if after is not None and (after[1].inter in _STATE_INTERS or after[1].needs_country):
                    end += after[0]
                found.append(_Mention(i, end, "named", actor=actor))
                i = end
                continue
            country = self._country(i)
            if country is not None:
                self.country_words[country[1].name] += 1
                j = i + country[0]
                shared = self._shared_agent(j)
                if shared is not None:  # "Russian and Ukrainian forces": both countries' forces
                    found.append(_Mention(i, j, "named" if shared.state else "generic", agent=shared,
                                          country=country[1].name))
                    i = j + 1
                    continue
                if j < total and words.folded[j] == "'s":
                    j += 1
                agent = self._agent(j, after_country=True)
                if agent is not None and not agent[1].crowd_only:
                    kind = "named" if agent[1].state else "generic"
                    found.append(_Mention(i, j + agent[0], kind, agent=agent[1], country=country[1].name))
                    i = j + agent[0]
                    continue
                if self.civilians is not None and self._people(i, country[0], country[1]):
                    found.append(_Mention(i, j, "generic", agent=self.civilians, country=country[1].name))
                    i = j
                    continue
            mention = self._generic(i)
            if mention is not None:
                found.append(mention)
                i = mention.end
                continue
            i += 1
        return found

    def _generic(self, i: int) -> _Mention | None:
        words = self.words
        agent = self._agent(i)
        anaphor = None
        if i > 0 and words.folded[i - 1] in _DETERMINERS:
            anaphor = self.table.anaphor_words.longest(words.folded, i)
        if anaphor is not None and (agent is None or anaphor[0] >= agent[0]):
            end = i + anaphor[0]
            if end < len(words.folded) and words.folded[end] == "of":
                return None
            fallback = agent[1] if agent is not None and agent[0] == anaphor[0] else None
            return _Mention(i - 1, end, "anaphor", anaphor=anaphor[1], agent=fallback)
        if agent is None:
            return None
        length, found = agent
        end = i + length
        of_country = self._country(end + 1) if end + 1 < len(words.folded) and words.folded[end] == "of" else None
        if of_country is not None and found.state:
            return _Mention(i, end + 1 + of_country[0], "named", agent=found, country=of_country[1].name)
        if found.needs_country:
            return None
        previous = self.doc[words.tokens[i - 1]] if i > 0 else None
        if previous is not None and previous.ent_type_ == "NORP" and previous.i != words.tokens[i]:
            start = i - 1
            while start > 0 and self.doc[words.tokens[start - 1]].ent_iob_ == "I" \
                    and self.doc[words.tokens[start - 1]].ent_type_ == "NORP":
                start -= 1
            if self.doc[words.tokens[start]].ent_iob_ == "I":
                start = max(start - 1, 0)
            return _Mention(start, end, "unknown", inter=found.inter, sector=found.sector)
        return _Mention(i, end, "generic", agent=found)

    # --- from mentions to actors ------------------------------------------------------------------

    def span(self, mention: _Mention) -> tuple[int, int]:
        first = self.doc[self.words.tokens[mention.start]]
        last = self.doc[self.words.tokens[mention.end - 1]]
        return first.idx, last.idx + len(last.text)

    def resolve(self, mentions: list[_Mention]) -> list[Actor]:
        for mention in mentions:
            country = mention.country or (mention.actor.country if mention.actor is not None else None)
            if country:
                self.actor_countries.append((self.span(mention)[0], country))
        actors: list[Actor] = []
        for mention in mentions:
            start, end = self.span(mention)
            actor = self._actor(mention, start, end, actors)
            if actor is not None:
                actors.append(actor)
        return actors

    def _actor(self, mention: _Mention, start: int, end: int, earlier: list[Actor]) -> Actor | None:
        text = self.text[start:end]
        if mention.kind == "anaphor" and mention.anaphor is not None:
            antecedent = self._antecedent(mention.anaphor, start, earlier)
            if antecedent is not None:
                return Actor(text=text, start=start, end=end, name=antecedent.name, inter=antecedent.inter,
                             sector=antecedent.sector, country=antecedent.country, kind="anaphor")
            if mention.agent is None:
                return None
            start = self.doc[self.words.tokens[mention.start + 1]].idx
            text = self.text[start:end]
            mention = _Mention(mention.start + 1, mention.end, "generic", agent=mention.agent)
        if mention.actor is not None:
            actor = mention.actor
            country = actor.country
            if actor.by_country and country is None:
                country = self.dominant or self.context_country(start)
            return Actor(text=text, start=start, end=end, name=actor.named_in(country), inter=actor.inter,
                         sector=actor.sector, country=country, kind="named")
        if mention.agent is not None:
            agent = self._crowd(mention, mention.agent)
            if agent is None:
                return None
            country = mention.country or self.context_country(start)
            return Actor(text=text, start=start, end=end, name=agent.named_in(country),
                         inter=agent.inter, sector=agent.sector, country=country, kind=mention.kind)
        return Actor(text=text, start=start, end=end, name=_as_written(text), inter=mention.inter,
                     sector=mention.sector, country=mention.country, kind="unknown")

    def _crowd(self, mention: _Mention, agent: Agent) -> Agent | None:
        """Civilians acting as a crowd are protesters or rioters, protesters who use violence rioters; a
        crowd word that does not act as one ("members") is no actor."""
        if agent.inter not in (6, 7):
            return agent
        action = self._crowd_action(self.doc[self.words.tokens[mention.end - 1]])
        wanted = {"protest": 6, "riot": 5}.get(action or "")
        if wanted is None or (agent.inter == 6 and wanted == 6):
            return None if agent.crowd_only else agent
        return next((a for a in self.table.agents if a.inter == wanted), agent)

    def _crowd_action(self, token: Token) -> str | None:
        """``riot`` when the crowd ``token`` names uses violence or clashes, ``protest`` when it protests."""
        crowds = self.table.crowds
        for _ in range(4):  # "members of X", "a group of Y", "villagers and Z": up to the phrase's head
            if token.dep_ == "conj" and token.head.i != token.i:
                token = token.head
            elif token.dep_ == "pobj" and token.head.lower_ == "of" and token.head.head.pos_ in ("NOUN", "PROPN"):
                token = token.head.head
            else:
                break
        if token.dep_ == "pobj" and token.head.lower_ == "between":
            return "riot" if _says(token.head.head, crowds.get("clash_nouns", frozenset())) else None
        if token.dep_ == "nsubj":
            verb = token.head
            verbs = [verb, *(c for c in verb.children if c.dep_ in ("conj", "xcomp", "advcl"))]
        elif token.dep_ == "ROOT":
            verbs = [c for c in token.children if c.dep_ in ("acl", "relcl") and c.pos_ == "VERB"]
        else:
            return None
        if any(_says(v, crowds.get("riot_verbs", ())) for v in verbs):
            return "riot"
        nouns = crowds.get("protest_nouns", frozenset())
        for candidate in verbs:
            if _says(candidate, crowds.get("protest_verbs", ())):
                return "protest"
            if _says(candidate, crowds.get("protest_support", ())) and any(
                    c.dep_ == "dobj" and (_says(c, nouns) or any(_says(g, nouns) for g in c.children
                                                                 if g.dep_ == "compound"))
                    for c in candidate.children):
                return "protest"
        return None

    def _antecedent(self, anaphor: Anaphor, start: int, earlier: list[Actor]) -> Actor | None:
        """The compatible named actor of this or the three previous sentences that the article has named
        most so far (the most recent on a tie), else the most recent compatible generic one."""
        first_sentence = self._sentence(start) - 3
        named: list[Actor] = []
        fallback: Actor | None = None
        for actor in reversed(earlier):
            if self._sentence(actor.start) < first_sentence:
                break
            if actor.inter not in anaphor.inter or (anaphor.sectors and actor.sector not in anaphor.sectors):
                continue
            if actor.kind in ("named", "anaphor"):
                named.append(actor)
            elif fallback is None and actor.kind == "generic":
                fallback = actor
        if not named:
            return fallback
        counts = Counter(a.name for a in earlier if a.kind in ("named", "anaphor"))
        return max(named, key=lambda a: counts[a.name])  # max keeps the first, the most recent, on a tie


def _says(token: Token, words: frozenset[str] | tuple[()]) -> bool:
    """Whether the token's lemma or its lower-case form is one of ``words`` (the small model's lemmas
    are not always right: "staged" → "stag")."""
    return token.lemma_.lower() in words or token.lower_ in words


def _sponsor(text: str, place: Place) -> bool:
    """A country named as a sponsor ("US-backed", "Saudi-led") is not where things happen."""
    return text[place.end:place.end + 12].lstrip("-– ").lower().startswith(("backed", "led", "based", "supported",
                                                                              "funded", "allied", "aligned"))


def _as_written(text: str) -> str:
    name = text[4:] if text.lower().startswith("the ") else text
    return name[:-2] if name.endswith(("'s", "’s")) else name


def find(doc: Doc, table: ActorTable, places: Sequence[Place], outlets: Sequence[str] = ()) -> tuple[Actor, ...]:
    """Every actor mention of ``doc`` in text order (see :func:`eventwire.actors.find_actors`)."""
    finder = _Finder(doc, table, places)
    mentions = finder.scan()
    finder.count_places([finder.span(m) for m in mentions])
    actors = finder.resolve(mentions)
    actors.extend(entity_actors(doc, finder.text, table, actors, places, finder.sentence_of, finder.context_country,
                                outlets=frozenset(fold(outlet) for outlet in outlets if outlet)))
    actors.sort(key=lambda a: (a.start, a.end))
    return tuple(actors)
