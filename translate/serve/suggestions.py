"""The server's memory of editors' corrections (``--suggestions``; ``POST /suggest``).

A correction is stored as a **human** entry of a translation memory
(:meth:`translate.memory.TranslationMemory.store_human`: no context, so it answers under
any model settings, and machine output never overwrites it). Every sentence the server
translates (``/translate``, ``/translate_file``, DeepL's ``/v2/translate``) is looked up
there first, through the translator's memory step (:func:`translate.steps.remembered`):
a stored correction is returned instead of the model's output, marked ``human`` with
confidence 1. A correction of a whole text of several sentences (what LibreTranslate's
clients send) answers that text as one segment (:meth:`SuggestionMemory.has`).

Only corrections are read and written here: the model's output is never stored, so the
file holds what editors said and nothing else. One connection, guarded by a lock: the
model thread reads it, request threads write and read it.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from pathlib import Path

from ..article_memory import Hit, Learned, RouteKey
from ..memory import TranslationMemory
from ..pipeline import normalise


class SuggestionMemory:
    """A :class:`~translate.article_memory.SentenceMemory` that recalls the human entries
    of one memory file and remembers nothing the model made."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self.tm = TranslationMemory(self.path)
        self._lock = threading.Lock()

    @staticmethod
    def key(text: str, lang: str) -> str:
        """The form a source text is stored and looked up in (as the memory step
        normalises sentences; segments are stripped)."""
        return normalise(text.strip(), lang)

    def recall(self, key: RouteKey, sources: Sequence[str]) -> dict[str, Hit]:
        with self._lock:
            found = self.tm.lookup_human(key.src, key.tgt, sources)
        return {s: Hit(e.target, True, 1.0) for s, e in found.items()}

    def remember(self, key: RouteKey, learned: Sequence[Learned]) -> None:
        """Model output is not kept here (only editors' corrections are)."""

    def has(self, src: str, tgt: str, text: str) -> bool:
        """Whether ``text`` (a whole text, as sent) has a correction of its own."""
        source = self.key(text, src)
        with self._lock:
            return source in self.tm.lookup_human(src, tgt, [source])

    def store(self, src: str, tgt: str, source: str, target: str) -> None:
        """Store an editor's correction of ``source`` (replacing an earlier one)."""
        with self._lock:
            self.tm.store_human(src, tgt, [(self.key(source, src), target.strip())])

    def close(self) -> None:
        with self._lock:
            self.tm.close()
