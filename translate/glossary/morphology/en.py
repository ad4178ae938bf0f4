"""English: a term may carry the possessive ending (Azerbaijan's, Azerbaijan’s)."""

from __future__ import annotations

from ..text import APOSTROPHES, is_word_char
from . import After, Morphology, read_table


class English(Morphology):
    lang = "en"

    def __init__(self) -> None:
        self._endings = {row[0]: tuple(c for c in row[1:2] if c) for row in read_table(
            "en_suffixes.tsv")}

    def after(self, text: str, folded: str, start: int, end: int) -> After | None:
        n = len(text)
        if end < n and is_word_char(text[end]):
            return None
        if end + 1 < n and text[end] in APOSTROPHES:
            stop = end + 1
            while stop < n and is_word_char(text[stop]):
                stop += 1
            cases = self._endings.get(folded[end + 1:stop])
            if cases is not None:
                return After(text[end:stop], cases)
        return After()
