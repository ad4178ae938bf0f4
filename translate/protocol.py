"""The interfaces the layers depend on, as ``typing.Protocol`` s.

:class:`Translates` is what the fronts (``article``, ``documents/``, ``localise/``,
``serve/``, ``scale/``) ask of a translator: :class:`~translate.Translator` is one; a
test double that only answers ``translate_batch`` stands in for it where that is all a
front calls. :class:`Models` is what the translation steps (:mod:`translate.steps`) and
the memory's route key ask of a :class:`~translate.pool.ModelPool`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from typing import Any, Protocol, runtime_checkable

from .config import TranslatorConfig
from .models.engine import DecodeOptions, TranslationEngine
from .models.registry import Step
from .pipeline import ArticleTranslation, Translation
from .request import TranslationRequest


@runtime_checkable
class Translates(Protocol):
    """A translator: the typed entry point (``run``), the keyword calls of
    :class:`~translate.Translator`, its route, its memory key and its per-call defaults
    (:meth:`~translate.Translator.using`)."""

    config: TranslatorConfig

    @property
    def glossary(self) -> object: ...

    def run(self, texts: Sequence[str], request: TranslationRequest) -> list[Translation]: ...

    def translate(self, texts: Sequence[str], src: str, tgt: str) -> list[str]: ...

    def translate_batch(self, texts: Sequence[str], src: str, tgt: str, *,
                        align: bool = False, memory: object = None,
                        alternatives: int = 0) -> list[Translation]: ...

    def translate_article(self, text: str, src: str, tgt: str, *,
                          memory: object = None) -> ArticleTranslation: ...

    def route(self, src: str, tgt: str) -> tuple[Step, ...]: ...

    def memory_key(self, src: str, tgt: str) -> object: ...

    def align_pairs(self, sources: Sequence[str], targets: Sequence[str], src: str,
                    tgt: str) -> list[tuple[object, ...]]: ...

    def using(self, *, glossary: object = ..., memory: object = None) -> Translates: ...


@runtime_checkable
class MapsArticles(Protocol):
    """A front that translates whole articles elsewhere (worker processes, a Dask
    cluster: :class:`translate.scale.ExecutorTranslate`); this process keeps the
    translation memory, under keys it computes without loading a model."""

    config: TranslatorConfig

    def map_articles(self, items: Sequence[tuple[str, str, str]], *,
                     memory: Sequence[tuple] | None = None) -> Iterator[tuple[int, Any]]: ...

    def memory_key(self, src: str, tgt: str) -> object: ...


class Models(Protocol):
    """What the steps of a call use of a model pool."""

    config: TranslatorConfig
    backend: str
    options: DecodeOptions

    @property
    def device(self) -> str: ...

    @property
    def enforce_terms(self) -> bool: ...

    def route(self, src: str, tgt: str) -> tuple[Step, ...]: ...

    def engine(self, step: Step, backend: str | None = None) -> TranslationEngine: ...

    def model_names(self, route: Sequence[Step]) -> tuple[str, ...]: ...

    def memory_key(self, src: str, tgt: str, glossary: object = ...) -> object: ...

    def progress_for(self, total: int) -> Callable[[int], None] | None: ...
