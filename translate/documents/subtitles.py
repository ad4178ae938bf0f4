"""SubRip (``.srt``) and WebVTT (``.vtt``) subtitles.

Cue numbers, identifiers, timing lines and settings are kept exactly, and so are the
WebVTT header and its ``NOTE``, ``STYLE`` and ``REGION`` blocks, and every line break as
written (a file may mix CRLF and LF, line by line). Each cue is cut into speaker turns (a
line opening with a dialogue dash or a ``<v Speaker>`` starts one). Consecutive cues are
joined into one stream only inside one speaker's continuous speech (:func:`joins`: no
speaker or position change, no overlap, a gap of at most ``max_gap`` seconds, at most
:data:`MAX_JOINED_CUES` cues), so a sentence spread over two cues is translated as one
sentence; it is then cut back at the cue boundaries by word alignment (:mod:`.cues`). A
turn keeps its source line breaks where its words go when the lines fit ``width``, else
it is re-wrapped to at most ``width`` characters on ``lines`` lines. Styling tags (``<i>``,
``<b>``, ``<u>``, ``<font>``, ``<c.class>``, ``<lang>``) are inline markup, projected onto
the translation like HTML's; cue-level tags at the start of a turn (``{\\an8}`` positions,
``<v Speaker>``, the dash) stay at its start.

Every step is linear in the file's size: lines are read once, cues, line breaks and
styling spans are walked with moving pointers, never searched per sentence; the tags of
one turn are bounded (the limit ``cue_tags``), as placing them costs more than their number.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from itertools import accumulate

from .. import detect
from ..errors import InputFileError, UserError, param
from ..limits import current as current_limits
from ..protocol import Translates
from .core import DocumentSegment
from .inline import Inline, Markup, project

#: the most digits an hour of a timing may have
MAX_HOUR_DIGITS = 9
#: the longest silence (seconds) between two cues of one sentence: a longer gap ends the
#: sentence (``translate_document(..., max_gap=)`` changes it)
MAX_GAP = 2.0
#: a cue without final punctuation followed, at least this many seconds after it ends,
#: by a cue that opens with a capital letter ends its sentence (``pause=``); 0: whenever
#: the next cue starts after it (not overlapping)
PAUSE = 0.0
#: the most cues joined into one stream of speech (a longer run is cut between cues)
MAX_JOINED_CUES = 8
#: a turn of at most this many lines keeps its line breaks where its words go (when
#: the lines fit ``width``); a longer one is re-wrapped (placing breaks costs time per line)
MAX_KEPT_LINES = 6

_SRT_TIME = re.compile(
    r"^\s*(\d+):(\d{1,3}):(\d{1,3})[,.](\d{1,3})[ \t]*-->[ \t]*"
    r"(\d+):(\d{1,3}):(\d{1,3})[,.](\d{1,3})(.*)$")
_VTT_TIME = re.compile(
    r"^((?:\d+:)?\d{2}:\d{2}\.\d{3})[ \t]+-->[ \t]+((?:\d+:)?\d{2}:\d{2}\.\d{3})((?:[ \t].*)?)$")
# a tag cannot hold "<": each scan stops at the next one (no quadratic rescans)
_TAG = re.compile(r"<(/?)([A-Za-z]+|\d[\d:.]*)([^<>]*)>|\{\\[^{}]*\}")
_VOICE = r"<v(?:\.[^ \t<>]*)?(?:[ \t][^<>]*)?>"
_CUE_PREFIX = re.compile(r"(?:\{\\[^{}]*\}|" + _VOICE + r"|[ \t])*(?:[-\u2010\u2013\u2014]"
                         r"(?=[ \t]*[^\W\d_]|[ \t]*[\"'¿¡<({\[…])[ \t]*)?")
_VOICE_AT = re.compile(r"(?:\{\\[^{}]*\}|[ \t])*<v(?:\.[^ \t<>]*)?(?:[ \t]([^<>]*))?>")
_DASH_AT = re.compile(r"(?:\{\\[^{}]*\}|<[A-Za-z][^<>]*>|[ \t])*[-\u2010\u2013\u2014]"
                      r"(?![-\u2010\u2013\u2014>])[ \t]*(?:[^\W\d_]|[\"'¿¡<({\[…])")
_POSITION = re.compile(r"\{\\(?:an?\d+|pos\([^(){}]*\)|move\([^(){}]*\))\}")
_EOL = re.compile(r"\r+\n?|\n")
_FINAL = re.compile(r"[.!?…:;。！？][\"'”’»)\]]*$")
_OPENERS = "\"'“‘«([¿¡"


@dataclass(frozen=True, slots=True)
class Cue:
    """One cue: the lines before its text (number or identifier, timing) kept verbatim,
    and its text as written (tags and each line's own break included); ``settings`` is
    what follows the timing on its line; ``continued``: text an SRT file has after a
    blank line inside a cue (a block without a timing line), shown with that cue."""

    head: str
    text: str
    start: float
    end: float
    settings: str = ""
    continued: bool = False


@dataclass(frozen=True, slots=True)
class Track:
    """A subtitle file: verbatim chunks and cues, in file order."""

    kind: str  # "srt" | "vtt"
    parts: tuple[str | Cue, ...]
    notes: tuple[str, ...] = ()  # what was kept as written without being a cue

    @property
    def cues(self) -> list[Cue]:
        return [p for p in self.parts if isinstance(p, Cue)]

    def render(self, texts: list[str] | None = None) -> str:
        """The file again, with each cue's text replaced by ``texts`` (in cue order)."""
        it = iter(texts) if texts is not None else None
        out = []
        for p in self.parts:
            if isinstance(p, Cue):
                out.append(p.head + (p.text if it is None else next(it)))
            else:
                out.append(p)
        return "".join(out)


def split_lines(text: str) -> list[tuple[str, str]]:
    """``text`` as (line, its break) pairs, each break as written: ``\n``, ``\r\n``, a
    lone ``\r`` (WebVTT's three line terminators, in any mix), and ``\n`` with several
    carriage returns before it (``\r\r\n``, written by tools that turned CRLF into CRLF
    again) as one break. The last line's break is ``""`` when the text does not end with
    one. ``"".join(line + brk ...) == text``; linear in the text's length."""
    out: list[tuple[str, str]] = []
    pos = 0
    for m in _EOL.finditer(text):
        brk = m.group()
        line = text[pos:m.start()]
        if brk.endswith("\n") or len(brk) == 1:
            out.append((line, brk))
        else:  # carriage returns without a line feed: each ends a line
            out.append((line, "\r"))
            out.extend(("", "\r") for _ in range(len(brk) - 1))
        pos = m.end()
    if pos < len(text):
        out.append((text[pos:], ""))
    return out


def _seconds(h: str, m: str, s: str, ms: str) -> float:
    return int(h) * 3600 + int(m) * 60 + int(s) + int(ms.ljust(3, "0")) / 1000


def _vtt_seconds(stamp: str) -> float:
    parts = stamp.split(":")
    if len(parts) == 2:
        parts.insert(0, "0")
    sec, ms = parts[2].split(".")
    return _seconds(parts[0], parts[1], sec, ms)


def _bad(name: str, line: int, what: str) -> InputFileError:
    return InputFileError(name, what, line=line)


def _shown(line: str) -> str:
    shown = line.strip()
    shown = shown if len(shown) <= 40 else shown[:40] + "..."
    return repr(shown)


def _blank(line: str) -> bool:
    return not line.strip()


def parse(text: str, kind: str, name: str = "<input>") -> Track:
    """Parse an SRT or WebVTT file; a bad timing is a one-line error naming its line."""
    bom = "\ufeff" if text.startswith("\ufeff") else ""
    lines = split_lines(text[len(bom):])
    parts: list[str | Cue] = [bom] if bom else []
    notes: list[str] = []
    first = True
    limits, cues = current_limits(), 0
    prev: Cue | None = None  # the cue of the block before, for SRT continuation text
    i, n = 0, len(lines)
    while i < n:
        if _blank(lines[i][0]):
            j = i
            while j < n and _blank(lines[j][0]):
                j += 1
            parts.append("".join(a + b for a, b in lines[i:j]))
            i = j
            continue
        j = i
        while j < n and not _blank(lines[j][0]):
            j += 1
        block = lines[i:j]  # a block: lines up to the next blank one
        after = prev
        prev = None
        if kind == "vtt" and first:
            if not block[0][0].removeprefix("\ufeff").startswith("WEBVTT"):
                raise _bad(name, i + 1, "is not a WebVTT file: the first line must be WEBVTT")
            parts.append("".join(a + b for a, b in block))
        elif kind == "vtt" and re.match(r"(NOTE|STYLE|REGION)(\s|$)", block[0][0]):
            parts.append("".join(a + b for a, b in block))
        elif kind == "vtt" and not any("->" in line for line, _ in block):
            parts.append("".join(a + b for a, b in block))  # players skip it: so do we
            notes.append(f"line {i + 1}: a block without a timing line is no cue (players "
                         "do not show it); kept as it is, not translated")
        elif (kind == "srt" and not _starts_cue(block) and _continues(block)
              and after is not None):
            prev = Cue("", _verbatim(block), after.start, after.end, after.settings, True)
            parts.append(prev)
            parts.append(block[-1][1])
        else:
            for a, b in _cue_bounds(block, kind):
                cues += 1
                at = i + a + 1
                limits.check("cues", cues, "has more than {limit} cues", name, at)
                prev = _cue(block[a:b], kind, name, at)  # (linear: checked after)
                size = len(prev.text)
                limits.check("text_chars", size, f"a cue of {size} characters", name, at)
                limits.check("cue_lines", prev.text.count("\n") + 1,
                             "a cue of more than {limit} lines", name, at)
                parts.append(prev)
                parts.append(block[b - 1][1])
        first = False
        i = j
    parts = [p for p in parts if not isinstance(p, str) or p]
    if kind == "srt" and not any(isinstance(p, Cue) for p in parts) and \
            any(line.strip() for line, _ in lines):
        raise _bad(name, 1, "has no subtitle cues; is it really an SRT file?")
    return Track(kind, tuple(parts), tuple(notes))


def _verbatim(block: list[tuple[str, str]]) -> str:
    """A block's lines as written, without the break after its last line."""
    return "".join(a + b for a, b in block[:-1]) + block[-1][0]


def _starts_cue(block: list[tuple[str, str]]) -> bool:
    return "-->" in block[0][0] or (len(block) > 1 and "-->" in block[1][0])


def _continues(block: list[tuple[str, str]]) -> bool:
    """Whether an SRT block without a timing line reads as more text of the cue before
    (a blank line inside a cue): no arrow, and not a lone cue number over more lines."""
    if any("->" in line for line, _ in block):
        return False
    return not (len(block) > 1 and block[0][0].strip().isdigit())


def _cue_bounds(block: list[tuple[str, str]], kind: str) -> list[tuple[int, int]]:
    """Where each cue of a block starts and ends: a new cue starts without a blank line
    before it at a timing line (as YouTube's WebVTT files and some SRT tools write them;
    the WebVTT parser ends cue text at a line holding ``-->``), an SRT one with the cue
    number on the line before it."""
    timing = 0 if "-->" in block[0][0] else 1
    starts = [0]
    for k in range(timing + 1, len(block)):
        line = block[k][0]
        if kind == "vtt":
            if "-->" in line:
                starts.append(k)
        elif _SRT_TIME.match(line):
            at = k - 1 if block[k - 1][0].strip().isdigit() and k - 1 > starts[-1] + timing \
                else k
            starts.append(at)
    return list(zip(starts, [*starts[1:], len(block)], strict=True))


def _cue(block: list[tuple[str, str]], kind: str, name: str, line: int) -> Cue:
    lines = [a for a, _ in block]
    timing_at = 0 if "-->" in lines[0] else 1
    if timing_at >= len(lines) or "-->" not in lines[timing_at]:
        what = ("a cue has no timing line (HH:MM:SS,mmm --> HH:MM:SS,mmm)" if kind == "srt"
                else "a cue has no timing line (HH:MM:SS.mmm --> HH:MM:SS.mmm)")
        raise _bad(name, line, what)
    number = lines[0].strip().lstrip("\ufeff\u200b")
    if kind == "srt" and timing_at == 1 and not number.isdigit():
        raise _bad(name, line, f"cue number {_shown(lines[0])} is not a number")
    timing = lines[timing_at]
    at = line + timing_at
    if kind == "srt":
        m = _SRT_TIME.match(timing.lstrip("\ufeff\u200b"))
        if not m:
            raise _bad(name, at, f"bad timing {_shown(timing)}: "
                                 "use HH:MM:SS,mmm --> HH:MM:SS,mmm")
        g = m.groups()
        _check_hours(name, at, timing, g[0], g[4])
        if int(g[1]) > 59 or int(g[2]) > 59 or int(g[5]) > 59 or int(g[6]) > 59:
            raise _bad(name, at, f"bad timing {_shown(timing)}: minutes and seconds run to 59")
        start, end = _seconds(*g[:4]), _seconds(*g[4:8])
        settings = g[8]
    else:
        m = _VTT_TIME.match(timing.strip())
        if not m:
            raise _bad(name, at, f"bad timing {_shown(timing)}: "
                                 "use HH:MM:SS.mmm --> HH:MM:SS.mmm")
        _check_hours(name, at, timing,
                     *(stamp.split(":")[0] for stamp in m.groups()[:2] if stamp.count(":") == 2))
        start, end = _vtt_seconds(m.group(1)), _vtt_seconds(m.group(2))
        settings = m.group(3)
    if end < start:
        raise _bad(name, at, f"cue ends before it starts ({_shown(timing)}); fix the timing")
    head = "".join(a + b for a, b in block[:timing_at + 1])
    if timing_at + 1 == len(block):  # no text: the timing line's break is the block's
        head = head[:len(head) - len(block[-1][1])]
    return Cue(head, _verbatim(block[timing_at + 1:]) if timing_at + 1 < len(block) else "",
               start, end, " ".join(settings.split()))


def _check_hours(name: str, line: int, timing: str, *hours: str) -> None:
    for h in hours:
        if len(h) > MAX_HOUR_DIGITS:
            raise _bad(name, line, f"bad timing {_shown(timing)}: its hours have {len(h)} "
                                   f"digits (limit {MAX_HOUR_DIGITS})")


# ----------------------------------------------------------------------------- cue text


@dataclass(frozen=True, slots=True)
class Styled:
    """A turn's text as plain text (its lines joined by one space) plus styling spans, its
    cue-level prefix/suffix, and where its source lines were joined."""

    prefix: str
    plain: str
    spans: tuple[tuple[int, int, str, str], ...]  # (start, end, opening tag, closing tag)
    suffix: str
    breaks: tuple[int, ...] = ()  # offsets in plain of the spaces that join its lines


@dataclass(frozen=True, slots=True)
class Turn:
    """One speaker's lines of a cue (a cue holds one turn, or one per dialogue dash or
    ``<v>`` at a line's start): ``first``/``count`` index the cue's text lines."""

    cue: int
    first: int
    count: int
    styled: Styled
    voice: str | None
    dash: bool

    @property
    def speech(self) -> bool:
        return any(ch.isalpha() for ch in self.styled.plain)


def split_styles(text: str, kind: str, name: str = "<input>", where: str = "cue") -> Styled:
    """Separate a turn's styling tags from its text (lines joined by one space); tags
    open deeper than the limit ``nesting_depth``, or more than
    the limit ``cue_tags`` of them, are refused while reading."""
    text = "\n".join(line for line, _ in split_lines(text))
    prefix = _CUE_PREFIX.match(text).group(0)
    body = text[len(prefix):]
    suffix = ""
    if body.endswith("</v>") and "<v" in prefix:
        body, suffix = body[:-4], "</v>"
    plain: list[str] = []
    size = 0
    stack: list[tuple[str, str, int, int]] = []
    spans: list[tuple[int, int, int, str, str]] = []  # start, end, order opened, tags
    pos = 0
    for seq, t in enumerate(_TAG.finditer(body)):
        piece = body[pos:t.start()]
        piece = html.unescape(piece) if kind == "vtt" else piece
        plain.append(piece)
        size += len(piece)
        pos = t.end()
        tag = t.group(0)
        most = current_limits().cue_tags
        if len(spans) + len(stack) >= most and not (t.group(1) and stack):
            raise InputFileError(name, current_limits().over(
                "cue_tags", f"{where}: more than {most} styling tags (a pair <i>...</i> is one)"))
        if t.group(2) is None or t.group(2)[0].isdigit():
            spans.append((size, size, seq, tag, ""))  # a position or a timestamp: void
        elif t.group(1):
            tag_name = t.group(2).lower()
            for k in range(len(stack) - 1, -1, -1):
                if stack[k][0] == tag_name:
                    _, opening, start, opened = stack.pop(k)
                    spans.append((start, size, opened, opening, tag))
                    break
            else:  # closes nothing: kept where it is, as written
                spans.append((size, size, seq, tag, ""))
        else:
            stack.append((t.group(2).lower(), tag, size, seq))
            deepest = current_limits().nesting_depth
            if len(stack) > deepest:
                raise InputFileError(name, current_limits().over(
                    "nesting_depth", f"{where}: styling tags nested more than {deepest} deep"))
    piece = body[pos:]
    piece = html.unescape(piece) if kind == "vtt" else piece
    plain.append(piece)
    size += len(piece)
    for _, opening, start, opened in stack:  # never closed: runs to the end of the turn
        spans.append((start, size, opened, opening, ""))
    spans.sort(key=lambda s: (s[0], s[2]))  # as opened: outer first
    joined = "".join(plain)
    breaks = tuple(i for i, ch in enumerate(joined) if ch == "\n")
    return Styled(prefix.replace("\n", " "), joined.replace("\n", " "),
                  tuple((a, b, o, c) for a, b, _, o, c in spans), suffix, breaks)


def turns(k: int, cue: Cue, kind: str, name: str = "<input>", number: int = 0
          ) -> list[Turn]:
    """Cue ``k``'s turns: a line opening with a dialogue dash (``- ``) or a ``<v Speaker>``,
    or following a line that closes its voice (``</v>``), starts one; other lines go on
    with the turn before. ``number``: the cue's number in messages (``k + 1``)."""
    lines = split_lines(cue.text)
    if not lines:
        return []
    starts = [0] + [j for j in range(1, len(lines))
                    if _DASH_AT.match(lines[j][0]) or _VOICE_AT.match(lines[j][0])
                    or lines[j - 1][0].rstrip().endswith("</v>")]
    out = []
    for a, b in zip(starts, [*starts[1:], len(lines)], strict=True):
        first = lines[a][0]
        voice = _VOICE_AT.match(first)
        text = "\n".join(line for line, _ in lines[a:b])
        styled = split_styles(text, kind, name, f"cue {number or k + 1}")
        out.append(Turn(k, a, b - a, styled,
                        " ".join((voice.group(1) or "").split()) if voice else None,
                        bool(_DASH_AT.match(first))))
    return out


def joins(before: Cue, prev: Turn, cue: Cue, turn: Turn, *, max_gap: float = MAX_GAP,
          pause: float = PAUSE) -> bool:
    """Whether ``turn`` (the first of ``cue``) goes on with the speech of ``prev`` (the
    last turn of ``before``, the cue right before it): the same speaker (no dialogue
    dash, the same ``<v>`` voice or none), the same position (cue settings, ``{\\an8}``
    tags), no overlap or simultaneous start, a gap of at most ``max_gap`` seconds, and
    not a cue without final punctuation followed by a capitalised cue ``pause`` seconds
    or more later."""
    if turn.dash or turn.voice != prev.voice or not prev.speech or not turn.speech:
        return False
    if cue.continued:
        return True
    if cue.settings != before.settings or \
            _POSITION.findall(cue.text) != _POSITION.findall(before.text):
        return False
    gap = cue.start - before.end
    if gap < 0 or cue.start <= before.start or gap > max_gap:
        return False
    said = prev.styled.plain.rstrip()
    if gap >= pause and not _FINAL.search(said) and _capitalised(turn.styled.plain):
        return False
    return True


def _capitalised(text: str) -> bool:
    """Whether ``text`` opens with a capital letter (after quotes and brackets; the
    pronoun *I* does not count: it is capitalised anywhere)."""
    text = text.lstrip().lstrip(_OPENERS)
    if not text or not text[0].isupper():
        return False
    return not (text[0] == "I" and (len(text) == 1 or not text[1].isalpha()))


def escape(text: str, kind: str) -> str:
    if kind != "vtt":
        return text
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def render_styles(plain: str, spans, kind: str) -> str:
    """Plain text with styling spans written back in as tags (well nested)."""
    events: list[tuple[int, int, int, int, str]] = []
    for n, (start, end, opening, closing, *_) in enumerate(spans):
        events.append((start, 1, n, 0, opening))
        if closing:  # an empty element closes right after it opens
            events.append((end, 1, n, 1, closing) if end == start else
                          (end, 0, -n, 0, closing))
    # at one position: closings first (inner before outer), then openings (outer first)
    events.sort(key=lambda e: e[:4])
    out, pos = [], 0
    for at, _, _, _, tag in events:
        out.append(escape(plain[pos:at], kind))
        out.append(tag)
        pos = at
    out.append(escape(plain[pos:], kind))
    return "".join(out)


# ----------------------------------------------------------------------------- translation


def _inlines(spans) -> tuple[Inline, ...]:
    """Styling spans (start, end, opening, closing, ...), sorted by (start, -end), as
    well-nested inline elements; each element's key is its span's index."""
    out: list[Inline] = []
    stack: list[int] = []  # ends of the open elements
    for n, (a, b, opening, closing, *_) in enumerate(spans):
        while stack and (stack[-1] <= a and not (a == b == stack[-1])):
            stack.pop()
        out.append(Inline(a, b, "style", Markup(opening, closing, key=n), void=a == b,
                          depth=len(stack)))
        if b > a:
            stack.append(b)
    return tuple(out)


def translate_subtitles(text: str, kind: str, src: str, tgt: str,
                        translator: Translates, *,
                        name: str = "<input>", width: int = 42, lines: int = 2,
                        max_gap: float = MAX_GAP, pause: float = PAUSE
                        ) -> tuple[str, list[DocumentSegment], list[str]]:
    """Translate an SRT or WebVTT file (``kind`` ``"srt"`` or ``"vtt"``); returns the
    translated file, one record per sentence and notes. ``max_gap`` and ``pause``
    (seconds) are the joining rules' limits (:func:`joins`)."""
    from ..segment import segment
    from .cues import cut_points, visible_len, wrap

    if width < 10 or lines < 1:
        raise UserError(f"subtitle lines need {param('width')} of at least 10 and "
                        f"{param('lines')} of at least 1")
    if not (max_gap >= 0 and pause >= 0):
        raise UserError(f"subtitle {param('max_gap')} and {param('pause')} are seconds, "
                        "0 or more")
    track = parse(text, kind, name)
    cues = track.cues
    # each cue's number in messages: SRT text after a blank line inside a cue is its cue's
    number = list(accumulate(0 if cue.continued else 1 for cue in cues))
    all_turns: list[Turn] = []
    for k, cue in enumerate(cues):
        all_turns.extend(turns(k, cue, kind, name, number[k]))
    # one stream: the turns of one stretch of speech joined by a space, stretches by a
    # paragraph break (no sentence crosses one); tstart[i] is turn i's offset in it
    pieces: list[str] = []
    tstart: list[int] = []
    pos = count = 0
    prev: Turn | None = None
    for t in all_turns:
        if (prev is not None and t.first == 0 and prev.cue == t.cue - 1
                and count < MAX_JOINED_CUES
                and joins(cues[prev.cue], prev, cues[t.cue], t, max_gap=max_gap, pause=pause)):
            sep, count = " ", count + 1
        else:
            sep, count = ("\n\n" if pieces else ""), 1
        pieces.append(sep)
        pos += len(sep)
        tstart.append(pos)
        pieces.append(t.styled.plain)
        pos += len(t.styled.plain)
        prev = t
    stream = "".join(pieces)
    src = detect.source_language(src, stream)
    segments = segment(stream, src)  # those without a letter are placed, not translated
    sentences = [s for s in segments if any(ch.isalpha() for ch in s.text)]
    langs = detect.segment_languages(sentences, src, tgt)
    results: dict[int, object] = {}
    for lang, idx in detect.by_language(langs, skip=tgt).items():
        outs = translator.translate_batch([sentences[i].text for i in idx], lang, tgt,
                                          align=True)
        results.update(zip(idx, outs, strict=True))
    # every turn collects (target text, styling spans on it) from its sentences
    turn_parts: list[list[_Piece]] = [[] for _ in all_turns]
    placing: list[str] = []
    records = _place(segments, results, langs, all_turns, tstart, turn_parts, cut_points,
                     number, placing)
    texts, notes = _write_cues(cues, all_turns, turn_parts, kind, width, lines,
                               (wrap, visible_len), _first_break(text), number)
    return track.render(texts), records, [*track.notes, *placing, *notes]


class _Piece:
    """The part of one sentence's output in one turn: its text, its styling spans
    (start, end, opening, closing, source span), where a source line break falls inside
    it, and whether one falls before it (between two sentences of the turn)."""

    __slots__ = ("breaks", "newline", "spans", "speech", "text")

    def __init__(self, text: str, newline: bool = False) -> None:
        self.text = text
        self.spans: list[tuple[int, int, str, str, int]] = []
        self.breaks: list[int] = []
        self.newline = newline
        self.speech = True  # from a sentence with a letter (else kept as it is)


def _place(sentences, results, langs, all_turns: list[Turn], tstart: list[int],
           turn_parts: list[list[_Piece]], cut_points, number: list[int], notes: list[str]
           ) -> list[DocumentSegment]:
    """Each segment's output (its source when kept, or without a letter: ``♪``, ``42``)
    cut at the turn boundaries it spans (by word alignment), its styling placed, each
    piece added to its turn's parts; one report row per sentence with a letter. Segments,
    turns, spans and line breaks are walked once, in order, with moving pointers."""
    spans: list[tuple[int, int, str, str, int]] = []  # global offsets, by start; owner turn
    joins_at: list[tuple[int, int]] = []  # (global offset of a line join, its turn)
    for i, t in enumerate(all_turns):
        off = tstart[i]
        spans.extend((a + off, b + off, o, c, i) for a, b, o, c in t.styled.spans)
        if len(t.styled.breaks) < MAX_KEPT_LINES:
            joins_at.extend((off + b, i) for b in t.styled.breaks)
    walk = _SpanWalk(spans, turn_parts)
    newline = bytearray(len(all_turns))  # a line break waits before the turn's next piece
    records: list[DocumentSegment] = []
    ti = bp = 0
    i = -1  # the sentence's index among those with a letter
    for sent in sentences:
        speech = any(ch.isalpha() for ch in sent.text)
        i += speech
        s0, s1 = sent.start, sent.end
        while ti + 1 < len(tstart) and tstart[ti + 1] <= s0:
            ti += 1
        last = ti
        while last + 1 < len(tstart) and tstart[last + 1] < s1:
            last += 1
        while bp < len(joins_at) and joins_at[bp][0] <= s0:  # between two sentences
            newline[joins_at[bp][1]] = 1
            bp += 1
        lines: list[int] = []
        while bp < len(joins_at) and joins_at[bp][0] < s1:
            lines.append(joins_at[bp][0] - s0)
            bp += 1
        own = walk.take(s0, s1, ti)
        pieces, record = _place_sentence(
            sent, results.get(i) if speech else None, langs[i] if speech else "",
            [tstart[k] - s0 for k in range(ti + 1, last + 1)],
            lines, own, ti, all_turns[ti].cue, _where(number[all_turns[ti].cue],
                                                     number[all_turns[last].cue]),
            cut_points, notes)
        for j, piece in enumerate(pieces):
            piece.newline = bool(newline[ti + j])
            piece.speech = speech
            newline[ti + j] = 0
            turn_parts[ti + j].append(piece)
        if speech:
            records.append(record)
    walk.finish()
    return records


class _SpanWalk:
    """The styling spans of all turns (global offsets, by start), handed to the
    sentences in order: each span goes to every sentence it overlaps, or, wholly between
    two sentences, to the end of its turn's last piece (a position, a stray closing tag)."""

    def __init__(self, spans: list[tuple[int, int, str, str, int]],
                 turn_parts: list[list[_Piece]]) -> None:
        self.spans = spans
        self.turn_parts = turn_parts
        self.placed = bytearray(len(spans))
        self.next = 0
        self.active: list[int] = []  # begun before the current sentence's end, not done

    def _at_end_of_turn(self, n: int) -> bool:
        a, b, o, c, t = self.spans[n]
        if self.placed[n] or not self.turn_parts[t]:
            return False
        piece = self.turn_parts[t][-1]
        piece.spans.append((len(piece.text), len(piece.text), o, c, n))
        self.placed[n] = 1
        return True

    def take(self, s0: int, s1: int, ti: int) -> list[tuple[int, int, str, str, int, int]]:
        """The spans of the sentence ``[s0, s1)`` (which starts in turn ``ti``), relative
        to it, with their turn and index."""
        spans = self.spans
        while self.next < len(spans) and spans[self.next][0] <= s1:
            self.active.append(self.next)
            self.next += 1
        own: list[tuple[int, int, str, str, int, int]] = []
        keep: list[int] = []
        for n in self.active:
            a, b, o, c, t = spans[n]
            if b <= s0 and (a < b or a < s0):  # wholly before: in the gap before it
                if self._at_end_of_turn(n) or self.placed[n] or t != ti:
                    continue
            elif a >= s1 and a < b:  # starts where this sentence ends
                keep.append(n)
                continue
            own.append((max(a, s0) - s0, max(min(b, s1), max(a, s0)) - s0, o, c, t, n))
            self.placed[n] = 1
            if b > s1:
                keep.append(n)
        self.active = keep
        return own

    def finish(self) -> None:
        """The spans after the last sentence, at the end of their turns."""
        for n in [*self.active, *range(self.next, len(self.spans))]:
            self._at_end_of_turn(n)


def _place_sentence(sent, res, lang: str, inner: list[int], lines: list[int], own: list,
                    first: int, block: int, where: str, cut_points, guessed: list[str]
                    ) -> tuple[list[_Piece], DocumentSegment]:
    """One sentence's output cut into its turns' pieces (at ``inner``, the turn
    boundaries, by alignment), each with the styling of its own turn (styling never moves
    to another turn's cue) and the source line breaks (``lines``) placed between its
    words; its report row. A styling span no link placed (put by relative position) is
    a note in ``guessed``."""
    target = sent.text if res is None else res.text
    links = () if res is None else tuple(getattr(res, "alignment", ()) or ())
    own.sort(key=lambda s: (s[0], s[5]))  # as in the source: outer first
    if res is None or not own:
        tspans = own
    else:
        inlines, found = _inlines(own), []
        placed = project(inlines, sent.text, target, links, guessed=found)
        if links:  # with no alignment at all every span is placed so, as documented
            for k in dict.fromkeys(found):
                el = inlines[k]
                words = sent.text[el.start:el.end].strip()
                tag = el.payload.open + (f" around {words!r}" if words else "")
                guessed.append(f"{where}: {tag} placed by relative position (the word "
                               "alignment placed none of its words)")
        tspans = [(_word_start(el, own[el.payload.key][0], sent.text, target), el.end,
                   el.payload.open, el.payload.close, *own[el.payload.key][4:])
                  for el in placed]
    # one cut per boundary, turn and line boundaries together, so they stay in order
    marks = sorted([(p, 0) for p in inner] + [(p, 1) for p in lines])
    points = [p for p, _ in marks]
    cuts = cut_points(sent.text, target, points, links) if res is not None else points
    turn_cuts = [c for c, (_, kind) in zip(cuts, marks, strict=True) if kind == 0]
    line_cuts = [c for c, (_, kind) in zip(cuts, marks, strict=True) if kind == 1]
    bounds = [0, *turn_cuts, len(target)]
    pieces: list[_Piece] = []
    starts: list[int] = []
    for j in range(len(bounds) - 1):
        lo, hi = bounds[j], bounds[j + 1]
        piece = target[lo:hi]
        starts.append(lo + len(piece) - len(piece.lstrip()))
        pieces.append(_Piece(piece.strip()))
    j = 0
    for c in line_cuts:  # ascending, as the pieces
        while j + 1 < len(pieces) and c >= bounds[j + 1]:
            j += 1
        rel = c - starts[j]
        if 0 < rel < len(pieces[j].text) and pieces[j].text[rel].isspace():
            pieces[j].breaks.append(rel)
    for a, b, o, c, t, n in tspans:
        k = min(max(t - first, 0), len(pieces) - 1)
        piece, a0 = pieces[k], starts[k]
        a1 = a0 + len(piece.text)
        s = min(max(a, a0), a1)
        piece.spans.append((s - a0, min(max(b, s), a1) - a0, o, c, n))
    if res is None:
        return pieces, DocumentSegment(sent.start, sent.end, sent.text, lang, "kept",
                                       sent.text, block=block, where=where)
    return pieces, DocumentSegment(
        sent.start, sent.end, sent.text, lang, "translated", res.text, tuple(res.models),
        tuple(res.warnings), tuple(res.terms), getattr(res, "from_memory", False),
        block=block, where=where, alignment=links)


def _where(first: int, last: int) -> str:
    return f"cue {first}" + (f"-{last}" if last > first else "")


def _word_start(el: Inline, p: int, source: str, target: str) -> int:
    """Where void element ``el`` starts: a tag right before a source word (a karaoke
    timestamp ``<00:17.500>hits``) stays right before its target word, past the space
    that the projection put it before."""
    x = el.start
    if not el.void or not (0 < p < len(source) and source[p - 1].isspace()
                           and not source[p].isspace()):
        return x
    while x < len(target) and target[x].isspace():
        x += 1
    return x if x < len(target) else el.start


def _write_cues(cues: list[Cue], all_turns: list[Turn],
                turn_parts: list[list[_Piece]], kind: str, width: int, lines: int,
                layout, default_break: str, number: list[int]
                ) -> tuple[list[str], list[str]]:
    """Each cue's text: its turns, each from its parts, styled and wrapped (a turn without
    a translated sentence as written), the lines joined by the cue's own line breaks in
    order; a turn the translation left empty gets an ellipsis (noted), one with speech
    that no sentence reached is kept and noted (never silently)."""
    wrap, visible_len = layout
    texts, notes = [], []
    at = 0
    for k, cue in enumerate(cues):
        src_lines = split_lines(cue.text)
        own = []
        while at < len(all_turns) and all_turns[at].cue == k:
            own.append(at)
            at += 1
        if not any(p.speech for i in own for p in turn_parts[i]):
            if any(all_turns[i].speech for i in own):
                notes.append(f"cue {number[k]}: its text could not be translated; kept as it is")
            texts.append(cue.text)
            continue
        budget = lines if len(own) == 1 else 1
        out: list[str] = []
        for i in own:
            t = all_turns[i]
            st = t.styled
            plain, tspans = _join(turn_parts[i])
            if not any(p.speech for p in turn_parts[i]):
                if t.speech:
                    notes.append(f"cue {number[k]}: a line of its text could not be translated; "
                                 "kept as it is")
                out.extend(line for line, _ in src_lines[t.first:t.first + t.count])
                continue
            if not plain.strip():
                plain, tspans = "…", []
                notes.append(f"cue {number[k]}: the translation left it empty; wrote …")
            body = render_styles(plain, tspans, kind)
            kept = [line.strip() for line in body.split("\n")]
            if len(kept) == 1 or not all(kept) or \
                    any(visible_len(line) > width for line in kept):
                kept = wrap(body, width, budget).split("\n")  # the source's lines do not fit
            kept[0] = st.prefix + kept[0]
            kept[-1] += st.suffix
            out.extend(kept)
        breaks = [brk for _, brk in src_lines[:-1]]
        fallback = breaks[-1] if breaks else (_last_break(cue.head) or default_break)
        texts.append("".join(line + (breaks[j] if j < len(breaks) else fallback)
                             for j, line in enumerate(out[:-1])) + out[-1])
    return texts, notes


def _last_break(text: str) -> str:
    """The break after ``text``'s last line (``""`` for none)."""
    lines = split_lines(text)
    return lines[-1][1] if lines else ""


def _first_break(text: str) -> str:
    """The file's first line break as written (``\n`` in a file without one)."""
    m = _EOL.search(text)
    if m is None:
        return "\n"
    return m.group() if m.group().endswith("\n") or len(m.group()) == 1 else "\r"


def _join(parts: list[_Piece]) -> tuple[str, list]:
    """A turn's pieces joined by one space (a line break where its source lines broke);
    a source span cut over two of its sentences is one span again."""
    out: list[str] = []
    spans: list[tuple[int, int, str, str]] = []
    index: dict[int, int] = {}  # source span -> its entry in spans
    size = 0
    for part in parts:
        if not part.text and not part.spans:
            continue
        shift = size + (1 if out else 0)
        if out:
            out.append("\n" if part.newline else " ")
        at = 0
        for rel in part.breaks:
            out.append(part.text[at:rel])
            out.append("\n")
            at = rel + 1
        out.append(part.text[at:])
        size = shift + len(part.text)
        for a, b, o, c, n in part.spans:
            if n in index:
                j = index[n]
                spans[j] = (spans[j][0], b + shift, o, c)
            else:
                index[n] = len(spans)
                spans.append((a + shift, b + shift, o, c))
    return "".join(out), spans
