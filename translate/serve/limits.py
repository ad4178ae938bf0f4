"""Requests per minute per key or client, and the lock-out of an address that keeps
sending invalid keys: sliding windows, in memory, bounded."""

from __future__ import annotations

import threading
import time
from collections import OrderedDict, deque


class RateLimiter:
    """``allow(who, limit)`` is ``False`` once ``who`` sent ``limit`` requests in the last
    ``window`` seconds. At most ``max_clients`` clients are remembered (least recently
    seen dropped first), so a flood of addresses cannot grow memory without bound."""

    def __init__(self, window: float = 60.0, max_clients: int = 65536) -> None:
        self.window = window
        self.max_clients = max_clients
        self._seen: OrderedDict[str, deque[float]] = OrderedDict()
        self._lock = threading.Lock()

    def allow(self, who: str, limit: int) -> bool:
        if limit < 0:
            return True
        now = time.monotonic()
        with self._lock:
            times = self._seen.pop(who, None) or deque()
            while times and times[0] <= now - self.window:
                times.popleft()
            ok = len(times) < limit
            if ok:
                times.append(now)
            self._seen[who] = times
            while len(self._seen) > self.max_clients:
                self._seen.popitem(last=False)
            return ok


class KeyLockout:
    """``failed(who)`` counts an invalid key; once ``who`` sent ``failures`` of them in
    ``window`` seconds, ``locked(who)`` says how many seconds its lock-out has left
    (``lockout`` in all; 0 when not locked). Bounded as :class:`RateLimiter`."""

    def __init__(self, failures: int = 10, window: float = 60.0, lockout: float = 300.0,
                 max_clients: int = 65536) -> None:
        self.failures = failures
        self.window = window
        self.lockout = lockout
        self.max_clients = max_clients
        self._seen: OrderedDict[str, deque[float]] = OrderedDict()
        self._until: OrderedDict[str, float] = OrderedDict()
        self._lock = threading.Lock()

    def locked(self, who: str) -> float:
        if self.failures < 0:
            return 0.0
        with self._lock:
            until = self._until.get(who)
            if until is None:
                return 0.0
            left = until - time.monotonic()
            if left <= 0:
                del self._until[who]
                return 0.0
            return left

    def failed(self, who: str) -> None:
        if self.failures < 0:
            return
        now = time.monotonic()
        with self._lock:
            times = self._seen.pop(who, None) or deque()
            while times and times[0] <= now - self.window:
                times.popleft()
            times.append(now)
            if len(times) >= self.failures:
                self._until[who] = now + self.lockout
                self._until.move_to_end(who)
                times.clear()
            self._seen[who] = times
            for table in (self._seen, self._until):
                while len(table) > self.max_clients:
                    table.popitem(last=False)
