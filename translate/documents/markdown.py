"""Markdown (CommonMark with tables and strikethrough) articles, read with markdown-it-py.

markdown-it-py gives the block structure with source lines (``token.map``); the position of
each inline construct is found by walking its tokens along the block's source text, so the
output is the input byte for byte outside translated text.

Translated: headings, paragraphs, list items, block quotes, table cells (each a block),
link text (the URL and title kept), image alt text, raw HTML blocks and inline HTML as for
HTML documents (:mod:`.html`), and the ``title``, ``description`` and ``summary`` values of
a YAML (``---``) or TOML (``+++``) front matter. Kept: code spans and code blocks (a code
span inside a sentence goes to the model for a fluent sentence and is written back
unchanged), autolinks, footnote references and the labels of footnote definitions
(``[^1]``, ``[^1]:``, placed with the word before them), every other front-matter key, and
all markup. A shortcut reference link (``[Oli]``) whose text is translated is written as a
full one (``[Oli translated][Oli]``), so it still finds its definition. Translated text gets
a backslash only where a character would otherwise make markup (``team_url`` and the
brackets of the pseudo-locale stay as they are). Each translated block is read back and
its emphases rewritten (``*`` or ``_``, an edge at a word's edge) until it reads as the
elements placed on it (:class:`_Reader`). A block whose source cannot be matched token by
token (an unusual construct) is kept as it is and named in the notes.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, replace

from .. import detect
from ..errors import UserError
from ..limits import current as current_limits
from ..protocol import Translates
from .core import _CHARREF, Block, DocumentSegment, Placed, decode_entities, translate_blocks
from .html import FROZEN_INLINE, INLINE_VOID, _no_translate, tokenize
from .inline import Inline, Markup, check_nesting

__all__ = ["translate_markdown"]

FRONT_MATTER_KEYS = ("title", "description", "summary")
_NEWLINE = re.compile(r"\r\n|\r|\n")
_MD_SPECIAL = set("\\`*_[]<")
_FOOTNOTE_REF = re.compile(r"\[\^[^\]\s]+\]")
_FOOTNOTE_DEF = re.compile(r"\[\^[^\]\s]+\]:[ \t]*")
_ASCII_PUNCT = set("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~")


class _Mismatch(Exception):
    pass


@dataclass(frozen=True, slots=True)
class _Escapes:
    """How translated characters are escaped in one document. A character that may need a
    backslash is written after ``mark`` (``always``: one that needs it, ``|`` in a table
    cell); whether it does is decided once its block is written (:meth:`unmark`), from its
    neighbours there. The marks are private-use characters the document lacks."""

    mark: str
    always: str
    link: str  # before the ``[`` and ``]`` of a link's markup
    label: str  # around the ``[label]`` added after a shortcut reference link's text
    code: str  # around a code span's markup: two that meet get a space between
    note: str  # after a footnote reference: a ``(`` the translation puts next gets a
    # backslash (``[^1](aside)`` is a link)
    labels: frozenset[str]  # the document's link reference labels, normalised

    @classmethod
    def of(cls, text: str, labels) -> _Escapes:
        free = (chr(c) for c in range(0xF0000, 0x10FFFE) if chr(c) not in text)
        return cls(next(free), next(free), next(free), next(free), next(free), next(free),
                   frozenset(labels))

    def md(self, ch: str) -> str:
        return self.mark + ch if ch in _MD_SPECIAL else ch

    def cell(self, ch: str) -> str:
        return self.always + ch if ch == "|" else self.md(ch)

    def unmark(self, text: str) -> str:
        """``text`` with each mark turned into a backslash where the marked character
        needs one, and dropped elsewhere. Inside a link's text a translated bracket
        without its pair (a segment's edge inside the link) needs one too. Two code spans
        that the translation put side by side get a space between them (else they are
        one: ```a``b```)."""
        if self.code in text:  # code spans the translation left touching stay two
            text = text.replace(self.code * 2, " ").replace(self.code, "")
        if self.note in text:
            text = text.replace(self.note + "(", "\\(").replace(self.note, "")
        if not any(m in text for m in (self.mark, self.always, self.link)):
            return text
        plain: list[str] = []
        marks: dict[int, bool] = {}
        links: set[int] = set()
        added: list[int] = []  # where each added ``[label]`` starts and ends
        for ch in text:
            if ch == self.mark or ch == self.always:
                marks[len(plain)] = ch == self.always
            elif ch == self.link:
                links.add(len(plain))
            elif ch == self.label:
                added.append(len(plain))
            else:
                plain.append(ch)
        t = "".join(plain)
        if added:  # a label the link's text still is (not translated): not added
            t, marks, links = self._labels(t, marks, links, added)
        unpaired: set[int] = set()
        inside, opened = 0, []
        for k in sorted(links | {k for k in marks if t[k] in "[]"}):
            if k in links:
                inside += 1 if t[k] == "[" else -1
                unpaired.update(opened)
                opened = []
            elif inside > 0 and t[k] == "[":
                opened.append(k)
            elif inside > 0:
                if opened:
                    opened.pop()
                else:
                    unpaired.add(k)
        out = []
        alone = {ch for ch in "*_" if t.count(ch) == 1}
        for k, ch in enumerate(t):
            if k in marks and (marks[k] or k in unpaired
                               or _needs_escape(t, k, self.labels, alone)):
                out.append("\\")
            out.append(ch)
        return "".join(out)

    @staticmethod
    def _labels(t: str, marks: dict[int, bool], links: set[int], added: list[int]):
        """``t`` without each added ``[label]`` whose link text is that label (a link the
        translation left as it was), the marks and link edges moved to match."""
        opens = sorted(k for k in links if t[k] == "[")
        drop: list[tuple[int, int]] = []
        for a, b in zip(added[::2], added[1::2], strict=False):
            i = bisect.bisect_left(opens, a - 1)  # the link's own ``[``: the last before
            if i and " ".join(t[opens[i - 1] + 1:a - 1].split()).lower() == \
                    " ".join(t[a + 1:b - 1].split()).lower():
                drop.append((a, b))
        if not drop:
            return t, marks, links
        gone = [0] * (len(t) + 1)  # characters dropped before each offset
        acc = j = 0
        for k in range(len(t) + 1):
            while j < len(drop) and drop[j][1] <= k:
                acc += drop[j][1] - drop[j][0]
                j += 1
            gone[k] = acc
        keep = "".join(t[last:a] for last, a in zip(
            [0] + [b for _, b in drop], [a for a, _ in drop] + [len(t)], strict=True))
        return (keep, {k - gone[k]: v for k, v in marks.items()},
                {k - gone[k] for k in links})


def _needs_escape(t: str, k: int, labels: frozenset[str], alone: set[str]) -> bool:
    """Whether the translated character ``t[k]`` needs a backslash where it is: only
    where it would otherwise start or end markup (so ``team_url`` and the ``[`` ``]``
    around a pseudo-localised segment stay as they are)."""
    ch = t[k]
    prev = t[k - 1] if k else "\n"
    nxt = t[k + 1] if k + 1 < len(t) else "\n"
    if ch == "\\":
        return nxt in _ASCII_PUNCT or nxt in "\r\n"
    if ch in alone:  # the only ``*`` (``_``) of its block: nothing to emphasise with
        return prev in "\r\n"  # (but a line's first ``*`` may start a list item)
    if ch == "*":
        return not (prev in " \t" and nxt.isspace())
    if ch == "_":
        return not ((prev.isalnum() and nxt.isalnum()) or (prev in " \t" and nxt.isspace()))
    if ch == "[":
        if nxt == "^":
            return True
        end = t.find("]", k + 1, k + 1001) if labels else -1  # (a label: 999 at most)
        return end > 0 and " ".join(t[k + 1:end].split()).lower().upper() in labels
    if ch == "]":
        if nxt == "[":  # a full reference link only with a defined label
            end = t.find("]", k + 2, k + 1002) if labels else -1
            return end > 0 and " ".join(t[k + 2:end].split()).lower().upper() in labels
        return nxt in "(:"
    if ch == "<":
        return nxt.isascii() and (nxt.isalpha() or nxt in "/!?")
    return True  # a backtick


def _parser():
    try:
        from markdown_it import MarkdownIt
    except ImportError:
        raise UserError("Markdown documents need markdown-it-py: "
                        "pip install 'newsdesk-translate[documents]'") from None

    return MarkdownIt("commonmark").enable("table").enable("strikethrough")


# ----------------------------------------------------------------------------- front matter

_FM_OPEN = re.compile(r"(---|\+\+\+)[ \t]*(?:\r\n|\r|\n)")
_FM_CLOSE = {"---": re.compile(r"^(?:---|\.\.\.)[ \t]*$", re.M),
             "+++": re.compile(r"^\+\+\+[ \t]*$", re.M)}
# the value ends at the line's last non-blank character (a lazy ``.*?`` before ``[ \t]*$``
# would retry the white space at every character: quadratic on a long run of spaces)
_FM_LINE = re.compile(r"^(title|description|summary)([ \t]*:[ \t]+)(\S(?:[^\r\n]*\S)?)", re.M)
# TOML (Zola, Hugo ``+++``): a one-line basic or literal string of a top-level key
_TOML_LINE = re.compile(r"""^(title|description|summary)([ \t]*=[ \t]*)"""
                        r"""("(?:[^"\\\r\n]|\\[^\r\n])*"|'[^'\r\n]*')[ \t]*(?:#[^\r\n]*)?$""",
                        re.M)
