"""The public entry point: one ``Translator`` with explicit keyword options.

    >>> from translate import Translator
    >>> tr = Translator(models_dir="fixtures/models", device="cpu")
    >>> tr.translate(["The event began with prayers."], src="en", tgt="it")

Models load lazily, once per process, and are reused across calls, files and targets.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path

from . import pipeline
from .errors import UserError
from .languages import normalise_lang
from .models.engine import DecodeOptions, TranslationEngine
from .models.registry import ModelRegistry, ModelSpec, Step
from .pipeline import ArticleTranslation, Translation


def _default_device() -> str:
    import torch

    return "cuda" if torch.cuda.is_available() else "cpu"


class Translator:
    """Translate between en, az and it with OPUS-MT checkpoints.

    Args:
        models: per-direction overrides, ``{"en-it": "PATH_OR_HUB_ID"}`` or a list of
            ``"en-it=PATH"`` strings (as ``--model``); ``"REF:>>code<<"`` picks the target
            token of a multilingual checkpoint.
        models_dir: a directory holding ``<src>-<tgt>/`` checkpoints, searched before the
            defaults (default: ``$TRANSLATE_MODELS_DIR``).
        device: ``"cpu"`` or ``"cuda"`` (default: cuda when available).
        backend: ``"torch"`` (transformers) or ``"ctranslate2"``.
        beam_size: beam width (default 4, as OPUS-MT's generation config).
        max_batch_tokens: token budget of one decoder batch (source tokens x sentences).
        glossary: ``None`` for the shipped news glossary, ``False`` for none, or paths /
            a ``translate.glossary.Glossary``.
        allow_pickle: accept checkpoints that only ship pickle weights.
        progress: show a progress bar on stderr (only when it is a terminal).
    """

    def __init__(self, models: Mapping[str, str | ModelSpec] | Iterable[str] | None = None,
                 models_dir: str | os.PathLike[str] | None = None, *,
                 device: str | None = None, backend: str = "torch",
                 beam_size: int | None = None, max_batch_tokens: int = 4096,
                 glossary: object = None, allow_pickle: bool = False,
                 progress: bool = False) -> None:
        if models_dir is None:
            models_dir = os.environ.get("TRANSLATE_MODELS_DIR") or None
        self.registry = ModelRegistry(models, models_dir)
        if device not in (None, "cpu", "cuda"):
            raise UserError(f"unknown device {device!r}: use cpu or cuda")
        self._device = device
        if backend not in ("torch", "ctranslate2"):
            raise UserError(f"unknown backend {backend!r}: use torch or ctranslate2")
        self.backend = backend
        if beam_size is not None and beam_size < 1:
            raise UserError("--beam-size must be at least 1")
        self.options = DecodeOptions(beam_size=beam_size or 4,
                                     max_batch_tokens=max_batch_tokens)
        self.glossary_setting = glossary
        self.allow_pickle = allow_pickle
        self.progress = progress
        self._engines: dict[tuple[str, str | None, str], TranslationEngine] = {}

    # ------------------------------------------------------------------ models

    @property
    def device(self) -> str:
        if self._device is None:
            self._device = _default_device()
        elif self._device == "cuda":
            import torch

            if not torch.cuda.is_available():
                raise UserError("--device cuda: no CUDA device is available here; "
                                "use --device cpu")
        return self._device

    def engine(self, step: Step) -> TranslationEngine:
        """The loaded engine for one route step (loaded on first use, then reused)."""
        key = (step.spec.ref, step.spec.target_token or step.tgt, step.tgt)
        if key not in self._engines:
            from .models.backends.torch_backend import TorchBackend
            from .models.loading import load_checkpoint

            checkpoint = load_checkpoint(step.spec, step.tgt, device=self.device,
                                         allow_pickle=self.allow_pickle)
            backend = TorchBackend(checkpoint.model, self.device)
            self._engines[key] = TranslationEngine(checkpoint, backend)
        return self._engines[key]

    def route(self, src: str, tgt: str) -> tuple[Step, ...]:
        return self.registry.route(normalise_lang(src), normalise_lang(tgt))

    # ------------------------------------------------------------------ translation

    def translate(self, texts: Sequence[str], src: str, tgt: str) -> list[str]:
        """Translate each text (a sentence or short passage); one output per input."""
        return [t.text for t in self.translate_batch(texts, src, tgt)]

    def translate_batch(self, texts: Sequence[str], src: str, tgt: str) -> list[Translation]:
        """Like :meth:`translate`, returning :class:`Translation` objects with warnings."""
        if isinstance(texts, str):
            raise TypeError("translate() takes a list of texts, not one string")
        src, tgt = normalise_lang(src), normalise_lang(tgt)
        if src == tgt:
            note = f"source and target are both {src}: copied unchanged"
            return [Translation(t, t, src, tgt, (), (note,)) for t in texts]
        steps = self.registry.route(src, tgt)
        normalised = [pipeline.normalise(t, src) for t in texts]
        unique = [t for t in dict.fromkeys(normalised) if t.strip()]
        current = list(unique)
        warnings: list[list[str]] = [[] for _ in unique]
        models: list[str] = []
        for step in steps:
            engine = self.engine(step)
            models.append(engine.name)
            outs = engine.translate(current, self.options, progress=self._progress(len(current)))
            for w, out in zip(warnings, outs, strict=True):
                w.extend(f"{step.src}->{step.tgt}: {n}" for n in out.warnings)
            current = [pipeline.normalise(o.text, step.tgt) for o in outs]
        done = {u: (c, tuple(w)) for u, c, w in zip(unique, current, warnings, strict=True)}
        results = []
        for original, norm in zip(texts, normalised, strict=True):
            text, warns = done.get(norm, (original, ()))
            results.append(Translation(original, text, src, tgt, tuple(models), warns))
        return results

    def translate_article(self, text: str, src: str, tgt: str) -> ArticleTranslation:
        """Translate an article, keeping its paragraphs, blank lines and headline exactly.

        ``src`` may be ``"auto"``. Segments already in ``tgt`` are kept; segments in another
        supported language go through their own model.
        """
        src = normalise_lang(src, allow_auto=True)
        tgt = normalise_lang(tgt)
        return pipeline.translate_article(text, src, tgt, self.translate_batch)

    def _progress(self, total: int):
        if not self.progress or total < 8:
            return None
        from .progress import Progress

        return Progress(total, "translating").update
