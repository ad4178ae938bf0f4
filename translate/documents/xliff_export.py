"""XLIFF 1.2 round trips of articles and documents, for editors and CAT tools.

    translate article story.en.html --from en --to it --export-xliff out/
    # out/story.en-it.xlf: edit it in OmegaT, Trados, memoQ, Phrase ...
    translate article --import-xliff out/story.en-it.xlf -o done/ --tm news.sqlite

**Export** translates a document as usual (any format ``translate article`` reads) and
writes, instead of the translation, one XLIFF 1.2 file (valid against OASIS's strict
schema): one ``<trans-unit>`` per translated segment with its ``<source>``, the machine
``<target>`` (``state="needs-review-translation"``, or ``"translated"`` when it came from
a human entry of the translation memory), the machine text again in an ``<alt-trans>``
(what an import compares the edited target with), and ``<note>`` s with the confidence,
the review reasons and the glossary findings (:mod:`translate.review`). The document
itself travels in the file's skeleton (``<skl><internal-file form="base64">``), so the
XLIFF alone rebuilds it.

Inline markup (a link, bold, a line break, a footnote reference) is written as XLIFF
inline elements, never as escaped markup: an element inside the segment is ``<g
id="N">...</g>`` (``<x id="N"/>`` when void, ``<ph id="N">`` for protected text such as
``<code>``), an element that crosses the segment's edge is ``<bx id="N"/>`` where it
opens and ``<ex id="N"/>`` where it closes (in another unit). ``N`` is the element's
number in its block; the target's codes are where the word alignment placed the
element in the machine translation.

**Import** rebuilds the document from the XLIFF's (edited) targets: each segment gets its
unit's target text, and each inline element is placed where the unit's target has its
code; markup between segments stays where it was. Every unit is checked first: a target
that lost or repeated a code, or whose source no longer matches the document, is a
one-line :class:`~translate.errors.UserError` naming the unit, and nothing is written.
Every target an editor changed is stored in the translation memory as a human entry
(:meth:`~translate.memory.TranslationMemory.store_human`), which later runs reuse under
any model settings.

Formats that go through :func:`~.core.translate_blocks` (text, HTML, Markdown, DOCX,
ODT) carry their inline codes; subtitles (SRT, WebVTT) carry their sentences as plain
text, and their styling is placed again by the format on import.
"""

from __future__ import annotations

import base64
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from lxml import etree

from ..errors import UserError, param
from ..pipeline import Translation, normalise
from .core import ROUND_TRIP, Block

NS = "urn:oasis:names:tc:xliff:document:1.2"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"
TOOL = "newsdesk-translate"

#: format -> XLIFF ``datatype`` (and back)
DATATYPES = {"text": "plaintext", "html": "html", "markdown": "x-markdown",
             "docx": "x-docx", "odt": "x-odt", "srt": "x-srt", "vtt": "x-vtt"}
FORMATS_OF = {v: k for k, v in DATATYPES.items()}
#: what the skeleton of an imported XLIFF may hold at most (decoded bytes)
MAX_DOCUMENT_BYTES = 64 * 1024 * 1024

_G_CTYPES = {"b": "bold", "strong": "bold", "i": "italic", "em": "italic",
             "u": "underlined", "a": "link"}
_X_CTYPES = {"br": "lb", "img": "image"}


def _q(name: str) -> str:
    return f"{{{NS}}}{name}"


def _ctype(tag: str, table: dict[str, str]) -> str:
    return table.get(tag.lower()) or "x-" + (re.sub(r"[^A-Za-z0-9_.:-]", "-", tag) or "code")


def xliff_name(name: str, src: str, tgt: str) -> str:
    """``<stem>.<src>-<tgt>.xlf`` for a document (a language suffix of the stem, as in
    ``story.en.html``, is dropped)."""
    from ..languages import SUPPORTED

    stem = Path(name).stem if name not in ("-", "<stdin>") else "stdin"
    base, dot, suffix = stem.rpartition(".")
    if dot and suffix.lower() in SUPPORTED:
        stem = base
    return f"{stem}.{src}-{tgt}.xlf"


# ----------------------------------------------------------------------------- codes


