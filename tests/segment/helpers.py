"""Helpers for the segmenter tests: the dev cases and the reference article."""

from __future__ import annotations

import csv
import json
from pathlib import Path

from translate.segment import Segment

DATA = Path(__file__).with_name("data")
ROOT = Path(__file__).resolve().parents[2]


def load_cases(name: str) -> list[dict]:
    """A dev set: a list of ``{"text": ..., "expected": [...]}``."""
    return json.loads((DATA / name).read_text(encoding="utf-8"))


def corpus_dir() -> Path:
    """The reference article: ``fixtures/corpus`` in the repository, else ``../shared``."""
    local = ROOT / "fixtures" / "corpus"
    if (local / "khojaly-rome.aligned.tsv").exists():
        return local
    return ROOT.parent / "shared" / "corpus"


def aligned_rows() -> list[dict[str, str]]:
    with (corpus_dir() / "khojaly-rome.aligned.tsv").open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh, delimiter="\t"))


def check_offsets(text: str, segments: list[Segment]) -> None:
    """The invariants every result must hold (see translate/segment/core.py)."""
    pos = 0
    pieces = []
    for seg in segments:
        assert seg.text, "empty segment"
        assert seg.text == seg.text.strip(), f"segment not stripped: {seg.text!r}"
        assert seg.start >= pos, "segments overlap or are out of order"
        assert text[seg.start:seg.end] == seg.text, "offsets do not slice the text"
        gap = text[pos:seg.start]
        if pos == 0:
            gap = gap.removeprefix("\ufeff")  # a leading BOM is not part of any sentence
        assert gap.strip() == "", f"non-space text between segments: {gap!r}"
        pieces.append(text[pos:seg.start])
        pieces.append(seg.text)
        pos = seg.end
    tail = text[pos:]
    assert (tail.removeprefix("\ufeff") if pos == 0 else tail).strip() == ""
    pieces.append(tail)
    assert "".join(pieces) == text
