"""The public entry point: one ``Translator`` with explicit keyword options.

    >>> from translate import Translator
    >>> tr = Translator(models_dir="fixtures/models", device="cpu")
    >>> tr.translate(["The event began with prayers."], src="en", tgt="it")

Models load lazily, once per process, and are reused across calls, files and targets.
"""

from __future__ import annotations

import dataclasses
import os
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence

from . import pipeline
from .errors import UserError
from .languages import normalise_lang
from .models import alignment
from .models.engine import DecodeOptions, TranslationEngine
from .models.registry import ModelRegistry, ModelSpec, Step
from .pipeline import ArticleTranslation, Translation

_UNSET = object()

BACKENDS = ("torch", "ctranslate2", "auto")


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
        backend: ``"torch"`` (transformers), ``"ctranslate2"`` (the checkpoint converted
            once into ``$TRANSLATE_CACHE_DIR``, int8 on CPU; needs the ``fast`` extra; no
            lexical constraints) or ``"auto"`` (ctranslate2 when installed, else torch).
        beam_size: beam width (default 4, as OPUS-MT's generation config).
        max_batch_tokens: token budget of one decoder batch (source tokens x sentences).
        glossary: ``None`` for the shipped news glossary, ``False`` for none, or paths /
            a ``translate.glossary.Glossary``.
        enforce_terms: re-decode sentences that miss a glossary term (protected source,
            constrained decoding); ``False`` only verifies and reports the terms.
        allow_pickle: accept checkpoints that only ship pickle weights.
        progress: show a progress bar on stderr (only when it is a terminal).
    """

    def __init__(self, models: Mapping[str, str | ModelSpec] | Iterable[str] | None = None,
                 models_dir: str | os.PathLike[str] | None = None, *,
                 device: str | None = None, backend: str = "torch",
                 beam_size: int | None = None, max_batch_tokens: int = 4096,
                 glossary: object = None, enforce_terms: bool = True,
                 allow_pickle: bool = False, progress: bool = False) -> None:
        if models_dir is None:
            models_dir = os.environ.get("TRANSLATE_MODELS_DIR") or None
        self.registry = ModelRegistry(models, models_dir)
        if device not in (None, "cpu", "cuda"):
            raise UserError(f"unknown device {device!r}: use cpu or cuda")
        self._device = device
        self.backend = _choose_backend(backend)
        if beam_size is not None and beam_size < 1:
            raise UserError("--beam-size must be at least 1")
        self.options = DecodeOptions(beam_size=beam_size or 4,
                                     max_batch_tokens=max_batch_tokens)
        self.glossary_setting = glossary
        self.enforce_terms = enforce_terms
        self.allow_pickle = allow_pickle
        self.progress = progress
        self._engines: dict[tuple[str, str, str, str], TranslationEngine] = {}
        self._checkpoints: dict[tuple[str, str, str], object] = {}
        self._glossary: object = _UNSET

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

    def engine(self, step: Step, backend: str | None = None) -> TranslationEngine:
        """The loaded engine for one route step (loaded on first use, then reused).

        ``backend`` defaults to the translator's; glossary re-decoding asks for ``torch``,
        the backend with constrained decoding.
        """
        backend = backend or self.backend
        key = (step.spec.ref, step.spec.target_token or step.tgt, step.tgt, backend)
        if key not in self._engines:
            from .models.loading import load_checkpoint

            ckey = (step.spec.ref, step.spec.target_token or step.tgt, step.tgt)
            checkpoint = self._checkpoints.get(ckey)
            # ctranslate2 runs converted weights: the tokenizer is all it needs loaded
            if checkpoint is None or (backend == "torch" and checkpoint.model is None):
                checkpoint = load_checkpoint(step.spec, step.tgt, device=self.device,
                                             allow_pickle=self.allow_pickle,
                                             weights=backend == "torch")
                self._checkpoints[ckey] = checkpoint
            self._engines[key] = TranslationEngine(checkpoint,
                                                   self._make_backend(checkpoint, backend))
        return self._engines[key]

    def _make_backend(self, checkpoint, backend: str):
        if backend == "ctranslate2":
            from .models.backends.ctranslate2_backend import CTranslate2Backend

            return CTranslate2Backend(checkpoint, self.device)
        from .models.backends.torch_backend import TorchBackend

        decoder = checkpoint.tokenizer.decoder
        pieces = [decoder.get(i, "") for i in range(len(decoder))]
        return TorchBackend(checkpoint.model, self.device, pieces)

    @property
    def glossary(self):
        """The glossary in force (``None`` when glossaries are off)."""
        if self._glossary is _UNSET:
            from .glossary import Glossary, default_glossary, load_glossary

            setting = self.glossary_setting
            if setting is False:
                self._glossary = None
            elif setting is None or setting is True:
                self._glossary = default_glossary()
            elif isinstance(setting, Glossary):
                self._glossary = setting
            else:
                paths = [setting] if isinstance(setting, str | os.PathLike) else list(setting)
                self._glossary = load_glossary(paths) if paths else default_glossary()
        return self._glossary

    def route(self, src: str, tgt: str) -> tuple[Step, ...]:
        return self.registry.route(normalise_lang(src), normalise_lang(tgt))

    # ------------------------------------------------------------------ translation

    def translate(self, texts: Sequence[str], src: str, tgt: str) -> list[str]:
        """Translate each text (a sentence or short passage); one output per input."""
        return [t.text for t in self.translate_batch(texts, src, tgt)]

    def translate_batch(self, texts: Sequence[str], src: str, tgt: str, *,
                        align: bool = False) -> list[Translation]:
        """Like :meth:`translate`, returning :class:`Translation` objects with warnings and,
        when a glossary is in force, a check per glossary term found in the source.

        ``align=True`` fills ``Translation.alignment``: word links (``WordLink``, character
        spans of ``source`` and ``text``) from the models' alignment head, composed through
        English for a pivot (see :mod:`translate.models.alignment`)."""
        if isinstance(texts, str):
            raise TypeError("translate() takes a list of texts, not one string")
        src, tgt = normalise_lang(src), normalise_lang(tgt)
        if src == tgt:
            note = f"source and target are both {src}: copied unchanged"
            return [Translation(t, t, src, tgt, (), (note,),
                                alignment=alignment.identity(t, src) if align else ())
                    for t in texts]
        steps = self.registry.route(src, tgt)
        normalised = [pipeline.normalise(t, src) for t in texts]
        unique = [t for t in dict.fromkeys(normalised) if t.strip()]
        current = list(unique)
        last_inputs = current
        warnings: list[list[str]] = [[] for _ in unique]
        models: list[str] = []
        step_links: list[list[tuple]] = []  # align=True: per step, per sentence
        for step in steps:
            engine = self.engine(step)
            models.append(engine.name)
            last_inputs = current
            langs = {"src_lang": step.src, "tgt_lang": step.tgt}
            outs = engine.translate(current, self.options, progress=self._progress(len(current)),
                                    **({"align": True, **langs} if align else {}))
            for w, out in zip(warnings, outs, strict=True):
                w.extend(f"{step.src}->{step.tgt}: {n}" for n in out.warnings)
            current = [pipeline.normalise(o.text, step.tgt) for o in outs]
            if align:
                step_links.append(alignment.step_alignment(engine, last_inputs, outs, current,
                                                           **langs))
        aligned_texts = list(current)
        terms: list[tuple] = [() for _ in unique]
        if self.glossary is not None and unique:
            terms = self._enforce_terms(unique, last_inputs, current, warnings, src, tgt,
                                        steps[-1])
        links: list[tuple] = [() for _ in unique]
        if align and unique:  # outputs re-decoded for the glossary are aligned as they are
            step_links[-1] = alignment.realign(self.engine(steps[-1]), step_links[-1],
                                               last_inputs, aligned_texts, current,
                                               src_lang=steps[-1].src, tgt_lang=tgt)
            links = alignment.chain(step_links)
        done = {u: (c, tuple(w), t, a)
                for u, c, w, t, a in zip(unique, current, warnings, terms, links, strict=True)}
        results = []
        for original, norm in zip(texts, normalised, strict=True):
            text, warns, checks, found = done.get(norm, (original, (), (), ()))
            result = Translation(original, text, src, tgt, tuple(models), warns, checks)
            if found:
                result = dataclasses.replace(result, alignment=alignment.respan_source(
                    found, original, norm, src))
            results.append(result)
        return results

    def _enforce_terms(self, sources: list[str], last_inputs: list[str], outputs: list[str],
                       warnings: list[list[str]], src: str, tgt: str, last: Step
                       ) -> list[tuple]:
        """Verify glossary terms; re-decode the sentences that miss one with the terms
        protected in the source and constrained in decoding (torch backend), and keep the
        re-decoded output where it carries more of them. Updates ``outputs`` in place."""
        from .glossary import match_terms, verify_terms
        from .models.constrained import make_constraint

        glossary = self.glossary
        hits = [match_terms(s, glossary, src, tgt) for s in sources]
        checks = [verify_terms(o, h, tgt) for o, h in zip(outputs, hits, strict=True)]
        redo = [i for i, c in enumerate(checks) if any(not x.ok for x in c)]
        if not redo or not self.enforce_terms:
            return [tuple(c) for c in checks]
        engine = self.engine(last, backend="torch")
        tok = engine.checkpoint.tokenizer

        def spellable(term: str) -> bool:
            return make_constraint(term, tok, tgt) is not None

        protected, constraints = [], []
        for i in redo:
            required = {h.target for h in hits[i]}
            # terms as they stand in the last step's input (the English of a pivot)
            step_hits = [h for h in match_terms(last_inputs[i], glossary, last.src, tgt)
                         if h.target in required] if last.src != src else hits[i]
            prot = pipeline.protect(last_inputs[i], step_hits, spellable)
            protected.append(prot)
            ph_for = {term: ph for ph, term in prot.placeholders}
            cons = []
            for term, count in Counter(h.target for h in hits[i]).items():
                c = make_constraint(ph_for.get(term, term), tok, tgt) or make_constraint(
                    ph_for.setdefault(term, pipeline.placeholder(len(ph_for))), tok, tgt)
                if c is not None:
                    cons.append(dataclasses.replace(c, count=count))
            if any(ph not in prot.text for ph in ph_for.values()):
                prot = pipeline.Protected(prot.text, tuple((ph, t) for t, ph in ph_for.items()))
                protected[-1] = prot
            constraints.append(cons)
        outs = engine.translate([p.text for p in protected], self.options,
                                constraints=constraints)
        for i, prot, out, cons in zip(redo, protected, outs, constraints, strict=True):
            text = pipeline.restore(pipeline.normalise(out.text, tgt), prot)
            new = verify_terms(text, hits[i], tgt)
            if sum(c.ok for c in new) > sum(c.ok for c in checks[i]):
                outputs[i] = text
                checks[i] = new
                warnings[i].append(f"glossary: re-decoded with {len(cons)} "
                                   "term constraint(s)")
                warnings[i].extend(f"{last.src}->{last.tgt}: {n}" for n in out.warnings)
        return [tuple(c) for c in checks]

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
