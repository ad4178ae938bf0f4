"""Translation memory: SQLite (WAL, concurrent writers) and TMX 1.4b import/export."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import textwrap

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from support import ROOT
from translate.errors import InputFileError, UserError
from translate.memory import TMEntry, TranslationMemory, export_tmx, import_tmx


def test_store_and_lookup(tmp_path):
    with TranslationMemory(tmp_path / "tm.sqlite") as tm:
        assert tm.journal_mode == "wal"
        tm.store("en", "it", "menu", "File", "File")
        tm.store("en", "it", None, "File", "Archivio")
        assert tm.lookup("en", "it", "menu", "File").target == "File"
        assert tm.lookup("en", "it", None, "File").target == "Archivio"
        assert tm.lookup("en", "it", "", "File").target == "Archivio"  # "" is no context
        assert tm.lookup("en", "az", None, "File") is None
        found = tm.lookup_many("en", "it", [("menu", "File"), (None, "Nope")])
        assert list(found) == [("menu", "File")]
        assert len(tm) == 2


def test_machine_output_never_replaces_an_imported_translation(tmp_path):
    with TranslationMemory(tmp_path / "tm.sqlite") as tm:
        tm.store("en", "it", None, "News", "Notizie", origin="tmx")
        tm.store("en", "it", None, "News", "Novità", origin="mt")
        assert tm.lookup("en", "it", None, "News").target == "Notizie"
        tm.store("en", "it", None, "Sport", "Sport (mt)", origin="mt")
        tm.store("en", "it", None, "Sport", "Sport", origin="tmx")
        assert tm.lookup("en", "it", None, "Sport").target == "Sport"


def test_not_a_database_is_a_user_error(tmp_path):
    bad = tmp_path / "tm.sqlite"
    bad.write_bytes(b"this is not sqlite" * 100)
    with pytest.raises(UserError, match="not a translation memory"):
        TranslationMemory(bad)
    with pytest.raises(UserError, match="directory"):
        TranslationMemory(tmp_path)


_WRITER = textwrap.dedent("""
    import sys
    import time
    sys.path.insert(0, {root!r})
    from translate.memory import TMEntry, TranslationMemory
    name, path = sys.argv[1], sys.argv[2]
    with TranslationMemory(path) as tm:
        for b in range(40):
            rows = [TMEntry("en", "it", None, f"{{name}} {{b}} {{i}}", f"{{name}}-{{b}}-{{i}}")
                    for i in range(10)]
            rows.append(TMEntry("en", "it", None, f"shared {{b}}", name))
            tm.store_many(rows)
            time.sleep(0.003)  # interleave with the other writer
