"""Markdown (CommonMark with tables and strikethrough) articles, read with markdown-it-py.

markdown-it-py gives the block structure with source lines (``token.map``); the position of
each inline construct is found by walking its tokens along the block's source text, so the
output is the input byte for byte outside translated text.

Translated: headings, paragraphs, list items, block quotes, table cells (each a block),
link text (the URL and title kept), image alt text, raw HTML blocks and inline HTML as for
HTML documents (:mod:`.html`), and the ``title``, ``description`` and ``summary`` values of
a YAML front matter. Kept: code spans and code blocks (a code span inside a sentence goes
to the model for a fluent sentence and is written back unchanged), autolinks, every other
front-matter key, and all markup. A block whose source cannot be matched token by token
(an unusual construct) is kept as it is and named in the notes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .. import detect
from ..errors import UserError
from ..limits import current as current_limits
from ..protocol import Translates
from .core import _CHARREF, Block, DocumentSegment, decode_entities, translate_blocks
from .html import FROZEN_INLINE, INLINE_VOID, _no_translate, tokenize
from .inline import Inline, Markup

__all__ = ["translate_markdown"]

FRONT_MATTER_KEYS = ("title", "description", "summary")
_NEWLINE = re.compile(r"\r\n|\r|\n")
_MD_SPECIAL = set("\\`*_[]<")


class _Mismatch(Exception):
    pass


def _escape_md(ch: str) -> str:
    return "\\" + ch if ch in _MD_SPECIAL else ch


def _parser():
    try:
        from markdown_it import MarkdownIt
    except ImportError:
        raise UserError("Markdown documents need markdown-it-py: "
                        "pip install 'newsdesk-translate[documents]'") from None

    return MarkdownIt("commonmark").enable("table").enable("strikethrough")


# ----------------------------------------------------------------------------- front matter

_FM_OPEN = re.compile(r"---[ \t]*(?:\r\n|\r|\n)")
_FM_CLOSE = re.compile(r"^(?:---|\.\.\.)[ \t]*$", re.M)
_FM_LINE = re.compile(r"^(title|description|summary)([ \t]*:[ \t]+)(\S.*?)[ \t]*$", re.M)


@dataclass(frozen=True, slots=True)
class _Value:
    start: int
    end: int
    style: str  # '"', "'" or ""


def _front_matter(text: str) -> tuple[int, list[tuple[_Value, Block]]]:
    """The end of the front matter (0 without one) and its translated values."""
    m = _FM_OPEN.match(text)
    if not m:
        return 0, []
    close = _FM_CLOSE.search(text, m.end())
    if not close:
        return 0, []
    end = close.end()
    nl = _NEWLINE.match(text, end)
    end = nl.end() if nl else end
    out = []
    for line in _FM_LINE.finditer(text, m.end(), close.start()):
        raw = line.group(3)
        start = line.start(3)
        style = raw[0] if raw[0] in "\"'" else ""
        if style:
            if len(raw) < 2 or raw[-1] != style:
                continue
            value = _yaml_scalar(raw)
        else:
            if raw[0] in "|>[{&*!%@`" or " #" in raw:
                continue
            value = raw
        if not isinstance(value, str) or not any(c.isalpha() for c in value):
            continue
        block = Block(value, tuple(_yaml_escape(c, style) for c in value),
                      escape=lambda c, s=style: _yaml_escape(c, s), kind="front matter",
                      where=f"front matter {line.group(1)}")
        out.append((_Value(start, start + len(raw), style), block))
    return end, out


def _yaml_scalar(raw: str):
    try:
        import yaml
    except ImportError:
        raise UserError("a quoted front-matter value needs PyYAML: "
                        "pip install 'newsdesk-translate[documents]'") from None

    try:
        return yaml.safe_load("v: " + raw)["v"]
    except Exception:  # noqa: BLE001 - not a scalar we can rewrite: keep it
        return None


def _yaml_escape(ch: str, style: str) -> str:
    if style == '"':
        return {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\t": "\\t"}.get(ch, ch)
    if style == "'":
        return "''" if ch == "'" else ch
    return ch


def _yaml_value(text: str, style: str) -> str:
    if style:
        return f"{style}{text}{style}"
    plain_ok = (text and text[0] not in "\"'|>[]{}&*!%@`#,?:-" and ": " not in text
                and " #" not in text and not text.endswith(":"))
    if plain_ok:
        return text
    return '"' + "".join(_yaml_escape(c, '"') for c in text) + '"'


# ----------------------------------------------------------------------------- inline walk

@dataclass(slots=True)
class _Source:
    """An inline token's content and where each of its characters is in the document."""

    content: str
    pos: list[int]  # document offset of each content character ("\n": the line end)
    breaks: dict[int, tuple[int, int]]  # content index of "\n" -> document span it stands for


