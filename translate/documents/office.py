"""Word (``.docx``) and OpenDocument text (``.odt``) files.

Only the XML parts that hold translatable text are rewritten (DOCX: the body, headers,
footers, footnotes, endnotes and the title/subject in ``docProps/core.xml``; ODT:
``content.xml``, ``styles.xml`` for headers/footers, and ``meta.xml``); every other member
of the package (styles, images, comments, settings) is copied byte for byte, in the same
order and with the same compression.

In a paragraph, runs are inline markup: the formatting that covers most of the paragraph's
text is its base, and every stretch of runs with other formatting (bold, italic, colour,
style) is a span, as is each hyperlink, projected onto the translation by word alignment.
Runs that hold no text (drawings, footnote references, fields such as page numbers,
bookmarks, comment anchors) are void elements kept whole and placed after the word they
followed; one that stood between two spaces keeps a space on each side. Tabs, line breaks
and soft hyphens are void elements too (the model sees a space for a tab or break between
two words, and the written paragraph drops it again), so a model that rewrites white space
cannot lose them. In ODT, white space that ODF collapses (a pretty-printed paragraph's
indentation, a line wrapped in the XML) is a void element too, written back as it was.
Runs inside smart tags and custom-XML elements are text, their
containers written back around them. Paragraphs with tracked changes are left exactly as
they are (and reported).
"""

from __future__ import annotations

import copy
import io
import re
import struct
import unicodedata
import zipfile
import zlib
from dataclasses import dataclass
from typing import Protocol

from lxml import etree

from .. import detect
from ..errors import InputFileError
from ..languages import LANGUAGES
from ..limits import DEFAULT_LIMITS, Limits
from ..protocol import Translates
from .core import Block, Placed, translate_blocks
from .inline import Inline, Markup

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
XML_NS = "http://www.w3.org/XML/1998/namespace"
TEXT = "urn:oasis:names:tc:opendocument:xmlns:text:1.0"
OFFICE = "urn:oasis:names:tc:opendocument:xmlns:office:1.0"
DC = "http://purl.org/dc/elements/1.1/"

_CFB = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def _w(tag: str) -> str:
    return f"{{{W}}}{tag}"


def _t(tag: str) -> str:
    return f"{{{TEXT}}}{tag}"


# ----------------------------------------------------------------------------- package


_MB = 1024 * 1024
_LOCAL = struct.Struct("<4s5H3L2H")  # a zip member's local header, 30 bytes
_METHODS = {zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED}
_METHOD_NAMES = {9: "Deflate64", 12: "bzip2", 14: "LZMA", 93: "Zstandard", 99: "AES"}
_ZIP_ERRORS = (zipfile.BadZipFile, zlib.error, EOFError, ValueError, NotImplementedError,
               RuntimeError, struct.error, OSError)


def open_package(data: bytes, kind: str, name: str,
                 limits: Limits = DEFAULT_LIMITS) -> zipfile.ZipFile:
    """The zip package, or a one-line error saying what the file really is, or which of
    ``limits`` it passes (checked while reading: every member is inflated once here, as a
    stream, and the reading stops at the first limit)."""
    label = {"docx": "Word (.docx)", "odt": "OpenDocument (.odt)"}[kind]
    if data.startswith(_CFB):
        if "EncryptedPackage".encode("utf-16-le") in data:
            raise InputFileError(name, "is password-protected; save an unprotected copy "
                                       "and translate that")
        raise InputFileError(name, f"is a legacy binary document (Word 97-2003 .doc or "
                                   f"similar), not {label}; convert it first with "
                                   f"`libreoffice --headless --convert-to {kind}`")
    declared = _declared_members(data)
    if declared is not None and declared > limits.zip_members:
        raise InputFileError(name, limits.over("zip_members",
                                               f"the zip holds {declared} members"))
    try:
        package = zipfile.ZipFile(io.BytesIO(data))
    except _ZIP_ERRORS as exc:
        raise InputFileError(name, f"is not a valid {label} file (corrupt zip: {exc}); "
                                   "re-save or re-download it") from None
    _check_members(package, data, name, label, limits)
    total = 0
    for info in package.infolist():  # the CRC of each, and the inflated sizes
        total += _inflate(package, info, name, label, limits, keep=False)[1]
        if total > limits.zip_total_mb * _MB:
            raise InputFileError(name, limits.over(
                "zip_total_mb", f"the zip's members inflate to more than "
                f"{limits.zip_total_mb} MB", " MB"))
    needed = "word/document.xml" if kind == "docx" else "content.xml"
    if needed not in package.namelist():
        raise InputFileError(name, f"is a zip file but not {label} (no {needed})")
    return package


def _declared_members(data: bytes) -> int | None:
    """The member count the end-of-central-directory record declares (``None``: not
    found, or a ZIP64 count), read before the directory itself is."""
    at = data.rfind(b"PK\x05\x06", max(0, len(data) - 65_557))
    if at < 0 or at + 22 > len(data):
        return None
    count = struct.unpack_from("<H", data, at + 10)[0]
    return None if count == 0xFFFF else count


