"""Azerbaijani: case, possessive, plural and -dakı suffix chains after a term.

A term in running text is followed by a chain of suffixes from ``data/az_suffixes.tsv``
(Xocalı-da, Azərbaycan-ın, Müqəddəs Taxt-Tac-dakı, AMEA-nın), chosen by vowel harmony
with the last vowel of the term and with buffer consonants after a vowel. Rather than
parse, every valid chain is generated once per *reading* of a stem (last vowel, whether
the stem ends in a vowel, whether it ends in a compound's possessive), and a suffix is
valid when it is one of them.

Readings of a stem:
- its last vowel and final letter (Bakı: ı, vowel-final -> Bakıya, Bakının);
- an acronym may also be read letter by letter (BMT = be-em-te -> BMT-nin);
- a multi-word term whose last word ends in ı/i/u/ü may be a compound whose head carries
  the possessive (Avropa İttifaqı -> İttifaqına, not İttifaqıya); both readings are valid.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass

from ..text import APOSTROPHES, HYPHENS, fold_chars, is_word_char, scan_word
from . import After, Morphology, read_table

BACK = frozenset("aıou")
FRONT = frozenset("eəiöü")
VOWELS = BACK | FRONT
_FOUR_WAY = {"a": "ı", "ı": "ı", "o": "u", "u": "u", "e": "i", "ə": "i", "i": "i",
             "ö": "ü", "ü": "ü"}
_FOLD = {"I": "ı", "İ": "i"}
_SEPARATORS = APOSTROPHES + HYPHENS
_MAX_CHAIN = 4


def fold(text: str) -> str:
    """Azerbaijani lower case, one character for one: I -> ı, İ -> i."""
    return fold_chars(text, _FOLD)


@dataclass(frozen=True, slots=True)
class Suffix:
    """One row of ``az_suffixes.tsv``."""

    name: str
    group: str
    pattern: str
    after_3p: str
    follows: frozenset[str]


@dataclass(frozen=True, slots=True, order=True)
class Reading:
    """How a stem takes suffixes: its last vowel, whether it ends in a vowel, and whether
    it ends in a (compound's) third-person possessive."""

    vowel: str
    ends_in_vowel: bool
    possessive: bool = False


@functools.cache
def suffixes() -> tuple[Suffix, ...]:
    return tuple(Suffix(r[0], r[1], r[2], r[3] or r[2], frozenset(r[4].split(",")))
                 for r in read_table("az_suffixes.tsv"))


@functools.cache
def _letter_names() -> dict[str, str]:
    return {row[0]: row[1] for row in read_table("az_letter_names.tsv")}


CASES = ("nominative",) + tuple(s.name for s in suffixes() if s.group in ("case", "attributive"))


def _realise(pattern: str, vowel: str, ends_in_vowel: bool) -> tuple[str, str]:
    """Spell ``pattern`` after a stem; returns (suffix, last vowel)."""
    out: list[str] = []
    i = 0
    while i < len(pattern):
        after_vowel = out[-1] in VOWELS if out else ends_in_vowel
        if pattern[i] == "(":
            close = pattern.index(")", i)
            inner, i = pattern[i + 1:close], close + 1
            if inner == "I":
                if not after_vowel:
                    vowel = _FOUR_WAY[vowel]
                    out.append(vowel)
            elif after_vowel:
                out.append(inner)
            continue
        ch = pattern[i]
        i += 1
        if ch == "A":
            ch = "a" if vowel in BACK else "ə"
        elif ch == "I":
            ch = _FOUR_WAY[vowel]
        out.append(ch)
        if ch in VOWELS:
            vowel = ch
    return "".join(out), vowel


@functools.cache
def chains(reading: Reading) -> dict[str, tuple[str, ...]]:
    """Every valid suffix spelling after a stem with ``reading`` -> the suffix names.

    Breadth first, so the shortest chain (then table order) names an ambiguous spelling.
    """
    table: dict[str, tuple[str, ...]] = {"": ()}
    start_group = "possessive3" if reading.possessive else "stem"
    frontier = [("", reading.vowel, start_group, ())]
    for _ in range(_MAX_CHAIN):
        nxt = []
        for text, vowel, group, names in frontier:
            ends = text[-1] in VOWELS if text else reading.ends_in_vowel
            for s in suffixes():
                if group not in s.follows or s.name in names:
                    continue
                pattern = s.after_3p if group == "possessive3" else s.pattern
                piece, last = _realise(pattern, vowel, ends)
                item = (text + piece, last, s.group, names + (s.name,))
                table.setdefault(item[0], item[3])
                nxt.append(item)
        frontier = nxt
    return table


def _is_acronym(word: str) -> bool:
    letters = [ch for ch in word if ch.isalpha()]
    return len(letters) >= 2 and all(ch.isupper() for ch in letters)


_ALL_READINGS = tuple(Reading(v, e) for v in sorted(VOWELS) for e in (False, True))
_ANY_READINGS = _ALL_READINGS + tuple(Reading(v, True, True) for v in sorted(VOWELS))


@functools.lru_cache(maxsize=4096)
def readings(stem: str) -> tuple[Reading, ...]:
    """The ways ``stem`` (a term as written) may take suffixes; first is the usual one."""
    words = stem.split()
    last = words[-1] if words else stem
    low = fold(last)
    if not low or not low[-1].isalpha():
        return _ALL_READINGS  # ends in a digit or a sign: say nothing about harmony
    out: list[Reading] = []
    vowels = [ch for ch in low if ch in VOWELS]
    if vowels:
        if len(words) > 1 and low[-1] in "ıiuü" and not _is_acronym(last):
            out.append(Reading(vowels[-1], True, possessive=True))
        out.append(Reading(vowels[-1], low[-1] in VOWELS))
    if _is_acronym(last) or not vowels:
        name = _letter_names().get(low[-1])
        if name:
            named = [ch for ch in name if ch in VOWELS]
            out.append(Reading(named[-1], name[-1] in VOWELS))
    return tuple(dict.fromkeys(out)) or _ALL_READINGS


def analyse_suffix(stem: str, suffix: str) -> tuple[str, ...] | None:
    """The suffix names of ``suffix`` after ``stem`` (``()`` for none), or None if invalid.

    A leading apostrophe or hyphen (AMEA-nın) is allowed.
    """
    body = fold(suffix[1:] if suffix[:1] and suffix[0] in _SEPARATORS else suffix)
    for reading in readings(stem):
        names = chains(reading).get(body)
        if names is not None:
            return names
    return None


def inflect_az(form: str, case: str | Sequence[str]) -> str:
    """``form`` with the suffixes for ``case``, by vowel harmony.

    ``case`` is a suffix name (``"locative"``, ``"locative_attr"``, ``"genitive"``, ...,
    ``"nominative"`` for none), a sequence of names (``TermHit.cases``), or a suffix as
    seen after another stem (``"dakı"``, ``"-nın"``), which is re-spelt for ``form``.
    Acronyms take a hyphen: ``inflect_az("NATO", "genitive") == "NATO-nun"``.
    """
    if isinstance(case, str):
        names = _names_for(case)
    else:
        names = tuple(n for n in case if n != "nominative")
    if not names:
        return form
    by_name = {s.name: s for s in suffixes()}
    reading = readings(form)[0]
    vowel, ends = reading.vowel, reading.ends_in_vowel
    group = "possessive3" if reading.possessive else "stem"
    out = ""
    for name in names:
        s = by_name.get(name)
        if s is None:
            raise ValueError(f"unknown Azerbaijani suffix {name!r}; known: "
                             + ", ".join(("nominative", *by_name)))
        if group not in s.follows:
            raise ValueError(f"{name} cannot follow {group} in {form!r}")
        piece, vowel = _realise(s.after_3p if group == "possessive3" else s.pattern,
                                vowel, out[-1] in VOWELS if out else ends)
        out += piece
        group = s.group
    words = form.split()
    return form + ("-" if words and _is_acronym(words[-1]) else "") + out


def _names_for(case: str) -> tuple[str, ...]:
    if case in ("", "nominative"):
        return ()
    if any(s.name == case for s in suffixes()):
        return (case,)
    if "+" in case:
        return tuple(part for part in case.split("+") if part != "nominative")
    body = fold(case[1:] if case[0] in _SEPARATORS else case)
    for reading in _ANY_READINGS:
        names = chains(reading).get(body)
        if names:
            return names
    raise ValueError(f"{case!r} is neither an Azerbaijani case name nor a suffix chain; "
                     f"case names: {', '.join(CASES)}")


class Azerbaijani(Morphology):
    lang = "az"
    inflects = True
    _fold_special = _FOLD
    _upper_special = {"i": "İ", "ı": "I"}

    def after(self, text: str, folded: str, start: int, end: int) -> After | None:
        stem = text[start:end]
        stop = scan_word(text, end)
        if stop > end:  # letters glued on: must be a valid suffix chain
            names = analyse_suffix(stem, folded[end:stop])
            return None if names is None else After(text[end:stop], names)
        if end + 1 < len(text) and text[end] in _SEPARATORS and is_word_char(text[end + 1]):
            stop = scan_word(text, end + 1)
            names = analyse_suffix(stem, folded[end + 1:stop])
            if names:  # AMEA-nın, NATO'nun; otherwise the separator ends the word
                return After(text[end:stop], names)
        return After()
