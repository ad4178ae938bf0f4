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
   it cut words that the model copied unchanged, it cuts the copy at the same place. In a
   language that writes function words as suffixes (``absorb``), the target word right
   after the span joins it when it renders only function words right before the element
   (Azerbaijani ``qətlə yetirilib`` for *were* ... *killed*).
3. An element with no aligned word keeps its relative position in the segment, snapped to
   whole words. A never-translated element whose words the model copied elsewhere in the
   block (exactly once) goes on that copy, so no translated word is overwritten.
   Void and empty elements go after the target word aligned to the nearest
   aligned source word before them (before the nearest one after them, at a segment start).
4. Nesting stays valid: a child is clipped to its parent; a sibling that lands inside
   another is nested in it (unless that is not allowed: a link in a link, anything in a
   frozen element: then the other keeps the larger side of it, or they share it), one
   that crosses another is cut at the other's edge. Nothing is lost, and an element that
   wrapped words comes back with words: one left on none takes the nearest word of its
   parent that no sibling has, else a share of a sibling's.

Finer rules, so that an exact alignment (the pseudo-locale ``en-XA``) gives back exactly
the source's structure: an element that cuts a word which the model copied (accents
aside: ``_same_shape``) cuts the copy at the same place; white space at an element's
edge stays inside it, and a void element after a space goes after the same space; a
never-translated element never writes its original over target words aligned only to
other text (``_Mapper._own``); an element carried from the previous block
(``from_start``) or on into the next (``to_end``) starts or ends with the target text.
"""

from __future__ import annotations

import unicodedata
from bisect import bisect_left, bisect_right
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
    #: the element began before this block (its start tag is written there): it starts
    #: where the block's text starts, in the target too
    from_start: bool = False
    #: the element goes on after this block (its end tag is written later): it ends
    #: where the block's text ends, in the target too
    to_end: bool = False
    #: where its words go does not matter, only that it holds some (an office paragraph's
    #: base formatting): placed by no link, it takes the free word nearest to where it
    #: was, else a share of a neighbour's (the rule for an element left on none)
    anywhere: bool = False

    @property
    def frozen(self) -> bool:
        return self.payload.frozen is not None


# ----------------------------------------------------------------------------- helpers

def _is_punct(ch: str) -> bool:
    return unicodedata.category(ch)[0] in "PS"


def _base(ch: str) -> str:
    return unicodedata.normalize("NFD", ch)[:1]


def _same_shape(a: str, b: str) -> bool:
    """Whether ``b`` is ``a`` character for character, accents aside: a word the model
    copied (a name, a number), or its pseudo-locale form. An element that cuts such a
    word cuts it at the same place in the target."""
    return len(a) == len(b) and all(x == y or _base(x) == _base(y)
                                    for x, y in zip(a, b, strict=True))


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
    links: tuple[tuple[tuple[int, int], tuple[int, int]], ...]  # sorted by source
    starts: tuple[int, ...] = ()  # source start of each link, for bisection
    widest: int = 0  # the longest source word linked
    first_word: int = 0  # target start of its first linked word (tgt[0]: none)
    last_word: int = 0  # target end of its last linked word (tgt[1]: none)

    def near(self, s: int, e: int) -> Sequence[tuple[tuple[int, int], tuple[int, int]]]:
        """Its links whose source word may overlap ``[s, e)`` (a superset, in order)."""
        return self.links[bisect_left(self.starts, s - self.widest):
                          bisect_left(self.starts, e)]

    def before(self, p: int) -> Sequence[tuple[tuple[int, int], tuple[int, int]]]:
        """Its links whose source word starts at the nearest start before ``p``."""
        k = bisect_left(self.starts, p)
        if not k:
            return ()
        return self.links[bisect_left(self.starts, self.starts[k - 1]):k]

    def starting(self, p: int) -> Sequence[tuple[tuple[int, int], tuple[int, int]]]:
        """Its links whose source word starts at the nearest start at or after ``p``."""
        k = bisect_left(self.starts, p)
        if k == len(self.starts):
            return ()
        return self.links[k:bisect_right(self.starts, self.starts[k])]


class _Mapper:
    """Source positions and spans to target ones, segment by segment."""

    def __init__(self, source: str, target: str, links, segments,
                 absorb: frozenset[str] = frozenset(),
                 articles: frozenset[str] = frozenset()) -> None:
        self.source, self.target = source, target
        self.guessed = False  # a span or point placed by relative position (no link)
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
        pairs.sort()
        starts = [p[0][0] for p in pairs]
        segs = []
        for (ss, se), (ts, te) in sorted(segments):
            own = tuple(pairs[bisect_left(starts, ss):bisect_left(starts, max(se, ss + 1))
                              if se == ss else bisect_left(starts, se)])
            if se == ss:
                own = tuple(p for p in own if p[0][0] == ss)
            segs.append(_Seg((ss, se), (ts, te), own, tuple(p[0][0] for p in own),
                             max((p[0][1] - p[0][0] for p in own), default=0),
                             min((p[1][0] for p in own), default=ts),
                             max((p[1][1] for p in own), default=te)))
        self.segs = segs
        self.seg_starts = [seg.src[0] for seg in segs]
        self.seg_ends = [seg.src[1] for seg in segs]
        self.seg_tgt_ends = [seg.tgt[1] for seg in segs]
        # the white space around and between segments: (source span, target span)
        gaps = []
        ps, pt = 0, 0
        for seg in segs:
            gaps.append(((ps, seg.src[0]), (pt, seg.tgt[0])))
            ps, pt = seg.src[1], seg.tgt[1]
        gaps.append(((ps, len(source)), (pt, len(target))))
        self.gaps = gaps
        self.gap_ends = [g[0][1] for g in gaps]

    def overlapping(self, s: int, e: int) -> list[_Seg]:
        """The segments whose source overlaps ``[s, e)``, in order."""
        return self.segs[bisect_right(self.seg_ends, s):bisect_left(self.seg_starts, e)]

    def gap_point(self, p: int) -> int | None:
        k = bisect_left(self.gap_ends, p)  # the first gap that does not end before p
        if k < len(self.gaps):
            (g0, g1), (t0, t1) = self.gaps[k]
            if g0 <= p <= g1:
                if p == g1:
                    return t1
                return min(t0 + (p - g0), t1)
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
        k = bisect_left(self.seg_starts, p) - 1  # the last segment starting before p
        if k < 0 or not p < self.segs[k].src[1]:  # pragma: no cover - in a gap
            return len(self.target)
        seg = self.segs[k]
        for (a, b), (c, d) in seg.near(p, p + 1):  # inside a word the model copied
            if a < p < b and _same_shape(self.source[a:b], self.target[c:d]):
                return c + (p - a)
        src = self.source
        glued = self._in_copied_word(seg, p)
        if glued is not None:
            return glued
        if src[p - 1].isspace() and not src[p].isspace():
            # right before a word (after a space): before that word's translation
            at = [lk for lk in seg.starting(p) if lk[0][0] == p]
            if at:
                return min(lk[1][0] for lk in at)
        before = seg.before(p)
        if before:
            nearest = max(lk[0][0] for lk in before)
            at = max(lk[1][1] for lk in before if lk[0][0] == nearest)
            # after the white space that follows that word in the source (``word <img>
            # next``), as much of the target's white space there
            word_end = max(lk[0][1] for lk in before if lk[0][0] == nearest)
            space = p - word_end if word_end < p and not src[word_end:p].strip() else 0
            while space and at < seg.tgt[1] and self.target[at].isspace():
                at, space = at + 1, space - 1
            return at
        after = seg.starting(p)
        if after:
            return min(lk[1][0] for lk in after)
        self.guessed = True
        x = self._snap_end(self._proportional(seg, p), seg)
        # one that cut a word before its punctuation (``news[^1].``) goes before the
        # punctuation ending that target word, not after it (``[ñéŵš[^1].]``)
        tail = p
        while tail < seg.src[1] and _is_punct(src[tail]):
            tail += 1
        if p > seg.src[0] and not src[p - 1].isspace() and not _is_punct(src[p - 1]) \
                and tail > p and (tail == seg.src[1] or src[tail].isspace()):
            start = self._snap_start(x, seg)
            while x - 1 > start and _is_punct(self.target[x - 1]):
                x -= 1
        return x

    def _in_copied_word(self, seg: _Seg, p: int) -> int | None:
        """A point inside a source word with its punctuation (``news[^1].``), where a
        target word linked to part of it holds a copy of all of it (accents aside): the
        same place in the copy (``[ñéŵš[^1].]``), not before or after the whole target
        word (which would move it past letters or punctuation of its own word)."""
        src, tgt = self.source, self.target
        if not (seg.src[0] < p < seg.src[1]) or src[p - 1].isspace() or src[p].isspace():
            return None
        a, b = p, p
        while a > seg.src[0] and not src[a - 1].isspace():
            a -= 1
        while b < seg.src[1] and not src[b].isspace():
            b += 1
        word = src[a:b]
        near = sorted(seg.near(a, b), key=lambda lk: (lk[0][1] != p, lk[0][0] > p))
        for (x, y), (c, d) in near:
            if not (a <= x and y <= b):
                continue
            while c > seg.tgt[0] and not tgt[c - 1].isspace():
                c -= 1
            while d < seg.tgt[1] and not tgt[d].isspace():
                d += 1
            for o in range(c, d - len(word) + 1):
                if _same_shape(word, tgt[o:o + len(word)]):
                    return o + (p - a)
        return None

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
        for seg in self.overlapping(s, e):
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
        # edges in the white space before/after whole segments keep their place there;
        # so do they before/after a segment the element begins/ends (partly) when its
        # first/last target word is the segment's
        if first_seen is not None and s < first_seen.src[0] and (
                first_full is first_seen or first_seen.first_word >= lo):
            g = self.gap_point(s)
            if g is not None:
                lo = min(lo, g)
        if last_seen is not None and e > last_seen.src[1] and (
                last_full is last_seen or last_seen.last_word <= hi):
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
        near = self.overlapping(s, e)  # looked for in its own sentences' translation
        t0, t1 = (near[0].tgt[0], near[-1].tgt[1]) if near else (0, len(self.target))
        i = self.target.find(core, t0, t1)
        if i >= 0 and self.target.find(core, i + 1, t1) < 0:
            j = i + len(core)
            lead = want[:len(want) - len(want.lstrip())]
            trail = want[len(want.rstrip()):]
            if lead and self.target[i - len(lead):i] == lead:
                i -= len(lead)
            if trail and self.target[j:j + len(trail)] == trail:
                j += len(trail)
            return i, j
        copy = self._copy(s, e, a, b, core, near)
        return copy if copy is not None else self._own(s, e, a, b)

    def _copy(self, s: int, e: int, a: int, b: int, core: str, near: list[_Seg]
              ) -> tuple[int, int] | None:
        """Where the model copied a never-translated element's text accents aside (the
        pseudo-locale's ``ñéŵš`` for ``news``), so its original goes over that copy and
        over no other word: the copy in the same order among the copies, where the
        target has as many as the source, else one inside ``[a, b)``."""
        if not near:
            return None
        s0, s1 = near[0].src[0], near[-1].src[1]
        t0, t1 = near[0].tgt[0], near[-1].tgt[1]
        if s <= s0 and s1 <= e:  # all of its segments: it is their whole translation
            return None
        n = len(core)
        mine = [k for k in range(s0, s1 - n + 1) if self.source.startswith(core, k)]
        first = _base(core[0])
        copies = [k for k in range(t0, t1 - n + 1) if _base(self.target[k]) == first
                  and _same_shape(core, self.target[k:k + n])]
        at = s + self.source[s:e].index(core)
        if copies and len(copies) == len(mine) and at in mine:
            k = copies[mine.index(at)]
        else:
            inside = [k for k in copies if a <= k and k + n <= b]
            if not inside:
                return None
            k = inside[0]
        want = self.source[s:e]  # with the white space at its edges, where the target has it
        lead, trail = len(want) - len(want.lstrip()), len(want) - len(want.rstrip())
        i, j = k, k + n
        while lead and i > t0 and self.target[i - 1].isspace():
            i, lead = i - 1, lead - 1
        while trail and j < t1 and self.target[j].isspace():
            j, trail = j + 1, trail - 1
        return i, j

    def _own(self, s: int, e: int, a: int, b: int) -> tuple[int, int]:
        """The part of ``[a, b)`` that a never-translated element over ``source[s:e]``
        may write its original over: never a target word linked only to words outside
        it (those are another element's or the sentence's own words), so the run of its
        own words between such words that has the most of them; none: nothing (the
        original goes in at ``a``)."""
        own: list[tuple[int, int]] = []
        foreign: dict[tuple[int, int], bool] = {}  # target word -> linked only outside
        for seg in self.segs[bisect_right(self.seg_tgt_ends, a):]:
            if seg.tgt[0] >= b:
                break
            for (x, y), t in seg.links:
                if t[1] <= a or t[0] >= b:
                    continue
                # a word partly inside is the element's only where it was cut at the
                # same place (a copied word): else writing over it would lose the rest
                inside = s <= x and y <= e or (x < e and y > s and _same_shape(
                    self.source[x:y], self.target[t[0]:t[1]]))
                if inside:
                    own.append(t)
                foreign[t] = foreign.get(t, True) and not inside
        if not own:
            return a, a
        bad = sorted(t for t, only_outside in foreign.items() if only_outside)
        if not bad:
            return a, b
        best: tuple[int, int, int] = (0, a, a)  # own characters, start, end
        for lo, hi in zip([a] + [t[1] for t in bad], [t[0] for t in bad] + [b], strict=True):
            mine = [(max(lo, t[0]), min(hi, t[1])) for t in own if t[0] < hi and t[1] > lo]
            mine = [m for m in mine if m[0] < m[1]]
            if mine:
                size = sum(y - x for x, y in mine)
                if size > best[0]:
                    best = (size, min(x for x, _ in mine), max(y for _, y in mine))
        return best[1], best[2]

    def _partial(self, seg: _Seg, s: int, e: int) -> tuple[int, int]:
        covered = [lk for lk in seg.near(s, e) if lk[0][0] < e and lk[0][1] > s]
        if not covered:
            self.guessed = True
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
        if (hs < s or he > e) and src[hs:he] == tgt[lo:hi]:
            # words the model copied as they were: the element cuts them at the same place
            return lo + max(0, s - hs), hi - max(0, he - e)
        cut_lo = cut_hi = False
        for (a, b), (c, d) in covered:  # a cut word copied (or pseudo): same place
            if a < s < b and c == lo and _same_shape(src[a:b], tgt[c:d]):
                lo, cut_lo = c + (s - a), True
            if a < e < b and d == hi and _same_shape(src[a:b], tgt[c:d]):
                hi, cut_hi = d - (b - e), True
        hi = max(lo, hi)
        # a source word cut at punctuation: cut the target word at the same punctuation
        first = min(covered, key=lambda lk: (lk[0][0], lk[1][0]))
        if first[0][0] < s and not cut_lo:
            prefix = src[first[0][0]:s]
            words = [lk for lk in covered if lk[1][0] == lo]
            word_end = max(lk[1][1] for lk in words)
            if prefix and all(_is_punct(c) for c in prefix):
                i = tgt.find(prefix, lo, word_end)
                if i >= 0 and i + len(prefix) < hi:
                    lo = i + len(prefix)
        last = max(covered, key=lambda lk: (lk[0][1], lk[1][1]))
        if last[0][1] > e and not cut_hi:
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
        return self._edge_space(seg, s, e, lo, hi)

    def _edge_space(self, seg: _Seg, s: int, e: int, lo: int, hi: int) -> tuple[int, int]:
        """White space an element starts or ends with inside the segment (``word<i>
        (aside)</i>``) stays inside it: as much of the target's white space there."""
        src, tgt = self.source, self.target
        k = s
        while k < e and src[k].isspace():
            k += 1
        lead = k - s if s > seg.src[0] and k < e else 0
        k = e
        while k > s and src[k - 1].isspace():
            k -= 1
        trail = e - k if e < seg.src[1] and k > s else 0
        while lead and lo > seg.tgt[0] and tgt[lo - 1].isspace():
            lo, lead = lo - 1, lead - 1
        while trail and hi < seg.tgt[1] and tgt[hi].isspace():
            hi, trail = hi + 1, trail - 1
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
    words: bool = True  # its source text has a letter or digit
    #: the kinds (:func:`_kind`) of the elements around it, and of those in it (in the
    #: source): one never goes into another of its kind at any depth
    above: frozenset[str] = frozenset()
    below: frozenset[str] = frozenset()

    @property
    def zero(self) -> bool:
        return self.el.void or self.ts == self.te

    def may_hold(self, other: _Node) -> bool:
        if self.el.void or self.el.frozen:
            return False
        if (self.above | _kind(self.el)) & (other.below | _kind(other.el)):
            return False
        if self.el.tag == other.el.tag and self.el.tag in ("a", "fmt") or \
                self.el.tag == "fmt" and other.el.tag == "a":
            # (an office run has one formatting: one held in another takes its words, as
            # does one in a hyperlink held in it)
            return False
        # a Markdown emphasis in one written with the same lone delimiter: where the
        # alignment puts their edges together the two read as one strong (``**x**``)
        return not (self.el.payload.open in ("*", "_")
                    and other.el.payload.open == self.el.payload.open)