@dataclass(frozen=True, slots=True)
class _Event:
    """One inline code at a position of a segment's text (sorted: closes, then empty
    codes, then opens; deeper closes first)."""

    pos: int
    rank: int  # 0 close / ex, 1 x / empty g / ph, 2 open / bx
    order: int
    kind: str  # "open", "close", "empty", "x", "bx", "ex", "ph"
    code: str
    ctype: str = ""
    length: int = 0  # ph: characters of the text it covers
    text: str = ""  # ph: its content

    def key(self) -> tuple:
        return (self.pos, self.rank, self.order)


def _write_inline(el: etree._Element, text: str, events: Sequence[_Event]) -> None:
    """Fill ``el`` with ``text`` and its codes."""
    stack = [el]
    pos = 0

    def add(piece: str) -> None:
        if not piece:
            return
        top = stack[-1]
        if len(top):
            top[-1].tail = (top[-1].tail or "") + piece
        else:
            top.text = (top.text or "") + piece

    for ev in sorted(events, key=_Event.key):
        at = max(pos, min(ev.pos, len(text)))
        add(text[pos:at])
        pos = at
        attrs = {"id": ev.code}
        if ev.kind == "open":
            g = etree.SubElement(stack[-1], _q("g"), attrs, ctype=ev.ctype)
            stack.append(g)
        elif ev.kind == "close":
            while len(stack) > 1:
                if stack.pop().get("id") == ev.code:
                    break
        elif ev.kind == "empty":
            etree.SubElement(stack[-1], _q("g"), attrs, ctype=ev.ctype)
        elif ev.kind == "x":
            etree.SubElement(stack[-1], _q("x"), attrs, ctype=ev.ctype)
        elif ev.kind in ("bx", "ex"):
            etree.SubElement(stack[-1], _q(ev.kind), attrs, rid=ev.code)
        elif ev.kind == "ph":
            ph = etree.SubElement(stack[-1], _q("ph"), attrs)
            ph.text = ev.text
            pos = min(len(text), pos + ev.length)
    add(text[pos:])


@dataclass
class _Read:
    """A ``<source>`` or ``<target>`` read back: its plain text and, per code, where it
    stands (``("g", id)`` has a start and an end; the others one position)."""

    text: str = ""
    starts: dict[tuple[str, str], int] = field(default_factory=dict)
    ends: dict[tuple[str, str], int] = field(default_factory=dict)
    codes: Counter = field(default_factory=Counter)


def _read_inline(el: etree._Element, unit: str, where: str) -> _Read:
    out = _Read()
    parts: list[str] = []
    size = 0

    def walk(node: etree._Element) -> None:
        nonlocal size
        if node.text:
            parts.append(node.text)
            size += len(node.text)
        for child in node:
            if not isinstance(child.tag, str):  # a comment or a processing instruction
                pass
            else:
                name = etree.QName(child).localname
                code = child.get("id") or child.get("rid") or ""
                if name in ("g", "x", "bx", "ex", "ph", "it"):
                    key = (name, code)
                    out.codes[key] += 1
                    out.starts.setdefault(key, size)
                    if name == "ph":
                        inner = "".join(child.itertext())
                        parts.append(inner)
                        size += len(inner)
                    elif name == "g":
                        walk(child)
                    out.ends.setdefault(key, size)
                elif name in ("mrk",):
                    walk(child)
                else:
                    raise UserError(f"unit {unit}: its {where} holds <{name}>, which is "
                                    "no XLIFF 1.2 inline element; remove it")
            if child.tail:
                parts.append(child.tail)
                size += len(child.tail)

    walk(el)
    out.text = "".join(parts)
    return out


# ----------------------------------------------------------------------------- ownership


def _owner(items, p: int, kind: str):
    """The translated segment whose unit carries the code at ``p`` (``None``: the code
    stands between segments, where the text is kept as it is)."""
    done = [w for w in items if w.result is not None]
    if kind == "start":
        found = [w for w in done if w.start <= p < w.end]
    elif kind == "end":
        found = [w for w in done if w.start < p <= w.end]
    else:  # a point: inside, or at an edge (the segment it opens first)
        found = [w for w in done if w.start <= p < w.end] or \
            [w for w in done if w.start <= p <= w.end]
    return found[0] if found else None


def _plan(b: Block, items) -> dict[int, tuple]:
    """Per inline ``k`` of ``b``: ``("whole", w)`` (both ends in one segment's unit),
    ``("split", w_start, w_end)`` (either may be ``None``: kept text)."""
    plan = {}
    for k, el in enumerate(b.inlines):
        if el.anywhere:  # where it goes does not matter: no code
            plan[k] = ("none",)
            continue
        if el.void or el.start == el.end:
            plan[k] = ("point", _owner(items, el.start, "point"))
            continue
        ws, we = _owner(items, el.start, "start"), _owner(items, el.end, "end")
        if ws is not None and ws is we:
            plan[k] = ("whole", ws)
        else:
            plan[k] = ("split", ws, we)
    return plan


