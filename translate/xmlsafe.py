"""One safe way to parse XML from users' files: TBX glossaries, XLIFF catalogs, TMX memories.

    >>> root = parse(b"<xliff version='1.2'/>", "a.xlf").getroot()
    >>> parse(b'<!DOCTYPE x [<!ENTITY e "boom">]><x>&e;</x>', "a.tmx")
    Traceback (most recent call last):
    ...
    translate.errors.InputFileError: a.tmx:1: declares a DOCTYPE with an internal subset \
(<!DOCTYPE ... [...]>), refused for safety: remove the bracketed part

The parser never touches the network, loads no DTD, expands no entity in text and keeps
libxml2's limits on huge documents. A DOCTYPE with an internal subset is refused before
parsing (and again after, for encodings the byte check cannot read): lxml still expands
internal entities in attribute values with ``resolve_entities=False``, and an internal
subset is where billion-laughs and XXE payloads live. An external DOCTYPE
(``<!DOCTYPE tmx SYSTEM "tmx14.dtd">``) is allowed and never loaded; entity references it
might define stay in the tree as :class:`lxml.etree._Entity` nodes.
"""

from __future__ import annotations

import re

from lxml import etree

from .errors import InputFileError
from .limits import Limits

_DOCTYPE_SUBSET_RE = re.compile(rb"<!DOCTYPE[^>\[]*\[", re.IGNORECASE)


def parser(*, remove_comments: bool = False, remove_pis: bool = False,
           remove_blank_text: bool = False) -> etree.XMLParser:
    """The parser every XML reader of this package uses."""
    return etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False,
                           dtd_validation=False, huge_tree=False, strip_cdata=False,
                           remove_comments=remove_comments, remove_pis=remove_pis,
                           remove_blank_text=remove_blank_text)


def _subset_line(data: bytes) -> int | None:
    for candidate in (data, _as_utf8(data)):
        m = _DOCTYPE_SUBSET_RE.search(candidate) if candidate else None
        if m:
            return candidate.count(b"\n", 0, m.start()) + 1
    return None


def _as_utf8(data: bytes) -> bytes | None:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16").encode("utf-8")
        except UnicodeDecodeError:
            return None
    return None


_SUBSET = ("declares a DOCTYPE with an internal subset (<!DOCTYPE ... [...]>), refused for "
           "safety: remove the bracketed part")


def parse(data: bytes, path: str, *, limits: Limits | None = None,
          **options: bool) -> etree._ElementTree:
    """Parse ``data`` (the bytes of ``path``) safely; every problem is an
    :class:`~translate.errors.InputFileError` naming the file and line. With ``limits``
    (:class:`~translate.limits.Limits`) the elements are counted and their depth
    measured while a first pass reads the bytes (no tree is built), and the parse stops
    at the first one past ``limits.xml_elements`` or ``limits.xml_depth``."""
    line = _subset_line(data)
    if line is not None:
        raise InputFileError(path, _SUBSET, line)
    if limits is not None:
        _check_shape(data, path, limits)
    try:
        root = etree.fromstring(data, parser(**options))
    except etree.XMLSyntaxError as exc:
        msg = re.sub(r",? line \d+, column \d+$", "", exc.msg or "syntax error")
        raise InputFileError(path, f"not well-formed XML: {msg}", exc.lineno or None) from None
    tree = etree.ElementTree(root)
    dtd = tree.docinfo.internalDTD
    if dtd is not None and (list(dtd.iterelements()) or list(dtd.iterentities())):
        raise InputFileError(path, _SUBSET, 1)
    return tree


class _Over(Exception):
    """A limit passed while counting (the one-line problem)."""


class _Shape:
    """A parser target that builds nothing: counts elements and tracks depth."""

    def __init__(self, limits: Limits) -> None:
        self.limits, self.elements, self.depth = limits, 0, 0

    def start(self, tag, attrib, nsmap=None) -> None:
        self.elements += 1
        self.depth += 1
        if self.elements > self.limits.xml_elements:
            raise _Over(self.limits.over(
                "xml_elements", f"holds more than {self.limits.xml_elements} XML elements"))
        if self.depth > self.limits.xml_depth:
            raise _Over(self.limits.over(
                "xml_depth", f"nests XML elements more than {self.limits.xml_depth} deep"))

    def end(self, tag) -> None:
        self.depth -= 1

    def close(self) -> None:
        return None


def _check_shape(data: bytes, path: str, limits: Limits) -> None:
    target = etree.XMLParser(target=_Shape(limits), resolve_entities=False, no_network=True,
                             load_dtd=False, huge_tree=False)
    try:
        for at in range(0, len(data), 1 << 16):
            target.feed(data[at:at + (1 << 16)])
        target.close()
    except _Over as exc:
        raise InputFileError(path, str(exc)) from None
    except etree.XMLSyntaxError:
        return  # the real parse says what is wrong, with its line


def fragment(xml: str) -> etree._Element:
    """Parse a small piece of XML built by this package (inline content); ValueError when
    it is not well-formed or declares a DOCTYPE."""
    data = xml.encode("utf-8")
    if _DOCTYPE_SUBSET_RE.search(data) or b"<!DOCTYPE" in data:
        raise ValueError("inline XML may not declare a DOCTYPE")
    try:
        return etree.fromstring(data, parser())
    except etree.XMLSyntaxError as exc:
        raise ValueError(f"not well-formed inline XML: {exc.msg}") from None
