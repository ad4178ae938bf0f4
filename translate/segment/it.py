"""Italian segmentation rules (data: ``data/it_abbreviations.txt``, ``data/it_starters.txt``)."""

from __future__ import annotations

from .rules import LanguageRules


class ItalianRules(LanguageRules):
    """Italian: titles (Dott., Prof.ssa, Ten.), legal references (D.Lgs., art., pagg.),
    company forms (S.p.A., S.r.l.). Elided words (``l'Avv.``) are looked up without
    their article by the scanner."""

    code = "it"
