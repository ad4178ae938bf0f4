"""Pseudo-localisation: the target ``en-XA``, translated without a model.

    translate article story.html --from en --to en-XA

Every ASCII letter of a segment becomes an accented look-alike that NFD decomposes to
the same letter plus combining marks (``a`` -> ``å``, ``c`` -> ``ç``; ``q`` has none and
stays), every other character is kept, and the segment is wrapped in ``[`` ``]``. The
tokens the pipeline masks placeholders and glossary terms with (``__PH0__``, ``ZQ0QZ``,
:mod:`translate.masking`) are left as they are, so they restore. Each source word is
linked to itself in the output (an exact word alignment), so documents come back with
every element around exactly its own words: translating any file to ``en-XA`` gives
the same file with only the letters changed and the brackets added, the oracle that
shows hard-coded strings, and whether the formats keep their structure.

``expansion`` pads each segment with ``~`` (neither a letter nor a digit) by that
fraction of its length, rounded up, before the closing ``]``: ``0.3`` makes text about
30% longer, as a translation often is, to find UI text that gets cut off. Articles and
documents use 0 (no padding).

:class:`PseudoEngine` has the interface of :class:`translate.models.engine.TranslationEngine`
(``translate``, ``align``, ``name``), and the pool gives it for a route's pseudo step
(:meth:`translate.models.registry.ModelRegistry.route`): ``en -> en-XA`` is one pseudo
step, ``az -> en-XA`` is the az-en model, then the pseudo step.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from .languages import PSEUDO_LOCALES
from .masking import LETTER_STYLES, UNDERSCORE_STYLES
from .models.alignment import WordLink, word_spans
from .models.engine import DecodeOptions, EngineOutput

PSEUDO = "en-XA"
PLAIN = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
ACCENTED = "åḃçḋéḟĝĥîĵḱĺḿñöṕqŕšţûṽŵẋýžÅḂÇḊÉḞĜĤÎĴḰĹḾÑÖṔQŔŠŢÛṼŴẊÝŽ"
_TABLE = str.maketrans(PLAIN, ACCENTED)
_UNDO = str.maketrans(ACCENTED, PLAIN)
OPEN, CLOSE, PAD = "[", "]", "~"
#: the mask tokens of every style, kept as they are
_TOKENS = re.compile("|".join(s.exact.pattern for s in (*UNDERSCORE_STYLES, *LETTER_STYLES)))


def accent(text: str) -> str:
    """Each ASCII letter of ``text`` as its look-alike, mask tokens kept; same length."""
    out, at = [], 0
    for m in _TOKENS.finditer(text):
        out += [text[at:m.start()].translate(_TABLE), m.group()]
        at = m.end()
    out.append(text[at:].translate(_TABLE))
    return "".join(out)


def pseudo(text: str, expansion: float = 0.0) -> str:
    """``text`` pseudo-localised: ``[`` + :func:`accent` + padding + ``]``."""
    return f"{OPEN}{accent(text)}{PAD * math.ceil(len(text) * expansion)}{CLOSE}"


def unpseudo(text: str) -> str:
    """What :func:`pseudo` made ``text`` from (brackets and padding dropped, letters
    back): for checks and tests."""
    if text.startswith(OPEN) and text.endswith(CLOSE):
        text = text[len(OPEN):-len(CLOSE)].rstrip(PAD)
    return text.translate(_UNDO)


#: links already made, shared (a WordLink is frozen): offsets are within one sentence,
#: so a few thousand distinct links serve a whole file, where one object (and two span
#: tuples) per word held the largest part of a document's memory (#23, #24); bounded
_LINKS: dict[tuple[int, int, int, int], WordLink] = {}
_LINKS_MAX = 50_000


def _link(a: tuple[int, int], b: tuple[int, int]) -> WordLink:
    key = (a[0], a[1], b[0], b[1])
    link = _LINKS.get(key)
    if link is None:
        link = WordLink(a, b)
        if len(_LINKS) < _LINKS_MAX:
            _LINKS[key] = link
    return link


def _links(source: str, target: str, lang: str | None) -> tuple[WordLink, ...]:
    """Each word of ``source`` linked to its pseudo form in ``target``: the same span one
    character on (after ``[``) where ``target`` is ``source`` pseudo-localised, else
    word i to word i of the bracketed text."""
    words = word_spans(source, lang)
    inner = target[len(OPEN):] if target.startswith(OPEN) else target
    if inner.startswith(accent(source)):
        shift = len(target) - len(inner)
        return tuple(_link(w, (w[0] + shift, w[1] + shift)) for w in words)
    out = word_spans(target, lang)
    return tuple(_link(a, b) for a, b in zip(words, out, strict=False))


@dataclass(frozen=True, slots=True)
class PseudoCheckpoint:
    """What :func:`translate.steps.plan_redo` reads of an engine's checkpoint: the pseudo
    engine has no tokenizer (a pseudo target has no glossary terms to enforce)."""

    ref: str
    tokenizer: None = None
    target_token: None = None


class PseudoEngine:
    """The engine of a pseudo step (:mod:`translate.pseudo`): no model is loaded."""

    def __init__(self, locale: str = PSEUDO, expansion: float = 0.0) -> None:
        if locale not in PSEUDO_LOCALES:
            raise ValueError(f"{locale!r} is not a pseudo-locale")
        self.locale = locale
        self.lang = PSEUDO_LOCALES[locale]
        self.expansion = expansion
        self.checkpoint = PseudoCheckpoint(self.name)
        self.calls = 0

    @property
    def name(self) -> str:
        return f"pseudo:{self.locale}"

    def translate(self, sentences: Sequence[str], options: DecodeOptions | None = None,
                  constraints: Sequence[object] | None = None,
                  progress: Callable[[int], None] | None = None, *, align: bool = False,
                  src_lang: str | None = None, tgt_lang: str | None = None,
                  num_hypotheses: int = 1, scores: bool = True) -> list[EngineOutput]:
        """Each sentence pseudo-localised, with its exact word links when ``align``; its
        score is 0 (log-probability of a certain output: confidence 1, never flagged for
        review by confidence)."""
        self.calls += 1
        lang = src_lang or self.lang
        outs = []
        for sentence in sentences:
            text = pseudo(sentence, self.expansion)
            n = len(word_spans(sentence, lang))
            outs.append(EngineOutput(text, n, n, alignment=(
                _links(sentence, text, lang) if align else ()), score=0.0))
        if progress is not None:
            progress(len(sentences))
        return outs

    def align(self, sources: Sequence[str], targets: Sequence[str], *,
              src_lang: str | None = None, tgt_lang: str | None = None,
              batch_size: int = 32) -> list[tuple[WordLink, ...]]:
        """Word i of each source linked to word i of its pseudo text (forced alignment)."""
        lang = src_lang or self.lang
        return [_links(s, t, lang) for s, t in zip(sources, targets, strict=True)]
