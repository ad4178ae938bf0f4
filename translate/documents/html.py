"""HTML documents and fragments: translate the text, keep every other byte.

The tokenizer is Python's :class:`html.parser.HTMLParser` (the same scanner browsers'
tolerant rules inspired; it reports where every construct starts, so the source is cut
into tokens that join back to the exact input). On those tokens:

* block elements (``p``, ``h1``-``h6``, ``li``, ``td``, ``div``, ...: every element that is
  not inline) bound blocks; the text and inline elements between two such tags is one
  block, translated as plain text with the inline elements projected back by alignment;
* inline elements (``a``, ``b``, ``strong``, ``em``, ``i``, ``u``, ``span``, ``mark``,
  ``time``, ``small``, ``sub``, ``sup``, ``abbr``, ``q``, ``cite``, ... and the voids
  ``br``, ``img``, ``wbr``, ``input``) and comments inside a block are markup spans;
* never translated, carried byte for byte: ``script``, ``style``, ``pre``, ``textarea``,
  ``svg``, ``math``, ``template`` (inside a block an ``svg`` or ``math`` is one void
  element: an icon stays in its link's sentence); inside a sentence ``code``, ``kbd``,
  ``samp``, ``var``, any element with ``translate="no"`` or class ``notranslate`` and a
  link whose whole text is a URL, an e-mail address or a handle (the words go to the
  model for a fluent sentence, and the element's original inside is written back);
  comments, doctype, URLs and all other attributes;
* translated attributes: ``alt``, ``title``, ``aria-label``, ``placeholder``, and the
  ``content`` of ``<meta>`` description, ``og:title``, ``og:description`` (and the
  ``twitter:`` ones); ``<html lang>`` becomes the target language.

Text is decoded (character references) for translation; translated text is escaped
minimally (``&`` and ``<``; in attribute values also the quote).

Every tag stays where it was written. An inline element open at the end of a block (valid
HTML5: ``<a>`` around a ``<div>``) goes on in the next blocks without an end tag there,
until its own end tag or the end tag of a block element it is inside. Only an element that
its own block's end tag closes (``<p><b>x</p>``, which a browser closes there too) gets an
end tag, said "repaired" in the notes. End tags crossed (``<b>x<i>y</b>z</i>``) are kept
as written: the inner element's part inside ends with no end tag and goes on after it
without a start tag, as browsers read it (said in the notes).
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from html.parser import HTMLParser

from ..errors import InputFileError, UserError
from ..limits import current as current_limits
from .core import Block, decode_entities
from .inline import Inline, Markup

INLINE = frozenset({
    "a", "abbr", "b", "bdi", "bdo", "cite", "data", "del", "dfn", "em", "font", "i", "ins",
    "label", "mark", "q", "s", "small", "span", "strike", "strong", "sub", "sup", "time",
    "tt", "u"})
INLINE_VOID = frozenset({"br", "img", "wbr", "input"})
FROZEN_INLINE = frozenset({"code", "kbd", "samp", "var"})
RAW_ELEMENTS = frozenset({"script", "style", "pre", "textarea", "svg", "math", "template"})
#: never translated and phrasing content: inside a block, one element carried whole (an
#: icon in a link stays in the link's sentence)
ATOMIC_INLINE = frozenset({"svg", "math"})
#: a link's whole text that is a URL, an e-mail address or a handle (``@name``,
#: ``@name@server``, ``#tag``), or a bare domain with a path: kept as it is
NOT_PROSE = re.compile(
    r"(?:[a-z][a-z0-9+.-]*://\S+|www\.\S+|[^\s@]+@[^\s@]+\.[a-z]{2,}|@[\w.-]+(?:@[\w.-]+)?"
    r"|#\w+|[a-z0-9-]+(?:\.[a-z0-9-]+)*\.[a-z]{2,}/\S*)", re.IGNORECASE)
VOID = frozenset({"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta",
                  "param", "source", "track", "wbr"})
TRANSLATED_ATTRIBUTES = ("alt", "title", "aria-label", "placeholder")
META_TRANSLATED = frozenset({"description", "og:title", "og:description", "twitter:title",
                             "twitter:description"})

__all__ = ["HtmlDocument", "read_html"]


# ----------------------------------------------------------------------------- tokens

@dataclass(slots=True)
class Token:
    kind: str  # text | start | startend | end | comment | decl
    start: int
    end: int = 0
    tag: str = ""
    attrs: tuple[tuple[str, str | None], ...] = ()


class _Tokenizer(HTMLParser):
    def __init__(self, text: str) -> None:
        super().__init__(convert_charrefs=True)
        self.tokens: list[Token] = []
        self._starts = [0] + [m.end() for m in re.finditer("\n", text)]

    def _add(self, kind: str, tag: str = "", attrs=()) -> None:
        line, col = self.getpos()
        self.tokens.append(Token(kind, self._starts[line - 1] + col, 0, tag, tuple(attrs)))

    def handle_starttag(self, tag, attrs):
        self._add("start", tag, attrs)

    def handle_startendtag(self, tag, attrs):
        self._add("startend", tag, attrs)

    def handle_endtag(self, tag):
        self._add("end", tag)

    def handle_data(self, data):
        self._add("text")

    def handle_comment(self, data):
        self._add("comment")

    def handle_decl(self, decl):
        self._add("decl")

    def handle_pi(self, data):
        self._add("decl")

    def unknown_decl(self, data):
        self._add("decl")

    # The whole text is fed at once, so a construct with no end runs to the end of the
    # file, as browsers read it (html.parser would wait for more data, then give its
    # text back as data: a comment left open would be translated and shown).

    def parse_comment(self, i, report=1):
        k = super().parse_comment(i, report)
        if k < 0:  # "<!--" never closed: the rest of the file is the comment
            self.handle_comment(self.rawdata[i + 4:])
            return len(self.rawdata)
        return k

    def parse_bogus_comment(self, i, report=1):
        k = super().parse_bogus_comment(i, report)
        if k < 0:  # "<!x" or "</ x" without ">": a comment to the end of the file
            self.handle_comment(self.rawdata[i + 2:])
            return len(self.rawdata)
        return k

    def parse_html_declaration(self, i):
        pos = self.getpos()
        try:
            return super().parse_html_declaration(i)
        except AssertionError:
            # a marked section html.parser cannot name ("<![ endif]>", "<![ CDATA["):
            # a bogus comment to browsers, up to the next ">"
            self.lineno, self.offset = pos  # the failed scan moved them
            return self.parse_bogus_comment(i)


def tokenize(text: str) -> list[Token]:
    """Tokens covering ``text`` exactly: ``text[t.start:t.end]`` joined is ``text``."""
    p = _Tokenizer(text)
    try:
        p.feed(text)
        p.close()
    except AssertionError as exc:  # html.parser's own "cannot happen" (it reports no
        # other error): a one-line error for this file, never an internal one
        line, _ = p.getpos()
        raise UserError(f"line {line}: HTML that cannot be read ({exc})") from None
    tokens = [t for t in p.tokens]
    # html.parser reports some constructs twice at one position (never in practice) or
    # swallows bytes without a callback: spans run from one report to the next.
    out: list[Token] = []
    for t in tokens:
        if out and t.start <= out[-1].start:
            continue
        out.append(t)
    if not out or out[0].start > 0:
        out.insert(0, Token("text", 0))
    for a, b in zip(out, out[1:], strict=False):
        a.end = b.start
    out[-1].end = len(text)
    return out


_TAGNAME = re.compile(r"<[a-zA-Z][^\t\n\r\f />\x00]*(?:\s|/(?!>))*")
_ATTR = re.compile(
    r"((?<=['\"\s/])[^\s/>][^\s/=>]*)(\s*=+\s*"
    r"('[^']*'|\"[^\"]*\"|(?!['\"])[^>\s]*))?(?:\s|/(?!>))*")


def _depth(tok: Token, tag: str, depth: int) -> int:
    """The nesting depth inside a skipped ``tag`` element after ``tok``."""
    if tok.tag == tag and tok.kind == "start":
        return depth + 1
    if tok.tag == tag and tok.kind == "end":
        return depth - 1
    return depth


def attribute_spans(raw_tag: str) -> list[tuple[str, int, int]]:
    """``(name, start, end)`` of each attribute value in a raw start tag (quotes included),
    as html.parser scans them."""
    m = _TAGNAME.match(raw_tag)
    if not m:
        return []
    out = []
    k = m.end()
    while k < len(raw_tag):
        m = _ATTR.match(raw_tag, k)
        if not m or m.end() == k:
            break
        if m.group(3) is not None:
            out.append((m.group(1).lower(), m.start(3), m.end(3)))
        k = m.end()
    return out


def _attr(token: Token, name: str) -> str | None:
    for k, v in token.attrs:
        if k == name:
            return v
    return None


def _no_translate(token: Token) -> bool:
    if (_attr(token, "translate") or "").strip().lower() == "no":
        return True
    return "notranslate" in (_attr(token, "class") or "").split()


def _escape_text(ch: str) -> str:
    return {"&": "&amp;", "<": "&lt;"}.get(ch, ch)


def _attr_escaper(quote: str):
    """Escape one character of a translated attribute value (an unquoted value is
    written double-quoted where it needs quotes, so it is escaped as one)."""
    quote = quote or '"'

    def escape(ch: str) -> str:
        if ch == "&":
            return "&amp;"
        if ch == quote:
            return "&quot;" if quote == '"' else "&#39;"
        return ch
    return escape


# ----------------------------------------------------------------------------- document

@dataclass(slots=True)
class _AttrJob:
    token: int
    start: int  # value span in the raw tag, quotes included
    end: int
    name: str
    block: int = -1  # index in blocks, or -1 for a fixed replacement
    fixed: str | None = None


@dataclass(slots=True)
class _Building:
    """A block being built from tokens: its characters and their source text, the
    inline elements (open ones on ``stack``), repairs made, and whether a ``<br>`` waits
    for the next text to become a line break."""

    chars: list[str] = field(default_factory=list)
    origin: list[str] = field(default_factory=list)
    inlines: list[dict] = field(default_factory=list)
    stack: list[int] = field(default_factory=list)  # indices into inlines
    repairs: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)  # invalid nesting, kept as it was
    pending_break: bool = False


@dataclass(frozen=True, slots=True)
class _Open:
    """An inline element still open at the end of a block, carried into the next ones
    (valid HTML5: ``<a>`` around a ``<div>``): its name and where its start tag is."""

    tag: str
    key: int


@dataclass(slots=True)
class HtmlDocument:
    """A tokenized HTML document: its blocks to translate and how to write it back."""

    text: str
    tokens: list[Token]
    runs: list[tuple[int, int]] = field(default_factory=list)  # token ranges of blocks
    attr_jobs: list[_AttrJob] = field(default_factory=list)
    attr_blocks: list[Block] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # repairs (said "repaired")
    kept: list[str] = field(default_factory=list)  # invalid markup written as it was
    repair: bool = True  # close inline elements that their block's end tag closes
    name: str | None = None  # the file, for errors (None: the caller names it)
    #: end tag (token index) of a block element -> where its start tag is: the inline
    #: elements opened after that start are closed there (by a browser too)
    closes: dict[int, int] = field(default_factory=dict)
    #: start tags (token index) of links whose whole text is a URL, e-mail or handle
    kept_links: set[int] = field(default_factory=set)
    _lines: list[int] | None = None

    def line(self, pos: int) -> int:
        if self._lines is None:
            self._lines = [m.start() for m in re.finditer("\n", self.text)]
        return bisect.bisect_left(self._lines, pos) + 1

    def _collect_attributes(self, i: int, tgt: str) -> None:
        tok = self.tokens[i]
        raw = self.text[tok.start:tok.end]
        spans = {name: (s, e) for name, s, e in reversed(attribute_spans(raw))}
        names = list(TRANSLATED_ATTRIBUTES)
        if tok.tag == "meta":
            key = (_attr(tok, "name") or _attr(tok, "property") or "").strip().lower()
            if key in META_TRANSLATED:
                names.append("content")
        for name in names:
            if name not in spans:
                continue
            s, e = spans[name]
            value = raw[s:e]
            quote = value[0] if value[:1] in ("'", '"') else ""
            inner = value[1:-1] if quote else value
            text, origin = decode_entities(inner)
            block = Block(text, tuple(origin), escape=_attr_escaper(quote), kind="attribute",
                          where=f"line {self.line(tok.start)} {tok.tag} {name}")
            if not block.translatable:
                continue
            self.attr_blocks.append(block)
            self.attr_jobs.append(_AttrJob(i, s, e, name, len(self.attr_blocks) - 1))
        if tok.tag == "html":
            for name in ("lang", "xml:lang"):
                if name in spans:
                    s, e = spans[name]
                    value = raw[s:e]
                    quote = value[0] if value[:1] in ("'", '"') else ""
                    self.attr_jobs.append(_AttrJob(i, s, e, name, -1, f"{quote}{tgt}{quote}"))

    def rewritten_tags(self, outputs: list[str | None]) -> dict[int, str]:
        """Token index -> the start tag with its translated attribute values."""
        by_token: dict[int, list[_AttrJob]] = {}
        for job in self.attr_jobs:
            by_token.setdefault(job.token, []).append(job)
        out: dict[int, str] = {}
        for i, jobs in by_token.items():
            tok = self.tokens[i]
            raw = self.text[tok.start:tok.end]
            for job in sorted(jobs, key=lambda j: -j.start):
                if job.fixed is not None:
                    new = job.fixed
                else:
                    text = outputs[job.block]
                    if text is None:
                        continue
                    value = raw[job.start:job.end]
                    quote = value[0] if value[:1] in ("'", '"') else ""
                    if not quote and (not text or any(c in text for c in " \t\n\r\f'=<>`")):
                        quote = '"'  # an unquoted value that now needs quotes
                    new = f"{quote}{text}{quote}"
                raw = raw[:job.start] + new + raw[job.end:]
            out[i] = raw
        return out

    # --- blocks -------------------------------------------------------------------

    def blocks(self, tags: dict[int, str]) -> list[Block]:
        """The blocks of :attr:`runs`, in order: an inline element left open at the end
        of one (a link around a ``<div>``) continues in the next ones until its end tag,
        or until the end tag of a block element it is inside closes it."""
        out: list[Block] = []
        carry: list[_Open] = []
        prev = 0
        for a, b in self.runs:
            carry = self._closed_between(carry, prev, a)
            block, carry = self.build_block(a, b, tags, carry)
            carry = carry[-(current_limits().nesting_depth // 2):]  # outermost: nothing more
            out.append(block)
            prev = b
        return out

    def _closed_between(self, carry: list[_Open], a: int, b: int) -> list[_Open]:
        for i in range(a, b):
            cut = self.closes.get(i)
            if cut is not None and carry:
                carry = [c for c in carry if c.key < cut]
        return carry

    def build_block(self, a: int, b: int, tags: dict[int, str],
                    carry: Sequence[_Open] = ()) -> tuple[Block, list[_Open]]:
        """The plain text and inline markup of tokens ``a..b-1``, with the elements of
        ``carry`` open at its start (written before it); and the elements open at its
        end that go on after it."""
        st = _Building()
        for c in carry:  # written before this block: no start tag here
            st.stack.append(len(st.inlines))
            st.inlines.append(dict(start=0, end=None, tag=c.tag, open="", close="",
                                   depth=len(st.stack) - 1, key=c.key))
        text = self.text
        i = a
        while i < b:
            tok = self.tokens[i]
            raw = tags.get(i, text[tok.start:tok.end])
            if tok.kind == "text":
                dec, org = decode_entities(raw)
                if st.pending_break and dec and not dec[0].isspace():
                    st.chars.append("\n")
                    st.origin.append("")
                st.pending_break = False
                st.chars.extend(dec)
                st.origin.extend(org)
            elif tok.kind == "start" and tok.tag in ATOMIC_INLINE:
                i = self._atomic(st, i, b, raw) + 1
                continue
            elif tok.kind == "comment" or (tok.kind in ("start", "startend")
                                           and (tok.tag in INLINE_VOID
                                                or tok.kind == "startend")):
                st.inlines.append(dict(start=len(st.chars), end=len(st.chars),
                                       tag=tok.tag or "#comment", open=raw, close="",
                                       void=True, depth=len(st.stack), key=tok.start))
                st.pending_break = (tok.tag == "br" and bool(st.chars)
                                    and not st.chars[-1].isspace())
            elif tok.kind == "start" and (tok.tag in FROZEN_INLINE or _no_translate(tok)
                                          or i in self.kept_links):
                i = self._frozen(st, i, b, raw) + 1
                continue
            elif tok.kind == "start":
                if tok.tag == "a":  # a link closes the one still open (browsers do):
                    # no end tag matches that one any more, none is added, it is not
                    # carried on (its place in this block's tree is kept)
                    for k in st.stack:
                        if st.inlines[k]["tag"] == "a":
                            st.inlines[k]["tag"] = "#a"
                if len(st.stack) >= current_limits().nesting_depth:
                    raise self._too_deep(tok)
                st.stack.append(len(st.inlines))
                st.inlines.append(dict(start=len(st.chars), end=None, tag=tok.tag, open=raw,
                                       close="", depth=len(st.stack) - 1, key=tok.start))
            elif tok.kind == "end":
                self._end_tag(st, tok, raw)
            i += 1
        going_on = self._close_open(st, b)
        self.notes.extend(st.repairs)
        self.kept.extend(st.kept)
        inlines = _without_phantoms(st.inlines)
        n = len(st.chars)
        els = tuple(Inline(d["start"], d["end"], d["tag"],
                           Markup(d["open"], d["close"], d.get("frozen"), d["key"]),
                           d.get("void", False), d["depth"],
                           from_start=not d["open"] and not d.get("void", False)
                           and d["start"] == 0,
                           to_end=not d["close"] and not d.get("void", False)
                           and d["end"] == n and d.get("frozen") is None)
                    for d in inlines)
        block = Block("".join(st.chars), tuple(st.origin), els, _escape_text, "text",
                      f"line {self.line(self.tokens[a].start)}")
        return block, going_on

    def _atomic(self, st: _Building, i: int, b: int, raw: str) -> int:
        """An ``<svg>`` or ``<math>`` inside a block: carried whole, byte for byte, as
        one void element. Returns the index of its end tag."""
        j = self._matching_end(i, b)
        end = self.tokens[j].end if j < b else self.tokens[b - 1].end
        whole = raw + self.text[self.tokens[i].end:end]
        st.inlines.append(dict(start=len(st.chars), end=len(st.chars), tag=self.tokens[i].tag,
                               open=whole, close="", void=True, depth=len(st.stack),
                               key=self.tokens[i].start))
        return j

    def _frozen(self, st: _Building, i: int, b: int, raw: str) -> int:
        """An element kept as it is (code, ``translate="no"``, a link whose text is a
        URL): its text joins the block, written by the element itself. Returns the index
        of its end tag."""
        tok, text = self.tokens[i], self.text
        j = self._matching_end(i, b)
        inner_end = self.tokens[j].start if j < b else self.tokens[b - 1].end
        inner = text[tok.end:inner_end]
        plain = "".join(decode_entities(text[t.start:t.end])[0]
                        for t in self.tokens[i + 1:j] if t.kind == "text")
        close = text[self.tokens[j].start:self.tokens[j].end] if j < b else ""
        st.inlines.append(dict(start=len(st.chars), end=len(st.chars) + len(plain),
                               tag=tok.tag, open=raw, close=close, frozen=inner,
                               depth=len(st.stack), key=tok.start))
        st.chars.extend(plain)
        st.origin.extend([""] * len(plain))  # written by the element itself
        st.pending_break = False
        return j

    def _end_tag(self, st: _Building, tok, raw: str) -> None:
        """An end tag: closes its element; one that closes an element with others still
        open inside it (``<b>x<i>y</b>z</i>``) splits them: their part inside ends
        there without an end tag and goes on after it, as browsers read it (every tag
        stays where it was); a stray end tag is kept where it was."""
        k = next((k for k in reversed(st.stack) if st.inlines[k]["tag"] == tok.tag), None)
        if k is None:  # a stray end tag: kept where it was
            st.inlines.append(dict(start=len(st.chars), end=len(st.chars), tag="/" + tok.tag,
                                   open=raw, close="", void=True, depth=len(st.stack),
                                   key=tok.start))
            return
        self._close(st, k, raw, tok)

    def _close(self, st: _Building, k: int, raw: str, tok: Token) -> None:
        """Close the open element ``k`` here with its end tag ``tok`` (``raw``), splitting
        the ones open inside it (said in the notes)."""
        crossed = []
        while st.stack and st.stack[-1] != k:
            inner = st.inlines[st.stack.pop()]
            inner["end"] = len(st.chars)  # no end tag here: it comes later
            crossed.append(inner)
            name = inner["tag"].lstrip("#")
            st.kept.append(f"<{name}> at line {self.line(inner['key'])} crosses "
                           f"</{tok.tag}> at line {self.line(tok.start)}")
        st.stack.pop()
        st.inlines[k]["end"] = len(st.chars)
        st.inlines[k]["close"] = raw
        for inner in reversed(crossed):  # goes on after the end tag, without a start tag
            st.stack.append(len(st.inlines))
            st.inlines.append(dict(start=len(st.chars), end=None, tag=inner["tag"], open="",
                                   close="", depth=len(st.stack) - 1, key=inner["key"]))

    def _close_open(self, st: _Building, b: int) -> list[_Open]:
        """Elements still open at the block's end (token ``b``): where ``b`` is the end
        tag of a block element they are inside (``<p><b>x</p>``), the ones opened in this
        block are closed here (repaired: a browser closes them there too); all others go
        on after the block, written without an end tag here. Returns those."""
        n = len(st.chars)
        cut = self.closes.get(b)
        going_on: list[_Open] = []
        for k in st.stack:
            el = st.inlines[k]
            el["end"] = n
            if el["tag"].startswith("#"):  # closed already (a link by the next one)
                continue
            if cut is not None and el["key"] > cut:
                if el["open"] and self.repair:  # opened in this block
                    el["close"] = f"</{el['tag']}>"
                    where = f" before {self.text[self.tokens[b].start:self.tokens[b].end]}"
                    st.repairs.append(f"<{el['tag']}> at line {self.line(el['key'])} not "
                                      f"closed{where}")
                continue
            going_on.append(_Open(el["tag"], el["key"]))
        return going_on

    def _too_deep(self, tok: Token) -> UserError:
        limits = current_limits()
        problem = limits.over("nesting_depth", "inline elements nested more than "
                                               f"{limits.nesting_depth} deep")
        line = self.line(tok.start)
        if self.name is None:
            return UserError(f"line {line}: {problem}")
        return InputFileError(self.name, problem, line)

    def _matching_end(self, i: int, b: int) -> int:
        tag = self.tokens[i].tag
        depth = 0
        for j in range(i + 1, b):
            t = self.tokens[j]
            if t.tag != tag:
                continue
            if t.kind == "start":
                depth += 1
            elif t.kind == "end":
                if depth == 0:
                    return j
                depth -= 1
        return b

    def write(self, block_outputs: list[str | None], attr_outputs: list[str | None]) -> str:
        tags = self.rewritten_tags(attr_outputs)
        parts: list[str] = []
        run_at = {a: (a, b, k) for k, (a, b) in enumerate(self.runs)}
        i = 0
        n = len(self.tokens)
        while i < n:
            if i in run_at:
                a, b, k = run_at[i]
                out = block_outputs[k]
                if out is None:
                    parts.extend(tags.get(j, self.text[self.tokens[j].start:self.tokens[j].end])
                                 for j in range(a, b))
                else:
                    parts.append(out)
                i = b
                continue
            tok = self.tokens[i]
            parts.append(tags.get(i, self.text[tok.start:tok.end]))
            i += 1
        return "".join(parts)


def _without_phantoms(inlines: list[dict]) -> list[dict]:
    """``inlines`` (pre-order with depths) less the parts of elements that write nothing
    in this block (no start tag, no end tag: an element open all through it), each
    remaining one's depth lowered by its ancestors taken out."""
    if not any(not d["open"] and not d["close"] and not d.get("void") for d in inlines):
        return inlines
    out: list[dict] = []
    chain: list[bool] = []  # per open ancestor: taken out?
    removed = 0
    for d in inlines:
        while len(chain) > d["depth"]:
            removed -= chain.pop()
        phantom = not d["open"] and not d["close"] and not d.get("void")
        if not phantom:
            out.append(dict(d, depth=d["depth"] - removed))
        if not d.get("void"):
            chain.append(phantom)
            removed += phantom
    return out