def _check_members(package: zipfile.ZipFile, data: bytes, name: str, label: str,
                   limits: Limits) -> None:
    """Member count, names seen twice, members sharing bytes (CPython's ``zipfile`` does
    not see overlapping entries: a few kilobytes can then inflate the same data
    thousands of times), encryption and compression methods, before any is inflated."""
    infos = package.infolist()
    if len(infos) > limits.zip_members:
        raise InputFileError(name, limits.over("zip_members",
                                               f"the zip holds {len(infos)} members"))
    seen: set[str] = set()
    spans = []
    for info in infos:
        if info.filename in seen:
            raise InputFileError(name, f"holds the member {info.filename} twice; a {label} "
                                       "package names each part once: re-save it")
        seen.add(info.filename)
        if info.flag_bits & 0x1:
            raise InputFileError(name, f"member {info.filename} is encrypted; save an "
                                       "unprotected copy and translate that")
        if info.compress_type not in _METHODS:
            method = _METHOD_NAMES.get(info.compress_type, f"method {info.compress_type}")
            raise InputFileError(name, f"member {info.filename} uses {method} compression, "
                                       "which this toolkit does not read; re-save the file "
                                       "with ordinary (Deflate) compression")
        start = info.header_offset
        try:
            local = _LOCAL.unpack_from(data, start)
        except struct.error:
            local = None
        if local is None or local[0] != b"PK\x03\x04":
            raise InputFileError(name, f"is not a valid {label} file (corrupt zip: member "
                                       f"{info.filename} has no local header); re-save or "
                                       "re-download it")
        end = start + _LOCAL.size + local[9] + local[10] + info.compress_size
        spans.append((start, end, info.filename))
    spans.sort()
    limit = package.start_dir
    for (_s, end, first), (start, _e, second) in zip(spans, spans[1:], strict=False):
        if start < end:
            raise InputFileError(name, f"is not a valid {label} file (zip members {first} "
                                       f"and {second} overlap: a crafted zip); re-save it")
    if spans and spans[-1][1] > limit:
        raise InputFileError(name, f"is not a valid {label} file (zip member "
                                   f"{spans[-1][2]} runs into the central directory); "
                                   "re-save it")


def _inflate(package: zipfile.ZipFile, info: zipfile.ZipInfo, name: str, label: str,
             limits: Limits, *, keep: bool = True) -> tuple[bytes, int]:
    """One member's bytes and their count, inflated as a stream with a running count
    that stops at ``limits.zip_member_mb`` (the size the zip declares is not trusted);
    ``keep=False`` only counts (and checks the CRC) and returns no bytes."""
    cap = limits.zip_member_mb * _MB
    over = limits.over("zip_member_mb", f"member {info.filename} inflates to more than "
                                        f"{limits.zip_member_mb} MB", " MB")
    if info.file_size > cap:
        raise InputFileError(name, over)
    chunks: list[bytes] = []
    size = 0
    try:
        with package.open(info) as src:
            while chunk := src.read(1 << 16):
                size += len(chunk)
                if size > cap:
                    raise InputFileError(name, over)
                if keep:
                    chunks.append(chunk)
    except _ZIP_ERRORS as exc:
        why = "fails its CRC check" if "CRC" in str(exc) else f"cannot be read: {exc}"
        raise InputFileError(name, f"is a corrupt {label} file (member {info.filename} "
                                   f"{why}); re-save or re-download it") from None
    return b"".join(chunks), size


def _parse(data: bytes, member: str, name: str,
           limits: Limits = DEFAULT_LIMITS) -> etree._Element:
    """One XML part of the package, through the package's one safe parser
    (:mod:`translate.xmlsafe`: no network, no entity expansion, no internal DTD; its
    elements counted and their depth bounded while parsing)."""
    from ..xmlsafe import parse

    return parse(data, f"{name}: {member}", limits=limits).getroot()


