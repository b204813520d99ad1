"""Quotes: who said what. Every attribution of an article as a :class:`Quote` with its source.

* :mod:`eventwire.quotes.marks` — where the quotations are (straight and curly marks, quotations that
  run over several paragraphs);
* :mod:`eventwire.quotes.speakers` — the source mention of a cue verb and the name it refers to;
* this module — which quotation belongs to which cue, and reported speech without quote marks.

Three kinds of attribution (``Quote.kind``), as in PolNeAR:

``direct``   a quotation with its cue outside it: ``"…," he said.`` — a quotation split by its cue
             (``"…," he said. "…"``) and the quotation paragraphs that follow it without a cue of their
             own are one attribution, from the first quote mark to the last (the PolNeAR convention);
``mixed``    reported speech with a quotation inside: ``Trump said he was "happy to see" that …``;
``indirect`` reported speech or thought: ``X said (that) …``, ``according to X, …``, ``X believes …``.

Quote marks around a phrase that nobody is said to say (scare quotes, titles: the "caliphate",
"Saturday Night Live") are no attribution and give no :class:`Quote`; they still count when they sit
inside reported speech (that attribution is then ``mixed``).
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from eventwire.parse import paragraphs
from eventwire.quotes.lexicon import Lexicon, load_lexicon
from eventwire.quotes.marks import CLOSING, OPENING, quoted_spans
from eventwire.quotes.speakers import Mention, People, mention_of, subject_of
from eventwire.records import Quote

if TYPE_CHECKING:
    from spacy.tokens import Doc, Span, Token

__all__ = ["KINDS", "attribute", "load_lexicon", "quoted_spans"]

Kind = Literal["direct", "mixed", "indirect"]
KINDS: tuple[str, ...] = ("direct", "mixed", "indirect")
"""The values ``Quote.kind`` takes (see above)."""

_NOT_CONTENT = frozenset({"punct", "cc", "conj"})
_CLAUSE_END = frozenset({".", "!", "?", ";"})
_AFTER_WINDOW = 14  # tokens after a quotation in which its cue may sit ("…," the senator from X said)
_MARK_CHARS = OPENING + CLOSING + '"'
_VERBAL = frozenset({"VERB", "AUX"})
_AFTER_QUOTATION = (",", "—", "–", "-")  # what opens an aside or a new clause after a quotation



@dataclass(slots=True)
class _Found:
    start: int
    end: int
    kind: Kind
    cue: Token | None
    cue_end: int | None = None  # token index after a multi-word cue
    source: Token | None = None


class _Paragraphs:
    """Paragraph of a character offset."""

    def __init__(self, text: str) -> None:
        self.bounds = paragraphs(text)
        self.starts = [start for start, _ in self.bounds]

    def of(self, offset: int) -> tuple[int, int]:
        return self.bounds[max(0, bisect_right(self.starts, offset) - 1)]


def _according(token: Token, lexicon: Lexicon) -> int | None:
    """Token index after an "according to" cue starting at ``token``, else None."""
    doc = token.doc
    for phrase in lexicon.according:
        end = token.i + len(phrase)
        if end <= len(doc) and all(doc[token.i + k].lower_ == word for k, word in enumerate(phrase)):
            return end
    return None


def _according_source(token: Token, end: int) -> Token | None:
    last = token.doc[end - 1]
    for child in last.children:
        if child.dep_ == "pobj":
            return child
    return token.doc[end] if end < len(token.doc) and token.doc[end].pos_ in {"PROPN", "NOUN", "PRON"} else None


def _speech_verb(token: Token, lexicon: Lexicon) -> bool:
    if token.pos_ not in _VERBAL:
        return False
    lemma = token.lemma_.lower()
    if lemma in lexicon.speech:
        return True
    words = lexicon.particles.get(lemma)
    return words is not None and any(c.dep_ == "prt" and c.lower_ in words for c in token.children)


def _reports_other(verb: Token, quoted: list[tuple[int, int]]) -> bool:
    """The verb has a clausal complement of its own after it and outside every quotation (``"…," he
    said he would go``). A complement before the verb is the quotation's own lead clause (``The plan
    "failed," he said``), one inside a later quotation its second half (``"…," he said, "because …"``)."""
    for child in verb.children:
        if child.dep_ != "ccomp":
            continue
        if child.i < verb.i:
            continue
        edge = child.left_edge
        if not (edge.text in _MARK_CHARS or _inside(edge.idx, edge.idx + 1, quoted)):
            return True
    return False


def _cue_after(doc: Doc, first: int, limit: int, quoted: list[tuple[int, int]],
               lexicon: Lexicon) -> tuple[Token, int | None] | None:
    """A cue in the clause right after a quotation: ``"…," she said`` / ``"…," said X``."""
    for token in doc[first:min(len(doc), first + _AFTER_WINDOW)]:
        if token.idx >= limit or token.text in _CLAUSE_END or "\n\n" in token.text:
            return None
        according = _according(token, lexicon)
        if according is not None:
            return token, according
        if _speech_verb(token, lexicon) and not _reports_other(token, quoted):
            return token, None
    return None


def _cue_before(doc: Doc, last: int, limit: int, lexicon: Lexicon) -> tuple[Token, bool] | None:
    """A cue in the clause right before a quotation. Returns the verb and whether the quotation is all
    it introduces (``X said: "…"``) rather than a phrase inside reported speech (``X said he was "…"``)."""
    index = last - 1
    while index >= 0 and doc[index].is_space:
        index -= 1
    if index < 0 or doc[index].idx < limit:
        return None
    end_token = doc[index]
    verb: Token | None = None
    while index >= 0 and doc[index].idx >= limit:
        token = doc[index]
        if token.text in _CLAUSE_END:
            break
        if _speech_verb(token, lexicon):
            verb = token
            break
        index -= 1
    if verb is None:
        return None
    bare = verb.lemma_.lower() in lexicon.bare
    whole = end_token.text in {":", ","} or (bare and end_token.i == verb.i) or (
        end_token.lower_ == "that" and end_token.i == verb.i + 1)
    return verb, whole


def _direct(doc: Doc, text: str, quoted: list[tuple[int, int]], lexicon: Lexicon) -> list[_Found]:
    paras = _Paragraphs(text)
    found: list[_Found] = []
    for number, (start, end) in enumerate(quoted):
        span = doc.char_span(start, end, alignment_mode="expand")
        if span is None or len(span) == 0:
            continue
        next_start = quoted[number + 1][0] if number + 1 < len(quoted) else len(text)
        previous_end = quoted[number - 1][1] if number else 0
        paragraph_start = paras.of(start)[0]
        after = None
        if (_ends_utterance(text, start, end) or _cue_follows(doc, span.end, lexicon)) \
                and not _sentence_follows(doc, text, start, end, span.end):
            after = _cue_after(doc, span.end, min(next_start, paras.of(end - 1)[1]), quoted, lexicon)
        if after is not None:
            verb, according = after
            source = _according_source(verb, according) if according is not None else subject_of(verb)
            lead = _clause_start(text, max(previous_end, paragraph_start), start)
            kind: Kind = "mixed" if lead < start else "direct"
            found.append(_Found(lead, end, kind, verb, according, source))
            continue
        if found and _continues(doc, text, found[-1], start, paras, lexicon):
            found[-1].end = end
            continue
        before = _cue_before(doc, span.start, max(previous_end, paragraph_start), lexicon)
        if before is not None:
            verb, whole = before
            if whole and (len(text[start:end].split()) >= 4 or _ends_utterance(text, start, end)):
                found.append(_Found(start, end, "direct", verb, None, subject_of(verb)))
            # else a quoted phrase inside reported speech (``he declared it "a total disaster"``): the
            # reported-speech and embedded passes take it
    return found


def _ends_utterance(text: str, start: int, end: int) -> bool:
    """The quotation ends as quoted speech does before its cue: with a comma, a question or exclamation
    mark, a dash, or a full stop after a few words (not a bare quoted phrase such as a scare quote)."""
    inner = text[start:end].rstrip(_MARK_CHARS + " \n")
    if inner[-1:] in {",", "?", "!", "—", "–", "-", "…", ":"}:
        return True
    return inner[-1:] == "." and len(inner.split()) >= 3


def _cue_follows(doc: Doc, following: int, lexicon: Lexicon) -> bool:
    """A verb of saying comes right after the quotation, before or after its subject (``"…" said X``,
    ``"…" she said``): the quotation ends there even without a comma."""
    words = [t for t in doc[following:following + 4] if not t.is_space][:2]
    if not words:
        return False
    if _speech_verb(words[0], lexicon):
        return True
    return len(words) == 2 and words[0].pos_ in {"PRON", "PROPN"} and _speech_verb(words[1], lexicon)


def _sentence_follows(doc: Doc, text: str, start: int, end: int, following: int) -> bool:
    """A quotation ending with a full stop is followed by a new sentence (``"…." He adds, "…"``), not by
    its own cue."""
    if not text[start:end].rstrip(_MARK_CHARS + " \n").endswith("."):
        return False
    word = next((t for t in doc[following:following + 3] if not t.is_space and not t.is_punct), None)
    return word is not None and word.text[:1].isupper()


def _clause_start(text: str, limit: int, start: int) -> int:
    """Where the sentence holding a quotation starts, when words of it come before the quotation
    (``Many saw them as "the party of …," he said``); else the quotation's start."""
    lead = text[limit:start]
    cut = max(lead.rfind(". "), lead.rfind("? "), lead.rfind("! "), lead.rfind("\n"))
    lead_start = limit + cut + 1 if cut >= 0 else limit
    while lead_start < start and text[lead_start].isspace():
        lead_start += 1
    if sum(c.isalpha() for c in text[lead_start:start]) < 2:
        return start
    return lead_start


