"""Projecting styling spans from a source sentence onto its translation by word alignment.

A span (start, end, payload) over the source wraps the minimal contiguous target
span that covers every target word linked to a source word inside it; a span none of whose
words is linked goes where its relative position puts it, snapped to word boundaries. An
empty span (a void tag, a position) goes after the target word linked to the source word
before it. Spans that were nested stay nested, spans that were apart do not cross.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

Span = tuple[int, int, object]  # (start, end, payload); start == end: a void element
_WORD = re.compile(r"\S+")


def _snap(text: str, pos: int) -> int:
    """The word boundary of ``text`` nearest to ``pos``."""
    bounds = [0, len(text)]
    for m in _WORD.finditer(text):
        bounds.extend((m.start(), m.end()))
    return min(bounds, key=lambda b: (abs(b - pos), b))


def project_spans(spans: Sequence[Span], source: str, target: str,
                  links: Sequence[object]) -> list[Span]:
    """``spans`` over ``source`` placed over ``target`` (``links``: ``WordLink``-like)."""
    ratio = len(target) / max(len(source), 1)
    placed: list[Span] = []
    for a, b, payload in spans:
        if a == b:
            before = [lk for lk in links if lk.src[1] <= a]
            if before:
                last = max(before, key=lambda lk: lk.src[1])
                at = max(lk.tgt[1] for lk in before if lk.src == last.src)
            else:
                at = _snap(target, round(a * ratio))
            gap = len(source[:a]) - len(source[:a].rstrip())
            while gap and at < len(target) and target[at].isspace():
                at += 1  # it followed a space in the source: after the space here too
                gap -= 1
            placed.append((at, at, payload))
            continue
        inside = [lk for lk in links if lk.src[0] < b and lk.src[1] > a]
        if inside:
            lo = min(lk.tgt[0] for lk in inside)
            hi = max(lk.tgt[1] for lk in inside)
        else:
            lo, hi = _snap(target, round(a * ratio)), _snap(target, round(b * ratio))
            if hi <= lo:
                m = _WORD.search(target, lo)
                lo, hi = (m.start(), m.end()) if m else (lo, lo)
        placed.append((lo, hi, payload))
    return _nest(spans, placed)


def _nest(source: Sequence[Span], placed: list[Span]) -> list[Span]:
    """Keep the source's nesting: a child inside its parent, siblings apart."""
    out = list(placed)
    order = sorted(range(len(source)), key=lambda i: (source[i][0], -source[i][1]))
    for pos, i in enumerate(order):
        a, b = source[i][0], source[i][1]
        lo, hi, payload = out[i]
        for j in order[:pos]:
            pa, pb = source[j][0], source[j][1]
            plo, phi = out[j][0], out[j][1]
            if pa <= a and b <= pb and (pa, pb) != (a, b) or (pa, pb) == (a, b) and j < i:
                lo, hi = max(lo, plo), min(hi, phi)  # child of j: stay inside
            elif pb <= a and plo < hi and lo < phi:
                lo = max(lo, phi)  # sibling after j: start after it
            hi = max(hi, lo)
        out[i] = (lo, hi, payload)
    return out


def clip(spans: Sequence[Span], lo: int, hi: int) -> list[Span]:
    """The parts of ``spans`` inside [lo, hi), shifted to start at 0 (a span cut by the
    window is closed at its edge and, in the next window, opened again)."""
    out = []
    for a, b, payload in spans:
        if a == b:
            if lo <= a <= hi:
                out.append((a - lo, a - lo, payload))
        elif a < hi and b > lo:
            out.append((max(a, lo) - lo, min(b, hi) - lo, payload))
    return out
