"""Decoder backends: each maps batches of source token ids to output token ids.

- ``ctranslate2`` (the default, :data:`DEFAULT_BACKEND`): the checkpoint converted once
  by CTranslate2 (int8 on CPU); once converted it runs without torch or transformers,
  glossary constraints included (:mod:`.ctranslate2_constraints`).
- ``torch``: ``MarianMTModel.generate`` in PyTorch (CPU or CUDA); glossary constraints as
  a ``LogitsProcessor`` (:mod:`..constrained_torch`).

Threads: each backend takes ``threads: int | None``; ``None`` is :func:`default_threads`,
this process's share of the cores. ``OMP_WAIT_POLICY`` is set to ``PASSIVE`` (unless the
environment sets it) whenever a process runs on fewer threads than there are cores
(``--workers N``, Dask workers, an explicit ``threads=``): OpenMP threads that spin while
waiting steal the cores the other workers need (a localisation job on a busy 2-core
machine ran 6x slower).
"""

from __future__ import annotations

import os
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
    #: n-best: hypotheses per sentence from the beam (``beam_size >= num_hypotheses``)
    num_hypotheses: int = 1


class Backend(Protocol):
    name: str

    def generate(self, request: DecodeRequest, attention: list | None = None,
                 scores: list | None = None) -> list[list[int]]:
        """Output ids per sentence (no decoder-start token; ``</s>`` kept if produced).
        With ``attention`` (a list), also appends per sentence the alignment head's weights
        (a row per output id, a column per source id; of the best hypothesis). With
        ``scores`` (a list), also appends per sentence the mean log-probability per token
        of its best hypothesis (``</s>`` included), as the model gives it.

        With ``num_hypotheses=n > 1``: ``n`` sequences per sentence, sentence-major (rows
        ``i*n .. i*n+n-1`` are sentence ``i``'s, best first), as transformers'
        ``num_return_sequences``."""
        ...

    def attention(self, source_ids: Sequence[Sequence[int]],
                  target_ids: Sequence[Sequence[int]]) -> list[list[list[float]]]:
        """The alignment head's weights for given outputs (forced alignment)."""
        ...


#: what ``Translator(backend=...)`` and ``--backend`` use unless told otherwise
DEFAULT_BACKEND = "ctranslate2"


def cuda_available(backend: str) -> bool:
    """Whether ``backend`` sees a CUDA device (ctranslate2 is asked itself, so that the
    default path never imports torch)."""
    if backend == "ctranslate2":
        from .ctranslate2_backend import import_ctranslate2

        return import_ctranslate2().get_cuda_device_count() > 0
    import torch

    return torch.cuda.is_available()


def cpu_threads() -> int:
    """Cores this process may run on."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not Linux
        return max(1, os.cpu_count() or 1)


def default_threads() -> int:
    """This process's threads: ``OMP_NUM_THREADS`` when set (a process-pool worker gets
    ``cores // workers`` there, Dask's nanny sets 1), else every core it may run on."""
    value = os.environ.get("OMP_NUM_THREADS", "").strip()
    if value.isdigit() and int(value) > 0:
        return min(int(value), cpu_threads())
    return cpu_threads()


def resolve_threads(threads: int | None) -> int:
    if threads is None:
        return default_threads()
    if threads < 1:
        from ...errors import UserError

        raise UserError(f"threads={threads}: use at least 1 (or leave it unset)")
    return int(threads)


def per_worker_threads(workers: int) -> int:
    """Threads for each of ``workers`` processes sharing this machine: ``cores // workers``
    (at least 1), so that N workers never run N x cores threads."""
    return max(1, cpu_threads() // max(1, workers))


def configure_openmp(threads: int | None = None) -> None:
    """Choose this process's OpenMP wait policy before a runtime (ctranslate2's, torch's)
    starts: ``PASSIVE`` when the process runs fewer threads than there are cores, i.e. it
    shares the machine with other workers. An explicit ``OMP_WAIT_POLICY`` is kept; once
    a runtime has started, a later change has no effect (so call it early)."""
    if os.environ.get("OMP_WAIT_POLICY"):
        return
    n = default_threads() if threads is None else threads
    if n < cpu_threads():
        os.environ["OMP_WAIT_POLICY"] = "PASSIVE"
