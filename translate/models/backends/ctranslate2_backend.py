"""The CTranslate2 backend: the same checkpoint, converted once, int8 on CPU.

The Marian checkpoint is converted on first use into a cache directory
(``$TRANSLATE_CACHE_DIR/ct2/`` or ``~/.cache/translate/ct2/``), named by a hash of the
checkpoint's ``config.json``, ``vocab.json`` (and ``target_vocab.json``,
``tokenizer_config.json`` when present) bytes and its weights' size and mtime, and by the
compute type. Converting imports torch and transformers; loading a finished conversion
and decoding import neither. A checkpoint with separate vocabularies keeps them: the
converted model's source vocabulary is ``vocab.json``, its target one
``target_vocab.json``. Conversion writes into a temporary directory beside the final one,
writes a marker file last, then renames: a directory without the marker (a killed
conversion, a copy in progress) is never loaded; it is converted again.

Decoding follows :class:`~.torch_backend.TorchBackend`: outputs carry no decoder-start
token, end with ``</s>`` when the model closed the sentence, and an output that reaches
``max_new_tokens`` ends with a forced ``</s>`` (as transformers' ``forced_eos_token_id``).

Lexical constraints (``DecodeRequest.constraints``, glossary terms) are decoded here too,
without torch: the rule of each step is applied by forcing target prefixes between
searches (:mod:`.ctranslate2_constraints`).
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
import threading
import time
from pathlib import Path

from ...errors import UserError, param
from ..loading import SAFE_WEIGHTS, LoadedCheckpoint
from . import DecodeRequest, configure_openmp, resolve_threads
from . import cpu_threads as cpu_threads  # noqa: F401 - re-exported (old import path)

FAST_EXTRA_HINT = ("reinstall it (a core dependency): pip install 'ctranslate2>=4.5', or use "
                   f"{param('backend', 'torch')}")
MARKER = "CONVERTED"  # written last into a finished conversion
#: bumped whenever the conversion below changes, so old caches are not reused
CONVERSION_VERSION = "1"
#: transformers' beam search (``early_stopping=False``) keeps going after ``beam_size``
#: hypotheses have finished while a running one may still beat them; CTranslate2 stops at
#: ``beam_size * patience`` finished ones. 2 reproduces transformers' choices on the fixtures.
PATIENCE = 2.0
#: the logit bias that keeps ``<pad>`` (the decoder start token) from being generated
_NEVER = -1.0e4

_models: dict[tuple[str, str, int, str], object] = {}
_models_lock = threading.Lock()


def import_ctranslate2():
    """``ctranslate2``, or a one-line :class:`UserError` saying how to install it.

    Sets this process's OpenMP wait policy first (see :func:`.configure_openmp`): the
    runtime reads it once, when it starts."""
    configure_openmp()
    try:
        import ctranslate2
    except ImportError:
        raise UserError(f"the ctranslate2 backend needs the ctranslate2 package; "
                        f"{FAST_EXTRA_HINT}") from None
    return ctranslate2


def available() -> bool:
    """Whether ctranslate2 can be imported here (importing it: the wait policy first)."""
    configure_openmp()
    try:
        import ctranslate2  # noqa: F401
    except ImportError:
        return False
    return True


def default_compute_type(device: str) -> str:
    return "float16" if device == "cuda" else "int8"


def cache_root(cache_dir: str | os.PathLike[str] | None = None) -> Path:
    """Where converted models live: ``cache_dir``, ``$TRANSLATE_CACHE_DIR/ct2`` or
    ``~/.cache/translate/ct2``."""
    if cache_dir is not None:
        return Path(cache_dir).expanduser()
    env = os.environ.get("TRANSLATE_CACHE_DIR")
    if env:
        return Path(env).expanduser() / "ct2"
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "translate" / "ct2"


def checkpoint_key(path: Path) -> str:
    """A hash naming one checkpoint's conversion: config and vocabulary bytes, weights'
    size and mtime (hashing hundreds of MB on every start would cost more than loading)."""
    digest = hashlib.sha256(f"ct2-marian-v{CONVERSION_VERSION}\0".encode())
    for name in ("config.json", "vocab.json", "target_vocab.json", "tokenizer_config.json"):
        if name in ("config.json", "vocab.json") or (path / name).is_file():
            digest.update(name.encode() + b"\0" + (path / name).read_bytes() + b"\0")
    for name in (SAFE_WEIGHTS, "pytorch_model.bin"):
        weights = path / name
        if weights.is_file():
            st = weights.stat()
            digest.update(f"{name}\0{st.st_size}\0{st.st_mtime_ns}\0".encode())
    return digest.hexdigest()[:32]


def is_complete(model_dir: Path) -> bool:
    return (model_dir / MARKER).is_file() and (model_dir / "model.bin").is_file()


def _marian_converter(path: Path):
    """A ``TransformersConverter`` for a Marian checkpoint that starts decoding where
    transformers does.

    CTranslate2's stock Marian loader drops ``<pad>`` and starts the decoder from a zero
    embedding. That equals transformers only when the ``<pad>`` embedding row is zero, as
    in checkpoints converted from Marian; fine-tuned or retrained ones (the test fixtures)
    have a non-zero row. So ``<pad>`` stays in the vocabulary as the decoder start token,
    and a large negative output bias keeps it from being generated (transformers does
    that with ``bad_words_ids=[[pad]]``).
    """
    import torch
    from ctranslate2.converters import TransformersConverter
    from ctranslate2.converters.transformers import BartLoader, MarianMTLoader

    class _Loader(MarianMTLoader):
        def get_model_spec(self, model):
            model.config.normalize_before = False
            model.config.normalize_embedding = False
            spec = BartLoader.get_model_spec(self, model)
            vocab = model.lm_head.weight.shape[0]
            bias = getattr(model, "final_logits_bias", None)
            bias = (bias.detach().reshape(-1).float().clone() if bias is not None
                    else torch.zeros(vocab))
            bias[model.config.pad_token_id] = _NEVER
            spec.decoder.projection.bias = bias
            return spec

        def set_config(self, config, model, tokenizer):
            config.eos_token = tokenizer.eos_token
            config.unk_token = tokenizer.unk_token
            config.decoder_start_token = tokenizer.convert_ids_to_tokens(
                model.config.decoder_start_token_id)

        def set_decoder(self, spec, decoder):
            BartLoader.set_decoder(self, spec, decoder)
            spec.start_from_zero_embedding = False

        def get_vocabulary(self, model, tokenizer):
            # (source, target): separate vocabularies (target_vocab.json) stay separate
            def ordered(vocab: dict[str, int]) -> list[str]:
                return [t for t, _ in sorted(vocab.items(), key=lambda item: item[1])]

            source = ordered(tokenizer.encoder)
            target = ordered(tokenizer.target_encoder) if tokenizer.separate_vocabs \
                else source
            return source, target

        def set_vocabulary(self, spec, tokens):
            source, target = tokens
            spec.register_source_vocabulary(source)
            spec.register_target_vocabulary(target)

    class _Converter(TransformersConverter):
        def _load(self):
            from transformers import MarianTokenizer

            from ..loading import PICKLE_WEIGHTS, _load_model

            with torch.no_grad():
                # the loader of the torch backend: the same one-line error for weights that
                # do not fit the config
                model = _load_model(path, SAFE_WEIGHTS if (path / SAFE_WEIGHTS).is_file()
                                    else PICKLE_WEIGHTS)
                tokenizer = MarianTokenizer.from_pretrained(path, local_files_only=True)
                return _Loader()(model, tokenizer)

    return _Converter(str(path))


def _convert_into(path: Path, out: Path, compute_type: str) -> None:
    import warnings

    from transformers.utils import logging as hf_logging

    verbosity = hf_logging.get_verbosity()
    hf_logging.set_verbosity_error()
    hf_logging.disable_progress_bar()
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            _marian_converter(path).convert(str(out), quantization=compute_type)
    except (RuntimeError, ValueError, OSError, NotImplementedError) as exc:
        first = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
        raise UserError(f"checkpoint {path}: conversion to CTranslate2 failed "
                        f"({first[:200]}); use {param('backend', 'torch')}") from None
    finally:
        hf_logging.set_verbosity(verbosity)
        hf_logging.enable_progress_bar()


def _discard(directory: Path, root: Path) -> None:
    """Remove ``directory`` after renaming it out of the way (so no reader sees it half
    deleted)."""
    trash = Path(tempfile.mkdtemp(prefix=f".{directory.name}.", suffix=".old", dir=root))
    try:
        directory.rename(trash / "old")
    except OSError:
        pass
    shutil.rmtree(trash, ignore_errors=True)


def convert_checkpoint(path: Path, compute_type: str,
                       cache_dir: str | os.PathLike[str] | None = None) -> Path:
    """The converted model directory for ``path``, converting it now if the cache has no
    finished conversion (a directory without the marker is converted again)."""
    root = cache_root(cache_dir)
    final = root / f"{checkpoint_key(path)}-{compute_type}"
    if is_complete(final):
        return final
    root.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{final.name}.", suffix=".tmp", dir=root))
    try:
        model = staging / "model"
        _convert_into(path, model, compute_type)
        with (model / MARKER).open("w", encoding="utf-8") as fh:  # last: the marker
            json.dump({"checkpoint": str(path), "compute_type": compute_type,
                       "converted": time.strftime("%Y-%m-%dT%H:%M:%S%z")}, fh)
            fh.flush()
            os.fsync(fh.fileno())
        if final.exists() and not is_complete(final):
            _discard(final, root)
        try:
            model.rename(final)
        except OSError:
            if not is_complete(final):  # unless another process finished first
                raise
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return final


def load_model(model_dir: Path, device: str, compute_type: str, threads: int):
    """One ``ctranslate2.Translator`` per converted model, device and thread count,
    shared by every engine in the process (e.g. one multilingual checkpoint, two
    targets)."""
    ctranslate2 = import_ctranslate2()
    key = (str(model_dir), device, threads, compute_type)
    with _models_lock:
        if key not in _models:
            _models[key] = ctranslate2.Translator(
                str(model_dir), device=device, compute_type=compute_type,
                intra_threads=threads, inter_threads=1)
        return _models[key]


class CTranslate2Backend:
    """Decode with CTranslate2; ids map to the checkpoint's own vocabulary."""

    name = "ctranslate2"

    def __init__(self, checkpoint: LoadedCheckpoint, device: str = "cpu",
                 compute_type: str | None = None,
                 cache_dir: str | os.PathLike[str] | None = None,
                 threads: int | None = None) -> None:
        """``threads``: CPU threads of this model (default :func:`.default_threads`: the
        process's share of the cores, ``OMP_NUM_THREADS`` when set)."""
        self.threads = resolve_threads(threads) if device == "cpu" else 1
        configure_openmp(self.threads)
        ctranslate2 = import_ctranslate2()
        if device == "cuda" and ctranslate2.get_cuda_device_count() == 0:
            raise UserError(f"{param('backend', 'ctranslate2')} {param('device', 'cuda')}: this "
                            "ctranslate2 build sees no CUDA device; use "
                            f"{param('device', 'cpu')} or {param('backend', 'torch')}")
        self.device = device
        self.compute_type = compute_type or default_compute_type(device)
        self.model_dir = convert_checkpoint(Path(checkpoint.path), self.compute_type,
                                            cache_dir)
        self.model = load_model(self.model_dir, device, self.compute_type, self.threads)
        tok = checkpoint.tokenizer
        # CTranslate2 speaks tokens: source ids -> source tokens, target tokens -> target
        # ids (two different vocabularies in a separate-vocabulary checkpoint)
        self.source_tokens: dict[int, str] = {v: k for k, v in tok.encoder.items()}
        self.target_ids: dict[str, int] = dict(tok.target_encoder)
        self.unk_id = int(tok.target_unk_id)
        self.eos_id = int(tok.target_eos_id)

    def generate(self, request: DecodeRequest, attention: list | None = None,
                 scores: list | None = None) -> list[list[int]]:
        """Output ids per sentence; a sentence with constraints carries its terms (see
        :mod:`.ctranslate2_constraints`; its best hypothesis, repeated for n-best).

        Each sentence keeps its own length cap (``row_max_new_tokens``). CTranslate2 caps a
        whole call, so the batch is decoded to the largest cap, and the few sentences that
        ran past their own are decoded again, grouped by cap.

        With ``attention`` (a list), the alignment head's weights over each output are
        appended to it (:meth:`attention`). With ``scores`` (a list), each best
        hypothesis's mean token log-probability: ``return_scores`` of the search itself
        (CTranslate2 divides the sum by the length, ``</s>`` included, at
        ``length_penalty=1``: no extra work), or one forced scoring pass (:meth:`score`)
        for an output the search did not score: constrained, or cut by the length cap (its
        ``</s>`` scored where it was forced: a runaway output is not a confident one).
        """
        n = len(request.ids)
        caps = list(request.row_max_new_tokens or [request.max_new_tokens] * n)
        source = [[self.source_tokens[int(i)] for i in ids] for ids in request.ids]
        constraints = [list(c or ()) for c in request.constraints or [None] * n]
        first: dict[int, float] | None = {} if scores is not None else None
        outputs = self._decode(source, constraints, max(caps), request, first)
        again: dict[int, list[int]] = {}
        for row, (hyps, cap) in enumerate(zip(outputs, caps, strict=True)):
            if any(len(out) > cap or (len(out) == cap and cap < max(caps)) for out in hyps):
                again.setdefault(cap, []).append(row)
        for cap, rows in again.items():
            redone: dict[int, float] | None = {} if first is not None else None
            for n_row, (row, hyps) in enumerate(zip(rows, self._decode(
                    [source[r] for r in rows], [constraints[r] for r in rows], cap, request,
                    redone), strict=True)):
                outputs[row] = hyps
                if first is not None and redone is not None:
                    first.pop(row, None)
                    if n_row in redone:
                        first[row] = redone[n_row]
        if scores is not None and first is not None:
            best = [hyps[0] for hyps in outputs]
            unscored = [r for r in range(n) if first.get(r) is None]
            if unscored:
                for r, value in zip(unscored, self.score([request.ids[r] for r in unscored],
                                                         [best[r] for r in unscored]),
                                    strict=True):
                    first[r] = value
            scores.extend(first[r] for r in range(n))
        if attention is not None:  # of the best hypothesis
            attention.extend(self.attention(request.ids, [hyps[0] for hyps in outputs]))
        if request.num_hypotheses <= 1:
            return [hyps[0] for hyps in outputs]
        return [out for hyps in outputs for out in hyps]

    def translate_options(self, request: DecodeRequest, steps: int) -> dict:
        """Keyword options of ``ctranslate2.Translator.translate_batch`` for one call
        (one place to add more, e.g. ``return_attention``)."""
        return {"beam_size": request.beam_size,
                "num_hypotheses": max(1, request.num_hypotheses),
                "patience": PATIENCE if request.beam_size > 1 else 1.0,
                "max_decoding_length": steps,
                "min_decoding_length": min(request.min_new_tokens, steps),
                "return_end_token": True, "max_input_length": 0, "max_batch_size": 0}

    def score(self, source_ids, target_ids) -> list[float]:
        """The mean log-probability per token of given outputs (``</s>`` included, added
        when missing), from CTranslate2's ``score_batch``."""
        if not source_ids:
            return []
        target_tokens = self._target_tokens()
        source = [[self.source_tokens[int(i)] for i in ids] for ids in source_ids]
        targets = [[target_tokens[int(i)] for i in ids if int(i) != self.eos_id]
                   for ids in target_ids]
        results = self.model.score_batch(source, targets, max_input_length=0)
        return [sum(r.log_probs) / max(1, len(r.log_probs)) for r in results]

    def _target_tokens(self) -> dict[int, str]:
        if getattr(self, "_target_tokens_map", None) is None:
            self._target_tokens_map = {v: k for k, v in self.target_ids.items()}
        return self._target_tokens_map

    def attention(self, source_ids, target_ids) -> list[list[list[float]]]:
        """The alignment head's weights for given outputs, from CTranslate2's
        ``return_attention``: the output is decoded again as ``target_prefix`` (greedy,
        batched), one row per target id, one column per source id.

        Not read from the beam search itself: in a batch of several sentences decoded with
        ``beam_size > 1``, CTranslate2 4.8.5 returns a wrong first row (the first output
        token's attention; later rows, single sentences and ``beam_size=1`` are right),
        and the first word's link is often what markup needs.
        """
        if not source_ids:
            return []
        target_tokens = self._target_tokens()
        source = [[self.source_tokens[int(i)] for i in ids] for ids in source_ids]
        prefixes = [[target_tokens[int(i)] for i in ids if int(i) != self.eos_id]
                    for ids in target_ids]
        results = self.model.translate_batch(
            source, target_prefix=prefixes, beam_size=1, return_attention=True,
            return_end_token=True, max_decoding_length=max(len(p) for p in prefixes) + 1,
            max_input_length=0, max_batch_size=0)
        return [[list(row) for row in result.attention[0][:len(tgt)]]
                for result, tgt in zip(results, target_ids, strict=True)]

    def _decode(self, source: list[list[str]], constraints: list[list], cap: int,
                request: DecodeRequest, wanted: dict[int, float] | None = None
                ) -> list[list[list[int]]]:
        """``num_hypotheses`` id sequences per sentence, best first (one per distinct
        hypothesis; the best repeated where the beam gave fewer). With ``wanted`` (a
        dict), the search's score of each best hypothesis that ended by itself goes into
        it by row."""
        # transformers spends the last of its new tokens on a forced </s>: decode one token
        # less and add that </s> to the outputs that did not end by themselves
        want = max(1, request.num_hypotheses)
        steps = cap - 1
        if steps < 1:
            return [[[self.eos_id]] * want for _ in source]
        options = self.translate_options(request, steps)
        found: list[list[list[int]]] = [[] for _ in source]
        free = [i for i, c in enumerate(constraints) if not c]
        if free:
            results = self.model.translate_batch([source[i] for i in free], **options,
                                                 return_scores=wanted is not None)
            for i, result in zip(free, results, strict=True):
                found[i] = [[self.target_ids.get(t, self.unk_id) for t in tokens]
                            for tokens in result.hypotheses[:want]]
                if wanted is not None and result.scores and found[i] and \
                        found[i][0][-1:] == [self.eos_id]:  # ended by itself: scored
                    wanted[i] = float(result.scores[0])
        bound = [i for i, c in enumerate(constraints) if c]
        if bound:
            outs = self._constrained().decode([source[i] for i in bound],
                                              [constraints[i] for i in bound], steps, options)
            for i, out in zip(bound, outs, strict=True):
                found[i] = [out]
        outputs = []
        for hyps in found:
            for out in hyps:
                if len(out) == steps and out[-1] != self.eos_id:
                    out.append(self.eos_id)
            outputs.append(hyps + [hyps[0]] * (want - len(hyps)))
        return outputs

    def _constrained(self):
        if getattr(self, "_constraint_search", None) is None:
            from .ctranslate2_constraints import ConstrainedSearch

            self._constraint_search = ConstrainedSearch(
                self.model, self.target_ids, self.eos_id, self.unk_id, self.device)
        return self._constraint_search
