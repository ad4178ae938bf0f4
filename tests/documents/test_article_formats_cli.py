"""`translate article` on every document format: chosen by extension or --format, a
directory of mixed formats with -o, outputs named with their own extension, bad files
one line and exit 2 with nothing written."""

from __future__ import annotations

import io
import zipfile

import pytest
import tagged_corpus as corpus

from support import MODELS, ROOT, article
from translate.cli import main

HTML_EN = ROOT.parent / "shared" / "corpus" / "html" / "khojaly-rome.en.html"


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_a_directory_of_mixed_formats_keeps_each_extension(capsys, tmp_path):
    src = tmp_path / "desk"
    src.mkdir()
    (src / "story.en.txt").write_text(article("en"), encoding="utf-8")
    (src / "page.html").write_text(HTML_EN.read_text(encoding="utf-8"), encoding="utf-8")
    (src / "post.md").write_text("# Commemorative event\n\nThe event began with prayers.\n",
                                 encoding="utf-8")
    (src / "memo.docx").write_bytes(corpus.build_docx("en"))
    (src / "clip.srt").write_text("1\n00:00:01,000 --> 00:00:03,000\nThe event began with"
                                  "\n\n2\n00:00:03,100 --> 00:00:05,000\nprayers.\n",
                                  encoding="utf-8")
    (src / "data.po").write_text('msgid "a"\nmsgstr ""\n')  # a catalog: not an article
    out = tmp_path / "out"
    code, _, err = run(capsys, "article", str(src), "--from", "en", "--to", "it", "-o",
                       str(out), "--models-dir", str(MODELS), "--no-glossary")
    assert code == 0, err
    names = sorted(p.name for p in out.iterdir())
    assert names == ["clip.it.srt", "memo.it.docx", "page.it.html", "post.it.md",
                     "story.it.txt"]
    assert (out / "story.it.txt").read_text(encoding="utf-8") == article("it")
    assert zipfile.ZipFile(io.BytesIO((out / "memo.it.docx").read_bytes())).testzip() is None
    srt = (out / "clip.it.srt").read_text(encoding="utf-8")
    assert "00:00:01,000 --> 00:00:03,000" in srt and "00:00:03,100 --> 00:00:05,000" in srt


def test_format_option_overrides_the_extension(capsys, tmp_path):
    page = tmp_path / "page.txt"
    page.write_text("<p>The event began with <b>prayers</b>.</p>\n", encoding="utf-8")
    code, out, err = run(capsys, "article", str(page), "--from", "en", "--to", "it",
                         "--format", "html", "--models-dir", str(MODELS), "--no-glossary")
    assert code == 0, err
    assert out.startswith("<p>") and "<b>" in out and "</b>" in out


def test_a_docx_to_the_terminal_needs_an_output_directory(capsys, tmp_path):
    doc = tmp_path / "memo.docx"
    doc.write_bytes(corpus.build_docx("en"))
    code, out, err = run(capsys, "article", str(doc), "--from", "en", "--to", "it",
                         "--models-dir", str(MODELS))
    assert code == 2 and out == ""
    assert "give -o DIR" in err and len(err.strip().splitlines()) == 1


@pytest.mark.parametrize(("name", "data", "needle"), [
    ("broken.docx", b"PK\x03\x04garbage", "corrupt zip"),
    ("locked.docx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + "EncryptedPackage".encode("utf-16-le"),
     "password-protected"),
    ("old.docx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 512, "legacy binary document"),
    ("bad.srt", b"1\n00:00:05,000 --> 00:00:02,000\nHi.\n", "bad.srt:2: cue ends before"),
    ("bad.vtt", b"WEBVTT\n\n00:01.000 -> 00:02.000\nHi.\n", "no timing line"),
])
def test_bad_documents_are_one_line_and_nothing_is_written(capsys, tmp_path, name, data,
                                                           needle):
    path = tmp_path / name
    path.write_bytes(data)
    out = tmp_path / "out"
    code, _, err = run(capsys, "article", str(path), "--from", "en", "--to", "it", "-o",
                       str(out), "--models-dir", str(MODELS))
    assert code == 2, err
    assert needle in err and len(err.strip().splitlines()) == 1
    assert not out.exists() or not any(out.iterdir())
