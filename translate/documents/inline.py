"""Inline markup as spans over a block's plain text, and its projection onto a translation.

A block (an HTML paragraph, a Markdown heading) is translated as plain text; its inline
elements (links, bold, a line break) are taken out first as :class:`Inline` spans and put
back afterwards by :func:`project`, the Bergamot / OPUS-CAT method: each element wraps the
minimal contiguous target span covering the target words that the word alignment links to
the source words it wrapped.

Inlines are given, and returned, in document order (pre-order) with their nesting
``depth``: that tuple alone describes the element tree. :func:`render` writes a text with its
inlines back in the format's own syntax (each element's :class:`Markup` payload).

Rules of :func:`project`, in order:

1. A segment the element covers entirely (a whole linked sentence) maps to the whole
   target segment; white space between segments is copied unchanged, so element edges in
   it keep their place.
2. Otherwise the element maps to the hull of the target words aligned to the source words
   it overlaps. Where the element cut a source word at punctuation (``"<b>Name</b>"`` with
   a whitespace word ``"Name"``), the same punctuation is cut off the target word; where
   it cut words that the model copied unchanged (or with only their letters accented, as
   the pseudo-locale ``en-XA`` does), it cuts the copy at the same place. In a
   language that writes function words as suffixes (``absorb``), the target word right
   after the span joins it when it renders only function words right before the element
   (Azerbaijani ``qətlə yetirilib`` for *were* ... *killed*).
3. An element with no aligned word keeps its relative position in the segment, snapped to
   whole words. A never-translated element whose words the model copied elsewhere in the
   block (exactly once) goes on that copy, so no translated word is overwritten.
   A void element in the white space between two words keeps its place in it when the
   target has the same white space between their translations; one at the start of a word
   goes before that word's translation. Other void and empty elements go after the target
   word aligned to the nearest aligned source word before them (before the nearest one
   after them, at a segment start).
4. Nesting stays valid: a child is clipped to its parent; a sibling that lands inside
   another is nested in it (unless that is not allowed: a link in a link, anything in a
   frozen element), one that crosses another is cut at the other's edge. Nothing is lost:
   an element that wrapped words and was cut to nothing (or to white space) takes the last
   word of the sibling it touches before it (or the first of the one after it) where that
   sibling keeps one; else it is written empty.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace

__all__ = ["Inline", "Markup", "check_nesting", "project", "render", "word_links"]


@dataclass(frozen=True, slots=True)
class Markup:
    """How one element is written: its opening and closing markup, byte for byte.

    ``frozen`` is the element's original inside (never translated: ``<code>``,
    ``translate="no"``), written instead of the translated text under it.
    """

    open: str
    close: str = ""
    frozen: str | None = None
    key: int = 0  # position of the element in its source (keeps equal payloads distinct)


@dataclass(frozen=True, slots=True)
class Inline:
    """An inline element over ``text[start:end]`` of a block's plain text."""

    start: int
    end: int
    tag: str
    payload: Markup = field(default_factory=lambda: Markup(""))
    void: bool = False
    depth: int = 0

    @property
    def frozen(self) -> bool:
        return self.payload.frozen is not None


# ----------------------------------------------------------------------------- helpers

def _is_punct(ch: str) -> bool:
    return unicodedata.category(ch)[0] in "PS"


def _same_word(a: str, b: str) -> bool:
    """Whether ``b`` is ``a`` copied, its letters perhaps accented (the pseudo-locale's
    ``async/await`` -> ``åšýñç/åŵåîţ``): same length, same base character at each place."""
    return a == b or (len(a) == len(b) and all(
        x == y or unicodedata.normalize("NFD", y)[0] == x for x, y in zip(a, b, strict=True)))


def _parents(inlines: Sequence[Inline]) -> list[int]:
    """Parent index of each inline (-1 for a top-level one), from pre-order and depth."""
    parents: list[int] = []
    stack: list[int] = []
    for i, el in enumerate(inlines):
        depth = max(0, min(el.depth, len(stack)))
        del stack[depth:]
        parents.append(stack[-1] if stack else -1)
        stack.append(i)
    return parents


