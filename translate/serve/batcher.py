"""Dynamic batching: sentences from concurrent requests decoded in one model call.

Each request hands its sentences to :meth:`DynamicBatcher.submit` under a key (source
language, target language, glossary, and the number of n-best alternatives when asked:
requests that want a different n are never decoded together). One model thread owns the
translator: it takes the oldest waiting key, waits up to ``gather_s`` after that key's
first sentence arrived for more sentences of the same key (or until the token budget is
full), and runs one ``run(key, sentences)`` call for all of them. So throughput grows
with load, while a lone request waits at most the gather window. Every model call happens
on that one thread.

With ``enabled=False`` each submission is decoded on its own (the unbatched baseline the
benchmark compares against), through the same thread and queue.

The queue is bounded by sentences: :class:`QueueFull` when ``max_pending`` would be
exceeded (the server answers 503).
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict, deque
from collections.abc import Callable, Hashable, Sequence
from concurrent.futures import Future
from dataclasses import dataclass, field

Run = Callable[[Hashable, list[str]], list]


class QueueFull(Exception):
    """More sentences are waiting than the server accepts."""


class BatcherClosed(Exception):
    """The server is shutting down."""


def estimate_tokens(text: str) -> int:
    """About the SentencePiece pieces of ``text`` (words x 1.3, at least 1)."""
    return max(1, (len(text.split()) * 13 + 9) // 10)


@dataclass(slots=True)
class _Job:
    texts: list[str]
    future: Future
    arrived: float
    tokens: int
    #: a callable run on the model thread instead of a translation (file jobs)
    call: Callable[[], object] | None = None


@dataclass
class BatchStats:
    calls: int = 0
    sentences: int = 0
    largest: int = 0
    jobs_per_call: list[int] = field(default_factory=list)


class DynamicBatcher:
    def __init__(self, run: Run, *, enabled: bool = True, gather_s: float = 0.005,
                 batch_tokens: int = 2048, max_pending: int = 2048) -> None:
        self.run = run
        self.enabled = enabled
        self.gather_s = gather_s
        self.batch_tokens = batch_tokens
        self.max_pending = max_pending
        self.stats = BatchStats()
        self._queues: OrderedDict[Hashable, deque[_Job]] = OrderedDict()
        self._pending = 0
        self._cond = threading.Condition()
        self._closed = False
        self._thread = threading.Thread(target=self._loop, name="translate-model",
                                        daemon=True)
        self._thread.start()

    @property
    def pending(self) -> int:
        return self._pending

    def submit(self, key: Hashable, texts: Sequence[str]) -> Future:
        """A future of one result per text (what ``run`` returns for them)."""
        return self._put(key, _Job(list(texts), Future(), time.monotonic(),
                                   sum(estimate_tokens(t) for t in texts)))

    def call(self, fn: Callable[[], object]) -> Future:
        """Run ``fn`` on the model thread (a file job that calls the translator itself)."""
        return self._put(("call", id(fn)), _Job([], Future(), time.monotonic(), 1, fn))

    def _put(self, key: Hashable, job: _Job) -> Future:
        n = max(1, len(job.texts))
        with self._cond:
            if self._closed:
                raise BatcherClosed()
            if self._pending + n > self.max_pending and self._pending > 0:
                raise QueueFull()
            self._queues.setdefault(key, deque()).append(job)
            self._pending += n
            self._cond.notify()
        return job.future

    def close(self, timeout: float | None = 30.0) -> None:
        """Finish what is queued, then stop the model thread."""
        with self._cond:
            self._closed = True
            self._cond.notify_all()
        self._thread.join(timeout)

    # ------------------------------------------------------------------ model thread

    def _take(self) -> tuple[Hashable, list[_Job]] | None:
        with self._cond:
            while not self._queues:
                if self._closed:
                    return None
                self._cond.wait()
            key, queue = next(iter(self._queues.items()))
            if self.enabled and queue[0].call is None:
                deadline = queue[0].arrived + self.gather_s
                while (sum(j.tokens for j in queue) < self.batch_tokens
                       and not self._closed):
                    left = deadline - time.monotonic()
                    if left <= 0:
                        break
                    self._cond.wait(left)
            jobs = [queue.popleft()]
            if self.enabled and jobs[0].call is None:
                tokens = jobs[0].tokens
                while queue and tokens + queue[0].tokens <= self.batch_tokens:
                    tokens += queue[0].tokens
                    jobs.append(queue.popleft())
            if queue:  # the rest of this key goes behind the others: no key starves
                self._queues.move_to_end(key)
            else:
                del self._queues[key]
            self._pending -= sum(max(1, len(j.texts)) for j in jobs)
            return key, jobs

    def _loop(self) -> None:
        while True:
            taken = self._take()
            if taken is None:
                return
            key, jobs = taken
            jobs = [j for j in jobs if j.future.set_running_or_notify_cancel()]
            if not jobs:
                continue
            if jobs[0].call is not None:
                try:
                    jobs[0].future.set_result(jobs[0].call())
                except BaseException as exc:  # noqa: BLE001 - handed to the request
                    jobs[0].future.set_exception(exc)
                continue
            texts = [t for j in jobs for t in j.texts]
            try:
                results = self.run(key, texts) if texts else []
            except BaseException as exc:  # noqa: BLE001 - handed to each request
                for j in jobs:
                    j.future.set_exception(exc)
                continue
            self.stats.calls += 1
            self.stats.sentences += len(texts)
            self.stats.largest = max(self.stats.largest, len(texts))
            if len(self.stats.jobs_per_call) < 10000:
                self.stats.jobs_per_call.append(len(jobs))
            pos = 0
            for j in jobs:
                j.future.set_result(results[pos:pos + len(j.texts)])
                pos += len(j.texts)
