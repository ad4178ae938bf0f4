"""Android string resources (``res/values/strings.xml``), through lxml and the project's
safe XML parser (:mod:`translate.xmlsafe`).

Units: each ``<string>``, each ``<item>`` of a ``<string-array>`` and each ``<plurals>``
(one plural unit: the ``one`` item and the ``other`` item). Resources marked
``translatable="false"``, references (``@string/other``, ``?attr/x``) and every other
resource type (``<color>``, ``<dimen>``...) are not units and are not written to a
translation. A unit's text is what the app shows, as aapt2 compiles it: the resource
escapes (``\\'``, ``\\"``, ``\\n``, ``\\t``, ``\\@``, ``\\?``, ``\\uXXXX``) and ``"..."``
quoting resolved, unquoted whitespace collapsed and trimmed; inline markup (``<b>``,
``<xliff:g>``) stays as XML, and an ``<xliff:g>`` span is one placeholder with its
content (file kind ``android``, ``placeholders.toml``). A translation is escaped back so
that aapt2 gives exactly that text: apostrophes and quotes escaped, a leading ``@``/``?``
escaped, spaces aapt2 would collapse written as ``\\u0020``.

The output for ``it`` is ``values-it/strings.xml`` beside the source's ``values/``
(``values-en-rXA`` for ``en-XA``: :func:`translate.localise.formats.locales.android`),
with the source's comments and order; units without a translation are left out (Android
falls back to the default resources), a string array only when every item has one.
Plurals get one ``<item>`` per plural category of the target (``--plural-rules``).
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass

from lxml import etree

from ... import xmlsafe
from ...errors import InputFileError
from ..plurals import CATEGORIES, cldr_categories
from ..units import DEFAULT_WRITE, Document, Existing, Fill, Unit, WriteOptions
from . import Layout, locales
from .xliff import escape_text as _xml_escape
from .xliff import inner_xml, parse_inner

NAME = "android"
EXTENSIONS = (".xml",)
MARKUP = "xml"
#: the placeholder syntax of every unit (``placeholders.toml``: ``<xliff:g>`` spans)
KIND = "android"
#: the flag of a unit whose resource is one CDATA section
CDATA = "cdata"
TOOLS_NS = "http://schemas.android.com/tools"
XLIFF_NS = "urn:oasis:names:tc:xliff:document:1.2"
_NSMAP = {"xliff": XLIFF_NS, "tools": TOOLS_NS}

_RESOURCE_RE = re.compile(rb"<resources[\s>/]")
_STRING_RE = re.compile(rb"<(?:string|plurals|string-array)[\s>/]")


def sniff(head: bytes) -> bool:
    """An Android values file with strings: its root element is ``<resources>`` and it
    has a ``<string>``, ``<plurals>`` or ``<string-array>`` (colors, dimensions and
    styles are not catalogs)."""
    m = _RESOURCE_RE.search(head)
    return m is not None and _STRING_RE.search(head, m.end()) is not None


#: ``res/values/strings.xml`` -> ``res/values-it/strings.xml`` (``values-en-rXA``)
LAYOUT = Layout(folder="values-{lang}", locale=locales.android)


def folder(lang: str) -> str:
    """The resource folder of ``lang``: ``values-it``, ``values-en-rXA``."""
    return LAYOUT.folder.format(lang=locales.android(lang))


# --------------------------------------------------------------------- aapt2 escaping

_TOKEN_RE = re.compile(r"<[^>]*>|&[^;&<>\s]*;")
_ESCAPES = {"t": "\t", "n": "\n", "#": "#", "@": "@", "?": "?", '"': '"', "'": "'",
            "\\": "\\"}


class EscapeError(ValueError):
    pass


def decode(xml: str) -> str:
    """The text aapt2 compiles from a resource's inner XML (tags and XML entities kept
    as they are): escapes resolved, ``"``-quoting removed, unquoted whitespace collapsed
    to one space and trimmed at both ends. :class:`EscapeError` for an unescaped
    apostrophe (aapt2 refuses it too)."""
    out: list[tuple[str, bool]] = []  # (text, is_plain_space)
    quoted = False
    i, n = 0, len(xml)
    while i < n:
        c = xml[i]
        m = _TOKEN_RE.match(xml, i) if c in "<&" else None
        if m:
            out.append((m.group(), False))
            i = m.end()
            continue
        if c == "\\":
            nxt = xml[i + 1] if i + 1 < n else ""
            if nxt == "u":
                hexd = re.match(r"[0-9A-Fa-f]{1,4}", xml[i + 2:i + 6])
                if not hexd:
                    raise EscapeError("\\u not followed by hex digits")
                ch = chr(int(hexd.group(), 16))
                out.append((_xml_escape_char(ch), False))
                i += 2 + len(hexd.group())
                continue
            if nxt in _ESCAPES:
                out.append((_xml_escape_char(_ESCAPES[nxt]), False))
            i += 2  # an unknown escape is dropped, as aapt2 does
            continue
        if c == '"':
            quoted = not quoted
            i += 1
            continue
        if c == "'" and not quoted:
            raise EscapeError("unescaped apostrophe (write \\')")
        if c.isspace() and not quoted:
            j = i
            while j < n and xml[j].isspace():
                j += 1
            out.append((" ", True))
            i = j
            continue
        out.append((c, False))
        i += 1
    while out and out[0][1]:
        out.pop(0)
    while out and out[-1][1]:
        out.pop()
    return "".join(t for t, _ in out)


def _xml_escape_char(ch: str) -> str:
    return {"&": "&amp;", "<": "&lt;", ">": "&gt;"}.get(ch, ch)


def encode(text: str) -> str:
    """``text`` (XML: tags and entities as they are) escaped so that :func:`decode` gives
    it back exactly: what aapt2 compiles to ``text``."""
    parts: list[str] = []
    pos = 0
    first = True
    prev_space = True  # a space at the very start would be trimmed
    for m in [*_TOKEN_RE.finditer(text), None]:
        end = m.start() if m else len(text)
        chunk = text[pos:end]
        for k, c in enumerate(chunk):
            if c == " ":
                last = m is None and k == len(chunk) - 1
                plain = not prev_space and not last and not (k + 1 < len(chunk)
                                                              and chunk[k + 1] == " ")
                parts.append(" " if plain else "\\u0020")
                prev_space = True
                first = False
                continue
            if c == "\\":
                parts.append("\\\\")
            elif c in "'\"":
                parts.append("\\" + c)
            elif c == "\n":
                parts.append("\\n")
            elif c == "\t":
                parts.append("\\t")
            elif c.isspace():
                parts.append(f"\\u{ord(c):04x}")
            elif first and c in "@?":
                parts.append("\\" + c)
            else:
                parts.append(c)
            prev_space = False
            first = False
        if m is None:
            break
        parts.append(m.group())
        first = prev_space = False
        pos = m.end()
    return "".join(parts)


def escape_text(text: str) -> str:
    """A translation as the job has it, as the content of a ``<string>``: stray ``&``/``<``
    of the model's text made XML, then the Android escapes."""
    return encode(_xml_escape(text))