def _continues(doc: Doc, text: str, previous: _Found, start: int, paras: _Paragraphs, lexicon: Lexicon) -> bool:
    """A quotation without a cue of its own continues the attribution before it: the second half of a
    quotation split by its cue (``"…," he said. "…"``), or the next paragraph of the same speaker's
    words. Between the two there may be only the first one's cue clause."""
    between = text[previous.end:start]
    if between.count("\n\n") > 1:
        return False
    paragraph_start = paras.of(start)[0]
    if "\n\n" in between and text[paragraph_start:start].strip():
        return False  # a new paragraph must open with the quotation
    span = doc.char_span(previous.end, start, alignment_mode="contract")
    words = [t for t in span if not t.is_space] if span is not None else []
    if not words:
        return not between.strip()
    if previous.cue is None or not previous.end <= previous.cue.idx < start or len(words) > 60:
        return False
    if words[-1].text not in {".", ",", ":", "!", "?", ";"} and not words[-1].text.endswith("."):
        return False
    if sum(t.text in _CLAUSE_END for t in words) > 1:
        return False
    # another cue of saying starts an attribution of its own, unless it sits in a clause of the first
    # cue's (``said Murphy, using a term …``, ``…, who has said …``)
    return not any(_speech_verb(t, lexicon) and t.i != previous.cue.i and t.dep_ in {"ROOT", "conj", "ccomp"}
                   for t in words)