def _link_text(tokens: list[Token], text: str, i: int, limit: int = 2000) -> str | None:
    """The text of the link starting at token ``i`` when it holds only text and inline
    elements (``None`` when it runs past ``limit`` characters or tokens, into a block or
    another link: so every link is looked at in time bounded by ``limit``)."""
    parts: list[str] = []
    size = 0
    for j in range(i + 1, min(len(tokens), i + 1 + limit)):
        t = tokens[j]
        if t.kind == "end" and t.tag == "a":
            return decode_entities("".join(parts))[0]
        if t.kind == "start" and t.tag == "a":
            return None
        if t.kind == "text":
            size += t.end - t.start
            if size > limit:
                return None
            parts.append(text[t.start:t.end])
        elif t.kind in ("start", "startend", "end") and t.tag not in INLINE \
                and t.tag not in INLINE_VOID:
            return None
    return None


def _tokens_of(text: str, name: str | None) -> list[Token]:
    """:func:`tokenize`, its error naming the file ``name`` (when given)."""
    try:
        return tokenize(text)
    except UserError as exc:
        if name is None:
            raise
        raise InputFileError(name, str(exc)) from None


def read_html(text: str, tgt: str, *, repair: bool = True,
              name: str | None = None) -> HtmlDocument:
    """Tokenize ``text`` and find its blocks and translated attributes. ``repair=False``
    (raw HTML inside Markdown, where an element may close in a later block) keeps an
    inline start tag left open as it is instead of closing it. ``name``: the file, named
    by the errors (else the caller adds it)."""
    doc = HtmlDocument(text, _tokens_of(text, name), repair=repair, name=name)
    tokens = doc.tokens
    run_start: int | None = None
    raw_tag: str | None = None  # inside a never-translated element
    raw_depth = 0
    frozen_tag: str | None = None  # inside a never-translated inline element
    frozen_depth = 0

    limits = current_limits()

    def flush(end: int) -> None:
        nonlocal run_start
        if run_start is not None and end > run_start:
            size = tokens[end - 1].end - tokens[run_start].start
            if size > limits.text_chars:  # (its line is counted only then)
                limits.check("text_chars", size, f"a block of text of {size} characters",
                             name, doc.line(tokens[run_start].start))
            doc.runs.append((run_start, end))
        run_start = None

    blocks: list[tuple[str, int]] = []  # open block elements: name, start position
    open_count: dict[str, int] = {}
    for i, tok in enumerate(tokens):
        if raw_tag is not None:
            raw_depth = _depth(tok, raw_tag, raw_depth)
            raw_tag = raw_tag if raw_depth else None
            continue
        if frozen_tag is not None:
            frozen_depth = _depth(tok, frozen_tag, frozen_depth)
            frozen_tag = frozen_tag if frozen_depth else None
            continue
        if tok.kind in ("start", "startend"):
            doc._collect_attributes(i, tgt)
        inline = (tok.tag in INLINE or tok.tag in INLINE_VOID or tok.tag in FROZEN_INLINE
                  or tok.tag in ATOMIC_INLINE)
        if tok.kind == "start" and tok.tag == "a":
            words = _link_text(tokens, text, i)
            if words is not None and NOT_PROSE.fullmatch(words.strip()):
                doc.kept_links.add(i)
        if tok.kind in ("text", "comment"):
            if run_start is None:
                run_start = i
        elif tok.kind == "start" and not inline and (tok.tag in RAW_ELEMENTS
                                                     or _no_translate(tok)):
            flush(i)
            if tok.tag not in VOID:
                raw_tag, raw_depth = tok.tag, 1
        elif tok.kind == "start" and inline and (tok.tag in FROZEN_INLINE
                                                 or tok.tag in ATOMIC_INLINE
                                                 or _no_translate(tok)
                                                 or i in doc.kept_links):
            if run_start is None:
                run_start = i
            frozen_tag, frozen_depth = tok.tag, 1
        elif tok.kind in ("start", "startend", "end") and inline:
            if run_start is None:
                run_start = i
        else:
            flush(i)
            if tok.kind == "start" and tok.tag not in VOID:
                blocks.append((tok.tag, tok.start))
                open_count[tok.tag] = open_count.get(tok.tag, 0) + 1
            elif tok.kind == "end" and open_count.get(tok.tag):
                while True:  # the browser closes the ones inside it too
                    tag, at = blocks.pop()
                    open_count[tag] -= 1
                    if tag == tok.tag:
                        doc.closes[i] = at
                        break
    flush(len(tokens))
    return doc
