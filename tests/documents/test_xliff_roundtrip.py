"""XLIFF round trips of articles and documents (issue 26): `translate article
--export-xliff` writes XLIFF 1.2 valid against OASIS's strict schema, with inline markup as
XLIFF codes; `--import-xliff` rebuilds the document from the (edited) targets, stores the
edits in the memory as human translations, and a rerun with the memory reuses them. A
target that lost or repeated a code is a one-line error and nothing is written. A second,
independent reader (translate-toolkit, from its own virtual environment) opens our files."""

from __future__ import annotations

import io
import os
import re
import shutil
import sqlite3
import subprocess
import zipfile
from pathlib import Path

import pytest
import tagged_corpus as corpus

from support import FIXTURES, MODELS, ROOT, aligned_rows, article
from translate.cli import main

XSD = FIXTURES / "xliff-schemas" / "xliff-core-1.2-strict.xsd"
HTML_EN = ROOT.parent / "shared" / "corpus" / "html" / "khojaly-rome.en.html"
#: translate-toolkit's own environment (never imported here: GPL, and it owns the name
#: ``translate``); .ci/run makes it at .ci-tt-venv, TT_VENV names another
TT_VENV = os.environ.get("TT_VENV", Path(__file__).resolve().parents[2] / ".ci-tt-venv")
TT_PYTHON = Path(TT_VENV) / "bin" / "python"
NS = "{urn:oasis:names:tc:xliff:document:1.2}"


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def story_html() -> str:
    """Three sentences of the reference article with a bold word, a link and a line
    break, the first two in one paragraph."""
    rows = aligned_rows()
    return ("<html><body><h1>" + rows[0]["en"].replace("Rome's", "<b>Rome's</b>")
            + "</h1>\n<p>" + rows[1]["en"].replace("Vatican", '<a href="https://va">Vatican</a>')
            + " " + rows[2]["en"] + "<br>" + rows[3]["en"] + "</p></body></html>\n")


