"""What every document format shares: blocks of plain text with inline markup, and
their translation segment by segment with word alignment.

A format reader turns a file into :class:`Block` s (the plain text of a paragraph, a
heading, an attribute value; the inline elements as :class:`~.inline.Inline` spans; for
each character the source text it came from). :func:`translate_blocks` segments them,
identifies the language of each segment, translates through
``translator.translate_batch(..., align=True)``, projects the inline markup by the word
alignment and writes each block back in its format. The reader then puts each written
block in place of its source range, leaving every other byte alone.
"""

from __future__ import annotations

import html
import inspect
import json
import re
from collections.abc import Callable, Sequence
from contextvars import ContextVar
from dataclasses import dataclass, field, is_dataclass, replace
from functools import cache
from importlib import resources

from .. import detect
from ..pipeline import SegmentRecord, protect_verbatim, restore_verbatim, verbatim_spans
from ..protocol import Translates
from ..segment import segment
from .inline import Inline, project, render, word_links

__all__ = ["Block", "DocumentResult", "DocumentSegment", "Placed", "decode_entities",
           "translate_blocks"]


@dataclass(frozen=True, slots=True)
class Block:
    """One unit of text to translate.

    ``raw[i]`` is the source text that wrote ``text[i]`` (``"&amp;"`` for ``&``, ``""`` for
    a character the reader added, such as the space a ``<br>`` stands for); white space
    between segments and segments kept unchanged are written from it, byte for byte.
    ``escape`` writes one translated character in the format.
    """

    text: str
    raw: tuple[str, ...] | str  # ``text`` itself where every character wrote itself
    inlines: tuple[Inline, ...] = ()
    escape: Callable[[str], str] = field(default=lambda ch: ch)
    kind: str = "text"  # "text" (a block of the body) or "attribute" (an attribute value)
    where: str = ""     # for the report: "line 12" or "line 3 title"

    def __post_init__(self) -> None:
        if len(self.raw) != len(self.text):
            raise ValueError("Block.raw needs one entry per character of Block.text")
        # every character written as itself (no entity, nothing added): ``text`` indexes
        # the same, without a tuple of 8 bytes a character held for the whole file (#23)
        if not isinstance(self.raw, str) and all(map((1).__eq__, map(len, self.raw))) \
                and "".join(self.raw) == self.text:
            object.__setattr__(self, "raw", self.text)

    @property
    def translatable(self) -> bool:
        return any(c.isalpha() for c in self.text)


#: a document's report row: a :class:`~translate.pipeline.SegmentRecord` that names its
#: block (the name the document formats have always used)
DocumentSegment = SegmentRecord


@dataclass(frozen=True, slots=True)
class DocumentResult:
    """A translated document: its bytes, and a record per segment."""

    data: bytes
    fmt: str
    src: str
    tgt: str
    segments: tuple[DocumentSegment, ...] = ()
    notes: tuple[str, ...] = ()  # about the document itself (invalid HTML repaired, ...)

    @property
    def text(self) -> str:
        return self.data.decode("utf-8")

    @property
    def warnings(self) -> list[str]:
        return list(self.notes) + [w for s in self.segments for w in s.warnings]

    @property
    def missing_terms(self) -> int:
        return sum(1 for s in self.segments for t in s.terms
                   if getattr(t, "status", None) == "missing")

    def report(self) -> dict:
        return {"format": self.fmt, "src": self.src, "tgt": self.tgt,
                "notes": list(self.notes),
                "segments": [s.as_dict() for s in self.segments]}


# ----------------------------------------------------------------------------- entities

_CHARREF = re.compile(r"&(?:#[0-9]{1,8};?|#[xX][0-9a-fA-F]{1,8};?|[A-Za-z][A-Za-z0-9]{1,31};)")


def decode_entities(raw: str) -> tuple[str, list[str]]:
    """Character references decoded; for each character of the result, its source text."""
    chars: list[str] = []
    origin: list[str] = []
    pos = 0
    for m in _CHARREF.finditer(raw):
        for ch in raw[pos:m.start()]:
            chars.append(ch)
            origin.append(ch)
        ref = m.group(0)
        dec = html.unescape(ref)
        if dec == ref:
            chars.extend(ref)
            origin.extend(ref)
        else:
            chars.extend(dec)
            origin.extend([ref] + [""] * (len(dec) - 1))
        pos = m.end()
    for ch in raw[pos:]:
        chars.append(ch)
        origin.append(ch)
    return "".join(chars), origin


# ----------------------------------------------------------------------------- translate

