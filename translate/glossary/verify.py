"""Check that a translation carries the terms its source required.

``verify_terms(output, hits, tgt)`` gives one :class:`TermCheck` per hit: ``found`` when
the required form stands in the output on word boundaries (English possessive after it,
Italian elision before it, and for Azerbaijani any valid suffix chain: Xocalıda), and
``malformed`` when an Azerbaijani form is followed by letters that are no valid suffix
chain (Xocalıyda, Xocalıdaa); otherwise ``missing``. Each place in the output answers
one hit only: two hits for Xocalı need two occurrences. Longer forms are placed first,
so "Xocalıya ədalət" is not also counted as "Xocalı".

``source_kept`` says that the term's *source* spelling (as it stood in the source) is
still in the output, outside the required form: ``Roma (Rome)``, or the untranslated name
beside the right one. The check still says ``found`` when the required form is there too,
but the sentence is flagged for review and ``--strict`` fails on it.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Literal

from ..languages import normalise_lang
from .match import TermHit
from .morphology import morphology_for
from .text import nfc_with_offsets, scan_word

Status = Literal["found", "missing", "malformed"]
FOUND: Status = "found"
MISSING: Status = "missing"
MALFORMED: Status = "malformed"


@dataclass(frozen=True, slots=True)
class TermCheck:
    """The verdict for one hit; ``start``/``end`` index the output (the form itself) and
    ``suffix`` is what followed it in the same word."""

    hit: TermHit
    status: Status
    start: int | None = None
    end: int | None = None
    suffix: str = ""
    source_kept: bool = False  # the source spelling still stands in the output

    @property
    def ok(self) -> bool:
        return self.status == FOUND


def source_spelling_kept(output_text: str, hit: TermHit) -> bool:
    """Whether ``hit``'s source spelling stands in ``output_text`` on word boundaries,
    outside every occurrence of the required form (a term written the same in both
    languages never counts)."""
    surface = hit.surface.strip()
    if not surface or surface.casefold() in hit.target.casefold():
        return False
    targets = [(m.start(), m.end()) for m in re.finditer(re.escape(hit.target), output_text)]
    for m in re.finditer(r"(?<!\w)" + re.escape(surface) + r"(?!\w)", output_text):
        if not any(a <= m.start() and m.end() <= b for a, b in targets):
            return True
    return False


def verify_terms(output_text: str, hits: Sequence[TermHit], tgt: str) -> list[TermCheck]:
    """One check per hit, in the order of ``hits``."""
    morph = morphology_for(normalise_lang(tgt))
    norm = nfc_with_offsets(output_text)
    folded = morph.fold(norm.text)
    places: dict[str, list[tuple[Status, int, int, int]]] = {}
    taken: list[tuple[int, int]] = []
    checks: list[TermCheck | None] = [None] * len(hits)

    for i in sorted(range(len(hits)), key=lambda i: -len(hits[i].target)):
        target = hits[i].target
        if target not in places:
            found = []
            for form in morph.variants(target):
                for occ in morph.find(norm.text, folded, form):
                    if occ.after is not None:
                        found.append((FOUND, occ.start, occ.end,
                                      occ.end + len(occ.after.suffix)))
                    elif morph.inflects:
                        found.append((MALFORMED, occ.start, occ.end,
                                      scan_word(norm.text, occ.end)))
            found.sort(key=lambda p: p[0] != FOUND)  # stable: found first, in text order
            places[target] = found
        for status, lo, end, hi in places[target]:
            if any(lo < t_hi and t_lo < hi for t_lo, t_hi in taken):
                continue
            taken.append((lo, hi))
            start, stop = norm.start_of(lo), norm.end_of(end)
            checks[i] = TermCheck(hits[i], status, start, stop,
                                  output_text[stop:norm.end_of(hi)])
            break
        else:
            checks[i] = TermCheck(hits[i], MISSING)
    return [replace(c, source_kept=True) if source_spelling_kept(output_text, c.hit) else c
            for c in checks if c is not None]
