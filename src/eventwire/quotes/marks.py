"""Where the quotations are: pairs of double quote marks, straight or curly, across paragraphs.

A paragraph that opens a quotation without closing it continues into the next paragraph when that one
opens with a quote mark (the newspaper convention for long quotations); otherwise the quotation ends
with its paragraph. Single quote marks are left alone: in English news they are apostrophes far more
often than quotations.
"""

from __future__ import annotations

from eventwire.parse import paragraphs

__all__ = ["CLOSING", "OPENING", "quoted_spans"]

OPENING = "“„«‟"
CLOSING = "”»"
_STRAIGHT = '"'
_MARKS = OPENING + CLOSING + _STRAIGHT
_BEFORE_OPENING = " \t\n([{—–-/:;,"


def _opens_here(text: str, index: int, start: int) -> bool:
    """A straight quote mark opens when it follows a space, a paragraph start or opening punctuation."""
    before = text[index - 1] if index > start else " "
    return before.isspace() or before in _BEFORE_OPENING or before in _MARKS


def _first_mark(text: str, start: int, end: int) -> int | None:
    """Index of the opening quote mark a paragraph starts with, if it starts with one."""
    index = start
    while index < end and text[index].isspace():
        index += 1
    if index < end and (text[index] in OPENING or text[index] == _STRAIGHT):
        return index
    return None


def quoted_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of every quotation, quote marks included, in text order.

    >>> text = 'He said: "Yes." Then “no,” she said.'
    >>> [text[s:e] for s, e in quoted_spans(text)]
    ['"Yes."', '“no,”']
    >>> text = '“One.\\n\\n“Two.”\\n\\n“Three'
    >>> [text[s:e] for s, e in quoted_spans(text)]
    ['“One.\\n\\n“Two.”', '“Three']
    """
    spans: list[tuple[int, int]] = []
    chunks = paragraphs(text)
    open_at: int | None = None
    for number, (start, end) in enumerate(chunks):
        index = start
        if open_at is not None:  # continued from the paragraph before: skip its opening mark
            first = _first_mark(text, start, end)
            index = first + 1 if first is not None else start
        while index < end:
            char = text[index]
            if char not in _MARKS:
                index += 1
                continue
            run_end = index + 1
            while run_end < end and text[run_end] == char:  # ""doubled"" marks count once
                run_end += 1
            if open_at is None:
                if char in OPENING or (char == _STRAIGHT and _opens_here(text, index, start)):
                    open_at = index
            elif char in CLOSING or char == _STRAIGHT:
                spans.append((open_at, run_end))
                open_at = None
            elif index > open_at + 1 and not text[index - 1].isspace():
                # a “ typed where ” was meant ("…,“ he said")
                spans.append((open_at, run_end))
                open_at = None
            index = run_end
        if open_at is not None:
            following = chunks[number + 1] if number + 1 < len(chunks) else None
            if following is None or _first_mark(text, *following) is None:
                content_end = end
                while content_end > open_at + 1 and text[content_end - 1].isspace():
                    content_end -= 1
                spans.append((open_at, content_end))
                open_at = None
    return spans
