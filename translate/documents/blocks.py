"""Translating blocks of text that carry inline spans (runs, links, styling).

A block is one paragraph's plain text plus spans over it. Each block is segmented, each
segment identified and translated with word alignment, each span projected onto the
translation of its segment (:mod:`.projection`), and the block reassembled with the text
between segments kept. All segments of all blocks in one language go to the model in one
call, so a document is batched as a whole.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from .projection import Span, clip, project_spans


@dataclass(frozen=True, slots=True)
class Block:
    text: str
    spans: tuple[Span, ...] = ()


@dataclass(frozen=True, slots=True)
class TranslatedBlock:
    text: str
    spans: tuple[Span, ...]
    segments: tuple[dict, ...]


def translate_blocks(blocks: Sequence[Block], src: str, tgt: str, translator
                     ) -> tuple[str, list[TranslatedBlock]]:
    """Translate ``blocks``; returns the source language (``auto`` resolved) and one
    translated block per block."""
    from .. import pipeline
    from ..segment import segment

    if src == "auto":
        src = pipeline.detect_language("\n\n".join(b.text for b in blocks))
    segs = [[s for s in segment(b.text, src) if s.text.strip()] for b in blocks]
    flat = [(bi, s) for bi, ss in enumerate(segs) for s in ss]
    langs = pipeline.identify([s for _, s in flat], src)
    results: dict[int, object] = {}
    for lang in dict.fromkeys(langs):
        idx = [i for i, lg in enumerate(langs) if lg == lang and lg != tgt]
        if idx:
            outs = translator.translate_batch([flat[i][1].text for i in idx], lang, tgt,
                                              align=True)
            results.update(zip(idx, outs, strict=True))
    out: list[TranslatedBlock] = []
    k = 0
    for bi, block in enumerate(blocks):
        parts: list[str] = []
        spans: list[Span] = []
        records: list[dict] = []
        pos = 0
        size = 0
        for s in segs[bi]:
            gap = block.text[pos:s.start]
            spans.extend((a + size - pos, b + size - pos, p)
                         for a, b, p in _voids(block.spans, pos, s.start))
            parts.append(gap)
            size += len(gap)
            res = results.get(k)
            own = clip(_overlapping(block.spans, s.start, s.end), s.start, s.end)
            if res is None:
                text, tspans = s.text, own
            else:
                text = res.text
                tspans = project_spans(own, s.text, text, res.alignment)
            spans.extend((a + size, b + size, p) for a, b, p in tspans)
            parts.append(text)
            size += len(text)
            records.append({"start": s.start, "end": s.end, "source": s.text,
                            "lang": langs[k], "action": "kept" if res is None else "translated",
                            "text": text,
                            "warnings": [] if res is None else list(res.warnings)})
            pos = s.end
            k += 1
        tail = block.text[pos:]
        spans.extend((a + size - pos, b + size - pos, p)
                     for a, b, p in _voids(block.spans, pos, len(block.text) + 1))
        parts.append(tail)
        out.append(TranslatedBlock("".join(parts), _merge(spans), tuple(records)))
    return src, out


def _overlapping(spans: Sequence[Span], lo: int, hi: int) -> list[Span]:
    """Spans that cover part of [lo, hi), and void ones inside it."""
    return [s for s in spans if s[0] < hi and s[1] > lo or s[0] == s[1] and lo <= s[0] < hi]


def _voids(spans: Sequence[Span], lo: int, hi: int) -> list[Span]:
    """Void spans in the text between segments (a line break, an image)."""
    return [s for s in spans if s[0] == s[1] and lo <= s[0] < hi]


def _merge(spans: list[Span]) -> tuple[Span, ...]:
    """One span per payload where a span crossed segment boundaries and was projected in
    pieces that now touch (the same run over two sentences)."""
    merged: list[Span] = []
    for a, b, p in sorted(spans, key=lambda s: (s[0], -s[1])):
        for i, (ma, mb, mp) in enumerate(merged):
            if mp is p and a <= mb + 1 and a != b:
                merged[i] = (ma, max(mb, b), mp)
                break
        else:
            merged.append((a, b, p))
    return tuple(merged)