def _locate(text: str, lines: list[tuple[int, int]], content: str, first: int,
            cursor: dict[int, int]) -> _Source:
    pos: list[int] = []
    breaks: dict[int, tuple[int, int]] = {}
    parts = content.split("\n")
    prev_end = None
    for k, part in enumerate(parts):
        ln = first + k
        if ln >= len(lines):
            raise _Mismatch(f"line {ln + 1}")
        ls, le = lines[ln]
        at = text.find(part, max(ls, cursor.get(ln, ls)), le) if part else cursor.get(ln, ls)
        if at < 0:
            raise _Mismatch(f"line {ln + 1}")
        if not part:
            at = max(at, ls)
        if k:
            breaks[len(pos)] = (prev_end, at)
            pos.append(prev_end)
        pos.extend(range(at, at + len(part)))
        prev_end = at + len(part)
        cursor[ln] = prev_end
    return _Source(content, pos, breaks)


class _Walk:
    """Plain text, raw origins and inline spans of one inline token."""

    def __init__(self, text: str, src: _Source, alts: list[str | None]) -> None:
        self.text, self.src = text, src
        self.c = src.content
        self.k = 0
        self.chars: list[str] = []
        self.origin: list[str] = []
        self.inlines: list[dict] = []
        self.stack: list[int] = []
        self.alts = alts  # the translated alt text of each image, in order (None: kept)
        self.alt_spans: list[tuple[int, int, str]] = []  # document span of each alt, new text

    def raw(self, i: int, j: int) -> str:
        """Document text for content ``[i, j)``."""
        out = []
        for k in range(i, j):
            if k in self.src.breaks:
                a, b = self.src.breaks[k]
                out.append(self.text[a:b])
            else:
                out.append(self.c[k])
        return "".join(out)

    def add(self, chars: str, origin: list[str]) -> None:
        self.chars.extend(chars)
        self.origin.extend(origin)

    def expect(self, s: str) -> None:
        if not self.c.startswith(s, self.k):
            raise _Mismatch(repr(s))
        self.k += len(s)

    def text_token(self, t: str) -> None:
        c = self.c
        i = 0
        while i < len(t):
            ch = t[i]
            k = self.k
            if k < len(c) and c[k] == ch and ch != "&":
                self.add(ch, [self.raw(k, k + 1)])
                self.k += 1
                i += 1
            elif c.startswith("\\", k) and k + 1 < len(c) and c[k + 1] == ch:
                self.add(ch, [self.raw(k, k + 2)])
                self.k += 2
                i += 1
            elif k < len(c) and c[k] == "&":
                m = _CHARREF.match(c, k)
                ref = m.group(0) if m else "&"
                dec, _ = decode_entities(ref)
                if not t.startswith(dec, i):
                    raise _Mismatch(repr(ref))
                self.add(dec, [ref] + [""] * (len(dec) - 1))
                self.k += len(ref)
                i += len(dec)
            else:
                raise _Mismatch(repr(t[i:i + 10]))

    def softbreak(self) -> None:
        k = self.k
        while k < len(self.c) and self.c[k] == " ":
            k += 1
        if not self.c.startswith("\n", k):
            raise _Mismatch("line break")
        self.add("\n", [self.raw(self.k, k + 1)])
        self.k = k + 1

    def hardbreak(self) -> None:
        k = self.k
        if self.c.startswith("\\\n", k):
            end = k + 2
        else:
            end = k
            while end < len(self.c) and self.c[end] == " ":
                end += 1
            if not self.c.startswith("\n", end) or end - k < 2:
                raise _Mismatch("hard break")
            end += 1
        self.void("br", self.raw(k, end))
        self.add("\n", [""])
        self.k = end

    def void(self, tag: str, raw: str) -> None:
        self.inlines.append(dict(start=len(self.chars), end=len(self.chars), tag=tag, open=raw,
                                 close="", void=True, depth=len(self.stack),
                                 key=self.k))

    def open(self, tag: str, raw: str) -> None:
        self.stack.append(len(self.inlines))
        self.inlines.append(dict(start=len(self.chars), end=None, tag=tag, open=raw, close="",
                                 depth=len(self.stack) - 1, key=self.k))

    def close(self, tag: str, raw: str) -> None:
        if not self.stack or self.inlines[self.stack[-1]]["tag"] != tag:
            raise _Mismatch(f"</{tag}>")
        el = self.inlines[self.stack.pop()]
        el["end"] = len(self.chars)
        el["close"] = raw

    def frozen(self, tag: str, open_raw: str, inner: str, close_raw: str, plain: str) -> None:
        self.inlines.append(dict(start=len(self.chars), end=len(self.chars) + len(plain),
                                 tag=tag, open=open_raw, close=close_raw, frozen=inner,
                                 depth=len(self.stack), key=self.k))
        self.add(plain, [""] * len(plain))  # written by the element itself

    # --- links and images -------------------------------------------------------

    def _label_end(self, k: int) -> int:
        """Index of the ``]`` closing the label opened just before ``k``."""
        depth = 0
        c = self.c
        while k < len(c):
            if c[k] == "\\":
                k += 2
                continue
            if c[k] == "`":
                run = re.compile(r"`+").match(c, k).group(0)
                end = c.find(run, k + len(run))
                if end > 0:
                    k = end + len(run)
                    continue
            if c[k] == "[":
                depth += 1
            elif c[k] == "]":
                if depth == 0:
                    return k
                depth -= 1
            k += 1
        raise _Mismatch("]")

    def _link_tail(self, k: int) -> int:
        """End of ``](dest "title")``, ``][label]``, ``][]`` or ``]`` starting at ``k``."""
        from markdown_it.helpers import parseLinkDestination, parseLinkTitle

        c = self.c
        if not c.startswith("]", k):
            raise _Mismatch("]")
        k += 1
        if c.startswith("(", k):
            p = k + 1
            while p < len(c) and c[p] in " \t\n":
                p += 1
            res = parseLinkDestination(c, p, len(c))
            if res.ok:
                p = res.pos
            while p < len(c) and c[p] in " \t\n":
                p += 1
            res = parseLinkTitle(c, p, len(c))
            if res.ok:
                p = res.pos
            while p < len(c) and c[p] in " \t\n":
                p += 1
            if c.startswith(")", p):
                return p + 1
            raise _Mismatch(")")
        if c.startswith("[", k):
            end = c.find("]", k)
            if end < 0:
                raise _Mismatch("]")
            return end + 1
        return k

    def image(self) -> None:
        start = self.k
        self.expect("![")
        label_end = self._label_end(self.k)
        end = self._link_tail(label_end)
        alt = self.alts.pop(0) if self.alts else None
        raw = self.raw(start, end)
        if alt is not None:
            raw = "![" + alt + self.raw(label_end, end)
            if start + 2 < label_end:
                a, b = self.src.pos[start + 2], self.src.pos[label_end - 1] + 1
                self.alt_spans.append((a, b, alt))
        self.void("img", raw)
        self.k = end

    def walk(self, children) -> None:
        i = 0
        while i < len(children):
            t = children[i]
            kind = t.type
            if kind == "text":
                self.text_token(t.content)
            elif kind == "softbreak":
                self.softbreak()
            elif kind == "hardbreak":
                self.hardbreak()
            elif kind in ("em_open", "strong_open", "s_open"):
                start = self.k
                self.expect(t.markup)
                self.open(t.tag, self.raw(start, self.k))
            elif kind in ("em_close", "strong_close", "s_close"):
                start = self.k
                self.expect(t.markup)
                self.close(t.tag, self.raw(start, self.k))
            elif kind == "code_inline":
                self.expect(t.markup)
                end = self.c.find(t.markup, self.k)
                while end >= 0 and self.c.startswith("`", end + len(t.markup)):
                    end = self.c.find(t.markup, end + 1)
                if end < 0:
                    raise _Mismatch("`")
                inner = self.raw(self.k, end)
                self.frozen("code", t.markup, inner, t.markup, t.content)
                self.k = end + len(t.markup)
            elif kind == "link_open" and t.markup == "autolink":
                start = self.k
                end = self.c.find(">", start)
                if not self.c.startswith("<", start) or end < 0:
                    raise _Mismatch("<")
                raw = self.raw(start, end + 1)
                self.frozen("a", "", raw, "", self.c[start + 1:end])
                self.k = end + 1
                while i < len(children) and children[i].type != "link_close":
                    i += 1
            elif kind == "link_open":
                self.expect("[")
                self.open("a", "[")
            elif kind == "link_close":
                end = self._link_tail(self.k)
                self.close("a", self.raw(self.k, end))
                self.k = end
            elif kind == "image":
                self.image()
            elif kind == "html_inline":
                i = self.html_inline(children, i)
                continue
            else:
                raise _Mismatch(kind)
            i += 1
        rest = self.c[self.k:]
        if rest.strip():
            raise _Mismatch(repr(rest[:10]))

    def html_inline(self, children, i: int) -> int:
        t = children[i]
        start = self.k
        self.expect(t.content)
        raw = self.raw(start, self.k)
        toks = tokenize(t.content)
        tok = toks[0] if toks else None
        if tok is None or tok.kind == "comment" or tok.kind == "decl":
            self.void("#comment", raw)
            return i + 1
        if tok.kind == "startend" or tok.tag in INLINE_VOID:
            self.void(tok.tag, raw)
            return i + 1
        if tok.kind == "start" and (tok.tag in FROZEN_INLINE or _no_translate(tok)):
            depth = 0
            j = i + 1
            plain = []
            inner_start = self.k
            while j < len(children):
                c = children[j]
                if c.type == "html_inline":
                    inner = tokenize(c.content)
                    if inner and inner[0].tag == tok.tag:
                        if inner[0].kind == "start":
                            depth += 1
                        elif inner[0].kind == "end":
                            if depth == 0:
                                break
                            depth -= 1
                elif c.type in ("text", "code_inline"):
                    plain.append(c.content)
                elif c.type == "softbreak":
                    plain.append("\n")
                j += 1
            if j >= len(children):
                raise _Mismatch(f"<{tok.tag}> not closed")
            end_tag = children[j].content
            close_at = self.c.find(end_tag, self.k)
            if close_at < 0:
                raise _Mismatch(end_tag)
            inner = self.raw(inner_start, close_at)
            self.k = close_at + len(end_tag)
            self.frozen(tok.tag, raw, inner, end_tag, "".join(plain))
            return j + 1
        if tok.kind == "start":
            self.open(tok.tag, raw)
        elif tok.kind == "end":
            if self.stack and self.inlines[self.stack[-1]]["tag"] == tok.tag:
                self.close(tok.tag, raw)
            else:
                self.void("/" + tok.tag, raw)
        else:
            self.void("#html", raw)
        return i + 1

    def block(self, where: str) -> Block:
        if self.stack:
            raise _Mismatch("unclosed markup")
        els = tuple(Inline(d["start"], d["end"], d["tag"],
                           Markup(d["open"], d["close"], d.get("frozen"), d["key"]),
                           d.get("void", False), d["depth"]) for d in self.inlines)
        return Block("".join(self.chars), tuple(self.origin), els, _escape_md, "text", where)


