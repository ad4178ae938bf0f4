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
  ``svg``, ``math``, ``template``; inside a sentence ``code``, ``kbd``, ``samp``, ``var``
  and any element with ``translate="no"`` or class ``notranslate`` (the words go to the
  model for a fluent sentence, and the element's original inside is written back);
  comments, doctype, URLs and all other attributes;
* translated attributes: ``alt``, ``title``, ``aria-label``, ``placeholder``, and the
  ``content`` of ``<meta>`` description, ``og:title``, ``og:description`` (and the
  ``twitter:`` ones); ``<html lang>`` becomes the target language.

Text is decoded (character references) for translation; translated text is escaped
minimally (``&`` and ``<``; in attribute values also the quote). Invalid markup inside a
block (an inline element left open, or closed across another) is repaired where the
projection needs a tree, and said once in the result's notes.
"""

from __future__ import annotations

import re
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
    pending_break: bool = False


@dataclass(slots=True)
class HtmlDocument:
    """A tokenized HTML document: its blocks to translate and how to write it back."""

    text: str
    tokens: list[Token]
    runs: list[tuple[int, int]] = field(default_factory=list)  # token ranges of blocks
    attr_jobs: list[_AttrJob] = field(default_factory=list)
    attr_blocks: list[Block] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    repair: bool = True  # close inline elements left open at the end of their block
    name: str | None = None  # the file, for errors (None: the caller names it)

    def line(self, pos: int) -> int:
        return self.text.count("\n", 0, pos) + 1

    # --- attributes -------------------------------------------------------------

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

    def build_block(self, a: int, b: int, tags: dict[int, str]) -> Block:
        """The plain text and inline markup of tokens ``a..b-1``."""
        st = _Building()
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
            elif tok.kind == "comment" or (tok.kind in ("start", "startend")
                                           and (tok.tag in INLINE_VOID
                                                or tok.kind == "startend")):
                st.inlines.append(dict(start=len(st.chars), end=len(st.chars),
                                       tag=tok.tag or "#comment", open=raw, close="",
                                       void=True, depth=len(st.stack), key=tok.start))
                st.pending_break = (tok.tag == "br" and bool(st.chars)
                                    and not st.chars[-1].isspace())
            elif tok.kind == "start" and (tok.tag in FROZEN_INLINE or _no_translate(tok)):
                i = self._frozen(st, i, b, raw) + 1
                continue
            elif tok.kind == "start":
                if len(st.stack) >= current_limits().nesting_depth:
                    raise self._too_deep(tok)
                st.stack.append(len(st.inlines))
                st.inlines.append(dict(start=len(st.chars), end=None, tag=tok.tag, open=raw,
                                       close="", depth=len(st.stack) - 1, key=tok.start))
            elif tok.kind == "end":
                self._end_tag(st, tok, raw)
            i += 1
        self._close_open(st)
        if st.repairs:
            self.notes.extend(st.repairs)
        els = tuple(Inline(d["start"], d["end"], d["tag"],
                           Markup(d["open"], d["close"], d.get("frozen"), d["key"]),
                           d.get("void", False), d["depth"]) for d in st.inlines)
        return Block("".join(st.chars), tuple(st.origin), els, _escape_text, "text",
                     f"line {self.line(self.tokens[a].start)}")

    def _frozen(self, st: _Building, i: int, b: int, raw: str) -> int:
        """An element kept as it is (code, ``translate="no"``): its text joins the block,
        written by the element itself. Returns the index of its end tag."""
        tok, text = self.tokens[i], self.text
        j = self._matching_end(i, b)
        inner_end = self.tokens[j].start if j < b else self.tokens[b - 1].end
        inner = text[tok.end:inner_end]
        plain = "".join(decode_entities(text[t.start:t.end])[0]
                        for t in self.tokens[i + 1:j] if t.kind == "text")
        close = text[self.tokens[j].start:self.tokens[j].end] if j < b else ""
        if j >= b and self.repair:
            st.repairs.append(f"<{tok.tag}> at line {self.line(tok.start)} not closed")
            close = f"</{tok.tag}>"
        st.inlines.append(dict(start=len(st.chars), end=len(st.chars) + len(plain),
                               tag=tok.tag, open=raw, close=close, frozen=inner,
                               depth=len(st.stack), key=tok.start))
        st.chars.extend(plain)
        st.origin.extend([""] * len(plain))  # written by the element itself
        st.pending_break = False
        return j

    def _end_tag(self, st: _Building, tok, raw: str) -> None:
        """An end tag: closes its element (and, repaired, the ones left open inside it);
        a stray one is kept where it was."""
        open_at = [k for k in st.stack if st.inlines[k]["tag"] == tok.tag]
        if not open_at:  # a stray end tag: kept where it was
            st.inlines.append(dict(start=len(st.chars), end=len(st.chars), tag="/" + tok.tag,
                                   open=raw, close="", void=True, depth=len(st.stack),
                                   key=tok.start))
            return
        k = open_at[-1]
        while st.stack and st.stack[-1] != k:
            inner = st.inlines[st.stack.pop()]
            inner["end"] = len(st.chars)
            inner["close"] = f"</{inner['tag']}>"
            st.repairs.append(f"<{inner['tag']}> at line {self.line(inner['key'])} "
                              f"closed before </{tok.tag}>")
        st.stack.pop()
        st.inlines[k]["end"] = len(st.chars)
        st.inlines[k]["close"] = raw

    def _close_open(self, st: _Building) -> None:
        """Elements still open at the block's end: closed there (repaired), or kept as a
        start tag with no end, where it stood."""
        for k in reversed(st.stack):
            if not self.repair:  # kept as it was: a start tag with no end, where it stood
                st.inlines[k].update(end=st.inlines[k]["start"], void=True)
                for later in st.inlines[k + 1:]:
                    later["depth"] -= 1
                continue
            st.inlines[k]["end"] = len(st.chars)
            st.inlines[k]["close"] = f"</{st.inlines[k]['tag']}>"
            st.repairs.append(f"<{st.inlines[k]['tag']}> at line "
                              f"{self.line(st.inlines[k]['key'])} not closed")

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


def read_html(text: str, tgt: str, *, repair: bool = True,
              name: str | None = None) -> HtmlDocument:
    """Tokenize ``text`` and find its blocks and translated attributes. ``repair=False``
    (raw HTML inside Markdown, where an element may close in a later block) keeps an
    inline start tag left open as it is instead of closing it. ``name``: the file, named
    by the errors (else the caller adds it)."""
    try:
        tokens = tokenize(text)
    except UserError as exc:
        if name is None:
            raise
        raise InputFileError(name, str(exc)) from None
    doc = HtmlDocument(text, tokens, repair=repair, name=name)
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
        inline = tok.tag in INLINE or tok.tag in INLINE_VOID or tok.tag in FROZEN_INLINE
        if tok.kind in ("text", "comment"):
            if run_start is None:
                run_start = i
        elif tok.kind == "start" and (tok.tag in RAW_ELEMENTS
                                      or (_no_translate(tok) and not inline)):
            flush(i)
            if tok.tag not in VOID:
                raw_tag, raw_depth = tok.tag, 1
        elif tok.kind == "start" and inline and (tok.tag in FROZEN_INLINE
                                                 or _no_translate(tok)):
            if run_start is None:
                run_start = i
            frozen_tag, frozen_depth = tok.tag, 1
        elif tok.kind in ("start", "startend", "end") and inline:
            if run_start is None:
                run_start = i
        else:
            flush(i)
    flush(len(tokens))
    return doc