def _supports_align(translator) -> bool:
    try:
        params = inspect.signature(translator.translate_batch).parameters
    except (TypeError, ValueError):
        return False
    return "align" in params or any(p.kind is p.VAR_KEYWORD for p in params.values())


@dataclass(slots=True)
class _Work:
    block: int
    start: int
    end: int
    text: str
    lang: str
    result: object = None


#: an XLIFF round trip in progress (:mod:`.xliff_export`): it sees every block this
#: context translates (export), or gives every segment's target and every inline's place
#: from the XLIFF instead of a model and the alignment (import)
ROUND_TRIP: ContextVar = ContextVar("ROUND_TRIP", default=None)


@dataclass(frozen=True, slots=True)
class Placed:
    """A translated block before it is written: its target text and its inline elements
    placed on it (for formats that rebuild structure instead of writing text: DOCX, ODT)."""

    text: str
    inlines: tuple[Inline, ...]
    origin: tuple[int, ...] = ()  # per character: its source index, ``-1``: translated

    def written(self, b: Block, inlines: Sequence[Inline] | None = None) -> str:
        """The text written in ``b``'s format with ``inlines`` (by default its own):
        characters copied from the source as they were written there, translated ones
        escaped."""
        target, origin = self.text, self.origin

        def write(i: int, j: int) -> str:
            return "".join(b.raw[origin[k]] if origin[k] >= 0 else b.escape(target[k])
                           for k in range(i, j))

        return render(target, self.inlines if inlines is None else inlines, write)


def translate_blocks(blocks: Sequence[Block], src: str, tgt: str,
                     translator: Translates, *,
                     placed: bool = False
                     ) -> tuple[list, list[DocumentSegment], list[str]]:
    """Translate ``blocks``: for each, its written output (``None``: keep the source as it
    is), the segment records, and notes about the whole run. With ``placed`` each output
    is a :class:`Placed` (text and projected inlines) instead of written text."""
    notes: list[str] = []
    src = detect.source_language(src, lambda: " ".join(b.text for b in blocks
                                                       if b.translatable))
    work: list[_Work] = []
    per_block: list[list[_Work]] = []
    for i, b in enumerate(blocks):
        items: list[_Work] = []
        if b.translatable:
            segs = [s for s in segment(b.text, src) if any(c.isalpha() for c in s.text)]
            for s, lang in zip(segs, detect.segment_languages(segs, src, tgt), strict=True):
                items.append(_Work(i, s.start, s.end, s.text, lang))
        per_block.append(items)
        work.extend(items)
    trip = ROUND_TRIP.get()
    call = trip.begin(src, tgt) if trip is not None else 0
    aligned = _supports_align(translator)
    replaying = trip is not None and trip.replaying
    if replaying:  # the XLIFF's targets, no model
        trip.fill(call, per_block)
    else:
        if not aligned and any(b.inlines for b in blocks):
            notes.append("word alignment is not available from this translator: inline "
                         "markup was placed by relative position")
        for lang, idx in detect.by_language([w.lang for w in work], skip=tgt).items():
            _translate_group([work[k] for k in idx], blocks, lang, tgt, translator, aligned)
        if trip is not None:
            trip.end_translation()
    outputs: list[str | None] = []
    records: list[DocumentSegment] = []
    for i, (b, items) in enumerate(zip(blocks, per_block, strict=True)):
        for w in items:
            r = w.result
            if r is None:
                records.append(SegmentRecord(w.start, w.end, w.text, w.lang, "kept", w.text,
                                             block=i, where=b.where))
            else:
                records.append(SegmentRecord(
                    w.start, w.end, w.text, w.lang, "translated", r.text, tuple(r.models),
                    tuple(r.warnings), tuple(r.terms), getattr(r, "from_memory", False),
                    block=i, where=b.where, alignment=tuple(getattr(r, "alignment", ()) or ()),
                    confidence=getattr(r, "confidence", None),
                    review=tuple(getattr(r, "review", ())), human=getattr(r, "human", False)))
        if not any(w.result is not None for w in items):
            outputs.append(None)
            continue
        guessed: list[str] = []
        target, inlines, origin = _place_block(b, items, tgt, guessed)
        notes.extend(f"{b.where or f'block {i + 1}'}: {what} placed by relative position "
                     "(the word alignment placed none of its words)"
                     for what in dict.fromkeys(guessed) if aligned and not replaying)
        if trip is not None:  # export: recorded; import: placed from the XLIFF's codes
            inlines = trip.block(call, i, b, items, target, inlines,
                                 records[len(records) - len(items):])
        done = Placed(target, inlines, tuple(origin))
        outputs.append(done if placed else done.written(b))
    return outputs, records, notes