def _unit_id(call: int, block: int, seg: int) -> str:
    return f"c{call}-b{block}-s{seg}"


def _events(b: Block, plan: dict, w, positions, offset: int, limit: int,
            texts: dict[int, str]) -> list[_Event]:
    """The codes of segment ``w`` over its text (``positions[k]``: element ``k``'s start
    and end in the text the segment is part of; ``offset``: where the segment starts
    there; ``limit``: its length)."""
    def at(p: int) -> int:
        return max(0, min(limit, p - offset))

    out = []
    for k, el in enumerate(b.inlines):
        code = str(k + 1)
        entry = plan[k]
        start, end = positions[k]
        if entry[0] == "point" and entry[1] is w:
            kind = "x" if el.void else "empty"
            out.append(_Event(at(start), 1, k, kind, code,
                              _ctype(el.tag, _X_CTYPES if el.void else _G_CTYPES)))
        elif entry[0] == "whole" and entry[1] is w:
            if el.frozen:
                lo, hi = at(start), at(end)
                out.append(_Event(lo, 1, k, "ph", code, length=hi - lo, text=texts[k]))
            else:
                ctype = _ctype(el.tag, _G_CTYPES)
                out.append(_Event(at(start), 2, k, "open", code, ctype))
                out.append(_Event(at(end), 0, -k, "close", code, ctype))
        elif entry[0] == "split":
            if entry[1] is w:
                out.append(_Event(at(start), 2, k, "bx", code))
            if entry[2] is w:
                out.append(_Event(at(end), 0, -k, "ex", code))
    return out


# ----------------------------------------------------------------------------- export


@dataclass
class _Unit:
    id: str
    lang: str
    source: etree._Element
    target: etree._Element
    machine: etree._Element
    notes: tuple[str, ...]
    human: bool


class Recorder:
    """The export side of :data:`~.core.ROUND_TRIP`: records every translated segment
    of a document as a unit."""

    replaying = False

    def __init__(self) -> None:
        self.calls = 0
        self.inside = False
        self.units: list[_Unit] = []
        self.src: str | None = None
        self.tgt: str | None = None
        self._batches = 0

    # the hooks of translate_blocks
    def begin(self, src: str, tgt: str) -> int:
        self.calls += 1
        self.inside = True
        self.src = self.src or src
        self.tgt = tgt
        return self.calls

    def end_translation(self) -> None:
        self.inside = False

    def block(self, call: int, i: int, b: Block, items, target: str, inlines,
              records) -> tuple:
        self.inside = False
        plan = _plan(b, items)
        src_pos = [(el.start, el.end) for el in b.inlines]
        tgt_pos = [(el.start, el.end) for el in inlines]
        texts = {k: b.text[el.start:el.end] for k, el in enumerate(b.inlines)}
        by_item = {id(r_w): r for r_w, r in zip(items, records, strict=True)}
        pos = tpos = 0
        for j, w in enumerate(items):
            tpos += w.start - pos
            out = w.text if w.result is None else w.result.text
            if w.result is not None:
                uid = _unit_id(call, i, j)
                source = self._element("source", w.lang)
                _write_inline(source, w.text, _events(b, plan, w, src_pos, w.start,
                                                      len(w.text), texts))
                tgt_events = _events(b, plan, w, tgt_pos, tpos, len(out), texts)
                record = by_item[id(w)]
                self._add(uid, w.lang, source, out, tgt_events, record)
            tpos += len(out)
            pos = w.end
        return inlines

    def _element(self, name: str, lang: str) -> etree._Element:
        return etree.Element(_q(name), {XML_LANG: lang})

    def _add(self, uid: str, lang: str, source, out: str, events, record) -> None:
        target = self._element("target", self.tgt or "")
        _write_inline(target, out, events)
        machine = self._element("target", self.tgt or "")
        _write_inline(machine, out, events)
        self.units.append(_Unit(uid, lang, source, target, machine, _notes(record),
                                bool(getattr(record, "human", False))))

    # subtitles: their sentences through translate_batch, as plain text
    def batch(self, texts: Sequence[str], src: str, results) -> None:
        self._batches += 1
        for j, (text, res) in enumerate(zip(texts, results, strict=True)):
            source = self._element("source", src)
            source.text = text
            self._add(f"t{self._batches}-{j}", src, source, res.text, (), res)

    def xliff(self, original: str, data: bytes, fmt: str, src: str, tgt: str) -> bytes:
        """The XLIFF 1.2 file of what was recorded."""
        root = etree.Element(_q("xliff"), version="1.2", nsmap={None: NS})
        f = etree.SubElement(root, _q("file"), {
            "original": original, "source-language": src, "target-language": tgt,
            "datatype": DATATYPES.get(fmt, "plaintext"), "tool-id": TOOL})
        header = etree.SubElement(f, _q("header"))
        skl = etree.SubElement(header, _q("skl"))
        internal = etree.SubElement(skl, _q("internal-file"), form="base64")
        internal.text = base64.b64encode(data).decode("ascii")
        from .. import __version__

        etree.SubElement(header, _q("tool"), {"tool-id": TOOL, "tool-name": TOOL,
                                              "tool-version": __version__})
        note = etree.SubElement(header, _q("note"), {"from": TOOL})
        note.text = (f"format: {fmt}. Confidence ranks the sentences of one model (it is "
                     "not comparable across models); edit the targets, keep every inline "
                     "code, then: translate article --import-xliff FILE -o DIR --tm TM")
        body = etree.SubElement(f, _q("body"))
        for u in self.units:
            tu = etree.SubElement(body, _q("trans-unit"), {"id": u.id, XML_SPACE: "preserve"})
            tu.append(u.source)
            u.target.set("state", "translated" if u.human else "needs-review-translation")
            tu.append(u.target)
            for text in u.notes:
                n = etree.SubElement(tu, _q("note"), {"from": TOOL, "annotates": "target"})
                n.text = text
            alt = etree.SubElement(tu, _q("alt-trans"), {"origin": "machine"
                                                          if not u.human else "memory"})
            alt.append(u.machine)
        return etree.tostring(root, encoding="UTF-8", xml_declaration=True,
                              pretty_print=False)


