"""A loaded checkpoint that turns sentences into translations.

The engine owns everything around the decoder call that every backend shares:
tokenisation with the checkpoint's own SentencePiece models and vocabulary, the
multilingual target token, splitting sentences longer than the model's positions,
length-sorted batching by token budget, ``<unk>`` counting and the runaway-repetition
guard. A backend only maps batches of token ids to batches of token ids.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from . import alignment as _alignment
from .backends import Backend, DecodeRequest
from .loading import LoadedCheckpoint


@dataclass(frozen=True, slots=True)
class DecodeOptions:
    """Generation settings (CTranslate2-style explicit keywords)."""

    beam_size: int = 4
    max_batch_tokens: int = 4096
    max_batch_size: int = 64
    length_ratio: float = 2.0  # output cap: ratio * source tokens + length_slack
    length_slack: int = 16
    min_new_tokens: int = 0  # benchmarks force equal lengths with min == max
    max_new_tokens: int | None = None


@dataclass(frozen=True, slots=True)
class EngineOutput:
    """One sentence's translation, with what went wrong on the way."""

    text: str
    source_tokens: int
    output_tokens: int
    warnings: tuple[str, ...] = field(default=())
    #: word links source -> ``text`` (``translate(..., align=True)``; else empty)
    alignment: tuple[_alignment.WordLink, ...] = field(default=())
    #: the other hypotheses of the beam, best first (``num_hypotheses - 1`` of them, same
    #: post-processing as ``text``; may repeat ``text`` or each other: callers dedupe)
    alternatives: tuple[str, ...] = field(default=())
    #: the model's mean log-probability per output token of the chosen hypothesis
    #: (``</s>`` included; parts of a split sentence weighted by their length); ``None``
    #: when not asked for (``translate(..., scores=False)``) or nothing was decoded
    score: float | None = None


def _mean(weighted: Sequence[tuple[float, int]]) -> float | None:
    """The mean log-probability per token over the parts of a sentence (each part's mean
    weighted by its token count); ``None`` without parts."""
    total = sum(n for _, n in weighted)
    return sum(s * n for s, n in weighted) / total if total else None


def _word_start(pieces: list[str], i: int) -> bool:
    return i == len(pieces) or pieces[i].startswith("▁")


