"""XLIFF 1.2 and 2.x through lxml, parsed by :mod:`translate.xmlsafe` (no entity expansion,
no DTD, no network, no internal DOCTYPE subset).

A unit's source text is the inner XML of its ``<source>``, inline codes included
(``Press <g id="1">Save</g><x id="2"/>``). Inline codes are XML tags to the placeholder
masker, so they are kept exactly, and the translated string is parsed back into elements.
XLIFF 1.2 ``<trans-unit>`` is one unit; in 2.x each ``<segment>`` of a ``<unit>`` is one.
Units marked ``translate="no"`` are skipped. Everything else in the file is kept.

Written targets get ``state="translated"`` (1.2: ``needs-review-translation`` when fuzzy;
2.x: ``subState="translate:fuzzy"``). Kept targets keep their state.
"""

from __future__ import annotations

import html
import re
import sys
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from xml.sax.saxutils import escape

from lxml import etree

from ... import xmlsafe
from ...errors import InputFileError
from ..units import DEFAULT_WRITE, Document, Existing, Fill, Unit, WriteOptions

NAME = "xliff"
EXTENSIONS = (".xlf", ".xliff")
MARKUP = "xml"


def sniff(head: bytes) -> bool:
    """An XLIFF file (1.2 or 2.0): its root element is ``xliff``."""
    return re.search(rb"<(?:[\w.-]+:)?xliff[\s>]", head) is not None

NS12 = "urn:oasis:names:tc:xliff:document:1.2"
NS20 = "urn:oasis:names:tc:xliff:document:2.0"
XML_NS = "http://www.w3.org/XML/1998/namespace"
_DRAFT_STATES_12 = {"new", "needs-translation"}
_FUZZY_STATES_12 = {"needs-review-translation", "needs-adaptation", "needs-l10n",
                    "needs-review-adaptation", "needs-review-l10n"}
FUZZY_SUBSTATE = "translate:fuzzy"


@dataclass(frozen=True, slots=True)
class _Slot:
    key: str
    container: etree._Element   # trans-unit (1.2) or segment (2.x)
    source: etree._Element
    target: etree._Element | None
    notes: tuple[str, ...]
    location: str | None


def _parse(data: bytes, path: str) -> tuple[etree._ElementTree, str]:
    tree = xmlsafe.parse(data, path)
    root = tree.getroot()
    if not isinstance(root.tag, str) or etree.QName(root).localname != "xliff":
        raise InputFileError(path, "not an XLIFF document (the root element is not <xliff>)",
                             root.sourceline)
    ns = etree.QName(root).namespace
    version = root.get("version", "")
    if ns == NS12 or (ns is None and version.startswith("1.")):
        return tree, "1.2"
    if ns == NS20 or version.startswith("2."):
        return tree, "2"
    raise InputFileError(path, f"unsupported XLIFF version {version!r}: use 1.2 or 2.x",
                         root.sourceline)


def _q(ns: str | None, name: str) -> str:
    return f"{{{ns}}}{name}" if ns else name


def _skip(el: etree._Element) -> bool:
    """translate="no" on the element or an ancestor group/file."""
    node: etree._Element | None = el
    while node is not None:
        if node.get("translate") == "no":
            return True
        node = node.getparent()
    return False


def _text_of(el: etree._Element) -> str:
    return "".join(el.itertext())


def _slots(tree: etree._ElementTree, version: str) -> Iterator[_Slot]:
    root = tree.getroot()
    ns = etree.QName(root).namespace
    for fi, file_el in enumerate(root.iter(_q(ns, "file"))):
        fname = file_el.get("original") or file_el.get("id") or str(fi + 1)
        if version == "1.2":
            for tu in file_el.iter(_q(ns, "trans-unit")):
                source = tu.find(_q(ns, "source"))
                if source is None or _skip(tu):
                    continue
                notes = tuple(_text_of(n) for n in tu.findall(_q(ns, "note")))
                yield _Slot(f"{fname}::{tu.get('id', '')}", tu, source,
                            tu.find(_q(ns, "target")), notes, tu.get("resname"))
        else:
            for unit in file_el.iter(_q(ns, "unit")):
                if _skip(unit):
                    continue
                notes_el = unit.find(_q(ns, "notes"))
                notes = tuple(_text_of(n) for n in notes_el.findall(_q(ns, "note"))) \
                    if notes_el is not None else ()
                for si, seg in enumerate(unit.findall(_q(ns, "segment"))):
                    source = seg.find(_q(ns, "source"))
                    if source is None or seg.get("translate") == "no":
                        continue
                    sid = seg.get("id") or str(si + 1)
                    yield _Slot(f"{fname}::{unit.get('id', '')}::{sid}", seg, source,
                                seg.find(_q(ns, "target")), notes, unit.get("name"))


