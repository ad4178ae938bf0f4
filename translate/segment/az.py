"""Azerbaijani segmentation rules (data: ``data/az_abbreviations.txt``, ``data/az_starters.txt``).

No published segmenter has Azerbaijani rules; these follow the abbreviations of
Azerbaijani news writing (prof., dos., akad., mln., mlrd., küç., ş., r., k., e.ə., və s.).
"""

from __future__ import annotations

from .rules import LanguageRules


class AzerbaijaniRules(LanguageRules):
    """Azerbaijani: Turkic casing, where ``İ`` lowers to ``i`` and ``I`` to ``ı``."""

    code = "az"

    def lower(self, word: str) -> str:
        return word.replace("İ", "i").replace("I", "ı").lower()
