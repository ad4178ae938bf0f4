"""The public entry point: one ``Translator`` with explicit keyword options.

The primary form is a :class:`~translate.pool.ModelPool` (the models of one
configuration, built once per process) and one :class:`~translate.request.TranslationRequest`
per call::

    >>> from translate import Translator, TranslationRequest
    >>> tr = Translator(models_dir="fixtures/models", device="cpu")
    >>> tr.run(["The event began with prayers."], TranslationRequest("en", "it"))

``translate``, ``translate_batch`` and ``translate_article`` are the same call with the
request's fields as keywords. Models load lazily, once per process, and are reused
across calls, files, targets and every translator made over the same pool
(:meth:`Translator.using`).
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping, Sequence

from .config import TranslatorConfig, as_config
from .models.backends import DEFAULT_BACKEND
from .models.engine import DecodeOptions, TranslationEngine
from .models.registry import ModelSpec, Step
from .pipeline import ArticleTranslation, Translation
from .pool import ModelPool
from .request import POOL_GLOSSARY, TranslationRequest

_KEEP = object()

class Translator:
    """Translate between en, az and it with OPUS-MT checkpoints.

    A thin wrapper over a :class:`~translate.pool.ModelPool` (``translator.pool``, the
    loaded models, shared) and the per-call choices it applies by default (a glossary,
    a translation memory: :meth:`using`). Built from a
    :class:`~translate.config.TranslatorConfig` (:meth:`from_config`, what workers use)
    or from the same options as keywords (shorthand that builds the config);
    ``translator.config`` is the config in force. :meth:`run` is the typed entry point
    (a :class:`~translate.request.TranslationRequest` per call).

    Args:
        models: per-direction overrides, ``{"en-it": "PATH_OR_HUB_ID"}`` or a list of
            ``"en-it=PATH"`` strings (as ``--model``); ``"REF:>>code<<"`` picks the target
            token of a multilingual checkpoint.
        models_dir: a directory holding ``<src>-<tgt>/`` checkpoints, searched before the
            defaults (default: ``$TRANSLATE_MODELS_DIR``).
        device: ``"cpu"`` or ``"cuda"`` (default: cuda when available).
        backend: ``"ctranslate2"`` (the default: the checkpoint converted once into
            ``$TRANSLATE_CACHE_DIR``, int8 on CPU, run without torch, glossary re-decodes
            included), ``"torch"`` (transformers) or ``"auto"`` (ctranslate2
            when installed, else torch).
        beam_size: beam width (default 4, as OPUS-MT's generation config).
        max_batch_tokens: token budget of one decoder batch (source tokens x sentences).
        glossary: ``None`` for the shipped news glossary, ``False`` for none, or paths /
            a ``translate.glossary.Glossary``.
        enforce_terms: re-decode sentences that miss a glossary term (protected source,
            constrained decoding); ``False`` only verifies and reports the terms.
        allow_pickle: accept checkpoints that only ship pickle weights.
        threads: CPU threads for the model (default: ``OMP_NUM_THREADS`` when set, else
            every core this process may use).
        progress: show a progress bar on stderr (only when it is a terminal).
        limits: what an input file may hold (:class:`~translate.limits.Limits`), for
            the documents and catalogs translated with this translator.
    """

    def __init__(self, models: Mapping[str, str | ModelSpec] | Iterable[str] | None = None,
                 models_dir: str | os.PathLike[str] | None = None, *,
                 device: str | None = None, backend: str = DEFAULT_BACKEND,
                 beam_size: int | None = None, max_batch_tokens: int = 4096,
                 glossary: object = None, enforce_terms: bool = True,
                 allow_pickle: bool = False, threads: int | None = None,
                 progress: bool = False, limits: object = None) -> None:
        config = TranslatorConfig(
            models=models, models_dir=models_dir, device=device, backend=backend,
            beam_size=beam_size, max_batch_tokens=max_batch_tokens, glossary=glossary,
            enforce_terms=enforce_terms, allow_pickle=allow_pickle, threads=threads,
            limits=limits)
        self.pool = ModelPool(config, progress=progress)
        self._glossary: object = POOL_GLOSSARY
        self._memory: object = None

    @classmethod
    def from_config(cls, config: TranslatorConfig, *, progress: bool = False) -> Translator:
        """The translator ``config`` describes (the keyword form above builds a
        :class:`~translate.config.TranslatorConfig` and calls this)."""
        return cls.over(ModelPool(as_config(config), progress=progress))

    @classmethod
    def over(cls, pool: ModelPool, *, glossary: object = POOL_GLOSSARY,
             memory: object = None) -> Translator:
        """A translator over ``pool`` (its models shared) whose calls use ``glossary``
        and ``memory`` unless a call says otherwise."""
        self = cls.__new__(cls)
        self.pool = pool
        self._glossary = glossary
        self._memory = memory
        return self

    def using(self, *, glossary: object = _KEEP, memory: object = _KEEP) -> Translator:
        """This translator's models with other per-call defaults: ``glossary`` (a loaded
        :class:`~translate.glossary.Glossary`, ``None`` for none, or
        :data:`~translate.request.POOL_GLOSSARY`) and ``memory`` (as
        :meth:`translate_batch`); what is not given stays as it is. Loads nothing."""
        return Translator.over(self.pool,
                               glossary=self._glossary if glossary is _KEEP else glossary,
                               memory=self._memory if memory is _KEEP else memory)

    # ------------------------------------------------------------------ the pool's

    @property
    def config(self) -> TranslatorConfig:
        return self.pool.config

    @property
    def registry(self):
        return self.pool.registry

    @property
    def backend(self) -> str:
        return self.pool.backend

    @property
    def device(self) -> str:
        return self.pool.device

    @property
    def options(self) -> DecodeOptions:
        return self.pool.options

    @options.setter
    def options(self, value: DecodeOptions) -> None:
        self.pool.options = value

    @property
    def progress(self) -> bool:
        return self.pool.progress

    @progress.setter
    def progress(self, value: bool) -> None:
        self.pool.progress = value

    @property
    def enforce_terms(self) -> bool:
        return self.config.enforce_terms

    @property
    def allow_pickle(self) -> bool:
        return self.config.allow_pickle

    @property
    def glossary(self):
        """The glossary in force (``None`` when glossaries are off)."""
        return self.pool.glossary if self._glossary is POOL_GLOSSARY else self._glossary

    def engine(self, step: Step, backend: str | None = None) -> TranslationEngine:
        """The loaded engine for one route step (:meth:`ModelPool.engine`)."""
        return self.pool.engine(step, backend)

    def route(self, src: str, tgt: str) -> tuple[Step, ...]:
        return self.pool.route(src, tgt)

    def memory_key(self, src: str, tgt: str):
        """The key a translation memory stores this translator's sentences under
        (:func:`translate.article_memory.route_key`; computed once per direction)."""
        return self.pool.memory_key(src, tgt, self._glossary)

    def align_pairs(self, sources: Sequence[str], targets: Sequence[str], src: str, tgt: str
                    ) -> list[tuple[object, ...]]:
        """Word links between each source and a given translation of it
        (:meth:`ModelPool.align_pairs`)."""
        return self.pool.align_pairs(sources, targets, src, tgt)

    # ------------------------------------------------------------------ translation

    def request(self, src: str, tgt: str, **choices) -> TranslationRequest:
        """A :class:`~translate.request.TranslationRequest` with this translator's
        glossary and memory unless ``choices`` give others."""
        choices.setdefault("glossary", self._glossary)
        if choices.get("memory") is None:
            choices["memory"] = self._memory
        return TranslationRequest(src, tgt, **choices)

    def run(self, texts: Sequence[str], request: TranslationRequest) -> list[Translation]:
        """Translate each text as ``request`` asks (:meth:`ModelPool.translate`)."""
        return self.pool.translate(texts, request)

    def translate(self, texts: Sequence[str], src: str, tgt: str) -> list[str]:
        """Translate each text (a sentence or short passage); one output per input."""
        return [t.text for t in self.translate_batch(texts, src, tgt)]

    def translate_batch(self, texts: Sequence[str], src: str, tgt: str, *,
                        align: bool = False, memory: object = None,
                        alternatives: int = 0) -> list[Translation]:
        """Like :meth:`translate`, returning :class:`Translation` objects with warnings and,
        when a glossary is in force, a check per glossary term found in the source: the
        keyword form of ``run(texts, TranslationRequest(src, tgt, ...))``.

        ``align=True`` fills ``Translation.alignment``: word links (``WordLink``, character
        spans of ``source`` and ``text``) from the models' alignment head, composed through
        English for a pivot (see :mod:`translate.models.alignment`); a sentence reused from
        ``memory`` is aligned by forced alignment on a direct route, and gets no links on a
        pivot (its English is not stored).

        ``memory`` (a :class:`~translate.memory.TranslationMemory`): every sentence is
        looked up first under this translator's route key and only the others are decoded
        (then stored); see :mod:`translate.article_memory`.

        ``alternatives=n`` also fills ``Translation.alternatives`` with up to ``n`` other
        translations from the beam (n-best: ``n + 1`` hypotheses decoded, the beam widened
        to ``n + 1`` when it is narrower, which may change the best; below that the best is
        the same as without alternatives). They are normalised as the best one, distinct,
        never equal to it; fewer come back when hypotheses coincide. A pivot (az->it) takes
        them from its last step, over the best pivot text. With a glossary, alternatives are
        verified too and one that misses a term the best translation has is dropped.
        Alternatives carry no alignment; a sentence reused from ``memory`` has none."""
        if isinstance(texts, str):
            raise TypeError("translate() takes a list of texts, not one string")
        return self.run(texts, self.request(src, tgt, align=align, memory=memory,
                                            alternatives=alternatives))

    def translate_article(self, text: str, src: str, tgt: str, *,
                          memory: object = None) -> ArticleTranslation:
        """Translate an article, keeping its paragraphs, blank lines and headline exactly.

        ``src`` may be ``"auto"``. Segments already in ``tgt`` are kept; segments in another
        supported language go through their own model. ``memory``: as
        :meth:`translate_batch` (only the sentences it does not answer are decoded).
        """
        return self.pool.translate_article(text, self.request(src, tgt, memory=memory))