# ----------------------------------------------------------------------------- document

def _lines(text: str) -> list[tuple[int, int]]:
    out = []
    pos = 0
    for m in _NEWLINE.finditer(text):
        out.append((pos, m.start()))
        pos = m.end()
    out.append((pos, len(text)))
    return out


def _alt_text(token) -> str:
    parts = []
    for c in token.children or ():
        if c.type in ("text", "code_inline"):
            parts.append(c.content)
        elif c.type in ("softbreak", "hardbreak"):
            parts.append(" ")
        elif c.type == "image":
            parts.append(_alt_text(c))
    return "".join(parts)


def translate_markdown(text: str, src: str, tgt: str, translator: Translates, **options
                       ) -> tuple[str, list[DocumentSegment], list[str]]:
    """Translate a Markdown document; see the module docstring for what is translated."""
    notes: list[str] = []
    fm_end, fm_values = _front_matter(text)
    # the front matter becomes blank lines for the parser, so line numbers stay the same
    body = "".join("\n" for _ in _NEWLINE.finditer(text, 0, fm_end)) + text[fm_end:]
    tokens = _parser().parse(body)
    lines = _lines(text)
    inline_tokens = [t for t in tokens if t.type == "inline" and t.map]
    # one language for the whole document, from its body text
    src = detect.source_language(src, lambda: " ".join(t.content for t in inline_tokens))
    html_blocks = [t for t in tokens if t.type == "html_block" and t.map]

    # pass 1: image alt texts (they are written into the markup of their block)
    alt_blocks, alt_at = _alt_blocks(inline_tokens)
    alt_out, alt_segs, n1 = translate_blocks(alt_blocks, src, tgt, translator)
    alts = {k: v for k, v in zip(alt_at, alt_out, strict=True) if v is not None}

    # pass 2: the text blocks
    blocks, ranges, alt_spans = _text_blocks(text, lines, inline_tokens, alts, notes,
                                             options.get("name"))
    outputs, segs, n2 = translate_blocks(blocks, src, tgt, translator)

    # raw HTML blocks, as HTML
    replacements, html_segs = _html_blocks(text, lines, html_blocks, src, tgt, translator,
                                           notes)
    for (a, b), out, spans in zip(ranges, outputs, alt_spans, strict=True):
        if out is not None:
            replacements.append((a, b, out))
        else:  # the text stays; its images still get their alt text
            replacements.extend(spans)
    fm_out, fm_segs, n3 = translate_blocks([blk for _, blk in fm_values], src, tgt,
                                           translator)
    for (value, _), out in zip(fm_values, fm_out, strict=True):
        if out is not None:
            replacements.append((value.start, value.end, _yaml_value(out, value.style)))
    parts = []
    pos = 0
    for a, b, out in sorted(replacements):
        if a < pos:
            continue
        parts.append(text[pos:a])
        parts.append(out)
        pos = b
    parts.append(text[pos:])
    notes = list(dict.fromkeys(n1 + n2 + n3 + notes))
    return "".join(parts), list(segs) + alt_segs + html_segs + fm_segs, notes


