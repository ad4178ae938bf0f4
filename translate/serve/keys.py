"""API keys in an SQLite file, stored hashed (SHA-256): the file never holds a usable key.

    translate serve keys add --name weblate --keys-db keys.sqlite   # prints the key once
    translate serve keys list --keys-db keys.sqlite
    translate serve keys revoke ID --keys-db keys.sqlite
"""

from __future__ import annotations

import datetime as _dt
import hashlib
import secrets
import threading
from dataclasses import dataclass
from pathlib import Path

from .. import sqlitesafe
from ..errors import UserError, param

_SCHEMA = """
CREATE TABLE IF NOT EXISTS api_keys (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    name       TEXT NOT NULL DEFAULT '',
    key_hash   TEXT NOT NULL UNIQUE,
    prefix     TEXT NOT NULL,
    req_limit  INTEGER,
    char_limit INTEGER,
    created    TEXT NOT NULL,
    revoked    TEXT
);
"""


@dataclass(frozen=True, slots=True)
class ApiKey:
    """One key's record (never the key itself: ``prefix`` is its first characters)."""

    id: int
    name: str
    prefix: str
    req_limit: int | None
    char_limit: int | None
    created: str
    revoked: str | None = None

    @property
    def active(self) -> bool:
        return self.revoked is None


def hash_key(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


class KeyStore:
    """The key file; safe to share between threads (one connection, one lock). Opened as
    data (:mod:`translate.sqlitesafe`): a file whose schema this toolkit did not make is
    refused before anything is written to it."""

    def __init__(self, path: str | Path, *,
                 limits: sqlitesafe.Limits = sqlitesafe.DEFAULT_LIMITS) -> None:
        self.path = Path(path)
        if self.path.is_dir():
            raise UserError(f"{self.path}: is a directory; give a file name for "
                            f"{param('keys_db')}")
        self._db = sqlitesafe.open_store(self.path, limits, _SCHEMA, "API key database",
                                         f"give another {param('keys_db')}")
        self._lock = threading.Lock()

    def add(self, name: str = "", *, req_limit: int | None = None,
            char_limit: int | None = None) -> tuple[str, ApiKey]:
        """A new key (returned once, in clear) and its record."""
        key = secrets.token_urlsafe(24)
        now = _dt.datetime.now(_dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        with self._lock:
            cur = self._db.execute(
                "INSERT INTO api_keys (name, key_hash, prefix, req_limit, char_limit, created)"
                " VALUES (?, ?, ?, ?, ?, ?)",
                (name, hash_key(key), key[:6], req_limit, char_limit, now))
            row_id = int(cur.lastrowid)
        return key, ApiKey(row_id, name, key[:6], req_limit, char_limit, now)

    def lookup(self, key: str) -> ApiKey | None:
        """The active record for ``key``, or ``None`` (unknown or revoked)."""
        if not key:
            return None
        with self._lock:
            row = self._db.execute(
                "SELECT id, name, prefix, req_limit, char_limit, created, revoked "
                "FROM api_keys WHERE key_hash = ? AND revoked IS NULL",
                (hash_key(key),)).fetchone()
        return ApiKey(*row) if row else None

    def list(self) -> list[ApiKey]:
        with self._lock:
            rows = self._db.execute(
                "SELECT id, name, prefix, req_limit, char_limit, created, revoked "
                "FROM api_keys ORDER BY id").fetchall()
        return [ApiKey(*r) for r in rows]

    def revoke(self, ident: str) -> ApiKey:
        """Revoke by id, or by a unique name; a UserError when it matches no active key."""
        keys = [k for k in self.list() if k.active
                and (str(k.id) == ident or k.name == ident)]
        if len(keys) != 1:
            what = "no active key" if not keys else f"{len(keys)} keys"
            raise UserError(f"{what} matches {ident!r}; see `translate serve keys list` "
                            "and revoke by id")
        now = _dt.datetime.now(_dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        with self._lock:
            self._db.execute("UPDATE api_keys SET revoked = ? WHERE id = ?", (now, keys[0].id))
        return keys[0]

    def close(self) -> None:
        with self._lock:
            self._db.close()
