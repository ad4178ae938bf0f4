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
    #: word links source -> text (``translate_batch(..., align=True)``; see
    #: ``translate.models.alignment.WordLink``), empty when not asked for
    alignment: tuple[object, ...] = ()


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
        return {"start": self.start, "end": self.end, "source": self.source,
                "lang": self.lang, "action": self.action, "text": self.text,
                "models": list(self.models), "warnings": list(self.warnings),
                "terms": [term_check_dict(t, self.start) for t in self.terms]}


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


def term_check_dict(check, offset: int = 0) -> dict:
    """A glossary check as report JSON; source spans shifted by ``offset`` (the segment's
    start in the article)."""
    hit = check.hit
    return {"source": hit.surface, "source_span": [offset + hit.start, offset + hit.end],
            "required": hit.target, "status": check.status,
            "output_span": None if check.start is None else [check.start, check.end],
            "suffix": check.suffix}


@dataclass(frozen=True, slots=True)
class Protected:
    """A source text with glossary terms written in their target form (or a placeholder
    where the target vocabulary cannot spell the term), and how to undo placeholders."""

    text: str
    placeholders: tuple[tuple[str, str], ...] = ()  # (placeholder, term)


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


def placeholder(n: int) -> str:
    """A placeholder any Latin vocabulary can spell and no text contains."""
    return f"ZQ{n}QZ"


def protect(text: str, hits: Sequence, spellable: Callable[[str], bool]) -> Protected:
    """Write each hit's required target form into the source, so the model copies it
    instead of translating (and mangling) the name; unspellable terms get a placeholder."""
    parts: list[str] = []
    pos = 0
    placeholders: list[tuple[str, str]] = []
    for hit in sorted(hits, key=lambda h: h.start):
        if hit.start < pos:
            continue
        parts.append(text[pos:hit.start])
        if spellable(hit.target):
            parts.append(hit.target)
        else:
            ph = placeholder(len(placeholders))
            placeholders.append((ph, hit.target))
            parts.append(ph)
        pos = hit.end
    parts.append(text[pos:])
    return Protected("".join(parts), tuple(placeholders))


def restore(output: str, protected: Protected) -> str:
    """Put the terms back where the model copied their placeholders."""
    for ph, term in protected.placeholders:
        output = output.replace(ph, term)
    return output


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
