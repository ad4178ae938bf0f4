"""Per-language rules for where a term starts and ends inside running text.

Each language has one :class:`Morphology`: how to fold case, what may stand glued before
a term (Italian elided articles), and what may follow it inside the same word (English
possessive, Azerbaijani case suffixes). Matching in source text and verification in
translations both go through :meth:`Morphology.find`, so the two never disagree.
Suffix and article tables live in ``translate/glossary/data/``.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from importlib import resources

from ..text import (
    first_piece,
    fold_chars,
    form_pattern,
    has_capitals,
    is_word_char,
    word_before_apostrophe,
)


@dataclass(frozen=True, slots=True)
class Before:
    """What is glued before a term: an elided article (``dell'``) and what it means."""

    article: str = ""
    cases: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class After:
    """What follows a term inside its word (``'s``, ``-nın``, ``dakı``) and what it means."""

    suffix: str = ""
    cases: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Occurrence:
    """One place a form stands in a text: ``[start, end)`` is the form itself.

    ``after`` is None when the word goes on with letters that are no valid ending.
    """

    start: int
    end: int
    before: Before
    after: After | None


def read_table(name: str) -> list[list[str]]:
    """Rows of a TSV data file shipped in ``translate/glossary/data`` (no comments, no header)."""
    text = resources.files("translate.glossary").joinpath("data").joinpath(name).read_text(
        "utf-8")
    rows = [line.split("\t") for line in text.splitlines()
            if line.strip() and not line.startswith("#")]
    return rows[1:]


@functools.cache
def _derived(lang: str) -> dict[str, tuple[str, ...]]:
    name = f"{lang}_derived.tsv"
    if not resources.files("translate.glossary").joinpath("data").joinpath(name).is_file():
        return {}
    return {row[0]: tuple(f for f in row[1].split("|") if f) for row in read_table(name)}


@functools.lru_cache(maxsize=4096)
def _compile(pattern: str) -> re.Pattern[str]:
    return re.compile(f"(?=({pattern}))")


class Morphology:
    """Language-neutral behaviour: plain word boundaries, nothing glued on either side."""

    lang = ""
    #: True where a term followed by a bad ending is reported "malformed" in output.
    inflects = False
    _fold_special: Mapping[str, str] = {"İ": "i"}
    _upper_special: Mapping[str, str] = {}

    def variants(self, form: str) -> tuple[str, ...]:
        """The forms that count as ``form`` in a translation: itself, itself in headline
        case ("Khojaly Genocide"), and the adjectives listed for it in
        ``data/<lang>_derived.tsv`` ("from Italy" -> "italiana")."""
        title = " ".join(self._upper_first(w) for w in form.split(" "))
        return tuple(dict.fromkeys((form, title, *_derived(self.lang).get(form, ()))))

    def _upper_first(self, word: str) -> str:
        """``word`` with its first letter capitalised (headline case)."""
        first = self._upper_special.get(word[:1], word[:1].upper())
        return first + word[1:]

    def fold(self, text: str) -> str:
        """Lower-case ``text`` with this language's rules, keeping its length."""
        return fold_chars(text, self._fold_special)

    def before(self, text: str, start: int) -> Before | None:
        """Is ``start`` the start of a word? None if not."""
        if start > 0 and is_word_char(text[start - 1]):
            return None
        if word_before_apostrophe(text, start) is not None:
            return None  # O'Brien: a word glued with an apostrophe
        return Before()

    def after(self, text: str, folded: str, start: int, end: int) -> After | None:
        """What ends the word at ``end``; None when letters go on (no valid ending)."""
        if end < len(text) and is_word_char(text[end]):
            return None
        return After()

    @functools.lru_cache(maxsize=65536)  # noqa: B019 - one instance per language, kept
    def _search_key(self, form: str) -> tuple[bool, str, str]:
        """Per form, once (``find`` runs for every glossary form in every segment): case
        sensitivity, the form to look for, and its prefilter piece."""
        sensitive = has_capitals(form)
        key = form if sensitive else self.fold(form)
        return sensitive, key, first_piece(key) if key else ""

    def find(self, text: str, folded: str, form: str) -> Iterator[Occurrence]:
        """Every place ``form`` stands in ``text`` (NFC) at a word start.

        ``folded`` is ``self.fold(text)``. A form with capitals is looked for as written,
        a lower-case form in the folded text.
        """
        sensitive, key, piece = self._search_key(form)
        hay = text if sensitive else folded
        if not key or piece not in hay:
            return
        for m in _compile(form_pattern(key)).finditer(hay):
            start, end = m.span(1)
            before = self.before(text, start) if is_word_char(form[0]) else Before()
            if before is None:
                continue
            after = self.after(text, folded, start, end) if is_word_char(form[-1]) else After()
            yield Occurrence(start, end, before, after)


@functools.cache
def morphology_for(lang: str) -> Morphology:
    """The rules for ``lang``: the class its ``morphology`` in
    ``translate/languages.toml`` names."""
    from ...languages import LANGUAGES, load_named, rules_lang

    lang = rules_lang(lang)
    if lang not in LANGUAGES or not LANGUAGES[lang].morphology:
        raise ValueError(f"no morphology for language {lang!r}")
    return load_named(LANGUAGES[lang].morphology)()
