"""What one translation call asks for: a small frozen :class:`TranslationRequest`.

    pool = ModelPool(TranslatorConfig(models_dir="fixtures/models"))   # once per process
    pool.translate(["The event began."], TranslationRequest("en", "it", align=True))

The :class:`~translate.pool.ModelPool` holds what is loaded once and shared (checkpoints,
engines, backends, the device, the routes); the request holds what changes from call to
call (as CTranslate2 keeps per-call options out of its ``Translator``): the direction, the
glossary, the translation memory, word alignment and n-best alternatives. A server answers
each HTTP request with its own request object over one shared pool.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final


class _PoolGlossary:
    """The glossary of the pool's configuration (``TranslatorConfig.glossary``)."""

    def __repr__(self) -> str:
        return "POOL_GLOSSARY"


#: ``TranslationRequest.glossary`` default: the glossary the pool's config names.
POOL_GLOSSARY: Final = _PoolGlossary()


@dataclass(frozen=True, slots=True)
class TranslationRequest:
    """One call's choices.

    Args:
        src: the source language (``"auto"`` is decided per article or document, by
            :mod:`translate.detect`, before sentences reach the models).
        tgt: the target language. A later engine may answer a pseudo-locale (``en-XA``)
            behind the same interface: the route names the engine, the request does not
            change.
        glossary: :data:`POOL_GLOSSARY` (the pool's), ``None`` for none, or a loaded
            :class:`~translate.glossary.Glossary` (a server's per-request glossary).
        memory: a :class:`~translate.memory.TranslationMemory` or a
            :class:`~translate.article_memory.SentenceMemory`: sentences are looked up
            there first and only the others decoded (then stored).
        align: fill ``Translation.alignment`` with word links.
        alternatives: up to this many other translations from the beam per text.
    """

    src: str
    tgt: str
    glossary: object = POOL_GLOSSARY
    memory: object = None
    align: bool = False
    alternatives: int = 0