_TOML_TABLE = re.compile(r"^[ \t]*\[", re.M)


@dataclass(frozen=True, slots=True)
class _Value:
    start: int
    end: int
    style: str  # '"', "'" or ""
    toml: bool = False


def _front_matter(text: str, notes: list[str]) -> tuple[int, list[tuple[_Value, Block]]]:
    """The end of the front matter (0 without one) and its translated values: YAML
    (``---``) or TOML (``+++``); a value with words that cannot be rewritten is noted."""
    m = _FM_OPEN.match(text)
    if not m:
        return 0, []
    toml = m.group(1) == "+++"
    close = _FM_CLOSE[m.group(1)].search(text, m.end())
    if not close:
        return 0, []
    end = close.end()
    nl = _NEWLINE.match(text, end)
    end = nl.end() if nl else end
    if toml:
        table = _TOML_TABLE.search(text, m.end(), close.start())
        return end, _toml_values(text, m.end(), table.start() if table else close.start(),
                                 notes)
    out = []
    for line in _FM_LINE.finditer(text, m.end(), close.start()):
        raw = line.group(3)
        start = line.start(3)
        style = raw[0] if raw[0] in "\"'" else ""
        kept = f"front matter {line.group(1)}: kept as it is"
        if style:
            if len(raw) < 2 or raw[-1] != style:
                notes.append(f"{kept} (a quoted value that does not end on its line)")
                continue
            value = _yaml_scalar(raw)
            if value is None:
                notes.append(f"{kept} (a quoted value YAML cannot read)")
                continue
        else:
            if raw[0] == "*":  # an alias: its text is where the anchor is
                continue
            if raw[0] in "|>[{&!%@`" or " #" in raw:
                notes.append(f"{kept} (a YAML block, list, anchor, tag or comment: only "
                             "a one-line value is translated)")
                continue
            value = raw
        if not isinstance(value, str) or not any(c.isalpha() for c in value):
            continue
        block = Block(value, tuple(_yaml_escape(c, style) for c in value),
                      escape=lambda c, s=style: _yaml_escape(c, s), kind="front matter",
                      where=f"front matter {line.group(1)}")
        out.append((_Value(start, start + len(raw), style), block))
    return end, out


