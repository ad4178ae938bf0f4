"""Find glossary terms in a source segment.

``match_terms(text, glossary, src, tgt)`` returns the terms of ``glossary`` that stand in
``text`` (language ``src``), each with the form a ``tgt`` translation must carry. Longest
match first, on word boundaries, never overlapping; a form with capitals matches only as
written, a lower-case form in any case. The language's :mod:`morphology` decides what may
be glued on: English ``'s``, Italian ``dell'``, Azerbaijani case suffixes.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..languages import normalise_lang
from .model import Glossary
from .morphology import morphology_for
from .text import nfc_with_offsets


@dataclass(frozen=True, slots=True)
class TermHit:
    """One glossary term found in a source segment.

    ``start``/``end`` index the caller's text and cover the term itself; ``suffix`` is
    what follows it inside the same word (``"'s"``, ``"dakı"``, ``"-nın"``) and
    ``article`` an Italian elided article glued before it (``"dell'"``), both as they
    stand in the text; ``cases`` says what they mean, with the Azerbaijani case names
    (``("genitive",)`` for ``Azerbaijan's`` and ``dell'Azerbaigian``), ready for
    :func:`inflect_az`. ``target`` is the form the translation must carry: the concept's
    canonical target, or, for an empty target cell (``keep``), the source form as written
    in the glossary.
    """

    start: int
    end: int
    surface: str
    source: str
    target: str
    suffix: str = ""
    article: str = ""
    cases: tuple[str, ...] = ()
    keep: bool = False

    @property
    def word_start(self) -> int:
        return self.start - len(self.article)

    @property
    def word_end(self) -> int:
        return self.end + len(self.suffix)


def match_terms(text: str, glossary: Glossary, src: str, tgt: str) -> list[TermHit]:
    """The glossary terms in ``text`` (a ``src`` segment), in text order."""
    src, tgt = normalise_lang(src), normalise_lang(tgt)
    entries = glossary.for_pair(src, tgt)
    if not entries or not text:
        return []
    morph = morphology_for(src)
    norm = nfc_with_offsets(text)
    folded = morph.fold(norm.text)

    candidates = []
    for entry in entries:
        for occ in morph.find(norm.text, folded, entry.form):
            if occ.after is not None:
                candidates.append((entry, occ))
    candidates.sort(key=lambda c: (c[1].start - c[1].end, c[1].start))

    taken: list[tuple[int, int]] = []
    hits: list[TermHit] = []
    for entry, occ in candidates:
        assert occ.after is not None
        lo, hi = occ.start, occ.end + len(occ.after.suffix)
        if any(lo < t_hi and t_lo < hi for t_lo, t_hi in taken):
            continue
        taken.append((lo, hi))
        start, end = norm.start_of(occ.start), norm.end_of(occ.end)
        word_start = norm.start_of(occ.start - len(occ.before.article))
        word_end = norm.end_of(hi)
        hits.append(TermHit(
            start=start, end=end, surface=text[start:end],
            source=entry.source,
            target=entry.form if entry.target is None else entry.target,
            suffix=text[end:word_end], article=text[word_start:start],
            cases=occ.before.cases + occ.after.cases,
            keep=entry.target is None,
        ))
    hits.sort(key=lambda h: h.start)
    return hits
