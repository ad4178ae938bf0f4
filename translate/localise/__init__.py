"""Localisation: software catalogs (gettext PO/POT, JSON bundles, XLIFF 1.2/2.0) through
the same protect -> translate -> restore -> verify stages as articles.

* :mod:`.units` - the data model (:class:`Unit`, :class:`Document`, :class:`Fill`);
* :mod:`.formats` - one module per file format, reading units and writing filled files;
* :mod:`.placeholders` and :mod:`.messages` - masking placeholders and markup, splitting
  lines and ICU MessageFormat into translatable pieces;
* :mod:`.checkers` - the QA checks;
* :mod:`.jobs` - :func:`run_job`, resumable through the translation memory
  (:mod:`translate.memory`), with its parts: :mod:`.report`, :mod:`.discovery`,
  :mod:`.memory_policy`, :mod:`.qa`, :mod:`.writing`.
"""

from __future__ import annotations

from .checkers import CHECKERS, CheckContext, Finding, run_checks
from .jobs import run_job
from .messages import Split, split_message
from .placeholders import Protected, mask, restore
from .qa import glossary_term_check
from .report import JobReport
from .units import Document, Existing, Fill, Unit

#: the older name of :class:`Finding` (a checker's finding about one translation)
Problem = Finding

__all__ = [
    "CHECKERS",
    "CheckContext",
    "Document",
    "Existing",
    "Fill",
    "Finding",
    "JobReport",
    "Problem",
    "Protected",
    "Split",
    "Unit",
    "glossary_term_check",
    "mask",
    "restore",
    "run_checks",
    "run_job",
    "split_message",
]
