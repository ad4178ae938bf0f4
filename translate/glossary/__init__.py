"""Glossaries: load (TSV, CSV, TBX), match terms in source text with per-language
morphology, verify them in translations.

The pipeline calls :func:`match_terms` on each source segment before translation and
:func:`verify_terms` on the output after it::

    g = default_glossary()                       # or load_glossary(["a.tsv", "b.tbx"])
    hits = match_terms("Azerbaijan's ambassador", g, "en", "az")
    checks = verify_terms("Azərbaycanın səfiri", hits, "az")   # status "found"

:func:`inflect_az` spells an Azerbaijani target with the case a hit calls for.
"""

from __future__ import annotations

from .load import check_file, default_glossary, describe_glossary, load_glossary
from .match import TermHit, match_terms
from .model import Concept, Glossary, Term, TermEntry
from .morphology.az import CASES as AZ_CASES
from .morphology.az import analyse_suffix as analyse_az_suffix
from .morphology.az import inflect_az
from .verify import FOUND, MALFORMED, MISSING, TermCheck, verify_terms

__all__ = [
    "AZ_CASES",
    "FOUND",
    "MALFORMED",
    "MISSING",
    "Concept",
    "Glossary",
    "Term",
    "TermCheck",
    "TermEntry",
    "TermHit",
    "analyse_az_suffix",
    "check_file",
    "default_glossary",
    "describe_glossary",
    "inflect_az",
    "load_glossary",
    "match_terms",
    "verify_terms",
]
