"""The one home of source-language detection and of grouping segments by language.

``"auto"`` as a source language is decided here, once per article, document or request
text (:func:`source_language`); each segment's own language (the Azerbaijani footer of an
English article) is :func:`segment_languages`; the segments of one language are
translated together (:func:`by_language`). The scorer itself is :mod:`translate.langid`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from . import langid
from .errors import UserError
from .languages import SUPPORTED, is_pseudo, pseudo_source
from .segment import Segment

AUTO = "auto"
#: the language of a text with no evidence for any
DEFAULT = "en"


def source_language(src: str, text: str | Callable[[], str]) -> str:
    """``src``, or for ``"auto"`` the language ``text`` is written in (``text`` may be a
    function, called only then: a document's body text)."""
    if is_pseudo(src):
        raise UserError(pseudo_source(src))
    if src != AUTO:
        return src
    return langid.detect(text() if callable(text) else text, DEFAULT) or DEFAULT


def candidates(text: str) -> list[dict]:
    """LibreTranslate's ``/detect`` answer: candidates, most likely first, confidence 0-100;
    ``[{"confidence": 0.0, "language": "en"}]`` when there is no evidence. The first one's
    language is :func:`source_language` of ``"auto"``."""
    scores = langid.scores(text)
    total = sum(scores.values())
    if total <= 0:
        return [{"confidence": 0.0, "language": DEFAULT}]
    ranked = sorted(SUPPORTED, key=lambda lang: (-scores[lang], SUPPORTED.index(lang)))
    return [{"confidence": round(100.0 * scores[lang] / total, 1), "language": lang}
            for lang in ranked if scores[lang] > 0]


def segment_languages(segments: Sequence[Segment], declared: str, tgt: str | None = None
                      ) -> list[str]:
    """The language of each segment (the declared one unless another clearly wins). For
    a pseudo-locale target (``en-XA``) every segment is the declared language: it checks
    that a file comes back whole, which must not depend on language identification."""
    if tgt is not None and is_pseudo(tgt):
        return [declared for _ in segments]
    return [langid.identify(s.text, declared) for s in segments]


def by_language(langs: Sequence[str], skip: str | None = None) -> dict[str, list[int]]:
    """The indexes of ``langs`` per language, languages in order of first appearance;
    ``skip`` (the target: those segments are kept as they are) left out."""
    groups: dict[str, list[int]] = {}
    for i, lang in enumerate(langs):
        if lang != skip:
            groups.setdefault(lang, []).append(i)
    return groups