def word_links(text: str, start: int, end: int, offset: int) -> list[tuple]:
    """Identity links for the words of ``text[start:end]`` copied at ``offset`` in the
    target (a segment kept unchanged)."""
    out = []
    pos = start
    for word in text[start:end].split():
        i = text.index(word, pos)
        out.append(((i, i + len(word)), (i - start + offset, i - start + offset + len(word))))
        pos = i + len(word)
    return out


@dataclass(frozen=True, slots=True)
class _Seg:
    src: tuple[int, int]
    tgt: tuple[int, int]
    links: tuple[tuple[tuple[int, int], tuple[int, int]], ...]


class _Mapper:
    """Source positions and spans to target ones, segment by segment."""

    def __init__(self, source: str, target: str, links, segments,
                 absorb: frozenset[str] = frozenset(),
                 articles: frozenset[str] = frozenset()) -> None:
        self.source, self.target = source, target
        self.absorb = absorb
        self.articles = articles
        pairs = [((int(lk.src[0]), int(lk.src[1])), (int(lk.tgt[0]), int(lk.tgt[1])))
                 for lk in links]
        if segments is None:
            segments = []
            s0, s1 = _strip_span(source, 0, len(source))
            t0, t1 = _strip_span(target, 0, len(target))
            if s1 > s0:
                segments.append(((s0, s1), (t0, max(t0, t1))))
        segs = []
        for (ss, se), (ts, te) in sorted(segments):
            own = tuple(p for p in pairs if ss <= p[0][0] < se or (p[0][0] == se == ss))
            segs.append(_Seg((ss, se), (ts, te), own))
        self.segs = segs
        # target starts (ends) of the words linked to a source word starting (ending) at
        # an offset: for a void in white space, without a scan of the links per void
        self.by_start: dict[int, list[int]] = {}
        self.by_end: dict[int, list[int]] = {}
        for seg in segs:
            for (a, b), (c, d) in seg.links:
                self.by_start.setdefault(a, []).append(c)
                self.by_end.setdefault(b, []).append(d)
        # the white space around and between segments: (source span, target span)
        gaps = []
        ps, pt = 0, 0
        for seg in segs:
            gaps.append(((ps, seg.src[0]), (pt, seg.tgt[0])))
            ps, pt = seg.src[1], seg.tgt[1]
        gaps.append(((ps, len(source)), (pt, len(target))))
        self.gaps = gaps

    def gap_point(self, p: int) -> int | None:
        for (g0, g1), (t0, t1) in self.gaps:
            if g0 <= p <= g1:
                if p == g1:
                    return t1
                return min(t0 + (p - g0), t1)
        return None

    def _in_space(self, seg: _Seg, p: int) -> int | None:
        """A void in the white space between two words, or at the start of a word: the
        same place between their translations when the target has the same white space
        there; else before the translation of the word after it, if it starts one."""
        src = self.source
        a = p
        while a > seg.src[0] and src[a - 1].isspace():
            a -= 1
        b = p
        while b < seg.src[1] and src[b].isspace():
            b += 1
        ends = self.by_end.get(a, ())
        starts = self.by_start.get(b, ())
        if ends and starts and self.target[max(ends):min(starts)] == src[a:b]:
            return max(ends) + (p - a)
        if p == b and starts:
            return min(starts)
        return None

    def _proportional(self, seg: _Seg, x: int) -> int:
        (ss, se), (ts, te) = seg.src, seg.tgt
        if se <= ss:
            return ts
        return ts + round((x - ss) * (te - ts) / (se - ss))

    def point(self, p: int) -> int:
        """Where a void (or empty) element at source position ``p`` goes."""
        g = self.gap_point(p)
        if g is not None:
            return g
        for seg in self.segs:
            if seg.src[0] < p < seg.src[1]:
                break
        else:  # pragma: no cover - every position is in a gap or a segment
            return len(self.target)
        for (a, b), (c, d) in seg.links:  # inside a word the model copied: same place
            if a < p < b and _same_word(self.source[a:b], self.target[c:d]):
                return c + (p - a)
        if self.source[p - 1].isspace():  # in white space, or at a word's start
            at = self._in_space(seg, p)
            if at is not None:
                return at
        before = [lk for lk in seg.links if lk[0][0] < p]
        if before:
            nearest = max(lk[0][0] for lk in before)
            return max(lk[1][1] for lk in before if lk[0][0] == nearest)
        after = [lk for lk in seg.links if lk[0][0] >= p]
        if after:
            nearest = min(lk[0][0] for lk in after)
            return min(lk[1][0] for lk in after if lk[0][0] == nearest)
        return self._snap_end(self._proportional(seg, p), seg)

    def _snap_start(self, x: int, seg: _Seg) -> int:
        t = self.target
        while x > seg.tgt[0] and not t[x - 1].isspace():
            x -= 1
        while x < seg.tgt[1] and t[x].isspace():
            x += 1
        return x

    def _nearest(self, x: int, seg: _Seg, *, start: bool) -> int:
        """The word boundary nearest ``x`` (a word start, or a word end)."""
        a, b = self._snap_start(x, seg), self._snap_end(x, seg)
        if start:
            nxt = b
            while nxt < seg.tgt[1] and self.target[nxt].isspace():
                nxt += 1
            return a if x - a <= nxt - x or nxt >= seg.tgt[1] else nxt
        prev = a
        while prev > seg.tgt[0] and self.target[prev - 1].isspace():
            prev -= 1
        return b if b - x <= x - prev or prev <= seg.tgt[0] else prev

    def _snap_end(self, x: int, seg: _Seg) -> int:
        t = self.target
        while x < seg.tgt[1] and not t[x].isspace():
            x += 1
        while x > seg.tgt[0] and t[x - 1].isspace():
            x -= 1
        return x

    def span(self, s: int, e: int) -> tuple[int, int]:
        """Where an element wrapping ``source[s:e]`` goes."""
        lo: int | None = None
        hi: int | None = None
        first_full = last_full = None
        first_seen = last_seen = None
        for seg in self.segs:
            ss, se = seg.src
            if e <= ss or s >= se:
                continue
            if first_seen is None:
                first_seen = seg
            last_seen = seg
            if s <= ss and e >= se:
                a, b = seg.tgt
                if first_full is None:
                    first_full = seg
                last_full = seg
            else:
                a, b = self._partial(seg, s, e)
            lo = a if lo is None else min(lo, a)
            hi = b if hi is None else max(hi, b)
        if lo is None or hi is None:  # only white space between segments
            a = self.gap_point(s)
            b = self.gap_point(e)
            a = self.point(s) if a is None else a
            b = a if b is None else max(a, b)
            return a, b
        # edges in the white space before/after whole segments keep their place there
        if first_full is not None and first_full is first_seen and s < first_full.src[0]:
            g = self.gap_point(s)
            if g is not None:
                lo = min(lo, g)
        if last_full is not None and last_full is last_seen and e > last_full.src[1]:
            g = self.gap_point(e)
            if g is not None:
                hi = max(hi, g)
        return lo, hi

    def copied(self, s: int, e: int, a: int, b: int) -> tuple[int, int]:
        """A never-translated element's span: where it was projected when the model copied
        its text there; else its one verbatim copy in the target, if there is exactly one
        (the model copied it elsewhere); else where it was projected (and its original
        text replaces the target's there)."""
        want = self.source[s:e]
        core = want.strip()
        if self.target[a:b] == want or not core:
            return a, b
        i = self.target.find(core)
        if i >= 0 and self.target.find(core, i + 1) < 0:
            j = i + len(core)
            lead = want[:len(want) - len(want.lstrip())]
            trail = want[len(want.rstrip()):]
            if lead and self.target[i - len(lead):i] == lead:
                i -= len(lead)
            if trail and self.target[j:j + len(trail)] == trail:
                j += len(trail)
            return i, j
        return a, b

    def _partial(self, seg: _Seg, s: int, e: int) -> tuple[int, int]:
        covered = [lk for lk in seg.links if lk[0][0] < e and lk[0][1] > s]
        if not covered:
            a = self._nearest(self._proportional(seg, max(s, seg.src[0])), seg, start=True)
            b = self._nearest(self._proportional(seg, min(e, seg.src[1])), seg, start=False)
            if b <= a:  # at least the word there
                b = self._snap_end(min(a + 1, seg.tgt[1]), seg)
                a = self._snap_start(min(a, b), seg)
            return a, max(a, b)
        lo = min(lk[1][0] for lk in covered)
        hi = max(lk[1][1] for lk in covered)
        src, tgt = self.source, self.target
        hs = min(lk[0][0] for lk in covered)
        he = max(lk[0][1] for lk in covered)
        if (hs < s or he > e) and _same_word(src[hs:he], tgt[lo:hi]):
            # words the model copied as they were: the element cuts them at the same place
            return lo + max(0, s - hs), hi - max(0, he - e)
        # a source word cut at punctuation: cut the target word at the same punctuation
        first = min(covered, key=lambda lk: (lk[0][0], lk[1][0]))
        if first[0][0] < s:
            prefix = src[first[0][0]:s]
            words = [lk for lk in covered if lk[1][0] == lo]
            word_end = max(lk[1][1] for lk in words)
            if prefix and all(_is_punct(c) for c in prefix):
                i = tgt.find(prefix, lo, word_end)
                if i >= 0 and i + len(prefix) < hi:
                    lo = i + len(prefix)
        last = max(covered, key=lambda lk: (lk[0][1], lk[1][1]))
        if last[0][1] > e:
            suffix = src[e:last[0][1]]
            words = [lk for lk in covered if lk[1][1] == hi]
            word_start = min(lk[1][0] for lk in words)
            if suffix and all(_is_punct(c) for c in suffix):
                i = tgt.rfind(suffix, word_start, hi)
                if i > lo:
                    hi = i
        while lo < hi and tgt[lo].isspace():
            lo += 1
        while hi > lo and tgt[hi - 1].isspace():
            hi -= 1
        if self.absorb:
            lo, hi = self._absorb(seg, s, e, lo, hi)
        if self.articles:
            lo = self._shared_article(seg, s, e, lo, hi)
        return lo, hi

    def _shared_article(self, seg: _Seg, s: int, e: int, lo: int, hi: int) -> int:
        """Leave out the first target word when it renders only the element's leading
        article together with a word before the element (Italian ``della`` for *about
        the*): the element starts after it, as it would without the article."""
        src, tgt = self.source, self.target
        first = [lk for lk in seg.links if lk[1][0] == lo]
        if not first:
            return lo
        word_end = max(lk[1][1] for lk in first)
        inside = [lk for lk in first if lk[0][0] < e and lk[0][1] > s]
        outside = [lk for lk in first if lk[0][1] <= s]
        if (outside and inside and word_end < hi
                and all(src[a:b].lower() in self.articles for (a, b), _ in inside)
                and len(inside) + len(outside) == len(first)):
            lo = word_end
            while lo < hi and tgt[lo].isspace():
                lo += 1
        return lo

    def _absorb(self, seg: _Seg, s: int, e: int, lo: int, hi: int) -> tuple[int, int]:
        """Take in the target word right after the span when it only renders function words
        right before the element in the source: the suffix of a head-final phrase
        (``were ruthlessly killed`` -> ``amansızcasına qətlə yetirilib``, ``of public
        support`` -> ``ictimaiyyətin dəstəyinin``)."""
        src, tgt = self.source, self.target
        words = sorted({lk[1] for lk in seg.links})
        after = [w for w in words if w[0] >= hi and not tgt[hi:w[0]].strip()]
        if not after:
            return lo, hi
        own = [lk for lk in seg.links if lk[1] == after[0]]
        for (a, b), _ in own:
            if b > s or src[a:b].lower() not in self.absorb:
                return lo, hi
            between = src[b:s]
            if between.strip() and not all(
                    w.lower() in self.absorb for w in between.split()):
                return lo, hi
        return lo, after[0][1]


