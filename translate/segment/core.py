"""The segmenter: one left-to-right pass, paragraph by paragraph, with exact offsets.

Three levels, each cut only where the text has white space, so every segment is a
stripped slice of the caller's text and the gaps between segments are white space:

1. Paragraphs: a run of white space holding two or more line breaks (``\\n``, ``\\r\\n``,
   ``\\r``, U+2028...) or a separator (form feed, U+2029) ends a paragraph.
2. Lines: a single line break ends a segment (a headline, a list item, a one-line
   paragraph) unless the text is hard-wrapped there: the next line starts in lower
   case, the line ends in a title abbreviation (``Mr.``, ``Dott.``, ``prof.``), or it
   ends in ``,`` ``;`` a hyphen or an opening bracket and the next line is not a list
   item. Inside a segment a line break counts as a space.
3. Sentences: a terminator (``.`` ``!`` ``?`` ``…`` ``...``), any closing quotes and
   brackets after it, then white space, is a candidate boundary; the rules below and
   the language's data (:mod:`.rules`) decide. No boundary inside a matched quotation
   or bracket pair (up to ``MAX_PROTECTED`` characters), nor before a lower-case word.

Every regular expression starts only at characters that cannot continue a previous
attempt (possessive runs, look-behinds), so time is linear in the input length.
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_left
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache

from .rules import Kind, LanguageRules

MAX_PROTECTED = 500
"""Longest quotation or bracket (in characters) whose inside is never split."""

_TOKEN_WINDOW = 48  # a longer word before a period is never an abbreviation


@dataclass(frozen=True, slots=True)
class Segment:
    """One sentence: ``original_text[start:end] == text``."""

    text: str
    start: int
    end: int


# ------------------------------------------------------------------------- lines

_SEPARATORS = "\x0c\x1c\x1d\x1e\u2029"  # each one ends a paragraph on its own
# A line break and all the white space after it (further line breaks included).
_LINE_BREAK = re.compile(r"(?:\r\n?|[\n\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029])\s*+")
_NON_SPACE = re.compile(r"\S")

# ---------------------------------------------------------------------- sentences

_STRONG = frozenset("!?‼⁇⁈⁉")
_CLOSERS = "\"'”’»)]}›"
_OPENERS = "\"'“‘«„‹([{¿¡"
# A terminator run (a spaced ellipsis ". . ." is one run), the closing quotes and
# brackets after it, and white space or the end of the block after those. The two
# look-behinds make a run start only once, whatever its length; the character class
# comes first so that the regex engine can skip to candidates quickly.
_CANDIDATE = re.compile(
    r"([.!?…‼⁇⁈⁉](?<![.!?…‼⁇⁈⁉][.!?…‼⁇⁈⁉])(?<![.!?…‼⁇⁈⁉] [.!?…‼⁇⁈⁉])"
    r"[.!?…‼⁇⁈⁉]*+(?: [.…]++)*)"
    r"[\"'”’»)\]}›]*+"
    r"(?=\s|\Z)"
)
# What follows a candidate: white space, opening punctuation or dashes, then a word.
_NEXT = re.compile(r"\s*+([\"'“‘«„‹(\[{¿¡—–•⁃*-]*+)\s*+(\w*+)")
_QUOTE_OPENERS = frozenset("\"'“‘«„‹")
_HAS_WORD = re.compile(r"[^\W_]")
_DOTTED = re.compile(r"(?:[^\W\d_]{1,2}\.)+[^\W\d_]{1,2}")

_UPPER, _DIGIT, _OTHER = range(3)  # what follows a candidate (lower case: no cut)

# List items: a bullet, then optionally a number or letter ("1." "2.)" "3)" "a." "(b)").
_INLINE_BULLETS = "•⁃‣▪◦●○■□►"
_BULLETS = _INLINE_BULLETS + "–—*·-"
_ITEM = re.compile(r"\s*+(?:(\d{1,3})(\.\)|[.)])|([a-z])([.)])|\((\d{1,3}|[a-z])\))(?=\s|\Z)")

# Quotes and brackets for the protected spans.
_PAIRS = {"(": ")", "[": "]", "{": "}", "«": "»", "‹": "›", "“": "”", "‘": "’", "„": "“"}
_CLOSING = frozenset(_PAIRS.values()) | {'"', "'"}
_QUOTE_CHARS = re.compile(r"[\"'()\[\]{}«»‹›“”‘’„]")
_MAX_OPEN = 32


def segment(text: str, lang: str) -> list[Segment]:
    """Split ``text`` into sentences of language ``lang`` (``en``, ``az`` or ``it``).

    Offsets index ``text`` itself; segments are stripped and never cross a paragraph
    break; the text between two segments is white space (a leading BOM counts as such).
    """
    return list(iter_segments(text, lang))


def iter_segments(text: str, lang: str) -> Iterator[Segment]:
    """Like :func:`segment`, one segment at a time (memory bounded by the longest block)."""
    rules = rules_for(lang)
    n = len(text)
    first = _NON_SPACE.search(text, 1 if text.startswith("\ufeff") else 0)
    if first is None:
        return
    block = first.start()
    for m in _LINE_BREAK.finditer(text, block):
        ls, le = m.start(), m.end()
        if le >= n:
            break
        if _is_paragraph_break(m.group()) or _line_ends_segment(text, block, ls, le, rules):
            yield from _block_segments(text, block, _rstrip(text, ls, block), rules)
            block = le
    end = _rstrip(text, n, block)
    if end > block:
        yield from _block_segments(text, block, end, rules)


@cache
def rules_for(lang: str) -> LanguageRules:
    """The rules of ``lang`` (an ISO code or an alias such as ``eng``), loaded once."""
    from ..languages import normalise_lang
    from .az import AzerbaijaniRules
    from .en import EnglishRules
    from .it import ItalianRules

    classes = {c.code: c for c in (EnglishRules, AzerbaijaniRules, ItalianRules)}
    code = lang if lang in classes else normalise_lang(lang)
    return classes[code]()


# ------------------------------------------------------------------------- lines


def _rstrip(text: str, end: int, lo: int) -> int:
    while end > lo and text[end - 1].isspace():
        end -= 1
    return end


def _is_paragraph_break(run: str) -> bool:
    if len(run) == 1 or run == "\r\n":
        return run in _SEPARATORS
    if run == "\n\n" or run == "\r\n\r\n":
        return True
    if any(c in run for c in _SEPARATORS):
        return True
    breaks = (run.count("\n") + run.count("\r") - run.count("\r\n") + run.count("\x0b")
              + run.count("\x85") + run.count("\u2028"))
    return breaks >= 2


def _line_ends_segment(text: str, block: int, ls: int, le: int, rules: LanguageRules
                       ) -> bool:
    """Whether a single line break between ``ls`` and ``le`` ends the segment."""
    if text[le].islower():
        return False  # hard-wrapped: the sentence goes on
    end = _rstrip(text, ls, block)
    last = text[end - 1]
    if last == ".":
        return _word_kind(text, end - 1, block, rules) is not Kind.TITLE  # "Mr.\nSmith"
    if last in ",;-‐–([{«“„&/":
        return _skip_list_marker(text, le, len(text))[0] > le
    return True


# -------------------------------------------------------------------- list items


def _skip_list_marker(text: str, pos: int, end: int) -> tuple[int, re.Pattern[str] | None]:
    """Skip a list marker at ``pos``; return where the item's text starts and a pattern
    for the next marker of the same list when it may follow on the same line."""
    scan, follow = pos, None
    c = text[pos]
    if c in _BULLETS:
        scan = pos + 1
        if c in _INLINE_BULLETS:
            follow = f"(?<=\\s){re.escape(c)}"
    m = _ITEM.match(text, scan, end)
    if m is not None:
        scan = m.end()
        if follow is None:
            num, punct = (m.group(1), m.group(2)) if m.group(1) else (m.group(3), m.group(4))
            if num is not None:
                succ = str(int(num) + 1) if num.isdigit() else chr(ord(num) + 1)
                follow = f"(?<=\\s){re.escape(succ + punct)}(?=\\s|\\Z)"
            else:
                inner = m.group(5)
                succ = str(int(inner) + 1) if inner.isdigit() else chr(ord(inner) + 1)
                follow = f"(?<=\\s)\\({re.escape(succ)}\\)(?=\\s|\\Z)"
    if scan == pos:
        return pos, None
    return scan, (re.compile(follow) if follow else None)


# --------------------------------------------------------------- protected spans


class _Protected:
    """The matched quotation and bracket pairs of a block, found on first use."""

    __slots__ = ("text", "start", "end", "starts", "ends")

    def __init__(self, text: str, start: int, end: int) -> None:
        self.text, self.start, self.end = text, start, end
        self.starts: list[int] | None = None
        self.ends: list[int] = []

    def covers(self, ts: int, cut: int) -> bool:
        """Whether a pair opens before the terminator at ``ts`` and closes after ``cut``."""
        if self.starts is None:
            self.starts, self.ends = _protected_spans(self.text, self.start, self.end)
        i = bisect_left(self.starts, ts) - 1
        return i >= 0 and cut < self.ends[i]


def _protected_spans(text: str, start: int, end: int) -> tuple[list[int], list[int]]:
    """Matched quotation and bracket pairs in ``text[start:end]`` (outermost, merged)."""
    stack: list[tuple[str, int]] = []  # (expected closer, position of the opener)
    spans: list[tuple[int, int]] = []
    for m in _QUOTE_CHARS.finditer(text, start, end):
        i = m.start()
        c = text[i]
        prev = text[i - 1] if i > start else " "
        nxt = text[i + 1] if i + 1 < end else " "
        if c in ('"', "'"):
            if prev.isspace() or prev in _OPENERS or prev in "’—–-/:":
                if not nxt.isspace() and (c == '"' or nxt.isalpha()):  # not '90s
                    stack.append((c, i))
                continue
            if c == "'" and nxt.isalnum():
                continue  # an apostrophe: l'Avv., Let's, Jr.'s
        elif c == "’" and nxt.isalnum():
            continue  # an apostrophe: wasn’t, one’s
        elif c == "“" and not (stack and stack[-1][0] == "“"):
            stack.append(("”", i))
            continue
        elif c in _PAIRS:
            stack.append((_PAIRS[c], i))
            continue
        if c not in _CLOSING:
            continue
        for j in range(len(stack) - 1, max(-1, len(stack) - 5), -1):
            if stack[j][0] == c:
                if i + 1 - stack[j][1] <= MAX_PROTECTED:
                    spans.append((stack[j][1], i + 1))
                del stack[j:]
                break
        if len(stack) > _MAX_OPEN:
            del stack[: len(stack) - _MAX_OPEN]
    if not spans:
        return [], []
    spans.sort()
    starts, ends = [spans[0][0]], [spans[0][1]]
    for s, e in spans[1:]:
        if s < ends[-1]:
            ends[-1] = max(ends[-1], e)
        else:
            starts.append(s)
            ends.append(e)
    return starts, ends


# --------------------------------------------------------------------- sentences


def _block_segments(text: str, bs: int, be: int, rules: LanguageRules) -> Iterator[Segment]:
    """Sentences of one block (a paragraph, or a line of one); ``text[bs:be]`` is stripped."""
    protected = _Protected(text, bs, be)
    pending: tuple[int, int] | None = None
    seg = bs
    while seg < be:
        scan, marker = _skip_list_marker(text, seg, be)
        pos = marker_from = scan
        word_from = seg
        while True:
            cut, nxt = _next_cut(text, pos, seg, be, rules, protected)
            if marker is not None:
                mk = marker.search(text, marker_from, cut)
                if mk is not None:
                    cut, nxt = _rstrip(text, mk.start(), seg), mk.start()
                    marker_from = mk.end()
                else:
                    marker_from = cut
            if nxt >= be or _HAS_WORD.search(text, word_from, cut):
                break
            word_from = pos = max(nxt, pos)  # nothing but punctuation: keep going
        if pending is not None:
            if nxt >= be and not _HAS_WORD.search(text, seg, cut):
                pending = (pending[0], cut)  # a trailing ". . ." joins the sentence before
                break
            yield Segment(text[pending[0]:pending[1]], pending[0], pending[1])
        pending = (seg, cut)
        seg = nxt
    if pending is not None:
        yield Segment(text[pending[0]:pending[1]], pending[0], pending[1])


def _next_cut(text: str, pos: int, seg: int, be: int, rules: LanguageRules,
              protected: _Protected) -> tuple[int, int]:
    """The end of the sentence that began at ``seg`` (searching from ``pos``) and the
    start of the next one; ``(be, be)`` when the block ends first."""
    while True:
        m = _CANDIDATE.search(text, pos, be)
        if m is None:
            return be, be
        ts, b = m.start(), m.end()
        pos = b
        nm = _NEXT.match(text, b, be)
        nxt = nm.start(1)
        if nxt >= be:
            return b, be
        word = nm.group(2)
        if word:
            c = word[0]
            if c.islower():
                continue  # a lower-case word never starts a sentence
            cls = _DIGIT if c.isdigit() else _UPPER
        else:
            cls = _OTHER
        run = m.group(1)
        if run == ".":
            cut = b if _period_ends(text, ts, seg, cls, nm, rules) else -1
        elif " " in run:  # spaced ellipsis
            if ts > seg and not text[ts - 1].isspace():
                cut = ts + 1  # "word. . . . Next": the period ends it, ". . ." opens the next
            else:
                cut = b if len(run) != 5 else -1  # ". . ." alone marks an omission
        elif not _STRONG.isdisjoint(run):
            cut = b
        elif run == "..":
            cut = b  # an abbreviation's period, then the sentence's: "Nov.. Grazie"
        else:  # ellipsis: "...", "…", "...."
            cut = b if cls == _UPPER and not (ts > seg and text[ts - 1] in "[(") else -1
        if cut < 0:
            continue
        if protected.covers(ts, cut):
            continue  # inside a quotation or brackets
        if cut != b:
            nxt = _NON_SPACE.search(text, cut, be).start()  # type: ignore[union-attr]
        return cut, nxt


def _period_ends(text: str, ts: int, seg: int, cls: int, nm: re.Match[str],
                 rules: LanguageRules) -> bool:
    """Whether the period at ``ts`` ends a sentence, given what follows (not lower case)."""
    kind = _word_kind(text, ts, seg, rules)
    if kind is None:
        return True
    if kind is Kind.TITLE:
        return False
    if kind is Kind.NUMERIC or kind is Kind.FINAL:
        return cls != _DIGIT
    # AMBIGUOUS: only a sentence starter (or a quotation) opens a new sentence.
    if cls != _UPPER:
        return False
    word, after = nm.group(2), nm.end()
    if after < len(text) and text[after] == ".":
        if len(word) == 1:
            return False  # another initial: "J. A. Smith"
        if rules.kind(word) is Kind.TITLE:
            # "6 P.M. Mr. Smith ..." starts anew; "At 5 a.m. Mr. Smith ..." goes on.
            return len(text[seg:min(ts, seg + 200)].split(None, 3)) > 3
    opened = nm.group(1)
    if opened and opened[-1] in _QUOTE_OPENERS:
        return True
    return rules.is_starter(word)


def _word_kind(text: str, ts: int, seg: int, rules: LanguageRules) -> Kind | None:
    """The abbreviation kind of the word before the period at ``ts`` (None: a word)."""
    lo = max(seg, ts - _TOKEN_WINDOW)
    j = max(text.rfind(" ", lo, ts) + 1, lo)
    if not text[j:ts].isprintable():  # other white space (or a control) in between
        j = ts
        while j > lo and not text[j - 1].isspace():
            j -= 1
    if j == lo > seg and not text[lo - 1].isspace():
        return None  # longer than any abbreviation
    word = text[j:ts].lstrip(_OPENERS + "—–-").rstrip(_CLOSERS)
    if "'" in word or "’" in word:  # elision: l'Ing. -> Ing
        word = word.replace("’", "'").rsplit("'", 1)[1]
    if not word:
        return None
    if not word.isascii():
        word = unicodedata.normalize("NFC", word)
    lowered = rules.lower(word)
    if rules.ends_multiword(lowered):
        previous = _word_before(text, j, seg)
        kind = rules.multiword_kind(previous, word) if previous else None
        if kind is not None:
            return kind
    kind = rules.kind(word, lowered)
    if kind is None and "-" in word:
        kind = rules.kind(word.rsplit("-", 1)[1])
    if kind is None and (len(word) == 1 and word.isalpha()
                         or "." in word and _DOTTED.fullmatch(word)):
        kind = Kind.AMBIGUOUS  # an initial (R. Quliyev) or an initialism (U.S., e.ə.)
    return kind


def _word_before(text: str, j: int, seg: int) -> str:
    """The word before position ``j`` (skipping white space) within the segment."""
    k = j
    while k > seg and text[k - 1].isspace():
        k -= 1
    i, lo = k, max(seg, k - _TOKEN_WINDOW)
    while i > lo and not text[i - 1].isspace():
        i -= 1
    return text[i:k]
