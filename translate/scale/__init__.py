"""Scale-out: run translation batches in a local process pool or on a Dask cluster.

    from translate.scale import ExecutorTranslate, make_executor
    with make_executor("dask", scheduler="tcp://host:8786") as executor:
        run_job(sources, "en", ["az", "it"], "out",
                ExecutorTranslate(TranslatorConfig(models_dir="/models"), executor))

Workers receive plain tasks (the client's :class:`~translate.config.TranslatorConfig`, a
direction, a batch) and keep one
translator per config per process; the client keeps the translation memory, the QA checks
and the output files. See :mod:`.executors` and :mod:`.tasks`.
"""

from __future__ import annotations

from ..config import TranslatorConfig
from .executors import (
    EXECUTORS,
    DaskExecutor,
    Executor,
    ExecutorTranslate,
    LocalExecutor,
    make_executor,
)
from .tasks import ArticleTask, BatchTask

__all__ = [
    "EXECUTORS",
    "ArticleTask",
    "BatchTask",
    "DaskExecutor",
    "Executor",
    "ExecutorTranslate",
    "LocalExecutor",
    "TranslatorConfig",
    "make_executor",
]