def _translate_group(todo: list[_Work], blocks: Sequence[Block], lang: str, tgt: str,
                     translator: Translates, aligned: bool) -> None:
    """Translate the segments of one language (results into each ``_Work``); on a pivot
    route, segments with inline markup go step by step, so their markup follows the
    pivot's text (see :func:`_refine_pivot`)."""
    pivot = _pivot(translator, lang, tgt) if aligned else None
    chain = [w for w in todo if blocks[w.block].inlines] if pivot else []
    if chain:  # markup goes through the pivot's text (see _refine_pivot)
        first = translator.translate_batch([w.text for w in chain], lang, pivot, align=True)
        second = translator.translate_batch([r.text for r in first], pivot, tgt, align=True)
        for w, a, b in zip(chain, first, second, strict=True):
            w.result = _Chained.of(a, b)
        todo = [w for w in todo if w.result is None]
        if not todo:
            return
    masks = [_cut_verbatim(blocks[w.block], w) if aligned else None for w in todo]
    texts = [m.text if m else w.text for w, m in zip(todo, masks, strict=True)]
    if aligned:
        results = translator.translate_batch(texts, lang, tgt, align=True)
    else:
        results = translator.translate_batch(texts, lang, tgt)
    for w, r, m in zip(todo, results, masks, strict=True):
        if m is not None and is_dataclass(r):
            text, links, notes = restore_verbatim(r.text, m, r.alignment, lang)
            r = replace(r, source=w.text, text=text, alignment=links,
                        warnings=(*r.warnings, *notes))
        w.result = r


def _cut_verbatim(b: Block, w: _Work):
    """A handle or URL of the segment that a link's end cuts (``<a>@bob</a>today``)
    masked here up to that end (:func:`~translate.pipeline.protect_verbatim`), so the
    text glued to it is translated; ``None`` where none is cut (the pipeline masks).
    Only a link ends one: formatting or a span may split a URL anywhere (Word's runs,
    Mastodon's ``<span class="invisible">https://</span>``)."""
    cuts = {el.end - w.start for el in b.inlines
            if el.tag == "a" and w.start < el.end < w.end}
    if not cuts or verbatim_spans(w.text, sorted(cuts)) == verbatim_spans(w.text):
        return None
    try:
        return protect_verbatim(w.text, sorted(cuts))
    except ValueError:  # the pipeline tries again, and says so
        return None


def _absorbed(langs, tgt: str) -> frozenset[str]:
    """Source function words that ``tgt`` writes as suffixes (see ``data/suffixes.json``)."""
    words = _pivot_words()
    if tgt not in words["suffixing"]:
        return frozenset()
    return frozenset(w.lower() for lang in langs for w in words["function_words"].get(lang, ()))