def check_fill(text: str, unit: Unit | None = None) -> list[str]:
    """Problems that would stop ``text`` from being written for ``unit``: as XML
    content, or in the CDATA section of a ``cdata`` unit (HTML, not parsed as XML)."""
    if "]]>" in text:
        return ["\"]]>\" cannot be written in a resource"]
    if unit is not None and CDATA in unit.flags:
        return []
    try:
        parse_inner(escape_text(text), etree.Element("string", nsmap=_NSMAP))
    except ValueError as exc:
        return [str(exc)]
    return []


# ----------------------------------------------------------------------- read / write


@dataclass(frozen=True, slots=True)
class _Res:
    key: str
    kind: str                      # string | item | plurals
    element: etree._Element        # <string>, <item> of an array, or <plurals>
    array: etree._Element | None   # the <string-array> of an item


def _parse(data: bytes, path: str) -> etree._ElementTree:
    tree = xmlsafe.parse(data, path)
    root = tree.getroot()
    if root.tag != "resources":
        raise InputFileError(path, "not an Android resources file (the root element is "
                             "not <resources>)", root.sourceline)
    return tree


def _untranslatable(el: etree._Element) -> bool:
    return el.get("translatable") == "false"


_CDATA_RE = re.compile(r"^<[^>]*>\s*<!\[CDATA\[((?:(?!\]\]>).)*)\]\]>\s*</[^>]*>$", re.S)


