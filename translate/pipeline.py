"""The translation pipeline, wired once.

    text -> segment -> identify -> match terms -> protect -> translate -> restore -> verify
         -> assemble

Each stage is a function over small frozen dataclasses; none reaches back into an earlier
one. The article CLI, the Python API and the localisation jobs all run these stages; they
differ only in how they read and write units.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from . import langid
from .segment import Segment, segment

# ----------------------------------------------------------------------------- data


@dataclass(frozen=True, slots=True)
class Translation:
    """One translated text: the result object of :meth:`Translator.translate_batch`."""

    source: str
    text: str
    src: str
    tgt: str
    models: tuple[str, ...] = ()
    warnings: tuple[str, ...] = ()
    terms: tuple[object, ...] = ()  # glossary checks (translate.glossary.TermCheck)


@dataclass(frozen=True, slots=True)
class SegmentRecord:
    """What happened to one segment of an article (a row of the ``--report``)."""

    start: int
    end: int
    source: str
    lang: str
    action: str  # "translated" | "kept"
    text: str
    models: tuple[str, ...] = ()
    warnings: tuple[str, ...] = ()
    terms: tuple[object, ...] = ()

    def as_dict(self) -> dict:
        out = {"start": self.start, "end": self.end, "source": self.source,
               "lang": self.lang, "action": self.action, "text": self.text,
               "models": list(self.models), "warnings": list(self.warnings)}
        out["terms"] = [t.as_dict() if hasattr(t, "as_dict") else t for t in self.terms]
        return out


@dataclass(frozen=True, slots=True)
class ArticleTranslation:
    """A translated article: the text with the original layout, and per-segment records."""

    text: str
    src: str
    tgt: str
    segments: tuple[SegmentRecord, ...] = field(default=())

    @property
    def warnings(self) -> list[str]:
        return [w for s in self.segments for w in s.warnings]

    def report(self) -> dict:
        return {"src": self.src, "tgt": self.tgt,
                "segments": [s.as_dict() for s in self.segments]}


# ----------------------------------------------------------------------------- stages

_CYRILLIC_SCHWA = str.maketrans({"\u04d9": "\u0259", "\u04d8": "\u018f"})


def normalise(text: str, lang: str) -> str:
    """NFC, and for Azerbaijani the Cyrillic schwa (ә, Ә) typed for the Latin ə, Ə."""
    text = unicodedata.normalize("NFC", text)
    if lang == "az":
        text = text.translate(_CYRILLIC_SCHWA)
    return text


def detect_language(text: str, default: str = "en") -> str:
    """``--from auto``: the article's language."""
    return langid.detect(text, default) or default


def identify(segments: Sequence[Segment], declared: str) -> list[str]:
    """The language of each segment (the declared one unless another clearly wins)."""
    return [langid.identify(s.text, declared) for s in segments]


def assemble(original: str, segments: Sequence[Segment], outputs: Sequence[str]) -> str:
    """Put each segment's output where the segment was; everything between is kept."""
    parts: list[str] = []
    pos = 0
    for seg, out in zip(segments, outputs, strict=True):
        parts.append(original[pos:seg.start])
        parts.append(out)
        pos = seg.end
    parts.append(original[pos:])
    return "".join(parts)


TranslateFn = Callable[[Sequence[str], str, str], list[Translation]]


def translate_article(text: str, src: str, tgt: str, translate_batch: TranslateFn
                      ) -> ArticleTranslation:
    """Segment, identify, translate what is not already in ``tgt``, and reassemble."""
    if src == "auto":
        src = detect_language(text)
    segments = segment(text, src)
    langs = identify(segments, src)
    outputs = [s.text for s in segments]
    records: list[SegmentRecord | None] = [None] * len(segments)
    for lang in dict.fromkeys(langs):
        idx = [i for i, seg_lang in enumerate(langs) if seg_lang == lang]
        if lang == tgt:
            for i in idx:
                s = segments[i]
                records[i] = SegmentRecord(s.start, s.end, s.text, lang, "kept", s.text)
            continue
        results = translate_batch([segments[i].text for i in idx], lang, tgt)
        for i, res in zip(idx, results, strict=True):
            s = segments[i]
            outputs[i] = res.text
            records[i] = SegmentRecord(s.start, s.end, s.text, lang, "translated", res.text,
                                       res.models, res.warnings, res.terms)
    return ArticleTranslation(assemble(text, segments, outputs), src, tgt,
                              tuple(r for r in records if r is not None))