def _notes(record) -> tuple[str, ...]:
    out = []
    conf = getattr(record, "confidence", None)
    if getattr(record, "human", False):
        out.append("origin: human (translation memory)")
    if conf is not None:
        out.append(f"confidence: {conf:.4f}")
    reasons = tuple(getattr(record, "review", ()))
    if reasons:
        out.append("review: " + "; ".join(reasons))
    for check in getattr(record, "terms", ()):
        hit = check.hit
        line = f"glossary: {hit.surface} -> {hit.target}: {check.status}"
        if getattr(check, "source_kept", False):
            line += " (source spelling still in the output)"
        out.append(line)
    return tuple(out)


# ----------------------------------------------------------------------------- import


@dataclass
class _InUnit:
    id: str
    lang: str
    source: _Read
    target: _Read
    machine: str | None
    used: bool = False


@dataclass
class XliffDocument:
    """An XLIFF file this module wrote, read back."""

    original: str
    fmt: str
    src: str
    tgt: str
    data: bytes
    units: dict[str, _InUnit]


def read_xliff(data: bytes, name: str) -> XliffDocument:
    """Parse an XLIFF 1.2 file made by :class:`Recorder` (edited or not)."""
    from .. import xmlsafe
    from ..limits import DEFAULT_LIMITS

    root = xmlsafe.parse(data, name, limits=DEFAULT_LIMITS).getroot()
    if etree.QName(root).namespace != NS or etree.QName(root).localname != "xliff":
        raise UserError(f"{name}: not an XLIFF 1.2 file (the root is not <xliff> in {NS})")
    files = root.findall(_q("file"))
    if len(files) != 1:
        raise UserError(f"{name}: holds {len(files)} <file> elements; give an XLIFF written "
                        f"by {param('export_xliff')} (one document per file)")
    f = files[0]
    internal = f.find(f"{_q('header')}/{_q('skl')}/{_q('internal-file')}")
    if internal is None or internal.get("form") != "base64":
        raise UserError(f"{name}: has no document in its skeleton (<skl><internal-file "
                        f"form=\"base64\">); export the document again with "
                        f"{param('export_xliff')}")
    raw = "".join(internal.itertext()).strip()
    if len(raw) > MAX_DOCUMENT_BYTES * 4 // 3 + 4:
        raise UserError(f"{name}: the document in its skeleton is over "
                        f"{MAX_DOCUMENT_BYTES // 1024 // 1024} MB")
    try:
        original = base64.b64decode(raw, validate=False)
    except ValueError:
        raise UserError(f"{name}: the document in its skeleton is not valid base64") from None
    fmt = FORMATS_OF.get(f.get("datatype", ""))
    if fmt is None:
        raise UserError(f"{name}: unknown datatype {f.get('datatype')!r}; give an XLIFF "
                        f"written by {param('export_xliff')}")
    src, tgt = f.get("source-language", ""), f.get("target-language", "")
    units: dict[str, _InUnit] = {}
    for tu in f.iter(_q("trans-unit")):
        uid = tu.get("id", "")
        source_el, target_el = tu.find(_q("source")), tu.find(_q("target"))
        if source_el is None:
            raise UserError(f"{name}: unit {uid} has no <source>")
        if uid in units:
            raise UserError(f"{name}: unit {uid} appears twice")
        source = _read_inline(source_el, uid, "source")
        target = _read_inline(target_el, uid, "target") if target_el is not None else None
        if target is None:
            raise UserError(f"{name}: unit {uid} has no <target>; translate it (or copy "
                            "the machine target back) and import again")
        lost = source.codes - target.codes
        extra = target.codes - source.codes
        if lost:
            (kind, code), _ = next(iter(lost.items()))
            raise UserError(f"{name}: unit {uid}: the target lost the inline code <{kind} "
                            f"id=\"{code}\">; put it back (nothing was written)")
        if extra:
            (kind, code), _ = next(iter(extra.items()))
            raise UserError(f"{name}: unit {uid}: the target has the inline code <{kind} "
                            f"id=\"{code}\"> more often than the source; keep each code "
                            "once (nothing was written)")
        alt = tu.find(f"{_q('alt-trans')}/{_q('target')}")
        machine = _read_inline(alt, uid, "alt-trans").text if alt is not None else None
        units[uid] = _InUnit(uid, source_el.get(XML_LANG) or src, source, target, machine)
    return XliffDocument(f.get("original", "document"), fmt, src, tgt, original, units)