# ----------------------------------------------------------------------- inline content


def _name(el: etree._Element, default_ns: str | None) -> str:
    q = etree.QName(el)
    if q.namespace == default_ns or q.namespace is None:
        return q.localname
    return _prefixed(q.namespace, q.localname, el.nsmap)


def _prefixed(ns: str, local: str, nsmap: Mapping[str | None, str]) -> str:
    if ns == XML_NS:
        return f"xml:{local}"
    for prefix, uri in nsmap.items():
        if uri == ns and prefix:
            return f"{prefix}:{local}"
    return local


def _attrs(el: etree._Element) -> str:
    out = []
    for k, v in el.attrib.items():
        q = etree.QName(k)
        name = _prefixed(q.namespace, q.localname, el.nsmap) if q.namespace else q.localname
        value = escape(v, {'"': "&quot;", "\n": "&#10;", "\t": "&#9;", "\r": "&#13;"})
        out.append(f' {name}="{value}"')
    return "".join(out)


def _esc(text: str | None) -> str:
    return escape(text or "", {"\r": "&#13;"})


def inner_xml(el: etree._Element, default_ns: str | None) -> str:
    """The content of ``el`` as an XML string, without namespace declarations."""
    parts = [_esc(el.text)]
    for child in el:
        parts.append(_outer(child, default_ns))
        parts.append(_esc(child.tail))
    return "".join(parts)


def _outer(el: etree._Element, default_ns: str | None) -> str:
    if isinstance(el, etree._Comment):
        return f"<!--{el.text or ''}-->"
    if isinstance(el, etree._ProcessingInstruction):
        return f"<?{el.target} {el.text or ''}?>" if el.text else f"<?{el.target}?>"
    if isinstance(el, etree._Entity):
        return f"&{el.name};"
    name = _name(el, default_ns)
    content = inner_xml(el, default_ns)
    if not content and len(el) == 0:
        return f"<{name}{_attrs(el)}/>"
    return f"<{name}{_attrs(el)}>{content}</{name}>"


def parse_inner(xml: str, like: etree._Element) -> etree._Element:
    """Parse an inner XML string into a copy of ``like`` (same tag, no attributes)."""
    nsmap = {k: v for k, v in like.nsmap.items()}
    decls = "".join(f' xmlns:{p}="{escape(u)}"' if p else f' xmlns="{escape(u)}"'
                    for p, u in nsmap.items())
    wrapped = f"<w{decls}>{xml}</w>"
    holder = xmlsafe.fragment(wrapped)
    new = etree.Element(like.tag, nsmap=like.nsmap)
    new.text = holder.text
    for child in list(holder):
        new.append(child)
    return new


def check_fill(text: str, unit: Unit | None = None) -> list[str]:
    """Problems that would stop ``text`` from being written as a target (of ``unit``)."""
    try:
        parse_inner(escape_text(text), etree.Element(_q(NS12, "target"), nsmap={None: NS12}))
    except ValueError as exc:
        return [str(exc)]
    return []


_STRAY_AMP_RE = re.compile(r"&(?![A-Za-z_][\w.-]*;|#\d+;|#[xX][0-9A-Fa-f]+;)")
_STRAY_LT_RE = re.compile(r"<(?![A-Za-z_/!?])")


def escape_text(text: str) -> str:
    """A translation as the job has it (plain model text around the source's inline markup,
    which came back verbatim) as XML content: a bare ``&`` or ``<`` of the model's text is
    escaped, the markup and entities of the source are not. Only this writer escapes: QA
    checks and the translation memory see the text as the model wrote it."""
    return _STRAY_LT_RE.sub("&lt;", _STRAY_AMP_RE.sub("&amp;", text)).replace("]]>", "]]&gt;")


# ----------------------------------------------------------------------- read / write