def split_pieces(pieces: list[str], limit: int) -> list[list[str]]:
    """Split a piece sequence longer than ``limit`` into chunks the model can take.

    Input that long is usually several sentences run together: it is first cut after
    every sentence-final mark, so each sentence is translated on its own; a single
    sentence still over the limit is cut at clause punctuation, else at a word boundary.
    Never drops a piece.
    """
    if len(pieces) <= limit:
        return [pieces]
    sentences: list[list[str]] = []
    start = 0
    for i in range(1, len(pieces)):
        ends = pieces[i - 1].rstrip("\"'»”’)").endswith((".", "!", "?", "…"))
        if ends and _word_start(pieces, i):
            sentences.append(pieces[start:i])
            start = i
    sentences.append(pieces[start:])
    chunks: list[list[str]] = []
    for sent in sentences:
        start = 0
        while len(sent) - start > limit:
            end = start + limit
            cut = next((i for i in range(end, start + limit // 2, -1)
                        if sent[i - 1].endswith((",", ";", ":", ")")) and _word_start(sent, i)),
                       None)
            if cut is None:
                cut = next((i for i in range(end, start, -1) if _word_start(sent, i)), end)
            chunks.append(sent[start:cut])
            start = cut
        chunks.append(sent[start:])
    return [c for c in chunks if c]


def trim_repetition(ids: list[int], max_period: int = 8, min_repeats: int = 4) -> list[int] | None:
    """Cut a runaway loop: find the earliest block of up to ``max_period`` tokens repeated
    at least ``min_repeats`` times in a row and keep it once, dropping the rest.
    Returns ``None`` when there is no such loop."""
    n = len(ids)
    for start in range(n):
        for period in range(1, max_period + 1):
            if start + period * min_repeats > n:
                break
            block = ids[start:start + period]
            if all(ids[start + r * period:start + (r + 1) * period] == block
                   for r in range(1, min_repeats)):
                return ids[:start + period]
    return None


@dataclass(slots=True)
class _Chunks:
    """The sentences of one call as the decoder takes them: per sentence its notes and
    source token count; per chunk (a sentence, or a part of a long one) its ids, its
    sentence, and with alignment its pieces and character span."""

    notes: list[list[str]]
    src_counts: list[int]
    ids: list[list[int]] = field(default_factory=list)
    owner: list[int] = field(default_factory=list)
    source: list[tuple[list[str], int, int]] = field(default_factory=list)


@dataclass(slots=True)
class _Decoded:
    """Per chunk: the best hypothesis's ids, its attention (alignment), whether it
    reached its length cap, and the other hypotheses (ids, capped)."""

    outputs: list[list[int]]
    weights: list[list]
    capped: list[bool]
    others: list[list[tuple[list[int], bool]]]
    scores: list[float | None] = field(default_factory=list)


class TranslationEngine:
    """One checkpoint for one direction, on one backend."""

    def __init__(self, checkpoint: LoadedCheckpoint, backend: Backend) -> None:
        self.checkpoint = checkpoint
        self.backend = backend
        tok = checkpoint.tokenizer
        self._tok = tok
        # source ids (input) and target ids (output) differ with separate vocabularies
        self.unk_id = tok.unk_token_id
        self.eos_id = tok.eos_token_id
        self.target_unk_id = tok.target_unk_id
        self.target_eos_id = tok.target_eos_id
        self.target_pad_id = tok.target_pad_id
        self.prefix = (tok.convert_tokens_to_ids([checkpoint.target_token])
                       if checkpoint.target_token else [])
        # room for the target token and </s>
        self.max_source_pieces = checkpoint.positions - 1 - len(self.prefix)
        self.calls = 0  # decoder batches run; tests and benchmarks read it

    @property
    def name(self) -> str:
        token = f" {self.checkpoint.target_token}" if self.checkpoint.target_token else ""
        return f"{self.checkpoint.ref}{token}"

    def pieces(self, text: str) -> list[str]:
        return self._tok.spm_source.encode(text, out_type=str)

    def translate(self, sentences: Sequence[str], options: DecodeOptions = DecodeOptions(),
                  constraints: Sequence[object] | None = None,
                  progress: Callable[[int], None] | None = None, *, align: bool = False,
                  src_lang: str | None = None, tgt_lang: str | None = None,
                  num_hypotheses: int = 1, scores: bool = True) -> list[EngineOutput]:
        """Translate each sentence; the output list matches the input one for one.

        ``align=True`` also fills each output's ``alignment``: word links from the
        sentence to its translation, read from the alignment head over the chosen output
        (torch: one teacher-forced pass; CTranslate2: ``return_attention`` on a greedy
        pass with the output as ``target_prefix``), so beam search cannot skew them.
        ``src_lang``/``tgt_lang`` pick the word rules of
        :func:`~.alignment.word_spans` (English ``'s``, Italian elisions).

        ``num_hypotheses=n > 1`` also returns the beam's next ``n - 1`` hypotheses per
        sentence in :attr:`EngineOutput.alternatives` (the beam widens to ``n`` if it is
        narrower); ``text``, ``warnings`` and ``alignment`` stay those of the best one. A
        sentence split into parts gets alternative ``k`` as the parts' ``k``-th hypotheses
        joined.

        ``scores`` (the default) fills :attr:`EngineOutput.score`, the mean token
        log-probability of the chosen output (CTranslate2: ``return_scores`` of the search,
        a forced scoring pass for constrained outputs; torch: one teacher-forced pass).
        """
        n_hyp = max(1, num_hypotheses)
        chunks = self._chunks(sentences, align)
        decoded = self._decode(chunks, options, constraints, progress, align, n_hyp, scores)
        return self._assemble(sentences, chunks, decoded, constraints, n_hyp,
                              src_lang=src_lang, tgt_lang=tgt_lang)

    def _chunks(self, sentences: Sequence[str], align: bool) -> _Chunks:
        """Step 1: tokenise; split over-long sentences into chunks (kept in order)."""
        chunks = _Chunks([[] for _ in sentences], [0] * len(sentences))
        for i, sentence in enumerate(sentences):
            pieces = self.pieces(sentence)
            chunks.src_counts[i] = len(pieces)
            ids = self._tok.convert_tokens_to_ids(pieces)
            unk = sum(1 for t in ids if t == self.unk_id)
            if unk:
                chunks.notes[i].append(f"{unk} source token(s) unknown to the model (<unk>)")
            parts = split_pieces(pieces, self.max_source_pieces) if pieces else [[]]
            if len(parts) > 1:
                chunks.notes[i].append(
                    f"sentence of {len(pieces)} tokens split into {len(parts)} "
                    f"parts (the model has {self.checkpoint.positions} positions)")
            spans = _alignment.piece_spans(sentence, pieces) if align else []
            at = 0
            for part in parts:
                chunks.ids.append(self.prefix + self._tok.convert_tokens_to_ids(part)
                                  + [self.eos_id])
                chunks.owner.append(i)
                if align:
                    found = [sp for sp in spans[at:at + len(part)] if sp is not None]
                    chunks.source.append((part, found[0][0] if found else 0,
                                          found[-1][1] if found else 0))
                    at += len(part)
        return chunks

    def _decode(self, chunks: _Chunks, options: DecodeOptions,
                constraints: Sequence[object] | None,
                progress: Callable[[int], None] | None, align: bool, n_hyp: int,
                scores: bool = False) -> _Decoded:
        """Step 2: decode in length-sorted batches under a token budget."""
        ids, owner = chunks.ids, chunks.owner
        out = _Decoded([[] for _ in ids], [[] for _ in ids], [False] * len(ids),
                       [[] for _ in ids], [None] * len(ids))
        order = sorted(range(len(ids)), key=lambda k: (-len(ids[k]), k))
        for batch in self._batches(order, ids, options):
            # each sentence has its own length cap, so its output never depends on what
            # else shares its batch (a resumed job decodes exactly as an uninterrupted one)
            limits = [self._max_new(len(ids[k]), options) for k in batch]
            request = DecodeRequest(
                ids=[ids[k] for k in batch], beam_size=max(options.beam_size, n_hyp),
                max_new_tokens=max(limits),
                min_new_tokens=min(options.min_new_tokens, min(limits)),
                constraints=[constraints[owner[k]] for k in batch] if constraints else None,
                row_max_new_tokens=limits, num_hypotheses=n_hyp)
            self.calls += 1
            batch_weights: list = []
            batch_scores: list = []
            extra = {**({"attention": batch_weights} if align else {}),
                     **({"scores": batch_scores} if scores else {})}
            generated = self.backend.generate(request, **extra)
            for k, weight in zip(batch, batch_weights if align else [], strict=align):
                out.weights[k] = weight
            for k, score in zip(batch, batch_scores, strict=False):
                out.scores[k] = score
            for row, (k, own) in enumerate(zip(batch, limits, strict=True)):
                hyps = [self._clean(h, own, options)
                        for h in generated[row * n_hyp:(row + 1) * n_hyp]]
                out.outputs[k], out.capped[k] = hyps[0]
                out.others[k] = hyps[1:]
            if progress is not None:
                progress(len({owner[k] for k in batch}))
        return out

    def _assemble(self, sentences: Sequence[str], chunks: _Chunks, decoded: _Decoded,
                  constraints: Sequence[object] | None, n_hyp: int, *,
                  src_lang: str | None, tgt_lang: str | None) -> list[EngineOutput]:
        """Step 3: detokenise, join chunks, guard against loops."""
        notes = chunks.notes
        texts: list[list[str]] = [[] for _ in sentences]
        links: list[list[_alignment.WordLink]] = [[] for _ in sentences]
        alt_texts: list[list[list[str]]] = [[[] for _ in range(n_hyp - 1)] for _ in sentences]
        out_counts = [0] * len(sentences)
        weighted: list[list[tuple[float, int]]] = [[] for _ in sentences]
        for k, ids in enumerate(decoded.outputs):
            i = chunks.owner[k]
            constrained = bool(constraints and constraints[i])
            if k < len(decoded.scores) and decoded.scores[k] is not None:
                weighted[i].append((decoded.scores[k], len(ids) + 1))  # + </s>
            ids = self._finish(ids, decoded.capped[k], constrained, notes[i])
            out_counts[i] += len(ids)
            text = self._tok.decode(ids, skip_special_tokens=True)
            if chunks.source and text:
                part, start, end = chunks.source[k]
                offset = sum(len(t) + 1 for t in texts[i] if t)
                links[i] += _alignment.shift(_alignment.align(
                    sentences[i][start:end], text, self._columns(part),
                    self._tok.convert_ids_to_tokens(ids), decoded.weights[k],
                    src_lang=src_lang, tgt_lang=tgt_lang), start, offset)
            texts[i].append(text)
            for j, (alt, alt_capped) in enumerate(decoded.others[k]):
                alt = self._finish(alt, alt_capped, constrained, [])
                alt_texts[i][j].append(self._tok.decode(alt, skip_special_tokens=True))
        return [EngineOutput(" ".join(t for t in parts if t), chunks.src_counts[i],
                             out_counts[i], tuple(dict.fromkeys(notes[i])), tuple(links[i]),
                             tuple(" ".join(t for t in alt if t) for alt in alt_texts[i]),
                             _mean(weighted[i]))
                for i, parts in enumerate(texts)]

    def _clean(self, out: list[int], own: int, options: DecodeOptions
               ) -> tuple[list[int], bool]:
        """One hypothesis without padding and ``</s>``, cut to its own cap; whether it
        reached the cap."""
        out = [t for t in out if t != self.target_pad_id][:own]
        # at the cap the model is forced to close with </s>: that is not a real end
        capped = len(out) >= own and options.min_new_tokens < own
        if out and out[-1] == self.target_eos_id:
            out = out[:-1]
        return out, capped

    def _finish(self, ids: list[int], capped: bool, constrained: bool,
                notes: list[str]) -> list[int]:
        """Loop cutting and ``<unk>`` notes for one hypothesis (notes appended)."""
        if capped and not constrained:
            trimmed = trim_repetition(ids)
            if trimmed is not None:
                notes.append("runaway repetition in the output was cut")
                ids = trimmed
            else:
                notes.append("output reached the length cap and may be incomplete")
        elif capped:
            notes.append("output reached the length cap and may be incomplete")
        unk = sum(1 for t in ids if t == self.target_unk_id)
        if unk:
            notes.append(f"{unk} output token(s) are <unk>")
        return ids

    def _columns(self, pieces: list[str]) -> list[str]:
        """What the encoder saw, one entry per attention column."""
        token = [self.checkpoint.target_token] if self.prefix else []
        return [*token, *pieces, "</s>"]

    def align(self, sources: Sequence[str], targets: Sequence[str], *,
              src_lang: str | None = None, tgt_lang: str | None = None,
              batch_size: int = 32) -> list[tuple[_alignment.WordLink, ...]]:
        """Word links between each source and a given translation of it (forced
        alignment: the model reads ``target`` as its own output, teacher-forced, and its
        alignment head is read). For outputs changed after decoding (glossary
        re-decoding, restored placeholders) or produced elsewhere. A pair longer than
        the model's positions gets no links."""
        tok = self._tok
        result: list[tuple[_alignment.WordLink, ...]] = [() for _ in sources]
        jobs = []
        for i, (source, target) in enumerate(zip(sources, targets, strict=True)):
            pieces = self.pieces(source)
            tgt_pieces = tok.spm_target.encode(target, out_type=str)
            if (not pieces or not tgt_pieces or len(pieces) > self.max_source_pieces
                    or len(tgt_pieces) >= self.checkpoint.positions):
                continue
            jobs.append((i, pieces, tgt_pieces))
        for at in range(0, len(jobs), batch_size):
            batch = jobs[at:at + batch_size]
            src_ids = [self.prefix + tok.convert_tokens_to_ids(p) + [self.eos_id]
                       for _, p, _ in batch]
            tgt_ids = [tok.convert_target_tokens_to_ids(t) + [self.target_eos_id]
                       for _, _, t in batch]
            for (i, pieces, tgt_pieces), weight in zip(
                    batch, self.backend.attention(src_ids, tgt_ids), strict=True):
                result[i] = _alignment.align(sources[i], targets[i], self._columns(pieces),
                                             tgt_pieces, weight, src_lang=src_lang,
                                             tgt_lang=tgt_lang)
        return result

    def _max_new(self, source_len: int, options: DecodeOptions) -> int:
        cap = self.checkpoint.positions - 1
        if options.max_new_tokens is not None:
            return min(cap, options.max_new_tokens)
        return min(cap, int(source_len * options.length_ratio) + options.length_slack)

    @staticmethod
    def _batches(order: list[int], ids: list[list[int]], options: DecodeOptions):
        batch: list[int] = []
        longest = 0
        for k in order:
            n = len(ids[k])
            if batch and (max(longest, n) * (len(batch) + 1) > options.max_batch_tokens
                          or len(batch) >= options.max_batch_size):
                yield batch
                batch, longest = [], 0
            batch.append(k)
            longest = max(longest, n)
        if batch:
            yield batch