class Replayer:
    """The import side of :data:`~.core.ROUND_TRIP`: every segment's target and every
    inline's place come from the XLIFF."""

    replaying = True

    def __init__(self, doc: XliffDocument, name: str) -> None:
        self.doc = doc
        self.name = name
        self.calls = 0
        self.inside = False
        self._batches = 0

    def _unit(self, uid: str, source: str) -> _InUnit:
        unit = self.doc.units.get(uid)
        if unit is None:
            raise UserError(f"{self.name}: has no unit {uid} for the segment {source[:60]!r}; "
                            "the XLIFF was made from another version of the document")
        if unit.source.text != source:
            raise UserError(f"{self.name}: unit {uid}: its source is not the document's "
                            f"segment {source[:60]!r}; do not edit sources (nothing was "
                            "written)")
        unit.used = True
        return unit

    def _result(self, unit: _InUnit, source: str, lang: str) -> Translation:
        return Translation(source, unit.target.text, lang, self.doc.tgt, ("xliff",),
                           human=unit.machine is None or unit.target.text != unit.machine)

    def begin(self, src: str, tgt: str) -> int:
        self.calls += 1
        self.inside = True
        return self.calls

    def end_translation(self) -> None:
        self.inside = False

    def fill(self, call: int, per_block) -> None:
        for i, items in enumerate(per_block):
            for j, w in enumerate(items):
                if w.lang == self.doc.tgt:
                    continue
                w.result = self._result(self._unit(_unit_id(call, i, j), w.text), w.text,
                                        w.lang)

    def block(self, call: int, i: int, b: Block, items, target: str, inlines,
              records) -> tuple:
        self.inside = False
        from dataclasses import replace

        from .inline import check_nesting

        plan = _plan(b, items)
        starts: dict[int, int] = {}
        ends: dict[int, int] = {}
        pos = tpos = 0
        spans = []  # (w, target start) of each segment
        for j, w in enumerate(items):
            tpos += w.start - pos
            spans.append((w, tpos, j))
            tpos += len(w.text if w.result is None else w.result.text)
            pos = w.end

        def shifted(p: int) -> int:
            delta = sum(len(w.result.text) - len(w.text) for w, _, _ in spans
                        if w.result is not None and w.end <= p)
            return p + delta

        for w, t0, j in spans:
            if w.result is None:
                continue
            unit = self.doc.units[_unit_id(call, i, j)]
            for k in range(len(b.inlines)):
                code = str(k + 1)
                for key in (("g", code), ("x", code), ("ph", code)):
                    if key in unit.target.starts:
                        starts[k] = t0 + unit.target.starts[key]
                        ends[k] = t0 + unit.target.ends[key]
                if ("bx", code) in unit.target.starts:
                    starts[k] = t0 + unit.target.starts[("bx", code)]
                if ("ex", code) in unit.target.starts:
                    ends[k] = t0 + unit.target.starts[("ex", code)]
        out = []
        for k, el in enumerate(b.inlines):
            if el.anywhere:  # (it had no code: the translator's codes place the rest)
                continue
            s = starts.get(k, shifted(el.start))
            e = ends.get(k, s if el.void or (el.start == el.end and plan[k][0] == "point")
                         else shifted(el.end))
            out.append(replace(el, start=s, end=max(s, e) if not el.void else s))
        try:
            check_nesting(out, len(target))
        except ValueError as exc:
            ids = ", ".join(_unit_id(call, i, j) for w, _, j in spans if w.result is not None)
            raise UserError(f"{self.name}: units {ids}: their inline codes cross each other "
                            f"({exc}); keep each pair of codes around whole words, in order "
                            "(nothing was written)") from None
        return tuple(out)

    def batch_results(self, texts: Sequence[str], src: str) -> list[Translation]:
        self._batches += 1
        return [self._result(self._unit(f"t{self._batches}-{j}", text), text, src)
                for j, text in enumerate(texts)]

    def finish(self) -> None:
        unused = [u.id for u in self.doc.units.values() if not u.used]
        if unused:
            raise UserError(f"{self.name}: unit {unused[0]} matches no segment of the "
                            "document; the XLIFF was made from another version of it "
                            "(nothing was written)")

    def edited(self) -> list[tuple[str, str, str]]:
        """``(lang, source, target)`` of every unit whose target an editor changed."""
        return [(u.lang, normalise(u.source.text, u.lang), normalise(u.target.text,
                                                                     self.doc.tgt))
                for u in self.doc.units.values()
                if u.machine is not None and u.target.text != u.machine
                and u.target.text.strip()]