def _rewrite(package: zipfile.ZipFile, changed: dict[str, bytes], name: str,
             limits: Limits) -> bytes:
    """The package with ``changed`` members replaced, everything else byte for byte."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as dst:
        for info in package.infolist():
            if info.filename in changed:
                dst.writestr(info, changed[info.filename], compress_type=info.compress_type)
            else:
                raw = _inflate(package, info, name, "package", limits)[0]
                dst.writestr(info, raw, compress_type=info.compress_type)
    return out.getvalue()


def _serialise(root: etree._Element, original: bytes) -> bytes:
    standalone = b'standalone="yes"' in original[:200]
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8",
                          standalone=True if standalone else None)


# ----------------------------------------------------------------------------- paragraphs


@dataclass(frozen=True, slots=True)
class _Piece:
    """A stretch of a paragraph: text with its formatting, or a void element."""

    text: str
    fmt: object  # formatting key (a run-properties element or None); void: the element
    link: object  # the enclosing hyperlink element, or None
    void: bool = False
    # a void that stands for white space (a tab, a line break): the plain text gets this
    # character after it, so the words on either side stay apart for the model, and the
    # written paragraph drops one white-space character next to the element
    space: str = ""


class _Paragraphs(Protocol):
    """What a format's paragraph handler does: read one paragraph into pieces (``None``:
    leave it as it is), and write a translated one back."""

    def pieces(self, p: etree._Element) -> list[_Piece] | None: ...

    def write(self, p: etree._Element, text: str, spans, tgt: str, base=None) -> None: ...


def _block(pieces: list[_Piece]) -> tuple[Block, object, dict[int, tuple[str, object]]]:
    """A paragraph as a block: its plain text, and as inline elements each hyperlink, each
    stretch of runs whose formatting is not the base one (the formatting covering most
    text), and each void element; returns the block, the base formatting and what each
    element's key stands for."""
    pieces = _spacers(pieces)
    weight: dict[bytes, int] = {}
    keys = [_fmt_key(pc) for pc in pieces]
    for pc, key in zip(pieces, keys, strict=True):
        if not pc.void:
            weight[key] = weight.get(key, 0) + len(pc.text.strip())
    base_key = max(weight, key=lambda k: weight[k]) if weight else b""
    base = next((pc.fmt for pc, k in zip(pieces, keys, strict=True)
                 if k == base_key and not pc.void), None)
    text: list[str] = []
    spans: list[list] = []  # [start, end, kind, object, key, link]
    sofar = ""  # the text so far
    pos = 0
    opening: tuple | None = None  # a hyperlink opening with a void (a tab): starts at it
    own: list[list] = []  # the base formatting's stretches
    for pc, key in zip(pieces, keys, strict=True):
        if pc.void:
            if pc.link is not None and (opening is None or opening[0] is not pc.link):
                opening = (pc.link, pos)
            # how the written paragraph fits white space around it (see _fit_space)
            spans.append([pos, pos, "void", pc.fmt, pc.space and "swallow" + pc.space.strip(" "),
                          pc.link])
            text.append(pc.space)
            sofar += pc.space
            pos += len(pc.space)
            continue
        end = pos + len(pc.text)
        if pc.link is not None:
            last = next((sp for sp in reversed(spans) if sp[2] == "link"), None)
            if last is not None and last[3] is pc.link and not sofar[last[1]:pos].strip():
                last[1] = end  # (over a tab's white space: one link, not two)
            else:
                start = opening[1] if opening is not None and opening[0] is pc.link else pos
                spans.append([start, end, "link", pc.link, None, None])
        opening = None
        if key != base_key:
            last = next((sp for sp in reversed(spans) if sp[2] == "fmt"), None)
            between = sofar[last[1]:pos] if last is not None else "x"
            if (last is not None and last[4] == key and not between.strip()
                    and last[5] is pc.link):
                last[1] = end  # (over the white space between: its look is not seen)
            elif pc.text.strip():  # white space alone: no stretch of its own
                spans.append([pos, end, "fmt", pc.fmt, key, pc.link])
        elif pc.text.strip():
            if own and own[-1][5] is pc.link and not sofar[own[-1][1]:pos].strip():
                own[-1][1] = end
            else:
                own.append([pos, end, "fmt", pc.fmt, key, pc.link])
        text.append(pc.text)
        sofar += pc.text
        pos = end
    base_at = len(spans)
    if own and any(sp[2] != "void" for sp in spans):
        # the base holds the words no element holds, and one at least: its largest
        # stretch is an element placed "anywhere" (a word of its own, where one is left)
        spans.append(max(own, key=lambda sp: len(sofar[sp[0]:sp[1]].strip())))
    plain = "".join(text)
    inlines, table = _inlines(spans, plain, base_at)
    return Block(plain, tuple(plain), tuple(inlines)), base, table


def _inlines(spans: list[list], plain: str, base_at: int
             ) -> tuple[list[Inline], dict[int, tuple[str, object, str, object]]]:
    """The paragraph's spans as inline elements in pre-order (the one at ``base_at``
    the base formatting's, placed "anywhere"), and what each element's key stands for."""
    link_end = {id(obj): end for _s, end, kind, obj, _k, _l in spans if kind == "link"}
    table: dict[int, tuple[str, object, str, object]] = {}
    inlines = []
    for n, (start, end, kind, obj, key, link) in enumerate(spans):
        if kind == "void" and not key and 0 < start < len(plain) and \
                plain[start - 1].isspace() and plain[start].isspace():
            key = "spaced"  # a field or anchor standing between words, as a word
        if kind == "void" and link is not None and start == link_end.get(id(link)) and \
                start and plain[start - 1].isspace():
            link = None  # after the link's last word and a space: placed on its own
        table[n] = ("base" if n == base_at else kind, obj, key if kind == "void" else "",
                    link)
        # (a hyperlink without words is no inline of its own: what it holds is placed
        # alone, and written back in it)
        depth = 1 if kind != "link" and link is not None and id(link) in link_end else 0
        # a hyperlink is an "a" to the placement: never placed inside another one (it
        # would be written split in two around it)
        inlines.append(Inline(start, end, "a" if kind == "link" else kind,
                              Markup("", "", key=n), void=kind == "void", depth=depth,
                              anywhere=n == base_at))
    return _preorder(inlines, spans, table, link_end), table


