"""The model pool: what is loaded once per process and shared by every call.

    from translate import TranslatorConfig
    from translate.pool import ModelPool
    from translate.request import TranslationRequest

    pool = ModelPool(TranslatorConfig(models_dir="fixtures/models", device="cpu"))
    pool.translate(["The event began with prayers."], TranslationRequest("en", "it"))

A pool holds the checkpoints, engines and backends (loaded lazily, once per checkpoint
and backend), the device, the decoding options and the routes of its
:class:`~translate.config.TranslatorConfig`. Everything that changes per call (direction,
glossary, memory, alignment, alternatives) is a
:class:`~translate.request.TranslationRequest` given to :meth:`ModelPool.translate`, the
one typed entry point; it runs the steps of :mod:`translate.steps` (identity, memory,
route/pivot, glossary enforcement). :class:`~translate.Translator` is a thin keyword
wrapper over a pool.
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Sequence

from . import pipeline, steps
from .config import BACKENDS, TranslatorConfig, as_config, resolve_glossary
from .errors import UserError, param
from .languages import normalise_lang
from .models.backends import configure_openmp, cuda_available
from .models.engine import DecodeOptions, TranslationEngine
from .models.registry import ModelRegistry, Step
from .pipeline import ArticleTranslation, Translation
from .request import POOL_GLOSSARY, TranslationRequest

_UNSET = object()


def _choose_backend(backend: str) -> str:
    """``torch`` or ``ctranslate2``; ``auto`` is ctranslate2 when it is installed."""
    if backend not in BACKENDS:
        raise UserError(f"unknown backend {backend!r}: use torch, ctranslate2 or auto")
    if backend == "torch":
        return backend
    from .models.backends import ctranslate2_backend

    if ctranslate2_backend.available():
        return "ctranslate2"
    if backend == "auto":
        return "torch"
    ctranslate2_backend.import_ctranslate2()  # raises the one-line install hint
    return backend


def _default_device(backend: str = "torch") -> str:
    return "cuda" if cuda_available(backend) else "cpu"


class ModelPool:
    """Engines, checkpoints, backends, device and routes of one configuration, built
    once per process and shared by every request (and by every
    :class:`~translate.Translator` made over it)."""

    def __init__(self, config: TranslatorConfig, *, progress: bool = False) -> None:
        config = as_config(config)
        self.config = config
        models_dir = config.models_dir or os.environ.get("TRANSLATE_MODELS_DIR") or None
        self.registry = ModelRegistry(config.models, models_dir)
        self._device = config.device
        configure_openmp(config.threads)  # before ctranslate2 or torch loads OpenMP
        self.backend = _choose_backend(config.backend)
        self.options = DecodeOptions(beam_size=config.beam_size or 4,
                                     max_batch_tokens=config.max_batch_tokens)
        self.progress = progress
        self._engines: dict[tuple[str, str, str, str], TranslationEngine] = {}
        self._checkpoints: dict[tuple[str, str, str], object] = {}
        self._loaded: dict[str, object] = {}  # checkpoint reference -> loaded checkpoint
        self._backends: dict[tuple[str, str], object] = {}
        self._glossary: object = _UNSET
        self._memory_keys: dict[tuple[str, str, int], tuple[object, object]] = {}

    @property
    def enforce_terms(self) -> bool:
        return self.config.enforce_terms

    @property
    def device(self) -> str:
        if self._device is None:
            self._device = _default_device(self.backend)
        elif self._device == "cuda":
            if not cuda_available(self.backend):
                raise UserError(f"{param('device', 'cuda')}: no CUDA device is available here; "
                                f"use {param('device', 'cpu')}")
        return self._device

    @property
    def glossary(self):
        """The glossary of the config (``None`` when glossaries are off), loaded once."""
        if self._glossary is _UNSET:
            self._glossary = resolve_glossary(self.config.glossary)
        return self._glossary

    def glossary_for(self, request: TranslationRequest):
        """The glossary in force for ``request`` (the pool's unless the request names one)."""
        return self.glossary if request.glossary is POOL_GLOSSARY else request.glossary

    # ------------------------------------------------------------------ models

    def route(self, src: str, tgt: str) -> tuple[Step, ...]:
        return self.registry.route(normalise_lang(src), normalise_lang(tgt))

    def engine(self, step: Step, backend: str | None = None) -> TranslationEngine:
        """The loaded engine for one route step (loaded on first use, then reused).

        ``backend`` defaults to the pool's (both backends decode glossary
        constraints).
        """
        backend = backend or self.backend
        key = (step.spec.ref, step.spec.target_token or step.tgt, step.tgt, backend)
        if key not in self._engines and step.spec.pseudo:  # no model: letters mapped
            from .pseudo import PseudoEngine

            self._engines[key] = PseudoEngine(step.tgt, self.config.pseudo_expansion)
        if key not in self._engines:
            checkpoint = self._checkpoint(step, weights=backend == "torch")
            # one decoder per checkpoint and backend: a multilingual checkpoint serving
            # several targets (en-trk: az and it) is loaded, and converted, once
            bkey = (checkpoint.ref, backend)
            if bkey not in self._backends:
                self._backends[bkey] = self._make_backend(checkpoint, backend)
            self._engines[key] = TranslationEngine(checkpoint, self._backends[bkey])
        return self._engines[key]

    def _checkpoint(self, step: Step, *, weights: bool):
        """The checkpoint for ``step``, loaded once per process and reference; another
        target of the same multilingual checkpoint shares its tokenizer and weights and
        differs only in the target token."""
        from .models.loading import choose_target_token, load_checkpoint

        ckey = (step.spec.ref, step.spec.target_token or step.tgt, step.tgt)
        checkpoint = self._checkpoints.get(ckey)
        if checkpoint is not None and (checkpoint.model is not None or not weights):
            return checkpoint
        loaded = self._loaded.get(step.spec.ref)
        # ctranslate2 runs converted weights: the tokenizer is all it needs loaded
        if loaded is None or (weights and loaded.model is None):
            checkpoint = load_checkpoint(step.spec, step.tgt, device=self.device,
                                         allow_pickle=self.config.allow_pickle,
                                         weights=weights)
            self._loaded[step.spec.ref] = checkpoint
        else:
            token = choose_target_token(step.spec, step.tgt,
                                        list(loaded.tokenizer.supported_language_codes),
                                        loaded.path)
            checkpoint = dataclasses.replace(loaded, target_token=token)
        self._checkpoints[ckey] = checkpoint
        return checkpoint

    def _make_backend(self, checkpoint, backend: str):
        if backend == "ctranslate2":
            from .models.backends.ctranslate2_backend import CTranslate2Backend

            return CTranslate2Backend(checkpoint, self.device, threads=self.config.threads)
        from .models.backends.torch_backend import TorchBackend

        decoder = checkpoint.tokenizer.decoder
        pieces = [decoder.get(i, "") for i in range(len(decoder))]
        return TorchBackend(checkpoint.model, self.device, pieces, threads=self.config.threads)

    def model_names(self, route: Sequence[Step]) -> tuple[str, ...]:
        """The names of the route's engines (loading them), as reports show them."""
        return tuple(self.engine(step).name for step in route)

    def progress_for(self, total: int):
        """A progress callback for ``total`` texts (``None``: no bar)."""
        if not self.progress or total < 8:
            return None
        from .progress import Progress

        return Progress(total, "translating").update

    def memory_key(self, src: str, tgt: str, glossary: object = POOL_GLOSSARY):
        """The key a translation memory stores this pool's sentences under, with
        ``glossary`` in force (:func:`translate.article_memory.route_key`; computed once
        per direction and glossary)."""
        from .article_memory import route_key

        if glossary is POOL_GLOSSARY:
            glossary = self.glossary
        key = (src, tgt, id(glossary))
        if key not in self._memory_keys:  # the glossary is kept, so its id stays its own
            self._memory_keys[key] = (route_key(self, src, tgt, glossary), glossary)
        return self._memory_keys[key][0]

    def align_pairs(self, sources: Sequence[str], targets: Sequence[str], src: str, tgt: str
                    ) -> list[tuple[object, ...]]:
        """Word links between each source and a given translation of it (forced alignment
        with the direction's model; a pivot route gives no links, its English being
        unknown). Used to put back what a later stage needs placed (a dropped catalog
        placeholder)."""
        src, tgt = normalise_lang(src), normalise_lang(tgt)
        route = self.route(src, tgt)
        if src == tgt or len(route) != 1:
            return [() for _ in sources]
        return self.engine(route[0]).align(list(sources), list(targets), src_lang=src,
                                           tgt_lang=tgt)

    # ------------------------------------------------------------------ translation

    def translate(self, texts: Sequence[str], request: TranslationRequest
                  ) -> list[Translation]:
        """Translate each text (a sentence or short passage) as ``request`` asks; one
        :class:`~translate.pipeline.Translation` per input, in order.

        The steps (:mod:`translate.steps`): source equal to target is copied
        (identity); texts are normalised once and blank ones kept; the memory answers
        what it can; the route's models decode the rest (a pivot is its steps composed);
        glossary terms are verified and enforced; word links and alternatives are added
        when asked for; every report is mapped back to the caller's text."""
        if isinstance(texts, str):
            raise TypeError("translate() takes a list of texts, not one string")
        if request.alternatives < 0:
            raise UserError(f"alternatives={request.alternatives}: use 0 or more")
        src, tgt = normalise_lang(request.src), normalise_lang(request.tgt)
        if src == tgt:
            return steps.identity(texts, src, align=request.align)
        call = steps.Call(self, src, tgt, self.registry.route(src, tgt),
                          self.glossary_for(request), request.memory, request.align,
                          request.alternatives)
        return steps.translate_texts(texts, call)

    def translate_article(self, text: str, request: TranslationRequest
                          ) -> ArticleTranslation:
        """Translate an article, keeping its paragraphs, blank lines and headline exactly
        (``request.src`` may be ``"auto"``); segments already in the target are kept,
        segments in another supported language go through their own model."""
        src = normalise_lang(request.src, allow_auto=True)
        tgt = normalise_lang(request.tgt)
        return pipeline.translate_article(
            text, src, tgt,
            lambda texts, lang, to: self.translate(
                texts, dataclasses.replace(request, src=lang, tgt=to)))