def _kind(el: Inline) -> frozenset[str]:
    """What an element cannot be placed in, at any depth: a link (a link in a link
    is no link), a Markdown strikethrough (a ``~~`` in a ``~~`` pairs up wrongly where
    their delimiters meet other markup, ``~~*~~x``, and starts a code fence at a line's
    start, ``~~~~x``)."""
    if el.tag == "a":
        return frozenset(["a"])
    return frozenset(["~~"]) if el.payload.open == "~~" else frozenset()


#: the deepest nesting of inline elements a reader gives :func:`project` (placement has
#: no recursion, but time grows with depth): deeper markup is the reader's one-line error
#: for its file
MAX_INLINE_DEPTH = 100


def _word_at(text: str, x: int, lo: int, hi: int) -> tuple[int, int]:
    """The word of ``text[lo:hi]`` at or next to ``x`` (``(x, x)`` if there is none)."""
    a, b = _strip_span(text, lo, hi)
    if a >= b:
        return x, x
    x = min(max(x, a), b - 1) if x < b else b - 1
    while x > a and text[x].isspace():
        x -= 1
    s = e = x
    while s > a and not text[s - 1].isspace():
        s -= 1
    while e < b and not text[e].isspace():
        e += 1
    return s, e


def _give_way(host: _Node, c: _Node, text: str) -> bool:
    """``c`` landed inside ``host``, which cannot hold it (a link in a link, anything in
    a never-translated element, which would write over its words): ``host`` keeps the
    larger side of it, or, where ``c`` covers all of ``host``, the two share it at the
    white space nearest its middle (in source order). False where they cannot both keep
    some text."""
    left, right = (host.ts, c.ts), (c.te, host.te)
    side = max(_strip_span(text, *left), _strip_span(text, *right), key=lambda r: r[1] - r[0])
    if side[1] > side[0]:
        host.ts, host.te = side
        return True
    a, b = _strip_span(text, host.ts, host.te)
    if b - a < 2:
        return False
    middle = (a + b) // 2
    spaces = [k for k in range(a + 1, b) if text[k].isspace() and not text[k - 1].isspace()]
    cut = min(spaces, key=lambda k: abs(k - middle)) if spaces else middle
    first, second = _strip_span(text, a, cut), _strip_span(text, cut, b)
    if first[0] >= first[1] or second[0] >= second[1]:
        return False
    if host.index < c.index:
        (host.ts, host.te), (c.ts, c.te) = first, second
    else:
        (c.ts, c.te), (host.ts, host.te) = first, second
    return True


