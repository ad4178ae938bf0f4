"""The transformers backend: ``MarianMTModel.generate`` on CPU or CUDA."""

from __future__ import annotations

import copy
import ctypes
import sys

from . import DecodeRequest, configure_openmp, resolve_threads

_CACHE_CLASS: list[type] = []
_MALLOC_TUNED: list[bool] = []


def _keep_large_allocations() -> None:
    """Serve large CPU tensors from glibc's heap instead of a fresh ``mmap`` each time.

    Beam search allocates several vocabulary-sized tensors per step (64 sentences x 4
    beams x 80k logits: 80 MB each); glibc maps every such block anew and the kernel
    faults in and zeroes its pages on first touch. A high mmap threshold, and keeping
    freed memory rather than trimming it, lets them be reused: about a quarter less CPU
    time per decoding step on the benchmark machine, for a slightly higher resident size.
    Process-wide, once; Linux with glibc only (elsewhere a no-op).
    """
    if _MALLOC_TUNED or not sys.platform.startswith("linux"):
        return
    _MALLOC_TUNED.append(True)
    try:
        libc = ctypes.CDLL("libc.so.6")
        m_trim_threshold, m_mmap_threshold = -1, -3
        libc.mallopt(m_mmap_threshold, 1 << 30)
        libc.mallopt(m_trim_threshold, 1 << 30)
    except (OSError, AttributeError):  # not glibc
        pass


def _beam_cache(model) -> dict:
    """``generate`` keyword for a cache whose cross-attention part is not reordered.

    Beam search reorders the key/value cache at every step; the cross-attention part
    holds the encoder's keys and values, the same for every beam of a sentence, and a beam
    only ever moves within its own sentence, so reordering it copies identical rows (on
    CPU that was a third of the decoding time). Returns ``{}`` where transformers'
    cache API is not the one this was written for.
    """
    try:
        from transformers.cache_utils import DynamicCache, EncoderDecoderCache
        from transformers.generation import utils as gen_utils
    except ImportError:
        return {}
    names = getattr(gen_utils, "ALL_CACHE_NAMES", None)
    if not names or not model.config.is_encoder_decoder:
        return {}
    if not _CACHE_CLASS:
        class SharedCrossAttentionCache(EncoderDecoderCache):
            def reorder_cache(self, beam_idx):
                self.self_attention_cache.reorder_cache(beam_idx)

        _CACHE_CLASS.append(SharedCrossAttentionCache)
    config = model.config.get_text_config(decoder=True)
    return {names[0]: _CACHE_CLASS[0](DynamicCache(config=config), DynamicCache(config=config))}


