"""Glossaries made over HTTP (DeepL's v2 and v3 glossary API), kept in an SQLite file.

A glossary has an id, a name, a creation time and one *dictionary* per language pair
(``source_lang`` -> ``target_lang``, DeepL's v3 model; a v2 glossary is one with a single
dictionary). A dictionary's entries are ``source<TAB>target`` lines (or CSV), checked as a
glossary file's rows are (:func:`translate.glossary.load.term_problems`; one entry per
source term): a bad entry is a :class:`GlossaryEntryError` naming it, and nothing is
stored.

Each glossary is served as an :class:`ApiGlossary`, a :class:`translate.glossary.Glossary`
whose entries for a pair come from that pair's dictionary only (DeepL's glossaries are
directional), matched, inflected, enforced and verified as file glossaries are.

The file (``glossaries.sqlite`` in the server's data directory) is opened as data
(:mod:`translate.sqlitesafe`): a schema this toolkit did not make is refused before
anything is written.
"""

from __future__ import annotations

import csv
import datetime as _dt
import io
import threading
import uuid
from dataclasses import dataclass, field
from pathlib import Path

from .. import sqlitesafe
from ..errors import UserError, param
from ..glossary.load import MAX_TERM_CHARS, term_problems
from ..glossary.model import Concept, Glossary, Term, TermEntry
from ..glossary.text import collapse_spaces
from ..languages import normalise_lang

#: most entries in one dictionary, dictionaries in one glossary, glossaries in one store
MAX_ENTRIES = 10_000
MAX_DICTIONARIES = 16
MAX_GLOSSARIES = 1000
#: the longest glossary name (characters)
MAX_NAME_CHARS = 1024
#: the file's name in the data directory
FILE_NAME = "glossaries.sqlite"

_SCHEMA = """
CREATE TABLE IF NOT EXISTS glossaries (
    id       TEXT PRIMARY KEY,
    name     TEXT NOT NULL,
    created  TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS dictionaries (
    glossary_id TEXT NOT NULL,
    source_lang TEXT NOT NULL,
    target_lang TEXT NOT NULL,
    entries     TEXT NOT NULL,
    PRIMARY KEY (glossary_id, source_lang, target_lang)
);
"""


class GlossaryEntryError(UserError):
    """A dictionary the store refuses (bad entry, unsupported language, too large)."""


class GlossaryNotFound(LookupError):
    """No glossary (or no dictionary) with that id (or pair)."""


@dataclass(frozen=True, slots=True)
class Dictionary:
    """One language pair of a glossary: its entries, ``(source, target)`` in order."""

    source_lang: str
    target_lang: str
    entries: tuple[tuple[str, str], ...]

    def tsv(self) -> str:
        return "".join(f"{s}\t{t}\n" for s, t in self.entries)

    def info(self) -> dict:
        return {"source_lang": self.source_lang, "target_lang": self.target_lang,
                "entry_count": len(self.entries)}


@dataclass(frozen=True, slots=True)
class GlossaryRecord:
    id: str
    name: str
    created: str
    dictionaries: tuple[Dictionary, ...]

    def dictionary(self, src: str, tgt: str) -> Dictionary | None:
        for d in self.dictionaries:
            if (d.source_lang, d.target_lang) == (src, tgt):
                return d
        return None


@dataclass(frozen=True)
class ApiGlossary(Glossary):
    """A glossary made over HTTP: its concepts are every dictionary's entries, but a pair
    (``for_pair``) sees only the entries of its own dictionary."""

    label: str = ""
    pairs: tuple[tuple[str, str, Glossary], ...] = field(default=())

    def for_pair(self, src: str, tgt: str) -> tuple[TermEntry, ...]:
        src, tgt = normalise_lang(src), normalise_lang(tgt)
        for s, t, glossary in self.pairs:
            if (s, t) == (src, tgt):
                return glossary.for_pair(src, tgt)
        return ()


def as_glossary(record: GlossaryRecord) -> ApiGlossary:
    pairs = []
    for d in record.dictionaries:
        concepts = tuple(
            Concept((Term(d.source_lang, (s,)), Term(d.target_lang, (t,))),
                    origin=f"glossary {record.name!r} ({d.source_lang}->{d.target_lang}) "
                           f"entry {n}")
            for n, (s, t) in enumerate(d.entries, 1))
        pairs.append((d.source_lang, d.target_lang, Glossary(concepts)))
    return ApiGlossary(tuple(c for *_p, g in pairs for c in g.concepts),
                       label=record.name, pairs=tuple(pairs))


def deepl_lang(code: str) -> str:
    """The toolkit's code for a DeepL language code (``EN``, ``en-GB`` -> ``en``; a
    pseudo-locale ``EN-XA`` -> ``en-XA``); ``""`` for a language it does not have."""
    code = code.strip()
    try:
        return normalise_lang(code)
    except UserError:
        try:
            return normalise_lang(code.replace("_", "-").split("-", 1)[0])
        except UserError:
            return ""