def _toml_values(text: str, start: int, end: int, notes: list[str]
                 ) -> list[tuple[_Value, Block]]:
    """The translated values of a TOML front matter's top-level keys (before its first
    table), each a one-line string (one TOML cannot read is noted)."""
    import tomllib

    out = []
    for line in _TOML_LINE.finditer(text, start, end):
        raw = line.group(3)
        try:
            value = tomllib.loads("v = " + raw)["v"]
        except tomllib.TOMLDecodeError:
            notes.append(f"front matter {line.group(1)}: kept as it is (a string TOML "
                         "cannot read)")
            continue
        if not any(c.isalpha() for c in value):
            continue
        block = Block(value, tuple(_toml_escape(c) for c in value), escape=_toml_escape,
                      kind="front matter", where=f"front matter {line.group(1)}")
        out.append((_Value(line.start(3), line.end(3), raw[0], toml=True), block))
    return out


def _toml_escape(ch: str) -> str:
    """One character in a TOML basic string."""
    if ch in '"\\':
        return "\\" + ch
    if ch < " " or ch == "\x7f":
        return {"\n": "\\n", "\t": "\\t", "\r": "\\r"}.get(ch, f"\\u{ord(ch):04x}")
    return ch


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

    def __init__(self, text: str, src: _Source, alts: list[str | None],
                 esc: _Escapes) -> None:
        self.text, self.src, self.esc = text, src, esc
        self.links: list[int] = []  # where the text of each open link starts
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

    def footnotes(self, t: str) -> None:
        """A text token, its footnote references (``[^1]``) and a footnote definition's
        label (``[^1]:`` starting the block) taken out whole as void elements (the
        parser has no footnotes: they are text to it)."""
        at = 0
        for m in _FOOTNOTE_REF.finditer(t):
            self.text_token(t[at:m.start()])
            at = m.end()
            if not self.c.startswith(m.group(0), self.k):  # an escaped bracket: text
                self.text_token(m.group(0))
                continue
            end = self.k + len(m.group(0))
            if self.k == 0 or self.c[self.k - 1] == "\n":  # a line's start: a definition
                d = _FOOTNOTE_DEF.match(self.c, self.k)
                if d and t.startswith(d.group(0), m.start()):
                    end, at = d.end(), m.start() + len(d.group(0))
            note = "" if at > m.end() else self.esc.note  # (a definition's label: none)
            self.void("#footnote", self.raw(self.k, end) + note)
            self.k = end
        self.text_token(t[at:])

    def footnote_link(self, children, i: int) -> bool:
        """A footnote reference that the parser took for a link, because a reference
        definition has its label (``[^1]: https://...``): kept whole, as a footnote."""
        m = _FOOTNOTE_REF.match(self.c, self.k)
        if not (m and i + 2 < len(children) and children[i + 1].type == "text"
                and children[i + 2].type == "link_close"
                and "[" + children[i + 1].content + "]" == m.group(0)):
            return False
        end = self._link_tail(m.end() - 1)
        self.void("#footnote", self.raw(self.k, end) + self.esc.note)
        self.k = end
        return True

    def softbreak(self) -> None:
        k = self.k
        while k < len(self.c) and self.c[k] == " ":
            k += 1
        if not self.c.startswith("\n", k):
            raise _Mismatch("line break")
        end = self._indent(k + 1)
        self.add("\n", [self.raw(self.k, end)])
        self.k = end

    def _indent(self, k: int) -> int:
        """The end of the white space that starts the line at ``k`` (markdown-it leaves
        it out of the text: an indented continuation line)."""
        while k < len(self.c) and self.c[k] in " \t":
            k += 1
        return k

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
        end = self._indent(end)
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
                self.footnotes(t.content)
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
                self.frozen("code", self.esc.code + t.markup, inner,
                            t.markup + self.esc.code, t.content)
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
            elif kind == "link_open" and self.footnote_link(children, i):
                i += 3
                continue
            elif kind == "link_open":
                self.expect("[")
                self.links.append(self.k)
                self.open("a", self.esc.link + "[")
            elif kind == "link_close":
                end = self._link_tail(self.k)
                tail = self.raw(self.k, end)
                start = self.links.pop() if self.links else self.k
                if tail in ("]", "][]"):  # the text is the label: it goes after it
                    tail = "]" + self.esc.label + "[" + self.raw(start, self.k) + "]" \
                        + self.esc.label
                self.close("a", self.esc.link + tail)
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

    def block(self, where: str, cell: bool = False) -> Block:
        if self.stack:
            raise _Mismatch("unclosed markup")
        els = tuple(Inline(d["start"], d["end"], d["tag"],
                           Markup(d["open"], d["close"], d.get("frozen"), d["key"]),
                           d.get("void", False), d["depth"]) for d in self.inlines)
        return Block("".join(self.chars), tuple(self.origin), els,
                     self.esc.cell if cell else self.esc.md, "text", where)


