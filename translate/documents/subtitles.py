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

from ..errors import InputFileError

_BLOCK_SEP = re.compile(r"(\r?\n(?:[ \t]*\r?\n)+)")
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
            parts.append(_cue(chunk, kind, name, line, newline))
        first = False
        line += chunk.count("\n")
    if kind == "srt" and not any(isinstance(p, Cue) for p in parts) and body.strip():
        raise _bad(name, 1, "has no subtitle cues; is it really an SRT file?")
    return Track(kind, tuple(parts), newline)


def _cue(chunk: str, kind: str, name: str, line: int, newline: str) -> Cue:
    lines = chunk.split(newline)
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
        start, end = _seconds(*g[:4]), _seconds(*g[4:])
        if int(g[1]) > 59 or int(g[2]) > 59 or int(g[5]) > 59 or int(g[6]) > 59:
            raise _bad(name, line + timing_at, f"bad timing {timing.strip()!r}: "
                                               "minutes and seconds run to 59")
    else:
        m = _VTT_TIME.match(timing.strip())
        if not m:
            raise _bad(name, line + timing_at,
                       f"bad timing {timing.strip()!r}: use HH:MM:SS.mmm --> HH:MM:SS.mmm")
        start, end = _vtt_seconds(m.group(1)), _vtt_seconds(m.group(2))
    if end < start:
        raise _bad(name, line + timing_at,
                   f"cue ends before it starts ({timing.strip()!r}); fix the timing")
    head = newline.join(lines[:timing_at + 1]) + newline
    return Cue(head, newline.join(lines[timing_at + 1:]), start, end)


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


@dataclass(frozen=True, slots=True)
class SubtitleResult:
    """A translated subtitle file and what happened to each sentence."""

    data: bytes
    src: str
    tgt: str
    segments: tuple[dict, ...]
    warnings: tuple[str, ...] = ()


def translate_subtitles(data: bytes, kind: str, src: str, tgt: str, translator, *,
                        name: str = "<input>", width: int = 42, lines: int = 2
                        ) -> SubtitleResult:
    """Translate an SRT or WebVTT file (``kind`` ``"srt"`` or ``"vtt"``)."""
    from .. import pipeline
    from ..segment import segment
    from ..textio import decode_text
    from .cues import cut_points, wrap
    from .projection import clip, project_spans

    if width < 10 or lines < 1:
        raise ValueError("width must be at least 10 and lines at least 1")
    track = parse(decode_text(data, name), kind, name)
    cues = track.cues
    styled = [split_styles(c.text, kind) for c in cues]
    # one stream: cue texts joined by one space; starts[k] is cue k's offset in it
    starts, pieces, pos = [], [], 0
    for s in styled:
        starts.append(pos)
        pieces.append(s.plain)
        pos += len(s.plain) + 1
    stream = " ".join(pieces)
    if src == "auto":
        src = pipeline.detect_language(stream)
    spans = [(starts[k] + a, starts[k] + b, (o, c))
             for k, s in enumerate(styled) for a, b, o, c in s.spans]
    sentences = [s for s in segment(stream, src) if s.text.strip()]
    langs = pipeline.identify(sentences, src)
    results: dict[int, object] = {}
    for lang in dict.fromkeys(langs):
        idx = [i for i, lg in enumerate(langs) if lg == lang and lg != tgt]
        if idx:
            outs = translator.translate_batch([sentences[i].text for i in idx], lang, tgt,
                                              align=True)
            results.update(zip(idx, outs, strict=True))
    # each cue collects (target text, spans relative to it) pieces from its sentences
    cue_parts: list[list[tuple[str, list]]] = [[] for _ in cues]
    records = []
    for i, sent in enumerate(sentences):
        res = results.get(i)
        target = sent.text if res is None else res.text
        links = () if res is None else res.alignment
        first = _cue_at(starts, sent.start)
        inner = [starts[k] - sent.start for k in range(first + 1, len(cues))
                 if sent.start < starts[k] < sent.end]
        own = clip([s for s in spans if s[0] < sent.end and s[1] > sent.start
                    or s[0] == s[1] and sent.start <= s[0] < sent.end],
                   sent.start, sent.end)
        tspans = own if res is None else project_spans(own, sent.text, target, links)
        cuts = cut_points(sent.text, target, inner, links) if res is not None else inner
        bounds = [0, *cuts, len(target)]
        for j in range(len(bounds) - 1):
            lo, hi = bounds[j], bounds[j + 1]
            piece = target[lo:hi]
            lead = len(piece) - len(piece.lstrip())
            piece = piece.strip()
            cue_parts[first + j].append((piece, clip(tspans, lo + lead, lo + lead + len(piece))))
        records.append({"start": sent.start, "end": sent.end, "source": sent.text,
                        "lang": langs[i], "action": "kept" if res is None else "translated",
                        "text": target, "cues": [first + 1, first + len(bounds) - 1],
                        "warnings": [] if res is None else list(res.warnings)})
    texts, warnings = [], []
    for k, parts in enumerate(cue_parts):
        s = styled[k]
        plain, tspans = _join(parts)
        if not plain.strip():
            if s.plain.strip():
                plain, tspans = "…", []
                warnings.append(f"cue {k + 1}: the translation left it empty; wrote …")
            else:
                texts.append(cues[k].text)
                continue
        body = render_styles(plain, tspans, kind)
        texts.append(s.prefix + wrap(body, width, lines) + s.suffix)
    out = track.render(texts)
    return SubtitleResult(out.encode("utf-8"), src, tgt, tuple(records), tuple(warnings))


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
        spans.extend((a + shift, b + shift, o, c) for a, b, (o, c) in pspans)
    return text, spans
