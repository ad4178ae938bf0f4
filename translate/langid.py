"""Which of English, Azerbaijani and Italian a segment is written in.

A small, deterministic scorer built for news text and for the one question the pipeline
asks: is this segment in the article's declared language, or clearly in another one we
support (the Azerbaijani footer of an English article, an Italian quotation)? Evidence
per language: frequent function words (``data/langid/<lang>.txt``), letters only that
language uses (ə, ğ, ı for Azerbaijani; accented vowels for Italian) and Italian elision.
A segment leaves its declared language only on clear evidence, so names like "Santa
Maria della Mercede" inside English stay English.
"""

from __future__ import annotations

import re
from functools import cache
from importlib import resources

from .languages import SUPPORTED

_WORD = re.compile(r"[^\W\d_]+(?:['’](?=[^\W\d_]))?", re.UNICODE)
_AZ_STRONG = set("əƏğĞıİ")
_AZ_WEAK = set("şŞçÇöÖüÜ")
_IT_ACCENTS = set("àèéìíòóùú")
_IT_ELISION = re.compile(r"^(?:l|dell|nell|dall|sull|all|un|d|c|quest|quell)['’]$", re.I)


@cache
def _stopwords(lang: str) -> frozenset[str]:
    text = resources.files(__package__).joinpath("data", "langid", f"{lang}.txt").read_text(
        encoding="utf-8")
    words: set[str] = set()
    for line in text.splitlines():
        if not line.startswith("#"):
            words.update(w.replace("’", "'") for w in line.split())
    return frozenset(words)


def scores(text: str) -> dict[str, float]:
    """Evidence for each supported language (higher is stronger)."""
    out = dict.fromkeys(SUPPORTED, 0.0)
    for m in _WORD.finditer(text):
        word = m.group(0)
        low = word.lower().replace("’", "'")
        letters = set(word)
        for lang in SUPPORTED:
            if low in _stopwords(lang):
                out[lang] += 1.0
        if letters & _AZ_STRONG:
            out["az"] += 2.0
        elif letters & _AZ_WEAK:
            out["az"] += 0.5
        if letters & _IT_ACCENTS:
            out["it"] += 1.0
        if _IT_ELISION.match(low):
            out["it"] += 1.0
    return out


def detect(text: str, default: str | None = None) -> str | None:
    """The most likely language of ``text``, or ``default`` when there is no evidence."""
    s = scores(text)
    best = max(SUPPORTED, key=lambda lang: (s[lang], -SUPPORTED.index(lang)))
    return best if s[best] > 0 else default


def identify(text: str, declared: str) -> str:
    """The segment's language: ``declared`` unless another language clearly wins."""
    s = scores(text)
    best = max(SUPPORTED, key=lambda lang: (s[lang], lang == declared))
    if best != declared and s[best] >= 2.0 and s[best] >= 2.0 * s[declared] + 1.0:
        return best
    return declared