# ----------------------------------------------------------------------------- writing

_EMPHASIS = {"*": "_", "_": "*", "**": "__", "__": "**"}  # a delimiter and its other char


class _Reader:
    """Writes a translated block so that it reads back as the elements placed on it.

    Placement works on words; Markdown's emphasis is read by delimiter rules (CommonMark
    "flanking" runs) that words do not see: two emphases an alignment puts side by side
    on one word (``*a**b*``) or nested at one edge (``**b* c*``) run their delimiters
    together, an emphasis that starts on punctuation right after a letter (``word*.*``)
    is no emphasis. So each block is read back (markdown-it, the document's link
    references) and, where it does not give the same elements in the same order, its
    emphases are rewritten one at a time: the other delimiter character (``*`` or
    ``_``), the span widened to whole words or narrowed to leave out the punctuation at
    its edges (within its parent, never across a sibling), until it does."""

    def __init__(self, md, env: dict, esc: _Escapes) -> None:
        self.md, self.env, self.esc = md, env, esc

    def tokens(self, text: str) -> list[str]:
        """The element tokens ``text`` reads as (text and soft line breaks left out)."""
        out: list[str] = []
        for t in self.md.parseInline(text, dict(self.env)):
            for c in t.children or ():
                if c.type not in ("text", "softbreak"):
                    out.append(c.type)
        return out

    def expected(self, inlines) -> tuple[list[str], list[int]]:
        """The element tokens of ``inlines`` (pre-order with depths), and for each the
        inline it comes from."""
        out: list[str] = []
        owner: list[int] = []
        closes: list[tuple[list[str], int]] = []

        def close() -> None:
            kinds, k = closes.pop()
            out.extend(kinds)
            owner.extend([k] * len(kinds))

        for k, el in enumerate(inlines):
            while len(closes) > el.depth:
                close()
            m = el.payload
            if el.void and el.tag == "br":
                kinds = ["hardbreak"]
            elif el.void or el.frozen:
                kinds = self.tokens(m.open + (m.frozen or "") + m.close)
            elif m.open.startswith("<"):  # inline HTML
                kinds = ["html_inline"]
                closes.append((["html_inline"] if m.close else [], k))
            else:
                kind = {"a": "link", "em": "em", "strong": "strong", "s": "s"}[el.tag]
                kinds = [kind + "_open"]
                closes.append(([kind + "_close"], k))
            out.extend(kinds)
            owner.extend([k] * len(kinds))
        while closes:
            close()
        return out, owner

    def blocks(self, text: str) -> list[str]:
        return [t.type for t in self.md.parse(text, dict(self.env)) if t.type != "inline"]

    def written(self, b: Block, placed: Placed, source: str, notes: list[str]) -> str:
        """``placed`` written in ``b``'s format (``source``: the block as it was)."""
        first = self.esc.unmark(placed.written(b))
        if not any(_emphasis(el) for el in placed.inlines):
            return first
        want, owner = self.expected(placed.inlines)
        shape: list[str] = []

        def score(out: str) -> tuple[int, bool]:
            got = self.tokens(out)
            fence = _FENCE.search(out)  # markup that may start a block (``~~~``)
            if fence and not shape:
                shape.append(self.blocks(source))
            return _agree(got, want), not fence or self.blocks(out) == shape[0]

        full = (2 * len(want), True)
        best = (score(first), first, placed.inlines)
        if best[0] == full:
            return first
        budget = _TRIES
        while budget > 0:  # each step agrees more
            n = best[0][0] // 2  # the elements where the tokens start to differ
            near = sorted({owner[i] for i in range(max(0, n - 4), min(len(owner), n + 5))
                           if _emphasis(best[2][owner[i]])})
            singles = [[k] for k, el in enumerate(best[2]) if _emphasis(el)]
            found = None
            for steps in (singles, [[j, k] for j in near for k in near if j < k]):
                for ks in steps:
                    for variant in _combined(placed.text, best[2], ks):
                        budget -= 1
                        out = self.esc.unmark(placed.written(b, variant))
                        sc = score(out)
                        if sc == full:
                            return out
                        if sc > best[0] and (found is None or sc > found[0]):
                            found = (sc, out, variant)
                if found is not None or budget <= 0:
                    break  # (a single change that helps: before any pair)
            if found is None:
                break
            best = found
        notes.append(f"{b.where}: an emphasis could not be written around the words the "
                     "alignment gave it (written where it reads as the nearest)")
        return best[1]


