"""Issue #23: nothing is ever silently left untranslated: a segment the pipeline cannot
handle is a warning in the ``--report`` and one line on stderr naming the file and the
segment. Each case here was silent before."""

from __future__ import annotations

import json

from support import MODELS
from translate.cli import main


def run(capsys, *argv) -> tuple[int, str, str]:
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


def translate(capsys, tmp_path, name: str, text: str, tgt: str = "en-XA", *more
              ) -> tuple[str, list[str], dict]:
    src = tmp_path / name
    src.write_text(text, encoding="utf-8")
    report = tmp_path / "r.json"
    code, _, err = run(capsys, "article", src, "--from", "en", "--to", tgt, "-o",
                       tmp_path / "out", "--report", report, *more)
    assert code == 0, err
    stem, _, ext = name.rpartition(".")
    out = (tmp_path / "out" / f"{stem}.{tgt}.{ext}").read_text(encoding="utf-8")
    lines = [ln for ln in err.splitlines() if ln.startswith("translate: warning: ")]
    return out, lines, json.loads(report.read_text())["files"][0]["targets"][tgt]


def test_front_matter_values_that_cannot_be_rewritten_are_named(capsys, tmp_path):
    doc = ('---\ntitle: Hello world # draft\ndescription: >\n  A long summary.\n'
           'summary: "Bad \\q escape"\n---\n\nThe text.\n')
    out, lines, report = translate(capsys, tmp_path, "fm.md", doc)
    assert out.startswith(doc[:doc.index("\nThe text.")])  # kept, byte for byte
    path = tmp_path / "fm.md"
    for key in ("title", "description", "summary"):
        note = next(n for n in report["notes"]
                    if n.startswith(f"{path}: front matter {key}: kept as it is ("))
        assert f"translate: warning: {note}" in lines, lines


def test_a_toml_front_matter_string_toml_cannot_read_is_named(capsys, tmp_path):
    doc = '+++\ntitle = "Bad \\q escape"\n+++\n\nThe text.\n'
    out, lines, report = translate(capsys, tmp_path, "t.md", doc)
    assert out.startswith('+++\ntitle = "Bad \\q escape"\n+++')
    note = f"{tmp_path / 't.md'}: front matter title: kept as it is (a string TOML cannot read)"
    assert report["notes"] == [note]
    assert lines == [f"translate: warning: {note}"]


def test_markup_the_alignment_did_not_place_is_named(capsys, tmp_path):
    # the fixture en-it model links no word to "of": <b> is put by relative position
    page = ("<p>The event began with prayers for the victims <b>of</b> the Khojaly genocide "
            "and those who sacrificed their lives in the struggle for our country's "
            "territorial integrity, SIA reports.</p>\n")
    out, lines, report = translate(capsys, tmp_path, "g.html", page, "it",
                                   "--models-dir", MODELS, "--no-glossary")
    assert out.count("<b>") == 1 and out.count("</b>") == 1
    note = ("line 1: <b> around 'of' placed by relative position (the word alignment "
            "placed none of its words)")
    assert any(n.endswith(note) for n in report["notes"]), report["notes"]
    assert len(lines) == 1 and str(tmp_path / "g.html") in lines[0] and note in lines[0]


def test_the_exact_alignment_of_en_xa_places_everything_without_a_note(capsys, tmp_path):
    page = "<p>Victims <b>of</b> the <i>genocide</i> <img src=x.png> today.</p>\n"
    _, lines, report = translate(capsys, tmp_path, "x.html", page)
    assert report["notes"] == [] and lines == []


def test_a_segment_warning_is_a_line_on_stderr_naming_file_and_segment(capsys, tmp_path):
    # a text holding every mask token style: its URL cannot be masked; said, not silent
    tokens = " ".join(f"__{x}0__" for x in ("PH", "QX", "ZQ", "KX", "JQ", "VX", "WQ", "XJ",
                                           "QK", "ZX"))
    text = f"First sentence. Visit https://example.com/x {tokens} now.\n"
    _, lines, report = translate(capsys, tmp_path, "tok.txt", text)
    first, second = report["segments"]
    assert first["warnings"] == [] and len(second["warnings"]) == 1
    assert "unprotected" in second["warnings"][0]
    assert lines == [f"translate: warning: {tmp_path / 'tok.txt'}: segment 2 (en-XA): "
                     f"{second['warnings'][0]}: 'Visit https://example.com/x __PH0__ "
                     "__QX0__ __ZQ0__ __KX0...'"]


def test_subtitle_styling_the_alignment_did_not_place_is_named(capsys, tmp_path):
    # as above in a cue: subtitles placed such styling silently before
    srt = ("1\n00:00:01,000 --> 00:00:06,000\nThe event began with prayers for the victims "
           "<b>of</b> the Khojaly genocide\nand those who sacrificed their lives in the "
           "struggle for our country's territorial integrity, SIA reports.\n")
    out, lines, report = translate(capsys, tmp_path, "g.srt", srt, "it",
                                   "--models-dir", MODELS, "--no-glossary")
    assert out.count("<b>") == 1 and out.count("</b>") == 1
    note = ("cue 1: <b> around 'of' placed by relative position (the word alignment "
            "placed none of its words)")
    assert any(n.endswith(note) for n in report["notes"]), report["notes"]
    assert len(lines) == 1 and str(tmp_path / "g.srt") in lines[0] and note in lines[0]
    # en-XA's exact alignment places the same styling without a note
    _, lines, report = translate(capsys, tmp_path, "g.srt", srt)
    assert report["notes"] == [] and lines == []