def file_kind(root: etree._Element, data: bytes) -> frozenset[str]:
    """The placeholder syntax a file's producer implies: ``angular`` (``ng2.template``,
    ``INTERPOLATION`` placeholders, ICU), ``symfony`` (``original="file.ext"``: ``%name%``,
    pipe plurals); none otherwise."""
    ns = etree.QName(root).namespace
    originals = {f.get("original", "") for f in root.iter(_q(ns, "file"))}
    if any(o.startswith("ng") and o.endswith(".template") for o in originals) \
            or b'id="INTERPOLATION' in data or b'equiv="INTERPOLATION' in data:
        return frozenset({"angular"})
    if "file.ext" in originals or any(t.get("tool-id") == "symfony"
                                      for t in root.iter(_q(ns, "tool"))):
        return frozenset({"symfony"})
    return frozenset()


def read(data: bytes, path: str, lang: str | None = None) -> Document:
    tree, version = _parse(data, path)
    root = tree.getroot()
    ns = etree.QName(root).namespace
    kind = file_kind(root, data)
    units = []
    for slot in _slots(tree, version):
        source = inner_xml(slot.source, ns)
        if not source.strip():
            continue
        translations: tuple[str, ...] = ()
        flags: set[str] = set(kind)
        if slot.target is not None:
            target = inner_xml(slot.target, ns)
            state = _state(slot, version)
            draft = state in ("new", "needs-translation", "initial") and target == source
            if target.strip() and not draft:
                translations = (target,)
                if _is_fuzzy(slot, version):
                    flags.add("fuzzy")
        units.append(Unit(slot.key, source, translations=translations, flags=frozenset(flags),
                          notes=slot.notes, location=slot.location))
    src_lang, tgt_lang = _langs(root, version)
    return Document(path, NAME, tuple(units), data, target_lang=tgt_lang, source_lang=src_lang)


def _langs(root: etree._Element, version: str) -> tuple[str | None, str | None]:
    def short(v: str | None) -> str | None:
        return v.replace("_", "-").split("-")[0].lower() if v else None
    if version == "1.2":
        ns = etree.QName(root).namespace
        f = root.find(_q(ns, "file"))
        if f is None:
            return None, None
        return short(f.get("source-language")), short(f.get("target-language"))
    return short(root.get("srcLang")), short(root.get("trgLang"))


def _state(slot: _Slot, version: str) -> str | None:
    if version == "1.2":
        return slot.target.get("state") if slot.target is not None else None
    return slot.container.get("state")


def _is_fuzzy(slot: _Slot, version: str) -> bool:
    state = _state(slot, version)
    if version == "1.2":
        return state in _FUZZY_STATES_12 or state in _DRAFT_STATES_12
    return state == "initial" or slot.container.get("subState") == FUZZY_SUBSTATE


def existing(doc: Document, lang: str | None = None) -> dict[str, Existing]:
    tree, version = _parse(doc.data, doc.path)
    by_key = {u.key: u for u in doc.units}
    out = {}
    for slot in _slots(tree, version):
        u = by_key.get(slot.key)
        if u is not None and u.translations:
            out[u.key] = Existing(u.translations, u.fuzzy, _state(slot, version))
    return out


_WARNED: set[tuple[str, str]] = set()


def write(doc: Document, fills: Mapping[str, Fill], tgt: str,
          previous: Document | None = None, *, src: str | None = None,
          options: WriteOptions = DEFAULT_WRITE) -> bytes:
    tree, version = _parse(doc.data, doc.path)
    root = tree.getroot()
    ns = etree.QName(root).namespace
    same_lang = doc.target_lang == tgt
    if src and doc.source_lang and doc.source_lang != src and (doc.path, src) not in _WARNED:
        _WARNED.add((doc.path, src))
        print(f"translate: warning: {doc.path}: source-language is {doc.source_lang!r} but "
              f"--from is {src!r}; check --from", file=sys.stderr)
    if version == "1.2":
        for f in root.iter(_q(ns, "file")):
            f.set("target-language", tgt)
    else:
        root.set("trgLang", tgt)
    for slot in _slots(tree, version):
        fill = fills.get(slot.key)
        if fill is None:
            if not same_lang and slot.target is not None:
                _remove(slot.target)
                if version != "1.2":
                    slot.container.attrib.pop("state", None)
                    slot.container.attrib.pop("subState", None)
            continue
        text = fill.forms[0] if fill.forms else fill.text
        new = parse_inner(escape_text(text), slot.source)
        new.tag = _q(ns, "target")
        if slot.target is not None:
            for k, v in slot.target.attrib.items():
                new.set(k, v)
            new.tail = slot.target.tail
            slot.target.getparent().replace(slot.target, new)
        else:
            new.tail = slot.source.tail
            before = slot.source.getprevious()
            indent = before.tail if before is not None else slot.source.getparent().text
            if indent is not None and not indent.strip():
                slot.source.tail = indent
            slot.source.addnext(new)
        _set_state(new, slot.container, fill, version)
    return serialise(tree, doc.data)


