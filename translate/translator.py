"""The public entry point: one ``Translator`` with explicit keyword options.

    >>> from translate import Translator
    >>> tr = Translator(models_dir="fixtures/models", device="cpu")
    >>> tr.translate(["The event began with prayers."], src="en", tgt="it")

Models load lazily, once per process, and are reused across calls, files and targets.
"""

from __future__ import annotations

import functools
import os
from collections.abc import Iterable, Mapping, Sequence

from . import pipeline
from .config import BACKENDS, TranslatorConfig, as_config, resolve_glossary
from .errors import UserError, param
from .languages import normalise_lang
from .models import alignment
from .models.backends import DEFAULT_BACKEND, configure_openmp, cuda_available
from .models.engine import DecodeOptions, TranslationEngine
from .models.registry import ModelRegistry, ModelSpec, Step
from .pipeline import ArticleTranslation, Translation

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


class Translator:
    """Translate between en, az and it with OPUS-MT checkpoints.

    Built from a :class:`~translate.config.TranslatorConfig` (:meth:`from_config`, the
    primary form, what workers use) or from the same options as keywords (shorthand that
    builds the config); ``translator.config`` is the config in force.

    Args:
        models: per-direction overrides, ``{"en-it": "PATH_OR_HUB_ID"}`` or a list of
            ``"en-it=PATH"`` strings (as ``--model``); ``"REF:>>code<<"`` picks the target
            token of a multilingual checkpoint.
        models_dir: a directory holding ``<src>-<tgt>/`` checkpoints, searched before the
            defaults (default: ``$TRANSLATE_MODELS_DIR``).
        device: ``"cpu"`` or ``"cuda"`` (default: cuda when available).
        backend: ``"ctranslate2"`` (the default: the checkpoint converted once into
            ``$TRANSLATE_CACHE_DIR``, int8 on CPU, run without torch; glossary re-decodes
            still use torch), ``"torch"`` (transformers) or ``"auto"`` (ctranslate2
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
    """

    def __init__(self, models: Mapping[str, str | ModelSpec] | Iterable[str] | None = None,
                 models_dir: str | os.PathLike[str] | None = None, *,
                 device: str | None = None, backend: str = DEFAULT_BACKEND,
                 beam_size: int | None = None, max_batch_tokens: int = 4096,
                 glossary: object = None, enforce_terms: bool = True,
                 allow_pickle: bool = False, threads: int | None = None,
                 progress: bool = False) -> None:
        config = TranslatorConfig(
            models=models, models_dir=models_dir, device=device, backend=backend,
            beam_size=beam_size, max_batch_tokens=max_batch_tokens, glossary=glossary,
            enforce_terms=enforce_terms, allow_pickle=allow_pickle, threads=threads)
        self._setup(config, progress)

    @classmethod
    def from_config(cls, config: TranslatorConfig, *, progress: bool = False) -> Translator:
        """The translator ``config`` describes (the primary constructor; the keyword
        form above builds a :class:`~translate.config.TranslatorConfig` and calls this)."""
        self = cls.__new__(cls)
        self._setup(as_config(config), progress)
        return self

    def _setup(self, config: TranslatorConfig, progress: bool) -> None:
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
        self._memory_keys: dict[tuple[str, str], object] = {}  # translate.article_memory

    @property
    def enforce_terms(self) -> bool:
        return self.config.enforce_terms

    @property
    def allow_pickle(self) -> bool:
        return self.config.allow_pickle

    @property
    def glossary_setting(self) -> object:
        return self.config.glossary

    # ------------------------------------------------------------------ models

    @property
    def device(self) -> str:
        if self._device is None:
            self._device = _default_device(self.backend)
        elif self._device == "cuda":
            if not cuda_available(self.backend):
                raise UserError(f"{param('device', 'cuda')}: no CUDA device is available here; "
                                f"use {param('device', 'cpu')}")
        return self._device

    def engine(self, step: Step, backend: str | None = None) -> TranslationEngine:
        """The loaded engine for one route step (loaded on first use, then reused).

        ``backend`` defaults to the translator's; glossary re-decoding asks for ``torch``,
        the backend with constrained decoding.
        """
        backend = backend or self.backend
        key = (step.spec.ref, step.spec.target_token or step.tgt, step.tgt, backend)
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
        import dataclasses

        from .models.loading import choose_target_token, load_checkpoint

        ckey = (step.spec.ref, step.spec.target_token or step.tgt, step.tgt)
        checkpoint = self._checkpoints.get(ckey)
        if checkpoint is not None and (checkpoint.model is not None or not weights):
            return checkpoint
        loaded = self._loaded.get(step.spec.ref)
        # ctranslate2 runs converted weights: the tokenizer is all it needs loaded
        if loaded is None or (weights and loaded.model is None):
            checkpoint = load_checkpoint(step.spec, step.tgt, device=self.device,
                                         allow_pickle=self.allow_pickle, weights=weights)
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

    @property
    def glossary(self):
        """The glossary in force (``None`` when glossaries are off)."""
        if self._glossary is _UNSET:
            self._glossary = resolve_glossary(self.config.glossary)
        return self._glossary

    def route(self, src: str, tgt: str) -> tuple[Step, ...]:
        return self.registry.route(normalise_lang(src), normalise_lang(tgt))

    # ------------------------------------------------------------------ translation

    def translate(self, texts: Sequence[str], src: str, tgt: str) -> list[str]:
        """Translate each text (a sentence or short passage); one output per input."""
        return [t.text for t in self.translate_batch(texts, src, tgt)]

    def translate_batch(self, texts: Sequence[str], src: str, tgt: str, *,
                        align: bool = False, memory: object = None,
                        alternatives: int = 0) -> list[Translation]:
        """Like :meth:`translate`, returning :class:`Translation` objects with warnings and,
        when a glossary is in force, a check per glossary term found in the source.

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
        if alternatives < 0:
            raise UserError(f"alternatives={alternatives}: use 0 or more")
        src, tgt = normalise_lang(src), normalise_lang(tgt)
        if src == tgt:
            note = f"source and target are both {src}: copied unchanged"
            return [Translation(t, t, src, tgt, (), (note,),
                                alignment=alignment.identity(t, src) if align else ())
                    for t in texts]
        steps = self.registry.route(src, tgt)
        # normalised once, at the front; reports map back to the caller's text
        norms = [pipeline.normalise_with_offsets(t, src) for t in texts]
        normalised = [n.text for n in norms]
        unique = [t for t in dict.fromkeys(normalised) if t.strip()]
        recalled: dict[str, pipeline.Enforced] = {}
        if memory is not None:  # the memory stage: look every sentence up first
            from . import article_memory

            memory = article_memory.as_sentence_memory(memory)
            key = self.memory_key(src, tgt)
            recalled = {s: pipeline.Enforced(t, checks, ()) for s, (t, checks) in
                        article_memory.recall_verified(memory, key, unique,
                                                       self._term_checker(src, tgt)).items()}
            unique = [t for t in unique if t not in recalled]
        models = (tuple(self.engine(step).name for step in steps) if unique or memory is None
                  else key.models)
        # a route is its steps composed: each step's outputs are the next one's inputs
        result = pipeline.StepResult(tuple(unique), tuple(unique), tuple(() for _ in unique))
        step_links: list[list[tuple]] = []  # align=True: per step, per sentence
        alts: list[tuple[str, ...]] = [() for _ in unique]
        for n, step in enumerate(steps):
            last = n == len(steps) - 1
            result = (self._run_step(step, result, align=align,
                                     alternatives=alternatives if last else 0,
                                     alternatives_out=alts if last else None)
                      if unique else result)
            step_links.append(list(result.links) if unique else [])
        done = [pipeline.Enforced(o, (), w) for o, w in zip(result.outputs, result.warnings,
                                                             strict=True)]
        if self.glossary is not None and unique:
            done = self._enforce_terms(unique, result, src, tgt, steps[-1])
        links: list[tuple] = [() for _ in unique]
        if align and unique:  # outputs re-decoded for the glossary are aligned as they are
            step_links[-1] = alignment.realign(
                self.engine(steps[-1]), step_links[-1], result.inputs, result.outputs,
                [e.text for e in done], src_lang=steps[-1].src, tgt_lang=tgt)
            links = alignment.chain(step_links)
        by_text = dict(zip(unique, zip(done, links, strict=True), strict=True))
        if alternatives:
            alts = self._keep_alternatives(unique, done, alts, src, tgt)
        by_alts = dict(zip(unique, alts, strict=True))
        if memory is not None:
            memory.remember(key, [article_memory.Learned(src, tgt, s, e.text,
                                                         article_memory.problems(e.warnings,
                                                                                 e.checks))
                                  for s, (e, _) in by_text.items()])
            recalled_links = self._align_recalled(recalled, steps, src, tgt) if align else {}
            by_text.update({s: (e, recalled_links.get(s, ())) for s, e in recalled.items()})
        results = []
        for original, norm in zip(texts, norms, strict=True):
            found = by_text.get(norm.text)
            if found is None:  # blank: kept as it is
                results.append(Translation(original, original, src, tgt, models, (), ()))
                continue
            e, found_links = found
            checks = pipeline.checks_in_caller_text(e.checks, norm, original)
            results.append(Translation(
                original, e.text, src, tgt, models, e.warnings, checks,
                alignment=alignment.respan_source(found_links, original, norm.text, src)
                if found_links else (), from_memory=norm.text in recalled,
                alternatives=by_alts.get(norm.text, ())))
        return results

    def _keep_alternatives(self, sources: list[str], done: list[pipeline.Enforced],
                           alts: list[tuple[str, ...]], src: str, tgt: str
                           ) -> list[tuple[str, ...]]:
        """Each text's alternatives: distinct, not the best, and (with a glossary) carrying
        every term the best one carries."""
        from .glossary import match_terms, verify_terms

        kept = []
        for source, best, cands in zip(sources, done, alts, strict=True):
            cands = [c for c in dict.fromkeys(cands) if c.strip() and c != best.text]
            need = [c.ok for c in best.checks]  # the terms the best translation carries
            if self.glossary is not None and cands and any(need):
                hits = tuple(match_terms(source, self.glossary, src, tgt))
                cands = [c for c in cands
                         if all(x.ok for x, n in zip(verify_terms(c, hits, tgt), need,
                                                     strict=True) if n)]
            kept.append(tuple(cands))
        return kept

    def align_pairs(self, sources: Sequence[str], targets: Sequence[str], src: str, tgt: str
                    ) -> list[tuple[object, ...]]:
        """Word links between each source and a given translation of it (forced alignment
        with the direction's model; a pivot route gives no links, its English being
        unknown). Used to put back what a later stage needs placed (a dropped catalog
        placeholder)."""
        src, tgt = normalise_lang(src), normalise_lang(tgt)
        steps = self.route(src, tgt)
        if src == tgt or len(steps) != 1:
            return [() for _ in sources]
        return self.engine(steps[0]).align(list(sources), list(targets), src_lang=src,
                                           tgt_lang=tgt)

    def _align_recalled(self, recalled: dict, steps, src: str, tgt: str) -> dict:
        """Forced word links for sentences reused from a memory (direct routes only)."""
        if len(steps) != 1 or not recalled:
            return {}
        sources = list(recalled)
        found = self.engine(steps[0]).align(sources, [recalled[s].text for s in sources],
                                            src_lang=src, tgt_lang=tgt)
        return dict(zip(sources, found, strict=True))

    def memory_key(self, src: str, tgt: str):
        """The key a translation memory stores this translator's sentences under
        (:func:`translate.article_memory.route_key`; computed once per direction)."""
        from .article_memory import route_key

        if (src, tgt) not in self._memory_keys:
            self._memory_keys[(src, tgt)] = route_key(self, src, tgt)
        return self._memory_keys[(src, tgt)]

    def _term_checker(self, src: str, tgt: str):
        """``(source, output) -> term checks`` of the glossary in force (none without)."""
        glossary = self.glossary
        if glossary is None:
            return lambda source, output: ()
        from .glossary import match_terms, verify_terms

        return lambda source, output: verify_terms(output, match_terms(source, glossary,
                                                                       src, tgt), tgt)

    def _run_step(self, step: Step, previous: pipeline.StepResult, *, align: bool = False,
                  alternatives: int = 0, alternatives_out: list | None = None
                  ) -> pipeline.StepResult:
        """One route step over the previous step's outputs (with ``align``, each output's
        word links to its input; with ``alternatives``, each text's other hypotheses,
        normalised, go into ``alternatives_out``)."""
        engine = self.engine(step)
        texts = list(previous.outputs)
        langs = {"src_lang": step.src, "tgt_lang": step.tgt}
        outs = engine.translate(texts, self.options, progress=self._progress(len(texts)),
                                num_hypotheses=alternatives + 1 if alternatives else 1,
                                **({"align": True, **langs} if align else {}))
        if alternatives_out is not None:
            alternatives_out[:] = [tuple(pipeline.normalise(a, step.tgt)
                                         for a in out.alternatives) for out in outs]
        warnings = tuple((*w, *(f"{step.src}->{step.tgt}: {n}" for n in out.warnings))
                         for w, out in zip(previous.warnings, outs, strict=True))
        outputs = tuple(pipeline.normalise(o.text, step.tgt) for o in outs)
        links = (tuple(alignment.step_alignment(engine, texts, outs, outputs, **langs))
                 if align else ())
        return pipeline.StepResult(tuple(texts), outputs, warnings, links)

    def _enforce_terms(self, sources: list[str], last_step: pipeline.StepResult, src: str,
                       tgt: str, last: Step) -> list[pipeline.Enforced]:
        """The glossary stages (:mod:`translate.pipeline`, "terms"): verify the terms of
        every sentence; re-decode those that miss one with the terms protected in the
        last step's input and constrained in decoding (torch backend); keep the re-decoded
        output where it carries more of them."""
        from .glossary import match_terms, verify_terms
        from .models.constrained import make_constraint

        glossary = self.glossary
        hits = [tuple(match_terms(s, glossary, src, tgt)) for s in sources]
        current = [pipeline.Enforced(o, tuple(verify_terms(o, h, tgt)), w)
                   for o, h, w in zip(last_step.outputs, hits, last_step.warnings,
                                      strict=True)]
        redo_ids = pipeline.missing_any([e.checks for e in current])
        if not redo_ids or not self.enforce_terms:
            return current
        engine = self.engine(last, backend="torch")
        tok = engine.checkpoint.tokenizer

        def constraint_for(text: str):
            return make_constraint(text, tok, tgt)

        plans = []
        for i in redo_ids:
            step_input = last_step.inputs[i]
            if last.src == src:
                step_hits = hits[i]
            else:  # a pivot: the terms as they stand in the last step's (English) input
                required = {h.target for h in hits[i]}
                step_hits = tuple(h for h in match_terms(step_input, glossary, last.src, tgt)
                                  if h.target in required)
            plans.append(pipeline.plan_redo(i, step_input, hits[i], step_hits,
                                            constraint_for))
        outs = engine.translate([p.protected.text for p in plans], self.options,
                                constraints=[list(p.constraints) for p in plans])
        for plan, out in zip(plans, outs, strict=True):
            text = pipeline.restore(pipeline.normalise(out.text, tgt), plan.protected)
            notes = (f"glossary: re-decoded with {len(plan.constraints)} term constraint(s)",
                     *(f"{last.src}->{last.tgt}: {n}" for n in out.warnings))
            current[plan.index] = pipeline.keep_better(
                current[plan.index], text, verify_terms(text, hits[plan.index], tgt), notes)
        return current

    def translate_article(self, text: str, src: str, tgt: str, *,
                          memory: object = None) -> ArticleTranslation:
        """Translate an article, keeping its paragraphs, blank lines and headline exactly.

        ``src`` may be ``"auto"``. Segments already in ``tgt`` are kept; segments in another
        supported language go through their own model. ``memory``: as
        :meth:`translate_batch` (only the sentences it does not answer are decoded).
        """
        src = normalise_lang(src, allow_auto=True)
        tgt = normalise_lang(tgt)
        batch = self.translate_batch
        if memory is not None:
            batch = functools.partial(self.translate_batch, memory=memory)
        return pipeline.translate_article(text, src, tgt, batch)

    def _progress(self, total: int):
        if not self.progress or total < 8:
            return None
        from .progress import Progress

        return Progress(total, "translating").update
