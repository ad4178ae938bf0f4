"""Character-level helpers shared by matching and verification.

Matching runs on NFC text, but offsets must refer to the caller's original text, so
:func:`nfc_with_offsets` keeps a map back. Case folding is done one character for one
character (:func:`fold_chars`), so folded text has the same offsets as the text it came
from, which lets one regex run on either.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass

APOSTROPHES = "'\u2019\u02bc"  # ' ’ ʼ : writers and editors use all three
HYPHENS = "-\u2010\u2011"  # - ‐ ‑
_APOSTROPHE_CLASS = "[" + re.escape(APOSTROPHES) + "]"
_HYPHEN_CLASS = "[" + re.escape(HYPHENS) + "]"
_JOINERS = re.compile(r"[\s" + re.escape(APOSTROPHES + HYPHENS) + "]")


def is_word_char(ch: str) -> bool:
    """Letters, digits and combining marks make up words; everything else separates."""
    return ch.isalnum() or unicodedata.category(ch).startswith("M")


def has_capitals(form: str) -> bool:
    """Case policy: a form written with a capital matches only with its capitalisation."""
    return any(ch.isupper() for ch in form)


def fold_chars(text: str, special: Mapping[str, str]) -> str:
    """Lower-case ``text`` one character for one character (offsets are kept).

    ``special`` overrides single characters (Azerbaijani ``I`` -> ``ı``, ``İ`` -> ``i``);
    a character whose lower case is longer than one character is left as it is.
    """
    out = []
    for ch in text:
        low = special.get(ch)
        if low is None:
            low = ch.lower()
            if len(low) != 1:
                low = ch
        out.append(low)
    return "".join(out)


def form_pattern(form: str) -> str:
    """A regex for ``form`` that lets whitespace, apostrophes and hyphens vary in kind."""
    parts: list[str] = []
    for run in re.findall(r"\s+|\S", form):
        if run.isspace():
            parts.append(r"\s+")
        elif run in APOSTROPHES:
            parts.append(_APOSTROPHE_CLASS)
        elif run in HYPHENS:
            parts.append(_HYPHEN_CLASS)
        else:
            parts.append(re.escape(run))
    return "".join(parts)


def first_piece(form: str) -> str:
    """The start of ``form`` up to its first space, apostrophe or hyphen: text that any
    occurrence contains verbatim (a cheap filter before the regex)."""
    return _JOINERS.split(form, maxsplit=1)[0]


def collapse_spaces(text: str) -> str:
    """NFC, with inner whitespace runs made one space and the ends stripped."""
    return " ".join(unicodedata.normalize("NFC", text).split())


@dataclass(frozen=True, slots=True)
class Normalised:
    """NFC text plus, for each of its characters, the original span it came from."""

    text: str
    length: int  # of the original text
    starts: tuple[int, ...] | None = None  # None: the original was NFC (identity map)
    ends: tuple[int, ...] | None = None

    def start_of(self, i: int) -> int:
        """The original offset of a span starting at ``i`` in :attr:`text`."""
        if self.starts is None:
            return i
        return self.starts[i] if i < len(self.starts) else self.length

    def end_of(self, i: int) -> int:
        """The original offset of a span ending at ``i`` in :attr:`text`."""
        if self.ends is None:
            return i
        return self.ends[i - 1] if i > 0 else 0


def nfc_with_offsets(text: str) -> Normalised:
    """NFC-normalise ``text`` keeping a map from the result back to ``text``."""
    if unicodedata.is_normalized("NFC", text):
        return Normalised(text, len(text))
    out: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    i, n = 0, len(text)
    while i < n:
        j = i + 1
        while j < n and unicodedata.combining(text[j]):
            j += 1
        chunk = unicodedata.normalize("NFC", text[i:j])
        out.append(chunk)
        starts.extend([i] * len(chunk))
        ends.extend([j] * len(chunk))
        i = j
    return Normalised("".join(out), n, tuple(starts), tuple(ends))


def scan_word(text: str, pos: int) -> int:
    """The end of the run of word characters starting at ``pos``."""
    n = len(text)
    while pos < n and is_word_char(text[pos]):
        pos += 1
    return pos


def word_before_apostrophe(text: str, start: int) -> tuple[int, int] | None:
    """If ``text[start-1]`` is an apostrophe glued to a word, that word's span."""
    if start < 2 or text[start - 1] not in APOSTROPHES or not is_word_char(text[start - 2]):
        return None
    i = start - 2
    while i > 0 and is_word_char(text[i - 1]):
        i -= 1
    return i, start - 1