def _place_block(b: Block, items: Sequence[_Work], tgt: str, guessed: list[str]
                 ) -> tuple[str, tuple[Inline, ...], list[int]]:
    """The block's target text, its inlines placed on it, and for each target character
    the source index it was copied from (``-1``: translated); the text of each element
    no link placed (put by relative position) goes into ``guessed``."""
    chained = any(isinstance(w.result, _Chained) for w in items)
    # stage 1: source -> mid (the pivot's text where a segment went through one, else the
    # output); stage 2: mid -> target (identity where there is no second step)
    mid_parts: list[str] = []
    tgt_parts: list[str] = []
    origin: list[int] = []  # per target character: its source index, or -1 (translated)
    links1: list[_Pair] = []
    links2: list[_Pair] = []
    segs1: list[tuple[tuple[int, int], tuple[int, int]]] = []
    segs2: list[tuple[tuple[int, int], tuple[int, int]]] = []
    pivot_spans: list[tuple[int, int]] = []
    pos = mpos = tpos = 0
    for w in items:
        gap = b.text[pos:w.start]
        mid_parts.append(gap)
        tgt_parts.append(gap)
        origin.extend(range(pos, w.start))
        mpos += len(gap)
        tpos += len(gap)
        r = w.result
        if r is None:
            mid = out = w.text
            origin.extend(range(w.start, w.end))
            l1 = [_Pair(s, t) for s, t in word_links(b.text, w.start, w.end, mpos)]
            l2 = _identity(mid, mpos, tpos) if chained else []
        elif isinstance(r, _Chained):
            mid, out = r.first.text, r.text
            origin.extend(_translated_origin(b, w, out))
            l1 = _shift(r.first.alignment, w.start, mpos)
            l2 = _shift(r.second.alignment, mpos, tpos)
            pivot_spans.append((mpos, mpos + len(mid)))
        else:
            mid = out = r.text
            origin.extend(_translated_origin(b, w, out))
            l1 = _shift(getattr(r, "alignment", ()) or (), w.start, mpos)
            l2 = _identity(mid, mpos, tpos) if chained else []
        links1.extend(l1)
        links2.extend(l2)
        segs1.append(((w.start, w.end), (mpos, mpos + len(mid))))
        segs2.append(((mpos, mpos + len(mid)), (tpos, tpos + len(out))))
        mid_parts.append(mid)
        tgt_parts.append(out)
        mpos += len(mid)
        tpos += len(out)
        pos = w.end
    tail = b.text[pos:]
    mid_parts.append(tail)
    tgt_parts.append(tail)
    origin.extend(range(pos, len(b.text)))
    target = "".join(tgt_parts)
    if chained:
        middle = "".join(mid_parts)
        found: list[int] = []
        placed = project(b.inlines, b.text, middle, links1, segments=segs1, guessed=found)
        guessed.extend(_element(b, k) for k in found)
        src_lang = next(w.lang for w in items if isinstance(w.result, _Chained))
        placed = _refine_pivot(placed, middle, links1, pivot_spans, src_lang)
        articles = frozenset(_pivot_words()["articles"]["en"]) \
            if src_lang in _pivot_words()["no_articles"] else frozenset()
        placed = project(placed, middle, target, links2, segments=segs2,
                         absorb=_absorbed(["en"], tgt), articles=articles)
    else:
        langs = {w.lang for w in items if w.result is not None}
        found = []
        placed = project(b.inlines, b.text, target, links1, segments=segs1,
                         absorb=_absorbed(langs, tgt), guessed=found)
        guessed.extend(_element(b, k) for k in found)
    return target, placed, origin


def _element(b: Block, k: int) -> str:
    """Inline ``k`` of ``b`` for a note: its tag and the words it holds."""
    el = b.inlines[k]
    words = b.text[el.start:el.end].strip()
    return f"<{el.tag}> around {words!r}" if words else f"<{el.tag}>"


def _identity(mid: str, mpos: int, tpos: int) -> list[_Pair]:
    """The second step's links of a segment with none (its text kept as it is), for the
    second projection of a block that went through a pivot (only such blocks need it)."""
    return [_Pair((s[0] + mpos, s[1] + mpos), t)
            for s, t in word_links(mid, 0, len(mid), tpos)]


def _translated_origin(b: Block, w: _Work, out: str) -> list[int]:
    """Origins of a translated segment's characters: ``-1`` (written escaped), except
    that the k-th line break of the output is written as the k-th line break of the
    source segment was (Markdown: ``"\n> "`` continuing a block quote), so a translation
    that keeps a line break keeps the container around it."""
    breaks = [k for k in range(w.start, w.end) if b.text[k] == "\n"]
    origin, n = [], 0
    for ch in out:
        if ch == "\n" and breaks:
            origin.append(breaks[min(n, len(breaks) - 1)])
            n += 1
        else:
            origin.append(-1)
    return origin


def _shift(links, src_off: int, tgt_off: int) -> list[_Pair]:
    return [_Pair((src_off + lk.src[0], src_off + lk.src[1]),
                  (tgt_off + lk.tgt[0], tgt_off + lk.tgt[1])) for lk in links]


def _pivot(translator, src: str, tgt: str) -> str | None:
    """The pivot language of ``src -> tgt`` (``None`` for a direct model)."""
    route = getattr(translator, "route", None)
    if route is None:
        return None
    try:
        steps = route(src, tgt)
    except Exception:  # noqa: BLE001 - an unroutable pair fails in translate_batch itself
        return None
    if len(steps) != 2:
        return None
    return steps[0].tgt


@cache
def _pivot_words() -> dict:
    data = resources.files(__package__).joinpath("data", "suffixes.json").read_text("utf-8")
    return json.loads(data)


_WORD = re.compile(r"\S+")