def _preorder(inlines: list[Inline], spans: list[list], table: dict, link_end: dict
              ) -> list[Inline]:
    """The paragraph's elements in pre-order: a container before what starts with it,
    but an element at the end of its hyperlink (a proofing mark closing the linked
    word) before what follows it, and one outside every hyperlink right before one (a
    bookmark) before that hyperlink (after it, it would take the hyperlink's children
    as its own); what a hyperlink holds right after it (an anchor at its start, ordered
    among the hyperlink's runs, would close it: its other runs read as the anchor's)."""
    closing = {n for n, sp in enumerate(spans) if sp[2] != "link" and sp[5] is not None
               and sp[0] == sp[1] == link_end.get(id(sp[5]))}
    rank = {el.payload.key: (el.start, el.payload.key not in closing,
                             not (el.void and el.depth == 0), -el.end, el.depth,
                             el.payload.key) for el in inlines}
    holders: dict[int, list[int]] = {}  # each hyperlink's elements, by its object
    for n, sp in enumerate(spans):
        if sp[2] == "link":
            holders.setdefault(id(sp[3]), []).append(n)

    def order(el):
        if not el.depth:
            return rank[el.payload.key], ()
        mine = holders[id(table[el.payload.key][3])]
        holder = [n for n in mine if spans[n][0] <= el.start] or mine
        return rank[holder[-1]], rank[el.payload.key]

    return sorted(inlines, key=order)


def _spacers(pieces: list[_Piece]) -> list[_Piece]:
    """The pieces, a tab or line break standing for white space only between two words
    (next to white space, or at an edge of the paragraph, it needs none)."""
    after = [""] * (len(pieces) + 1)  # the first character of the text after each piece
    for i in range(len(pieces) - 1, -1, -1):
        q = pieces[i]
        after[i] = after[i + 1] if q.void or not q.text else q.text[0]
    out: list[_Piece] = []
    last = ""
    for i, pc in enumerate(pieces):
        if pc.void and pc.space:
            if not last or last.isspace() or not after[i + 1] or after[i + 1].isspace():
                pc = _Piece(pc.text, pc.fmt, pc.link, True)
            else:
                last = pc.space
        elif pc.text:
            last = pc.text[-1]
        out.append(pc)
    return out


def _fmt_key(pc: _Piece) -> bytes:
    if pc.void or pc.fmt is None:
        return b""
    if isinstance(pc.fmt, str):  # an ODT style name
        return pc.fmt.encode()
    rpr = copy.deepcopy(pc.fmt)  # a DOCX w:rPr: language and revision ids are not looks
    for el in rpr.findall(_w("lang")) + rpr.findall(_w("noProof")):
        rpr.remove(el)
    return etree.tostring(rpr, method="c14n")


def _layout(text: str, spans, base) -> list[tuple[str, object, object, object]]:
    """The translated paragraph as (text, formatting, hyperlink, void element) pieces."""
    cuts = {0, len(text)}
    for a, b, _ in spans:
        cuts.update((a, b))
    points = sorted(c for c in cuts if 0 <= c <= len(text))
    out = []
    links = [(a, b, p[1]) for a, b, p in spans if p[0] == "link" and a < b]

    def link_of(at: int, p):
        """A void's hyperlink: its own where it landed in it (or its own has no words),
        else the one it landed strictly inside (a second element of its own link
        around it alone would split that link in two)."""
        own = p[3] if len(p) > 3 else None
        if own is not None and all(not a <= at <= b for a, b, el in links if el is own) \
                and any(el is own for _a, _b, el in links):
            own = None
        return own if own is not None else next(
            (el for a, b, el in links if a < at < b), None)

    def moved(at: int, p) -> int:
        """Where a void in a hyperlink with no words of its own is written: where it
        landed, or after the hyperlink it landed strictly inside (the other one's
        element written around it there would split that hyperlink in two)."""
        own = p[3] if len(p) > 3 else None
        if own is None or any(el is own for _a, _b, el in links):
            return at
        return next((b for a, b, el in links if a < at < b), at)

    def rank(at: int, link, was: int) -> int:
        """Where a void goes among those at one point: those of a hyperlink ending
        there, those moved after one, the others, those of a hyperlink starting there
        (each hyperlink's in one stretch)."""
        if link is not None and any(el is link and a < at == b for a, b, el in links):
            return 0
        if at != was:
            return 1
        return 3 if link is not None and any(el is link and a == at < b
                                             for a, b, el in links) else 2

    placed = sorted(((moved(a, p), a, p) for a, _b, p in spans if p[0] == "void"),
                    key=lambda v: (v[0], rank(v[0], link_of(v[0], v[2]), v[1])))
    # (an end that this order put before its start is no range: they trade places)
    voids = [(at, p[1], link_of(at, p)) for at, _was, p in _paired_anchors(placed)]
    vi = 0
    for lo, hi in zip(points, points[1:] + [None], strict=False):
        while vi < len(voids) and voids[vi][0] == lo:
            out.append(("", None, voids[vi][2], voids[vi][1]))
            vi += 1
        if hi is None or hi <= lo:
            continue
        fmt, link = base, None
        for a, b, p in spans:
            if a <= lo and hi <= b and a < b:
                if p[0] == "fmt":
                    fmt = p[1]
                elif p[0] == "link":
                    link = p[1]
        out.append((text[lo:hi], fmt, link, None))
    while vi < len(voids):
        out.append(("", None, voids[vi][2], voids[vi][1]))
        vi += 1
    # voids and white space of no hyperlink between two pieces of one (placed at its
    # edge, next to one of its own; spaces put between its voids): in it, or it would be
    # written in two
    for i, (piece, _f, link, void) in enumerate(out):
        if void is None and piece.strip() or link is not None or i == 0 or \
                out[i - 1][2] is None:
            continue
        j = next((j for j in range(i, len(out)) if out[j][3] is None and out[j][0].strip()
                  or out[j][2] is not None), len(out))
        if j < len(out) and out[j][2] is out[i - 1][2]:
            out[i:j] = [(t, f, out[i - 1][2], v) for t, f, _l, v in out[i:j]]
    return out


