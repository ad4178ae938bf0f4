"""How a job uses the translation memory: where it lives by default, and when a stored
entry may be reused (an entry journaled with a QA failure never is)."""

from __future__ import annotations

import os
from pathlib import Path

from ..memory import TMEntry, TranslationMemory
from .checkers import CheckContext, Finding
from .qa import Verdict, verify

DEFAULT_TM_NAME = ".translate-memory.sqlite"


def open_memory(tm: str | os.PathLike[str] | TranslationMemory) -> tuple[TranslationMemory,
                                                                           bool]:
    """The memory to use and whether the job owns (closes) it. Its path (by default
    ``OUT/.translate-memory.sqlite``, which is also what makes a job resumable) is chosen
    and confined by :func:`translate.localise.jobs.plan_job`."""
    if isinstance(tm, TranslationMemory):
        return tm, False
    return TranslationMemory(Path(tm)), True


def reusable(entry: TMEntry | None, retry_failed: bool) -> bool:
    """A memory hit answers the string, unless it failed QA and ``retry_failed``."""
    return entry is not None and not (entry.qa and retry_failed)


def from_memory(source: str, entry: TMEntry, ctx: CheckContext) -> Verdict:
    """A memory hit, checked again. An entry journaled with a QA failure is never reused
    as a translation: it stays failed (with its old reasons when today's checks pass)."""
    result = verify(source, entry.target, "tm", ctx, machine=entry.origin == "mt")
    if entry.qa and not result.critical:
        failed = Finding("memory", f"failed QA when it was translated ({entry.qa}); "
                         "--retry-failed asks the model again")
        result = Verdict(result.target, "tm", (*result.problems, failed), result.machine)
    if entry.review:  # flagged for review when it was made: flagged again
        from dataclasses import replace

        result = replace(result, review=True,
                         reasons=tuple(r for r in entry.review.split("; ") if r))
    return result