def _place(children: list[_Node], lo: int, hi: int, text: str) -> list[_Node]:
    """Clip ``children`` to ``[lo, hi]`` and make them valid siblings (see module rules)."""
    for c in children:
        outside = not c.zero and (c.te <= lo or c.ts >= hi)
        c.ts = min(max(c.ts, lo), hi)
        c.te = min(max(c.te, c.ts), hi)
        if outside and not c.el.frozen:  # outside its parent: the parent's word nearest
            c.ts, c.te = _word_at(text, c.ts, lo, hi)  # (a never-translated one goes in
            # between words there, over none: its own words' copy is outside)
    order = sorted(children, key=lambda c: (c.ts, -(c.te - c.ts), c.index))
    accepted: list[_Node] = []
    # the accepted ones that may still hold or meet a later one (they end after where
    # the later ones start: in this order that only moves on), in order of acceptance
    active: list[_Node] = []
    for c in order:
        if active and any(a.te <= c.ts or a.ts >= a.te for a in active):
            active = [a for a in active if a.te > c.ts and a.ts < a.te]
        while True:
            host = next((a for a in active if a.ts < a.te and (
                a.ts < c.ts < a.te or (a.ts == c.ts and (not c.zero or c.index > a.index)))),
                None)
            if host is None:
                break
            if c.te <= host.te and host.may_hold(c):
                host.children.append(c)
                c = None  # type: ignore[assignment]
                break
            if c.te <= host.te:  # inside an element that cannot hold it
                if not c.zero and _give_way(host, c, text):
                    continue
                c.ts = c.te = host.te  # after it
                continue
            c.ts = host.te  # crossing: cut at the host's end (and the space after it)
            while c.ts < c.te and text[c.ts].isspace():
                c.ts += 1
        if c is None:
            continue
        nxt = [a.ts for a in active if a.ts >= c.ts and a.ts < a.te and a is not c]
        if nxt and not c.zero:
            c.te = max(c.ts, min(c.te, min(nxt)))
        accepted.append(c)
        if c.ts < c.te:
            active.append(c)
    accepted.sort(key=lambda c: (c.ts, c.index))
    if any(_short(c, text) for c in accepted):
        _fill(accepted, lo, hi, text)
        accepted.sort(key=lambda c: (c.ts, c.index))
    return accepted


