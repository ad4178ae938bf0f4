"""Sentence segmentation with exact character offsets.

PLACEHOLDER (being replaced by the segmenter work, issue 3): a naive splitter so the
pipeline can run meanwhile.
"""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Segment:
    """One sentence: ``original_text[start:end] == text``."""

    text: str
    start: int
    end: int


_BOUNDARY = re.compile(r"[^\n]*?(?:[.!?](?=\s)|\n|$)")


def segment(text: str, lang: str) -> list[Segment]:
    out: list[Segment] = []
    for m in re.finditer(r"\S(?:.*?)(?:(?<=[.!?])(?=\s)|(?=\n)|$)", text):
        s, e = m.span()
        out.append(Segment(text[s:e], s, e))
    return out
