"""Apple ``.strings`` files (``en.lproj/Localizable.strings``): ``"key" = "value";``
entries with ``/* */`` and ``//`` comments, in UTF-8 or UTF-16 (with its byte-order
mark), as Foundation reads them: quoted or bare keys, the escapes ``\\" \\\\ \\n \\t \\r``,
``\\Uxxxx``/``\\uxxxx`` and octal ``\\ooo``.

Units are the values (the key is often English text too, or an identifier); their
placeholders are Apple's printf (``%@``, ``%1$@``, ``%ld``, ``%%``) and ``%#@var@``.

The output for ``it`` is ``it.lproj/<name>.strings`` beside the source's ``en.lproj`` or
``Base.lproj`` (``en-XA.lproj``), in the source's encoding: the source's comments and
order, each translated value in place; an entry without a translation is left out with
the comment just before it (the app falls back to the development language).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from ...errors import InputFileError
from ..units import DEFAULT_WRITE, Document, Existing, Fill, Unit, WriteOptions
from . import Layout, locales

NAME = "strings"
EXTENSIONS = (".strings",)
#: ``en.lproj/Localizable.strings`` -> ``it.lproj/Localizable.strings``
LAYOUT = Layout(folder="{lang}.lproj", locale=locales.apple)

_ESCAPES = {'"': '"', "\\": "\\", "'": "'", "n": "\n", "t": "\t", "r": "\r", "a": "\a",
            "b": "\b", "f": "\f", "v": "\v"}
_BARE_RE = re.compile(r"[A-Za-z0-9_$+/:.\-]+")
_SPACE_RE = re.compile(r"\s+")
_LINE_END_RE = re.compile(r"[ \t]*(?://[^\n]*)?(?:\r?\n)?")


@dataclass(frozen=True, slots=True)
class _Entry:
    key: str
    value: str
    start: int         # where the entry starts, with the comment attached before it
    value_start: int   # the value's opening quote
    value_end: int     # after the value's closing quote
    end: int           # after the ';' and the rest of its line
    line: int


@dataclass(frozen=True, slots=True)
class _Parsed:
    text: str
    entries: tuple[_Entry, ...]
    encoding: str      # utf-8, utf-8-sig, utf-16-le, utf-16-be


def _decode(data: bytes, path: str) -> tuple[str, str]:
    for bom, enc in ((b"\xff\xfe", "utf-16-le"), (b"\xfe\xff", "utf-16-be")):
        if data.startswith(bom):
            try:
                return data[2:].decode(enc), enc
            except UnicodeDecodeError:
                raise InputFileError(path, f"not valid {enc.upper()} text") from None
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="strict"), "utf-8-sig"
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError as exc:
        raise InputFileError(path, f"invalid UTF-8 at byte {exc.start} (a .strings file is "
                             "UTF-8 or UTF-16 with a byte-order mark)",
                             data.count(b"\n", 0, exc.start) + 1) from None


class _Reader:
    def __init__(self, text: str, path: str) -> None:
        self.text, self.path, self.pos = text, path, 0

    def line(self, pos: int | None = None) -> int:
        return self.text.count("\n", 0, self.pos if pos is None else pos) + 1

    def fail(self, problem: str, pos: int | None = None) -> InputFileError:
        return InputFileError(self.path, problem, self.line(pos))

    def skip(self) -> int | None:
        """Skip whitespace and comments; the start of the last comment block that only
        whitespace separates from what follows (``None`` if there is none)."""
        attached = None
        while self.pos < len(self.text):
            m = _SPACE_RE.match(self.text, self.pos)
            if m:
                if m.group().count("\n") >= 2:  # a blank line: the comment is not attached
                    attached = None
                self.pos = m.end()
                continue
            if self.text.startswith("/*", self.pos):
                end = self.text.find("*/", self.pos + 2)
                if end < 0:
                    raise self.fail("unterminated /* comment")
                attached = self.pos if attached is None else attached
                self.pos = end + 2
                continue
            if self.text.startswith("//", self.pos):
                end = self.text.find("\n", self.pos)
                attached = self.pos if attached is None else attached
                self.pos = len(self.text) if end < 0 else end + 1
                continue
            break
        return attached

    def string(self) -> str:
        if self.pos < len(self.text) and self.text[self.pos] == '"':
            start = self.pos
            self.pos += 1
            out = []
            while True:
                if self.pos >= len(self.text):
                    raise self.fail("unterminated string", start)
                c = self.text[self.pos]
                if c == '"':
                    self.pos += 1
                    return "".join(out)
                if c == "\\":
                    out.append(self.escape())
                    continue
                out.append(c)
                self.pos += 1
        m = _BARE_RE.match(self.text, self.pos)
        if not m:
            found = self.text[self.pos:self.pos + 10]
            raise self.fail(f"expected a quoted string, found {found!r}")
        self.pos = m.end()
        return m.group()

    def escape(self) -> str:
        nxt = self.text[self.pos + 1:self.pos + 2]
        if nxt in ("U", "u"):
            hexd = re.match(r"[0-9A-Fa-f]{1,4}", self.text[self.pos + 2:self.pos + 6])
            if not hexd:
                raise self.fail(f"\\{nxt} not followed by hex digits")
            self.pos += 2 + len(hexd.group())
            return chr(int(hexd.group(), 16))
        octal = re.match(r"[0-7]{1,3}", self.text[self.pos + 1:self.pos + 4])
        if octal:
            self.pos += 1 + len(octal.group())
            return chr(int(octal.group(), 8))
        if nxt == "":
            raise self.fail("unterminated string")
        self.pos += 2
        return _ESCAPES.get(nxt, nxt)

    def expect(self, char: str) -> None:
        self.skip()
        if not self.text.startswith(char, self.pos):
            found = self.text[self.pos:self.pos + 10] or "the end of the file"
            raise self.fail(f"expected {char!r}, found {found!r}")
        self.pos += 1


def _parse(data: bytes, path: str) -> _Parsed:
    text, encoding = _decode(data, path)
    r = _Reader(text, path)
    entries: list[_Entry] = []
    seen: dict[str, int] = {}
    while True:
        attached = r.skip()
        if r.pos >= len(text):
            break
        start = attached if attached is not None else r.pos
        line = r.line()
        key = r.string()
        r.expect("=")
        r.skip()
        value_start = r.pos
        value = r.string()
        value_end = r.pos
        r.expect(";")
        m = _LINE_END_RE.match(text, r.pos)
        r.pos = m.end()
        if key in seen:
            raise InputFileError(path, f"key {key!r} is defined twice (first on line "
                                 f"{seen[key]})", line)
        seen[key] = line
        entries.append(_Entry(key, value, start, value_start, value_end, r.pos, line))
    return _Parsed(text, tuple(entries), encoding)


def read(data: bytes, path: str, lang: str | None = None) -> Document:
    parsed = _parse(data, path)
    return Document(path, NAME, tuple(Unit(e.key, e.value, location=f"{path}:{e.line}")
                                      for e in parsed.entries if e.value), data)


def existing(doc: Document, lang: str) -> dict[str, Existing]:
    return {e.key: Existing((e.value,)) for e in _parse(doc.data, doc.path).entries
            if e.value}


def quote(text: str) -> str:
    """``text`` as a quoted .strings value."""
    out = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") \
        .replace("\r", "\\r").replace("\t", "\\t")
    return f'"{out}"'


def write(doc: Document, fills: Mapping[str, Fill], tgt: str,
          previous: Document | None = None, *, src: str | None = None,
          options: WriteOptions = DEFAULT_WRITE) -> bytes:
    parsed = _parse(doc.data, doc.path)
    text = parsed.text
    out: list[str] = []
    pos = 0
    for e in parsed.entries:
        gap = text[pos:e.start]
        pos = e.end
        fill = fills.get(e.key)
        if fill is None:  # left out with its comment (and the blank lines before it)
            if gap.strip():
                out.append(gap)
            continue
        out.append(gap)
        value = fill.forms[0] if fill.forms else fill.text
        out.append(text[e.start:e.value_start] + quote(value) + text[e.value_end:e.end])
    out.append(text[pos:])
    result = "".join(out)
    if parsed.encoding.startswith("utf-16"):
        bom = b"\xff\xfe" if parsed.encoding == "utf-16-le" else b"\xfe\xff"
        return bom + result.encode(parsed.encoding)
    return result.encode(parsed.encoding)


def output_name(name: str) -> str:
    return name
