"""SQLite failures on the translation memory are exit 2 with the real cause, and a missing
memory is an error for export: through the CLI (`translate tm import/export`).

A full disk and a read-only memory are real SQLite conditions made small: the memory's
connection gets ``PRAGMA max_page_count`` (SQLite then answers "database or disk is full"
exactly as on a full disk) or is opened ``mode=ro``.
"""

from __future__ import annotations

import sqlite3

import pytest

import translate.memory as memory_module
from support import tm_count
from translate.cli import main
from translate.memory import TranslationMemory


def tmx(path, n: int) -> None:
    units = "".join(f'<tu><tuv xml:lang="en"><seg>Hello number {i}, with some more words.'
                    f'</seg></tuv><tuv xml:lang="it"><seg>Ciao numero {i}.</seg></tuv></tu>'
                    for i in range(n))
    path.write_text('<?xml version="1.0" encoding="UTF-8"?><tmx version="1.4">'
                    f'<header srclang="en" adminlang="en" segtype="sentence" datatype="plaintext"'
                    f' o-tmf="x" creationtool="x" creationtoolversion="1"/><body>{units}'
                    '</body></tmx>', encoding="utf-8")


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def one_line(code: int, err: str, *fragments: str) -> None:
    assert code == 2, err
    assert len(err.strip().splitlines()) == 1, err
    assert "internal error" not in err
    assert "cannot rollback" not in err
    for fragment in fragments:
        assert fragment in err, err


def _limit_pages(monkeypatch, pages: int) -> None:
    """Every memory opened from now on is a real SQLite database that cannot grow past
    ``pages`` pages: SQLite itself answers "database or disk is full"."""
    real = sqlite3.connect

    def connect(*args, **kwargs):
        conn = real(*args, **kwargs)
        conn.execute(f"PRAGMA max_page_count = {pages}")
        return conn

    monkeypatch.setattr(memory_module.sqlite3, "connect", connect)


def test_a_full_disk_during_tm_import_names_the_cause_and_keeps_the_memory(
        capsys, tmp_path, monkeypatch):
    db = tmp_path / "tm.sqlite"
    small = tmp_path / "small.tmx"
    tmx(small, 1)
    assert run(capsys, "tm", "import", str(small), "--tm", str(db))[0] == 0
    big = tmp_path / "big.tmx"
    tmx(big, 3000)
    _limit_pages(monkeypatch, 8)
    code, _, err = run(capsys, "tm", "import", str(big), "--tm", str(db))
    one_line(code, err, str(db), "the disk is full", "database or disk is full",
             "everything stored before is kept")
    monkeypatch.undo()
    assert tm_count(db) == 1  # the import was all or nothing; the earlier unit is intact


def test_a_full_disk_when_creating_the_memory(capsys, tmp_path, monkeypatch):
    small = tmp_path / "small.tmx"
    tmx(small, 1)
    _limit_pages(monkeypatch, 1)
    code, _, err = run(capsys, "tm", "import", str(small), "--tm", str(tmp_path / "n.sqlite"))
    one_line(code, err, "the disk is full")


def test_a_read_only_memory_names_the_cause(capsys, tmp_path, monkeypatch):
    db = tmp_path / "tm.sqlite"
    with TranslationMemory(db) as tm:
        tm.store("en", "it", None, "Hello.", "Ciao.")
    small = tmp_path / "small.tmx"
    tmx(small, 2)
    real = sqlite3.connect

    def read_only(path, *args, **kwargs):
        return real(f"file:{path}?mode=ro", *args, uri=True, **kwargs)

    monkeypatch.setattr(memory_module.sqlite3, "connect", read_only)
    code, _, err = run(capsys, "tm", "import", str(small), "--tm", str(db))
    one_line(code, err, "read-only", "readonly database")


def test_the_memory_writes_after_a_failed_store_are_not_misreported(tmp_path, monkeypatch):
    """The library path the localise jobs use: store_many on a full disk."""
    from translate.errors import UserError
    from translate.memory import TMEntry

    _limit_pages(monkeypatch, 8)
    with TranslationMemory(tmp_path / "tm.sqlite") as tm:
        entries = [TMEntry("en", "it", None, f"Sentence {i} " * 20, "x") for i in range(2000)]
        with pytest.raises(UserError, match="disk is full"):
            tm.store_many(entries)
        assert len(tm) == 0
        tm.store("en", "it", None, "Hello.", "Ciao.")  # still usable once space is back
        assert len(tm) == 1


def test_export_of_a_missing_memory_is_an_error_and_creates_nothing(capsys, tmp_path):
    typo = tmp_path / "typo.sqlite"
    code, _, err = run(capsys, "tm", "export", "--tm", str(typo), "-o", str(tmp_path / "x.tmx"))
    one_line(code, err, str(typo), "no such translation memory")
    assert sorted(p.name for p in tmp_path.iterdir()) == []


def test_export_of_an_existing_memory_still_works(capsys, tmp_path):
    db = tmp_path / "tm.sqlite"
    with TranslationMemory(db) as tm:
        tm.store("en", "it", None, "Hello.", "Ciao.")
    code, _, err = run(capsys, "tm", "export", "--tm", str(db), "-o", str(tmp_path / "x.tmx"))
    assert code == 0, err
    assert "1 translation unit(s) exported" in err


def test_export_of_a_file_that_is_not_a_memory(capsys, tmp_path):
    bad = tmp_path / "notes.sqlite"
    bad.write_text("just some text, not SQLite " * 50)
    code, _, err = run(capsys, "tm", "export", "--tm", str(bad), "-o", str(tmp_path / "x.tmx"))
    one_line(code, err, "not a translation memory")


@pytest.mark.parametrize(("message", "meaning"), [
    ("disk I/O error", "a disk I/O error"),
    ("database disk image is malformed", "the memory is damaged"),
    ("unable to open database file", "cannot be opened"),
    ("something new", "the translation memory failed"),
])
def test_every_sqlite_failure_names_its_cause(tmp_path, message, meaning):
    from translate.memory import sqlite_error

    exc = sqlite_error(tmp_path / "tm.sqlite", sqlite3.OperationalError(message))
    assert exc.exit_code == 2
    assert meaning in str(exc) and f"(SQLite: {message})" in str(exc)


def test_a_really_full_disk_during_tm_import(capsys, tmp_path, tmpfs):
    disk = tmpfs("size=64k")
    big = tmp_path / "big.tmx"
    tmx(big, 3000)
    code, _, err = run(capsys, "tm", "import", str(big), "--tm", str(disk / "tm.sqlite"))
    one_line(code, err, "the disk is full", "database or disk is full")


def test_a_memory_on_a_read_only_mount(capsys, tmp_path, tmpfs):
    small = tmp_path / "small.tmx"
    tmx(small, 1)
    ro = tmpfs("ro,size=64k")
    code, _, err = run(capsys, "tm", "import", str(small), "--tm", str(ro / "tm.sqlite"))
    one_line(code, err, str(ro / "tm.sqlite"), "Read-only file system", "writable place")
