"""Dynamic batching: sentences from concurrent requests decoded in one model call, fairly.

Each request hands its sentences to :meth:`DynamicBatcher.submit` under a key (source
language, target language, glossary, the number of n-best alternatives and whether word
alignment is wanted: requests that want different outputs are never decoded together).
One model thread owns the translator: it takes the oldest waiting key, waits up to
``gather_s`` after that key's first sentence arrived for more sentences of the same key
(or until the token budget is full), and runs one ``run(key, sentences)`` call. So
throughput grows with load, while a lone request waits at most the gather window. Every
model call happens on that one thread.

Fair scheduling: one model call holds at most ``batch_tokens`` (about) source tokens,
shared out between the waiting requests of its key in equal shares (what one leaves
goes to the others), so a long request is decoded in slices that interleave with other
clients' work: a one-sentence request waits for one call, never behind a whole long one.
A request goes to the back of the line after each slice. The sentences of one turn are
decoded shortest first, in calls of similar length (a batch costs as much as its longest
sentence), and each request is answered as soon as its last sentence is.

A submission is a :class:`Ticket` (a ``concurrent.futures.Future``): cancelling it (the
client went away, its time ran out) drops its sentences that are not decoded yet.
``started`` says whether its first slice went to the model (the queue timeout counts
until then).

With ``enabled=False`` each submission is decoded on its own, whole (the unbatched
baseline the benchmark compares against), through the same thread and queue.

The queue is bounded by sentences: :class:`QueueFull` when ``max_pending`` would be
exceeded (the server answers 503 with ``Retry-After``), also when the queue is empty and
one submission alone is larger (the server refuses those at once, with 400).
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


class QueueTimeout(Exception):
    """A submission could not start within the queue timeout."""


class BatcherClosed(Exception):
    """The server is shutting down."""


def estimate_tokens(text: str) -> int:
    """About the SentencePiece pieces of ``text``: words x 1.3, at least one per 8
    characters (a long run without spaces is many pieces), at least 1."""
    return max(1, (len(text.split()) * 13 + 9) // 10, len(text) // 8)


class Ticket(Future):
    """One submission's future: its result is one output per text, in order."""

    def __init__(self, texts: list[str], arrived: float) -> None:
        super().__init__()
        self.texts = texts
        self.arrived = arrived
        self.tokens = [estimate_tokens(t) for t in texts]
        self.results: list = [None] * len(texts)
        self.next = 0  # the first text not yet handed to the model
        self.done_count = 0
        self.started = threading.Event()
        self._on_start: list[Callable[[], object]] = []
        #: a callable run on the model thread instead of a translation
        self.call: Callable[[], object] | None = None

    @property
    def left(self) -> int:
        return len(self.texts) - self.next

    def on_start(self, fn: Callable[[], object]) -> None:
        """Call ``fn`` (from the model thread) when the first slice goes to the model;
        at once when it already has."""
        self._on_start.append(fn)
        if self.started.is_set():
            fn()

    def _start(self) -> None:
        if not self.started.is_set():
            self.started.set()
            for fn in self._on_start:
                fn()


@dataclass
class BatchStats:
    calls: int = 0
    sentences: int = 0
    largest: int = 0
    jobs_per_call: list[int] = field(default_factory=list)
    dropped: int = 0  # sentences of cancelled submissions never decoded


