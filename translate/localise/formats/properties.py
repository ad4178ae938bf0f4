"""Java ``.properties`` resource bundles (``messages.properties``, ``messages_en.properties``).

Read as ``java.util.Properties`` reads them: logical lines (a line ending in an odd number
of backslashes continues on the next, whose leading whitespace is dropped), ``#``/``!``
comments, a key ended by an unescaped ``=``, ``:`` or whitespace, the escapes ``\\t \\n
\\r \\f \\uXXXX`` and ``\\x`` for any other ``x``. The encoding is what Java 9+'s
``PropertyResourceBundle`` reads: UTF-8, else ISO-8859-1.

A value with a MessageFormat argument (``{0}``, ``{1,number}``), and every value of a
file where a value without one quotes an apostrophe as ``''``, is a MessageFormat pattern (unit
flag ``java-format``: ``''`` and ``'{'`` quoting are placeholders, and an apostrophe of
the translation is written doubled); other values are plain text.

The output for ``it`` is ``messages_it.properties`` beside the source (``messages_en_XA``
for ``en-XA``): the source's comments, blank lines and order, each translated value on its
key's line (a value the source continued over lines after its ``\\n`` escapes is
continued there too); keys without a translation are left out (``ResourceBundle`` falls
back to the base bundle). Non-ASCII text is written as ``\\uXXXX`` unless the source
itself holds UTF-8 text.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from ...errors import InputFileError
from ..units import DEFAULT_WRITE, Document, Existing, Fill, Unit, WriteOptions
from . import Layout, locales

NAME = "properties"
EXTENSIONS = (".properties",)
#: ``messages.properties`` / ``messages_en.properties`` -> ``messages_it.properties``
LAYOUT = Layout(file="{stem}_{lang}{suffix}", locale=locales.underscored)
MESSAGE_FORMAT = "java-format"

_MF_ARG_RE = re.compile(r"\{\s*\d+\s*[,}]")
_ESCAPES = {"t": "\t", "n": "\n", "r": "\r", "f": "\f"}
_PHYSICAL_RE = re.compile(r"[^\r\n]*(\r\n|\r|\n)?")


@dataclass(frozen=True, slots=True)
class _Entry:
    key: str           # decoded
    value: str         # decoded
    start: int         # offset of the logical line in the text
    value_start: int   # offset of the raw value
    end: int           # offset after the logical line's last line break (or text end)
    line: int
    continued: bool    # the raw value spans physical lines
    indent: str        # the leading whitespace of its first continuation line


@dataclass(frozen=True, slots=True)
class _Parsed:
    text: str
    entries: tuple[_Entry, ...]
    utf8: bool         # the file holds non-ASCII text as UTF-8
    newline: str


def _decode_bytes(data: bytes) -> tuple[str, bool]:
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("latin-1"), False
    return text.removeprefix("\ufeff"), any(ord(c) > 127 for c in text)


def _unescape(raw: str, path: str, line: int) -> str:
    out: list[str] = []
    i, n = 0, len(raw)
    while i < n:
        c = raw[i]
        if c != "\\":
            out.append(c)
            i += 1
            continue
        nxt = raw[i + 1] if i + 1 < n else ""
        if nxt == "u":
            hexd = raw[i + 2:i + 6]
            if not re.fullmatch(r"[0-9A-Fa-f]{4}", hexd):
                raise InputFileError(path, f"malformed \\uxxxx escape: \\u{hexd[:4]}", line)
            out.append(chr(int(hexd, 16)))
            i += 6
            continue
        out.append(_ESCAPES.get(nxt, nxt))
        i += 2
    text = "".join(out)
    try:  # surrogate pairs written as two escapes
        return text.encode("utf-16", "surrogatepass").decode("utf-16")
    except UnicodeDecodeError:
        raise InputFileError(path, "lone surrogate escape (\\ud800-\\udfff)", line) from None


def _logical_lines(text: str):
    """``(start, end, first line number, [(physical line, its start offset)...])``."""
    pos, line, n = 0, 1, len(text)
    while pos < n:
        start, first = pos, line
        parts = []
        while True:
            m = _PHYSICAL_RE.match(text, pos)
            body = m.group().rstrip("\r\n")
            parts.append((body, pos))
            pos = m.end()
            line += 1 if m.group(1) else 0
            trailing = len(body) - len(body.rstrip("\\"))
            if trailing % 2 == 0 or pos >= n or not m.group(1):
                break
        yield start, pos, first, parts


def _parse(data: bytes, path: str) -> _Parsed:
    text, utf8 = _decode_bytes(data)
    newline = "\r\n" if "\r\n" in text else "\n"
    entries: list[_Entry] = []
    seen: dict[str, int] = {}
    for start, end, line, parts in _logical_lines(text):
        first = parts[0][0].lstrip(" \t\f")
        if not first or first[0] in "#!":
            continue
        # join the physical lines: continuation backslash removed, next line's indent too
        joined, offsets = "", []
        indent = ""
        for k, (body, off) in enumerate(parts):
            lead = len(body) - len(body.lstrip(" \t\f")) if k else 0
            if k == 1:
                indent = body[:lead]
            piece = body[lead:]
            if k < len(parts) - 1:
                piece = piece[:-1]
            offsets.append((len(joined), off + lead))
            joined += piece
        lead = len(parts[0][0]) - len(first)
        m = re.match(r"((?:[^\\=: \t\f]|\\.)*)[ \t\f]*(?:[=:][ \t\f]*)?", joined[lead:])
        key_raw = m.group(1)
        value_at = lead + m.end()
        value = _unescape(joined[value_at:], path, line)
        key = _unescape(key_raw, path, line)
        if key in seen:
            raise InputFileError(path, f"key {key!r} is defined twice (first on line "
                                 f"{seen[key]}); Java keeps only the last", line)
        seen[key] = line
        vstart = next(off + (value_at - j) for j, off in reversed(offsets) if j <= value_at)
        entries.append(_Entry(key, value, start, vstart, end, line, len(parts) > 1
                              and value_at < offsets[-1][0], indent or "    "))
    return _Parsed(text, tuple(entries), utf8, newline)


def _message_format(parsed: _Parsed) -> bool:
    """Whether every value of the file goes through MessageFormat: some value without an
    argument has an apostrophe quoted as ``''`` for it (Jenkins' bundles). Otherwise only
    values with an argument do (Spring's and Tomcat's ``getString(key)`` return the others
    as they are)."""
    return any("''" in e.value and not _MF_ARG_RE.search(e.value) for e in parsed.entries)


def _flags(value: str, whole_file: bool) -> frozenset[str]:
    if whole_file or _MF_ARG_RE.search(value):
        return frozenset({MESSAGE_FORMAT})
    return frozenset()


def read(data: bytes, path: str, lang: str | None = None) -> Document:
    parsed = _parse(data, path)
    mf = _message_format(parsed)
    units = tuple(Unit(e.key, e.value, flags=_flags(e.value, mf), location=f"{path}:{e.line}")
                  for e in parsed.entries if e.value.strip())
    return Document(path, NAME, units, data)


def existing(doc: Document, lang: str) -> dict[str, Existing]:
    return {e.key: Existing((e.value,)) for e in _parse(doc.data, doc.path).entries
            if e.value.strip()}


# ------------------------------------------------------------------------ writing


def quote_apostrophes(text: str) -> str:
    """A MessageFormat pattern's lone apostrophes doubled; ``''`` and quoted literals
    (``'{'``, ``'{0}'``) kept."""
    out, i, n = [], 0, len(text)
    while i < n:
        if text.startswith("''", i):
            out.append("''")
            i += 2
            continue
        if text[i] == "'":
            close = text.find("'", i + 1)
            if i + 1 < n and text[i + 1] in "{}" and close > i:
                out.append(text[i:close + 1])
                i = close + 1
                continue
            out.append("''")
            i += 1
            continue
        out.append(text[i])
        i += 1
    return "".join(out)


def escape_value(text: str, utf8: bool, wrap: str = "") -> str:
    """``text`` as a property value; ``wrap`` (a continuation: backslash, line break,
    indent) is put after each ``\\n`` but a final one."""
    out = []
    line_start = True  # a space here would be taken for indentation: escaped
    for k, c in enumerate(text):
        was_start, line_start = line_start, False
        if c == "\\":
            out.append("\\\\")
        elif c == "\n":
            wrapped = bool(wrap) and k < len(text) - 1
            out.append("\\n" + (wrap if wrapped else ""))
            line_start = wrapped
        elif c in "\t\r\f":
            out.append("\\" + {"\t": "t", "\r": "r", "\f": "f"}[c])
        elif c == " " and was_start:
            out.append("\\ ")
        elif ord(c) > 127 and not utf8 or ord(c) < 32 or 0xD800 <= ord(c) < 0xE000:
            out.append("".join(f"\\u{u:04x}" for u in _utf16(c)))
        else:
            out.append(c)
    return "".join(out)


def _utf16(c: str) -> list[int]:
    b = c.encode("utf-16-be", "surrogatepass")
    return [int.from_bytes(b[i:i + 2], "big") for i in range(0, len(b), 2)]


def write(doc: Document, fills: Mapping[str, Fill], tgt: str,
          previous: Document | None = None, *, src: str | None = None,
          options: WriteOptions = DEFAULT_WRITE) -> bytes:
    parsed = _parse(doc.data, doc.path)
    mf = _message_format(parsed)
    text = parsed.text
    out: list[str] = []
    pos = 0
    for e in parsed.entries:
        out.append(text[pos:e.start])
        pos = e.end
        fill = fills.get(e.key)
        if fill is None:
            continue
        value = fill.forms[0] if fill.forms else fill.text
        if MESSAGE_FORMAT in _flags(e.value, mf):
            value = quote_apostrophes(value)
        # a value the source continued after its line breaks is continued there too
        wrap = f"\\{parsed.newline}{e.indent}" if e.continued else ""
        raw = escape_value(value, parsed.utf8, wrap)
        ending = text[e.start:e.end][len(text[e.start:e.end].rstrip("\r\n")):]
        out.append(text[e.start:e.value_start] + raw + ending)
    out.append(text[pos:])
    result = "".join(out)
    return result.encode("utf-8" if parsed.utf8 else "latin-1")


def output_name(name: str) -> str:
    return name