#: the most rewritings of one block's emphases read back (a block the alignment left
#: unreadable after them is written as the nearest, and named in the notes)
_TRIES = 400
_FENCE = re.compile(r"(?:^|\n)[ \t>]*(?:~~~|```)")


def _emphasis(el: Inline) -> bool:
    return not el.void and (el.payload.open in _EMPHASIS or el.payload.open == "~~")


def _agree(got: list[str], want: list[str]) -> int:
    """How far two token lists agree: their common prefix and suffix (twice the length
    of the list where they are the same)."""
    n = 0
    while n < min(len(got), len(want)) and got[n] == want[n]:
        n += 1
    if n == len(got) == len(want):
        return 2 * n
    m = 0
    while m < min(len(got), len(want)) - n and got[-1 - m] == want[-1 - m]:
        m += 1
    return n + m


def _combined(text: str, inlines: tuple[Inline, ...], ks: list[int]):
    """The variants (:func:`_variants`) of the emphases ``ks`` together."""
    if len(ks) == 1:
        yield from _variants(text, inlines, ks[0])
        return
    for one in _variants(text, inlines, ks[0]):
        yield from _variants(text, one, ks[1])


def _variants(text: str, inlines: tuple[Inline, ...], k: int):
    """``inlines`` with emphasis ``k`` written with its other delimiter character, its
    start or end moved out to the white space around its words (or its sibling's edge)
    or in past the punctuation at its edge, or both: each one whose nesting is still
    valid."""
    el = inlines[k]
    m = el.payload
    other = _EMPHASIS.get(m.open)
    looks = [m] + ([Markup(other, other, None, m.key)] if other else [])
    lo, hi = _room(inlines, k, len(text))
    a, b = el.start, el.end
    while a > lo and not text[a - 1].isspace():
        a -= 1
    while b < hi and not text[b].isspace():
        b += 1
    c, d = el.start, el.end  # the span less the punctuation at its edges
    while c < d and not text[c].isalnum():
        c += 1
    while d > c and not text[d - 1].isalnum():
        d -= 1
    starts = [el.start, a, c]
    before = text[:el.start].rstrip(" \t>")
    if m.open == "~~" and (not before or before.endswith("\n")):
        # at a line's start, nested ones ("~~~~x") read as a code fence: in past the
        # first character (those sharing the start move with it), or from the next word
        w = el.start
        while w < el.end and not text[w].isspace():
            w += 1
        while w < el.end and text[w].isspace():
            w += 1
        starts += [el.start + 1, w]
    spans = list(dict.fromkeys((x, y) for x in starts for y in (el.end, b, d)
                               if x < y))
    for span in spans:
        for look in looks:
            if span == (el.start, el.end) and look is m:
                continue
            head = inlines[:k] + (replace(el, start=span[0], end=span[1], payload=look),)
            for out in (False, True) if span[0] < el.start or span[1] > el.end else (False,):
                new = head + _inside(inlines, k, span, out)
                if out and new == head + _inside(inlines, k, span):
                    continue
                if span != (el.start, el.end):
                    try:
                        check_nesting(new, len(text))
                    except ValueError:
                        continue
                yield new
    yield from _shared(text, inlines, k)


