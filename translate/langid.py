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

from .languages import LANGUAGES, SUPPORTED

_WORD = re.compile(r"[^\W\d_]+(?:['’](?=[^\W\d_]))?", re.UNICODE)
#: per language, its letter groups and their weights (``langid_letters``)
_LETTERS = {code: tuple((frozenset(letters), weight) for letters, weight in lang.langid_letters)
            for code, lang in LANGUAGES.items()}
#: per language with elision, the pattern of an elided word (``langid_elision``)
_ELISION = {code: re.compile(lang.langid_elision, re.I) for code, lang in LANGUAGES.items()
            if lang.langid_elision}


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
            for group, weight in _LETTERS[lang]:  # the first group the word has letters of
                if letters & group:
                    out[lang] += weight
                    break
            if lang in _ELISION and _ELISION[lang].match(low):
                out[lang] += 1.0
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