class DynamicBatcher:
    def __init__(self, run: Run, *, enabled: bool = True, gather_s: float = 0.005,
                 batch_tokens: int = 2048, max_pending: int = 2048) -> None:
        self.run = run
        self.enabled = enabled
        self.gather_s = gather_s
        self.batch_tokens = batch_tokens
        self.max_pending = max_pending
        self.stats = BatchStats()
        self._queues: OrderedDict[Hashable, deque[Ticket]] = OrderedDict()
        self._pending = 0
        self._cond = threading.Condition()
        self._closed = False
        self._busy_since: float | None = None
        self._thread = threading.Thread(target=self._loop, name="translate-model",
                                        daemon=True)
        self._thread.start()

    @property
    def pending(self) -> int:
        """Sentences (and calls) waiting for the model."""
        return self._pending

    def oldest_wait(self) -> float:
        """Seconds the oldest submission not yet started has waited (0 when none)."""
        now = time.monotonic()
        with self._cond:
            waits = [now - t.arrived for q in self._queues.values() for t in q
                     if not t.started.is_set() and not t.cancelled()]
        return max(waits, default=0.0)

    def running(self) -> float:
        """Seconds the model call in progress has run (0 when the model is idle)."""
        since = self._busy_since
        return 0.0 if since is None else time.monotonic() - since

    @property
    def closed(self) -> bool:
        return self._closed

    def submit(self, key: Hashable, texts: Sequence[str]) -> Ticket:
        """A future of one result per text (what ``run`` returns for them)."""
        ticket = Ticket(list(texts), time.monotonic())
        if not ticket.texts:
            ticket.started.set()
            ticket.set_result([])
            return ticket
        return self._put(key, ticket)

    def call(self, fn: Callable[[], object]) -> Ticket:
        """Run ``fn`` on the model thread (loading models, for one)."""
        ticket = Ticket([], time.monotonic())
        ticket.call = fn
        return self._put(("call", id(fn)), ticket)

    def _put(self, key: Hashable, ticket: Ticket) -> Ticket:
        n = max(1, len(ticket.texts))
        with self._cond:
            if self._closed:
                raise BatcherClosed()
            if self._pending + n > self.max_pending:
                raise QueueFull()
            self._queues.setdefault(key, deque()).append(ticket)
            self._pending += n
            self._cond.notify()
        return ticket

    def close(self, timeout: float | None = 30.0) -> None:
        """Finish what is queued, then stop the model thread."""
        with self._cond:
            self._closed = True
            self._cond.notify_all()
        self._thread.join(timeout)

    # ------------------------------------------------------------------ model thread

    def _drop_cancelled(self) -> None:
        """Forget submissions whose client went away (caller holds the lock)."""
        for key in list(self._queues):
            queue = self._queues[key]
            keep = deque(t for t in queue if not t.cancelled())
            for t in queue:
                if t.cancelled():
                    self._pending -= 1 if t.call is not None else t.left
                    self.stats.dropped += t.left
            if keep:
                self._queues[key] = keep
            else:
                del self._queues[key]

    def _take(self) -> tuple[Hashable, list[tuple[Ticket, int, int]]] | None:
        """The next model call: its key and (ticket, first text, count) slices."""
        with self._cond:
            while True:
                self._drop_cancelled()
                if self._queues:
                    break
                if self._closed:
                    return None
                self._cond.wait()
            key, queue = next(iter(self._queues.items()))
            if queue[0].call is not None:
                ticket = queue.popleft()
                if not queue:
                    del self._queues[key]
                self._pending -= 1
                ticket._start()  # noqa: SLF001
                return key, [(ticket, 0, 0)]
            if self.enabled:
                deadline = queue[0].arrived + self.gather_s
                while (sum(sum(t.tokens[t.next:]) for t in queue) < self.batch_tokens
                       and not self._closed):
                    left = deadline - time.monotonic()
                    if left <= 0:
                        break
                    self._cond.wait(left)
                self._drop_cancelled()
                queue = self._queues.get(key)
                if not queue:
                    return key, []
            slices = self._slices(queue)
            finished = {id(t) for t, _, _ in slices if t.left == 0}
            served = {id(t) for t, _, _ in slices}
            # the requests served go to the back of the line, in their order
            rest = [t for t in queue if id(t) not in served]
            again = [t for t in queue if id(t) in served and id(t) not in finished]
            queue.clear()
            queue.extend(rest + again)
            if queue:  # the rest of this key goes behind the others: no key starves
                self._queues.move_to_end(key)
            else:
                del self._queues[key]
            self._pending -= sum(n for _, _, n in slices)
            for t, _, _ in slices:
                t._start()  # noqa: SLF001 - the batcher owns its tickets
            return key, slices

    def _slices(self, queue: deque[Ticket]) -> list[tuple[Ticket, int, int]]:
        """Fair shares of one call: each waiting request in turn gets up to an equal
        share of the token budget (at least one sentence); what the others leave is
        shared out again, so a lone request fills the call. Unbatched: the first
        request whole."""
        if not self.enabled:
            t = queue[0]
            start, t.next = t.next, len(t.texts)
            return [(t, start, len(t.texts) - start)]
        taken: dict[int, list] = {}
        order: list[Ticket] = []
        budget = self.batch_tokens
        while budget > 0:
            active = [t for t in queue if t.left]
            if not active:
                break
            share = max(1, budget // len(active))
            for t in active:
                got = 0
                while t.left and budget > 0:
                    cost = t.tokens[t.next]
                    if got and got + cost > share:
                        break  # its share is used: the next request's turn
                    if cost > budget and order:
                        budget = 0  # the call is full
                        break
                    if id(t) not in taken:
                        taken[id(t)] = [t, t.next, 0]
                        order.append(t)
                    taken[id(t)][2] += 1
                    t.next += 1
                    got += cost
                    budget -= cost
                if budget <= 0:
                    break
        return [tuple(taken[id(t)]) for t in order]

    def _loop(self) -> None:
        while True:
            taken = self._take()
            if taken is None:
                return
            key, slices = taken
            if not slices:
                continue
            self._busy_since = time.monotonic()
            try:
                self._serve(key, slices)
            finally:
                self._busy_since = None

    def _serve(self, key: Hashable, slices: list[tuple[Ticket, int, int]]) -> None:
        """One model call (or one ``call``) and its results handed out."""
        first = slices[0][0]
        if first.call is not None:
            if first.set_running_or_notify_cancel():
                try:
                    first.set_result(first.call())
                except BaseException as exc:  # noqa: BLE001 - handed to the request
                    first.set_exception(exc)
            return
        items = [(ticket, i) for ticket, start, n in slices for i in range(start, start + n)]
        for part in self._by_length(items):
            texts = [ticket.texts[i] for ticket, i in part]
            try:
                results = self.run(key, texts)
            except BaseException as exc:  # noqa: BLE001 - handed to each request
                for ticket in {id(t): t for t, _ in part}.values():
                    self._fail(ticket, exc)
                continue
            self.stats.calls += 1
            self.stats.sentences += len(texts)
            self.stats.largest = max(self.stats.largest, len(texts))
            if len(self.stats.jobs_per_call) < 10000:
                self.stats.jobs_per_call.append(len({id(t) for t, _ in part}))
            for (ticket, i), result in zip(part, results, strict=True):
                ticket.results[i] = result
                ticket.done_count += 1
                if ticket.done_count == len(ticket.texts) and not ticket.done():
                    if ticket.set_running_or_notify_cancel():
                        ticket.set_result(ticket.results)

    @staticmethod
    def _by_length(items: list[tuple[Ticket, int]]) -> list[list[tuple[Ticket, int]]]:
        """The sentences of one turn in model calls of similar length, shortest first: a
        batch is decoded as long as its longest sentence, so one long sentence (another
        client's long list) would make every short one in its call as slow as itself.
        A call's longest sentence is at most twice (and 16 tokens more than) its
        shortest."""
        ordered = sorted(items, key=lambda item: item[0].tokens[item[1]])
        parts: list[list[tuple[Ticket, int]]] = []
        for item in ordered:
            cost = item[0].tokens[item[1]]
            if parts:
                first = parts[-1][0][0].tokens[parts[-1][0][1]]
                if cost <= max(2 * first, first + 16):
                    parts[-1].append(item)
                    continue
            parts.append([item])
        return parts

    def _fail(self, ticket: Ticket, exc: BaseException) -> None:
        """A failed slice fails its whole request; its other slices are dropped."""
        with self._cond:
            if ticket.left:
                self._pending -= ticket.left
                ticket.next = len(ticket.texts)
                for queue in self._queues.values():
                    if ticket in queue:
                        queue.remove(ticket)
                for key in [k for k, q in self._queues.items() if not q]:
                    del self._queues[key]
        if not ticket.done() and ticket.set_running_or_notify_cancel():
            ticket.set_exception(exc)