def _place_tree(roots: list[_Node], lo: int, hi: int, text: str) -> list[_Node]:
    """:func:`_place` on every level of the tree, parents first (no recursion: nesting
    depth is not bounded by Python's stack)."""
    placed = _place(roots, lo, hi, text)
    todo = list(placed)
    while todo:
        node = todo.pop()
        if node.children:
            above = node.above | _kind(node.el)
            for c in node.children:
                c.above = above
            node.children = _place(node.children, node.ts, node.te, text)
            todo.extend(node.children)
    return placed


def _wraps_text(c: _Node) -> bool:
    """An element that wrapped text in the source and writes the target's (a never-
    translated one writes its own original, wherever it is)."""
    return not c.el.void and c.el.start < c.el.end and not c.el.frozen and c.words


def _short(c: _Node, text: str) -> bool:
    """An element that wraps text (:func:`_wraps_text`) placed on none, or on fewer
    characters than it has children that wrap text (a link on a lone ``)`` holding two
    formattings: one would come back empty)."""
    if not _wraps_text(c):
        return False
    room = text[c.ts:c.te]
    return not room.strip() or _need(c) > 1 and len("".join(room.split())) < _need(c)


def _need(c: _Node) -> int:
    """The characters an element needs: one for each child that wraps text, at least
    one."""
    return sum(1 for k in c.children if _wraps_text(k)) or 1


