"""The ``LogitsProcessor``s of constrained decoding for the torch backend (see
:mod:`.constrained` for the method); imports torch and transformers."""

from __future__ import annotations

from collections.abc import Sequence

import torch
from transformers import LogitsProcessor

from .constrained import TargetPieces, TermConstraint, step_rule


class TermConstraintProcessor(LogitsProcessor):
    """Masks scores so every constraint of a sentence is met before ``</s>``, and a term is
    followed by a word boundary or a valid ending, never glued into another word (the rule
    of each step: :func:`.constrained.step_rule`)."""

    def __init__(self, constraints: Sequence[Sequence[TermConstraint] | None], num_beams: int,
                 eos_token_id: int, max_new_tokens: int | Sequence[int], pieces: Sequence[str],
                 top_k: int = 3) -> None:
        self.constraints = [list(c or ()) for c in constraints]
        self.num_beams = max(1, num_beams)
        self.eos = eos_token_id
        self.max_new = ([max_new_tokens] * len(self.constraints)
                        if isinstance(max_new_tokens, int) else list(max_new_tokens))
        self.top_k = top_k
        self.target = TargetPieces.of(pieces)
        self.boundary = torch.tensor(self.target.boundaries(eos_token_id), dtype=torch.bool)
        self.start_len: int | None = None

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
            rule = step_rule(self.constraints[row // self.num_beams], generated, self.target)
            if rule is None:
                continue
            for may_end, more in rule.endings:
                allowed = self.boundary.clone() if may_end or not more else \
                    torch.zeros_like(self.boundary)
                if more:
                    allowed[list(more)] = True
                scores[row] = scores[row].masked_fill(~allowed, neg)
            forced = rule.forced
            if forced is None and not rule.pending:
                continue
            if forced is None:
                # the last step is always </s> (forced_eos), so terms must fit before it
                remaining = self.max_new[row // self.num_beams] - len(generated) - 1
                if remaining <= rule.need or int(scores[row].argmax()) == self.eos:
                    # out of room, or the model wants to stop: put the term here
                    forced = rule.pending[0].alternatives[0][0]
                else:
                    row_scores = scores[row]
                    row_scores[self.eos] = neg
                    top = set(torch.topk(row_scores, min(self.top_k, row_scores.numel()))
                              .indices.tolist())
                    best = float(row_scores.max())
                    for t in rule.starts:
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