def _fit_space(text: str, spans) -> tuple[str, list]:
    """The translated paragraph with the white space around its void elements as the
    source had it: a tab or line break takes out the white-space character it stood for
    (right after it, else right before it, else after the closing brackets that follow
    it); an element that stood between two spaces
    (a cross-reference field between words) gets a space on a side that has none."""
    spans = list(spans)
    voids = sorted((sp[0], n) for n, sp in enumerate(spans)
                   if sp[2][0] == "void" and sp[2][2])
    for at, n in reversed(voids):  # right to left: the edits leave the rest in place
        at = spans[n][0]
        if spans[n][2][2].startswith("swallow"):
            gone = ""
            close = at  # (or after the closing brackets right after it: the en-XA "]"
            while close < len(text) and unicodedata.category(text[close]) in ("Pe", "Pf"):
                close += 1  # of a sentence it ends, then the space between sentences)
            for k in (at, at - 1, close):
                if 0 <= k < len(text) and text[k].isspace():
                    gone = text[k]
                    text = text[:k] + text[k + 1:]
                    spans = [(a - (a > k), b - (b > k), p) for a, b, p in spans]
                    break
            if spans[n][2][2] == "swallow\n" and gone != "\n" and "\n" in text:
                # a line break placed away from its "\n": that one would be written as
                # a second break
                k = min((i for i, ch in enumerate(text) if ch == "\n"),
                        key=lambda i: abs(i - at))
                text = text[:k] + " " + text[k + 1:]
            continue
        if 0 < at < len(text) and not text[at].isspace():  # a space after it
            text = text[:at] + " " + text[at:]
            spans = [(a + (a > at or (a == at and b > a)), b + (b > at), p)
                     for a, b, p in spans]
        if 0 < at < len(text) and not text[at - 1].isspace():  # and before it
            text = text[:at] + " " + text[at:]
            spans = [(a + (a > at or m == n or (a == at and b > a)), b + (b > at or m == n),
                      p) for m, (a, b, p) in enumerate(spans)]
    return text, spans


_RANGE_EDGE = re.compile(r"(.*?)-?(start|end)$", re.I)


def _anchor(p) -> tuple[tuple, str] | None:
    """A placed void that starts or ends a range (bookmark, comment range): the range's
    key (element stem, id or name) and ``start`` or ``end``."""
    el = p[1]
    if p[0] != "void" or not isinstance(el, etree._Element) or not isinstance(el.tag, str):
        return None
    qname = etree.QName(el)
    m = _RANGE_EDGE.match(qname.localname)
    if not m:
        return None
    return ((qname.namespace, m.group(1), el.get(_w("id")) or el.get(_t("name"))),
            m.group(2).lower())


def _paired_anchors(spans) -> list:
    """The placed spans, the start and end of a range that the alignment put end first
    trading places: an end before its start is no range."""
    spans = list(spans)
    seen: set[tuple] = set()
    for n, (_a, _b, p) in enumerate(spans):
        anchor = _anchor(p)
        if anchor is None:
            continue
        key, edge = anchor
        if edge == "end" and key not in seen:
            later = next((m for m in range(n + 1, len(spans))
                          if _anchor(spans[m][2]) == (key, "start")), None)
            if later is not None:
                (a, b, _), (c, d, q) = spans[n], spans[later]
                spans[n], spans[later] = (a, b, q), (c, d, p)
        seen.add(key)
    return spans


# ----------------------------------------------------------------------------- DOCX

_RUN_TEXT = {_w("t"), _w("tab"), _w("br"), _w("cr"), _w("rPr"), _w("lastRenderedPageBreak"),
             _w("noBreakHyphen"), _w("softHyphen")}
_TRACKED = {_w("ins"), _w("del"), _w("moveFrom"), _w("moveTo")}
#: elements around runs that the runs are read through (written back around them)
_CONTAINERS = {_w("hyperlink"), _w("smartTag"), _w("customXml")}
#: run content kept as a void element of its own, with the white space it stands for
_RUN_VOIDS = {_w("tab"): " ", _w("br"): "\n", _w("cr"): "\n", _w("softHyphen"): ""}
_NB_HYPHEN = "\u2011"


