"""The times lexicon (``data/times.toml``) read once, and the word shapes of a time expression.

:func:`canonical` rewrites a span into tokens that the grammar in :mod:`eventwire.times.values` reads:
numbers folded to ``#24``/``#4.5``/``#X``, months ``@m03``, weekdays ``@w6`` (ISO, plural ``@ws6``),
decades ``@dec199``, seasons ``@sSU``, parts of the day ``@pMO``, clock words ``@tT12:00``, ordinals
``@o3``; other words lower-cased, hyphens and punctuation dropped.

>>> canonical("Saturday, March 23")
'@w6 @m03 #23'
>>> canonical("the past four and a half years")
'the past #4.5 years'
>>> canonical("the mid-1990s")
'the mid @dec199'
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from eventwire.data import read_toml

__all__ = ["MONTHS", "WEEKDAYS", "Lexicon", "canonical", "lexicon"]

MONTHS = ("january", "february", "march", "april", "may", "june", "july", "august", "september",
          "october", "november", "december")
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")

_MONTH_ABBREVIATIONS = {"jan": 1, "feb": 2, "mar": 3, "apr": 4, "jun": 6, "jul": 7, "aug": 8, "sep": 9,
                        "sept": 9, "oct": 10, "nov": 11, "dec": 12}
_WEEKDAY_ABBREVIATIONS = {"mon": 1, "tue": 2, "tues": 2, "wed": 3, "thu": 4, "thur": 4, "thurs": 4,
                          "fri": 5, "sat": 6, "sun": 7}
_IRREGULAR_PLURALS = {"centuries": "centurys", "millennia": "millenniums"}

_WORD = re.compile(r"\d+(?:[:/.]\d+)*(?:st|nd|rd|th|s)?|'\d\ds?|[a-z]+(?:'s)?|\+half")
_CLOCK_MARK = re.compile(r"\b([ap])\.\s?m\b\.?")
_GLUED_CLOCK = re.compile(r"(\d)([ap]m)\b")
_MULTIWORD = (
    (re.compile(r"\bhalf a dozen\b"), "6"),
    (re.compile(r"\b(?:a )?couple(?: of)?\b"), "2"),
    (re.compile(r"\ba dozen\b"), "12"),
    (re.compile(r"\b(?:dozens|scores|hundreds|thousands|tens) of\b"), "several"),
    (re.compile(r"\b(\d+) 1/2\b"), r"\1.5"),
    (re.compile(r"\band a half\b"), "+half"),
    (re.compile(r"\bhalf an? (?=hour|day|year|month|week|century|decade)"), "0.5 "),
    (re.compile(r"\ba few\b"), "few"),
    (re.compile(r"\ba number of\b"), "several"),
    (re.compile(r" or so\b"), ""),
    (re.compile(r"(?<=[a-z])(?:'s|')(?= |$)"), ""),
)


@dataclass(frozen=True, slots=True)
class Lexicon:
    """The parts of ``data/times.toml`` the stage uses, as lookups."""

    numbers: dict[str, float]
    ordinals: dict[str, int]
    vague_numbers: frozenset[str]
    units: dict[str, str]
    day_parts: dict[str, str]
    seasons: dict[str, str]
    references: dict[str, str]
    triggers: tuple[str, ...]
    leading_trim: tuple[str, ...]
    trailing_trim: tuple[str, ...]
    not_times: frozenset[str]
    sets: dict[str, str]
    holidays: dict[str, tuple[int, int]]
    decade_words: dict[str, int]


@lru_cache(maxsize=1)
def lexicon() -> Lexicon:
    """The times lexicon, read once per process."""
    data = read_toml("times.toml")
    references = {phrase: value for value, phrases in data["references"].items() for phrase in phrases}
    return Lexicon(
        numbers={word: float(value) for word, value in data["numbers"].items()},
        ordinals={word: int(value) for word, value in data["ordinals"].items()},
        vague_numbers=frozenset(data["vague_numbers"]["words"]),
        units=dict(data["units"]),
        day_parts=dict(data["day_parts"]),
        seasons=dict(data["seasons"]),
        references=references,
        triggers=tuple(data["triggers"]["words"]),
        leading_trim=tuple(sorted(data["trim"]["leading"], key=len, reverse=True)),
        trailing_trim=tuple(sorted(data["trim"]["trailing"], key=len, reverse=True)),
        not_times=frozenset(data["trim"]["not_times"]),
        sets=dict(data["sets"]),
        holidays={name: (int(month), int(day)) for name, (month, day) in data["holidays"].items()},
        decade_words={word: int(digit) for word, digit in data["decade_words"].items()},
    )


def _number(word: str, words: dict[str, float]) -> float | None:
    if re.fullmatch(r"\d+(?:\.\d+)?", word):
        return float(word)
    return words.get(word)


def _fold(values: list[float]) -> float:
    """Spelled-out number words to one number: twenty four → 24, nineteen ninety six → 1996,
    a hundred thirty → 130."""
    total, current = 0.0, 0.0
    for value in values:
        if value == 100:
            current = (current or 1) * 100
        elif value == 1000:
            total += (current or 1) * 1000
            current = 0
        elif current and 10 <= current < 100 and current % 10 and value >= 10 or \
                current and 10 <= current < 100 and value >= 10 and current % 10 == 0 and value % 10 == 0:
            current = current * 100 + value  # a year read as two pairs: nineteen ninety(-six)
        else:
            current += value
    return total + current


def _number_token(value: float) -> str:
    return f"#{value:g}"


def _word_token(word: str, lex: Lexicon) -> str:
    month = _month(word)
    if month:
        return f"@m{month:02d}"
    weekday = _weekday(word)
    if weekday:
        return f"@w{weekday}"
    if word.endswith("s") and _weekday(word[:-1]):
        return f"@ws{_weekday(word[:-1])}"
    if word in lex.seasons:
        return f"@s{lex.seasons[word]}"
    if word in lex.day_parts:
        part = lex.day_parts[word]
        return f"@t{part}" if part.startswith("T") else f"@p{part}"
    if word.endswith("s") and word[:-1] in lex.day_parts and not lex.day_parts[word[:-1]].startswith("T"):
        return f"@ps{lex.day_parts[word[:-1]]}"
    if word in lex.ordinals:
        return f"@o{lex.ordinals[word]}"
    if word in lex.vague_numbers:
        return "#X"
    if word in lex.decade_words:
        return f"@dec19{lex.decade_words[word]}"
    return _IRREGULAR_PLURALS.get(word, word)


def _month(word: str) -> int:
    if word in MONTHS:
        return MONTHS.index(word) + 1
    return _MONTH_ABBREVIATIONS.get(word, 0)


def _weekday(word: str) -> int:
    if word in WEEKDAYS:
        return WEEKDAYS.index(word) + 1
    return _WEEKDAY_ABBREVIATIONS.get(word, 0)


def _digits_token(word: str) -> str:
    """A written number: a slash date, a decade, an ordinal day or a plain number."""
    slash = re.fullmatch(r"(\d{1,2})/(\d{1,2})/(\d{2}|\d{4})", word)
    if slash:
        month, day, year = (int(part) for part in slash.groups())
        year += 1900 if year < 100 and year >= 30 else 2000 if year < 100 else 0
        return f"@ymd{year:04d}-{month:02d}-{day:02d}"
    digits = word.strip("'")[:-1] if word.endswith("0s") else ""
    if len(digits) == 4 or len(digits) == 2 and word.startswith("'"):
        if len(digits) == 2:
            digits = ("19" if int(digits) >= 30 else "20") + digits
        return f"@dec{digits[:3]}"
    if re.fullmatch(r"\d+:\d\d", word):
        return f"#{word}"
    ordinal = re.fullmatch(r"(\d+)(?:st|nd|rd|th)", word)
    if ordinal:
        return f"#{int(ordinal.group(1))}"
    if re.fullmatch(r"'\d\d", word):
        year = int(word[1:])
        return f"#{1900 + year if year >= 30 else 2000 + year}"
    return word


@lru_cache(maxsize=4096)
def canonical(text: str) -> str:
    """The span ``text`` in the token shapes the grammar reads (see the module docstring)."""
    lex = lexicon()
    lowered = text.lower().replace("’", "'").replace("`", "'")
    lowered = _GLUED_CLOCK.sub(r"\1 \2", _CLOCK_MARK.sub(r"\1m", lowered))
    for pattern, replacement in _MULTIWORD:
        lowered = pattern.sub(replacement, lowered)
    words = _WORD.findall(lowered)
    tokens: list[str] = []
    index = 0
    while index < len(words):
        word = words[index]
        value = _number(word, lex.numbers)
        if word in ("a", "an") and (index + 1 >= len(words) or _number(words[index + 1], lex.numbers) is None
                                    and not _is_unit(words[index + 1], lex)):
            value = None
        if value is None:
            tokens.append(_digits_token(word) if word[0].isdigit() or word[0] == "'" else _word_token(word, lex))
            index += 1
            continue
        run = [value]
        index += 1
        while index < len(words) and not word[0].isdigit() and words[index] not in ("a", "an") \
                and not words[index][0].isdigit():
            following = _number(words[index], lex.numbers)
            if following is None:
                break
            run.append(following)
            index += 1
        number = _fold(run)
        if index < len(words) and words[index] == "+half":
            number += 0.5
            index += 1
        elif index + 1 < len(words) and _is_unit(words[index], lex) and words[index + 1] == "+half":
            tokens.extend((_number_token(number + 0.5), words[index]))
            index += 2
            continue
        tokens.append(_number_token(number))
    return " ".join(token for token in tokens if token != "+half")


def _is_unit(word: str, lex: Lexicon) -> bool:
    singular = word.removesuffix("s")
    return word in lex.units or singular in lex.units or word in ("hundred", "thousand", "dozen", "few")
