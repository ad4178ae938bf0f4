"""Protect what a model must not translate, and put it back afterwards.

    >>> p = mask("Hello %(name)s, you have <b>{count}</b> new messages")
    >>> p.text
    'Hello __PH0__, you have __PH1____PH2____PH3__ new messages'
    >>> restore("Ciao __PH0__, hai __ph1____PH2__ __PH3__ nuovi messaggi", p)
    'Ciao %(name)s, hai <b>{count}</b> nuovi messaggi'

Protected spans ("placeholders"), in the order they are tried at each position:

* text that already looks like a mask token (``PH0``, ``__ph_12__``): protected so that it
  can never be confused with a real token;
* ICU MessageFormat complex arguments (``{n, plural, one {...} other {...}}``), as one span
  (:mod:`translate.localise.messages` translates their branches separately);
* HTML/XML comments, tags (``<b>``, ``</a>``, ``<x id="1"/>``) and entities (``&amp;``,
  ``&nbsp;``, ``&#39;``, ``&#x2014;``);
* i18next ``{{var}}`` and ``$t(key)``, ICU typed arguments ``{d, date, short}``, Python
  ``str.format`` fields (``{}``, ``{0}``, ``{name}``, ``{name!r:>10}``) and the ``{{``/``}}``
  escapes, Ruby ``%{name}``;
* printf (``%s``, ``%d``, ``%1$s``, ``%.2f``, ``%lu``, ``%%``) and Python ``%(name)s``;
* URLs and e-mail addresses; newlines; and, inside ICU plural branches, ``#``.

Mask tokens are ASCII: ``__PH0__``, ``__PH1__``, ... . OPUS-MT's SentencePiece vocabularies
cover ``_``, ``PH`` and digits, so a Marian model sees a short, name-like, unknown word that
it copies through (non-ASCII brackets such as ``⟦0⟧`` are usually out of vocabulary and
come back as ``<unk>``). Models do change such tokens a little: they lowercase them, add or
drop an underscore, insert spaces (``__ PH0 __``), or put spaces between a token and
punctuation. :func:`restore` accepts all of that; spaces the model added next to a token
where the source had none are removed when they sit between the token and punctuation or
on the inner side of a tag. A token that was dropped or duplicated is not guessed at:
:func:`token_problems` reports it, and the QA checks then fail the string instead of
writing a corrupted one.

``restore(mask(s).text, mask(s)) == s`` holds for every string ``s``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..masking import Masked, mask_spans
from ..masking import problems as mask_problems
from ..masking import restore as _restore

TOKEN = "__PH{}__"
#: a mask token exactly as :func:`mask` writes it
TOKEN_RE = re.compile(r"__PH(\d+)__")
#: a mask token as a model may give it back (case, spaces, underscores changed)
LOOSE_TOKEN_RE = re.compile(r"(?:_{1,2} ?|(?<![^\W_]))[Pp][Hh] ?_? ?(\d{1,5})(?!\d)(?: ?_{1,2})?")

# Text that looks like a token in the *source* is protected itself, so that the only
# token-like things in a masked text are real tokens. This is a superset of what
# LOOSE_TOKEN_RE matches in ordinary text.
_LOOKALIKE = r"(?:_+ ?|(?<![^\W_]))[Pp][Hh] ?_* ?\d+(?: ?_+)?"

_LOOKALIKE_AFTER_TOKEN_RE = re.compile(r"(?:_+ ?)?[Pp][Hh] ?_* ?\d+(?: ?_+)?")

_ICU_START_RE = re.compile(r"\{\s*[A-Za-z_][\w.]*\s*,\s*(?:plural|select|selectordinal)\s*,")

_VOID_TAGS = frozenset({"area", "base", "br", "col", "embed", "hr", "img", "input", "link",
                        "meta", "param", "source", "track", "wbr"})

_PATTERNS: tuple[tuple[str, str], ...] = (
    ("lookalike", _LOOKALIKE),
    ("comment", r"<!--.*?-->|<\?[A-Za-z].*?\?>"),
    ("tag", r"</?[A-Za-z][\w:.-]*(?:\s+(?:[^<>\"']|\"[^\"]*\"|'[^']*')*?)?\s*/?>|</?\d+\s*/?>"),
    ("entity", r"&(?:[A-Za-z][A-Za-z0-9]{1,31}|#[0-9]{1,7}|#[xX][0-9A-Fa-f]{1,6});"),
    ("i18next", r"\{\{[^{}]*\}\}|\$t\([^()]*\)"),
    ("icu-arg", r"\{\s*[A-Za-z_][\w.]*\s*,\s*(?:number|date|time|spellout|ordinal|duration)"
                r"\s*(?:,[^{}]*)?\}"),
    ("format", r"\{(?:[A-Za-z_]\w*|\d+)?(?:\.[A-Za-z_]\w*|\[[^\]{}]*\])*(?:![rsa])?"
               r"(?::[^{}]*(?:\{[^{}]*\}[^{}]*)*)?\}"),
    ("brace", r"\{\{|\}\}"),
    ("printf", r"%\{[A-Za-z_]\w*\}"
               r"|%(?:\([^()\s]*\))?(?:[1-9]\d*\$)?[-+#0']*(?:\d+|\*)?(?:\.(?:\d+|\*))?"
               r"(?:hh|h|ll|l|L|q|j|z|t)?[diouxXeEfFgGaAcsprn@%]"),
    ("url", r"\b(?:https?|ftp)://[^\s<>\"']*[^\s<>\"'.,;:!?)]"
            r"|\b[\w.+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+\b"),
    ("newline", r"\r?\n"),
)
_SCAN_RE = re.compile("|".join(f"(?P<{kind.replace('-', '_')}>{rx})" for kind, rx in _PATTERNS),
                      re.DOTALL)
_HASH_RE = re.compile(r"#")


@dataclass(frozen=True, slots=True)
class Span:
    """A protected span of a text: ``text[start:end]``, of one kind (``"printf"``...)."""

    start: int
    end: int
    kind: str
    text: str


#: a masked text and what restores it (one mechanism: :mod:`translate.masking`)
Protected = Masked


# --------------------------------------------------------------------------- scanning


def icu_complex_spans(text: str) -> list[tuple[int, int]]:
    """Spans of ICU ``{x, plural|select|selectordinal, ...}`` arguments (outermost only)."""
    spans: list[tuple[int, int]] = []
    pos = 0
    while True:
        m = _ICU_START_RE.search(text, pos)
        if not m:
            return spans
        end = matching_brace(text, m.start())
        if end is None:
            pos = m.start() + 1
            continue
        spans.append((m.start(), end))
        pos = end


def matching_brace(text: str, start: int) -> int | None:
    """Index just past the ``}`` closing the ``{`` at ``start`` (ICU quoting aware)."""
    depth = 0
    i = start
    n = len(text)
    while i < n:
        c = text[i]
        if c == "'" and i + 1 < n and text[i + 1] in "{}":
            close = text.find("'", i + 1)
            if close < 0:
                return None
            i = close + 1
            continue
        if c == "{":
            depth += 1
        elif c == "}":
            depth -= 1
            if depth == 0:
                return i + 1
        i += 1
    return None


def find_spans(text: str, *, icu_branch: bool = False) -> list[Span]:
    """Every protected span of ``text``, left to right, not overlapping."""
    spans: list[Span] = []
    pos = 0
    for start, end in [*icu_complex_spans(text), (len(text), len(text))]:
        spans.extend(_scan(text, pos, start, icu_branch, after_span=pos > 0))
        if end > start:
            spans.append(Span(start, end, "icu", text[start:end]))
        pos = end
    return spans


def _scan(text: str, start: int, end: int, icu_branch: bool, *, after_span: bool
          ) -> list[Span]:
    out: list[Span] = []
    pos = start
    while pos < end:
        if after_span:
            # In the masked text this position follows a token's "__", not the source's
            # character, so look-alikes are matched here without the look-behind.
            la = _LOOKALIKE_AFTER_TOKEN_RE.match(text, pos, end)
            if la:
                out.append(Span(la.start(), la.end(), "lookalike", la.group()))
                pos = la.end()
                continue
        m = _SCAN_RE.search(text, pos, end)
        h = _HASH_RE.search(text, pos, m.start() if m else end) if icu_branch else None
        if h:
            out.append(Span(h.start(), h.end(), "icu-hash", "#"))
            pos = h.end()
        elif m:
            kind = (m.lastgroup or "").replace("_", "-")
            out.append(Span(m.start(), m.end(), kind, m.group()))
            pos = m.end()
        else:
            break
        after_span = True
    return out


# --------------------------------------------------------------------------- mask/restore


def mask(text: str, *, icu_branch: bool = False) -> Protected:
    """Replace every protected span of ``text`` by a token ``__PH<i>__``.

    ``icu_branch=True`` also protects ``#`` (the number inside an ICU plural branch).
    """
    spans = find_spans(text, icu_branch=icu_branch)
    return mask_spans(text, [(sp.start, sp.end, sp.kind) for sp in spans])


def restore(translated: str, protected: Protected) -> str:
    """Put the protected spans back into a (translated) masked text
    (:func:`translate.masking.restore`: only this mask's tokens are touched)."""
    return _restore(translated, protected)


def token_problems(translated: str, protected: Protected) -> list[str]:
    """What the model did to the mask tokens that :func:`restore` cannot undo."""
    return [str(p) for p in mask_problems(translated, protected)]


def loose_token_count(text: str) -> int:
    """How many things in ``text`` look like a mask token."""
    return sum(1 for _ in LOOSE_TOKEN_RE.finditer(text))


# --------------------------------------------------------------------------- signatures


def is_void_tag(tag: str) -> bool:
    name = tag_name(tag)
    return tag.endswith("/>") or name.lower() in _VOID_TAGS


def tag_name(tag: str) -> str:
    m = re.match(r"</?([A-Za-z][\w:.-]*|\d+)", tag)
    return m.group(1) if m else ""


def has_words(text: str, *, icu_branch: bool = False) -> bool:
    """Whether anything is left to translate once the protected spans are taken out."""
    masked = TOKEN_RE.sub(" ", mask(text, icu_branch=icu_branch).text)
    return any(c.isalpha() for c in masked)
