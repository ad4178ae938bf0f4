"""Score the segmenter on a sentence-segmented corpus: boundary precision, recall and F1.

A corpus is a UTF-8 JSON file holding a list of items, one paragraph (or document) each,
in any of these shapes (they may be mixed):

- ``{"text": "A b. C d.", "expected": ["A b.", "C d."]}``: the shape of the dev sets in
  ``tests/segment/data``; every sentence must occur in ``text``, in order;
- ``{"sentences": ["A b.", "C d."]}``: the text is the sentences joined by one space;
- ``["A b.", "C d."]``: the same, shorter.

An item may carry ``"lang"`` (``en``, ``az``, ``it``), which wins over the language the
caller gives for the whole file. A boundary is the offset in the text where a sentence
other than an item's first one starts; a predicted boundary is correct when a gold one
is at the same offset. Precision is correct / predicted, recall correct / gold, F1
their harmonic mean, all over every boundary of the corpus (micro-averaged). An item
with a single sentence has no boundary, but any split of it counts as a false one.

>>> report = evaluate([Item("Mr. Smith left. He was tired.", ("Mr. Smith left.",
...                                                          "He was tired."))], "en")
>>> (report.scores.correct, report.scores.precision, report.scores.recall)
(1, 1.0, 1.0)
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from ..errors import InputFileError
from .core import segment


@dataclass(frozen=True)
class Item:
    """One gold item: its text and its sentences (each a slice of ``text``)."""

    text: str
    sentences: tuple[str, ...]
    lang: str | None = None
    index: int = 0


@dataclass(frozen=True)
class Scores:
    """Boundary counts of a corpus, and the item-level exact matches."""

    items: int = 0
    exact: int = 0  # items whose sentences all came out exactly
    gold: int = 0
    predicted: int = 0
    correct: int = 0

    @property
    def precision(self) -> float:
        return self.correct / self.predicted if self.predicted else 1.0

    @property
    def recall(self) -> float:
        return self.correct / self.gold if self.gold else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def __add__(self, other: Scores) -> Scores:
        return Scores(self.items + other.items, self.exact + other.exact,
                      self.gold + other.gold, self.predicted + other.predicted,
                      self.correct + other.correct)

    def as_dict(self) -> dict[str, float]:
        return {"items": self.items, "exact": self.exact, "gold": self.gold,
                "predicted": self.predicted, "correct": self.correct,
                "precision": round(self.precision, 4), "recall": round(self.recall, 4),
                "f1": round(self.f1, 4)}


@dataclass(frozen=True)
class BoundaryError:
    """A boundary the segmenter missed (``missed``) or made up (``false``)."""

    item: int
    offset: int
    kind: str
    text: str

    def context(self, width: int = 40) -> str:
        """The text around the boundary, ``|`` marking it."""
        left = self.text[max(0, self.offset - width):self.offset].rstrip()
        right = self.text[self.offset:self.offset + width]
        return " ".join(f"{left} | {right}".split())


@dataclass(frozen=True)
class Report:
    scores: Scores
    errors: tuple[BoundaryError, ...]


def gold_boundaries(text: str, sentences: Sequence[str], *, where: str = "item"
                    ) -> tuple[int, ...]:
    """The offsets in ``text`` where its second and later sentences start."""
    starts = []
    pos = 0
    for n, sentence in enumerate(sentences):
        sentence = sentence.strip()
        if not sentence:
            raise ValueError(f"{where}: sentence {n + 1} is empty")
        at = text.find(sentence, pos)
        if at < 0:
            raise ValueError(f"{where}: sentence {n + 1} is not in its text after the "
                             f"sentences before it: {sentence[:60]!r}")
        if n:
            starts.append(at)
        pos = at + len(sentence)
    return tuple(starts)


def predicted_boundaries(text: str, lang: str) -> tuple[int, ...]:
    """The offsets where the segmenter starts a second or later sentence."""
    return tuple(s.start for s in segment(text, lang)[1:])


def evaluate(items: Iterable[Item], lang: str) -> Report:
    """Score ``items`` (each in its own language when it names one, else ``lang``)."""
    total = Scores()
    errors: list[BoundaryError] = []
    for item in items:
        gold = set(gold_boundaries(item.text, item.sentences, where=f"item {item.index}"))
        got = set(predicted_boundaries(item.text, item.lang or lang))
        correct = len(gold & got)
        total = total + Scores(1, int(gold == got), len(gold), len(got), correct)
        errors += [BoundaryError(item.index, o, "missed", item.text)
                   for o in sorted(gold - got)]
        errors += [BoundaryError(item.index, o, "false", item.text)
                   for o in sorted(got - gold)]
    return Report(total, tuple(errors))


def load_corpus(path: str | Path) -> list[Item]:
    """Read a corpus file (the format is in this module's docstring)."""
    path = Path(path)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise InputFileError(str(path), f"cannot read it ({exc.strerror})") from None
    except UnicodeDecodeError:
        raise InputFileError(str(path), "not UTF-8 text; save it as UTF-8") from None
    except json.JSONDecodeError as exc:
        raise InputFileError(str(path), f"not valid JSON ({exc.msg})", exc.lineno) from None
    if not isinstance(data, list):
        raise InputFileError(str(path), "expected a JSON list of items (see "
                             "`python benchmarks/segeval.py --help`)")
    items = []
    for i, raw in enumerate(data):
        items.append(_item(raw, i, str(path)))
    return items


def _item(raw: object, i: int, path: str) -> Item:
    where = f"item {i}"
    lang = None
    if isinstance(raw, dict):
        lang = raw.get("lang")
        if lang is not None and not isinstance(lang, str):
            raise InputFileError(path, f"{where}: \"lang\" must be a string such as \"en\"")
        if "expected" in raw:
            text, sentences = raw.get("text"), raw["expected"]
        elif "sentences" in raw:
            sentences = raw["sentences"]
            text = raw.get("text")
            if text is None and _strings(sentences):
                text = " ".join(s.strip() for s in sentences)
        else:
            raise InputFileError(path, f"{where}: needs \"text\" and \"expected\", or "
                                 "\"sentences\"")
    elif isinstance(raw, list):
        sentences = raw
        text = " ".join(s.strip() for s in raw) if _strings(raw) else None
    else:
        raise InputFileError(path, f"{where}: expected an object or a list of sentences")
    if not _strings(sentences):
        raise InputFileError(path, f"{where}: the sentences must be a list of strings")
    if not isinstance(text, str):
        raise InputFileError(path, f"{where}: \"text\" must be a string")
    try:
        gold_boundaries(text, sentences, where=where)
    except ValueError as exc:
        raise InputFileError(path, str(exc)) from None
    return Item(text, tuple(sentences), lang, i)


def _strings(value: object) -> bool:
    return isinstance(value, list) and all(isinstance(s, str) for s in value)
