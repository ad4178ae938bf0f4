"""What runs on a worker process: tasks that name their translator by a plain config.

A task is picklable plain data: the :class:`~translate.config.TranslatorConfig` the client
built (the same one its own translator has), the direction, and a batch of texts (or an
article). The worker builds the
:class:`~translate.Translator` for a config the first time it sees it and keeps it in a
per-process cache, so each worker loads each model once and reuses it for every later
task. Calls into one cached translator are serialised by a lock: a worker may run tasks
on several threads, and a Translator is not meant to be shared across threads.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from ..config import TranslatorConfig, as_config
from ..protocol import Translates


@dataclass(frozen=True, slots=True)
class BatchTask:
    """Translate ``texts`` (already masked, one batch) from ``src`` to ``tgt``."""

    config: TranslatorConfig
    src: str
    tgt: str
    texts: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class ArticleTask:
    """Translate one article (many sentences: segmented, batched on the worker)."""

    config: TranslatorConfig
    src: str
    tgt: str
    text: str
    #: with a translation memory: the hits the parent looked up, ``(src, tgt, source,
    #: target)``; ``None`` without one (the worker never opens the memory itself)
    memory: tuple[tuple[str, str, str, str], ...] | None = None


_CACHE: dict[str, tuple[Translates, threading.Lock]] = {}
_CACHE_LOCK = threading.Lock()
_STATS = {"translators_built": 0, "tasks": 0}


def translator_for(config: TranslatorConfig | Mapping[str, Any]
                   ) -> tuple[Translates, threading.Lock]:
    """This process's translator for ``config`` (built on first use) and its lock."""
    config = as_config(config)
    key = config.key()
    with _CACHE_LOCK:
        entry = _CACHE.get(key)
        if entry is None:
            from ..translator import Translator

            entry = (Translator.from_config(config), threading.Lock())
            _CACHE[key] = entry
            _STATS["translators_built"] += 1
    return entry


def translate_texts(task: BatchTask) -> list[str]:
    """One batch through the worker's cached translator; one output per text."""
    translator, lock = translator_for(task.config)
    with lock:
        _STATS["tasks"] += 1
        return translator.translate(list(task.texts), task.src, task.tgt)


def translate_article(task: ArticleTask) -> Any:
    """One article through the worker's cached translator (an ``ArticleOutcome``)."""
    from ..article import translate_one

    memory = None
    if task.memory is not None:
        from ..article_memory import RecalledMemory

        memory = RecalledMemory({(s, t, source): hit
                                 for s, t, source, *hit in task.memory})
    translator, lock = translator_for(task.config)
    with lock:
        _STATS["tasks"] += 1
        return translate_one(translator, task.text, task.src, task.tgt, memory=memory)


def worker_info() -> dict[str, int]:
    """This process: its id, how many translators it built, how many tasks it ran."""
    return {"pid": os.getpid(), **_STATS}


def init_worker(torch_threads: int) -> None:
    """Process-pool initializer: give each worker its share of the CPU threads."""
    os.environ["OMP_NUM_THREADS"] = str(torch_threads)
    os.environ["MKL_NUM_THREADS"] = str(torch_threads)
    import sys

    torch = sys.modules.get("torch")
    if torch is not None:  # pragma: no cover - only when the pool forks a torch parent
        torch.set_num_threads(torch_threads)