class _Proxy:
    """The translator a round trip hands the formats: the real one (export) or none
    (import: results from the XLIFF), and for formats that call ``translate_batch``
    themselves (subtitles) the recording or replaying of their sentences."""

    def __init__(self, translator, trip) -> None:
        self._translator = translator
        self._trip = trip

    def translate_batch(self, texts, src, tgt, *, align: bool = False, memory=None,
                        alternatives: int = 0):
        trip = self._trip
        if trip.replaying:
            if trip.inside:
                raise RuntimeError("an import asked the model for a translation")
            return trip.batch_results(list(texts), src)
        results = self._translator.translate_batch(list(texts), src, tgt, align=align)
        if not trip.inside:
            trip.batch(list(texts), src, results)
        return results

    def __getattr__(self, name: str):
        if self._translator is None:
            raise AttributeError(name)
        return getattr(self._translator, name)


# ----------------------------------------------------------------------------- the API


def export_document(data: bytes | str, fmt: str, src: str, tgt: str, translator, *,
                    name: str = "<input>", memory=None, limits=None
                    ) -> tuple[bytes, object, str]:
    """Translate a document and return its XLIFF 1.2 (bytes), the
    :class:`~.core.DocumentResult` and the source language (resolved when ``"auto"``).
    ``memory``: as :func:`~translate.documents.translate_document`."""
    from . import translate_document

    raw = data.encode("utf-8") if isinstance(data, str) else data
    if memory is not None:
        translator = translator.using(memory=memory)
    trip = Recorder()
    token = ROUND_TRIP.set(trip)
    try:
        result = translate_document(raw, fmt, src, tgt, _Proxy(translator, trip), name=name,
                                    limits=limits)
    finally:
        ROUND_TRIP.reset(token)
    resolved = trip.src if src == "auto" and trip.src else src
    return trip.xliff(Path(name).name, raw, fmt, resolved, tgt), result, resolved