class _Docx:
    def pieces(self, p):
        if any(el.tag in _TRACKED for el in p.iter()):
            return None
        out: list[_Piece] = []
        field: list[etree._Element] | None = None
        for child in p:
            if child.tag == _w("pPr"):
                continue
            if child.tag in _CONTAINERS and field is None:
                self._container(child, out)
                continue
            if child.tag == _w("r"):
                chars = [fc.get(_w("fldCharType")) for fc in child.iter(_w("fldChar"))]
                if field is not None:
                    field.append(child)
                    if "end" in chars:
                        out.append(_Piece("", field, None, void=True))
                        field = None
                    continue
                if "begin" in chars:
                    field = [child]
                    if "end" in chars:
                        out.append(_Piece("", field, None, void=True))
                        field = None
                    continue
                if self._is_text(child):
                    out.extend(self._run(child, None))
                    continue
            if field is not None:
                field.append(child)
                continue
            out.append(_Piece("", child, None, void=True))
        if field is not None:  # a field that never ends: keep the paragraph as it is
            return None
        return out

    def _container(self, el, out: list[_Piece]) -> None:
        """A hyperlink, smart tag or custom-XML element around runs: its runs are text
        (the innermost container is their "link", written back around them with the
        containers outside it); anything else in it is kept whole."""
        for run in el:
            if run.tag == _w("r") and self._is_text(run):
                out.extend(self._run(run, el))
            elif run.tag in _CONTAINERS:
                self._container(run, out)
            elif run.tag != _w("smartTagPr") and run.tag != _w("customXmlPr"):
                out.append(_Piece("", run, el, void=True))

    @staticmethod
    def _is_text(run) -> bool:
        return all(c.tag in _RUN_TEXT for c in run) and any(
            c.tag in (_w("t"), _w("tab")) for c in run)

    @staticmethod
    def _run(run, link) -> list[_Piece]:
        """A text run as pieces: its text (a non-breaking hyphen as U+2011), and each
        tab, line break and soft hyphen a void element of its own (a run of the same
        formatting holding just it), so that it keeps its place between the words
        whatever the model does with white space; ``w:lastRenderedPageBreak`` (where
        Word last laid out a page) is left out."""
        rpr = run.find(_w("rPr"))
        out: list[_Piece] = []
        for c in run:
            if c.tag == _w("t"):
                text = c.text or ""
            elif c.tag == _w("noBreakHyphen"):
                text = _NB_HYPHEN
            elif c.tag in _RUN_VOIDS:
                el = etree.Element(run.tag, dict(run.attrib))
                if rpr is not None:
                    el.append(copy.deepcopy(rpr))
                el.append(copy.deepcopy(c))
                el[-1].tail = None
                out.append(_Piece("", el, link, void=True, space=_RUN_VOIDS[c.tag]))
                continue
            else:
                continue
            if out and not out[-1].void:
                out[-1] = _Piece(out[-1].text + text, rpr, link)
            elif text:
                out.append(_Piece(text, rpr, link))
        return out

    def write(self, p, text, spans, tgt, base=None):
        for child in list(p):
            if child.tag != _w("pPr"):
                p.remove(child)
        ppr = p.find(_w("pPr"))
        if ppr is not None and ppr.find(_w("rPr")) is not None:
            _set_lang(ppr.find(_w("rPr")), tgt)
        current_link, link_el = None, None
        for piece, fmt, link, void in _layout(text, spans, base):
            if link is not current_link:
                current_link = link
                link_el = _containers(p, link) if link is not None else None
            if void is not None:
                for el in void if isinstance(void, list) else [void]:
                    (link_el if link_el is not None else p).append(el)
                continue
            parent = link_el if link_el is not None else p
            run = etree.SubElement(parent, _w("r"))
            rpr = copy.deepcopy(fmt) if fmt is not None else etree.Element(_w("rPr"))
            _set_lang(rpr, tgt)
            run.append(rpr)
            for i, chunk in enumerate(piece.replace("\t", "\x00\t\x00")
                                      .replace("\n", "\x00\n\x00")
                                      .replace(_NB_HYPHEN, f"\x00{_NB_HYPHEN}\x00")
                                      .split("\x00")):
                if not chunk:
                    continue
                if chunk == "\t":
                    etree.SubElement(run, _w("tab"))
                elif chunk == "\n":
                    etree.SubElement(run, _w("br"))
                elif chunk == _NB_HYPHEN:
                    etree.SubElement(run, _w("noBreakHyphen"))
                else:
                    t = etree.SubElement(run, _w("t"))
                    t.text = chunk
                    t.set(f"{{{XML_NS}}}space", "preserve")
                del i


