"""XML escaping happens only in the XLIFF writer (issue 11): QA checks and the translation
memory see the text as it was written, so an `&` in a translation neither fails QA as
"unexpected '&amp;'" nor reaches a PO file sharing the string as `&amp;`."""

from __future__ import annotations

from babel.messages.pofile import read_po
from lxml import etree

from support import MODELS
from translate.cli import main
from translate.localise.jobs import run_job
from translate.memory import TranslationMemory

PO = 'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n\n' \
     'msgid "Save and exit"\nmsgstr ""\n'
XLF = """<?xml version="1.0" encoding="UTF-8"?>
<xliff version="1.2" xmlns="urn:oasis:names:tc:xliff:document:1.2">
<file source-language="{lang}" datatype="plaintext" original="a"><body>
<trans-unit id="1"><source>Save and exit</source></trans-unit>
</body></file></xliff>
"""
TMX = """<?xml version="1.0"?>
<tmx version="1.4"><header srclang="en" datatype="plaintext" segtype="sentence"
 adminlang="en" creationtool="t" creationtoolversion="1" o-tmf="x"/><body>
<tu><tuv xml:lang="en"><seg>Save and exit</seg></tuv>
<tuv xml:lang="it"><seg>Salva &amp; esci</seg></tuv></tu>
</body></tmx>
"""


def _inputs(tmp_path, lang="en"):
    src = tmp_path / "src"
    src.mkdir()
    (src / "a.po").write_text(PO)
    (src / "b.xlf").write_text(XLF.format(lang=lang))
    return src


def _targets(out):
    po = read_po((out / "it" / "a.po").open("rb"))
    xlf = etree.parse(str(out / "it" / "b.xlf"))
    target = xlf.find(".//{urn:oasis:names:tc:xliff:document:1.2}target")
    return po.get("Save and exit").string, target.text, (out / "it" / "b.xlf").read_bytes()


def test_an_ampersand_from_the_memory_is_written_to_po_and_xliff(tmp_path, capsys):
    tmx = tmp_path / "m.tmx"
    tmx.write_text(TMX)
    db = tmp_path / "tm.sqlite"
    assert main(["tm", "import", str(tmx), "--tm", str(db)]) == 0
    out = tmp_path / "out"
    code = main(["localise", str(_inputs(tmp_path)), "--from", "en", "--to", "it", "-o",
                 str(out), "--tm", str(db), "--models-dir", str(MODELS), "--no-glossary",
                 "--report", str(tmp_path / "r.json")])
    assert code == 0, capsys.readouterr().err
    po_text, xlf_text, xlf_bytes = _targets(out)
    assert po_text == "Salva & esci"
    assert xlf_text == "Salva & esci" and b"Salva &amp; esci" in xlf_bytes
    assert "0 failed QA" in capsys.readouterr().err


def ampersand_translate(texts, src, tgt):
    """A job-logic double: writes a bare '&' as a model may."""
    return [t.replace("and", "&") for t in texts]


def test_a_model_written_ampersand_is_escaped_only_in_xliff(tmp_path):
    out = tmp_path / "out"
    report = run_job([_inputs(tmp_path)], "en", ["it"], out, ampersand_translate)
    assert report.failed == ()
    po_text, xlf_text, xlf_bytes = _targets(out)
    assert po_text == "Save & exit" and xlf_text == "Save & exit"
    with TranslationMemory(out / ".translate-memory.sqlite") as tm:
        assert [e.target for e in tm.entries("en", "it")] == ["Save & exit"]


def test_a_source_language_other_than_from_is_warned_once(tmp_path, capsys):
    out = tmp_path / "out"
    run_job([_inputs(tmp_path, lang="de")], "en", ["it", "az"], out, ampersand_translate)
    err = capsys.readouterr().err
    assert err.count("source-language is 'de' but --from is 'en'") == 1


def test_xliff_attribute_values_keep_their_escaping(tmp_path):
    src = tmp_path / "src"
    src.mkdir()
    (src / "a.xlf").write_text(
        "<?xml version='1.0' encoding='UTF-8'?>\n"
        "<xliff version='1.2' xmlns='urn:oasis:names:tc:xliff:document:1.2'>\n"
        "<file source-language='en' datatype='plaintext' original='a'><body>\n"
        "<trans-unit id='1' resname='it&apos;s &#10; &gt; &quot;x&quot;'>"
        "<source>Save and exit</source></trans-unit>\n"
        "</body></file></xliff>\n")
    out = tmp_path / "out"
    run_job([src], "en", ["it"], out, ampersand_translate)
    data = (out / "it" / "a.xlf").read_text()
    assert "<trans-unit id='1' resname='it&apos;s &#10; &gt; &quot;x&quot;'>" in data
    assert "<xliff version='1.2' xmlns='urn:oasis:names:tc:xliff:document:1.2'>" in data
    assert ">Save &amp; exit</target>" in data
