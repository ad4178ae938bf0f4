"""SubRip (``.srt``) and WebVTT (``.vtt``) subtitles.

Cue numbers, identifiers, timing lines and settings are kept exactly, and so are the WebVTT
header and its ``NOTE``, ``STYLE`` and ``REGION`` blocks. The text of consecutive cues is
joined into one stream and segmented, so a sentence spread over two cues is translated as
one sentence; it is then cut back at the cue boundaries by word alignment
(:mod:`.cues`), each cue re-wrapped to at most ``width`` characters on ``lines`` lines.
Styling tags (``<i>``, ``<b>``, ``<u>``, ``<font>``, ``<c.class>``, ``<lang>``) are inline
markup, projected onto the translation like HTML's; cue-level tags at the start of a cue
(``{\\an8}`` positions, ``<v Speaker>``) stay at its start.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass

from .. import detect
from ..errors import InputFileError, UserError, param
from ..limits import current as current_limits
from ..protocol import Translates
from .core import DocumentSegment
from .inline import Inline, Markup, project

_BLOCK_SEP = re.compile(r"(\r?\n(?:[ \t]*\r?\n)+)")
_LINE_BREAK = re.compile(r"(\r?\n)")  # each line's own break: a file may mix CRLF and LF
#: the most digits an hour of a timing may have
MAX_HOUR_DIGITS = 9
_SRT_TIME = re.compile(
    r"^\s*(\d+):(\d{1,2}):(\d{1,2})[,.](\d{1,3})\s*-->\s*(\d+):(\d{1,2}):(\d{1,2})[,.](\d{1,3})")
_VTT_TIME = re.compile(
    r"^((?:\d+:)?\d{2}:\d{2}\.\d{3})\s+-->\s+((?:\d+:)?\d{2}:\d{2}\.\d{3})(?:[ \t].*)?$")
_TAG = re.compile(r"<(/?)([A-Za-z]+|\d[\d:.]*)([^>]*)>|\{\\[^}]*\}")
_CUE_PREFIX = re.compile(r"^(?:\{\\[^}]*\}|<v(?:\.[^ >]*)?[ \t][^>]*>|<v>)+")


@dataclass(frozen=True, slots=True)
class Cue:
    """One cue: the lines before its text (number or identifier, timing) kept verbatim,
    and its text as written (tags included, lines joined by the file's newline)."""

    head: str
    text: str
    start: float
    end: float


@dataclass(frozen=True, slots=True)
class Track:
    """A subtitle file: verbatim chunks and cues, in file order."""

    kind: str  # "srt" | "vtt"
    parts: tuple[str | Cue, ...]
    newline: str

    @property
    def cues(self) -> list[Cue]:
        return [p for p in self.parts if isinstance(p, Cue)]

    def render(self, texts: list[str] | None = None) -> str:
        """The file again, with each cue's text replaced by ``texts`` (in cue order)."""
        it = iter(texts) if texts is not None else None
        out = []
        for p in self.parts:
            if isinstance(p, Cue):
                text = p.text if it is None else next(it).replace("\n", self.newline)
                out.append(p.head + text)
            else:
                out.append(p)
        return "".join(out)


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


def parse(text: str, kind: str, name: str = "<input>") -> Track:
    """Parse an SRT or WebVTT file; a bad timing is a one-line error naming its line."""
    newline = "\r\n" if "\r\n" in text else "\n"
    bom = "\ufeff" if text.startswith("\ufeff") else ""
    body = text[len(bom):]
    chunks = _BLOCK_SEP.split(body)
    parts: list[str | Cue] = [bom] if bom else []
    line = 1
    first = True
    limits, cues = current_limits(), 0
    for i, chunk in enumerate(chunks):
        if i % 2 == 1 or not chunk.strip():
            parts.append(chunk)
            line += chunk.count("\n")
            continue
        if kind == "vtt" and first:
            if not chunk.startswith("WEBVTT"):
                raise _bad(name, line, "is not a WebVTT file: the first line must be WEBVTT")
            parts.append(chunk)
        elif kind == "vtt" and re.match(r"(NOTE|STYLE|REGION)(\s|$)", chunk):
            parts.append(chunk)
        else:
            cue_text = chunk.rstrip("\r\n")  # the file's last line break is not cue text
            for piece, at, after in _cue_blocks(cue_text, kind):
                cues += 1
                limits.check("cues", cues, "has more than {limit} cues", name, line + at)
                limits.check("text_chars", len(piece), f"a cue of {len(piece)} characters",
                             name, line + at)
                limits.check("cue_lines", piece.count("\n") + 1, "a cue of more than "
                             "{limit} lines", name, line + at)
                parts.append(_cue(piece, kind, name, line + at, newline))
                if after:
                    parts.append(after)
            if len(cue_text) < len(chunk):
                parts.append(chunk[len(cue_text):])
        first = False
        line += chunk.count("\n")
    if kind == "srt" and not any(isinstance(p, Cue) for p in parts) and body.strip():
        raise _bad(name, 1, "has no subtitle cues; is it really an SRT file?")
    return Track(kind, tuple(parts), newline)


def _cue_blocks(chunk: str, kind: str) -> list[tuple[str, int, str]]:
    """A block split where a new WebVTT cue starts without a blank line before it (its
    timing line, as YouTube's files have them): the WebVTT parser ends cue text at a line
    holding ``-->``. Each piece with its first line's offset in the block and the line
    break after it (none after the last)."""
    if kind != "vtt":
        return [(chunk, 0, "")]
    pieces = _LINE_BREAK.split(chunk)
    lines = pieces[0::2]
    timing = 0 if "-->" in lines[0] else 1
    starts = [0] + [i for i in range(timing + 1, len(lines)) if "-->" in lines[i]]
    ends = starts[1:] + [len(lines)]
    return [("".join(pieces[2 * a:2 * b - 1]), a, pieces[2 * b - 1] if b < len(lines) else "")
            for a, b in zip(starts, ends, strict=True)]


def _cue(chunk: str, kind: str, name: str, line: int, newline: str) -> Cue:
    pieces = _LINE_BREAK.split(chunk)  # lines and the break after each, as written
    lines = pieces[0::2]
    timing_at = 0 if "-->" in lines[0] else 1
    if timing_at >= len(lines) or "-->" not in lines[timing_at]:
        what = ("a cue has no timing line (HH:MM:SS,mmm --> HH:MM:SS,mmm)" if kind == "srt"
                else "a cue has no timing line (HH:MM:SS.mmm --> HH:MM:SS.mmm)")
        raise _bad(name, line, what)
    if kind == "srt" and timing_at == 1 and not lines[0].strip().isdigit():
        raise _bad(name, line, f"cue number {lines[0].strip()!r} is not a number")
    timing = lines[timing_at]
    if kind == "srt":
        m = _SRT_TIME.match(timing)
        if not m:
            raise _bad(name, line + timing_at,
                       f"bad timing {timing.strip()!r}: use HH:MM:SS,mmm --> HH:MM:SS,mmm")
        g = m.groups()
        _check_hours(name, line + timing_at, timing, g[0], g[4])
        start, end = _seconds(*g[:4]), _seconds(*g[4:])
        if int(g[1]) > 59 or int(g[2]) > 59 or int(g[5]) > 59 or int(g[6]) > 59:
            raise _bad(name, line + timing_at, f"bad timing {timing.strip()!r}: "
                                               "minutes and seconds run to 59")
    else:
        m = _VTT_TIME.match(timing.strip())
        if not m:
            raise _bad(name, line + timing_at,
                       f"bad timing {timing.strip()!r}: use HH:MM:SS.mmm --> HH:MM:SS.mmm")
        _check_hours(name, line + timing_at, timing,
                     *(stamp.split(":")[0] for stamp in m.groups() if stamp.count(":") == 2))
        start, end = _vtt_seconds(m.group(1)), _vtt_seconds(m.group(2))
    if end < start:
        raise _bad(name, line + timing_at,
                   f"cue ends before it starts ({timing.strip()!r}); fix the timing")
    after = 2 * timing_at + 1  # the timing line's own break
    head = "".join(pieces[:after]) + (pieces[after] if after < len(pieces) else newline)
    return Cue(head, "".join(pieces[after + 1:]), start, end)


def _check_hours(name: str, line: int, timing: str, *hours: str) -> None:
    for h in hours:
        if len(h) > MAX_HOUR_DIGITS:
            shown = timing.strip()
            shown = shown if len(shown) <= 40 else shown[:40] + "..."
            raise _bad(name, line, f"bad timing {shown!r}: its hours have {len(h)} digits "
                                   f"(limit {MAX_HOUR_DIGITS})")


# ----------------------------------------------------------------------------- cue text


@dataclass(frozen=True, slots=True)
class Styled:
    """A cue's text as plain text plus styling spans, and its cue-level prefix/suffix."""

    prefix: str
    plain: str
    spans: tuple[tuple[int, int, str, str], ...]  # (start, end, opening tag, closing tag)
    suffix: str


def split_styles(text: str, kind: str) -> Styled:
    """Separate a cue's styling tags from its text (lines joined by one space)."""
    text = text.replace("\r\n", "\n").replace("\n", " ")
    m = _CUE_PREFIX.match(text)
    prefix = m.group(0) if m else ""
    body = text[len(prefix):]
    suffix = ""
    if body.endswith("</v>") and "<v" in prefix:
        body, suffix = body[:-4], "</v>"
    plain: list[str] = []
    size = 0
    stack: list[tuple[str, str, int]] = []
    spans: list[tuple[int, int, str, str]] = []
    pos = 0
    for t in _TAG.finditer(body):
        piece = body[pos:t.start()]
        piece = html.unescape(piece) if kind == "vtt" else piece
        plain.append(piece)
        size += len(piece)
        pos = t.end()
        tag = t.group(0)
        if t.group(2) is None or t.group(2)[0].isdigit():
            spans.append((size, size, tag, ""))  # a position or a timestamp: void
        elif t.group(1):
            name = t.group(2).lower()
            for k in range(len(stack) - 1, -1, -1):
                if stack[k][0] == name:
                    _, opening, start = stack.pop(k)
                    spans.append((start, size, opening, tag))
                    break
        else:
            stack.append((t.group(2).lower(), tag, size))
    piece = body[pos:]
    piece = html.unescape(piece) if kind == "vtt" else piece
    plain.append(piece)
    size += len(piece)
    for _, opening, start in stack:  # never closed: runs to the end of the cue
        spans.append((start, size, opening, ""))
    spans.sort(key=lambda s: (s[0], -s[1]))
    return Styled(prefix, "".join(plain), tuple(spans), suffix)


def escape(text: str, kind: str) -> str:
    if kind != "vtt":
        return text
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def render_styles(plain: str, spans, kind: str) -> str:
    """Plain text with styling spans written back in as tags (well nested)."""
    events: list[tuple[int, int, int, str]] = []
    for n, (start, end, opening, closing) in enumerate(spans):
        events.append((start, 1, n, opening))
        if closing:
            events.append((end, 0, -n, closing))
    # at one position: closings first (inner before outer), then openings (outer first)
    events.sort(key=lambda e: (e[0], e[1], e[2]))
    out, pos = [], 0
    for at, _, _, tag in events:
        out.append(escape(plain[pos:at], kind))
        out.append(tag)
        pos = at
    out.append(escape(plain[pos:], kind))
    return "".join(out)


# ----------------------------------------------------------------------------- translation


def _inlines(spans) -> tuple[Inline, ...]:
    """Styling spans (start, end, opening, closing) as well-nested inline elements."""
    out: list[Inline] = []
    stack: list[int] = []  # ends of the open elements
    for n, (a, b, opening, closing) in enumerate(sorted(spans, key=lambda s: (s[0], -s[1]))):
        while stack and (stack[-1] <= a and not (a == b == stack[-1])):
            stack.pop()
        depth = len(stack)
        out.append(Inline(a, b, "style", Markup(opening, closing, key=n), void=a == b,
                          depth=depth))
        if b > a:
            stack.append(b)
    return tuple(out)


def translate_subtitles(text: str, kind: str, src: str, tgt: str,
                        translator: Translates, *,
                        name: str = "<input>", width: int = 42, lines: int = 2
                        ) -> tuple[str, list[DocumentSegment], list[str]]:
    """Translate an SRT or WebVTT file (``kind`` ``"srt"`` or ``"vtt"``); returns the
    translated file, one record per sentence and notes."""
    from ..segment import segment
    from .cues import cut_points, wrap

    if width < 10 or lines < 1:
        raise UserError(f"subtitle lines need {param('width')} of at least 10 and "
                        f"{param('lines')} of at least 1")
    track = parse(text, kind, name)
    cues = track.cues
    styled = [split_styles(c.text, kind) for c in cues]
    deepest = current_limits().nesting_depth
    for k, st in enumerate(styled):
        if st.spans and max(el.depth for el in _inlines(st.spans)) >= deepest:
            raise InputFileError(name, current_limits().over(
                "nesting_depth", f"cue {k + 1}: styling tags nested more than {deepest} deep"))
    # one stream: cue texts joined by one space; starts[k] is cue k's offset in it
    starts, pieces, pos = [], [], 0
    for st in styled:
        starts.append(pos)
        pieces.append(st.plain)
        pos += len(st.plain) + 1
    stream = " ".join(pieces)
    src = detect.source_language(src, stream)
    spans = [(starts[k] + a, starts[k] + b, o, c)
             for k, st in enumerate(styled) for a, b, o, c in st.spans]
    sentences = [s for s in segment(stream, src) if any(ch.isalpha() for ch in s.text)]
    langs = detect.segment_languages(sentences, src, tgt)
    results: dict[int, object] = {}
    for lang, idx in detect.by_language(langs, skip=tgt).items():
        outs = translator.translate_batch([sentences[i].text for i in idx], lang, tgt,
                                          align=True)
        results.update(zip(idx, outs, strict=True))
    # each cue collects (target text, styling spans relative to it) from its sentences
    cue_parts: list[list[tuple[str, list]]] = [[] for _ in cues]
    records: list[DocumentSegment] = []
    for i, sent in enumerate(sentences):
        records.append(_place_sentence(sent, results.get(i), langs[i], starts, spans,
                                       cue_parts, cut_points))
    texts, notes = _write_cues(cues, styled, cue_parts, kind, width, lines, wrap)
    return track.render(texts), records, notes


def _place_sentence(sent, res, lang: str, starts: list[int], spans: list,
                    cue_parts: list[list[tuple[str, list]]], cut_points) -> DocumentSegment:
    """One sentence of the stream: its output (its source when kept) cut at the cue
    boundaries it spans (by word alignment) with its styling placed, each piece added
    to its cue's parts; its report row."""
    target = sent.text if res is None else res.text
    links = () if res is None else tuple(getattr(res, "alignment", ()) or ())
    first = _cue_at(starts, sent.start)
    inner = [starts[k] - sent.start for k in range(first + 1, len(cue_parts))
             if sent.start < starts[k] < sent.end]
    own = [(max(a, sent.start) - sent.start, min(b, sent.end) - sent.start, o, c)
           for a, b, o, c in spans
           if a < sent.end and b > sent.start or a == b and sent.start <= a < sent.end]
    if res is None or not own:
        tspans = own
    else:
        placed = project(_inlines(own), sent.text, target, links)
        tspans = [(el.start, el.end, el.payload.open, el.payload.close) for el in placed]
    cuts = cut_points(sent.text, target, inner, links) if res is not None else inner
    bounds = [0, *cuts, len(target)]
    for j in range(len(bounds) - 1):
        lo, hi = bounds[j], bounds[j + 1]
        piece = target[lo:hi]
        lead = len(piece) - len(piece.lstrip())
        piece = piece.strip()
        a0 = lo + lead
        clipped = [(max(a, a0) - a0, min(b, a0 + len(piece)) - a0, o, c)
                   for a, b, o, c in tspans
                   if a < a0 + len(piece) and b > a0 or a == b and a0 <= a <= a0 + len(piece)]
        cue_parts[first + j].append((piece, clipped))
    where = f"cue {first + 1}" + (f"-{first + len(bounds) - 1}" if len(bounds) > 2 else "")
    if res is None:
        return DocumentSegment(sent.start, sent.end, sent.text, lang, "kept", sent.text,
                               block=first, where=where)
    return DocumentSegment(sent.start, sent.end, sent.text, lang, "translated", res.text,
                           tuple(res.models), tuple(res.warnings), tuple(res.terms),
                           block=first, where=where, alignment=links)


def _write_cues(cues, styled, cue_parts: list[list[tuple[str, list]]], kind: str,
                width: int, lines: int, wrap) -> tuple[list[str], list[str]]:
    """Each cue's text from its parts, styled and wrapped; a cue the translation left
    empty gets an ellipsis (noted)."""
    texts, notes = [], []
    for k, parts in enumerate(cue_parts):
        st = styled[k]
        plain, tspans = _join(parts)
        if not plain.strip():
            if st.plain.strip():
                plain, tspans = "…", []
                notes.append(f"cue {k + 1}: the translation left it empty; wrote …")
            else:
                texts.append(cues[k].text)
                continue
        body = render_styles(plain, tspans, kind)
        texts.append(st.prefix + wrap(body, width, lines) + st.suffix)
    return texts, notes


def _cue_at(starts: list[int], offset: int) -> int:
    k = 0
    while k + 1 < len(starts) and starts[k + 1] <= offset:
        k += 1
    return k


def _join(parts: list[tuple[str, list]]) -> tuple[str, list]:
    text, spans = "", []
    for piece, pspans in parts:
        if not piece:
            continue
        shift = len(text) + (1 if text else 0)
        text = f"{text} {piece}" if text else piece
        spans.extend((a + shift, b + shift, o, c) for a, b, o, c in pspans)
    return text, spans
