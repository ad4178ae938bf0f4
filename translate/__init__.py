"""translate: MarianMT (OPUS-MT) translation and localisation for English, Azerbaijani and
Italian, offline, with glossary enforcement.

    from translate import Translator, segment
"""

from .config import TranslatorConfig
from .errors import UserError
from .models.registry import ModelRegistry, ModelSpec
from .pipeline import ArticleTranslation, SegmentRecord, Translation
from .pool import ModelPool
from .request import TranslationRequest
from .segment import Segment, segment
from .translator import Translator

__version__ = "0.1.0"

__all__ = [
    "ArticleTranslation", "ModelPool", "ModelRegistry", "ModelSpec", "Segment",
    "SegmentRecord", "Translation", "TranslationRequest", "Translator", "TranslatorConfig",
    "UserError", "segment", "__version__",
]