@dataclass(frozen=True, slots=True)
class Imported:
    """A document rebuilt from an XLIFF: its bytes, format, name and languages, and the
    edited pairs (``(lang, source, target)``) for the translation memory."""

    data: bytes
    fmt: str
    original: str
    src: str
    tgt: str
    edited: tuple[tuple[str, str, str], ...]
    result: object


def import_xliff(data: bytes, name: str) -> Imported:
    """Rebuild the document of an XLIFF this module wrote from its (edited) targets;
    every unit checked first (:class:`~translate.errors.UserError` naming the unit)."""
    from . import translate_document

    doc = read_xliff(data, name)
    trip = Replayer(doc, name)
    token = ROUND_TRIP.set(trip)
    try:
        result = translate_document(doc.data, doc.fmt, doc.src, doc.tgt, _Proxy(None, trip),
                                    name=doc.original)
    finally:
        ROUND_TRIP.reset(token)
    trip.finish()
    return Imported(result.data, doc.fmt, doc.original, doc.src, doc.tgt,
                    tuple(trip.edited()), result)


# ----------------------------------------------------------------------------- files


def export_files(names: Sequence[str], src: str, targets: Sequence[str], out_dir,
                 translator, *, fmt: str | None = None, memory=None,
                 max_size_mb: float | None = None, limits=None) -> list[Path]:
    """``translate article FILE... --export-xliff DIR``: each document (any format
    ``translate article`` reads; directories walked) translated into each target and
    written as ``DIR/<stem>.<src>-<tgt>.xlf`` (atomically, confined to ``DIR``); every
    input is read and checked before a model runs."""
    from ..article import MAX_ARTICLE_BYTES, _format_of, _read, expand_inputs
    from ..paths import OutputRoot
    from ..textio import atomic_write

    limit = max_size_mb or MAX_ARTICLE_BYTES / 1024 / 1024
    expanded = [name for name, _ in expand_inputs(list(names) or ["-"])]
    inputs = [(_read(name, f, limit, limits), f)
              for name, f in ((n, _format_of(n, fmt)) for n in expanded)]
    root = OutputRoot.of(Path(out_dir), inputs=[n for n in expanded if n != "-"])
    written = []
    for (_name, contents, shown), f in inputs:
        data = contents.encode("utf-8") if isinstance(contents, str) else contents
        for tgt in targets:
            xml, _, resolved = export_document(data, f, src, tgt, translator, name=shown,
                                               memory=memory, limits=limits)
            dest = root.dest(Path(xliff_name(shown, resolved, tgt)))
            dest.parent.mkdir(parents=True, exist_ok=True)
            atomic_write(dest, xml)
            written.append(dest)
    return written


@dataclass(frozen=True, slots=True)
class ImportedFile:
    """What ``--import-xliff`` did: the document written, and how many edited targets
    went into the translation memory."""

    path: Path
    units: int
    edited: int


def import_file(xlf: str, out_dir, *, memory=None) -> ImportedFile:
    """``translate article --import-xliff FILE.xlf -o DIR [--tm TM]``: the document
    rebuilt from the XLIFF's targets, written to ``DIR/<stem>.<tgt><ext>``; every edited
    target stored in ``memory`` (a path or an open memory) as a human entry. Every unit
    is checked before anything is written."""
    from ..memory import TranslationMemory
    from ..paths import OutputRoot, article_name
    from ..textio import atomic_write, read_bytes
    from . import EXTENSIONS

    imported = import_xliff(read_bytes(xlf), xlf)
    ext = Path(imported.original).suffix
    if EXTENSIONS.get(ext.lower()) != imported.fmt:
        ext = next(e for e, f in EXTENSIONS.items() if f == imported.fmt)
    root = OutputRoot.of(Path(out_dir), inputs=[xlf])
    dest = root.dest(Path(article_name(imported.original, imported.tgt, ext)))
    dest.parent.mkdir(parents=True, exist_ok=True)
    atomic_write(dest, imported.data)
    if memory is not None and imported.edited:
        tm = memory if isinstance(memory, TranslationMemory) else TranslationMemory(memory)
        try:
            by_lang: dict[str, list[tuple[str, str]]] = {}
            for lang, source, target in imported.edited:
                by_lang.setdefault(lang, []).append((source, target))
            for lang, pairs in by_lang.items():
                tm.store_human(lang, imported.tgt, pairs)
        finally:
            if tm is not memory:
                tm.close()
    units = len(imported.result.segments) if hasattr(imported.result, "segments") else 0
    return ImportedFile(dest, units, len(imported.edited))
