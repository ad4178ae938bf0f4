"""One safe way to open an SQLite file a user gave: as data, never as code.

A translation memory or an API key store can come from anyone, and SQLite runs SQL that is
stored in the file itself: a trigger fires on the toolkit's own writes, a view or a column
default runs functions when it is read. So every such file is opened with :func:`connect`:

* ``PRAGMA trusted_schema = OFF``: SQL in the schema may not call functions with side
  effects;
* its schema is compared with the one this toolkit creates (:func:`verify_schema`) before
  anything is written to it: a trigger, a view, an index or a table the toolkit did not
  create refuses the file (a :class:`~translate.errors.UserError`);
* it cannot grow past ``max_bytes`` (``PRAGMA max_page_count``; SQLite then answers
  "database or disk is full"), and a file already larger is refused; no one value (a
  string or a blob) may be longer than ``max_value_bytes`` ("string or blob too big");
* no statement runs longer than ``statement_seconds``: a progress handler interrupts it
  (SQLite answers "interrupted").
"""

from __future__ import annotations

import sqlite3
import time
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from .errors import UserError

#: what a user-supplied SQLite file may hold at most (bytes), by default
MAX_BYTES = 4 * 1024 ** 3
#: the longest one statement may run (seconds), by default
STATEMENT_SECONDS = 120.0
#: the longest one value (a string or a blob) may be (bytes), by default
MAX_VALUE_BYTES = 16 * 1024 ** 2
#: how many SQLite virtual-machine steps between two looks at the clock
_STEPS = 10_000


@dataclass(frozen=True, slots=True)
class Limits:
    """How large a user's SQLite file and one value in it may be, and how long one
    statement may run."""

    max_bytes: int = MAX_BYTES
    statement_seconds: float = STATEMENT_SECONDS
    max_value_bytes: int = MAX_VALUE_BYTES


DEFAULT_LIMITS = Limits()


class _Clock:
    """The progress handler: interrupts a statement once it has run ``seconds``."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.deadline = time.monotonic() + seconds

    def restart(self) -> None:
        self.deadline = time.monotonic() + self.seconds

    def __call__(self) -> int:
        return 1 if time.monotonic() > self.deadline else 0


class Connection:
    """An :class:`sqlite3.Connection` whose every statement has ``statement_seconds``
    to run (the clock restarts at each :meth:`execute`)."""

    def __init__(self, db: sqlite3.Connection, clock: _Clock) -> None:
        self.db = db
        self._clock = clock

    def execute(self, sql: str, args: tuple | list = ()) -> sqlite3.Cursor:
        self._clock.restart()
        return self.db.execute(sql, args)

    def executemany(self, sql: str, rows: list) -> sqlite3.Cursor:
        self._clock.restart()
        return self.db.executemany(sql, rows)

    @property
    def in_transaction(self) -> bool:
        return self.db.in_transaction

    def close(self) -> None:
        self.db.close()


def too_large(path: Path, limits: Limits, what: str) -> UserError | None:
    """The error for a file already larger than ``limits.max_bytes`` (``None``: it is
    not)."""
    try:
        size = path.stat().st_size
    except OSError:
        return None
    if size <= limits.max_bytes:
        return None
    return UserError(f"{path}: the {what} is {_mb(size)}, over the size limit of "
                     f"{_mb(limits.max_bytes)} (limit max_bytes={limits.max_bytes})")


def _mb(n: int) -> str:
    return f"{n / 1024 / 1024:.1f} MB"


def connect(path: Path, limits: Limits, *, timeout: float) -> Connection:
    """Open ``path`` as data: trusted schema off, bounded in size and statement time.
    Nothing is written; call :func:`verify_schema` before the first write."""
    db = sqlite3.connect(str(path), timeout=timeout, isolation_level=None,
                         check_same_thread=False)
    try:
        db.execute("PRAGMA trusted_schema = OFF")
        db.execute("PRAGMA cell_size_check = ON")
        page = int(db.execute("PRAGMA page_size").fetchone()[0]) or 4096
        current = int(db.execute("PRAGMA max_page_count").fetchone()[0])
        pages = max(1, min(current, limits.max_bytes // page))
        db.execute(f"PRAGMA max_page_count = {pages}")
        db.setlimit(sqlite3.SQLITE_LIMIT_LENGTH, limits.max_value_bytes)
    except sqlite3.Error:
        db.close()
        raise
    clock = _Clock(limits.statement_seconds)
    db.set_progress_handler(clock, _STEPS)
    return Connection(db, clock)


@cache
def expected_schema(schema: str) -> frozenset[tuple[str, str, str, str | None]]:
    """``(type, name, table, sql)`` of every object ``schema`` creates, as SQLite keeps
    them in ``sqlite_master`` (an in-memory database made with it)."""
    db = sqlite3.connect(":memory:")
    try:
        db.executescript(schema)
        return frozenset(db.execute("SELECT type, name, tbl_name, sql FROM sqlite_master"))
    finally:
        db.close()


def verify_schema(db: Connection, path: Path, schema: str | tuple[str, ...],
                  what: str) -> None:
    """Refuse ``path`` unless every object of its schema is one ``schema`` creates (an
    empty file is a new one); ``schema`` may be several (this version's, older ones and
    older ones migrated, each a script): the file must match one of them. Reads only."""
    found = db.execute("SELECT type, name, tbl_name, sql FROM sqlite_master").fetchall()
    strange: list = []
    for one in (schema,) if isinstance(schema, str) else schema:
        expected = expected_schema(one)
        odd = [row for row in found if tuple(row) not in expected]
        if not odd:
            return
        if not strange or len(odd) < len(strange):
            strange = odd
    kinds = sorted({row[0] for row in strange})
    named = ", ".join(f"{row[0]} {row[1]!r}" for row in strange[:3]) \
        + (f" and {len(strange) - 3} more" if len(strange) > 3 else "")
    code = " (SQLite would run it)" if {"trigger", "view"} & set(kinds) else ""
    raise UserError(f"{path}: refused: this {what} holds {named}, which this toolkit did "
                    f"not create{code}; use a {what} this toolkit made")


def open_store(path: Path | None, limits: Limits, schema: str, what: str, fix: str
               ) -> Connection:
    """A connection to the SQLite ``what`` (``"API key database"``) at ``path`` (``None``:
    in memory) holding ``schema``: a file past the size limit refused, its schema
    verified before the first write (a trigger in it would fire on it), WAL, the tables
    made. Any failure is one :class:`UserError` naming the file and ending with ``fix``."""
    where = Path(path) if path is not None else Path(":memory:")
    if path is not None:
        big = too_large(where, limits, what)
        if big is not None:
            raise big
    try:
        if path is not None:
            where.parent.mkdir(parents=True, exist_ok=True)
        db = connect(where, limits, timeout=30)
    except (OSError, sqlite3.Error) as exc:
        raise UserError(f"{where}: cannot open the {what} ({exc}); {fix}") from None
    try:
        verify_schema(db, where, schema, what)
        if path is not None:
            db.execute("PRAGMA journal_mode=WAL")
        for statement in schema.split(";"):
            if statement.strip():
                db.execute(statement)
    except UserError:
        db.close()
        raise
    except sqlite3.Error as exc:
        db.close()
        raise UserError(f"{where}: cannot open the {what} ({exc}); {fix}") from None
    return db


def interrupted(exc: sqlite3.Error) -> bool:
    """Whether ``exc`` is the progress handler stopping a statement that ran too long."""
    return "interrupted" in str(exc).lower()