def _fill(nodes: list[_Node], lo: int, hi: int, text: str) -> None:
    """Siblings (sorted) that wrapped text but were placed on none (or too little:
    :func:`_short`): each takes the free word (covered by no sibling) nearest to it in
    ``[lo, hi]``, else shares the nearest sibling's words (:func:`_give_way`), so no
    element comes back empty."""
    for c in nodes:
        if not _short(c, text):
            continue
        c.te = c.ts  # as empty
        others = sorted((n.ts, n.te) for n in nodes if n is not c and n.ts < n.te)
        free: list[tuple[int, int]] = []
        pos = lo
        for a, b in others + [(hi, hi)]:
            if a > pos:
                free.extend(m for m in _words(text, pos, a))
            pos = max(pos, b)
        # a free word with a letter or digit and room for its children (with one child
        # or none, any free word), else a share of a sibling's, else any free word
        fit = [w for w in free if any(ch.isalnum() for ch in text[w[0]:w[1]])
               and len(text[w[0]:w[1]]) >= _need(c)] or (free if _need(c) == 1 else [])
        at = c.ts
        if fit:
            c.ts, c.te = min(fit, key=lambda w: min(abs(w[0] - at), abs(w[1] - at)))
            continue
        full = sorted((n for n in nodes if n is not c and n.ts < n.te),
                      key=lambda n: min(abs(n.ts - at), abs(n.te - at)))
        # (one that sharing leaves too little for its own children: only if no other can)
        if not any(_share(host, c, text, keep) for keep in (True, False) for host in full) \
                and free:
            c.ts, c.te = min(free, key=lambda w: min(abs(w[0] - at), abs(w[1] - at)))