def _shared(text: str, inlines: tuple[Inline, ...], k: int):
    """``inlines`` with the edge that emphasis ``k`` shares with the emphasis after it
    moved: back or on to the nearest white space (the second taking the next word where
    it moves on), or to the nearest point between two letters. Two strikethroughs
    touching next to markup (``~~<b>x</b>~~~~y~~``) have no other delimiter to take, and
    a delimiter run between punctuation and a letter can open or close but not both."""
    el = inlines[k]
    j = next((n for n in range(k + 1, len(inlines)) if inlines[n].depth <= el.depth), None)
    if j is None or inlines[j].depth != el.depth or inlines[j].start != el.end \
            or not _emphasis(inlines[j]):
        return
    sib, p = inlines[j], el.end
    hi = _room(inlines, j, len(text))[1]
    edges: list[tuple[int, int, int]] = []  # (k's end, the sibling's start, its end)
    w = p - 1
    while w > el.start and not text[w].isspace():
        w -= 1
    if w > el.start:  # back to the white space before the shared word
        e = w
        while e > el.start and text[e - 1].isspace():
            e -= 1
        if e > el.start:
            edges.append((e, w + 1, sib.end))
    w = p
    while w < hi and not text[w].isspace():
        w += 1
    s = w
    while s < hi and text[s].isspace():
        s += 1
    if s < hi:  # on to the white space after it, the sibling taking the next word
        t = s
        while t < hi and not text[t].isspace():
            t += 1
        edges.append((w, s, max(sib.end, t)))
    for qs in (range(p - 1, el.start, -1), range(p + 1, sib.end)):
        q = next((q for q in qs if text[q - 1].isalnum() and text[q].isalnum()), None)
        if q is not None:  # the nearest point between two letters, back and on
            edges.append((q, q, sib.end))
    n = next((n for n in range(j + 1, len(inlines)) if inlines[n].depth <= el.depth),
             len(inlines))
    seen = set()
    for (e, a, b), move in ((edge, move) for edge in dict.fromkeys(edges)
                            for move in (True, False)):
        # the elements in either that share the edge move with it, or stay (a code span
        # always stays: it writes its own text over all it covers)
        ins = [replace(c, end=e) if move and c.end == p and not (c.void or c.frozen) else c
               for c in inlines[k + 1:j]]
        ins_sib = [replace(c, start=a) if move and c.start == p
                   and not (c.void or c.frozen) else c for c in inlines[j + 1:n]]
        new = (inlines[:k] + (replace(el, end=e),) + tuple(ins)
               + (replace(sib, start=a, end=b),) + tuple(ins_sib) + inlines[n:])
        if new in seen:
            continue
        seen.add(new)
        try:
            check_nesting(new, len(text))
        except ValueError:
            continue
        yield new


