"""Sentence segmentation with exact character offsets, for English, Azerbaijani and Italian.

>>> [s.text for s in segment("Görüşdə R. Quliyev çıxış edib. Sonra suallar olub.", "az")]
['Görüşdə R. Quliyev çıxış edib.', 'Sonra suallar olub.']

Rules: :mod:`.core` (the scanner), :mod:`.rules` (the base class), one module per
language (:mod:`.en`, :mod:`.az`, :mod:`.it`) with its words in ``data/``.
"""

from __future__ import annotations

from .core import Segment, iter_segments, segment

__all__ = ["Segment", "iter_segments", "segment"]