def _content(tokens: list[Token]) -> tuple[int, int] | None:
    """Character span of a run of tokens without the punctuation and space at its ends."""
    tokens = sorted(tokens, key=lambda t: t.i)
    while tokens and (tokens[-1].is_punct and tokens[-1].text not in _MARK_CHARS or tokens[-1].is_space):
        tokens.pop()
    while tokens and (tokens[0].is_punct and tokens[0].text not in _MARK_CHARS or tokens[0].is_space):
        tokens.pop(0)
    if not tokens:
        return None
    start, end = tokens[0].idx, tokens[-1].idx + len(tokens[-1].text)
    doc = tokens[0].doc
    marks = sum(1 for t in tokens for m in t.text if m in _MARK_CHARS)
    if marks % 2 and tokens[-1].i + 1 < len(doc):
        following = doc[tokens[-1].i + 1]  # the closing mark the clause's parse left outside it
        if following.text in CLOSING or following.text == '"':
            end = following.idx + len(following.text)
        elif following.text in {",", "."} and tokens[-1].i + 2 < len(doc) and doc[tokens[-1].i + 2].text in CLOSING + '"':
            end = doc[tokens[-1].i + 2].idx + 1
    return start, end


def _inside(start: int, end: int, spans: list[tuple[int, int]]) -> bool:
    return any(s <= start and end <= e for s, e in spans)


