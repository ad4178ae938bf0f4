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

from .placeholders import has_words, icu_complex_spans
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


def split_message(text: str) -> Split:
    """Split ``text`` (any string) into pieces; ``split.join(piece texts) == text``."""
    return Split(text, _frame(text, icu_branch=False))


def _frame(text: str, *, icu_branch: bool) -> Frame:
    spans = icu_complex_spans(text)
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
        _line(text[pos:line_end], parts, icu_branch)
        if m:
            parts.append(m.group())
            pos = m.end()
    merged: list[str | Piece] = []
    for p in parts:
        if isinstance(p, str) and merged and isinstance(merged[-1], str):
            merged[-1] += p
        elif p != "":
            merged.append(p)
    return Frame(tuple(merged), tuple(args))


def _line(line: str, parts: list[str | Piece], icu_branch: bool) -> None:
    m = _EDGE_RE.match(line)
    assert m is not None
    lead, core, trail = m.groups()
    parts.append(lead)
    if core and has_words(core, icu_branch=icu_branch):
        parts.append(Piece(core, icu_branch))
    else:
        parts.append(core)
    parts.append(trail)


def parse_icu_argument(source: str) -> IcuArg | None:
    """Parse ``{name, plural|select|selectordinal, sel {msg} ...}``; None if malformed."""
    head = _HEAD_RE.match(source)
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
