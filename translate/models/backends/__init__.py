"""Decoder backends: each maps batches of source token ids to output token ids.

- ``transformers``: ``MarianMTModel.generate`` in PyTorch (CPU or CUDA); supports the
  project's constrained decoding for glossary terms.
- ``ctranslate2``: the same checkpoint converted by CTranslate2 (optional extra ``fast``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol


@dataclass(frozen=True, slots=True)
class DecodeRequest:
    """One batch: source ids (with target token and ``</s>``), and decoding limits."""

    ids: Sequence[Sequence[int]]
    beam_size: int
    max_new_tokens: int
    min_new_tokens: int = 0
    constraints: Sequence[object] | None = None  # per sentence, see ..constrained
    row_max_new_tokens: Sequence[int] | None = None  # per sentence caps (<= max_new_tokens)


class Backend(Protocol):
    name: str

    def generate(self, request: DecodeRequest, attention: list | None = None
                 ) -> list[list[int]]:
        """Output ids per sentence (no decoder-start token; ``</s>`` kept if produced).
        With ``attention`` (a list), also appends per sentence the alignment head's weights
        (a row per output id, a column per source id)."""
        ...

    def attention(self, source_ids: Sequence[Sequence[int]],
                  target_ids: Sequence[Sequence[int]]) -> list[list[list[float]]]:
        """The alignment head's weights for given outputs (forced alignment)."""
        ...
