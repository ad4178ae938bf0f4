"""Translation memory: an SQLite file of translations, with TMX 1.4b import and export.

A translation is keyed by (source language, target language, context, source text). The
localisation jobs look every unit up here before calling a model and store every model
result as soon as its batch is done, so the memory doubles as the job's journal: a killed
job loses nothing it finished.

The database runs in WAL mode with a busy timeout, and every write is one short
``BEGIN IMMEDIATE`` transaction, so several processes can read and write the same file at
once. Machine translations never overwrite imported (human) ones.

Each entry records its **origin**: ``"mt"`` for model output, with the route it came from
(``route``: the models, e.g. ``fixtures/models/en-it``; the route key itself is the
article memory's context), and its ``confidence``; ``"human"`` for an editor's
correction (an edited XLIFF target, a ``/suggest``); anything else a TMX file said
(``"tmx"`` by default) counts as human too (:func:`is_human`). Human entries of articles
are stored without a context, so they answer under any model settings
(:mod:`translate.article_memory`).

Schema 2 added ``route``, ``confidence`` and ``review`` (the reasons it was flagged for
review when it was made, so a reuse says them again); a memory of schema 1 is migrated in
place when it is opened (three ``ALTER TABLE ... ADD COLUMN``, one transaction), and
:mod:`translate.sqlitesafe` accepts exactly the schemas this module made: 1, 1 migrated,
and 2.
"""

from __future__ import annotations

import contextlib
import datetime as _dt
import re
import sqlite3
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from . import sqlitesafe
from .errors import InputFileError, UserError, param
from .textio import atomic_write, read_bytes

SCHEMA_VERSION = 2

#: the origin of model output; every other origin is a person's (:func:`is_human`)
MACHINE = "mt"
HUMAN = "human"

#: schema 1 (what memories made before origins carried routes hold)
_SCHEMA_1 = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS units (
    src_lang TEXT NOT NULL,
    tgt_lang TEXT NOT NULL,
    context  TEXT NOT NULL DEFAULT '',
    source   TEXT NOT NULL,
    target   TEXT NOT NULL,
    origin   TEXT NOT NULL DEFAULT 'mt',
    qa       TEXT NOT NULL DEFAULT '',
    created  TEXT NOT NULL,
    changed  TEXT NOT NULL,
    PRIMARY KEY (src_lang, tgt_lang, context, source)
);
"""

#: what schema 1 becomes (the migration, run in one transaction)
_MIGRATE_1_2 = """
ALTER TABLE units ADD COLUMN route TEXT NOT NULL DEFAULT '';
ALTER TABLE units ADD COLUMN confidence REAL;
ALTER TABLE units ADD COLUMN review TEXT NOT NULL DEFAULT '';
"""

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS units (
    src_lang TEXT NOT NULL,
    tgt_lang TEXT NOT NULL,
    context  TEXT NOT NULL DEFAULT '',
    source   TEXT NOT NULL,
    target   TEXT NOT NULL,
    origin   TEXT NOT NULL DEFAULT 'mt',
    qa       TEXT NOT NULL DEFAULT '',
    created  TEXT NOT NULL,
    changed  TEXT NOT NULL,
    route    TEXT NOT NULL DEFAULT '',
    confidence REAL,
    review   TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (src_lang, tgt_lang, context, source)
);
"""

#: every schema a memory may have when it is opened: this one, schema 1, schema 1 migrated
ACCEPTED_SCHEMAS = (_SCHEMA, _SCHEMA_1, _SCHEMA_1 + _MIGRATE_1_2)

_COLUMNS = "src_lang, tgt_lang, context, source, target, origin, qa, created, changed, " \
           "route, confidence, review"

_UPSERT = f"""
INSERT INTO units ({_COLUMNS})
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
ON CONFLICT (src_lang, tgt_lang, context, source) DO UPDATE SET
    target = excluded.target, origin = excluded.origin, qa = excluded.qa,
    changed = excluded.changed, route = excluded.route, confidence = excluded.confidence,
    review = excluded.review
WHERE units.origin = 'mt' OR excluded.origin <> 'mt'
"""


def is_human(origin: str) -> bool:
    """Whether an entry of this origin is a person's (anything but model output)."""
    return origin != MACHINE