def _strip_span(text: str, a: int, b: int) -> tuple[int, int]:
    while a < b and text[a].isspace():
        a += 1
    while b > a and text[b - 1].isspace():
        b -= 1
    return a, b


# ----------------------------------------------------------------------------- project

@dataclass(slots=True)
class _Node:
    index: int
    el: Inline
    ts: int
    te: int
    children: list[_Node] = field(default_factory=list)
    words: bool = False  # it wrapped words in the source (not only white space)

    @property
    def zero(self) -> bool:
        return self.el.void or self.ts == self.te

    def may_hold(self, other: _Node) -> bool:
        if self.el.void or self.el.frozen:
            return False
        return not (self.el.tag == "a" and other.el.tag == "a")


#: the deepest nesting of inline elements a reader gives :func:`project` (its placement
#: recurses once per level): deeper markup is the reader's one-line error for its file
MAX_INLINE_DEPTH = 100


def _place(children: list[_Node], lo: int, hi: int, text: str) -> list[_Node]:
    """Clip ``children`` to ``[lo, hi]`` and make them valid siblings (see module rules)."""
    for c in children:
        c.ts = min(max(c.ts, lo), hi)
        c.te = min(max(c.te, c.ts), hi)
    order = sorted(children, key=lambda c: (c.ts, -(c.te - c.ts), c.index))
    accepted: list[_Node] = []
    for c in order:
        while True:
            host = next((a for a in accepted if a.ts < a.te and (
                a.ts < c.ts < a.te or (a.ts == c.ts and (not c.zero or c.index > a.index)))),
                None)
            if host is None:
                break
            if c.te <= host.te and host.may_hold(c):
                host.children.append(c)
                c = None  # type: ignore[assignment]
                break
            if c.te <= host.te:  # inside an element that cannot hold it: after it
                c.ts = c.te = host.te
                continue
            c.ts = host.te  # crossing: cut at the host's end (and the space after it)
            while c.ts < c.te and text[c.ts].isspace():
                c.ts += 1
        if c is None:
            continue
        nxt = [a.ts for a in accepted if a.ts >= c.ts and a.ts < a.te and a is not c]
        if nxt and not c.zero:
            c.te = max(c.ts, min(c.te, min(nxt)))
        accepted.append(c)
    accepted.sort(key=lambda c: (c.ts, c.index))
    _share_words(accepted, text)
    for a in accepted:
        a.children = _place(a.children, a.ts, a.te, text)
    return accepted


