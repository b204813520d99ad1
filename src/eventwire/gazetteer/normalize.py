"""Name keys of the gazetteer: how a written place name becomes the string it is looked up by.

Three levels, each a function of the previous one:

* :func:`normalize` — casefold, accents stripped, apostrophes dropped, hyphens and punctuation turned
  into single spaces (``"Dayr az-Zawr"`` → ``"dayr az zawr"``);
* :func:`name_key` — the alias-table key: Arabic articles (``al-``, ``el-``, ``ad-``, ``ez-`` …) dropped
  and a word-final ``h`` after a vowel dropped, so ``"Deir ez-Zor"`` and ``"Deir al-Zor"`` share
  ``"deir zor"`` and ``"Ar Raqqah"`` and ``"Raqqa"`` share ``"raqqa"``;
* :func:`skeleton_key` — the consonant skeleton used only when the exact key finds nothing
  (``"Deir al-Zour"`` and ``"Dayr az Zawr"`` both → ``"dr zr"``).

All three are idempotent: applying one to its own output changes nothing.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

ARTICLES = frozenset({"al", "el", "ad", "ar", "as", "at", "az", "an", "ash", "adh", "ath", "ed", "er",
                      "es", "et", "ez", "en", "ul", "ud", "ur", "us", "uz", "un"})
"""Arabic definite-article transliterations, dropped as whole words from names of two or more words."""

_LETTER_MAP = str.maketrans({"ø": "o", "ł": "l", "đ": "d", "ð": "d", "ı": "i", "æ": "ae", "œ": "oe",
                             "þ": "th", "ħ": "h", "ŧ": "t", "ə": "e", "ʒ": "z", "ŋ": "n"})
# Letters that carry a hamza or ayn in romanized Arabic, and every apostrophe-like mark: dropped.
_APOSTROPHES = re.compile(r"[\u0027\u0060\u00b4\u02b9-\u02bf\u02c8\u2018\u2019\u201b\u2032\u055a\uff07]")
_SEPARATORS = re.compile(r"[\W_]+")
_FINAL_H = re.compile(r"(?<=[aeiou])h\b")
_VOWELS = re.compile(r"[aeiouyw]")
_DOUBLES = re.compile(r"(.)\1+")

SKELETON_MIN = 4
"""Skeletons shorter than this (spaces not counted) match too much and are neither indexed nor looked up."""


def normalize(name: str) -> str:
    """Casefold, strip accents, drop apostrophes, turn every other non-letter into one space.

    >>> normalize("  Ḩamāh —  Dar'ā ")
    'hamah dara'
    """
    text = unicodedata.normalize("NFKD", name.casefold())
    text = "".join(char for char in text if not unicodedata.combining(char))
    text = unicodedata.normalize("NFKC", text.translate(_LETTER_MAP)).casefold()
    text = unicodedata.normalize("NFKD", text)
    text = "".join(char for char in text if not unicodedata.combining(char))
    text = _APOSTROPHES.sub("", text)
    return _SEPARATORS.sub(" ", text).strip()


def _strip_articles(words: list[str]) -> list[str]:
    kept = [word for word in words if word not in ARTICLES]
    return kept if kept else words


@lru_cache(maxsize=65_536)  # a pure function of the name; news repeats its names, article after article
def name_key(name: str) -> str:
    """The alias-table key: :func:`normalize`, then articles and word-final vowel + ``h`` simplified.

    >>> name_key("Deir ez-Zor") == name_key("Deir al-Zor") == "deir zor"
    True
    >>> name_key("Ar Raqqah") == name_key("Raqqa")
    True
    """
    words = normalize(name).split()
    if len(words) > 1:
        words = _strip_articles(words)
    return _FINAL_H.sub("", " ".join(words))


def skeleton_key(name: str) -> str | None:
    """Consonant skeleton of :func:`name_key` (vowels, w, y dropped, q → k, doubles collapsed), or ``None``
    when it is too short to be distinctive.

    >>> skeleton_key("Deir al-Zour") == skeleton_key("Dayr az Zawr") == "dr zr"
    True
    >>> skeleton_key("Iraq") is None
    True
    """
    key = name_key(name)
    words = []
    for word in key.split():
        if word.isdigit():
            words.append(word)
            continue
        skeleton = _DOUBLES.sub(r"\1", _VOWELS.sub("", word.replace("q", "k")))
        if skeleton:
            words.append(skeleton)
    result = " ".join(words)
    if len(result.replace(" ", "")) < SKELETON_MIN:
        return None
    return result
