"""The ``en-XA`` oracle for DOCX and ODT (issue 23): a package translated to the
pseudo-locale must be the source with only its letters accented and brackets added.

:func:`differences` compares two packages and returns what differs (empty: it holds):

* the same zip members in the same order, every member other than the text parts
  byte for byte;
* in the text parts, every element outside the paragraphs the same (tag and attributes,
  in order), and each paragraph's properties the same;
* each paragraph the same sequence of items: text with its formatting (run properties
  or span style, the language left out) and its hyperlink, equal after :func:`plain`
  (runs of the same formatting joined: the writer may split or join runs); and every
  tab, line break, soft or non-breaking hyphen, field, note, bookmark and comment anchor
  (tag and attributes) in its place between the words.

:func:`untranslated` lists the texts of an output that still have plain letters.
"""

from __future__ import annotations

import io
import re
import zipfile

from lxml import etree

from translate.pseudo import unpseudo

__all__ = ["differences", "docx_package", "odt_package", "paragraph_xml", "plain",
           "untranslated"]

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
TEXT = "urn:oasis:names:tc:opendocument:xmlns:text:1.0"
XML_NS = "http://www.w3.org/XML/1998/namespace"


def _w(tag: str) -> str:
    return f"{{{W}}}{tag}"


def _t(tag: str) -> str:
    return f"{{{TEXT}}}{tag}"


def plain(text: str) -> str:
    """``text`` with the pseudo letters back and every bracket dropped."""
    return unpseudo(text).replace("[", "").replace("]", "")


def text_parts(names: list[str], kind: str) -> list[str]:
    if kind == "docx":
        return [m for m in names if m == "word/document.xml" or m in (
            "word/footnotes.xml", "word/endnotes.xml", "docProps/core.xml")
            or m.startswith(("word/header", "word/footer")) and m.endswith(".xml")]
    return [m for m in ("content.xml", "styles.xml", "meta.xml") if m in names]


def _attrs(el) -> tuple:
    return tuple(sorted((k, v) for k, v in el.attrib.items()
                        if k not in (_w("val"),) or el.tag != _w("lang")))


def _rpr_key(rpr) -> bytes:
    if rpr is None:
        return b""
    rpr = etree.fromstring(etree.tostring(rpr))
    for el in rpr.findall(_w("lang")) + rpr.findall(_w("noProof")):
        rpr.remove(el)
    return etree.tostring(rpr, method="c14n") if len(rpr) or rpr.attrib else b""


def _paragraphs(root, kind: str) -> list:
    if kind == "docx":
        return list(root.iter(_w("p")))
    return list(root.iter(_t("p"), _t("h")))


def _docx_items(p) -> list[tuple]:
    items: list[tuple] = []

    def text(fmt, link, s):
        items.append(("text", fmt, link, s))

    def walk(el, link, in_field):
        for child in el:
            tag = child.tag
            if tag == _w("pPr"):
                continue
            if tag == _w("hyperlink"):
                walk(child, _attrs(child), in_field)
            elif tag == _w("r"):
                fmt = _rpr_key(child.find(_w("rPr")))
                for c in child:
                    if c.tag == _w("rPr"):
                        continue
                    if c.tag == _w("fldChar"):  # (fields nest: their depth)
                        kind = c.get(_w("fldCharType"))
                        in_field[0] += {"begin": 1, "end": -1}.get(kind, 0)
                        items.append(("field", kind))
                    elif c.tag in (_w("t"), _w("delText")) and not in_field[0]:
                        text(fmt, link, c.text or "")
                    elif c.tag in (_w("t"), _w("instrText")):
                        items.append(("field text", c.text or ""))
                    else:
                        items.append((etree.QName(c).localname, _attrs(c)))
            elif tag in (_w("ins"), _w("del"), _w("moveFrom"), _w("moveTo"), _w("smartTag"),
                         _w("customXml"), _w("fldSimple")):
                items.append((etree.QName(child).localname, _attrs(child)))
                walk(child, link, in_field)
            else:
                items.append((etree.QName(child).localname, _attrs(child)))

    walk(p, None, [0])
    return items