def _set_state(target: etree._Element, container: etree._Element, fill: Fill,
               version: str) -> None:
    if version == "1.2":
        if fill.state:
            target.set("state", fill.state)
        else:
            target.set("state", "needs-review-translation" if fill.fuzzy else "translated")
        return
    if fill.state:
        container.set("state", fill.state)
    else:
        container.set("state", "translated")
    if fill.fuzzy:
        container.set("subState", FUZZY_SUBSTATE)
    elif container.get("subState") == FUZZY_SUBSTATE:
        del container.attrib["subState"]


def _remove(el: etree._Element) -> None:
    parent = el.getparent()
    prev = el.getprevious()
    if prev is not None:
        prev.tail = (prev.tail or "") if el.tail is None else el.tail
    else:
        parent.text = el.tail if el.tail is not None else parent.text
    parent.remove(el)


_DECL_RE = re.compile(rb"^(\xef\xbb\xbf)?\s*<\?xml[^>]*\?>\s*")


def serialise(tree: etree._ElementTree, original: bytes,
              declaration: bytes = b'<?xml version="1.0" encoding="UTF-8"?>\n') -> bytes:
    """``tree`` written as UTF-8 with ``original``'s XML declaration, start tags and
    trailing white space (``declaration`` where the original named another encoding)."""
    body = etree.tostring(tree, encoding="UTF-8", xml_declaration=False)
    m = _DECL_RE.match(original)
    head = m.group() if m else b""
    enc = re.search(rb"encoding=[\"']([^\"']+)", head)
    if enc and enc.group(1).lower().replace(b"_", b"-") not in (b"utf-8", b"utf8"):
        head = declaration
    tail = original[len(original.rstrip()):]
    return head + keep_start_tags(original, body.strip()) + tail


# lxml re-serialises every start tag: attribute order, quotes and escaping change
# (&apos; becomes ', namespace declarations move first). A start tag whose name and
# attribute values are the same as the input's next one is written as the input has it.
_START_TAG_RE = re.compile(
    r"""<([A-Za-z_][^\s/>]*)((?:\s+[^\s=/>]+\s*=\s*(?:"[^"]*"|'[^']*'))*)\s*(/?)>""")
_ATTR_RE = re.compile(r"""([^\s=/>]+)\s*=\s*(?:"([^"]*)"|'([^']*)')""")


def _tag_key(m: re.Match[str]) -> tuple:
    attrs = tuple(sorted((a, html.unescape(re.sub(r"[\t\n\r]", " ", v1 or v2)))
                         for a, v1, v2 in _ATTR_RE.findall(m.group(2))))
    return m.group(1), attrs, m.group(3)


def keep_start_tags(original: bytes, written: bytes, window: int = 64) -> bytes:
    """``written`` with each start tag that equals (name, attribute values, emptiness)
    the next unmatched start tag of ``original`` in document order replaced by the
    original's text."""
    try:
        src = original.decode("utf-8")
        out = written.decode("utf-8")
    except UnicodeDecodeError:
        return written
    before = [(_tag_key(m), m.group()) for m in _START_TAG_RE.finditer(src)]
    pos = 0
    parts = []
    last = 0
    for m in _START_TAG_RE.finditer(out):
        key = _tag_key(m)
        for j in range(pos, min(pos + window, len(before))):
            if before[j][0] == key:
                parts.append(out[last:m.start()])
                parts.append(before[j][1])
                last = m.end()
                pos = j + 1
                break
    parts.append(out[last:])
    return "".join(parts).encode("utf-8")


def output_name(name: str) -> str:
    return name
