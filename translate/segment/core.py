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
   the language's data (:mod:`.rules`) decide. Never before a lower-case word. Inside
   a quotation the rules are the same as outside (news quotes people in several
   sentences), except in a cited quotation (verse with `` / ``, or followed by a
   bracketed source: ``"..." (Manzoni).``). No boundary inside brackets (up to
   ``MAX_PROTECTED`` characters) unless they hold full sentences: a capital after the
   opening bracket and a terminator before the closing one. After ``!`` or ``?`` and a
   closing quote, a short capitalised clause with a reporting verb (``'Help!'" Hammel
   added.``) is the quotation's attribution and stays in its sentence.

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

from .rules import TITLES, Kind, LanguageRules

MAX_PROTECTED = 500
"""Longest bracket or cited quotation (in characters) whose inside is never split."""

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
_QUOTE_CLOSERS = frozenset("\"'”’»›")
_TERMINATORS = frozenset(".!?…‼⁇⁈⁉")
# The words and stops of a clause after a quotation (see _attribution).
_CLAUSE_TOKEN = re.compile(r"\w+(?:[-'’]\w+)*+|[.,;:!?…]")
_ATTRIBUTION_WORDS = 5  # a reporting verb further on is not the quotation's attribution
_COMPASS = frozenset("N S E W NE NW SE SW".split())  # after a street: "Ave. NW"
_HAS_WORD = re.compile(r"[^\W_]")
_ROMAN_NUMERALS = "I II III IV V VI VII VIII IX X XI XII XIII XIV XV XVI XVII XVIII XIX XX XXI"
_ROMAN = frozenset(_ROMAN_NUMERALS.split())  # centuries: "nel VI secolo a.C."
_DOTTED = re.compile(r"(?:[^\W\d_]{1,2}\.)+[^\W\d_]{1,2}")

_UPPER, _DIGIT, _OTHER = range(3)  # what follows a candidate (lower case: no cut)

# List items: a bullet, then optionally a number or letter ("1." "2.)" "3)" "a." "(b)").
_INLINE_BULLETS = "•⁃‣▪◦●○■□►"
_BULLETS = _INLINE_BULLETS + "–—*·-"
_ITEM = re.compile(r"\s*+(?:(\d{1,3})(\.\)|[.)])|([a-z])([.)])|\((\d{1,3}|[a-z])\))(?=\s|\Z)")

# Quotes and brackets for the protected spans.
_PAIRS = {"(": ")", "[": "]", "{": "}", "«": "»", "‹": "›", "“": "”", "‘": "’", "„": "“"}
_CLOSING = frozenset(_PAIRS.values()) | {'"', "'"}
_BRACKET_CLOSERS = frozenset(")]}")
_MAY_PROTECT = re.compile(r"[(\[{]| / ")  # a block without these has no protected span
_SOURCE_MAX = 60  # a bracketed source after a quotation: "(Manzoni)", "(Smith 55)"
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
    """The rules of ``lang`` (an ISO code or an alias such as ``eng``), loaded once: the
    class its ``segment_rules`` in ``translate/languages.toml`` names."""
    from ..languages import LANGUAGES, load_named, normalise_lang, rules_lang

    code = rules_lang(lang if lang in LANGUAGES else normalise_lang(lang))
    return load_named(LANGUAGES[code].segment_rules)()


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
        return _word_kind(text, end - 1, block, rules) not in TITLES  # "Mr.\nSmith"
    if last in ",;-‐–([{«“„&/":
        return _skip_list_marker(text, le, len(text))[0] > le
    return True


# -------------------------------------------------------------------- list items


def _skip_list_marker(text: str, pos: int, end: int) -> tuple[int, re.Pattern[str] | None]:
    """Skip a list marker at ``pos``; return where the item's text starts and a pattern
    for the next marker of the same list when it may follow on the same line (for a
    number or letter, see :func:`_next_marker`)."""
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