@dataclass(frozen=True, slots=True)
class TMEntry:
    """One stored translation. ``origin`` is ``"mt"`` for model output (``route``: the
    models that made it, ``confidence``: theirs), ``"human"`` for an editor's, ``"tmx"``
    (or what a TMX file said) for imported ones; ``qa`` holds the QA failure, empty when
    it passed."""

    src: str
    tgt: str
    context: str | None
    source: str
    target: str
    origin: str = "mt"
    qa: str = ""
    created: str = ""
    changed: str = ""
    route: str = ""
    confidence: float | None = None
    review: str = ""  # why it was flagged for review when it was made ("; "-joined)

    @property
    def human(self) -> bool:
        return is_human(self.origin)


#: What an SQLite failure means for the user, and the fix (matched on SQLite's message).
_SQLITE_CAUSES = (
    ("database or disk is full", "the disk is full (or the memory reached its size limit); "
                                 "free space and rerun: everything stored before is kept"),
    ("readonly database", "the memory is read-only here; make the file and its folder "
                          f"writable or choose another {param('tm')}"),
    ("disk i/o error", "a disk I/O error; check the disk (and that the memory is not on a "
                       "network share) and rerun: everything stored before is kept"),
    ("unable to open database", "the file cannot be opened; check its folder exists and "
                                "is writable"),
    ("locked", "another process held the memory locked for too long; rerun when it is done"),
    ("not a database", "this is not a translation memory; give a new or an existing "
                       f"{param('tm')} file"),
    ("malformed", f"the memory is damaged; restore it from a backup or start a new {param('tm')}"),
    ("interrupted", "a statement ran past its time limit (statement_seconds) and was "
                    "stopped: the memory is very large, or damaged"),
    ("too big", "a text is longer than one value of the memory may be (max_value_bytes)"),
)


def sqlite_error(path: Path, exc: sqlite3.Error) -> UserError:
    """A :class:`UserError` naming the real cause of an SQLite failure on ``path``."""
    text = str(exc)
    for needle, meaning in _SQLITE_CAUSES:
        if needle in text.lower():
            return UserError(f"{path}: {meaning} (SQLite: {text})")
    return UserError(f"{path}: the translation memory failed (SQLite: {text}); "
                     "rerun, and check the disk if it happens again")


def memory_argument(memory: object, tm: object) -> object:
    """The translation memory a library call names: ``memory=`` (the library's keyword,
    as :meth:`translate.Translator.translate_batch`) or ``tm=``, its older name."""
    if memory is not None and tm is not None:
        raise TypeError("memory= and tm= name the same translation memory: give one")
    return memory if memory is not None else tm


def _not_a_memory(path: Path, exc: sqlite3.Error) -> UserError:
    return UserError(f"{path}: not a translation memory ({exc}); "
                     f"give a new or an existing {param('tm')} file")


def _folder_problem(folder: Path) -> str | None:
    """Why a new file cannot be made in ``folder`` (``None``: it can)."""
    from .paths import probe_write

    exc = probe_write(folder)
    return None if exc is None else (exc.strerror or str(exc))


def _now() -> str:
    return _dt.datetime.now(_dt.UTC).strftime("%Y%m%dT%H%M%SZ")