def _odt_items(p) -> list[tuple]:
    items: list[tuple] = []

    def walk(el, style, link):
        if el.text:
            items.append(("text", style, link, el.text))
        for child in el:
            tag = child.tag
            if tag == _t("span"):
                walk(child, child.get(_t("style-name")), link)
            elif tag == _t("a"):
                walk(child, style, _attrs(child))
            elif tag == _t("s"):
                items.append(("text", style, link, " " * int(child.get(_t("c"), "1"))))
            else:  # a tab, line break, field, note, bookmark: whole, with its own text
                nested = child.find(f".//{_t('p')}") is not None or \
                    child.find(f".//{_t('h')}") is not None
                inner = "" if nested else "".join(child.itertext())  # its own paragraphs
                # are compared in turn
                items.append((etree.QName(child).localname, _attrs(child), inner))
            if child.tail:
                items.append(("text", style, link, child.tail))

    walk(p, None, None)
    return items


def _normalise(items: list[tuple]) -> tuple[list[tuple], list[tuple]]:
    """A paragraph's items as (1) its text after :func:`plain` with every other item in
    its place, and (2) the formatting and link of its words: the words of each stretch
    of one formatting and link. White space at the edge of a formatted stretch may move
    to its neighbour (its formatting is not compared: the placement wraps words);
    ``w:lastRenderedPageBreak`` (where Word last laid out a page) is left out."""
    flow: list[tuple] = []
    looks: list[list] = []  # [formatting, link, text]
    for item in items:
        if item[0] == "lastRenderedPageBreak":
            continue
        if item[0] != "text":
            flow.append(item)
            if looks:  # an element between words parts them
                looks[-1][2] += " "
            continue
        s = plain(item[3])
        if flow and flow[-1][0] == "text":
            flow[-1] = ("text", flow[-1][1] + s)
        elif s:
            flow.append(("text", s))
        for ch in s:
            if looks and (ch.isspace() or looks[-1][:2] == list(item[1:3])):
                looks[-1][2] += ch
            elif not ch.isspace():
                looks.append([item[1], item[2], ch])
    looks = [(f, k, " ".join(t.split())) for f, k, t in looks]
    return flow, looks


def _outside(root, kind: str) -> list[tuple]:
    """Every element outside the paragraphs (and the paragraphs' own properties)."""
    para = _w("p") if kind == "docx" else None
    out = []

    def walk(el):
        out.append((el.tag, _attrs(el)))
        if kind == "docx" and el.tag == para:
            ppr = el.find(_w("pPr"))
            if ppr is not None:
                out.extend((e.tag, _attrs(e)) for e in ppr.iter() if e.tag != _w("lang"))
            return
        if kind == "odt" and el.tag in (_t("p"), _t("h")):
            return
        for child in el:
            if isinstance(child.tag, str):
                walk(child)

    walk(root)
    return out


def _show(items) -> str:
    """Items for a message: formatting keys shortened."""
    out = []
    for item in items:
        if isinstance(item[0], bytes):
            item = (re.sub(rb' xmlns:\w+="[^"]*"', b"", item[0]).decode(),) + item[1:]
        out.append(item)
    return repr(out)


def _part_differences(a: bytes, b: bytes, member: str, kind: str) -> list[str]:
    ra, rb = etree.fromstring(a), etree.fromstring(b)
    if member in ("docProps/core.xml", "meta.xml"):
        ta = [(e.tag, plain(e.text or "")) for e in ra.iter()]
        tb = [(e.tag, plain(e.text or "")) for e in rb.iter()]
        return [] if ta == tb else [f"{member}: {ta} != {tb}"]
    problems = []
    if _outside(ra, kind) != _outside(rb, kind):
        problems.append(f"{member}: the elements outside the paragraphs differ")
    pa, pb = _paragraphs(ra, kind), _paragraphs(rb, kind)
    if len(pa) != len(pb):
        return problems + [f"{member}: {len(pa)} paragraphs became {len(pb)}"]
    items = _docx_items if kind == "docx" else _odt_items
    for n, (x, y) in enumerate(zip(pa, pb, strict=True)):
        ia, ib = _normalise(items(x)), _normalise(items(y))
        if ia != ib:
            which = 0 if ia[0] != ib[0] else 1
            xa, xb = ia[which], ib[which]
            k = next((k for k, (u, v) in enumerate(zip(xa, xb, strict=False))
                      if u != v),
                     min(len(xa), len(xb)))
            what = ("text and elements", "formatting of the words")[which]
            problems.append(f"{member}: paragraph {n + 1}, {what}, item {k}:\n  "
                            f"{_show(xa[max(0, k - 1):k + 2])}\n  became "
                            f"{_show(xb[max(0, k - 1):k + 2])}")
    return problems


