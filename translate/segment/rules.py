"""Per-language knowledge for the segmenter: abbreviations and sentence starters.

Each language is a small subclass of :class:`LanguageRules` in its own module
(``en.py``, ``az.py``, ``it.py``); the words themselves live in data files under
``data/``: ``<code>_abbreviations.txt``, ``<code>_starters.txt`` and
``<code>_reporting.txt``, plus ``common_abbreviations.txt`` shared by every language (a
language's own file wins).
"""

from __future__ import annotations

import enum
import unicodedata
from importlib import resources
from typing import ClassVar


class Kind(enum.Enum):
    """How an abbreviation behaves before a following word."""

    TITLE = "title"          # never ends a sentence: "Mr. Smith", "Dott. Rossi", "prof. Əliyev"
    OFFICE = "office"        # a title of office: also joins an initialism before it ("U.S. Sen.")
    NUMERIC = "numeric"      # a real word too; only a number after it continues: "No. 5"
    AMBIGUOUS = "ambiguous"  # may end a sentence; breaks only before a sentence starter
    FINAL = "final"          # usually ends a sentence; breaks before any capitalised word
    PLACE = "place"          # a state or district: FINAL after "City, " ("Springfield, Ill."),
    #                          else AMBIGUOUS ("the D.C. Circuit")
    ERA = "era"              # after a year ("79 d.C."): FINAL, unless the date opens the
    #                          sentence ("Nel 79 d.C. Pompei ..."); before a number: goes on


TITLES = frozenset({Kind.TITLE, Kind.OFFICE})
"""The kinds that never end a sentence."""


def _data(name: str) -> str:
    return resources.files(__package__).joinpath("data", name).read_text(encoding="utf-8")


class LanguageRules:
    """Abbreviations and sentence starters of one language, read from its data files.

    Abbreviation file format: one entry per line under a ``[kind]`` header (see
    :class:`Kind`), written without its final period (``a.m``, ``və s``). A lower-case
    entry matches any capitalisation; an entry with a capital matches only as written.
    ``#`` starts a comment.
    """

    code: ClassVar[str]

    def __init__(self) -> None:
        self._exact: dict[str, Kind] = {}
        self._folded: dict[str, Kind] = {}
        self._multi: dict[str, Kind] = {}
        self._multi_last: set[str] = set()
        for name in ("common_abbreviations.txt", f"{self.code}_abbreviations.txt"):
            self._load_abbreviations(_data(name), name)
        self.starters = frozenset(
            self.lower(line) for line in _lines(_data(f"{self.code}_starters.txt")))
        self.reporting = frozenset(
            self.lower(line) for line in _lines(_data(f"{self.code}_reporting.txt")))

    def lower(self, word: str) -> str:
        """Lower-case ``word`` by the language's rules."""
        return word.lower()

    def _load_abbreviations(self, text: str, name: str) -> None:
        kind: Kind | None = None
        for line in _lines(text):
            if line.startswith("[") and line.endswith("]"):
                try:
                    kind = Kind(line[1:-1])
                except ValueError:
                    raise ValueError(f"{name}: unknown section {line}") from None
                continue
            if kind is None:
                raise ValueError(f"{name}: entry {line!r} before any [kind] header")
            entry = unicodedata.normalize("NFC", line)
            if " " in entry:
                key = self.lower(" ".join(entry.split()))
                self._multi[key] = kind
                self._multi_last.add(key.rsplit(" ", 1)[1])
            elif entry != self.lower(entry):
                self._exact[entry] = kind
            else:
                self._folded[entry] = kind

    def kind(self, word: str, lowered: str | None = None) -> Kind | None:
        """The kind of the abbreviation ``word`` (without its final period), if listed;
        ``lowered`` is ``self.lower(word)`` when the caller has it already."""
        k = self._exact.get(word)
        if k is None:
            k = self._folded.get(self.lower(word) if lowered is None else lowered)
        return k

    def ends_multiword(self, lowered: str) -> bool:
        """Whether the lower-cased word ends a multi-word entry such as ``və s``."""
        return lowered in self._multi_last

    def multiword_kind(self, previous: str, word: str) -> Kind | None:
        """The kind of the two-word abbreviation ``previous word`` (``və s``), if listed."""
        return self._multi.get(self.lower(f"{previous} {word}"))

    def is_starter(self, word: str) -> bool:
        """Whether ``word`` typically opens a sentence (a pronoun, article, conjunction)."""
        return self.lower(word) in self.starters

    def is_reporting(self, word: str) -> bool:
        """Whether ``word`` is a reporting verb ("said", "bildirib", "detto") that makes a
        short clause after a quotation its attribution: ``"Help!" Hammel added.``"""
        return self.lower(word) in self.reporting


def _lines(text: str) -> list[str]:
    out = []
    for raw in text.splitlines():
        line = raw.split("#", 1)[0].strip()
        if line:
            out.append(line)
    return out
