"""Where batches run: in this process, in a local process pool, or on a Dask cluster.

Every executor has one method that matters, ``map_batches(fn, tasks)``: it runs
``fn(task)`` for each task, wherever it runs them, and yields the results in the order of
the tasks. ``fn`` is a module-level function of :mod:`translate.scale.tasks` and a task is
plain picklable data (a translator config, a direction, a batch of texts), so the same
call works across processes and machines. The caller (the localisation job, the article
command) keeps everything stateful: deduplication, the translation memory, QA checks and
the output files are only ever touched by the client, never by a worker.

* :class:`LocalExecutor` - ``workers=1``: in this process; more: a
  ``concurrent.futures`` process pool (spawned, so no worker inherits a half-initialised
  torch), each process with its share of the CPU threads. No extra dependency.
* :class:`DaskExecutor` - ``dask.distributed`` (the ``dist`` extra): an existing scheduler
  (``address`` or ``$DASK_SCHEDULER_ADDRESS``), or a ``LocalCluster`` started on this
  machine. Dask reschedules the tasks of a worker that dies; this module adds no
  scheduling of its own.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator, Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor
from typing import Any, Protocol, TypeVar

from ..config import TranslatorConfig, as_config
from ..errors import UserError, param
from .tasks import ArticleTask, BatchTask, init_worker, translate_article, translate_texts

T = TypeVar("T")
R = TypeVar("R")

EXECUTORS = ("local", "dask")
SCHEDULER_ENV = "DASK_SCHEDULER_ADDRESS"


class Executor(Protocol):
    def map_batches(self, fn: Callable[[T], R], tasks: Sequence[T]) -> Iterator[R]: ...

    def map_unordered(self, fn: Callable[[T], R], tasks: Sequence[T]
                      ) -> Iterator[tuple[int, R]]: ...

    def close(self) -> None: ...


class _Closing:
    def close(self) -> None:  # pragma: no cover - overridden
        pass

    def __enter__(self):  # noqa: ANN204
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class LocalExecutor(_Closing):
    """``workers=1``: run tasks here, one after the other. ``workers>1``: a pool of that
    many processes; each gets ``cpu_count // workers`` torch threads (at least one)."""

    def __init__(self, workers: int = 1) -> None:
        if workers < 1:
            raise UserError(f"{param('workers')} must be at least 1")
        self.workers = workers
        self._pool: ProcessPoolExecutor | None = None

    def _get_pool(self) -> ProcessPoolExecutor:
        if self._pool is None:
            import multiprocessing

            threads = max(1, (os.cpu_count() or 1) // self.workers)
            self._pool = ProcessPoolExecutor(
                max_workers=self.workers, mp_context=multiprocessing.get_context("spawn"),
                initializer=init_worker, initargs=(threads,))
        return self._pool

    def map_batches(self, fn: Callable[[T], R], tasks: Sequence[T]) -> Iterator[R]:
        if self.workers == 1:
            return (fn(task) for task in tasks)
        return self._get_pool().map(fn, tasks)

    def map_unordered(self, fn: Callable[[T], R], tasks: Sequence[T]
                      ) -> Iterator[tuple[int, R]]:
        """``(index, fn(task))`` as each task completes (in order with one worker)."""
        if self.workers == 1:
            yield from ((i, fn(task)) for i, task in enumerate(tasks))
            return
        from concurrent.futures import as_completed

        pool = self._get_pool()
        index = {pool.submit(fn, task): i for i, task in enumerate(tasks)}
        try:
            for future in as_completed(index):
                yield index[future], future.result()
        finally:
            for future in index:
                future.cancel()

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None


def import_distributed() -> Any:
    try:
        import distributed
    except ImportError:
        raise UserError(f"{param('executor', 'dask')} needs dask.distributed: "
                        "pip install 'newsdesk-translate[dist]'") from None
    return distributed


class DaskExecutor(_Closing):
    """Run tasks on a Dask cluster.

    Args:
        address: the scheduler (``tcp://host:8786``); default ``$DASK_SCHEDULER_ADDRESS``;
            neither: a ``LocalCluster`` of ``workers`` processes (one thread each) is
            started on this machine, on loopback, and closed with the executor.
        workers: size of that local cluster (an existing cluster keeps its own size).
        client: an existing ``distributed.Client`` to use instead (not closed here).
    """

    def __init__(self, address: str | None = None, workers: int = 1, *,
                 client: Any = None, timeout: float = 30.0) -> None:
        if workers < 1:
            raise UserError(f"{param('workers')} must be at least 1")
        distributed = import_distributed()
        self.cluster = None
        self._own_client = client is None
        if client is not None:
            self.client = client
            return
        address = address or os.environ.get(SCHEDULER_ENV) or None
        if address is None:
            self.cluster = distributed.LocalCluster(
                n_workers=workers, threads_per_worker=1, processes=True,
                dashboard_address=None, host="127.0.0.1")
            address = self.cluster.scheduler_address
        try:
            self.client = distributed.Client(address, timeout=timeout)
        except ValueError as exc:  # distributed's address parser: "missing port number"
            if self.cluster is not None:
                self.cluster.close()
            raise UserError(f"{param('scheduler', repr(address))}: not a Dask scheduler "
                            f"address ({exc}); use tcp://HOST:PORT") from None
        except (OSError, TimeoutError) as exc:
            if self.cluster is not None:
                self.cluster.close()
            raise UserError(f"cannot reach the Dask scheduler at {address} ({exc}); check "
                            f"{param('scheduler')} or ${SCHEDULER_ENV}") from None

    def map_batches(self, fn: Callable[[T], R], tasks: Sequence[T]) -> Iterator[R]:
        futures = self.client.map(fn, list(tasks), pure=False)
        try:
            for i, future in enumerate(futures):
                result = future.result()
                futures[i] = None  # let Dask release the result
                yield result
        finally:
            pending = [f for f in futures if f is not None]
            if pending:
                self.client.cancel(pending)

    def map_unordered(self, fn: Callable[[T], R], tasks: Sequence[T]
                      ) -> Iterator[tuple[int, R]]:
        """``(index, fn(task))`` as each task completes, wherever it ran."""
        distributed = import_distributed()
        futures = self.client.map(fn, list(tasks), pure=False)
        index = {f.key: i for i, f in enumerate(futures)}
        done: set[int] = set()
        try:
            for future in distributed.as_completed(futures):
                i = index[future.key]
                result = future.result()
                done.add(i)
                yield i, result
        finally:
            pending = [f for i, f in enumerate(futures) if i not in done]
            if pending:
                self.client.cancel(pending)

    def close(self) -> None:
        if self._own_client:
            self.client.close()
        if self.cluster is not None:
            self.cluster.close()
            self.cluster = None


def make_executor(kind: str = "local", workers: int = 1,
                  scheduler: str | None = None) -> LocalExecutor | DaskExecutor:
    """The executor ``--executor KIND --workers N --scheduler ADDRESS`` asks for."""
    if kind == "local":
        if scheduler:
            raise UserError(f"{param('scheduler')} needs {param('executor', 'dask')}")
        return LocalExecutor(workers)
    if kind == "dask":
        return DaskExecutor(scheduler, workers)
    raise UserError(f"unknown executor {kind!r}: use {' or '.join(EXECUTORS)}")


class ExecutorTranslate:
    """``translate_batch`` for :func:`translate.localise.run_job` that runs every batch
    through an executor, on the translator ``config`` builds (once per worker).

    ``config`` is a :class:`~translate.config.TranslatorConfig` (or the same options as a
    mapping); workers receive it with its local paths made absolute
    (:meth:`TranslatorConfig.portable`)."""

    def __init__(self, config: TranslatorConfig | Mapping[str, Any],
                 executor: Executor) -> None:
        self.config = as_config(config).portable()
        self.executor = executor

    def __call__(self, texts: list[str], src: str, tgt: str) -> list[str]:
        return next(iter(self.map_batches([texts], src, tgt)))

    def map_batches(self, batches: Sequence[Sequence[str]], src: str, tgt: str
                    ) -> Iterator[list[str]]:
        tasks = [BatchTask(self.config, src, tgt, tuple(b)) for b in batches]
        return self.executor.map_batches(translate_texts, tasks)

    def map_completed(self, batches: Sequence[Sequence[str]], src: str, tgt: str
                      ) -> Iterator[tuple[int, list[str]]]:
        """``(batch index, outputs)`` as each batch completes, so the caller can journal
        every finished batch at once, whatever the order the workers finish in."""
        tasks = [BatchTask(self.config, src, tgt, tuple(b)) for b in batches]
        return self.executor.map_unordered(translate_texts, tasks)

    def map_articles(self, items: Sequence[tuple[str, str, str]], *,
                     memory: Sequence[tuple] | None = None) -> Iterator[tuple[int, Any]]:
        """``(index, ArticleOutcome)`` per ``(text, src, tgt)`` as each completes
        (:func:`translate.article.translate_files`); ``memory``: per item, the translation
        memory's hits the caller looked up (the outcomes carry what was decoded)."""
        hits = list(memory) if memory is not None else [None] * len(items)
        tasks = [ArticleTask(self.config, src, tgt, text, None if h is None else tuple(h))
                 for (text, src, tgt), h in zip(items, hits, strict=True)]
        return self.executor.map_unordered(translate_article, tasks)
