"""Requests per minute per key or client: a sliding window, in memory, bounded."""

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