def _overlaps(start: int, end: int, spans: list[tuple[int, int]]) -> bool:
    return any(start < e and s < end for s, e in spans)


def _quoted_tokens(doc: Doc, quoted: list[tuple[int, int]]) -> set[int]:
    """Indices of the tokens inside quotations."""
    inside: set[int] = set()
    for start, end in quoted:
        span = doc.char_span(start, end, alignment_mode="expand")
        if span is not None:
            inside.update(range(span.start, span.end))
    return inside


def _reported(doc: Doc, quoted: list[tuple[int, int]], inside: set[int], direct: list[_Found],
              lexicon: Lexicon) -> list[_Found]:
    """Reported speech and thought: the clausal complement of a cue verb, and "according to X"."""
    used = {f.cue.i for f in direct if f.cue is not None}
    taken = [(f.start, f.end) for f in direct]
    found: list[_Found] = []
    for token in doc:
        if token.i in used or token.i in inside:
            continue
        according = _according(token, lexicon) if token.lower_ == lexicon.according[0][0] else None
        if according is not None:
            source = _according_source(token, according)
            clause = token.head
            if source is None or clause.i == token.i:
                continue
            skip = {t.i for t in token.subtree}
            span = _content([t for t in clause.subtree if t.i not in skip])
            if span is None:
                continue
            found.append(_Found(span[0], span[1], "indirect", token, according, source))
            continue
        if not (_speech_verb(token, lexicon) or (token.pos_ == "VERB" and token.lemma_.lower() in lexicon.cognition)):
            continue
        complement = next((c for c in token.children if c.dep_ == "ccomp"), None)
        if complement is None:
            continue
        tokens = list(complement.subtree)
        if complement.i > token.i:  # what follows the complement in the sentence belongs to it too
            tokens += [t for child in token.rights if child.i > complement.i and child.dep_ not in _NOT_CONTENT
                       for t in child.subtree]
        span = _content(tokens)
        if span is None or _overlaps(span[0], span[1], taken):
            continue
        source = subject_of(token)
        if source is None and token.dep_ in {"amod", "acl", "relcl", "pcomp"}:
            continue
        found.append(_Found(span[0], span[1], "indirect", token, None, source))
    for item in found:
        if _overlaps(item.start, item.end, quoted):
            item.kind = "mixed"
    return found


def _title(quoted: str) -> bool:
    """A quoted name or title ("Saturday Night Live", "The Art of the Deal"): every word capitalized
    but the small ones."""
    words = [w for w in quoted.strip(_MARK_CHARS + " ,.").split() if w.isalpha()]
    return bool(words) and all(w[0].isupper() or len(w) <= 3 for w in words) and words[0][0].isupper()


_EMBEDDING = frozenset({"ccomp", "xcomp", "advcl", "conj", "relcl", "acl", "pcomp", "pobj", "prep", "dobj"})


def _reporting(path: Token, verb: Token, lexicon: Lexicon) -> tuple[Token, Token]:
    """The verb of saying or thinking a quotation's clause is reported by, a few clauses up
    (``saying he would "never" diagnose …``), else the quotation's own verb."""
    child, current = verb, verb
    for _ in range(4):
        if current.dep_ not in _EMBEDDING or current.head.i == current.i:
            break
        child, current = current, current.head
        lemma = current.lemma_.lower()
        if current.pos_ == "VERB" and (_speech_verb(current, lexicon) or lemma in lexicon.cognition):
            return child, current
    return path, verb


def _root(span: Span) -> Token:
    """The token of a span whose head lies outside it, quote marks and punctuation left aside."""
    words = [t for t in span if not t.is_punct and not t.is_space]
    for token in words:
        if not span.start <= token.head.i < span.end or token.head.i == token.i:
            return token
    return span.root