def _share_words(siblings: list[_Node], text: str) -> None:
    """An element that wrapped words but was squeezed to nothing or to white space (its
    words went to a sibling it touches: two links on one translated phrase) takes the
    sibling's last word (or its first, for a sibling after it) where the sibling keeps at
    least one."""
    for i, c in enumerate(siblings):
        if c.el.void or c.el.frozen or not c.words or text[c.ts:c.te].strip():
            continue
        before = siblings[i - 1] if i and siblings[i - 1].te == c.ts else None
        nxt = siblings[i + 1] if i + 1 < len(siblings) else None
        after = nxt if nxt is not None and nxt.ts == c.te < nxt.te else None
        if before is not None and not (before.el.void or before.el.frozen):
            cut = text.rfind(" ", before.ts, before.te)
            if cut > before.ts and text[before.ts:cut].strip():
                c.ts, c.te = cut + 1, before.te
                before.te = _back(text, cut, before.ts)
                continue
        if after is not None and not (after.el.void or after.el.frozen):
            cut = text.find(" ", after.ts, after.te)
            if cut > after.ts and text[cut:after.te].strip():
                c.ts, c.te = after.ts, cut
                after.ts = _forward(text, cut, after.te)


def _back(text: str, i: int, limit: int) -> int:
    while i > limit and text[i - 1].isspace():
        i -= 1
    return i