def _containers(p, link) -> etree._Element:
    """``link`` and the containers it was in (a smart tag in a smart tag) made anew at
    the end of ``p``: the innermost, where the runs go."""
    chain = [link]
    while (up := chain[-1].getparent()) is not None and up.tag in _CONTAINERS:
        chain.append(up)
    parent = p
    for el in reversed(chain):
        parent = etree.SubElement(parent, el.tag, dict(el.attrib))
        for props in el.findall(_w("smartTagPr")) + el.findall(_w("customXmlPr")):
            parent.append(copy.deepcopy(props))
    return parent


_AFTER_LANG = {_w("eastAsianLayout"), _w("specVanish"), _w("oMath")}


def _set_lang(rpr: etree._Element, tgt: str) -> None:
    lang = rpr.find(_w("lang"))
    if lang is None:  # the schema orders rPr's children: lang precedes only these
        lang = etree.Element(_w("lang"))
        later = [c for c in rpr if c.tag in _AFTER_LANG]
        if later:
            later[0].addprevious(lang)
        else:
            rpr.append(lang)
    entry = LANGUAGES.get(tgt)
    lang.set(_w("val"), entry.office_tag if entry is not None and entry.office_tag else tgt)


# ----------------------------------------------------------------------------- ODT

_ODT_TRACKED = {_t("change"), _t("change-start"), _t("change-end")}
#: white space that ODF collapses (section 6.1.2: a tab, line feed or carriage return in
#: paragraph text is a space, and a space after a space is none): the indentation of a
#: pretty-printed paragraph, or a line wrapped in the XML
_ODF_LOOSE = re.compile(r"[ \t\r\n]*[\t\r\n][ \t\r\n]*| {2,}")


@dataclass(frozen=True, slots=True, eq=False)
class _Loose:
    """Collapsible white space of an ODT paragraph, a void element: the model sees one
    space for it between two words (none next to white space), and it is written back as
    it was, in the span (``style``) it was in where its neighbours are too."""

    text: str
    style: object


class _Odt:
    def __init__(self, name: str = "<input>", limits: Limits = DEFAULT_LIMITS) -> None:
        self.name, self.limits = name, limits

    def pieces(self, p):
        if any(el.tag in _ODT_TRACKED for el in p.iter()):
            return None
        out: list[_Piece] = []
        self._walk(p, None, None, out)
        return out

    @staticmethod
    def _text(text, style, link, out) -> None:
        """Text of the paragraph as pieces, its collapsible white space kept apart."""
        pos = 0
        for m in _ODF_LOOSE.finditer(text):
            if m.start() > pos:
                out.append(_Piece(text[pos:m.start()], style, link))
            out.append(_Piece("", _Loose(m.group(), style), link, void=True, space=" "))
            pos = m.end()
        if pos < len(text):
            out.append(_Piece(text[pos:], style, link))

    def _walk(self, el, style, link, out) -> None:
        if el.text:
            self._text(el.text, style, link, out)
        for child in el:
            if child.tag == _t("span"):
                self._walk(child, child.get(_t("style-name")), link, out)
            elif child.tag == _t("a"):
                self._walk(child, style, child, out)
            elif child.tag == _t("s"):
                out.append(_Piece(" " * self._spaces(child), style, link))
            elif child.tag in (_t("tab"), _t("line-break")):  # in its place between words
                out.append(_Piece("", child, link, void=True,
                                  space=" " if child.tag == _t("tab") else "\n"))
            else:  # a note, frame, bookmark, annotation: kept whole (its own paragraphs
                out.append(_Piece("", child, link, void=True))  # are translated in turn)
            if child.tail:
                self._text(child.tail, style, link, out)

    def _spaces(self, el) -> int:
        """How many spaces ``<text:s text:c="N"/>`` stands for (1 when N is not a
        number, as ODF's default), refused past ``limits.space_run``."""
        count = (el.get(_t("c")) or "1").strip()
        if not (count.isascii() and count.isdigit()):
            return 1
        if len(count) > 9 or int(count) > self.limits.space_run:
            shown = count if len(count) <= 20 else f"a number of {len(count)} digits"
            raise InputFileError(self.name, self.limits.over(
                "space_run", f"a text:s element asks for {shown} spaces"))
        return int(count)

    def write(self, p, text, spans, tgt, base=None):
        for child in list(p):
            p.remove(child)
        p.text = None
        current_link, link_el = None, None
        span = None  # a span that collapsible white space of its own style was put in
        for piece, fmt, link, void in _layout(text, spans, base):
            if link is not current_link:
                current_link, link_el = link, None
                if link is not None:
                    link_el = etree.SubElement(p, link.tag, dict(link.attrib))
                    link_el.text = link_el.tail = None
            parent = link_el if link_el is not None else p
            last = parent[-1] if len(parent) else None
            if span is not None and span is not last:
                span = None
            if isinstance(void, _Loose):  # as it was, in its span if it ends the parent
                span = last if void.style is not None and last is not None and \
                    last.tag == _t("span") and last.get(_t("style-name")) == void.style \
                    and not last.tail else None
                _append_text(span if span is not None else parent, void.text)
            elif void is not None:
                void.tail = None
                parent.append(void)
            elif fmt is not None:
                if span is None or span.get(_t("style-name")) != fmt:
                    span = None
                _odf_text(span if span is not None else etree.SubElement(
                    parent, _t("span"), {_t("style-name"): fmt}), piece)
            else:
                _odf_text(parent, piece)


