"""Italian: elided articles and articulated prepositions glued before a term
(l'Italia, dell'Azerbaigian, all'ONU, with ' or ’). The term itself is the hit.

In translations a place name may also stand as its adjective ("from Italy" ->
"italiana"): ``data/it_derived.tsv`` lists those, and verification accepts them."""

from __future__ import annotations

from ..text import is_word_char, word_before_apostrophe
from . import Before, Morphology, read_table


class Italian(Morphology):
    lang = "it"

    def __init__(self) -> None:
        self._elisions = {row[0]: tuple(c for c in row[1:2] if c)
                          for row in read_table("it_elisions.tsv")}

    def before(self, text: str, start: int) -> Before | None:
        if start > 0 and is_word_char(text[start - 1]):
            return None
        glued = word_before_apostrophe(text, start)
        if glued is None:
            return Before()
        cases = self._elisions.get(self.fold(text[glued[0]:glued[1]]))
        if cases is None:
            return None
        return Before(text[glued[0]:start], cases)