def _embedded(doc: Doc, text: str, quoted: list[tuple[int, int]], found: list[_Found],
              lexicon: Lexicon) -> list[_Found]:
    """Quoted phrases no cue of saying took: the clause of the verb that governs each becomes a mixed
    attribution to that verb's subject (``Clinton cited his references to her as "Miss Piggy"``), as
    PolNeAR annotates them. A word or two in quote marks under a verb of having or doing is a scare
    quote (``passed "top secret" intelligence``), not somebody's words."""
    taken = [(f.start, f.end) for f in found]
    extra: list[_Found] = []
    for start, end in quoted:
        if _overlaps(start, end, taken) or _title(text[start:end]):
            continue
        span = doc.char_span(start, end, alignment_mode="expand")
        if span is None or len(span) == 0:
            continue
        verb = _root(span)
        path = verb
        while verb.pos_ not in _VERBAL and verb.head.i != verb.i:
            path, verb = verb, verb.head
        if verb.i == path.i or verb.pos_ == "AUX":
            # the quotation is a clause of its own, or a copula's ("Rubio was "a lightweight""): the
            # verb that clause hangs on governs it
            path, verb = verb, verb.head
        if verb.pos_ != "VERB" or verb.i == path.i:
            continue
        if verb.lemma_.lower() in lexicon.actions and len(text[start:end].split()) < 3:
            continue
        path, verb = _reporting(path, verb, lexicon)
        if path.i < verb.i:
            tokens = list(path.subtree)
        else:
            tokens = [t for child in verb.rights if child.dep_ not in {"punct", "cc", "conj"}
                      for t in child.subtree]
        content = _content(tokens)
        if content is None:
            continue
        subject = subject_of(verb)
        if subject is not None and any(start <= t.idx < end for t in subject.subtree):
            subject = None
        item = _Found(min(content[0], start), max(content[1], end), "mixed", verb, None, subject)
        extra.append(item)
        taken.append((item.start, item.end))
    return extra


_SOURCE_LABELS = frozenset({"PERSON", "ORG", "NORP", "GPE"})
_COMPLEMENTS = frozenset({"ccomp", "xcomp", "dobj", "prep"})


def _stances(doc: Doc, quoted: list[tuple[int, int]], inside: set[int], found: list[_Found],
             lexicon: Lexicon) -> list[_Found]:
    """What a named person, group or a personal pronoun is said to do with words or views — accuse,
    endorse, call for, criticize — beyond the verbs of saying: the verb's complement, as PolNeAR counts
    these attributions; ``mixed`` when a quotation the passes before left sits inside it (``she blasted the
    film for being too "preachy"``)."""
    taken = [(f.start, f.end) for f in found]
    used = {f.cue.i for f in found if f.cue is not None}
    extra: list[_Found] = []
    for token in doc:
        if token.pos_ != "VERB" or token.i in used or token.i in inside or token.dep_ in {"amod", "acl", "relcl"}:
            continue
        if token.lemma_.lower() in lexicon.actions:
            continue
        subject = next((c for c in token.children if c.dep_ == "nsubj"), None)
        if subject is None or not (subject.ent_type_ in _SOURCE_LABELS or subject.lower_ in lexicon.personal
                                   or subject.lower_ in {"they", "we", "i"} or subject.pos_ == "PROPN"
                                   or subject.lemma_.lower() in lexicon.roles):
            continue
        tokens = [t for child in token.rights if child.dep_ not in _NOT_CONTENT for t in child.subtree]
        if not any(child.dep_ in _COMPLEMENTS for child in token.rights) or len(tokens) < 3:
            continue
        span = _content(tokens)
        if span is None or _overlaps(span[0], span[1], taken):
            continue
        kind: Kind = "mixed" if _overlaps(span[0], span[1], quoted) else "indirect"
        item = _Found(span[0], span[1], kind, token, None, subject)
        extra.append(item)
        taken.append((item.start, item.end))
    return extra