_ODF_WS = re.compile(r"( {2,}|\t|\n)")


def _odf_text(parent: etree._Element, text: str) -> None:
    """Append ``text`` to ``parent`` the way ODF spells it: runs of spaces as
    ``text:s``, tabs as ``text:tab``, line breaks as ``text:line-break`` (plain
    whitespace in ODF XML collapses)."""
    for chunk in _ODF_WS.split(text):
        if not chunk:
            continue
        if chunk == "\t":
            el = etree.SubElement(parent, _t("tab"))
        elif chunk == "\n":
            el = etree.SubElement(parent, _t("line-break"))
        elif chunk.startswith("  "):
            el = etree.SubElement(parent, _t("s"), {_t("c"): str(len(chunk))})
        else:
            _append_text(parent, chunk)
            continue
        el.tail = None


def _append_text(parent: etree._Element, text: str) -> None:
    """``text`` at the end of ``parent``'s content."""
    if len(parent):
        parent[-1].tail = (parent[-1].tail or "") + text
    else:
        parent.text = (parent.text or "") + text


# ----------------------------------------------------------------------------- entry


def _paragraph_elements(root, kind: str) -> list:
    if kind == "docx":
        return list(root.iter(_w("p")))
    return [el for el in root.iter(_t("p"), _t("h"))]


def translate_office(data: bytes, kind: str, src: str, tgt: str,
                     translator: Translates, *,
                     name: str = "<input>", limits: Limits | None = None
                     ) -> tuple[bytes, list, list[str]]:
    """Translate a ``.docx`` (``kind="docx"``) or ``.odt`` (``kind="odt"``) package;
    returns the package, one record per segment and notes. ``limits``
    (:class:`~translate.limits.Limits`) bound what the package may inflate to."""
    limits = limits or DEFAULT_LIMITS
    package = open_package(data, kind, name, limits)

    def read(member: str) -> bytes:
        return _inflate(package, package.getinfo(member), name, "package", limits)[0]

    if kind == "docx":
        parts = [m for m in package.namelist()
                 if m == "word/document.xml" or m.startswith(("word/header", "word/footer"))
                 and m.endswith(".xml") or m in ("word/footnotes.xml", "word/endnotes.xml")]
        meta = "docProps/core.xml"
        handler: _Paragraphs = _Docx()
    else:
        parts = [m for m in ("content.xml", "styles.xml") if m in package.namelist()]
        meta = "meta.xml"
        handler = _Odt(name, limits)
    sources = {m: read(m) for m in parts}
    roots = {m: _parse(sources[m], m, name, limits) for m in parts}
    todo: list[tuple[etree._Element, object, dict]] = []
    touched: set[str] = set()
    blocks: list[Block] = []
    warnings: list[str] = []
    for member, root in roots.items():
        for n, p in enumerate(_paragraph_elements(root, kind)):
            pieces = handler.pieces(p)
            if pieces is None:
                warnings.append(f"{member}: paragraph {n + 1} has tracked changes or an "
                                "unfinished field; left as it is")
                continue
            size = sum(len(pc.text) for pc in pieces)
            limits.check("text_chars", size, f"{member}: paragraph {n + 1} holds {size} "
                         "characters", name)
            block, base, table = _block(pieces)
            if block.translatable:
                touched.add(member)
                todo.append((p, base, table))
                blocks.append(block)
    meta_source = read(meta) if meta in package.namelist() else b""
    titles = _meta_fields(meta_source, meta, name, limits)
    for _el, value in titles:
        blocks.append(Block(value, tuple(value)))
    src = detect.source_language(src, lambda: " ".join(b.text for b in blocks))
    done, records, notes = translate_blocks(blocks, src, tgt, translator, placed=True)
    warnings.extend(notes)
    for (p, base, table), out in zip(todo, done, strict=False):
        if isinstance(out, Placed):
            spans = [(el.start, el.end, table[el.payload.key]) for el in out.inlines
                     if table[el.payload.key][0] != "base"]  # (its words: the base's)
            text, spans = _fit_space(out.text, spans)
            handler.write(p, text, _paired_anchors(spans), tgt, base)
    changed = {m: _serialise(root, sources[m]) for m, root in roots.items()
               if m in touched}
    translated_titles = [(el, out) for (el, _v), out in zip(titles, done[len(todo):],
                                                            strict=True) if out is not None]
    for el, out in translated_titles:
        el.text = out.text
    if translated_titles:
        changed[meta] = _serialise(titles[0][0].getroottree().getroot(), meta_source)
    return _rewrite(package, changed, name, limits), list(records), warnings


def _meta_fields(source: bytes, member: str, name: str, limits: Limits
                 ) -> list[tuple[etree._Element, str]]:
    if not source:
        return []
    root = _parse(source, member, name, limits)
    fields = []
    for tag in (f"{{{DC}}}title", f"{{{DC}}}subject"):
        for el in root.iter(tag):
            if el.text and el.text.strip():
                fields.append((el, el.text))
    return fields

