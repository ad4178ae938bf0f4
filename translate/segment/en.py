"""English segmentation rules (data: ``data/en_abbreviations.txt``, ``data/en_starters.txt``)."""

from __future__ import annotations

from .rules import LanguageRules


class EnglishRules(LanguageRules):
    """English: titles (Mr., Dr.), U.S. style initialisms, a.m./p.m., months, states."""

    code = "en"
