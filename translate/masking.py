"""Mask spans of a text with tokens a model copies through, and put them back, checked.

One mechanism for everything that hides text from a model: catalog placeholders
(:mod:`translate.localise.placeholders` finds the spans) and glossary terms a vocabulary
cannot spell (the caller gives the spans)::

    >>> m = mask_spans("Hello %s, see __PH0__", [(6, 8)])
    >>> m.text                      # __PH0__ is in the text already: another token is used
    'Hello __QX0__, see __PH0__'
    >>> restore("Ciao __qx0__, vedi __PH0__", m)
    'Ciao %s, vedi __PH0__'
    >>> problems("Ciao, vedi __PH0__", m)
    [MaskProblem(kind='lost', index=0, original='%s', token='__QX0__', count=0)]

Guarantees:

* a token never collides with the text: a token style is chosen whose every variant
  (case, spaces, underscores, as a model may write it back) is absent from the text left
  visible; text that merely resembles a token is never touched by :func:`restore`;
* :func:`restore` replaces only the tokens this mask made (an invented index stays);
  ``restore(m.text, m) == source`` for every text and every set of spans;
* :func:`problems` reports what restore cannot undo: a token lost, repeated or invented.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache


@dataclass(frozen=True, slots=True)
class TokenStyle:
    """How a token is written: ``open + index + close`` (``__PH0__``, ``ZQ0QZ``)."""

    open: str
    close: str

    def token(self, index: int) -> str:
        return f"{self.open}{index}{self.close}"

    @property
    def exact(self) -> re.Pattern[str]:
        return _exact_re(self.open, self.close)

    @property
    def loose(self) -> re.Pattern[str]:
        """A token as a model may give it back: case, spaces and underscores changed."""
        return _loose_re(self.open, self.close)


#: styles tried in order; the first whose variants do not occur in the text is used
UNDERSCORE_STYLES: tuple[TokenStyle, ...] = tuple(
    TokenStyle(f"__{letters}", "__")
    for letters in ("PH", "QX", "ZQ", "KX", "JQ", "VX", "WQ", "XJ", "QK", "ZX"))
#: glossary-style tokens (no underscores, spellable by any Latin vocabulary)
LETTER_STYLES: tuple[TokenStyle, ...] = tuple(
    TokenStyle(a, b) for a, b in (("ZQ", "QZ"), ("QX", "XQ"), ("JZ", "ZJ"), ("XK", "KX"),
                                  ("VQ", "QV"), ("WZ", "ZW")))


@cache
def _exact_re(open_: str, close: str) -> re.Pattern[str]:
    return re.compile(re.escape(open_) + r"(\d+)" + re.escape(close))


def _letters(part: str) -> str:
    return " ?".join(f"[{c.upper()}{c.lower()}]" if c.isalpha() else re.escape(c)
                     for c in part.strip("_"))


@cache
def _loose_re(open_: str, close: str) -> re.Pattern[str]:
    lead = r"(?:_{1,2} ?|(?<![^\W_]))" if open_.startswith("_") else r"(?<![^\W\d_])"
    core_close = close.strip("_")
    tail = r"(?: ?_{1,2})?" if close.endswith("_") else ""
    middle = r" ?_? ?(\d{1,5})(?!\d)"
    after = (" ?" + _letters(core_close)) if core_close else ""
    return re.compile(lead + _letters(open_) + middle + after + tail)


@dataclass(frozen=True, slots=True)
class Masked:
    """A masked text and what restores it.

    ``originals[i]`` is what token ``i`` stands for, ``kinds[i]`` its kind (free text:
    ``"printf"``, ``"tag"``, ``"term"``...), ``spaces[i]`` how many spaces stood right
    (before, after) it; ``style`` the token style used.
    """

    text: str
    originals: tuple[str, ...] = ()
    kinds: tuple[str, ...] = ()
    spaces: tuple[tuple[int, int], ...] = ()
    style: TokenStyle = UNDERSCORE_STYLES[0]

    @property
    def source(self) -> str:
        """The text that was masked."""
        return restore(self.text, self)

    def token(self, index: int) -> str:
        return self.style.token(index)

    @property
    def tokens(self) -> tuple[str, ...]:
        return tuple(self.style.token(i) for i in range(len(self.originals)))

    @property
    def restore_map(self) -> dict[str, str]:
        """token -> the text it stands for."""
        return dict(zip(self.tokens, self.originals, strict=True))


@dataclass(frozen=True, slots=True)
class MaskProblem:
    """What the output did to one token: ``lost``, ``repeated`` or ``invented``."""

    kind: str
    index: int
    original: str | None
    token: str
    count: int

    def __str__(self) -> str:
        if self.kind == "lost":
            return f"the model dropped {self.original!r} ({self.token})"
        if self.kind == "repeated":
            return f"the model repeated {self.original!r} ({self.token}, {self.count} times)"
        return f"the model invented a mask token {self.token}"


Span = tuple[int, int] | tuple[int, int, str]


def mask_spans(text: str, spans: Iterable[Span], *,
               styles: Sequence[TokenStyle] = UNDERSCORE_STYLES) -> Masked:
    """Replace each ``(start, end[, kind])`` span of ``text`` by a token.

    Spans must not overlap; they are sorted by start. The first style of ``styles`` whose
    tokens cannot be confused with the text left visible is used; ``ValueError`` when
    none can (the caller then has nothing safe to send to a model).
    """
    ordered = sorted((s[0], s[1], s[2] if len(s) > 2 else "span") for s in spans)  # type: ignore[misc]
    pos = 0
    for start, end, _ in ordered:
        if start < pos or end < start or end > len(text):
            raise ValueError(f"span ({start}, {end}) overlaps another or leaves the text")
        pos = end
    for style in styles:
        masked = _build(text, ordered, style)
        if _clean(masked, len(ordered), style):
            return masked
    raise ValueError("every mask token style occurs in the text; cannot mask it safely")


def _build(text: str, spans: Sequence[tuple[int, int, str]], style: TokenStyle) -> Masked:
    parts: list[str] = []
    pos = 0
    for i, (start, end, _) in enumerate(spans):
        parts.append(text[pos:start])
        parts.append(style.token(i))
        pos = end
    parts.append(text[pos:])
    masked = "".join(parts)
    spaces = tuple((_run_of_spaces(masked, m.start(), -1), _run_of_spaces(masked, m.end(), 1))
                   for m in style.exact.finditer(masked))
    return Masked(masked, tuple(text[s:e] for s, e, _ in spans),
                  tuple(k for _, _, k in spans), spaces, style)


def _clean(masked: Masked, n: int, style: TokenStyle) -> bool:
    """Every loose match in the masked text is exactly one of our tokens, in order."""
    exact = [m.span() for m in style.exact.finditer(masked.text)]
    if [int(m.group(1)) for m in style.exact.finditer(masked.text)] != list(range(n)):
        return False
    loose = [m.span() for m in style.loose.finditer(masked.text)]
    return loose == exact


def _run_of_spaces(text: str, i: int, step: int) -> int:
    n = 0
    j = i - 1 if step < 0 else i
    while 0 <= j < len(text) and text[j] == " ":
        n += 1
        j += step
    return n


# --------------------------------------------------------------------------- restore


def restore(output: str, masked: Masked) -> str:
    """Put the masked spans back into ``output`` (the model's text).

    Tokens are found as written or, when the model changed them, case- and
    space-insensitively. Spaces the model added next to a token are trimmed back to what
    the source had where the source had none and the token sits by punctuation or on the
    inner side of a tag. Unknown indices stay as they are; nothing is guessed.
    """
    return restore_moves(output, masked)[0]


def restore_moves(output: str, masked: Masked) -> tuple[str, tuple[Move, ...]]:
    """:func:`restore`, and what moved: for each token put back, its span in ``output``
    (with the spaces trimmed next to it) and the span of what replaced it in the result
    (see :func:`move_span`)."""
    moves: list[Move] = []
    if not masked.originals:
        return output, ()
    style = masked.style
    exact_idx = sorted(int(m.group(1)) for m in style.exact.finditer(output))
    exact_spans = {m.span() for m in style.exact.finditer(output)}
    stray = any(m.span() not in exact_spans for m in style.loose.finditer(output))
    token_re = style.exact if exact_idx == list(range(len(masked.originals))) and not stray \
        else style.loose
    return _restore(output, masked, token_re, moves), tuple(moves)


def source_moves(masked: Masked) -> tuple[Move, ...]:
    """The moves from ``masked.text`` back to the text that was masked (each token's
    span -> its original's), for :func:`move_span`."""
    moves: list[Move] = []
    shift = 0
    for m in masked.style.exact.finditer(masked.text):
        original = masked.originals[int(m.group(1))]
        moves.append((m.start(), m.end(), m.start() + shift, m.start() + shift + len(original)))
        shift += len(original) - (m.end() - m.start())
    return tuple(moves)


#: ``(start, end, new_start, new_end)``: text[start:end] became new[new_start:new_end]
Move = tuple[int, int, int, int]


def move_span(span: tuple[int, int], moves: Sequence[Move]) -> tuple[int, int]:
    """``span`` of a text moved onto the text :func:`restore_moves` (or
    :func:`source_moves`) made of it: a span touching a token covers all it became."""

    def at(p: int, end: bool) -> int:
        shift = 0
        for a, b, na, nb in moves:
            if p < a or (end and p == a):
                break
            if p < b or (end and p == b):
                return nb if end else na
            shift = nb - b
        return p + shift

    start, stop = at(span[0], False), at(span[1], True)
    return start, max(start, stop)


def _restore(translated: str, masked: Masked, token_re: re.Pattern[str],
             moves: list[Move] | None = None) -> str:
    n = len(masked.originals)
    out: list[str] = []
    size = 0  # characters in out
    pos = 0
    for m in token_re.finditer(translated):
        idx = int(m.group(1))
        if idx >= n or m.start() < pos:
            continue  # not ours: stays for the checks to report
        before = translated[pos:m.start()]
        want_left, want_right = masked.spaces[idx]
        kind = masked.kinds[idx]
        original = masked.originals[idx]
        have = len(before) - len(before.rstrip(" "))
        if have > want_left:
            if want_left > 0 or _is_tag_close(kind, original) or _punct_before(before):
                before = before[:len(before) - have + want_left]
        cut = pos + len(before)
        out.append(before)
        out.append(original)
        size += len(before)
        pos = m.end()
        rest = translated[pos:]
        stripped = rest.lstrip(" ")
        have = len(rest) - len(stripped)
        if have > want_right and (want_right > 0 or _is_tag_open(kind, original)
                                  or not stripped or _is_punct(stripped[0])):
            pos += have - want_right
        if moves is not None:
            moves.append((cut, pos, size, size + len(original)))
        size += len(original)
    out.append(translated[pos:])
    return "".join(out)


def _is_punct(c: str) -> bool:
    return not c.isalnum() and not c.isspace() and c not in "_\"'«“‘("


def _punct_before(before: str) -> bool:
    stripped = before.rstrip(" ")
    return stripped == "" or stripped[-1] in "([{«“‘¿¡/"


def _is_tag_open(kind: str, original: str) -> bool:
    return kind == "tag" and not original.startswith("</") and not original.endswith("/>")


def _is_tag_close(kind: str, original: str) -> bool:
    return kind == "tag" and original.startswith("</")


# --------------------------------------------------------------------------- checks


def problems(output: str, masked: Masked) -> list[MaskProblem]:
    """Tokens ``output`` lost, repeated or invented (what :func:`restore` cannot undo)."""
    n = len(masked.originals)
    style = masked.style
    seen = Counter(int(m.group(1)) for m in style.loose.finditer(output))
    found: list[MaskProblem] = []
    for i in range(n):
        if seen[i] != 1:
            found.append(MaskProblem("lost" if seen[i] == 0 else "repeated", i,
                                     masked.originals[i], style.token(i), seen[i]))
    for i in sorted(k for k in seen if k >= n):
        found.append(MaskProblem("invented", i, None, style.token(i), seen[i]))
    return found


def token_count(text: str, style: TokenStyle = UNDERSCORE_STYLES[0]) -> int:
    """How many things in ``text`` look like a token of ``style``."""
    return sum(1 for _ in style.loose.finditer(text))


def reinsert(output: str, masked: Masked, links: Iterable[object]) -> tuple[str, tuple[int, ...]]:
    """``output`` with each token the model dropped put back where the word alignment
    says its source position went: after the target word aligned to the nearest source
    word before the token, else before the one aligned to the nearest word after it.

    ``links`` are word links between ``masked.text`` and ``output`` (objects with ``src``
    and ``tgt`` character spans, e.g. :class:`translate.models.alignment.WordLink`).
    Returns the new output and the indices of the tokens put back (none without links);
    the spaces around a token follow what the source had (``masked.spaces``)."""
    links = [lk for lk in links if lk.src[1] > lk.src[0]]
    lost = [p.index for p in problems(output, masked) if p.kind == "lost"]
    if not lost or not links:
        return output, ()
    where = {m.group(0): m.span() for m in masked.style.exact.finditer(masked.text)}
    inserts: list[tuple[int, int, str]] = []
    for i in lost:
        token = masked.style.token(i)
        if token not in where:
            continue
        start, end = where[token]
        before = [lk for lk in links if lk.src[1] <= start]
        after = [lk for lk in links if lk.src[0] >= end]
        if before:
            nearest = max(lk.src[1] for lk in before)
            at = max(lk.tgt[1] for lk in before if lk.src[1] == nearest)
        elif after:
            nearest = min(lk.src[0] for lk in after)
            at = min(lk.tgt[0] for lk in after if lk.src[0] == nearest)
        else:
            continue
        lead, trail = masked.spaces[i] if i < len(masked.spaces) else (1, 1)
        text = (" " if lead else "") + token + (" " if trail else "")
        inserts.append((at, i, text))
    out = output
    for at, _, text in sorted(inserts, reverse=True):
        left, right = out[:at], out[at:]
        if text.startswith(" ") and (not left or left.endswith(" ")):
            text = text[1:]
        if text.endswith(" ") and (not right or right.startswith(" ")):
            text = text[:-1]
        out = left + text + right
    return out, tuple(sorted(i for _, i, _ in inserts))
