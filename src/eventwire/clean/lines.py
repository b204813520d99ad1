"""Line-level boilerplate classification of a page saved as plain text, in the style of jusText.

Every non-blank line gets shallow features (length, share of stopwords, terminal punctuation, whether a
boilerplate pattern matches), a class (``good`` prose, ``near`` almost prose, ``short``, ``bad``), then
context smoothing lets short lines take the class of their neighbours, and :func:`main_block` picks the
contiguous stretch of lines that holds the article.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from eventwire.clean.lexicon import Lexicon

LineClass = Literal["good", "near", "short", "bad"]

_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)?")
_TERMINAL = re.compile(r"[.!?:;…]['\"’”)\]?]*$|[.!?]\s*\?$")

# jusText-like thresholds, in characters and stopword share
_SHORT_CHARS = 60
_GOOD_CHARS = 150
_STOP_HIGH = 0.30
_STOP_LOW = 0.22
_STOP_NAMES = 0.10


@dataclass(frozen=True, slots=True, kw_only=True)
class Line:
    """One non-blank input line and its shallow features."""

    text: str
    words: int
    stop_share: float
    terminal: bool
    pattern_reason: str | None


def read_lines(raw: str, lexicon: Lexicon) -> list[Line]:
    """The non-blank lines of ``raw``, stripped, with their features."""
    lines: list[Line] = []
    for raw_line in raw.splitlines():
        text = raw_line.strip()
        if not text:
            continue
        tokens = _WORD.findall(text)
        stops = sum(1 for token in tokens if token.lower() in lexicon.stopwords)
        reason = None
        if len(tokens) <= lexicon.max_pattern_words:
            for name, anchored, floating in lexicon.reasons:
                if anchored.match(text) or (floating is not None and floating.search(text)):
                    reason = name
                    break
        lines.append(Line(text=text, words=len(tokens), stop_share=stops / len(tokens) if tokens else 0.0,
                          terminal=bool(_TERMINAL.search(text)), pattern_reason=reason))
    return lines


def initial_class(line: Line) -> LineClass:
    """The class of a line on its own, before its neighbours are considered."""
    if line.pattern_reason is not None or line.words == 0:
        return "bad"
    chars = len(line.text)
    if chars < _SHORT_CHARS:
        return "short"
    if line.stop_share >= _STOP_HIGH:
        return "good" if chars >= _GOOD_CHARS or line.terminal else "near"
    if line.stop_share >= _STOP_LOW:
        return "near"
    # Name-dense reporting (sport, business) has few function words but is still running prose.
    if chars >= _GOOD_CHARS and line.terminal and line.stop_share >= _STOP_NAMES and line.words >= 20:
        return "near"
    return "bad"


def _neighbour(classes: list[LineClass], index: int, step: int) -> LineClass:
    """The nearest class that is not ``short`` from ``index`` in direction ``step`` (``bad`` at the edge)."""
    index += step
    while 0 <= index < len(classes):
        if classes[index] != "short":
            return classes[index]
        index += step
    return "bad"


def smooth(initial: list[LineClass]) -> list[LineClass]:
    """Context smoothing: short and near-good lines take the class of the prose around them."""
    classes = list(initial)
    for index, cls in enumerate(initial):
        if cls != "short":
            continue
        before, after = _neighbour(initial, index, -1), _neighbour(initial, index, 1)
        if before == "good" and after == "good":
            classes[index] = "good"
        elif before == "bad" and after == "bad":
            classes[index] = "bad"
        elif "near" in (before, after) and "good" in (before, after):
            classes[index] = "good"
        else:
            classes[index] = "short"
    result = list(classes)
    for index, cls in enumerate(classes):
        if cls == "near":
            before, after = _neighbour(classes, index, -1), _neighbour(classes, index, 1)
            result[index] = "good" if "good" in (before, after) else "bad"
    return [("bad" if cls == "short" else cls) for cls in result]


def main_block(lines: list[Line], classes: list[LineClass]) -> tuple[int, int] | None:
    """First and last line (inclusive) of the stretch with the most prose.

    Good lines add their length, other lines subtract a penalty, and the best-scoring contiguous stretch
    (maximum subarray) wins; ``None`` when no line is good.
    """
    best: tuple[float, int, int] | None = None
    score = 0.0
    start = 0
    for index, (line, cls) in enumerate(zip(lines, classes, strict=True)):
        if cls == "good":
            gain = float(len(line.text))
        elif line.pattern_reason is not None:
            gain = -120.0
        else:
            gain = -25.0 - 0.5 * len(line.text)
        if score <= 0:
            score, start = gain, index
        else:
            score += gain
        if cls == "good" and (best is None or score > best[0]):
            best = (score, start, index)
    if best is None:
        return None
    first = best[1]
    while first <= best[2] and classes[first] != "good":
        first += 1
    return first, best[2]
