"""The glossary data model: concepts with one term per language, merged in order.

A :class:`Concept` is one row of a glossary file (or one TBX ``termEntry``). It holds a
:class:`Term` per language column; a term's ``forms`` are its spellings, the first one
canonical. An empty ``forms`` tuple is an empty cell: "keep the source form" when that
language is the target. A language the concept has no term for is simply unknown to it.

:meth:`Glossary.for_pair` flattens the concepts into one :class:`TermEntry` per source
spelling; a later concept wins over an earlier one for the same spelling, which is how
"later files win" falls out of merging.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import TypeVar

from ..languages import normalise_lang

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Term:
    """The spellings of one concept in one language; ``forms[0]`` is canonical."""

    lang: str
    forms: tuple[str, ...] = ()

    @property
    def canonical(self) -> str | None:
        """The form to write in a translation; None for an empty cell."""
        return self.forms[0] if self.forms else None


@dataclass(frozen=True, slots=True)
class Concept:
    """One glossary row: a term per language, an optional note and where it came from."""

    terms: tuple[Term, ...]
    note: str = ""
    origin: str = ""  # "FILE:LINE", for messages

    def term(self, lang: str) -> Term | None:
        for t in self.terms:
            if t.lang == lang:
                return t
        return None

    @property
    def languages(self) -> tuple[str, ...]:
        return tuple(t.lang for t in self.terms)


@dataclass(frozen=True, slots=True)
class TermEntry:
    """One source spelling of a concept for a language pair.

    ``target`` is the canonical target form, or None when the target cell is empty
    (do not translate: the source form is kept).
    """

    form: str
    source: str
    target: str | None
    note: str = ""
    origin: str = ""


@dataclass(frozen=True)
class Glossary:
    """An ordered, immutable collection of concepts. ``a + b``: ``b`` wins on conflicts."""

    concepts: tuple[Concept, ...] = ()
    # Derived tables (for_pair results, compiled matchers), computed once per instance.
    _cache: dict = field(default_factory=dict, init=False, repr=False, compare=False,
                         hash=False)

    def __len__(self) -> int:
        return len(self.concepts)

    def __iter__(self) -> Iterator[Concept]:
        return iter(self.concepts)

    def __add__(self, other: Glossary) -> Glossary:
        return Glossary(self.concepts + other.concepts)

    @classmethod
    def merge(cls, glossaries: Iterable[Glossary]) -> Glossary:
        concepts: list[Concept] = []
        for g in glossaries:
            concepts.extend(g.concepts)
        return cls(tuple(concepts))

    @property
    def languages(self) -> tuple[str, ...]:
        seen: list[str] = []
        for c in self.concepts:
            for lang in c.languages:
                if lang not in seen:
                    seen.append(lang)
        return tuple(seen)

    def for_pair(self, src: str, tgt: str) -> tuple[TermEntry, ...]:
        """The entries for translating ``src`` -> ``tgt``, one per source spelling."""
        src, tgt = normalise_lang(src), normalise_lang(tgt)

        def build() -> tuple[TermEntry, ...]:
            entries: dict[str, TermEntry] = {}
            for concept in self.concepts:
                s, t = concept.term(src), concept.term(tgt)
                if s is None or not s.forms or t is None:
                    continue
                for form in s.forms:
                    entries[form] = TermEntry(form, s.forms[0], t.canonical,
                                              concept.note, concept.origin)
            return tuple(entries.values())

        return self.cached(("pair", src, tgt), build)

    def cached(self, key: Hashable, build: Callable[[], T]) -> T:
        """Per-instance memo for tables derived from this glossary (pairs, matchers)."""
        value = self._cache.get(key)
        if value is None:
            value = self._cache[key] = build()
        return value


@dataclass(frozen=True, slots=True)
class GlossaryProblem:
    """Something wrong in a glossary file, at a line (1-based) when one is known."""

    line: int | None
    message: str


@dataclass(frozen=True, slots=True)
class Parsed:
    """What a format reader makes of one file: its concepts (with their lines) and problems."""

    concepts: tuple[tuple[int, Concept], ...]
    languages: tuple[str, ...]
    problems: tuple[GlossaryProblem, ...]
