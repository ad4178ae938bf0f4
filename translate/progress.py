"""The one progress bar of the toolkit (translation batches, localisation jobs): on
stderr, and silent when stderr is not a terminal unless asked for."""

from __future__ import annotations

import sys
import time


class Progress:
    """``update(n)`` after each piece of work; ``close()`` ends the line early.

    ``enabled``: ``None`` draws only on a terminal, ``True`` always, ``False`` never."""

    def __init__(self, total: int, label: str, stream=None, *,
                 enabled: bool | None = None) -> None:
        self.total = max(total, 1)
        self.label = label
        self.done = 0
        self.stream = stream if stream is not None else sys.stderr
        if enabled is None:
            enabled = bool(getattr(self.stream, "isatty", lambda: False)())
        self.enabled = enabled
        self.started = time.monotonic()
        self._closed = False

    def update(self, n: int = 1) -> None:
        self.done = min(self.total, self.done + n)
        if not self.enabled or self._closed:
            return
        width = 30
        filled = int(width * self.done / self.total)
        rate = self.done / max(time.monotonic() - self.started, 1e-6)
        self.stream.write(f"\r{self.label} [{'#' * filled}{'.' * (width - filled)}] "
                          f"{self.done}/{self.total} ({rate:.1f}/s)")
        if self.done >= self.total:
            self.stream.write("\n")
            self._closed = True
        self.stream.flush()

    def close(self) -> None:
        """End the bar's line (when work stopped before the total)."""
        if self.enabled and not self._closed and self.done:
            self.stream.write("\n")
            self.stream.flush()
        self._closed = True
