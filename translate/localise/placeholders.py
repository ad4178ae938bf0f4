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
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from importlib import resources

from ..masking import Masked, mask_spans
from ..masking import problems as mask_problems
from ..masking import restore as _restore

TOKEN = "__PH{}__"
#: a mask token exactly as :func:`mask` writes it
TOKEN_RE = re.compile(r"__PH(\d+)__")
#: a mask token as a model may give it back (case, spaces, underscores changed)
LOOSE_TOKEN_RE = re.compile(r"(?:_{1,2} ?|(?<![^\W_]))[Pp][Hh] ?_? ?(\d{1,5})(?!\d)(?: ?_{1,2})?")

# Text that looks like a token in the *source* is protected itself (family "lookalike" of
# placeholders.toml), so that the only token-like things in a masked text are real tokens.
_LOOKALIKE_AFTER_TOKEN_RE = re.compile(r"(?:_+ ?)?[Pp][Hh] ?_* ?\d+(?: ?_+)?")

#: a complex argument: ICU's plural/select/selectordinal, and Java MessageFormat's choice
#: (``{0,choice,1#{0} build|1<{0} builds}``), whose argument may be an index
_ICU_START_RE = re.compile(
    r"\{\s*(?:[A-Za-z_][\w.]*|\d+)\s*,\s*(?:plural|select|selectordinal|choice)\s*,")

_VOID_TAGS = frozenset({"area", "base", "br", "col", "embed", "hr", "img", "input", "link",
                        "meta", "param", "source", "track", "wbr"})
_HASH_RE = re.compile(r"#")


@dataclass(frozen=True, slots=True)
class Family:
    """One placeholder syntax of ``placeholders.toml``: when it is active, what it matches."""

    name: str
    kind: str
    formats: frozenset[str]
    pattern: str | None


@cache
def families() -> tuple[Family, ...]:
    """The syntax families, in the order they are tried (``placeholders.toml``)."""
    raw = tomllib.loads(resources.files(__package__).joinpath("placeholders.toml")
                        .read_text(encoding="utf-8"))
    return tuple(Family(f["name"], f["kind"], frozenset(f["formats"]), f.get("pattern"))
                 for f in raw["family"])


#: format names a unit or a file may declare (gettext flags and file kinds)
def known_formats() -> frozenset[str]:
    return frozenset(f for fam in families() for f in fam.formats) - {"always", "universal"}


FILE_KINDS = frozenset({"symfony", "angular", "i18next", "icu", "android", "rails"})


def declared_formats(flags: Iterable[str]) -> frozenset[str]:
    """The formats among a unit's flags (``c-format``...; ``no-c-format`` declares none)."""
    known = known_formats()
    return frozenset(f for f in flags if f in known)


@cache
def active_families(formats: frozenset[str] = frozenset()) -> tuple[Family, ...]:
    """The families for a unit declaring ``formats``: those of its gettext formats, or,
    when it declares none, the universal set plus those of its file kinds."""
    gettext = formats - FILE_KINDS
    want = set(gettext) if gettext else {"universal", *formats}
    return tuple(f for f in families() if "always" in f.formats or f.formats & want)


@cache
def _scanner(formats: frozenset[str]) -> tuple[re.Pattern[str], dict[str, str], bool]:
    fams = [f for f in active_families(formats) if f.pattern]
    groups = {f"g{i}": f.kind for i, f in enumerate(fams)}
    rx = re.compile("|".join(f"(?P<g{i}>{f.pattern})" for i, f in enumerate(fams)), re.DOTALL)
    icu = any(f.name == "icu" for f in active_families(formats))
    return rx, groups, icu


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
    """Spans of ICU ``{x, plural|select|selectordinal, ...}`` and Java ``{0,choice,...}``
    arguments (outermost only)."""
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


#: the deepest nesting of braces a message may have: an ICU argument nested in a branch of
#: another takes two levels (its own brace and its branch's), so this is 10 ICU levels
MAX_BRACE_DEPTH = 20
_BRACE_RE = re.compile(r"'[{}][^']*'|[{}]")


def brace_depth(text: str) -> int:
    """How deeply ``text`` nests ``{...}`` (ICU quoting aware, as :func:`matching_brace`)."""
    depth = deepest = 0
    for m in _BRACE_RE.finditer(text):
        brace = m.group()
        if brace == "{":
            depth += 1
            deepest = max(deepest, depth)
        elif brace == "}":
            depth = max(depth - 1, 0)
    return deepest


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


def find_spans(text: str, *, icu_branch: bool = False,
               formats: frozenset[str] = frozenset()) -> list[Span]:
    """Every protected span of ``text``, left to right, not overlapping, for a unit that
    declares ``formats`` (none: the universal set)."""
    rx, groups, icu = _scanner(formats)
    spans: list[Span] = []
    pos = 0
    complex_spans = icu_complex_spans(text) if icu else []
    for start, end in [*complex_spans, (len(text), len(text))]:
        spans.extend(_scan(text, pos, start, icu_branch, rx, groups, after_span=pos > 0))
        if end > start:
            spans.append(Span(start, end, "icu", text[start:end]))
        pos = end
    return spans


def _scan(text: str, start: int, end: int, icu_branch: bool, rx: re.Pattern[str],
          groups: dict[str, str], *, after_span: bool) -> list[Span]:
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
        m = rx.search(text, pos, end)
        h = _HASH_RE.search(text, pos, m.start() if m else end) if icu_branch else None
        if h:
            out.append(Span(h.start(), h.end(), "icu-hash", "#"))
            pos = h.end()
        elif m:
            kind = groups[m.lastgroup or ""]
            out.append(Span(m.start(), m.end(), kind, m.group()))
            pos = m.end()
        else:
            break
        after_span = True
    return out


# --------------------------------------------------------------------------- mask/restore


def mask(text: str, *, icu_branch: bool = False,
         formats: frozenset[str] = frozenset()) -> Protected:
    """Replace every protected span of ``text`` by a token ``__PH<i>__``.

    ``icu_branch=True`` also protects ``#`` (the number inside an ICU plural branch);
    ``formats`` are what the unit declares (see :func:`active_families`).
    """
    spans = find_spans(text, icu_branch=icu_branch, formats=formats)
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


def has_words(text: str, *, icu_branch: bool = False,
              formats: frozenset[str] = frozenset()) -> bool:
    """Whether anything is left to translate once the protected spans are taken out."""
    masked = TOKEN_RE.sub(" ", mask(text, icu_branch=icu_branch, formats=formats).text)
    return any(c.isalpha() for c in masked)
