"""Corrections that stick (issue 26): the memory records who made each entry (a machine
with its route, or a person); a person's entry answers under any model settings and
machine output never overwrites it; memories of schema 1 are migrated in place (and
still refused when they hold anything this toolkit did not make); `translate tm` lists,
exports (TMX 1.4b with the origin) and imports them."""

from __future__ import annotations

import json
import sqlite3

import pytest

from support import MODELS, aligned_rows
from translate import Translator
from translate.cli import main
from translate.errors import UserError
from translate.memory import _SCHEMA_1, TranslationMemory

ROWS = aligned_rows()


def test_a_human_entry_answers_under_any_settings_and_is_never_overwritten(tmp_path):
    source, machine = ROWS[2]["en"], ROWS[2]["it"]
    fixed = "L'evento si è aperto con una preghiera per le vittime."
    with TranslationMemory(tmp_path / "tm.sqlite") as tm:
        tm.store_human("en", "it", [(source, fixed)])
        for beam in (4, 2):  # two route keys
            tr = Translator(models_dir=MODELS, device="cpu", glossary=False,
                            beam_size=beam)
            (out,) = tr.translate_batch([source], "en", "it", memory=tm)
            assert (out.text, out.human, out.from_memory, out.confidence) == \
                (fixed, True, True, 1.0)
            assert out.review == ()
        # the model's translation of it, stored under a key, never replaces the person's
        tm.store("en", "it", None, source, machine, origin="mt")
        (entry,) = [e for e in tm.entries() if e.source == source]
        assert (entry.target, entry.origin) == (fixed, "human")
        # a person may correct a person
        tm.store_human("en", "it", [(source, fixed + " ")])
        assert tm.lookup_human("en", "it", [source])[source].target == fixed + " "


def test_machine_entries_keep_their_route_and_confidence(tmp_path):
    tr = Translator(models_dir=MODELS, device="cpu", glossary=False)
    with TranslationMemory(tmp_path / "tm.sqlite") as tm:
        (first,) = tr.translate_batch([ROWS[1]["en"]], "en", "it", memory=tm)
        (entry,) = tm.entries()
        assert entry.origin == "mt" and not entry.human
        assert entry.route.endswith("en-it") and entry.context.startswith("article:")
        assert entry.confidence == first.confidence
        (again,) = tr.translate_batch([ROWS[1]["en"]], "en", "it", memory=tm)
        assert again.from_memory and not again.human and again.confidence == first.confidence
        # another setting, another key: the machine entry does not answer
        other = Translator(models_dir=MODELS, device="cpu", glossary=False, beam_size=2)
        (fresh,) = other.translate_batch([ROWS[1]["en"]], "en", "it", memory=tm)
        assert not fresh.from_memory


def _schema_1_memory(path, rows=()):
    db = sqlite3.connect(path)
    db.executescript(_SCHEMA_1)
    db.execute("INSERT INTO meta VALUES ('schema', '1')")
    db.executemany("INSERT INTO units VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)
    db.commit()
    db.close()


def test_a_schema_1_memory_is_migrated_in_place_and_keeps_its_entries(tmp_path):
    path = tmp_path / "old.sqlite"
    _schema_1_memory(path, [("en", "it", "", "Hello.", "Ciao.", "tmx", "", "x", "x"),
                            ("en", "it", "article:abc", "Bye.", "Addio.", "mt", "", "x", "x")])
    with TranslationMemory(path) as tm:
        entries = {e.source: e for e in tm.entries()}
        assert entries["Hello."].human and not entries["Bye."].human
        assert entries["Bye."].route == "" and entries["Bye."].confidence is None
        tm.store_human("en", "it", [("New.", "Nuovo.")])
    with sqlite3.connect(path) as db:
        columns = [r[1] for r in db.execute("PRAGMA table_info(units)")]
        schema = db.execute("SELECT value FROM meta WHERE key='schema'").fetchone()[0]
    assert columns[-3:] == ["route", "confidence", "review"] and schema == "2"
    with TranslationMemory(path) as tm:  # the migrated schema is accepted again
        assert len(tm) == 3


def test_a_schema_1_memory_with_a_trigger_is_still_refused(tmp_path):
    path = tmp_path / "old.sqlite"
    _schema_1_memory(path)
    with sqlite3.connect(path) as db:
        db.execute("CREATE TRIGGER t AFTER INSERT ON units BEGIN DELETE FROM meta; END")
    with pytest.raises(UserError, match="trigger 't'"):
        TranslationMemory(path)
    with sqlite3.connect(path) as db:  # nothing was migrated
        assert "route" not in [r[1] for r in db.execute("PRAGMA table_info(units)")]


def test_tm_list_export_and_import_keep_the_origin(capsys, tmp_path):
    tm = tmp_path / "tm.sqlite"
    src = tmp_path / "story.en.txt"
    src.write_text(ROWS[1]["en"] + "\n", encoding="utf-8")
    assert main(["article", str(src), "--from", "en", "--to", "it", "--models-dir",
                 str(MODELS), "--no-glossary", "--tm", str(tm)]) == 0
    with TranslationMemory(tm) as memory:
        memory.store_human("en", "it", [(ROWS[2]["en"], "Corretto a mano.")])
    capsys.readouterr()
    assert main(["tm", "list", "--tm", str(tm), "--json"]) == 0
    listed = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert sorted(e["origin"] for e in listed) == ["human", "machine"]
    machine = next(e for e in listed if e["origin"] == "machine")
    assert machine["route"].endswith("en-it") and 0 < machine["confidence"] <= 1
    assert main(["tm", "list", "--tm", str(tm), "--origin", "human"]) == 0
    out = capsys.readouterr().out
    assert out.count("\n") == 1 and "human\t" in out and "Corretto a mano." in out

    tmx = tmp_path / "out.tmx"
    assert main(["tm", "export", "--tm", str(tm), "-o", str(tmx)]) == 0
    text = tmx.read_text(encoding="utf-8")
    assert 'creationid="human"' in text and 'creationid="machine"' in text
    assert '<prop type="x-origin">human</prop>' in text
    assert '<prop type="x-route">' in text and '<prop type="x-confidence">' in text
    copy = tmp_path / "copy.sqlite"
    assert main(["tm", "import", str(tmx), "--tm", str(copy)]) == 0
    with TranslationMemory(copy) as memory:
        back = {e.source: e for e in memory.entries()}
    assert back[ROWS[2]["en"]].human and back[ROWS[2]["en"]].origin == "human"
    assert not back[ROWS[1]["en"]].human
    assert back[ROWS[1]["en"]].route == machine["route"]
