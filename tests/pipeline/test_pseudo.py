"""The pseudo-locale ``en-XA`` through the CLI and the server: no model for en -> en-XA,
every letter an accented look-alike, every segment in brackets, every element of a
document around exactly its own words; az -> en-XA is the fixture az-en model, then
the pseudo step."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import unicodedata
from html.parser import HTMLParser

import pytest

from support import FIXTURES, MODELS, ROOT
from translate.cli import main

EN = ROOT / "fixtures/corpus/khojaly-rome.en.txt"
AZ = ROOT / "fixtures/corpus/khojaly-rome.az.txt"
HTML_FILES = [ROOT.parent / "shared/corpus/html/khojaly-rome.en.html",
              FIXTURES / "documents-real/html/daringfireball-colophon.html"]
# written out here, not imported: the test states the mapping it expects
PLAIN = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
ACCENTED = "åḃçḋéḟĝĥîĵḱĺḿñöṕqŕšţûṽŵẋýžÅḂÇḊÉḞĜĤÎĴḰĹḾÑÖṔQŔŠŢÛṼŴẊÝŽ"
UNDO = str.maketrans(ACCENTED, PLAIN, "[]")


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


def test_every_look_alike_decomposes_to_its_letter():
    for plain, accented in zip(PLAIN, ACCENTED, strict=True):
        assert unicodedata.normalize("NFD", accented)[0] == plain
        assert unicodedata.normalize("NFC", accented) == accented


def test_article_to_en_xa_is_the_input_with_letters_accented_and_segments_bracketed(
        capsys, tmp_path, monkeypatch):
    monkeypatch.delenv("TRANSLATE_MODELS_DIR", raising=False)  # no model may be needed
    report = tmp_path / "r.json"
    code, _, err = run(capsys, "article", EN, "--from", "en", "--to", "en-XA", "-o",
                       tmp_path, "--report", report)
    assert code == 0, err
    source = EN.read_text(encoding="utf-8")
    out = (tmp_path / "khojaly-rome.en-XA.txt").read_text(encoding="utf-8")
    assert "[" not in source and out != source
    assert out.translate(UNDO) == source
    assert not re.search("[a-pr-zA-PR-Z]", out)  # every letter but q accented
    segments = json.loads(report.read_text())["files"][0]["targets"]["en-XA"]["segments"]
    assert len(segments) > 10 and out.count("[") == len(segments)
    for seg in segments:  # the Azerbaijani footer too: the oracle does not guess languages
        assert seg["action"] == "translated"
        assert seg["text"] == "[" + seg["source"].translate(
            str.maketrans(PLAIN, ACCENTED)) + "]"
        assert seg["models"] == ["pseudo:en-XA"]


def _events(html: str) -> list[tuple]:
    """Tags (with attributes, ``lang`` left out) and the text between them, brackets
    taken out and the letters put back; text that was only a bracket is dropped."""
    events: list[tuple] = []

    class Collect(HTMLParser):
        def handle_starttag(self, tag, attrs):
            events.append(("start", tag, [(k, (v or "").translate(UNDO)) for k, v in attrs
                                          if k not in ("lang", "xml:lang")]))

        def handle_endtag(self, tag):
            events.append(("end", tag))

        def handle_data(self, data):
            data = data.translate(UNDO)
            if not data:
                return
            if events and events[-1][0] == "data":
                events[-1] = ("data", events[-1][1] + data)
            else:
                events.append(("data", data))

    Collect(convert_charrefs=True).feed(html)
    return events


@pytest.mark.parametrize("path", HTML_FILES, ids=lambda p: p.name)
def test_html_to_en_xa_keeps_every_element_around_its_own_words(capsys, tmp_path, path):
    if not path.exists():
        pytest.skip(f"{path} is not in this checkout")
    code, _, err = run(capsys, "article", path, "--from", "en", "--to", "en-XA", "-o",
                       tmp_path)
    assert code == 0, err
    out = next(tmp_path.glob("*.en-XA.html")).read_text(encoding="utf-8")
    source = path.read_text(encoding="utf-8")
    assert 'lang="en-XA"' in out
    assert out.count("[") > 3 and not re.search("[ÅḂÇḊÉḞ]", source)
    assert _events(out) == _events(source)


def _accented(text: str) -> str:
    return text.translate(str.maketrans(PLAIN, ACCENTED))


def test_localise_po_and_android_to_en_xa(capsys, tmp_path):
    src = tmp_path / "src"
    (src / "res/values").mkdir(parents=True)
    shutil.copy(FIXTURES / "catalogs/news.pot", src / "news.pot")
    (src / "res/values/strings.xml").write_text(
        '<?xml version="1.0" encoding="utf-8"?>\n<resources>\n'
        '    <string name="greeting">Hello %1$s, you have %2$d new messages</string>\n'
        '    <plurals name="stories">\n'
        '        <item quantity="one">%d story</item>\n'
        '        <item quantity="other">%d stories</item>\n'
        '    </plurals>\n</resources>\n', encoding="utf-8")
    code, _, err = run(capsys, "localise", src, "--from", "en", "--to", "en-XA", "-o",
                       tmp_path / "out")
    assert code == 0, err
    po = tmp_path / "out/en-XA/news.po"
    xml = tmp_path / "out/res/values-en-rXA/strings.xml"
    text = po.read_text(encoding="utf-8")
    assert '"Language: en_XA\\n"' in text and "nplurals=2; plural=(n != 1)" in text
    assert 'msgstr "[Ṕûḃĺîšĥéḋ öñ %(date)s ḃý %(author)s]"' in text
    assert 'msgstr[1] "[%d çöḿḿéñţš]"' in text
    strings = xml.read_text(encoding="utf-8")
    assert f'>[{_accented("Hello")} %1$s, {_accented("you have")} %2$d ' \
           f'{_accented("new messages")}]</string>' in strings
    assert f'<item quantity="other">[%d {_accented("stories")}]</item>' in strings
    if shutil.which("msgfmt"):
        subprocess.run(["msgfmt", "--check", "-o", "/dev/null", str(po)], check=True)
    if shutil.which("aapt2"):
        subprocess.run(["aapt2", "compile", "--dir", str(tmp_path / "out/res"), "-o",
                        str(tmp_path / "res.zip")], check=True)


def test_azerbaijani_to_en_xa_goes_through_the_az_en_model_then_pseudo(capsys, tmp_path):
    report = tmp_path / "r.json"
    code, english, err = run(capsys, "article", AZ, "--from", "az", "--to", "en",
                             "--models-dir", MODELS, "--no-glossary")
    assert code == 0, err
    code, pseudo, err = run(capsys, "article", AZ, "--from", "az", "--to", "en-XA",
                            "--models-dir", MODELS, "--no-glossary", "--report", report)
    assert code == 0, err
    assert pseudo.translate(UNDO) == english and pseudo != english
    seg = json.loads(report.read_text())["files"][0]["targets"]["en-XA"]["segments"][0]
    assert [m.rsplit("/", 1)[-1] for m in seg["models"]] == ["az-en", "pseudo:en-XA"]


def test_en_xa_is_a_target_only(capsys):
    code, _, err = run(capsys, "article", EN, "--from", "en-XA", "--to", "it")
    assert code == 2
    assert "en-XA is a pseudo-locale: use it as a target only" in err
    assert len(err.strip().splitlines()) == 1



def test_expansion_pads_with_neither_letters_nor_digits(capsys, tmp_path):
    story = tmp_path / "ui.en.txt"
    story.write_text("Save changes\n\nDelete the draft?\n", encoding="utf-8")
    code, out, err = run(capsys, "article", story, "--from", "en", "--to", "en-XA",
                         "--pseudo-expansion", "0.5")
    assert code == 0, err
    assert out == (f"[{_accented('Save changes')}~~~~~~]\n\n"
                   f"[{_accented('Delete the draft')}?~~~~~~~~~]\n")
    code, _, err = run(capsys, "article", story, "--from", "en", "--to", "en-XA",
                       "--pseudo-expansion", "-1")
    assert code == 2 and "--pseudo-expansion must be between 0 and 10" in err



def test_word_links_are_exact_decoded_or_recalled_from_a_memory(tmp_path, monkeypatch):
    """Each source word linked to its own pseudo form; a sentence the memory answers is
    aligned again (forced alignment) to the same links, and en-XA's memory entries do
    not answer for English."""
    monkeypatch.delenv("TRANSLATE_MODELS_DIR", raising=False)
    from translate import Translator
    from translate.memory import TranslationMemory

    tr = Translator()
    texts = ["Rome's church was full, and __PH0__ stayed.", "The event began with prayers."]
    memory = TranslationMemory(tmp_path / "tm.sqlite")
    first = tr.translate_batch(texts, "en", "en-XA", align=True, memory=memory)
    again = tr.translate_batch(texts, "en", "en-XA", align=True, memory=memory)
    assert [t.from_memory for t in first] == [False, False]
    assert [t.from_memory for t in again] == [True, True]
    for a, b in zip(first, again, strict=True):
        assert a.text == b.text and a.alignment == b.alignment
        words = [link.slice(a.source, a.text) for link in a.alignment]
        assert all(p == (w if w == "__PH0__" else _accented(w)) for w, p in words)
        assert len(words) >= 6
    assert [w for w, _ in (k.slice(first[0].source, first[0].text)
                           for k in first[0].alignment)] == [
        "Rome", "'s", "church", "was", "full", ",", "and", "__PH0__", "stayed", "."]
    assert "__PH0__" in first[0].text
    english = tr.translate_batch(texts, "en", "en", memory=memory)
    assert [t.text for t in english] == texts


def test_android_escaped_html_stays_markup(capsys, tmp_path):
    """Regression: Android's escaped HTML (``&lt;b&gt;``, for Html.fromHtml) is markup: the
    tag names were translated (``&lt;ḃ&gt;``) and QA let it through."""
    src = tmp_path / "src"
    (src / "res/values").mkdir(parents=True)
    (src / "res/values/strings.xml").write_text(
        '<?xml version="1.0" encoding="utf-8"?>\n<resources>\n'
        '    <string name="bold">Make it &lt;b&gt;bold&lt;/b&gt; now</string>\n'
        '</resources>\n', encoding="utf-8")
    code, _, err = run(capsys, "localise", src, "--from", "en", "--to", "en-XA", "-o",
                       tmp_path / "out")
    assert code == 0, err
    strings = (tmp_path / "out/res/values-en-rXA/strings.xml").read_text(encoding="utf-8")
    assert (f'>[{_accented("Make it")} &lt;b&gt;{_accented("bold")}&lt;/b&gt; '
            f'{_accented("now")}]</string>') in strings