def glossary_lang(value: object, what: str) -> str:
    """A glossary language (``EN``, ``en-GB`` -> ``en``): a model language, not a
    pseudo-locale."""
    if not isinstance(value, str) or not value.strip():
        raise GlossaryEntryError(f"missing {what}")
    lang = deepl_lang(value)
    if not lang or "-" in lang:  # a pseudo-locale has no glossary
        raise GlossaryEntryError(f"{what} {value!r} is not supported for glossaries")
    return lang


def parse_entries(text: object, fmt: object, src: str, tgt: str) -> Dictionary:
    """A dictionary from DeepL's ``entries`` (``entries_format`` ``tsv`` or ``csv``),
    checked entry by entry; the first problem is a :class:`GlossaryEntryError` naming
    the entry (its line) and what to change."""
    fmt = str(fmt or "tsv").strip().lower()
    if fmt not in ("tsv", "csv"):
        raise GlossaryEntryError(f"entries_format {fmt!r} is not supported: use tsv or csv")
    if not isinstance(text, str):
        raise GlossaryEntryError("missing entries (a string of tsv or csv lines)")
    if src == tgt:
        raise GlossaryEntryError(f"source_lang and target_lang are both {src}")
    rows: list[tuple[int, list[str]]] = []
    if fmt == "tsv":
        for n, line in enumerate(text.replace("\r\n", "\n").split("\n"), 1):
            if line.strip():
                rows.append((n, line.split("\t")))
    else:
        reader = csv.reader(io.StringIO(text, newline=""))
        line = 1
        try:
            for row in reader:
                if any(c.strip() for c in row):
                    rows.append((line, row))
                line = reader.line_num + 1
        except csv.Error as exc:
            raise GlossaryEntryError(f"entry on line {line}: not valid CSV ({exc})") from None
    if not rows:
        raise GlossaryEntryError("no entries: give at least one source<TAB>target line")
    if len(rows) > MAX_ENTRIES:
        raise GlossaryEntryError(f"{len(rows)} entries: a dictionary holds at most "
                                 f"{MAX_ENTRIES}")
    entries: list[tuple[str, str]] = []
    concepts: list[tuple[int, Concept]] = []
    seen: dict[str, int] = {}
    for line, cells in rows:
        shown = "\t".join(cells) if fmt == "tsv" else ",".join(cells)
        where = f"entry on line {line} ({shown[:80]!r})"
        if fmt == "csv" and len(cells) == 4:  # source,target,source_lang,target_lang
            langs = (glossary_lang(cells[2], "source_lang"),
                     glossary_lang(cells[3], "target_lang"))
            if langs != (src, tgt):
                raise GlossaryEntryError(f"{where}: its languages {cells[2]}->{cells[3]} "
                                         f"are not the dictionary's {src}->{tgt}")
            cells = cells[:2]
        if len(cells) != 2:
            raise GlossaryEntryError(f"{where}: {len(cells)} fields; an entry is "
                                     f"source{'<TAB>' if fmt == 'tsv' else ','}target")
        source, target = (collapse_spaces(c) for c in cells)
        if not source or not target:
            raise GlossaryEntryError(f"{where}: empty {'source' if not source else 'target'}"
                                     " term")
        if source in seen:
            raise GlossaryEntryError(f"{where}: source term {source!r} is also on line "
                                     f"{seen[source]}; keep one entry")
        seen[source] = line
        entries.append((source, target))
        concepts.append((line, Concept((Term(src, (source,)), Term(tgt, (target,))))))
    for problem in term_problems(concepts):
        raise GlossaryEntryError(f"entry on line {problem.line}: {problem.message}")
    return Dictionary(src, tgt, tuple(entries))


def _now() -> str:
    now = _dt.datetime.now(_dt.UTC)
    return now.strftime("%Y-%m-%dT%H:%M:%S.") + f"{now.microsecond // 1000:03d}Z"