def _cdata(el: etree._Element) -> str | None:
    """The content of a resource that is one CDATA section (HTML the app renders:
    ``<![CDATA[<a href=\\"%1$s\\">Terms</a>]]>``), else ``None``."""
    if len(el) or el.text is None:
        return None
    m = _CDATA_RE.match(etree.tostring(el, encoding="unicode", with_tail=False))
    return m.group(1) if m else None


def _value(el: etree._Element, path: str) -> str | None:
    """The text of a resource; ``None`` for a reference (``@string/x``, ``?attr/y``).
    A CDATA resource's text is its HTML, tags as tags."""
    raw = _cdata(el)
    if raw is None:
        raw = inner_xml(el, None)
    if raw.lstrip().startswith(("@", "?")):
        return None
    try:
        return decode(raw)
    except EscapeError as exc:
        raise InputFileError(path, str(exc), el.sourceline) from None


def _resources(tree: etree._ElementTree, path: str) -> Iterator[_Res]:
    seen: set[str] = set()
    for el in tree.getroot():
        if not isinstance(el.tag, str) or _untranslatable(el):
            continue
        name = el.get("name")
        if el.tag not in ("string", "string-array", "plurals"):
            continue
        if not name:
            raise InputFileError(path, f"<{el.tag}> without a name", el.sourceline)
        key = f"{el.tag}/{name}"
        if key in seen:
            raise InputFileError(path, f"{el.tag} {name!r} defined twice", el.sourceline)
        seen.add(key)
        if el.tag == "string":
            yield _Res(key, "string", el, None)
        elif el.tag == "plurals":
            yield _Res(key, "plurals", el, None)
        else:
            for i, item in enumerate(x for x in el if x.tag == "item"):
                yield _Res(f"{key}/{i}", "item", item, el)


def _plural_items(el: etree._Element, path: str) -> dict[str, str]:
    items: dict[str, str] = {}
    for item in el:
        if not isinstance(item.tag, str):
            continue
        q = item.get("quantity")
        if item.tag != "item" or q not in CATEGORIES:
            raise InputFileError(path, f"<plurals> holds <{item.tag} quantity={q!r}>; "
                                 f"expected <item quantity=\"{'|'.join(CATEGORIES)}\">",
                                 item.sourceline)
        items[q] = _value(item, path) or ""
    if "other" not in items:
        raise InputFileError(path, "<plurals> without an item quantity=\"other\"",
                             el.sourceline)
    return items


def read(data: bytes, path: str, lang: str | None = None) -> Document:
    tree = _parse(data, path)
    units = []
    for res in _resources(tree, path):
        line = f"{path}:{res.element.sourceline}"
        if res.kind == "plurals":
            items = _plural_items(res.element, path)
            cdata = any(_cdata(x) is not None for x in res.element if isinstance(x.tag, str))
            units.append(Unit(res.key, items.get("one", items["other"]),
                              source_plural=items["other"],
                              flags=frozenset({KIND, CDATA} if cdata else {KIND}),
                              location=line))
            continue
        text = _value(res.element, path)
        if text:
            flags = {KIND, CDATA} if _cdata(res.element) is not None else {KIND}
            units.append(Unit(res.key, text, flags=frozenset(flags), location=line))
    return Document(path, NAME, tuple(units), data)


