"""The data model shared by every file format: units read from a file, and fills written.

A format reads a file into a :class:`Document` (its :class:`Unit` s plus the original bytes)
and writes a filled copy back from a mapping ``unit key -> Fill``; everything the units do
not cover (comments, other keys, markup, headers) is preserved by the format.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class Unit:
    """One translatable message of a file.

    ``key`` is unique within its file (a PO ``msgctxt\\x04msgid``, a JSON key path, an
    XLIFF unit/segment id). ``source_plural`` is set for plural messages. ``translations``
    are the translations the file already holds: one string, or one per plural form of
    the file's language; empty when there are none.
    """

    key: str
    source: str
    context: str | None = None
    source_plural: str | None = None
    translations: tuple[str, ...] = ()
    flags: frozenset[str] = frozenset()
    notes: tuple[str, ...] = ()
    location: str | None = None

    @property
    def is_plural(self) -> bool:
        return self.source_plural is not None

    @property
    def fuzzy(self) -> bool:
        return "fuzzy" in self.flags

    @property
    def sources(self) -> tuple[str, ...]:
        """The strings to translate: the source, and its plural when there is one."""
        return (self.source,) if self.source_plural is None else (self.source,
                                                                    self.source_plural)


@dataclass(frozen=True, slots=True)
class Existing:
    """A translation a file already holds for a unit: one string or one per plural form."""

    forms: tuple[str, ...]
    fuzzy: bool = False
    state: str | None = None  # a format's own status, e.g. XLIFF state="final"


@dataclass(frozen=True, slots=True)
class Fill:
    """What to write for one unit.

    Either ``forms`` (the exact strings, one per plural form of the target: a kept
    existing translation), or ``text`` (and ``plural`` for plural messages), which the
    format spreads over the target language's plural forms: the form used for n = 1 gets
    ``text``, every other form ``plural``.
    """

    text: str = ""
    plural: str | None = None
    forms: tuple[str, ...] | None = None
    fuzzy: bool = False
    state: str | None = None  # keep this format status (a kept translation's)
    #: why the unit is flagged for review (a PO translator comment names them)
    review: tuple[str, ...] = ()

    def forms_for(self, categories: Sequence[str]) -> list[str]:
        """One text per plural category: ``forms`` when there is one per category, else
        ``text`` for "one" and ``plural`` (or the last form) for every other category."""
        if self.forms is not None and len(self.forms) == len(categories):
            return list(self.forms)
        one = self.forms[0] if self.forms else self.text
        other = self.forms[-1] if self.forms else (self.plural or self.text)
        return [one if c == "one" else other for c in categories]


@dataclass(frozen=True, slots=True)
class WriteOptions:
    """How formats write: ``plural_rules`` for new catalogs and JSON plural keys
    (``gettext``: what msginit writes; ``cldr``), ``width`` the PO line width for entries
    the job changed (``0``: no wrapping, like ``msgcat --no-wrap``)."""

    plural_rules: str = "gettext"
    width: int = 76


DEFAULT_WRITE = WriteOptions()


@dataclass(frozen=True, slots=True)
class Document:
    """A parsed file: its units in file order, the language it declares a translation
    into (``None`` for monolingual files and templates), and its original bytes."""

    path: str
    format: str
    units: tuple[Unit, ...]
    data: bytes = field(repr=False)
    target_lang: str | None = None
    source_lang: str | None = None

    def unit(self, key: str) -> Unit | None:
        for u in self.units:
            if u.key == key:
                return u
        return None
