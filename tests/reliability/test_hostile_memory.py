"""A translation memory is data, never code (#24): a user's SQLite file whose schema holds
a trigger, a view or anything else this toolkit did not create is refused in one line
(exit 2) before anything is written to it, through every command that opens one
(`translate article --tm`, `translate localise --tm`, `translate tm export`, the server's
key store); a memory cannot grow past its size limit, and no statement runs unbounded.

The hostile files are built here with the sqlite3 module, as an attacker would."""

from __future__ import annotations

import hashlib
import sqlite3

import pytest

from support import MODELS, run_bounded
from translate.cli import main
from translate.errors import UserError
from translate.memory import TMEntry, TranslationMemory, export_tmx
from translate.sqlitesafe import Limits

SENTENCE = "All news on our Facebook page"

#: a trigger that rewrites every stored target whenever the toolkit writes to the file
REWRITE = ("CREATE TRIGGER rewrite BEFORE INSERT ON meta BEGIN "
           "UPDATE units SET target = 'HACKED BY TRIGGER'; END")
#: a trigger that never ends: a recursive CTE without a bound
FOREVER = ("CREATE TRIGGER forever BEFORE INSERT ON meta BEGIN SELECT count(*) FROM "
           "(WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT x FROM c);"
           " END")
#: a trigger that grows the file by 500 MB on every stored translation
GROW = ("CREATE TRIGGER grow AFTER INSERT ON units BEGIN "
        "INSERT INTO meta VALUES (hex(randomblob(8)), zeroblob(500000000)); END")


def hostile(path, *statements: str, targets: dict[str, str] | None = None):
    """A memory the toolkit made (with ``targets``: source -> stored target), then
    ``statements`` run on it by someone else."""
    with TranslationMemory(path) as tm:
        for source, target in (targets or {"Hello.": "Ciao."}).items():
            tm.store("en", "it", None, source, target, origin="tmx")
    db = sqlite3.connect(path)
    for sql in statements:
        db.execute(sql)
    db.commit()
    db.close()
    return path