def differences(source: bytes, output: bytes, kind: str) -> list[str]:
    """What breaks the oracle property between a ``.docx``/``.odt`` (``kind``) and its
    ``en-XA`` output; empty when it holds."""
    za, zb = zipfile.ZipFile(io.BytesIO(source)), zipfile.ZipFile(io.BytesIO(output))
    names = za.namelist()
    if names != zb.namelist():
        return [f"members {names} became {zb.namelist()}"]
    problems = []
    parts = set(text_parts(names, kind))
    for member in names:
        a, b = za.read(member), zb.read(member)
        if member not in parts:
            if a != b:
                problems.append(f"{member} changed")
        elif a != b:
            problems.extend(_part_differences(a, b, member, kind))
    return problems


_PLAIN_LETTER = re.compile("[a-pr-zA-PR-Z]")
_URL = re.compile(r"https?://\S+|www\.\S+")


def untranslated(output: bytes, kind: str) -> list[str]:
    """The paragraph texts of an ``en-XA`` package that still have plain letters (URLs
    and field results left out)."""
    z = zipfile.ZipFile(io.BytesIO(output))
    out = []
    items = _docx_items if kind == "docx" else _odt_items
    for member in text_parts(z.namelist(), kind):
        if member in ("docProps/core.xml", "meta.xml"):
            continue
        root = etree.fromstring(z.read(member))
        for n, p in enumerate(_paragraphs(root, kind)):
            text = "".join(i[3] for i in items(p) if i[0] == "text")
            if _PLAIN_LETTER.search(_URL.sub("", text)):
                out.append(f"{member}: paragraph {n + 1}: {text!r}")
    return out


# ----------------------------------------------------------------------------- packages

_DOCX_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
    'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-'
    'officedocument.wordprocessingml.document.main+xml"/></Types>')
_DOCX_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/officeDocument" Target="word/document.xml"/></Relationships>')


def docx_package(body: str) -> bytes:
    """A minimal ``.docx`` whose body is ``body`` (``w:p`` elements; prefixes ``w`` and
    ``r`` declared)."""
    document = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        f'<w:document xmlns:w="{W}" xmlns:r="http://schemas.openxmlformats.org/'
        f'officeDocument/2006/relationships"><w:body>{body}</w:body></w:document>')
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", _DOCX_TYPES)
        z.writestr("_rels/.rels", _DOCX_RELS)
        z.writestr("word/document.xml", document)
    return buf.getvalue()


def odt_package(body: str) -> bytes:
    """A minimal ``.odt`` whose text is ``body`` (``text:p`` elements; prefixes ``text``
    and ``xlink`` declared)."""
    content = (
        '<?xml version="1.0" encoding="UTF-8"?>\n<office:document-content '
        'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
        f'xmlns:text="{TEXT}" xmlns:xlink="http://www.w3.org/1999/xlink" office:version="1.2">'
        f'<office:body><office:text>{body}</office:text></office:body>'
        '</office:document-content>')
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr(zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.text")
        z.writestr("content.xml", content, zipfile.ZIP_DEFLATED)
    return buf.getvalue()


def paragraph_xml(data: bytes, kind: str, n: int = 0) -> str:
    """Paragraph ``n`` of a package's body as XML, namespace declarations left out."""
    z = zipfile.ZipFile(io.BytesIO(data))
    root = etree.fromstring(z.read("word/document.xml" if kind == "docx" else "content.xml"))
    xml = etree.tostring(_paragraphs(root, kind)[n], encoding="unicode")
    return re.sub(r' xmlns:\w+="[^"]*"', "", xml)
