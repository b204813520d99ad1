"""Who speaks: the source mention of a cue verb, and the name it refers to.

The mention is read off the dependency parse (the subject of the cue verb, or the object of "according
to"); a pronoun or a definite description ("the spokesman") is resolved to the nearest person the
article named before it, and a short name ("Bali") to the fullest form the article gives ("Mustafa
Bali"). Anonymous sources keep their description ("a man who spent years there").
"""

from __future__ import annotations

from bisect import bisect_left
from dataclasses import dataclass
from typing import TYPE_CHECKING

from eventwire.quotes.lexicon import Lexicon

if TYPE_CHECKING:
    from spacy.tokens import Doc, Token

__all__ = ["Mention", "People", "mention_of", "subject_of"]

_SUBJECTS = ("nsubj",)
# Clauses that share the subject of the verb they hang on: "X stood up and said", "X went on to say",
# "X wrote, saying".
_INHERITS = ("conj", "xcomp", "advcl")
_PERSON_LABELS = ("PERSON",)
_POSSESSIVE = ("'s", "’s", "'", "’")


@dataclass(frozen=True, slots=True)
class Mention:
    """A source mention: token range [start, end) and its head token index."""

    start: int
    end: int
    head: int


def subject_of(verb: Token) -> Token | None:
    """The subject of a cue verb, taken from the verb it is coordinated with or complements when it has
    none of its own."""
    current: Token | None = verb
    for _ in range(3):
        if current is None:
            return None
        for child in current.children:
            if child.dep_ in _SUBJECTS:
                return child
        if current.dep_ not in _INHERITS or current.head.i == current.i:
            return None
        current = current.head
    return None


def mention_of(head: Token) -> Mention:
    """The mention a subject token heads, as written: a name without its appositions ("Mustafa Bali,
    spokesman for …" → "Mustafa Bali"), a description with its relative clause ("a man who spent …")."""
    tokens = sorted(head.subtree, key=lambda t: t.i)
    start, end = tokens[0].i, tokens[-1].i + 1
    if head.pos_ == "PROPN":
        for token in tokens:
            if token.i > head.i and (token.text in {",", "(", "—", "–"} or token.dep_ in {"appos", "relcl"}):
                end = token.i
                break
    doc = head.doc
    while end > start + 1 and (doc[end - 1].is_punct or doc[end - 1].is_space):
        end -= 1
    while start < end - 1 and (doc[start].is_punct or doc[start].is_space):
        start += 1
    return Mention(start=start, end=end, head=head.i)


def _name(text: str) -> str:
    text = text.strip()
    for suffix in _POSSESSIVE:
        if text.endswith(suffix) and len(text) > len(suffix) + 1:
            return text[: -len(suffix)].rstrip()
    return text


class People:
    """The people an article names (outside quotations), for resolving mentions to names."""

    def __init__(self, doc: Doc, quoted: list[tuple[int, int]], lexicon: Lexicon) -> None:
        self.doc = doc
        self.lexicon = lexicon
        self.starts: list[int] = []
        self.names: list[str] = []
        self.full: dict[str, str] = {}
        self.persons: list[tuple[int, int, str]] = []
        """(start token, end token, name) of every person entity, quoted ones too."""
        for ent in doc.ents:
            if ent.label_ not in _PERSON_LABELS:
                continue
            self.persons.append((ent.start, ent.end, _name(ent.text)))
            if not _inside(ent.start_char, quoted):
                self.add(ent.start, _name(ent.text))

    def add(self, token: int, name: str) -> None:
        """Remember that ``name`` is mentioned at ``token`` (a named speaker counts as a person)."""
        index = bisect_left(self.starts, token)
        if index < len(self.starts) and self.starts[index] == token:
            return
        self.starts.insert(index, token)
        self.names.insert(index, name)
        words = name.split()
        if len(words) > 1:
            key = words[-1].lower()
            if len(name) > len(self.full.get(key, "")):
                self.full[key] = name

    def fullest(self, name: str) -> str:
        """The fullest form of a name the article gives ("Bali" → "Mustafa Bali")."""
        words = name.split()
        if len(words) == 1:
            return self.full.get(words[0].lower(), name)
        return name

    def before(self, token: int, role: str | None = None) -> str | None:
        """The person named last before ``token``; with ``role``, the last one named in a sentence
        that says the role ("Mustafa Bali, spokesman for …" for "the spokesman")."""
        index = bisect_left(self.starts, token) - 1
        while index >= 0:
            if role is None:
                return self.fullest(self.names[index])
            sentence = self.doc[self.starts[index]].sent
            if any(t.lemma_.lower() == role for t in sentence):
                return self.fullest(self.names[index])
            index -= 1
        return None

    def resolve(self, mention: Mention) -> str:
        """The name a mention refers to, or the mention as written when the article does not say."""
        doc = self.doc
        span = doc[mention.start:mention.end]
        written = _name(span.text)
        for start, end, name in self.persons:
            if start < mention.end and mention.start < end:
                return self.fullest(name)
        head = doc[mention.head]
        lower = head.lower_
        if lower in self.lexicon.personal:
            return self.before(mention.start) or written
        if head.pos_ == "PROPN" and not any(t.ent_type_ in {"ORG", "GPE", "NORP"} for t in span):
            return self.fullest(written)
        if head.lemma_.lower() in self.lexicon.roles and doc[mention.start].lower_ in {"the", "this", "that"}:
            return self.before(mention.start, head.lemma_.lower()) or written
        return written


def _inside(offset: int, spans: list[tuple[int, int]]) -> bool:
    return any(start <= offset < end for start, end in spans)