def _alt_blocks(inline_tokens) -> tuple[list[Block], list[int]]:
    """The image alt texts to translate, and the id of each image token."""
    alt_blocks: list[Block] = []
    alt_at: list[int] = []
    for t in inline_tokens:
        stack = list(t.children or ())
        while stack:
            c = stack.pop(0)
            if c.type == "image":
                alt = _alt_text(c)
                if any(ch.isalpha() for ch in alt):
                    alt_blocks.append(Block(alt, tuple(_escape_md(ch) for ch in alt),
                                            escape=_escape_md, kind="attribute",
                                            where=f"line {t.map[0] + 1} image alt"))
                    alt_at.append(id(c))
    return alt_blocks, alt_at


def _text_blocks(text: str, lines, inline_tokens, alts: dict[int, str], notes: list[str],
                 name: str | None = None) -> tuple[list[Block], list[tuple[int, int]],
                                                   list[list[tuple[int, int, str]]]]:
    """The text blocks, each with its source range and its images' translated alt
    spans; a block whose markup cannot be followed is kept (noted in ``notes``). A block
    past the limits ``text_chars`` or ``nesting_depth`` is refused (``name``: the file)."""
    blocks: list[Block] = []
    ranges: list[tuple[int, int]] = []
    cursor: dict[int, int] = {}
    alt_spans: list[list[tuple[int, int, str]]] = []
    limits = current_limits()
    for t in inline_tokens:
        if not t.content.strip():
            continue
        size, line = len(t.content), t.map[0] + 1
        limits.check("text_chars", size, f"a block of text of {size} characters", name, line)
        level = deepest = 0
        for c in t.children or ():
            level += c.nesting
            deepest = max(deepest, level)
        limits.check("nesting_depth", deepest, "inline elements nested more than {limit} "
                     "deep", name, line)
        try:
            located = _locate(text, lines, t.content, t.map[0], cursor)
            walk = _Walk(text, located, [alts.get(id(c)) for c in t.children or ()
                                         if c.type == "image"])
            walk.walk(t.children or ())
            block = walk.block(f"line {t.map[0] + 1}")
        except _Mismatch as exc:
            notes.append(f"line {t.map[0] + 1}: kept as it is (could not follow its markup "
                         f"at {exc})")
            continue
        blocks.append(block)
        ranges.append((located.pos[0], located.pos[-1] + 1))
        alt_spans.append(walk.alt_spans)
    return blocks, ranges, alt_spans


def _html_blocks(text: str, lines, html_blocks, src: str, tgt: str,
                 translator: Translates, notes: list[str]
                 ) -> tuple[list[tuple[int, int, str]], list[DocumentSegment]]:
    """Raw HTML blocks translated as HTML (kept as written: no repair): the
    replacements and the segment records."""
    from . import _translate_html

    replacements: list[tuple[int, int, str]] = []
    html_segs: list[DocumentSegment] = []
    for t in html_blocks:
        a = lines[t.map[0]][0]
        b = lines[min(t.map[1], len(lines)) - 1][1]
        out, s, n = _translate_html(text[a:b], src, tgt, translator, repair=False)
        if out != text[a:b]:
            replacements.append((a, b, out))
        html_segs.extend(s)
        notes.extend(n)
    return replacements, html_segs