def digest(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def stored_targets(path) -> list[str]:
    db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return [r[0] for r in db.execute("SELECT target FROM units ORDER BY source")]
    finally:
        db.close()


def one_line(code: int, err: str, *fragments: str) -> None:
    assert code == 2, err
    assert len(err.strip().splitlines()) == 1, err
    assert "internal error" not in err and "Traceback" not in err
    for fragment in fragments:
        assert fragment in err, err


def test_a_trigger_that_rewrites_stored_targets_is_refused_by_article_tm(capsys, tmp_path):
    db = hostile(tmp_path / "tm.sqlite", REWRITE, targets={SENTENCE: "Tutte le notizie"})
    before = digest(db)
    story = tmp_path / "story.en.txt"
    story.write_text(SENTENCE + "\n", encoding="utf-8")
    code = main(["article", str(story), "--from", "en", "--to", "it", "--tm", str(db),
                 "-o", str(tmp_path / "out"), "--models-dir", str(MODELS), "--no-glossary"])
    out, err = capsys.readouterr()
    one_line(code, err, str(db), "trigger 'rewrite'", "did not create")
    assert "HACKED" not in out + err
    assert not (tmp_path / "out" / "story.it.txt").exists()
    assert stored_targets(db) == ["Tutte le notizie"]
    assert digest(db) == before  # not one byte written before the schema was checked


def test_a_trigger_that_never_ends_does_not_hang_tm_export(tmp_path):
    db = hostile(tmp_path / "tm.sqlite", FOREVER)
    done = run_bounded("tm", "export", "--tm", str(db), "-o", str(tmp_path / "x.tmx"),
                       seconds=60, address_space_gb=2)
    one_line(done.returncode, done.stderr, "trigger 'forever'")
    assert not (tmp_path / "x.tmx").exists()


def test_a_trigger_that_grows_the_file_is_refused_by_localise_tm(capsys, tmp_path):
    db = hostile(tmp_path / "tm.sqlite", GROW)
    before = db.stat().st_size
    po = tmp_path / "messages.po"
    po.write_text('msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n\n'
                  f'msgid "{SENTENCE}"\nmsgstr ""\n', encoding="utf-8")
    out = tmp_path / "out"
    code = main(["localise", str(po), "--from", "en", "--to", "it", "-o", str(out),
                 "--tm", str(db), "--models-dir", str(MODELS)])
    one_line(code, capsys.readouterr().err, "trigger 'grow'")
    assert db.stat().st_size == before
    assert not (out / "it" / "messages.po").exists()


@pytest.mark.parametrize(("statement", "named"), [
    ("CREATE VIEW everything AS SELECT * FROM units", "view 'everything'"),
    ("CREATE INDEX by_target ON units (target)", "index 'by_target'"),
    ("CREATE TABLE notes (x)", "table 'notes'"),
    ("CREATE TRIGGER t AFTER UPDATE ON units BEGIN SELECT 1; END", "trigger 't'"),
])
def test_every_object_the_toolkit_did_not_create_is_refused(tmp_path, statement, named):
    db = hostile(tmp_path / "tm.sqlite", statement)
    with pytest.raises(UserError, match=named):
        TranslationMemory(db)


def test_a_table_made_with_other_sql_is_refused(tmp_path):
    """The same table names with a column default that calls a function."""
    db = tmp_path / "tm.sqlite"
    conn = sqlite3.connect(db)
    conn.executescript("""
        CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL DEFAULT (zeroblob(9)));
        CREATE TABLE units (src_lang, tgt_lang, context, source, target, origin, qa, created,
                            changed);
    """)
    conn.close()
    with pytest.raises(UserError, match="table 'meta'"):
        TranslationMemory(db)


def test_a_memory_the_toolkit_made_still_opens_and_a_new_one_is_created(tmp_path):
    db = hostile(tmp_path / "tm.sqlite")
    with TranslationMemory(db) as tm:
        assert tm.lookup("en", "it", None, "Hello.").target == "Ciao."
    with TranslationMemory(tmp_path / "new.sqlite") as tm:
        assert len(tm) == 0


def test_a_memory_cannot_grow_past_its_size_limit(tmp_path):
    limits = Limits(max_bytes=64 * 1024)
    with TranslationMemory(tmp_path / "tm.sqlite", limits=limits) as tm:
        tm.store("en", "it", None, "Hello.", "Ciao.")
        rows = [("en", "it", None, f"Sentence {i} " * 20, "x") for i in range(2000)]
        with pytest.raises(UserError, match="size limit"):
            for row in rows:
                tm.store(*row)
    assert (tmp_path / "tm.sqlite").stat().st_size <= 64 * 1024


def test_a_memory_over_its_size_limit_is_refused_before_it_is_opened(tmp_path):
    db = hostile(tmp_path / "tm.sqlite")
    with pytest.raises(UserError, match=r"over the size limit.*max_bytes=1024"):
        TranslationMemory(db, limits=Limits(max_bytes=1024))


def test_no_statement_runs_past_its_time_limit(tmp_path):
    db = tmp_path / "tm.sqlite"
    with TranslationMemory(db) as tm:
        tm.store_many([TMEntry("en", "it", None, f"Sentence {i}", f"Frase {i}")
                       for i in range(5000)])
    with TranslationMemory(db, limits=Limits(statement_seconds=0.0)) as tm, \
            pytest.raises(UserError, match="time limit"):
        export_tmx(tm, tmp_path / "x.tmx")
    assert not (tmp_path / "x.tmx").exists()


def test_the_servers_key_store_refuses_a_trigger(capsys, tmp_path):
    db = tmp_path / "keys.sqlite"
    assert main(["serve", "keys", "add", "--name", "weblate", "--keys-db", str(db)]) == 0
    capsys.readouterr()
    conn = sqlite3.connect(db)
    conn.execute("CREATE TRIGGER steal AFTER INSERT ON api_keys BEGIN "
                 "UPDATE api_keys SET revoked = NULL; END")
    conn.commit()
    conn.close()
    code = main(["serve", "keys", "list", "--keys-db", str(db)])
    one_line(code, capsys.readouterr().err, str(db), "trigger 'steal'")


def test_no_value_may_be_longer_than_its_limit(tmp_path):
    """A planted 1 MB target is refused when read, and a long one is not stored."""
    db = hostile(tmp_path / "tm.sqlite", "UPDATE units SET target = zeroblob(1000000)")
    with TranslationMemory(db, limits=Limits(max_value_bytes=100_000)) as tm:
        with pytest.raises(UserError, match="max_value_bytes"):
            tm.lookup("en", "it", None, "Hello.")
        with pytest.raises(UserError, match="max_value_bytes"):
            tm.store("en", "it", None, "Long.", "x" * 200_000)