""")


def test_two_processes_writing_at_once_lose_and_duplicate_nothing(tmp_path):
    path = tmp_path / "tm.sqlite"
    script = _WRITER.format(root=str(ROOT))
    procs = [subprocess.Popen([sys.executable, "-c", script, name, str(path)],
                              stderr=subprocess.PIPE, text=True) for name in ("a", "b")]
    for p in procs:
        _, err = p.communicate(timeout=60)
        assert p.returncode == 0, err
    with TranslationMemory(path) as tm:
        entries = list(tm.entries())
    assert len(entries) == 2 * 400 + 40
    assert len({(e.context, e.source) for e in entries}) == len(entries)
    by_source = {e.source: e.target for e in entries}
    for name in ("a", "b"):
        for b in range(40):
            for i in range(10):
                assert by_source[f"{name} {b} {i}"] == f"{name}-{b}-{i}"
    assert {by_source[f"shared {b}"] for b in range(40)} <= {"a", "b"}
    db = sqlite3.connect(path)
    assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def test_tmx_export_import_round_trip(tmp_path):
    with TranslationMemory(tmp_path / "a.sqlite") as tm:
        tm.store_many([
            TMEntry("en", "it", None, "Latest news", "Ultime notizie", origin="tmx"),
            TMEntry("en", "it", "menu", "World", "Mondo"),
            TMEntry("en", "az", None, "Read <b>more</b> &amp; \"x\"\r\nnow",
                    "Daha <b>çox</b> &amp; oxu"),
            TMEntry("en", "it", None, "Broken %s", "Rotto", qa="placeholders: missing '%s'"),
            TMEntry("en", "it", None, "control \x01 char", "x"),
        ])
        result = export_tmx(tm, tmp_path / "out.tmx")
        assert (result.written, result.skipped) == (3, 2)
        only_it = export_tmx(tm, tmp_path / "it.tmx", src="en", tgt="it")
        assert only_it.written == 2
        before = [e for e in tm.entries() if not e.qa and "\x01" not in e.source]
    text = (tmp_path / "out.tmx").read_text()
    assert '<tmx version="1.4">' in text and 'srclang="en"' in text
    assert '<prop type="x-context">menu</prop>' in text
    with TranslationMemory(tmp_path / "b.sqlite") as tm2:
        assert import_tmx(tmp_path / "out.tmx", tm2).written == 3
        after = list(tm2.entries())
    key = [(e.src, e.tgt, e.context, e.source, e.target, e.origin) for e in before]
    assert [(e.src, e.tgt, e.context, e.source, e.target, e.origin) for e in after] == key


def test_tmx_import_of_a_foreign_file(tmp_path):
    tmx = tmp_path / "foreign.tmx"
    tmx.write_text("""<?xml version="1.0" encoding="UTF-8"?>
<tmx version="1.4"><header srclang="*all*" adminlang="en-US" segtype="sentence"
 datatype="plaintext" o-tmf="x" creationtool="x" creationtoolversion="1"/>
<body>
 <tu><tuv xml:lang="en-US">
       <seg>Save <bpt i="1">&lt;b&gt;</bpt>now<ept i="1">&lt;/b&gt;</ept></seg></tuv>
     <tuv xml:lang="it-IT">
       <seg>Salva <bpt i="1">&lt;b&gt;</bpt>ora<ept i="1">&lt;/b&gt;</ept></seg></tuv>
     <tuv xml:lang="fr-FR"><seg>Enregistrer</seg></tuv></tu>
</body></tmx>""", encoding="utf-8")
    with TranslationMemory(tmp_path / "tm.sqlite") as tm:
        result = import_tmx(tmx, tm)
        assert result.written == 2 and result.skipped == 1  # en->it, it->en; fr unknown
        assert tm.lookup("en", "it", None, "Save <b>now</b>").target == "Salva <b>ora</b>"
        assert tm.lookup("it", "en", None, "Salva <b>ora</b>").origin == "tmx"


def test_malformed_tmx_is_an_input_error_with_a_line(tmp_path):
    bad = tmp_path / "bad.tmx"
    bad.write_text('<?xml version="1.0"?>\n<tmx version="1.4">\n<body>\n</tmx>\n')
    with TranslationMemory(tmp_path / "tm.sqlite") as tm:
        with pytest.raises(InputFileError) as err:
            import_tmx(bad, tm)
    assert err.value.line == 4


_TEXT = st.text(st.characters(blacklist_categories=("Cs", "Cc")) | st.sampled_from(
    list("\n\r\t<>&\"'")), min_size=1, max_size=30)


@settings(max_examples=25, suppress_health_check=list(HealthCheck), deadline=None)
@given(st.lists(st.tuples(st.none() | _TEXT, _TEXT, _TEXT), min_size=1, max_size=5,
                unique_by=lambda t: (t[0] or None, t[1])))
def test_tmx_round_trip_property(tmp_path_factory, rows):
    d = tmp_path_factory.mktemp("tmx")
    with TranslationMemory(d / "a.sqlite") as tm:
        tm.store_many([TMEntry("en", "az", c, s, t) for c, s, t in rows])
        export_tmx(tm, d / "x.tmx")
    with TranslationMemory(d / "b.sqlite") as tm2:
        import_tmx(d / "x.tmx", tm2)
        for c, s, t in rows:
            assert tm2.lookup("en", "az", c, s).target == t
