"""Translated files waiting to be downloaded: in memory, under random ids, expiring.

No part of a request (file name, id) is ever used as a path: an id is only a key of this
store, and an unknown or expired id is simply not found.
"""

from __future__ import annotations

import secrets
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class StoredFile:
    data: bytes
    filename: str
    media_type: str
    expires: float


class DownloadStore:
    def __init__(self, ttl_s: float = 600.0, max_bytes: int = 256 << 20) -> None:
        self.ttl_s = ttl_s
        self.max_bytes = max_bytes
        self._files: OrderedDict[str, StoredFile] = OrderedDict()
        self._size = 0
        self._lock = threading.Lock()

    def put(self, data: bytes, filename: str, media_type: str) -> str:
        ident = secrets.token_urlsafe(24)
        with self._lock:
            self._expire(time.monotonic())
            self._files[ident] = StoredFile(data, filename, media_type,
                                            time.monotonic() + self.ttl_s)
            self._size += len(data)
            while self._size > self.max_bytes and len(self._files) > 1:
                _, old = self._files.popitem(last=False)
                self._size -= len(old.data)
        return ident

    def get(self, ident: str) -> StoredFile | None:
        with self._lock:
            self._expire(time.monotonic())
            return self._files.get(ident)

    def pop(self, ident: str) -> StoredFile | None:
        """The file, removed from the store (``None``: unknown or expired)."""
        with self._lock:
            self._expire(time.monotonic())
            stored = self._files.pop(ident, None)
            if stored is not None:
                self._size -= len(stored.data)
            return stored

    def _expire(self, now: float) -> None:
        for ident in [i for i, f in self._files.items() if f.expires <= now]:
            self._size -= len(self._files.pop(ident).data)

    def __len__(self) -> int:
        return len(self._files)


def content_disposition(filename: str) -> str:
    """``attachment`` with an ASCII ``filename`` for old clients and the exact name as
    ``filename*`` (RFC 5987/6266: UTF-8, percent-encoded) for every other."""
    from urllib.parse import quote

    fallback = "".join(c if 32 <= ord(c) < 127 and c not in '"\\%' else "_"
                       for c in filename)
    if fallback == filename:
        return f'attachment; filename="{filename}"'
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename, safe='')}"
