"""The ``LogitsProcessor``s of constrained decoding for the torch backend (see
:mod:`.constrained` for the method); imports torch and transformers."""

from __future__ import annotations

from collections.abc import Sequence

import torch
from transformers import LogitsProcessor

from .constrained import TermConstraint


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