def _forward(text: str, i: int, limit: int) -> int:
    while i < limit and text[i].isspace():
        i += 1
    return i


def project(inlines: Sequence[Inline], source: str, target: str, links: Sequence,
            *, segments: Sequence[tuple[tuple[int, int], tuple[int, int]]] | None = None,
            absorb: frozenset[str] = frozenset(),
            articles: frozenset[str] = frozenset()) -> tuple[Inline, ...]:
    """Place ``inlines`` (over ``source``) on ``target``, by the word ``links`` (objects with
    ``src`` and ``tgt`` character spans, e.g. :class:`translate.models.alignment.WordLink`).

    ``segments`` pairs each translated segment's source span with its target span (white
    space between them copied unchanged); by default the whole text is one segment. The
    result, in target document order with depths, has every element exactly once,
    well nested, with the same tags and payloads. ``absorb`` names source function words
    (lower case) that the target language writes as a suffix at the end of a phrase: the
    target word right after an element's span that renders only such words right before
    the element joins the element. ``articles`` (source articles, lower case): a first
    target word rendering only the element's article and a word before the element
    (``about the`` -> ``della``) is left out.
    """
    if not inlines:
        return ()
    mapper = _Mapper(source, target, links, segments, absorb, articles)
    nodes = []
    for i, el in enumerate(inlines):
        if el.void or el.start >= el.end:
            p = mapper.point(el.start)
            nodes.append(_Node(i, el, p, p))
        else:
            a, b = mapper.span(el.start, el.end)
            if el.frozen:
                a, b = mapper.copied(el.start, el.end, a, b)
            nodes.append(_Node(i, el, a, b, words=bool(source[el.start:el.end].strip())))
    roots: list[_Node] = []
    for node, parent in zip(nodes, _parents(inlines), strict=True):
        (roots if parent < 0 else nodes[parent].children).append(node)
    placed = _place(roots, 0, len(target), target)
    out: list[Inline] = []

    def walk(level: list[_Node], depth: int) -> None:
        for n in level:
            out.append(replace(n.el, start=n.ts, end=n.te, depth=depth))
            walk(n.children, depth + 1)

    walk(placed, 0)
    return tuple(out)


