"""How large an input may be, checked while reading: one :class:`Limits` for every format.

    >>> Limits().zip_member_mb
    100
    >>> Limits.parse(["zip_members=20000", "cues=500"]).cues
    500

A file from outside can be built to cost far more than its size suggests: a zip of a few
megabytes inflates to gigabytes, a small XML part holds millions of elements, a paragraph
of one <b> nested a thousand deep exhausts the stack, a PO header asks for a hundred
million plural forms. Every number here is counted as the file is read (a member's bytes
as they inflate, elements as they are parsed, cues as they are split) and reading stops
at the first one past its limit: the file is refused with one line naming the limit and
the option that raises it, ``FILE: problem (limit N; raise it with --limit name=N)``, and
the other files of a batch are still done.

The limits are part of the one configuration, :class:`~translate.config.TranslatorConfig`
(``limits=``): ``translate article``, ``translate localise`` (``--limit NAME=N``,
repeatable), ``translate serve`` and the Python API (``Translator(limits=Limits(cues=
500))``, ``translate_files(..., limits=...)``) read with the same ones. A reader deep in
a format finds the limits in force with :func:`current` (set by :func:`reading` around
each file), so no format's signature has to carry them.
"""

from __future__ import annotations

import contextlib
import dataclasses
from collections.abc import Iterable, Iterator, Mapping
from contextvars import ContextVar
from dataclasses import dataclass

from .errors import InputFileError, UserError, param

#: the deepest nesting of inline elements a limit may allow: placing markup recurses once
#: per level, and Python's stack holds about a thousand frames
MAX_NESTING_DEPTH = 500


@dataclass(frozen=True, slots=True)
class Limits:
    """Limits on one input file (defaults in brackets are far above real files).

    Args:
        input_mb: size of one article or catalog file (MB) [10]; ``--max-size`` sets it
            for ``translate article``.
        zip_member_mb: inflated size of one member of a DOCX/ODT package (MB).
        zip_total_mb: inflated size of all its members together (MB).
        zip_members: members in the package.
        xml_elements: elements in one XML part (each paragraph, run and text is one).
        xml_depth: nesting depth of elements in one XML part.
        space_run: spaces one ODF ``<text:s text:c="N"/>`` may stand for.
        text_chars: characters (markup included) of one block of text to translate: an
            HTML or Markdown paragraph, a DOCX/ODT paragraph, a subtitle cue.
        nesting_depth: inline elements nested in one another (HTML, Markdown, subtitle
            styling), objects and arrays in a JSON catalog; at most 500.
        cues: cues in one subtitle file.
        cue_lines: text lines of one cue.
        cue_tags: styling tags (a pair ``<i>...</i>`` is one) in one speaker's lines of a
            cue (placing them costs time growing faster than their number).
        catalog_units: units (messages) in one catalog.
        string_chars: characters of one catalog string (a source or a translation).
        nplurals: plural forms a catalog may declare (CLDR's largest language has 6).
        number_digits: digits (and signs, exponent) of one number in a JSON catalog.
    """

    input_mb: int = 10
    zip_member_mb: int = 100
    zip_total_mb: int = 250
    zip_members: int = 10_000
    xml_elements: int = 2_000_000
    xml_depth: int = 200
    space_run: int = 10_000
    text_chars: int = 100_000
    nesting_depth: int = 100
    cues: int = 100_000
    cue_lines: int = 100
    cue_tags: int = 200
    catalog_units: int = 100_000
    string_chars: int = 100_000
    nplurals: int = 6
    number_digits: int = 100

    def __post_init__(self) -> None:
        for f in dataclasses.fields(self):
            value = getattr(self, f.name)
            if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
                raise UserError(f"{param('limits', f'{f.name}={value}')}: the limit must be "
                                "a whole number above 0")
        if self.nesting_depth > MAX_NESTING_DEPTH:
            raise UserError(f"{param('limits', f'nesting_depth={self.nesting_depth}')}: "
                            f"at most {MAX_NESTING_DEPTH} (deeper markup would exhaust "
                            "Python's stack)")

    @classmethod
    def parse(cls, settings: Iterable[str] | None) -> Limits:
        """Limits from ``NAME=N`` strings (the ``--limit`` option); the others default."""
        names = [f.name for f in dataclasses.fields(cls)]
        values: dict[str, int] = {}
        for setting in settings or ():
            name, sep, value = setting.partition("=")
            name = name.strip()
            if not sep or name not in names:
                raise UserError(f"{param('limits', setting)}: give NAME=N with NAME one of "
                                f"{', '.join(names)}")
            try:
                number = int(value)
            except ValueError:
                number = 0
            if number <= 0:
                raise UserError(f"{param('limits', setting)}: the limit must be a whole "
                                "number above 0")
            values[name] = number
        return cls(**values)

    @classmethod
    def of(cls, value: Limits | Mapping[str, int] | Iterable[str] | None) -> Limits:
        """Limits from themselves, a mapping ``{"cues": 500}``, ``NAME=N`` strings, or
        ``None`` (the defaults)."""
        if value is None:
            return DEFAULT_LIMITS
        if isinstance(value, Limits):
            return value
        if isinstance(value, Mapping):
            names = {f.name for f in dataclasses.fields(cls)}
            unknown = sorted(set(value) - names)
            if unknown:
                raise UserError(f"{param('limits', unknown[0])}: no such limit; use one of "
                                f"{', '.join(sorted(names))}")
            return cls(**dict(value))
        if isinstance(value, str):
            value = [value]
        return cls.parse(value)

    def over(self, name: str, what: str, unit: str = "") -> str:
        """``what (limit N; raise it with ...)``: the one-line problem for limit ``name``."""
        return (f"{what} (limit {getattr(self, name)}{unit}; raise it with "
                f"{param('limits', f'{name}=N')})")

    def check(self, name: str, value: int, what: str, path: str | None = None,
              line: int | None = None, unit: str = "") -> None:
        """Raise the one-line error for ``path`` (and ``line``) when ``value`` is past
        limit ``name``; ``what`` says what is too large, ``{limit}`` standing for the
        limit (``"has more than {limit} cues"``). Without ``path`` the error starts with
        its line (the caller names the file)."""
        limit = getattr(self, name)
        if value <= limit:
            return
        problem = self.over(name, what.replace("{limit}", str(limit)), unit)
        if path is not None:
            raise InputFileError(path, problem, line)
        raise UserError(problem if line is None else f"line {line}: {problem}")


DEFAULT_LIMITS = Limits()


def limits_of(translator: object) -> Limits | None:
    """The limits of a translator's configuration (``translator.config.limits``), or
    ``None`` when it has none (a plain function)."""
    return getattr(getattr(translator, "config", None), "limits", None)

_CURRENT: ContextVar[Limits] = ContextVar("translate_limits", default=DEFAULT_LIMITS)


def current() -> Limits:
    """The limits the file being read is held to (:data:`DEFAULT_LIMITS` outside
    :func:`reading`)."""
    return _CURRENT.get()


@contextlib.contextmanager
def reading(limits: Limits | None) -> Iterator[Limits]:
    """Read a file with ``limits`` (``None``: those already in force) in force for
    :func:`current`, in this thread or task only."""
    chosen = limits if limits is not None else current()
    token = _CURRENT.set(chosen)
    try:
        yield chosen
    finally:
        _CURRENT.reset(token)