class TranslationMemory:
    """An SQLite translation memory; use as a context manager or call :meth:`close`.

    The file is data, never code (:mod:`translate.sqlitesafe`): a memory whose schema
    holds a trigger, a view or anything else this toolkit did not create is refused
    before anything is written to it, and ``limits`` bound its size and how long one
    statement may run."""

    def __init__(self, path: str | Path, *, timeout: float = 60.0, create: bool = True,
                 limits: sqlitesafe.Limits = sqlitesafe.DEFAULT_LIMITS) -> None:
        self.path = Path(path)
        if self.path.is_dir():
            raise UserError(f"{self.path}: is a directory; give a file name for {param('tm')}")
        if not create and not self.path.is_file():
            raise UserError(f"{self.path}: no such translation memory; check the "
                            f"{param('tm')} path (a memory is created by `translate localise` "
                            "or `tm import`)")
        big = sqlitesafe.too_large(self.path, limits, "translation memory")
        if big is not None:
            raise big
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._db = sqlitesafe.connect(self.path, limits, timeout=timeout)
        except sqlite3.DatabaseError as exc:
            if not isinstance(exc, sqlite3.OperationalError):
                raise _not_a_memory(self.path, exc) from None
            raise self._cannot_open(exc) from None
        except OSError as exc:
            raise self._cannot_open(exc) from None
        self._db.execute(f"PRAGMA busy_timeout = {int(timeout * 1000)}")
        self._init(timeout)

    def _cannot_open(self, exc: Exception) -> UserError:
        cause = _folder_problem(self.path.parent) if not self.path.exists() else None
        return UserError(f"{self.path}: cannot open the translation memory ("
                         + (f"cannot create it in {self.path.parent}: {cause}; choose a "
                            f"writable place for {param('tm')}" if cause else str(exc)) + ")")

    def _init(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while True:
            try:
                # verified before the first write: a trigger would fire on it
                sqlitesafe.verify_schema(self._db, self.path, ACCEPTED_SCHEMAS,
                                         "translation memory")
                mode = self._db.execute("PRAGMA journal_mode = WAL").fetchone()[0]
                self._db.execute("PRAGMA synchronous = NORMAL")
                with self._write():
                    for stmt in filter(str.strip, _SCHEMA.split(";")):
                        self._db.execute(stmt)
                    columns = {row[1] for row in
                               self._db.execute("PRAGMA table_info(units)").fetchall()}
                    if "route" not in columns:  # schema 1: migrated in this transaction
                        for stmt in filter(str.strip, _MIGRATE_1_2.split(";")):
                            self._db.execute(stmt)
                    self._db.execute("INSERT OR REPLACE INTO meta VALUES ('schema', ?)",
                                     (str(SCHEMA_VERSION),))
                break
            except UserError:
                self._db.close()
                raise
            except sqlite3.OperationalError as exc:
                if "locked" in str(exc) and time.monotonic() < deadline:
                    time.sleep(0.05)
                    continue
                self._db.close()
                raise sqlite_error(self.path, exc) from None
            except sqlite3.DatabaseError as exc:
                self._db.close()
                raise _not_a_memory(self.path, exc) from None
        self.journal_mode = mode

    class _Tx:
        """``BEGIN IMMEDIATE`` .. ``COMMIT``; on failure a rollback that never hides the
        cause (SQLite may already have rolled back, e.g. on a full disk)."""

        def __init__(self, db: sqlitesafe.Connection, path: Path) -> None:
            self.db = db
            self.path = path

        def __enter__(self) -> sqlitesafe.Connection:
            try:
                self.db.execute("BEGIN IMMEDIATE")
            except sqlite3.OperationalError as exc:
                if "locked" in str(exc):
                    raise  # retried by _init; elsewhere the busy timeout has run out
                raise sqlite_error(self.path, exc) from None
            return self.db

        def __exit__(self, exc_type, exc, tb) -> None:  # noqa: ANN001
            if exc_type is None:
                try:
                    self.db.execute("COMMIT")
                    return
                except sqlite3.Error as commit_exc:
                    exc = commit_exc
            if self.db.in_transaction:
                with contextlib.suppress(sqlite3.Error):
                    self.db.execute("ROLLBACK")
            if isinstance(exc, sqlite3.OperationalError) and "locked" in str(exc) \
                    and exc_type is not None:
                return  # let _init's retry see the original exception
            if isinstance(exc, sqlite3.Error):
                raise sqlite_error(self.path, exc) from None

    def _write(self) -> TranslationMemory._Tx:
        return TranslationMemory._Tx(self._db, self.path)

    def _read(self, sql: str, args: tuple | list = ()) -> list[tuple]:
        try:
            return self._db.execute(sql, args).fetchall()
        except sqlite3.Error as exc:
            raise sqlite_error(self.path, exc) from None

    # ------------------------------------------------------------------ queries

    def lookup(self, src: str, tgt: str, context: str | None, source: str) -> TMEntry | None:
        """The exact match for ``source`` in ``context``, or ``None``."""
        rows = self._read(
            f"SELECT {_COLUMNS} FROM units WHERE src_lang=? AND tgt_lang=? AND context=? "
            "AND source=?", (src, tgt, context or "", source))
        return _entry(rows[0]) if rows else None

    def lookup_human(self, src: str, tgt: str, sources: Iterable[str]) -> dict[str, TMEntry]:
        """The human entries without a context (an editor's corrections, imported pairs)
        for ``sources``: what answers under any model settings."""
        out: dict[str, TMEntry] = {}
        for source in dict.fromkeys(sources):
            rows = self._read(
                f"SELECT {_COLUMNS} FROM units WHERE src_lang=? AND tgt_lang=? AND "
                "context='' AND source=? AND origin<>? AND qa=''",
                (src, tgt, source, MACHINE))
            if rows:
                out[source] = _entry(rows[0])
        return out

    def lookup_many(self, src: str, tgt: str, keys: Iterable[tuple[str | None, str]]
                    ) -> dict[tuple[str | None, str], TMEntry]:
        """Exact matches for many ``(context, source)`` keys at once."""
        out: dict[tuple[str | None, str], TMEntry] = {}
        for context, source in keys:
            entry = self.lookup(src, tgt, context, source)
            if entry is not None:
                out[(context, source)] = entry
        return out

    def store(self, src: str, tgt: str, context: str | None, source: str, target: str, *,
              origin: str = "mt", qa: str = "", route: str = "",
              confidence: float | None = None) -> None:
        self.store_many([TMEntry(src, tgt, context, source, target, origin, qa,
                                 route=route, confidence=confidence)])

    def store_human(self, src: str, tgt: str, pairs: Iterable[tuple[str, str]]) -> int:
        """Store ``(source, target)`` pairs as an editor's corrections: origin
        ``"human"``, no context (reused under any model settings), replacing an earlier
        human entry of the same source; returns how many."""
        return self.store_many([TMEntry(src, tgt, None, s, t, HUMAN) for s, t in pairs])

    def store_many(self, entries: Iterable[TMEntry]) -> int:
        """Store entries in one transaction (all or none); returns how many were given."""
        now = _now()
        rows = [(e.src, e.tgt, e.context or "", e.source, e.target, e.origin, e.qa,
                 e.created or now, e.changed or now, e.route, e.confidence, e.review)
                for e in entries]
        if rows:
            try:
                with self._write() as db:
                    db.executemany(_UPSERT, rows)
            except sqlite3.Error as exc:  # BEGIN after the busy timeout ran out
                raise sqlite_error(self.path, exc) from None
        return len(rows)

    def entries(self, src: str | None = None, tgt: str | None = None) -> Iterator[TMEntry]:
        """Every entry (optionally of one direction), in a stable order."""
        sql = f"SELECT {_COLUMNS} FROM units"
        cond, args = [], []
        if src:
            cond.append("src_lang = ?")
            args.append(src)
        if tgt:
            cond.append("tgt_lang = ?")
            args.append(tgt)
        if cond:
            sql += " WHERE " + " AND ".join(cond)
        sql += " ORDER BY src_lang, tgt_lang, context, source"
        for row in self._read(sql, args):
            yield _entry(row)

    def __len__(self) -> int:
        return int(self._read("SELECT COUNT(*) FROM units")[0][0])

    def close(self) -> None:
        self._db.close()

    def __enter__(self) -> TranslationMemory:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _entry(row: tuple) -> TMEntry:
    src, tgt, context, source, target, origin, qa, created, changed, route, conf, review = row
    return TMEntry(src, tgt, context or None, source, target, origin, qa, created, changed,
                   route or "", conf, review or "")


# ----------------------------------------------------------------------------- TMX 1.4b


_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_TOOL = "newsdesk-translate"


@dataclass(frozen=True, slots=True)
class TmxResult:
    written: int = 0   # entries exported / imported
    skipped: int = 0   # entries left out (not XML-representable, failed QA, other language)


def export_tmx(tm: TranslationMemory, path: str | Path, *, src: str | None = None,
               tgt: str | None = None, include_failed: bool = False) -> TmxResult:
    """Write the memory (or one direction of it) as a TMX 1.4b file, atomically."""
    from lxml import etree

    from . import __version__

    entries = [e for e in tm.entries(src, tgt)]
    kept, skipped = [], 0
    for e in entries:
        if (e.qa and not include_failed) or any(_XML_INVALID.search(s or "") for s in
                                                 (e.source, e.target, e.context, e.origin)):
            skipped += 1
        else:
            kept.append(e)
    srclangs = {e.src for e in kept}
    header_src = srclangs.pop() if len(srclangs) == 1 else "*all*"
    root = etree.Element("tmx", version="1.4")
    etree.SubElement(root, "header", creationtool=_TOOL, creationtoolversion=__version__,
                     segtype="sentence", datatype="plaintext", adminlang="en",
                     srclang=header_src, **{"o-tmf": "sqlite"})
    body = etree.SubElement(root, "body")
    xml_lang = "{http://www.w3.org/XML/1998/namespace}lang"
    for e in kept:
        attrs = {"creationdate": e.created, "changedate": e.changed}
        if header_src == "*all*":
            attrs["srclang"] = e.src
        attrs["creationid"] = "human" if e.human else "machine"
        tu = etree.SubElement(body, "tu", {k: v for k, v in attrs.items() if v})
        if e.context:
            etree.SubElement(tu, "prop", type="x-context").text = e.context
        etree.SubElement(tu, "prop", type="x-origin").text = e.origin
        if e.route:
            etree.SubElement(tu, "prop", type="x-route").text = e.route
        if e.confidence is not None:
            etree.SubElement(tu, "prop", type="x-confidence").text = f"{e.confidence:.4f}"
        if e.qa:
            etree.SubElement(tu, "prop", type="x-qa").text = e.qa
        for lang, text in ((e.src, e.source), (e.tgt, e.target)):
            tuv = etree.SubElement(tu, "tuv", {xml_lang: lang})
            etree.SubElement(tuv, "seg").text = text
    etree.indent(root, space="  ")  # only whitespace between elements; <seg> text is kept
    data = etree.tostring(root, encoding="UTF-8", xml_declaration=True, pretty_print=True,
                          doctype='<!DOCTYPE tmx SYSTEM "tmx14.dtd">')
    atomic_write(path, data)
    return TmxResult(len(kept), skipped)


def _seg_text(seg) -> str:  # noqa: ANN001
    """The text of a TMX ``<seg>``: inline codes (bpt, ept, ph, it, ut) give their native
    code, ``<hi>`` and ``<sub>`` their text; an entity reference the parser did not expand
    (one an external DTD would define) is kept as written, ``&name;``."""
    from lxml import etree

    parts = [seg.text or ""]
    for child in seg:
        if isinstance(child, etree._Entity):
            parts.append(f"&{child.name};")
        elif isinstance(child.tag, str):
            parts.append(_seg_text(child))
        parts.append(child.tail or "")
    return "".join(parts)


def _lang(code: str | None) -> str | None:
    from .languages import normalise_lang

    if not code:
        return None
    try:
        return normalise_lang(re.split(r"[-_]", code)[0])
    except UserError:
        return None


def _float(text: str | None) -> float | None:
    try:
        value = float(text) if text else None
    except ValueError:
        return None
    return value if value is not None and 0.0 <= value <= 1.0 else None


def import_tmx(path: str | Path, tm: TranslationMemory) -> TmxResult:
    """Add every translation pair of a TMX file (1.4b; 1.1 ``lang`` accepted) for the
    languages this toolkit knows; returns how many pairs were stored and skipped."""
    from . import xmlsafe

    data = read_bytes(path)
    root = xmlsafe.parse(data, str(path)).getroot()
    if root.tag != "tmx":
        raise InputFileError(str(path), "not a TMX file (the root element is not <tmx>)",
                             root.sourceline)
    header = root.find("header")
    header_src = header.get("srclang") if header is not None else None
    xml_lang = "{http://www.w3.org/XML/1998/namespace}lang"
    entries: list[TMEntry] = []
    skipped = 0
    for tu in root.iter("tu"):
        props = {p.get("type"): (p.text or "") for p in tu.findall("prop")}
        segs: dict[str, str] = {}
        for tuv in tu.findall("tuv"):
            lang = _lang(tuv.get(xml_lang) or tuv.get("lang"))
            seg = tuv.find("seg")
            if lang is None or seg is None:
                skipped += 1
                continue
            segs.setdefault(lang, _seg_text(seg))
        declared = tu.get("srclang") or header_src
        src = _lang(declared) if declared and declared != "*all*" else None
        sources = [src] if src in segs else list(segs)
        for s in sources:
            for t, target in segs.items():
                if t == s or not segs[s] or not target:
                    continue
                entries.append(TMEntry(s, t, props.get("x-context") or None, segs[s], target,
                                       origin=props.get("x-origin") or "tmx",
                                       qa=props.get("x-qa", ""),
                                       created=tu.get("creationdate", ""),
                                       changed=tu.get("changedate", ""),
                                       route=props.get("x-route", ""),
                                       confidence=_float(props.get("x-confidence"))))
    tm.store_many(entries)
    return TmxResult(len(entries), skipped)