def check_nesting(inlines: Sequence[Inline], length: int) -> None:
    """Raise ``ValueError`` unless ``inlines`` (pre-order with depths) are a valid tree over
    a text of ``length`` characters: children inside parents, siblings apart and in order."""
    spans: list[tuple[int, int]] = []
    last_child_end: dict[int, int] = {}
    for i, (el, parent) in enumerate(zip(inlines, _parents(inlines), strict=True)):
        if not 0 <= el.start <= el.end <= length:
            raise ValueError(f"inline {i} ({el.tag}) out of range: {el.start}-{el.end}")
        if el.void and el.end != el.start:
            raise ValueError(f"void inline {i} ({el.tag}) has a width")
        if parent >= 0:
            ps, pe = spans[parent]
            if not ps <= el.start <= el.end <= pe:
                raise ValueError(f"inline {i} ({el.tag}) leaves its parent")
        prev = last_child_end.get(parent, 0 if parent < 0 else spans[parent][0])
        if el.start < prev:
            raise ValueError(f"inline {i} ({el.tag}) overlaps its previous sibling")
        last_child_end[parent] = el.end
        spans.append((el.start, el.end))


# ----------------------------------------------------------------------------- render

def render(text: str, inlines: Sequence[Inline],
           write_text: Callable[[int, int], str] | None = None) -> str:
    """``text`` with ``inlines`` written in by their payloads. ``write_text(i, j)`` writes
    ``text[i:j]`` in the format (escaped); a frozen element writes its original inside."""
    if write_text is None:
        def write_text(i: int, j: int) -> str:
            return text[i:j]
    parts: list[str] = []
    parents = _parents(inlines)
    pos = 0
    stack: list[int] = []

    def close_to(level: int) -> None:
        nonlocal pos
        while len(stack) > level:
            top = inlines[stack.pop()]
            if top.frozen:
                pos = max(pos, top.end)
            elif top.end > pos:
                parts.append(write_text(pos, top.end))
                pos = top.end
            parts.append(top.payload.close)

    for i, el in enumerate(inlines):
        parent = parents[i]
        close_to(0 if parent < 0 else stack.index(parent) + 1)
        if el.start > pos:
            parts.append(write_text(pos, el.start))
            pos = el.start
        parts.append(el.payload.open)
        if el.void:
            continue
        if el.frozen:
            parts.append(el.payload.frozen or "")
        stack.append(i)
    close_to(0)
    if pos < len(text):
        parts.append(write_text(pos, len(text)))
    return "".join(parts)