def _room(inlines: tuple[Inline, ...], k: int, length: int) -> tuple[int, int]:
    """How far inline ``k`` may grow: to its siblings' edges, within its parent."""
    el = inlines[k]
    lo, hi = 0, length
    for c in reversed(inlines[:k]):
        if c.depth < el.depth:
            lo = max(lo, c.start)
            break
        if c.depth == el.depth:
            lo = max(lo, c.end)
    for c in inlines[k + 1:]:
        if c.depth < el.depth:
            break
        if c.depth == el.depth:
            hi = c.start
            break
    if el.depth:  # the parent's end: the first one before it a level up
        hi = min(hi, next(c.end for c in reversed(inlines[:k]) if c.depth < el.depth))
    return lo, hi


def _inside(inlines: tuple[Inline, ...], k: int, span: tuple[int, int], out: bool = False
            ) -> tuple[Inline, ...]:
    """The inlines after ``k``, those in it that shared an edge it moves in moved with it
    (``~~~~<b>[x`` at a line's start, a code fence, becomes ``[~~~~<b>x``), and with
    ``out`` those that share an edge it moves out (nested emphases all on one
    punctuation mark, ``**__(__**x``, grow out together)."""
    el = inlines[k]
    rest = list(inlines[k + 1:])
    for n, c in enumerate(rest):
        if c.depth <= el.depth:
            break
        grow = out and not c.void and not c.frozen
        a = span[0] if c.start == el.start and (grow or span[0] > el.start) else c.start
        b = span[1] if c.end == el.end and (grow or span[1] < el.end) else c.end
        if (a, b) != (c.start, c.end):
            rest[n] = replace(c, start=a, end=max(a, b) if c.void else b)
    return tuple(rest)


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
    fm_end, fm_values = _front_matter(text, notes)
    # the front matter becomes blank lines for the parser, so line numbers stay the same
    body = "".join("\n" for _ in _NEWLINE.finditer(text, 0, fm_end)) + text[fm_end:]
    env: dict = {}
    tokens = _parser().parse(body, env)
    esc = _Escapes.of(text, env.get("references", {}))
    lines = _lines(text)
    inline_tokens = [t for t in tokens if t.type == "inline" and t.map]
    cells = {id(t) for prev, t in zip(tokens, tokens[1:], strict=False)
             if prev.type in ("th_open", "td_open")}
    # one language for the whole document, from its body text
    src = detect.source_language(src, lambda: " ".join(t.content for t in inline_tokens))
    html_blocks = [t for t in tokens if t.type == "html_block" and t.map]

    # pass 1: image alt texts (they are written into the markup of their block)
    alt_blocks, alt_at = _alt_blocks(inline_tokens, esc)
    alt_out, alt_segs, n1 = translate_blocks(alt_blocks, src, tgt, translator)
    alts = {k: v for k, v in zip(alt_at, alt_out, strict=True) if v is not None}

    # pass 2: the text blocks
    blocks, ranges, alt_spans = _text_blocks(text, lines, inline_tokens, alts, notes, esc,
                                             cells, options.get("name"))
    placed, segs, n2 = translate_blocks(blocks, src, tgt, translator, placed=True)
    reader = _Reader(_parser(), env, esc)
    outputs = [None if p is None else reader.written(b, p, text[a:z], notes)
               for b, p, (a, z) in zip(blocks, placed, ranges, strict=True)]

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
        if out is None:
            continue
        # TOML: a basic string (its characters escaped for one), whatever the source's
        written = f'"{out}"' if value.toml else _yaml_value(out, value.style)
        replacements.append((value.start, value.end, written))
    parts = []
    pos = 0
    for a, b, out in sorted(replacements):
        if a < pos:
            continue
        parts.append(text[pos:a])
        parts.append(esc.unmark(out))
        pos = b
    parts.append(text[pos:])
    notes = list(dict.fromkeys(n1 + n2 + n3 + notes))
    return "".join(parts), list(segs) + alt_segs + html_segs + fm_segs, notes


def _alt_blocks(inline_tokens, esc: _Escapes) -> tuple[list[Block], list[int]]:
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
                    alt_blocks.append(Block(alt, tuple(esc.md(ch) for ch in alt),
                                            escape=esc.md, kind="attribute",
                                            where=f"line {t.map[0] + 1} image alt"))
                    alt_at.append(id(c))
    return alt_blocks, alt_at


def _text_blocks(text: str, lines, inline_tokens, alts: dict[int, str], notes: list[str],
                 esc: _Escapes, cells: set[int], name: str | None = None
                 ) -> tuple[list[Block], list[tuple[int, int]], list[list[tuple[int, int, str]]]]:
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
                                         if c.type == "image"], esc)
            walk.walk(t.children or ())
            block = walk.block(f"line {t.map[0] + 1}", id(t) in cells)
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