class GlossaryStore:
    """The glossaries of one server, in ``path`` (``None``: in memory, gone at exit);
    safe to share between threads (one connection, one lock)."""

    def __init__(self, path: str | Path | None, *,
                 limits: sqlitesafe.Limits = sqlitesafe.DEFAULT_LIMITS) -> None:
        self.path = Path(path) if path is not None else None
        self._db = sqlitesafe.open_store(self.path, limits, _SCHEMA, "glossary database",
                                         f"give another {param('data_dir')}")
        self._lock = threading.Lock()

    # ------------------------------------------------------------------ reading

    def all(self) -> list[GlossaryRecord]:
        with self._lock:
            heads = self._db.execute(
                "SELECT id, name, created FROM glossaries ORDER BY created, id").fetchall()
            return [self._record(*h) for h in heads]

    def get(self, ident: str) -> GlossaryRecord:
        with self._lock:
            head = self._db.execute("SELECT id, name, created FROM glossaries WHERE id = ?",
                                    (ident,)).fetchone()
            if head is None:
                raise GlossaryNotFound(ident)
            return self._record(*head)

    def _record(self, ident: str, name: str, created: str) -> GlossaryRecord:
        rows = self._db.execute(
            "SELECT source_lang, target_lang, entries FROM dictionaries WHERE glossary_id = ?"
            " ORDER BY rowid", (ident,)).fetchall()
        dicts = tuple(Dictionary(s, t, tuple(tuple(line.split("\t", 1))  # type: ignore[misc]
                                             for line in e.split("\n") if line))
                      for s, t, e in rows)
        return GlossaryRecord(ident, name, created, dicts)

    # ------------------------------------------------------------------ writing

    def create(self, name: object, dictionaries: list[Dictionary]) -> GlossaryRecord:
        name = check_name(name)
        if not dictionaries:
            raise GlossaryEntryError("no dictionaries: give at least one language pair")
        _check_pairs(dictionaries)
        ident = str(uuid.uuid4())
        with self._lock:
            count = self._db.execute("SELECT COUNT(*) FROM glossaries").fetchone()[0]
            if count >= MAX_GLOSSARIES:
                raise GlossaryEntryError(f"this server holds {count} glossaries, its most; "
                                         "delete one first")
            self._db.execute("BEGIN IMMEDIATE")
            try:
                self._db.execute("INSERT INTO glossaries (id, name, created) VALUES (?, ?, ?)",
                                 (ident, name, _now()))
                for d in dictionaries:
                    self._put(ident, d)
                self._db.execute("COMMIT")
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
        return self.get(ident)

    def update(self, ident: str, *, name: object = None,
               merge: list[Dictionary] = (), replace: list[Dictionary] = ()
               ) -> GlossaryRecord:
        """Rename, merge entries into dictionaries (v3 PATCH: an entry's source replaces
        the one already there) and replace dictionaries whole (v3 PUT)."""
        record = self.get(ident)
        new_name = check_name(name) if name is not None else record.name
        out: dict[tuple[str, str], Dictionary] = {
            (d.source_lang, d.target_lang): d for d in record.dictionaries}
        for d in merge:
            old = out.get((d.source_lang, d.target_lang))
            if old is not None:
                merged = dict(old.entries)
                merged.update(dict(d.entries))
                d = Dictionary(d.source_lang, d.target_lang, tuple(merged.items()))
                if len(d.entries) > MAX_ENTRIES:
                    raise GlossaryEntryError(f"{len(d.entries)} entries after the merge: "
                                             f"a dictionary holds at most {MAX_ENTRIES}")
            out[(d.source_lang, d.target_lang)] = d
        for d in replace:
            out[(d.source_lang, d.target_lang)] = d
        _check_pairs(list(out.values()))
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                self._db.execute("UPDATE glossaries SET name = ? WHERE id = ?",
                                 (new_name, ident))
                for d in [*merge, *replace]:
                    self._put(ident, out[(d.source_lang, d.target_lang)])
                self._db.execute("COMMIT")
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
        return self.get(ident)

    def _put(self, ident: str, d: Dictionary) -> None:
        self._db.execute("DELETE FROM dictionaries WHERE glossary_id = ? AND source_lang = ?"
                         " AND target_lang = ?", (ident, d.source_lang, d.target_lang))
        self._db.execute("INSERT INTO dictionaries (glossary_id, source_lang, target_lang,"
                         " entries) VALUES (?, ?, ?, ?)",
                         (ident, d.source_lang, d.target_lang, d.tsv()))

    def delete(self, ident: str) -> None:
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                gone = self._db.execute("DELETE FROM glossaries WHERE id = ?",
                                        (ident,)).rowcount
                self._db.execute("DELETE FROM dictionaries WHERE glossary_id = ?", (ident,))
                self._db.execute("COMMIT")
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
        if not gone:
            raise GlossaryNotFound(ident)

    def delete_dictionary(self, ident: str, src: str, tgt: str) -> GlossaryRecord:
        record = self.get(ident)
        if record.dictionary(src, tgt) is None:
            raise GlossaryNotFound(f"{ident} {src}->{tgt}")
        with self._lock:
            self._db.execute("DELETE FROM dictionaries WHERE glossary_id = ? AND "
                             "source_lang = ? AND target_lang = ?", (ident, src, tgt))
        return self.get(ident)

    def close(self) -> None:
        with self._lock:
            self._db.close()


def check_name(name: object) -> str:
    if not isinstance(name, str) or not name.strip():
        raise GlossaryEntryError("missing name: a glossary needs a name")
    if len(name) > MAX_NAME_CHARS:
        raise GlossaryEntryError(f"name is {len(name)} characters, longer than "
                                 f"{MAX_NAME_CHARS}")
    return name


def _check_pairs(dictionaries: list[Dictionary]) -> None:
    pairs = [(d.source_lang, d.target_lang) for d in dictionaries]
    for pair in pairs:
        if pairs.count(pair) > 1:
            raise GlossaryEntryError(f"two dictionaries for {pair[0]}->{pair[1]}: give one")
    if len(pairs) > MAX_DICTIONARIES:
        raise GlossaryEntryError(f"{len(pairs)} dictionaries: a glossary holds at most "
                                 f"{MAX_DICTIONARIES}")


__all__ = ["MAX_TERM_CHARS", "ApiGlossary", "Dictionary", "GlossaryEntryError",
           "GlossaryNotFound", "GlossaryRecord", "GlossaryStore", "as_glossary",
           "deepl_lang", "glossary_lang", "parse_entries"]