def _share(host: _Node, c: _Node, text: str, keep_room: bool) -> bool:
    """``c`` takes a share of ``host``'s words (:func:`_give_way`), unless ``keep_room``
    and that leaves ``host`` too little (:func:`_short`); else ``c`` goes after it."""
    was = host.ts, host.te
    c.ts, c.te = was
    if _give_way(host, c, text) and not (keep_room and _short(host, text)):
        return True
    host.ts, host.te = was
    c.ts = c.te = was[1]
    return False


def _words(text: str, a: int, b: int) -> list[tuple[int, int]]:
    out = []
    k = a
    while k < b:
        if text[k].isspace():
            k += 1
            continue
        start = k
        while k < b and not text[k].isspace():
            k += 1
        out.append((start, k))
    return out


def project(inlines: Sequence[Inline], source: str, target: str, links: Sequence,
            *, segments: Sequence[tuple[tuple[int, int], tuple[int, int]]] | None = None,
            absorb: frozenset[str] = frozenset(),
            articles: frozenset[str] = frozenset(),
            guessed: list[int] | None = None) -> tuple[Inline, ...]:
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
    (``about the`` -> ``della``) is left out. ``guessed`` (a list) receives the index of
    each element that no link placed: put by its relative position in its segment.
    """
    if not inlines:
        return ()
    mapper = _Mapper(source, target, links, segments, absorb, articles)
    nodes = []
    for i, el in enumerate(inlines):
        mapper.guessed = False
        if el.void or el.start >= el.end or el.anywhere:
            p = mapper.point(el.start)
            nodes.append(_Node(i, el, p, p))
        elif not source[el.start:el.end].strip():  # only white space: as much of it
            a = b = mapper.point(el.start)
            while b < len(target) and target[b].isspace() and b - a < el.end - el.start:
                b += 1
            nodes.append(_Node(i, el, a, b))
        else:
            a, b = mapper.span(el.start, el.end)
            if el.frozen:
                a, b = mapper.copied(el.start, el.end, a, b)
            nodes.append(_Node(i, el, a, b))
        # (an office formatting on punctuation alone still has text of its own to keep:
        # a run's look, unlike markup around a comma, is lost with its characters)
        nodes[-1].words = any(ch.isalnum() for ch in source[el.start:el.end]) or \
            el.tag == "fmt" and bool(source[el.start:el.end].strip())
        if mapper.guessed and guessed is not None and not el.anywhere:
            guessed.append(i)
        if el.from_start:
            nodes[-1].ts = 0
        if el.to_end:
            nodes[-1].te = len(target)
            nodes[-1].ts = min(nodes[-1].ts, nodes[-1].te)
    roots: list[_Node] = []
    parents = _parents(inlines)
    for node, parent in zip(nodes, parents, strict=True):
        (roots if parent < 0 else nodes[parent].children).append(node)
    for node, parent in reversed(list(zip(nodes, parents, strict=True))):
        if parent >= 0:  # (pre-order reversed: children before their parent)
            nodes[parent].below |= node.below | _kind(node.el)
        _around_kept(node, source)
    placed = _place_tree(roots, 0, len(target), target)
    out: list[Inline] = []
    todo = [(n, 0) for n in reversed(placed)]
    while todo:  # pre-order, without recursion
        n, depth = todo.pop()
        out.append(replace(n.el, start=n.ts, end=n.te, depth=depth))
        todo.extend((c, depth + 1) for c in reversed(n.children))
    return tuple(out)


def _around_kept(node: _Node, source: str) -> None:
    """An element that holds only never-translated elements (``**`code`**``) goes
    where they go (where the model copied them), not where the alignment put their
    words: it would take them there and write them over other words."""
    el = node.el
    inner = [c for c in node.children if not c.el.void]
    if el.void or el.frozen or not inner or el.from_start or el.to_end:
        return
    if all(c.el.frozen or not c.words for c in inner):
        rest = list(source[el.start:el.end])
        for c in inner:
            rest[c.el.start - el.start:c.el.end - el.start] = " " * (c.el.end - c.el.start)
        if not "".join(rest).strip():
            node.ts = min(c.ts for c in inner)
            node.te = max(c.te for c in inner)
            node.words = False  # (to its parent: as good as never-translated)
            return
    kept = [c for c in inner if c.el.frozen and c.ts < c.te]
    if kept:  # and one that holds some takes in where they go
        node.ts = min(node.ts, *(c.ts for c in kept))
        node.te = max(node.te, *(c.te for c in kept))


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