class _ScoreTrace:
    """A logits processor that follows beam search and sums, per running hypothesis, the
    model's log-probability of each token it chose: the ``sequences_scores`` of
    ``generate(output_scores=True)`` (before the length penalty), without keeping a copy of
    every step's vocabulary-sized scores.

    Beam search hands a processor each step's log-probabilities (log-softmax of the
    logits) and the running sequences, reordered by beam. A running sequence's parent is
    the previous step's sequence of the same sentence with its prefix (matched by a hash
    of the prefix), so its sum is the parent's plus the previous step's
    log-probability of its last token; the sum of a finished hypothesis is its prefix's
    plus the ``</s>`` log-probability of the step it ended at. Per step it keeps three
    vectors of one value per running hypothesis.
    """

    def __init__(self, num_beams: int, eos: int) -> None:
        self.num_beams = num_beams
        self.eos = eos
        self.steps: dict[int, tuple] = {}  # length -> (hashes, sums, </s> log-probs)
        self.prev: tuple | None = None
        self.weights = None

    def _weights(self, length: int, device):
        import torch

        if self.weights is None or self.weights.shape[0] < length + 1:
            gen = torch.Generator().manual_seed(26)
            self.weights = torch.randint(1, 2 ** 62, (max(64, 2 * (length + 1)),),
                                         generator=gen, dtype=torch.int64)
        return self.weights[:length + 1].to(device)

    def _hash(self, ids):
        """A hash of each row's prefix: a weighted sum of its ids (so a row's parent's
        hash is its own less its last id's term)."""
        w = self._weights(ids.shape[1], ids.device)
        return (ids * w[1:]).sum(-1)

    def __call__(self, input_ids, scores):
        import torch

        rows, length = input_ids.shape
        beams = self.num_beams
        hashes = self._hash(input_ids)
        if self.prev is None:
            sums = torch.zeros(rows, dtype=torch.float64, device=scores.device)
        else:
            prev_hashes, prev_sums, prev_scores = self.prev
            last = input_ids[:, -1]
            parents = hashes - last * self._weights(length, input_ids.device)[length]
            # a hypothesis's parent is one of its own sentence's beams
            same = parents.view(-1, beams, 1) == prev_hashes.view(-1, 1, beams)
            index = (same.to(torch.int8).argmax(-1)
                     + torch.arange(rows // beams, device=same.device)[:, None] * beams
                     ).reshape(-1)
            sums = prev_sums[index] + prev_scores[index, last].to(torch.float64)
            sums = torch.where(same.any(-1).reshape(-1), sums,
                               torch.full_like(sums, float("nan")))
        self.steps[length] = (hashes, sums, scores[:, self.eos].clone())
        self.prev = (hashes, sums, scores)
        return scores

    def means(self, outputs, start: int) -> list[float | None]:
        """The mean log-probability per token (``</s>`` included) of each given output
        (ids after the decoder start token ``start``, one per sentence); ``None`` where
        the trace cannot tell (an output that reached the length cap without ``</s>``)."""
        import torch

        self.prev = None
        found: list[float | None] = []
        for n, out in enumerate(outputs):
            try:
                end = out.index(self.eos)
            except ValueError:
                found.append(None)
                continue
            step = self.steps.get(end + 1)  # the prefix: decoder start + ``end`` tokens
            if step is None:
                found.append(None)
                continue
            hashes, sums, eos_scores = step
            prefix = torch.tensor([[start, *out[:end]]], dtype=torch.long,
                                  device=hashes.device)
            block = slice(n * self.num_beams, (n + 1) * self.num_beams)
            match = (hashes[block] == self._hash(prefix)).nonzero()
            if not len(match):
                found.append(None)
                continue
            row = n * self.num_beams + int(match[0, 0])
            total = float(sums[row]) + float(eos_scores[row])
            found.append(total / (end + 1) if total == total else None)  # nan: unknown
        return found


class TorchBackend:
    name = "torch"

    def __init__(self, model, device: str = "cpu", pieces: list[str] | None = None,
                 threads: int | None = None) -> None:
        """``threads``: torch's intra-op threads (process-wide; ``None`` leaves torch's
        own choice, ``OMP_NUM_THREADS`` when set)."""
        configure_openmp(threads)
        import torch

        self.torch = torch
        if threads is not None and device == "cpu":
            torch.set_num_threads(resolve_threads(threads))
        self.model = model
        self.device = device
        self.pad_id = int(model.config.pad_token_id)
        if device == "cpu":
            _keep_large_allocations()
        self.pieces = pieces or []  # id -> piece, for constrained decoding
        # OPUS-MT configs set max_length=512; we always pass max_new_tokens instead.
        model.generation_config.max_length = None
        # Single-token bad words (OPUS-MT: [[<pad>]]) as suppress_tokens: the same -inf,
        # without building and adding a vocabulary-sized bias tensor at every step.
        bad = model.generation_config.bad_words_ids
        if bad and all(len(words) == 1 for words in bad):
            suppress = set(model.generation_config.suppress_tokens or ())
            model.generation_config.suppress_tokens = sorted(suppress | {w[0] for w in bad})
            model.generation_config.bad_words_ids = None
        self.base_config = model.generation_config

    def generate(self, request: DecodeRequest, attention: list | None = None,
                 scores: list | None = None) -> list[list[int]]:
        """Output ids per sentence; with ``attention`` (a list), also append to it each
        sentence's alignment-head weights over its output (see :meth:`attention`); with
        ``scores`` (a list), each best output's mean token log-probability, read from the
        beam search itself (:class:`_ScoreTrace`), or by one teacher-forced pass
        (:meth:`score`) where the search could not give it (greedy search, constraints,
        an output cut by the cap)."""
        trace = None
        if scores is not None and request.beam_size > 1 and not (
                request.constraints and any(c for c in request.constraints)):
            trace = _ScoreTrace(request.beam_size, int(self.model.config.eos_token_id))
        outputs = self._generate(request, trace)
        step = max(1, request.num_hypotheses)
        best = [[t for t in out if t != self.pad_id] for out in outputs[::step]]
        if attention is not None:  # of the best hypothesis (n-best: every n-th row)
            attention.extend(self.attention(request.ids, best))
        if scores is not None:
            found = trace.means(outputs[::step],
                                int(self.model.config.decoder_start_token_id)) \
                if trace is not None else [None] * len(best)
            caps = list(request.row_max_new_tokens or [request.max_new_tokens] * len(best))
            # at its cap, generate forces </s> (log-probability 0 to the trace): such an
            # output is scored by the model, its </s> included
            missing = [i for i, v in enumerate(found) if v is None or len(best[i]) >= caps[i]]
            if missing:
                eos = int(self.model.config.eos_token_id)
                ended = [best[i] if best[i][-1:] == [eos] else [*best[i], eos]
                         for i in missing]
                for i, value in zip(missing, self.score([request.ids[i] for i in missing],
                                                        ended), strict=True):
                    found[i] = value
            scores.extend(found)
        return outputs

    def score(self, source_ids, target_ids) -> list[float]:
        """The mean log-probability per token of given outputs (``</s>`` included where
        given), by one teacher-forced pass: the model's own distribution (log-softmax of
        its logits, as beam search scores them), exact for whatever search produced the
        output. ``generate(output_scores=True)`` would give beam search's sums too, but
        keeps a copy of every step's vocabulary-sized scores; one forward pass is
        cheaper."""
        torch = self.torch
        if not source_ids:
            return []
        input_ids, mask, decoder_ids, labels = self._forced_batch(source_ids, target_ids)
        with torch.inference_mode():
            logits = self.model(input_ids=input_ids.to(self.device),
                                attention_mask=mask.to(self.device),
                                decoder_input_ids=decoder_ids.to(self.device)).logits
            logp = torch.log_softmax(logits.float(), dim=-1).cpu()
        keep = labels >= 0
        picked = logp.gather(-1, labels.clamp(min=0).unsqueeze(-1)).squeeze(-1) * keep
        counts = keep.sum(-1).clamp(min=1)
        return (picked.sum(-1) / counts).tolist()

    def attention(self, source_ids, target_ids) -> list[list[list[float]]]:
        """The alignment head's weights for given outputs, by one teacher-forced pass:
        per sentence, one row per target id (``</s>`` included when given), one column
        per source id. Exact whatever search produced the output (beam, constraints)."""
        from ..alignment import cross_attention

        torch = self.torch
        if not source_ids:
            return []
        input_ids, mask, decoder_ids, _ = self._forced_batch(source_ids, target_ids)
        with torch.inference_mode():
            weights = cross_attention(self.model, input_ids.to(self.device),
                                      mask.to(self.device), decoder_ids.to(self.device))
        weights = weights.float().cpu()
        return [weights[row, :len(tgt), :len(src)].tolist()
                for row, (src, tgt) in enumerate(zip(source_ids, target_ids, strict=True))]

    def _forced_batch(self, source_ids, target_ids):
        """The padded tensors of one teacher-forced pass over given outputs (what
        :meth:`score` and :meth:`attention` feed the model): source ids and their mask,
        decoder inputs (the start token, then each output less its last id) and labels
        (each output; ``-1`` past its end)."""
        torch = self.torch
        rows = len(source_ids)
        width = max(len(s) for s in source_ids)
        length = max(1, max(len(t) for t in target_ids))
        input_ids = torch.full((rows, width), self.pad_id, dtype=torch.long)
        mask = torch.zeros((rows, width), dtype=torch.long)
        start = int(self.model.config.decoder_start_token_id)
        decoder_ids = torch.full((rows, length), self.pad_id, dtype=torch.long)
        labels = torch.full((rows, length), -1, dtype=torch.long)
        for row, (src, tgt) in enumerate(zip(source_ids, target_ids, strict=True)):
            input_ids[row, :len(src)] = torch.tensor(list(src), dtype=torch.long)
            mask[row, :len(src)] = 1
            tgt = list(tgt)
            prefix = [start, *tgt[:-1]] if tgt else [start]
            decoder_ids[row, :len(prefix)] = torch.tensor(prefix, dtype=torch.long)
            if tgt:
                labels[row, :len(tgt)] = torch.tensor(tgt, dtype=torch.long)
        return input_ids, mask, decoder_ids, labels

    def _generate(self, request: DecodeRequest, trace=None) -> list[list[int]]:
        torch = self.torch
        width = max(len(s) for s in request.ids)
        input_ids = torch.full((len(request.ids), width), self.pad_id, dtype=torch.long)
        mask = torch.zeros((len(request.ids), width), dtype=torch.long)
        for row, ids in enumerate(request.ids):
            input_ids[row, :len(ids)] = torch.tensor(ids, dtype=torch.long)
            mask[row, :len(ids)] = 1
        from transformers import LogitsProcessorList

        from ..constrained_torch import RowLengthCap, TermConstraintProcessor

        eos = int(self.model.config.eos_token_id)
        caps = list(request.row_max_new_tokens or [request.max_new_tokens] * len(request.ids))
        processors = LogitsProcessorList()
        if trace is not None:  # first: it reads the model's log-probabilities as they are
            processors.append(trace)
        if request.constraints and any(c for c in request.constraints):
            processors.append(TermConstraintProcessor(
                request.constraints, request.beam_size, eos, caps, self.pieces))
        if min(caps) < request.max_new_tokens:
            processors.append(RowLengthCap(caps, request.beam_size, eos))
        kwargs = {"logits_processor": processors} if processors else {}
        config = copy.deepcopy(self.base_config)
        config.update(do_sample=False, num_beams=request.beam_size, max_length=None,
                      max_new_tokens=request.max_new_tokens,
                      min_new_tokens=request.min_new_tokens or None,
                      num_return_sequences=max(1, request.num_hypotheses))
        if request.beam_size > 1:
            kwargs.update(_beam_cache(self.model))
        with torch.inference_mode():
            out = self.model.generate(
                input_ids=input_ids.to(self.device), attention_mask=mask.to(self.device),
                generation_config=config, **kwargs)
        return [row[1:].tolist() for row in out.cpu()]  # drop the decoder start token