def existing(doc: Document, lang: str) -> dict[str, Existing]:
    """The translations of a ``values-<lang>`` file (plurals when every category of
    ``lang`` is there, in either rule set)."""
    tree = _parse(doc.data, doc.path)
    out: dict[str, Existing] = {}
    for res in _resources(tree, doc.path):
        if res.kind == "plurals":
            items = _plural_items(res.element, doc.path)
            for rules in ("cldr", "gettext"):
                cats = cldr_categories(lang, False, rules)
                if all(items.get(c) for c in cats):
                    out[res.key] = Existing(tuple(items[c] for c in cats))
                    break
            continue
        text = _value(res.element, doc.path)
        if text:
            out[res.key] = Existing((text,))
    return out


def _set_content(el: etree._Element, text: str, cdata: bool | None = None) -> None:
    """``text`` as the content of ``el``; in a CDATA section when ``el`` is one (or
    ``cdata`` says so), as the source had it."""
    if cdata if cdata is not None else _cdata(el) is not None:
        el.text = etree.CDATA(encode(text))
        return
    new = parse_inner(escape_text(text), el)
    for child in list(el):
        el.remove(child)
    el.text = new.text
    for child in list(new):
        el.append(child)


def _remove(el: etree._Element) -> None:
    """Remove ``el`` and the whitespace before it (its line)."""
    parent = el.getparent()
    prev = el.getprevious()
    if prev is not None:
        if not (prev.tail or "").strip():
            prev.tail = el.tail
    elif not (parent.text or "").strip():
        parent.text = el.tail
    parent.remove(el)


def write(doc: Document, fills: Mapping[str, Fill], tgt: str,
          previous: Document | None = None, *, src: str | None = None,
          options: WriteOptions = DEFAULT_WRITE) -> bytes:
    """The ``values-<tgt>`` file: the source's resources with their translations, in the
    source's order and comments; nothing untranslated, nothing not translatable."""
    tree = _parse(doc.data, doc.path)
    root = tree.getroot()
    if root.get(f"{{{TOOLS_NS}}}locale") is not None:
        root.set(f"{{{TOOLS_NS}}}locale", locales.apple(tgt))
    keep: list[etree._Element] = []
    # string-array -> per item: "filled", "same" (nothing to translate) or "missing"
    arrays: dict[etree._Element, list[str]] = {}
    for res in _resources(tree, doc.path):
        fill = fills.get(res.key)
        if fill is not None and res.kind == "plurals":
            _write_plurals(res.element, fill, tgt, options.plural_rules)
        elif fill is not None:
            _set_content(res.element, fill.forms[0] if fill.forms else fill.text)
        if res.kind == "item":
            text = _value(res.element, doc.path) if fill is None else ""
            arrays.setdefault(res.array, []).append(
                "filled" if fill is not None else "same" if not text else "missing")
        elif fill is not None:
            keep.append(res.element)
    keep += [el for el, states in arrays.items()
             if "filled" in states and "missing" not in states]
    for el in [e for e in root if isinstance(e.tag, str)
               and not any(e is k for k in keep)]:
        _remove(el)
    return _serialise(tree, doc.data)


def _write_plurals(el: etree._Element, fill: Fill, tgt: str, rules: str) -> None:
    """One ``<item>`` per plural category of ``tgt``, laid out as the source's items."""
    cats = cldr_categories(tgt, False, rules)
    values = fill.forms_for(cats)
    items = [x for x in el if isinstance(x.tag, str)]
    first_ws, end_ws = el.text, items[-1].tail
    between = items[0].tail if len(items) > 1 else first_ws
    template = dict(items[-1].attrib)
    cdata = _cdata(items[-1]) is not None
    for child in list(el):
        el.remove(child)
    el.text = first_ws
    for i, (cat, value) in enumerate(zip(cats, values, strict=True)):
        item = etree.SubElement(el, "item", {**template, "quantity": cat})
        _set_content(item, value, cdata)
        item.tail = between if i < len(cats) - 1 else end_ws


def _serialise(tree: etree._ElementTree, original: bytes) -> bytes:
    from .xliff import serialise

    return serialise(tree, original, b'<?xml version="1.0" encoding="utf-8"?>\n')


def output_name(name: str) -> str:
    return name