def _refine_pivot(inlines, mid: str, links, spans, src_lang: str):
    """Elements on the pivot (English) text, made to wrap what an English editor would
    have tagged: an edge function word linked to a word inside the element goes out when
    the element keeps other linked words (Azerbaijani ``qətlə yetirilib``: *were* ...
    *killed*, whether the model links *were* to ``yetirilib`` alone or to the word that
    also gives *killed*; ``dəstəyinin``: *of* ... *support*), as it would for an English
    source; from
    a language without articles, an unlinked article right before the element comes in
    (*the* most heinous crime)."""
    words = _pivot_words()
    fn = {w.lower() for w in words["function_words"].get("en", ())}
    articles = {w.lower() for w in words["articles"].get("en", ())}
    no_articles = src_lang in words["no_articles"]
    out = []
    for el in inlines:
        if el.void or el.start >= el.end or el.frozen or not any(
                a <= el.start and el.end <= b for a, b in spans):
            out.append(el)
            continue
        s, e = el.start, el.end
        changed = True
        while changed:
            changed = False
            inside = [lk for lk in links if lk.tgt[0] >= s and lk.tgt[1] <= e]
            for edge in (min(inside, key=lambda lk: lk.tgt[0], default=None),
                         max(inside, key=lambda lk: lk.tgt[1], default=None)):
                if edge is None or mid[edge.tgt[0]:edge.tgt[1]].lower() not in fn:
                    continue
                word = edge.tgt
                others = [lk for lk in inside if lk.tgt != word]
                if others:
                    if word[0] == s:
                        s = _skip_space(mid, word[1], e)
                    elif word[1] == e:
                        e = _back_space(mid, word[0], s)
                    else:
                        continue
                    changed = True
                    break
        if no_articles:
            before = [m for m in _WORD.finditer(mid, 0, s) if m.end() <= s]
            if before:
                m = before[-1]
                linked = any(lk.tgt[0] < m.end() and lk.tgt[1] > m.start() for lk in links)
                if (m.group(0).lower() in articles and not linked
                        and not mid[m.end():s].strip()):
                    s = m.start()
        out.append(replace(el, start=s, end=max(s, e)))
    return _repair(out)


def _skip_space(text: str, i: int, limit: int) -> int:
    while i < limit and text[i].isspace():
        i += 1
    return i


def _back_space(text: str, i: int, limit: int) -> int:
    while i > limit and text[i - 1].isspace():
        i -= 1
    return i


def _repair(inlines):
    """Clip children into parents and siblings apart (pre-order with depths kept)."""
    out: list[Inline] = []
    stack: list[Inline] = []
    last_end: dict[int, int] = {}
    for el in inlines:
        del stack[el.depth:]
        lo, hi = (stack[-1].start, stack[-1].end) if stack else (0, 10**12)
        lo = max(lo, last_end.get(len(stack), lo))
        s = min(max(el.start, lo), hi)
        e = min(max(el.end, s), hi)
        if el.void:
            e = s
        new = replace(el, start=s, end=e)
        out.append(new)
        last_end[len(stack)] = e
        for d in list(last_end):
            if d > len(stack):
                del last_end[d]
        stack.append(new)
    return tuple(out)


@dataclass(frozen=True, slots=True)
class _Chained:
    """A segment translated in two steps, through a pivot language."""

    first: object
    second: object
    source: str
    text: str
    models: tuple[str, ...]
    warnings: tuple[str, ...]
    terms: tuple[object, ...]
    alignment: tuple[object, ...]
    from_memory: bool = False  # both steps reused from the translation memory
    confidence: float | None = None  # both steps' multiplied
    review: tuple[str, ...] = ()
    human: bool = False

    @classmethod
    def of(cls, first, second) -> _Chained:
        a1 = getattr(first, "alignment", ()) or ()
        a2 = getattr(second, "alignment", ()) or ()
        composed = tuple(dict.fromkeys(
            _Pair(x.src, y.tgt) for x in a1 for y in a2
            if x.tgt[0] < y.src[1] and y.src[0] < x.tgt[1]))
        return cls(first, second, first.source, second.text,
                   tuple(first.models) + tuple(second.models),
                   tuple(first.warnings) + tuple(second.warnings),
                   tuple(second.terms), composed,
                   getattr(first, "from_memory", False) and getattr(second, "from_memory", False),
                   _product(getattr(first, "confidence", None),
                            getattr(second, "confidence", None)),
                   tuple(dict.fromkeys((*getattr(first, "review", ()),
                                        *getattr(second, "review", ())))),
                   getattr(second, "human", False))


def _product(a: float | None, b: float | None) -> float | None:
    return None if a is None or b is None else round(a * b, 4)


@dataclass(frozen=True, slots=True)
class _Pair:
    src: tuple[int, int]
    tgt: tuple[int, int]
