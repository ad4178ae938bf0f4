"""The PO reader is as strict as msgfmt (issue 13), and an unchanged catalog is not
rewritten on a rerun when its template has no POT-Creation-Date (issue 12, item 17)."""

from __future__ import annotations

import pytest

from support import MODELS
from translate.cli import main

HEAD = 'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n\n'


@pytest.mark.parametrize(("body", "line", "problem"), [
    ('msgid "Hell\nmsgstr "x"\n', 5, "unterminated string"),
    ('msgid "Hello"\n\nmsgid "World"\nmsgstr ""\n', 5, "msgid without msgstr"),
    ('msgid "Hello"\n', 5, "msgid without msgstr"),
    ('msgid "Tab\\q"\nmsgstr ""\n', 5, "invalid escape \\q"),
    ('msgid "a"\nmsgid_plural "b"\nmsgstr ""\n', 7, "needs msgstr[0]"),
    ('msgid "a"\nmsgstr[0] ""\n', 6, "msgstr[N] without msgid_plural"),
    ('msgid "a" "b"\nmsgstr ""\n', 5, "expected one quoted string"),
])
def test_a_malformed_po_is_one_error_line_and_exit_2(tmp_path, capsys, body, line, problem):
    bad = tmp_path / "bad.po"
    bad.write_text(HEAD + body)
    before = bad.read_bytes()
    out = tmp_path / "out"
    code = main(["localise", str(bad), "--from", "en", "--to", "it", "-o", str(out)])
    err = capsys.readouterr().err
    assert code == 2 and err.count("\n") == 1
    assert err.startswith(f"translate: error: {bad}:{line}: ") and problem in err
    assert bad.read_bytes() == before and not (out / "it").exists()


def test_valid_escapes_continuations_and_obsolete_entries_are_accepted(tmp_path, capsys):
    good = tmp_path / "good.po"
    good.write_text(HEAD + 'msgid "a\\t\\"q\\"\\\\"\n"more\\n"\nmsgstr ""\n\n'
                    '#~ msgid "old"\n#~ msgstr "vecchio"\n')
    code = main(["localise", str(good), "--from", "en", "--to", "it", "-o",
                 str(tmp_path / "out"), "--models-dir", str(MODELS), "--no-glossary"])
    assert code == 0, capsys.readouterr().err


def test_a_pot_without_creation_date_is_not_rewritten_on_rerun(tmp_path, monkeypatch, capsys):
    pot = tmp_path / "messages.pot"
    pot.write_text(HEAD + 'msgid "Hello"\nmsgstr ""\n')
    out = tmp_path / "out"
    args = ["localise", str(pot), "--from", "en", "--to", "it", "-o", str(out),
            "--models-dir", str(MODELS), "--no-glossary", "--report", str(tmp_path / "r")]
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1708941600")
    assert main(args) == 0
    first = (out / "it" / "messages.po").read_bytes()
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1708945200")  # an hour later
    assert main(args) == 0
    assert "0 file(s) written" in capsys.readouterr().err
    assert (out / "it" / "messages.po").read_bytes() == first


LONG = HEAD + (
    "# A translator comment that is much longer than seventy-six columns, kept on one line.\n"
    "#. An extracted comment that the original tool wrapped differently from Babel, at 90.\n"
    "#.\n"
    "#: src/a.c:1\n"
    "#, c-format\n"
    'msgid "A long message that the extractor wrapped at a width of its own, not at Babel\'s "\n'
    '"seventy-six columns: %s"\n'
    'msgstr ""\n\n'
    'msgid "Short"\n'
    'msgstr ""\n')


def test_unchanged_entries_keep_their_layout_and_width_applies_to_changed_ones(tmp_path):
    from translate.localise.formats import po
    from translate.localise.units import Fill, WriteOptions

    doc = po.read(LONG.encode(), "x.pot")
    out = po.write(doc, {}, "it").decode()
    assert LONG.split("\n\n", 1)[1] in out            # every entry byte for byte
    assert "X-Generator: translate " in out
    key = doc.units[0].key
    filled = po.write(doc, {key: Fill("Un messaggio " * 8 + "%s")}, "it",
                      options=WriteOptions(width=0)).decode()
    assert "#. An extracted comment that the original tool wrapped differently from " \
           "Babel, at 90.\n#.\n" in filled             # comments of a changed entry kept
    assert 'msgstr "' + "Un messaggio " * 8 + '%s"\n' in filled  # --no-wrap
    narrow = po.write(doc, {key: Fill("Un messaggio " * 8 + "%s")}, "it",
                      options=WriteOptions(width=40)).decode()
    assert all(len(ln) <= 41 for ln in narrow.split("msgstr", 1)[1].split("\n\n")[0]
               .splitlines())


TMX_PAIRS = """<?xml version="1.0"?>
<tmx version="1.4"><header srclang="en" datatype="plaintext" segtype="sentence"
 adminlang="en" creationtool="t" creationtoolversion="1" o-tmf="x"/><body>
{tus}
</body></tmx>
"""


def test_plural_rules_and_no_wrap_through_the_cli(tmp_path, capsys):
    long_en = "A message long enough to be wrapped by Babel at seventy-six columns, for sure"
    long_it = "Un messaggio abbastanza lungo da essere spezzato da Babel a settantasei colonne"
    pairs = [("%d file", "%d file"), ("%d files", "%d file"), (long_en, long_it)]
    tus = "\n".join(f'<tu><tuv xml:lang="en"><seg>{s}</seg></tuv>'
                    f'<tuv xml:lang="it"><seg>{t}</seg></tuv></tu>' for s, t in pairs)
    (tmp_path / "m.tmx").write_text(TMX_PAIRS.format(tus=tus))
    db = tmp_path / "tm.sqlite"
    assert main(["tm", "import", str(tmp_path / "m.tmx"), "--tm", str(db)]) == 0
    pot = tmp_path / "m.pot"
    pot.write_text(HEAD + '#, c-format\nmsgid "%d file"\nmsgid_plural "%d files"\n'
                   'msgstr[0] ""\nmsgstr[1] ""\n\n' f'msgid "{long_en}"\nmsgstr ""\n')
    common = ["localise", str(pot), "--from", "en", "--to", "it", "--tm", str(db),
              "--models-dir", str(MODELS), "--no-glossary", "--report", str(tmp_path / "r")]
    assert main([*common, "-o", str(tmp_path / "gettext"), "--no-wrap"]) == 0
    text = (tmp_path / "gettext" / "it" / "m.po").read_text()
    assert '"Plural-Forms: nplurals=2; plural=(n != 1);\\n"' in text
    assert f'msgstr "{long_it}"\n' in text
    assert main([*common, "-o", str(tmp_path / "cldr"), "--plural-rules", "cldr"]) == 0
    text = (tmp_path / "cldr" / "it" / "m.po").read_text()
    assert "nplurals=3;" in text and 'msgstr[2] "%d file"' in text
    assert f'msgstr "{long_it}"\n' not in text  # wrapped at 76
