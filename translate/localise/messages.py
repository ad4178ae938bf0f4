"""Split a message into the pieces a model should translate, and join the translations.

A model translates one line of running text well; it does not know what to do with
leading blanks, newlines or ICU MessageFormat syntax. :func:`split_message` keeps all of
those out of the pieces:

* each line is a piece of its own; the newlines and the blanks at both ends of a line stay
  exactly as they are;
* an ICU complex argument (``{n, plural, one {# file} other {# files}}``) stays in the
  surrounding text as one placeholder, and the text of each of its branches becomes
  pieces of its own (recursively), translated with ``#`` protected;
* a piece with nothing to translate (only placeholders, digits, punctuation) is kept as it is.

:meth:`Split.join` puts translated pieces back in the same frame.

    >>> s = split_message("You have {n, plural, one {# file} other {# files}}.")
    >>> [p.text for p in s.pieces]
    ['You have {n, plural, one {# file} other {# files}}.', '# file', '# files']
    >>> s.join(["Hai {n, plural, one {# file} other {# files}}.", "# file", "# file"])
    'Hai {n, plural, one {# file} other {# file}}.'
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from .placeholders import (
    MAX_BRACE_DEPTH,
    active_families,
    brace_depth,
    has_words,
    icu_complex_spans,
)
from .placeholders import matching_brace as _close

_LINE_RE = re.compile(r"[ \t\u00a0]*\r?\n[ \t\u00a0]*")
_EDGE_RE = re.compile(r"^(\s*)(.*?)(\s*)$", re.DOTALL)
_HEAD_RE = re.compile(r"\{\s*([A-Za-z_][\w.]*)\s*,\s*(plural|select|selectordinal)\s*,")
_SELECTOR_RE = re.compile(r"\s*(?:offset\s*:\s*\d+\s*)?(=?[\w-]+)\s*\{")


@dataclass(frozen=True, slots=True)
class Piece:
    """Text for the model: one line, no blanks at its ends; ``#`` is protected in ICU
    plural branches (``icu_branch``)."""

    text: str
    icu_branch: bool = False
    formats: frozenset[str] = frozenset()  # what the unit declares (placeholders.toml)


@dataclass(frozen=True, slots=True)
class IcuArg:
    """An ICU complex argument: ``head`` (``{n, plural,``), branches, closing ``tail``."""

    source: str
    name: str
    kind: str  # plural | select | selectordinal
    head: str
    branches: tuple[tuple[str, Frame], ...]  # (text before the branch's "{", its message)
    bodies: tuple[str, ...]                  # each branch's message text
    tail: str

    @property
    def selectors(self) -> tuple[str, ...]:
        return tuple(_SELECTOR_RE.match(p).group(1) for p, _ in self.branches)


@dataclass(frozen=True, slots=True)
class Frame:
    """Message text: literal strings kept verbatim and pieces to translate; ``args`` are
    the ICU complex arguments that the pieces contain verbatim."""

    parts: tuple[str | Piece, ...]
    args: tuple[IcuArg, ...] = ()


@dataclass(frozen=True, slots=True)
class Split:
    """A message split into translatable pieces (depth first)."""

    source: str
    frame: Frame

    @property
    def pieces(self) -> tuple[Piece, ...]:
        return tuple(_pieces(self.frame))

    def join(self, translations: Sequence[str]) -> str:
        """The message with ``translations[i]`` in place of ``pieces[i]``."""
        it = iter(translations)
        out = _join(self.frame, it)
        if next(it, None) is not None:
            raise ValueError("more translations than pieces")
        return out


def split_message(text: str, *, formats: frozenset[str] = frozenset()) -> Split:
    """Split ``text`` (any string) into pieces; ``split.join(piece texts) == text``.

    ``formats`` are what the unit declares: with ``symfony`` a pipe plural
    (``{0} none|{1} one|]1,Inf[ many``) is split into its branches, the pipes and the
    interval prefixes staying as they are.
    """
    return Split(text, _frame(text, icu_branch=False, formats=formats))


# Symfony pluralisation: branches separated by "|" ("||" is a literal pipe), each with an
# optional explicit interval "{0}", "{1,2,3}", "]1,Inf[", "[-Inf,0]".
_PIPE_RE = re.compile(r"(?<!\|)\|(?!\|)")
_INTERVAL_RE = re.compile(r"^\s*(?:\{\s*-?\d+(?:\s*,\s*-?\d+)*\s*\}|[\[\]]\s*(?:-?\d+|[+-]?Inf)\s*,"
                          r"\s*(?:-?\d+|[+-]?Inf)\s*[\[\]])\s*")


def symfony_branches(text: str) -> list[tuple[str, str]] | None:
    """``[(interval prefix, branch text), ...]`` of a Symfony pipe plural; None if
    ``text`` is not one (no top-level pipe)."""
    spans = icu_complex_spans(text)
    cuts = [m.start() for m in _PIPE_RE.finditer(text)
            if not any(s <= m.start() < e for s, e in spans)]
    if not cuts:
        return None
    out = []
    pos = 0
    for cut in [*cuts, len(text)]:
        branch = text[pos:cut]
        m = _INTERVAL_RE.match(branch)
        prefix = m.group() if m else ""
        out.append((prefix, branch[len(prefix):]))
        pos = cut + 1
    return out


def _frame(text: str, *, icu_branch: bool, formats: frozenset[str] = frozenset()) -> Frame:
    if "symfony" in formats and not icu_branch:
        branches = symfony_branches(text)
        if branches is not None:
            flat: list[str | Piece] = []
            found: list[IcuArg] = []
            for i, (prefix, body) in enumerate(branches):
                sub = _frame(body, icu_branch=False, formats=formats - {"symfony"})
                flat.extend([("|" if i else "") + prefix, *sub.parts])
                found.extend(sub.args)
            return Frame(_merge(flat), tuple(found))
    icu = any(f.name == "icu" for f in active_families(formats))
    spans = icu_complex_spans(text) if icu else []
    args = []
    for start, end in spans:
        arg = parse_icu_argument(text[start:end])
        if arg is not None:
            args.append(arg)
    parts: list[str | Piece] = []
    pos = 0
    # split into lines, never inside a complex argument
    breaks = [m for m in _LINE_RE.finditer(text)
              if not any(s <= m.start() < e for s, e in spans)]
    for m in [*breaks, None]:
        line_end = m.start() if m else len(text)
        _line(text[pos:line_end], parts, icu_branch, formats)
        if m:
            parts.append(m.group())
            pos = m.end()
    return Frame(_merge(parts), tuple(args))


def _merge(parts: Sequence[str | Piece]) -> tuple[str | Piece, ...]:
    merged: list[str | Piece] = []
    for p in parts:
        if isinstance(p, str) and merged and isinstance(merged[-1], str):
            merged[-1] += p
        elif p != "":
            merged.append(p)
    return tuple(merged)


def _line(line: str, parts: list[str | Piece], icu_branch: bool,
          formats: frozenset[str] = frozenset()) -> None:
    m = _EDGE_RE.match(line)
    assert m is not None
    lead, core, trail = m.groups()
    parts.append(lead)
    if core and has_words(core, icu_branch=icu_branch, formats=formats):
        parts.append(Piece(core, icu_branch, formats))
    else:
        parts.append(core)
    parts.append(trail)


def parse_icu_argument(source: str) -> IcuArg | None:
    """Parse ``{name, plural|select|selectordinal, sel {msg} ...}``; None if malformed
    or nested deeper than :data:`~.placeholders.MAX_BRACE_DEPTH` (then it stays one
    placeholder: no recursion a message can drive)."""
    head = _HEAD_RE.match(source)
    if head and brace_depth(source) > MAX_BRACE_DEPTH:
        return None
    if not head or not source.endswith("}"):
        return None
    pos = head.end()
    body_end = len(source) - 1
    branches: list[tuple[str, Frame]] = []
    bodies: list[str] = []
    plural = head.group(2) != "select"
    while True:
        sel = _SELECTOR_RE.match(source, pos, body_end)
        if not sel:
            break
        close = _close(source, sel.end() - 1)
        if close is None or close > body_end:
            return None
        prefix = source[pos:sel.end()]
        body = source[sel.end():close - 1]
        branches.append((prefix, _frame(body, icu_branch=plural)))
        bodies.append(body)
        pos = close
    if not branches or source[pos:body_end].strip():
        return None
    return IcuArg(source, head.group(1), head.group(2), source[:head.end()], tuple(branches),
                  tuple(bodies), source[pos:])


def _pieces(frame: Frame) -> Iterator[Piece]:
    for p in frame.parts:
        if isinstance(p, Piece):
            yield p
    for arg in frame.args:
        for _, sub in arg.branches:
            yield from _pieces(sub)


def _join(frame: Frame, it: Iterator[str]) -> str:
    texts = []
    for p in frame.parts:
        if isinstance(p, Piece):
            t = next(it, None)
            if t is None:
                raise ValueError("fewer translations than pieces")
            texts.append(t)
        else:
            texts.append(p)
    out = "".join(texts)
    for arg in frame.args:
        rebuilt = arg.head + "".join(prefix + _join(sub, it) + "}"
                                     for prefix, sub in arg.branches) + arg.tail
        # The argument came back verbatim inside the translated text (it was one
        # placeholder); a model that lost or repeated it fails the placeholder check.
        out = out.replace(arg.source, rebuilt, 1)
    return out