def validate(path: Path) -> None:
    if not shutil.which("xmllint"):
        pytest.skip("xmllint is not installed (apt-get install libxml2-utils)")
    done = subprocess.run(["xmllint", "--noout", "--nonet", "--schema", str(XSD), str(path)],
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr


def units(path: Path):
    from lxml import etree

    return etree.parse(str(path)).getroot().iter(f"{NS}trans-unit")


def export(capsys, tmp_path: Path, src: Path, *extra: str) -> Path:
    out = tmp_path / "xliff"
    code, stdout, err = run(capsys, "article", str(src), "--from", "en", "--to", "it",
                            "--export-xliff", str(out), "--models-dir", str(MODELS), *extra)
    assert code == 0, err
    assert stdout == ""  # the XLIFF is the output
    files = list(out.iterdir())
    assert len(files) == 1
    return files[0]


def test_export_edit_import_gives_the_edited_sentences_with_their_markup(capsys, tmp_path):
    src = tmp_path / "story.en.html"
    src.write_text(story_html(), encoding="utf-8")
    xlf = export(capsys, tmp_path, src)
    assert xlf.name == "story.en-it.xlf"
    validate(xlf)
    text = xlf.read_text(encoding="utf-8")
    assert "&lt;b&gt;" not in text and "&lt;a" not in text  # never escaped markup
    found = {u.get("id"): u for u in units(xlf)}
    assert len(found) == 4  # one unit per translated segment
    first = next(u for u in found.values() if "Commemorative" in "".join(
        u.find(f"{NS}source").itertext()))
    source, target = first.find(f"{NS}source"), first.find(f"{NS}target")
    assert source.find(f"{NS}g").text == "Rome's"  # <b> as a <g> code
    assert target.get("state") == "needs-review-translation"
    assert target.find(f"{NS}g") is not None
    notes = [n.text for n in first.iter(f"{NS}note")]
    assert any(n.startswith("confidence: ") for n in notes)
    assert any(n.startswith("glossary: Rome -> Roma: found") for n in notes)
    assert any(u.find(f"{NS}source").find(f"{NS}x") is not None for u in found.values())  # <br>

    # the editor rewrites the headline and keeps the bold code around other words
    edited = re.sub(r'(<target xml:lang="it" state=")needs-review-translation(">)Evento '
                    r'commemorativo nella chiesa di Santa Maria della Mercede <g ctype="bold" '
                    r'id="1">a Roma</g>',
                    r'\1translated\2Cerimonia commemorativa nella chiesa di Santa Maria della '
                    r'Mercede <g ctype="bold" id="1">di Roma</g>', text, count=1)
    assert edited != text
    xlf.write_text(edited, encoding="utf-8")
    tm = tmp_path / "desk.sqlite"
    done = tmp_path / "done"
    code, _, err = run(capsys, "article", "--import-xliff", str(xlf), "-o", str(done),
                       "--tm", str(tm))
    assert code == 0, err
    assert "1 edited target(s) stored" in err
    rebuilt = (done / "story.it.html").read_text(encoding="utf-8")
    assert ("<h1>Cerimonia commemorativa nella chiesa di Santa Maria della Mercede "
            "<b>di Roma</b> per il 32° anniversario") in rebuilt
    assert '<a href="https://va">Vaticano</a>' in rebuilt and "<br>" in rebuilt
    with sqlite3.connect(tm) as db:
        rows = db.execute("SELECT source, target, origin, context FROM units").fetchall()
    assert rows == [(aligned_rows()[0]["en"], "Cerimonia commemorativa nella chiesa di Santa "
                     "Maria della Mercede di Roma per il 32° anniversario del genocidio di "
                     "Khojaly", "human", "")]

    # a rerun with the memory reuses the correction (under any model settings)
    report = tmp_path / "report.json"
    code, out, err = run(capsys, "article", str(src), "--from", "en", "--to", "it",
                         "--models-dir", str(MODELS), "--tm", str(tm), "--beam-size", "2",
                         "--report", str(report))
    assert code == 0, err
    # the sentence is the editor's; its markup is placed by forced alignment this time
    assert ("Cerimonia commemorativa nella chiesa di Santa Maria della Mercede di Roma per"
            in re.sub(r"<[^>]+>", "", out))
    assert "<b>" in out
    assert "1 segment(s) from the memory" in err
    import json

    segs = json.loads(report.read_text())["files"][0]["targets"]["it"]["segments"]
    human = [s for s in segs if s["human"]]
    assert len(human) == 1 and human[0]["confidence"] == 1.0 and not human[0]["review"]

    # and an export with the memory marks that unit translated, from a person
    xlf2 = export(capsys, tmp_path / "again", src, "--tm", str(tm))
    states = {"".join(u.find(f"{NS}target").itertext())[:9]: u.find(f"{NS}target").get("state")
              for u in units(xlf2)}
    assert states["Cerimonia"] == "translated"
    assert sorted(states.values()).count("needs-review-translation") == 3


@pytest.mark.parametrize("change, message", [
    (lambda t: t.replace('<g ctype="link" id="1">Vaticano</g>', "Vaticano", 1),
     "lost the inline code <g id=\"1\">"),
    (lambda t: t.replace('<g ctype="link" id="1">Vaticano</g>',
                         '<g ctype="link" id="1">Vaticano</g> <g ctype="link" id="1">x</g>', 1),
     "more often than the source"),
])
def test_a_target_that_lost_or_repeated_a_code_is_refused(capsys, tmp_path, change, message):
    src = tmp_path / "story.en.html"
    src.write_text(story_html(), encoding="utf-8")
    xlf = export(capsys, tmp_path, src)
    text = xlf.read_text(encoding="utf-8")
    # only the <target>, not the alt-trans copy: first occurrence after "<target"
    head, sep, tail = text.partition('state="needs-review-translation">Nella chiesa')
    xlf.write_text(head + sep + change(tail), encoding="utf-8")
    done = tmp_path / "done"
    tm = tmp_path / "tm.sqlite"
    code, _, err = run(capsys, "article", "--import-xliff", str(xlf), "-o", str(done),
                       "--tm", str(tm))
    assert code == 2
    lines = err.strip().splitlines()
    assert len(lines) == 1 and message in lines[0] and "unit c2-b2-s0" in lines[0], err
    assert not done.exists() and not tm.exists()  # nothing written


@pytest.mark.parametrize("change, message", [
    (lambda t: t.replace("<source xml:lang=\"en\">A ceremony", "<source xml:lang=\"en\">One "
                         "ceremony", 1), "its source is not the document's segment"),
    (lambda t: t.replace('<g ctype="link" id="1">Vaticano</g> e',
                         '<g ctype="link" id="1">Vaticano e</g>', 1).replace(
        "per le vittime", "<x id=\"9\"/> per le vittime", 1),
     "more often than the source"),
    (lambda t: t.replace("<trans-unit id=\"c2-b0-s0\"", "<trans-unit id=\"c9-b0-s0\"", 1),
     "has no unit c2-b0-s0"),
])
def test_an_xliff_that_no_longer_fits_its_document_is_refused(capsys, tmp_path, change,
                                                              message):
    src = tmp_path / "story.en.html"
    src.write_text(story_html(), encoding="utf-8")
    xlf = export(capsys, tmp_path, src)
    xlf.write_text(change(xlf.read_text(encoding="utf-8")), encoding="utf-8")
    code, _, err = run(capsys, "article", "--import-xliff", str(xlf), "-o",
                       str(tmp_path / "done"))
    assert code == 2 and message in err and len(err.strip().splitlines()) == 1, err
    assert not (tmp_path / "done").exists()


def _zip_text(data: bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return "".join(z.read(n).decode("utf-8", "replace") for n in sorted(z.namelist())
                       if n.endswith(".xml"))


@pytest.mark.parametrize("name, make", [
    ("story.en.txt", lambda: article("en").encode("utf-8")),
    ("page.en.html", lambda: HTML_EN.read_bytes()),
    ("post.en.md", lambda: b"# Commemorative event\n\nThe event began with **prayers**.\n"),
    ("memo.en.docx", lambda: corpus.build_docx("en")),
    ("memo.en.odt", lambda: corpus.build_odt("en")),
    ("clip.en.srt", lambda: b"1\n00:00:01,000 --> 00:00:03,000\nThe event began with\n\n"
                            b"2\n00:00:03,100 --> 00:00:05,000\n<i>prayers.</i>\n"),
    ("clip.en.vtt", lambda: b"WEBVTT\n\n00:00:01.000 --> 00:00:03.000\nThe event began with"
                            b"\n\n00:00:03.100 --> 00:00:05.000\nprayers.\n"),
])
def test_every_format_comes_back_as_the_machine_translation(capsys, tmp_path, name, make):
    """Unedited, an export and an import give the document `translate article` writes."""
    src = tmp_path / name
    src.write_bytes(make())
    xlf = export(capsys, tmp_path, src, "--no-glossary")
    validate(xlf)
    sources = ["".join(u.find(f"{NS}source").itertext()) for u in units(xlf)]
    assert sources and not any("<" in s for s in sources)  # markup as codes, never text
    code, _, err = run(capsys, "article", "--import-xliff", str(xlf), "-o",
                       str(tmp_path / "done"))
    assert code == 0, err
    code, _, err = run(capsys, "article", str(src), "--from", "en", "--to", "it", "-o",
                       str(tmp_path / "direct"), "--models-dir", str(MODELS), "--no-glossary")
    assert code == 0, err
    (rebuilt,) = (tmp_path / "done").iterdir()
    (direct,) = (tmp_path / "direct").iterdir()
    assert rebuilt.name == direct.name
    if name.endswith((".docx", ".odt")):
        assert _zip_text(rebuilt.read_bytes()) == _zip_text(direct.read_bytes())
    elif name.endswith((".srt", ".vtt")):  # the sentences; their cue split by position
        def words(path: Path) -> list[str]:
            return [w for line in path.read_text(encoding="utf-8").splitlines()
                    if "-->" not in line and not line.strip().isdigit() and line != "WEBVTT"
                    for w in re.sub(r"<[^>]+>", "", line).split()]

        assert words(rebuilt) == words(direct)
    else:
        assert rebuilt.read_text(encoding="utf-8") == direct.read_text(encoding="utf-8")


def test_translate_toolkit_reads_our_xliff_from_its_own_environment(capsys, tmp_path):
    """A second, independent reader: translate-toolkit's XLIFF reader, run by the Python
    of its own virtual environment (never imported into this package's)."""
    if not TT_PYTHON.is_file():
        pytest.skip(f"no translate-toolkit environment at {TT_PYTHON.parent.parent} (python "
                    "-m venv .ci-tt-venv; .ci-tt-venv/bin/pip install translate-toolkit, "
                    "or TT_VENV=DIR)")
    src = tmp_path / "story.en.html"
    src.write_text(story_html(), encoding="utf-8")
    xlf = export(capsys, tmp_path, src)
    script = ("import sys, json\n"
              "from translate.storage import xliff\n"
              "store = xliff.xlifffile.parsefile(sys.argv[1])\n"
              "print(json.dumps([[u.getid(), u.source, u.target, u.isfuzzy(),\n"
              "                   [type(p).__name__ for p in u.rich_source[0].sub]]\n"
              "                  for u in store.units if u.istranslatable()]))\n")
    done = subprocess.run([str(TT_PYTHON), "-I", "-c", script, str(xlf)],
                          capture_output=True, text=True, timeout=120, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    import json

    read = json.loads(done.stdout)
    assert len(read) == 4
    ids = [r[0].split("\x04")[-1] for r in read]  # getid(): "<file>\x04<id>"
    assert ids == [u.get("id") for u in units(xlf)]
    headline = next(r for r in read if "Commemorative" in r[1])
    assert "Rome's" in headline[1] and "Roma" in headline[2]
    assert headline[3] is True  # needs-review-translation reads as fuzzy