def _next_marker(text: str, marker: re.Pattern[str], pos: int, cut: int, be: int
                 ) -> re.Match[str] | None:
    """The next marker of the list in ``text[pos:cut]``. A number or letter marker starts
    an item only before a word that is not in lower case, or after ``;``: in "a) Le
    imprese, come previsto alla lett. b) del comma 2, ..." the "b)" is a reference."""
    while True:
        mk = marker.search(text, pos, cut)
        if mk is None or text[mk.start()] in _INLINE_BULLETS:
            return mk
        after = _NON_SPACE.search(text, mk.end(), be)
        if after is None or not text[after.start()].islower():
            return mk
        before = _rstrip(text, mk.start(), pos)
        if before > pos and text[before - 1] == ";":
            return mk
        pos = mk.end()


# --------------------------------------------------------------- protected spans


class _Protected:
    """The spans of a block whose inside is never split (brackets and cited quotations,
    see :func:`_protected_spans`), found on first use."""

    __slots__ = ("text", "start", "end", "starts", "ends")

    def __init__(self, text: str, start: int, end: int) -> None:
        self.text, self.start, self.end = text, start, end
        self.starts: list[int] | None = None
        self.ends: list[int] = []

    def covers(self, ts: int, cut: int) -> bool:
        """Whether a span opens before the terminator at ``ts`` and closes after ``cut``."""
        if self.starts is None:
            if _MAY_PROTECT.search(self.text, self.start, self.end) is None:
                self.starts = []  # no bracket and no verse: nothing is protected
            else:
                self.starts, self.ends = _protected_spans(self.text, self.start, self.end)
        if not self.starts:
            return False
        i = bisect_left(self.starts, ts) - 1
        return i >= 0 and cut < self.ends[i]


def _protected_spans(text: str, start: int, end: int) -> tuple[list[int], list[int]]:
    """The protected spans of ``text[start:end]`` (outermost, merged): matched bracket
    pairs, unless they hold full sentences (:func:`_holds_sentences`), and matched
    quotation pairs that are cited (:func:`_is_cited`). Quotation pairs are matched
    all the same, so that a bracket inside a quotation pairs correctly."""
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
                o = stack[j][1]
                if i + 1 - o <= MAX_PROTECTED and (
                        not _holds_sentences(text, o, i) if c in _BRACKET_CLOSERS
                        else _is_cited(text, o, i, end)):
                    spans.append((o, i + 1))
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


def _holds_sentences(text: str, o: int, c: int) -> bool:
    """Whether the brackets at ``o`` and ``c`` hold full sentences: a capital after the
    opening bracket (and any opening quotes), a terminator (and any closing quotes) before
    the closing one. "(The ministry did not comment. It said a statement would follow.)"
    splits inside; "(see p. 5)" and "(accompanied by Min. Tajani)" do not."""
    i = o + 1
    while i < c and text[i] in _QUOTE_OPENERS:
        i += 1
    if i >= c or not text[i].isupper():
        return False
    k = c - 1
    while k > i and text[k] in _QUOTE_CLOSERS:
        k -= 1
    return text[k] in _TERMINATORS


def _is_cited(text: str, o: int, c: int, end: int) -> bool:
    """Whether the quotation from ``o`` to ``c`` is cited rather than reported speech:
    verse, its lines marked with " / ", or followed by a bracketed source ("(Manzoni)",
    "(Smith 55)": short, not a sentence)."""
    k = c + 1
    while k < end and text[k] == " ":
        k += 1
    if k < end and text[k] in "([":
        close = text.find(")" if text[k] == "(" else "]", k + 1, min(end, k + _SOURCE_MAX))
        if close > k + 1 and text[close - 1] not in _TERMINATORS:
            return True
    return text.find(" / ", o, c) >= 0


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
                mk = _next_marker(text, marker, marker_from, cut, be)
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
            # "Help!" Hammel added. / «Kömək edin!» – Həsənov bildirib.
            quoted = cls == _UPPER and not _QUOTE_CLOSERS.isdisjoint(text[m.end(1):b])
            cut = -1 if quoted and _attribution(text, nm.start(2), be, rules) else b
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