def _outermost(found: list[_Found]) -> list[_Found]:
    """Nested reported speech with a quotation inside (``he said she did not believe it was "…"``) is one
    mixed attribution, the outermost one: an inner mixed attribution whose cue lies inside an outer
    mixed attribution's span goes."""
    mixed = [f for f in found if f.kind == "mixed" and f.cue is not None]
    return [f for f in found if not (f.kind == "mixed" and f.cue is not None and any(
        o is not f and o.start <= f.start and f.end <= o.end and (o.start, o.end) != (f.start, f.end)
        and o.start <= f.cue.idx < o.end and not (_named_person(f.source) and not _named_person(o.source))
        for o in mixed))]


def _named_person(source: Token | None) -> bool:
    """Whether an attribution's source is a person named in the text (not a pronoun, outlet or office)."""
    return source is not None and source.ent_type_ == "PERSON"


def _end_at_quotation(found: list[_Found], text: str, quoted: list[tuple[int, int]]) -> None:
    """Reported speech ends with its last quotation when a new clause or an aside follows it
    (``it was "resolutely opposed" to the test, an acknowledgment that …``): the quotation closes it."""
    for item in found:
        if item.kind != "mixed" or item.cue is None or item.cue.idx >= item.start:
            continue
        last = max((e for s, e in quoted if item.start <= s and e <= item.end), default=None)
        if last is None or last >= item.end:
            continue
        rest = text[last:item.end].lstrip()
        if rest.startswith(_AFTER_QUOTATION):
            item.end = last


def attribute(doc: Doc, lexicon: Lexicon | None = None) -> tuple[Quote, ...]:
    """Every attribution of a parsed article: direct quotations, reported speech with quoted phrases
    (mixed) and reported speech or thought (indirect), in text order.

    ``doc`` is the article parsed by :mod:`eventwire.parse`; ``lexicon`` defaults to
    ``data/quotes.toml``. Each :class:`Quote` has the quoted or reported span (quote marks included),
    the source mention as written (``speaker_start``/``speaker_end``), the resolved ``speaker`` name (a
    pronoun or "the spokesman" resolved to the person the article named before it, a short name to
    its fullest form; an anonymous source keeps its description), the cue and its span, and the kind.

    >>> [(q.speaker, q.cue) for q in attribute(nlp('"We won," said Jane Doe.'))]  # doctest: +SKIP
    [('Jane Doe', 'said')]
    """
    lexicon = lexicon or load_lexicon()
    text = doc.text
    quoted = quoted_spans(text)
    found = _direct(doc, text, quoted, lexicon)
    inside = _quoted_tokens(doc, quoted)  # the tokens inside quotations, for the passes that skip them
    found += _reported(doc, quoted, inside, found, lexicon)
    found += _embedded(doc, text, quoted, found, lexicon)
    found += _stances(doc, quoted, inside, found, lexicon)
    found = _outermost(found)
    _end_at_quotation(found, text, quoted)
    found.sort(key=lambda f: (f.start, f.end))
    people = People(doc, quoted, lexicon)
    quotes: list[Quote] = []
    for item in found:
        mention: Mention | None = mention_of(item.source) if item.source is not None else None
        speaker = speaker_start = speaker_end = None
        if mention is not None:
            speaker = people.resolve(mention)
            speaker_start = doc[mention.start].idx
            last = doc[mention.end - 1]
            speaker_end = last.idx + len(last.text)
            if doc[mention.head].lower_ not in lexicon.personal and doc[mention.head].pos_ == "PROPN":
                people.add(mention.start, speaker)
        cue_start = cue_end = None
        cue = None
        if item.cue is not None:
            last_cue = doc[item.cue_end - 1] if item.cue_end is not None else item.cue
            cue_start, cue_end = item.cue.idx, last_cue.idx + len(last_cue.text)
            cue = text[cue_start:cue_end]
        quotes.append(Quote(text=text[item.start:item.end], start=item.start, end=item.end, speaker=speaker,
                            speaker_start=speaker_start, speaker_end=speaker_end, cue=cue,
                            direct=item.kind == "direct", kind=item.kind, cue_start=cue_start,
                            cue_end=cue_end))
    return tuple(quotes)
