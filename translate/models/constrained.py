"""Lexically constrained decoding: every required term appears in the output.

transformers 5 dropped constrained beam search (``force_words_ids``/``constraints``) from
its core, so the project carries its own, as a ``LogitsProcessor`` that works with the
ordinary greedy and beam search of ``generate``:

- a hypothesis that has started a term (its last tokens are a proper prefix of one of the
  term's spellings) must continue it: every other token is masked;
- while a term is pending, ``</s>`` is banned, and a term's first token is taken as soon
  as the model ranks it among its ``top_k`` choices (so the term lands where the model
  would put it; the protected source makes that early);
- where the model would end the sentence, or when the remaining length only just fits
  the pending terms, the next term is forced.

State is read off each hypothesis's own prefix at every step, so beam reordering needs no
bookkeeping. After a term the model is free again: Azerbaijani case suffixes
(Xocalı + da) follow naturally.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import torch
from transformers import LogitsProcessor


@dataclass(frozen=True, slots=True)
class TermConstraint:
    """One required term: its spellings as target token id sequences (any one will do).

    ``glued`` spellings (no word-start marker) may only start right after an apostrophe
    (Italian ``dell'Azerbaigian``). ``suffixes`` are the endings the word may take right
    after the term (Azerbaijani case chains, English ``'s``); ``""`` means none.
    """

    term: str
    alternatives: tuple[tuple[int, ...], ...]
    glued: tuple[tuple[int, ...], ...] = ()
    suffixes: frozenset[str] = frozenset({""})
    count: int = 1  # how many times the term must stand in the output

    def occurrences(self, generated: Sequence[int]) -> int:
        """How many non-overlapping spellings ``generated`` holds."""
        found, i, n = 0, 0, len(generated)
        spellings = (*self.alternatives, *self.glued)
        while i < n:
            for alt in spellings:
                if tuple(generated[i:i + len(alt)]) == alt:
                    found += 1
                    i += len(alt)
                    break
            else:
                i += 1
        return found

    @property
    def shortest(self) -> int:
        return min(len(a) for a in self.alternatives)

    def last_end(self, generated: Sequence[int]) -> int | None:
        """Where the last complete spelling in ``generated`` ends, or None."""
        n = len(generated)
        best = None
        for alt in (*self.alternatives, *self.glued):
            m = len(alt)
            for i in range(n - m, -1, -1):
                if tuple(generated[i:i + m]) == alt:
                    if best is None or i + m > best:
                        best = i + m
                    break
        return best

    def continuation(self, generated: Sequence[int]) -> int | None:
        """The next token if ``generated`` ends inside one of the spellings, else None."""
        best: tuple[int, int] | None = None  # (progress, token)
        for alt in (*self.alternatives, *self.glued):
            for k in range(min(len(alt) - 1, len(generated)), 0, -1):
                if tuple(generated[len(generated) - k:]) == alt[:k]:
                    if best is None or k > best[0]:
                        best = (k, alt[k])
                    break
        return None if best is None else best[1]


def _pieces(spm, text: str) -> list[str]:
    return spm.encode(text, out_type=str)


def term_suffixes(term: str, tgt: str) -> frozenset[str]:
    """Endings a word may take right after ``term`` in language ``tgt``."""
    if tgt == "az":
        from ..glossary.morphology.az import chains, readings

        out = {""}
        for reading in readings(term):
            for chain in chains(reading):
                out.update({chain, "-" + chain, "'" + chain} if chain else {chain})
        return frozenset(out)
    if tgt == "en":
        return frozenset({"", "'s", "’s", "'", "’"})
    return frozenset({""})


def make_constraint(term: str, tokenizer, tgt: str) -> TermConstraint | None:
    """The constraint for ``term``, or ``None`` when the target vocabulary cannot spell it
    (a piece maps to ``<unk>``): the caller routes it through a placeholder instead."""
    spm = tokenizer.spm_target
    encoder = tokenizer.encoder
    unk = encoder.get(tokenizer.unk_token)

    def ids(pieces: list[str]) -> tuple[int, ...] | None:
        out = tuple(encoder.get(p, unk) for p in pieces)
        return out if out and unk not in out else None

    main = ids(_pieces(spm, term))
    if main is None:
        return None
    glued: list[tuple[int, ...]] = []
    if tgt == "it":
        pieces = _pieces(spm, "l'" + term)
        acc = ""
        for i, piece in enumerate(pieces):
            acc += piece
            if acc == "▁l'" and pieces[i + 1:]:
                alt = ids(pieces[i + 1:])
                if alt and alt != main:
                    glued.append(alt)
                break
    return TermConstraint(term, (main,), tuple(glued), term_suffixes(term, tgt))


def term_spellings(term: str, tokenizer, tgt: str) -> tuple[tuple[int, ...], ...] | None:
    c = make_constraint(term, tokenizer, tgt)
    return None if c is None else c.alternatives


class TermConstraintProcessor(LogitsProcessor):
    """Masks scores so every constraint of a sentence is met before ``</s>``, and a term is
    followed by a word boundary or a valid ending, never glued into another word."""

    def __init__(self, constraints: Sequence[Sequence[TermConstraint] | None], num_beams: int,
                 eos_token_id: int, max_new_tokens: int | Sequence[int], pieces: Sequence[str],
                 top_k: int = 3) -> None:
        self.constraints = [list(c or ()) for c in constraints]
        self.num_beams = max(1, num_beams)
        self.eos = eos_token_id
        self.max_new = ([max_new_tokens] * len(self.constraints)
                        if isinstance(max_new_tokens, int) else list(max_new_tokens))
        self.top_k = top_k
        self.pieces = list(pieces)
        self.piece_id = {p: i for i, p in enumerate(self.pieces) if p}
        boundary = [p.startswith("▁") or (p[:1] != "" and not p[0].isalnum())
                    for p in self.pieces]
        boundary[eos_token_id] = True
        self.boundary = torch.tensor(boundary, dtype=torch.bool)
        self.start_len: int | None = None

    def _ending_ids(self, c: TermConstraint, so_far: str) -> tuple[bool, list[int]]:
        """After a term and ``so_far`` of its ending: may a word boundary come next, and
        which pieces continue a valid ending."""
        ids = set()
        for suffix in c.suffixes:
            if len(suffix) > len(so_far) and suffix.startswith(so_far):
                rest = suffix[len(so_far):]
                for k in range(1, len(rest) + 1):
                    pid = self.piece_id.get(rest[:k])
                    if pid is not None:
                        ids.add(pid)
        return so_far in c.suffixes, sorted(ids)

    def __call__(self, input_ids: torch.LongTensor, scores: torch.FloatTensor
                 ) -> torch.FloatTensor:
        if self.start_len is None:
            self.start_len = input_ids.shape[1]  # the decoder start token
        neg = torch.finfo(scores.dtype).min
        if self.boundary.device != scores.device:
            self.boundary = self.boundary.to(scores.device)
        rows = [r for r in range(input_ids.shape[0]) if self.constraints[r // self.num_beams]]
        prefixes = input_ids[rows, self.start_len:].tolist() if rows else []
        for row, generated in zip(rows, prefixes, strict=True):
            cons = self.constraints[row // self.num_beams]
            pending = []
            forced = None
            for c in cons:
                end = c.last_end(generated)
                if end is not None:
                    tail = "".join(self.pieces[t] for t in generated[end:])
                    if "▁" not in tail and all(ch.isalpha() or ch in "'’-" for ch in tail):
                        # still inside the term's word: only a valid ending or a boundary
                        may_end, more = self._ending_ids(c, tail)
                        allowed = self.boundary.clone() if may_end or not more else \
                            torch.zeros_like(self.boundary)
                        if more:
                            allowed[more] = True
                        scores[row] = scores[row].masked_fill(~allowed, neg)
                    if c.occurrences(generated) >= c.count:
                        continue
                nxt = c.continuation(generated)
                if nxt is not None:
                    forced = nxt
                    break
                pending.append(c)
            if forced is None and not pending:
                continue
            if forced is None:
                # the last step is always </s> (forced_eos), so terms must fit before it
                remaining = self.max_new[row // self.num_beams] - len(generated) - 1
                need = sum(c.shortest * (c.count - c.occurrences(generated)) for c in pending)
                if remaining <= need or \
                        int(scores[row].argmax()) == self.eos:
                    # out of room, or the model wants to stop: put the term here
                    forced = pending[0].alternatives[0][0]
                else:
                    row_scores = scores[row]
                    row_scores[self.eos] = neg
                    top = set(torch.topk(row_scores, min(self.top_k, row_scores.numel()))
                              .indices.tolist())
                    best = float(row_scores.max())
                    after_apostrophe = bool(generated) and \
                        self.pieces[generated[-1]].endswith(("'", "’"))
                    for c in pending:
                        starts = [a[0] for a in c.alternatives]
                        if after_apostrophe:
                            starts += [a[0] for a in c.glued]
                        for t in starts:
                            if t in top:
                                row_scores[t] = best + 1.0
                    continue
            value = scores[row, forced].clone()
            scores[row] = neg
            scores[row, forced] = value if value > neg else 0.0
        return scores


class RowLengthCap(LogitsProcessor):
    """Ends each sentence at its own length cap: the step that would take a hypothesis to
    its cap may only be ``</s>`` (``generate`` itself caps the whole batch at once)."""

    def __init__(self, caps: Sequence[int], num_beams: int, eos_token_id: int) -> None:
        self.caps = list(caps)
        self.num_beams = max(1, num_beams)
        self.eos = eos_token_id
        self.start_len: int | None = None

    def __call__(self, input_ids: torch.LongTensor, scores: torch.FloatTensor
                 ) -> torch.FloatTensor:
        if self.start_len is None:
            self.start_len = input_ids.shape[1]
        step = input_ids.shape[1] - self.start_len  # tokens generated so far
        rows = [r for r in range(input_ids.shape[0])
                if step + 1 >= self.caps[r // self.num_beams]]
        if rows:
            neg = torch.finfo(scores.dtype).min
            keep = scores[rows, self.eos].clone()
            scores[rows] = neg
            scores[rows, self.eos] = torch.where(keep > neg, keep, torch.zeros_like(keep))
        return scores