def _attribution(text: str, pos: int, be: int, rules: LanguageRules) -> bool:
    """Whether the capitalised clause at ``pos`` after a quotation is its attribution: it
    opens with a word that is not a sentence starter (a name, a title) and holds a
    reporting verb within its first words, before any comma or stop other than the period
    of an initial or an abbreviation ("Hammel added.", "Sen. Graham asked reporters.",
    "Jones Jr. shouted.", "Həsənov jurnalistlərə bildirib."). "He said ..." and "The
    police ..." start a sentence, and so does "Nobody knows, the minister said."."""
    words = 0
    prev = ""
    for t in _CLAUSE_TOKEN.finditer(text, pos, min(be, pos + 160)):
        w = t.group()
        if not w[0].isalnum():
            if w == "." and prev and (len(prev) == 1 or rules.kind(prev) is not None):
                continue  # an initial's or an abbreviation's period: "Sen.", "Jones Jr."
            return False
        if rules.is_reporting(w):
            return words > 0
        if words == 0 and rules.is_starter(w):
            return False
        words += 1
        if words >= _ATTRIBUTION_WORDS:
            return False
        prev = w
    return False


def _period_ends(text: str, ts: int, seg: int, cls: int, nm: re.Match[str],
                 rules: LanguageRules) -> bool:
    """Whether the period at ``ts`` ends a sentence, given what follows (not lower case)."""
    kind = _word_kind(text, ts, seg, rules)
    if kind is None:
        return True
    if kind is Kind.TITLE or kind is Kind.OFFICE:
        return False
    if kind is Kind.NUMERIC:
        return cls != _DIGIT
    if kind is Kind.FINAL:
        return cls != _DIGIT and nm.group(2) not in _COMPASS  # "1600 Pennsylvania Ave. NW"
    if kind is Kind.ERA:
        return cls != _DIGIT and not _date_opens_sentence(text, ts, seg)
    if kind is Kind.PLACE and cls == _UPPER and not nm.group(1) and _after_comma(text, ts, seg):
        return True  # "Washington, D.C. Officials said", but not "TAMPA, Fla. (AP) -"
    # AMBIGUOUS: only a sentence starter (or a quotation) opens a new sentence.
    if cls != _UPPER:
        return False
    word, after = nm.group(2), nm.end()
    if after < len(text) and text[after] == ".":
        if len(word) == 1:
            return False  # another initial: "J. A. Smith"
        following = rules.kind(word)
        if following is Kind.OFFICE and not _word_before(
                text, _word_start(text, ts, seg), seg)[-1:].isdigit():
            return False  # "U.S. Sens. Lindsey Graham", but "at 6 P.M. Sen. Graham ..."
        if following in TITLES:
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


def _word_start(text: str, ts: int, seg: int) -> int:
    """Where the word that ends at ``ts`` starts (within the segment)."""
    j = ts
    while j > seg and not text[j - 1].isspace():
        j -= 1
    return j


def _after_comma(text: str, ts: int, seg: int) -> bool:
    """Whether the word before the period at ``ts`` follows a comma: "Springfield, Ill."."""
    k = _rstrip(text, _word_start(text, ts, seg), seg)
    return k > seg and text[k - 1] == ","


def _date_opens_sentence(text: str, ts: int, seg: int) -> bool:
    """Whether the era before the period at ``ts`` closes a date that opens the sentence:
    at most two words before it other than numbers, Roman numerals and abbreviations
    ("Nel 79 d.C.", "Nel VI secolo a.C.", "Dal 27 a.C. al 14 d.C.")."""
    j = _word_start(text, ts, seg)
    if j - seg > 200:
        return False
    words = 0
    for w in text[seg:j].split():
        if "." in w or any(ch.isdigit() for ch in w) or w.strip(",;") in _ROMAN:
            continue
        words += 1
        if words > 2:
            return False
    return True


def _word_before(text: str, j: int, seg: int) -> str:
    """The word before position ``j`` (skipping white space) within the segment."""
    k = j
    while k > seg and text[k - 1].isspace():
        k -= 1
    i, lo = k, max(seg, k - _TOKEN_WINDOW)
    while i > lo and not text[i - 1].isspace():
        i -= 1
    return text[i:k]
