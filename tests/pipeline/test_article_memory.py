"""``translate article --tm``: an updated story calls the model only for what changed.

Every run goes through the CLI and the real fixture models. Model calls are counted by
wrapping the real :meth:`TranslationEngine.translate` (it still decodes): the spy only
records how many sentences reached the model.
"""

from __future__ import annotations

import json
import sqlite3
from contextlib import contextmanager
from pathlib import Path

import pytest

from support import MODELS, ROOT, article, tm_count
from translate.cli import main
from translate.models.engine import TranslationEngine

EN = ROOT / "fixtures/corpus/khojaly-rome.en.txt"
# two sentences of the reference article, and what the updated story says instead
EDITS = {
    "The event began with prayers for the victims of the Khojaly genocide and those who "
    "sacrificed their lives in the struggle for our country's territorial integrity, "
    "SIA reports.": "The event began with prayers.",
    "The ambassador also spoke about the \"Justice for Khojaly\" campaign and the steps "
    "taken in the dissemination of the truth about the genocide.":
    "The ambassador also spoke about the campaign.",
}
# 18 segments: 17 English sentences (one decode each) and the Azerbaijani footer, which
# pivots through English (az->en, then en->it: two decodes)
ALL = 19


@contextmanager
def counting_decodes():
    """The number of sentences the real engine is asked to decode, per call."""
    calls: list[int] = []
    real = TranslationEngine.translate

    def spy(self, sentences, *args, **kwargs):
        calls.append(len(sentences))
        return real(self, sentences, *args, **kwargs)

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(TranslationEngine, "translate", spy)
        yield calls


def translate(capsys, work: Path, src: Path, tm: Path | None, *extra: str
              ) -> tuple[str, dict, int, str]:
    """One CLI run: (output, report, sentences decoded, stderr); the report is written
    into ``work``."""
    report = work / f"report-{len(list(work.glob('report-*')))}.json"
    argv = ["article", str(src), "--from", "en", "--to", "it", "--models-dir", str(MODELS),
            "--report", str(report), *extra]
    if tm is not None:
        argv += ["--tm", str(tm)]
    with counting_decodes() as calls:
        code = main(argv)
    out, err = capsys.readouterr()
    assert code == 0, err
    segments = json.loads(report.read_text())["files"][0]["targets"]["it"]["segments"]
    return out, segments, sum(calls), err


def edited(tmp_path: Path) -> Path:
    text = article("en")
    for old, new in EDITS.items():
        assert old in text
        text = text.replace(old, new)
    path = tmp_path / "story.en.txt"
    path.write_text(text, encoding="utf-8")
    return path


def test_an_updated_story_decodes_only_the_two_edited_sentences(capsys, tmp_path):
    tm = tmp_path / "news.sqlite"
    first, segments, decoded, err = translate(capsys, tmp_path, EN, tm)
    assert first == article("it")  # what the article gives without a memory
    assert decoded == ALL and len(segments) == 18
    assert not any(s["from_memory"] for s in segments)
    assert "0 segment(s) from the memory" in err and "18 translated" in err

    story = edited(tmp_path)
    out, segments, decoded, err = translate(capsys, tmp_path, story, tm)
    assert decoded == 2
    fresh = [s["source"] for s in segments if not s["from_memory"]]
    assert fresh == list(EDITS.values())
    assert "16 segment(s) from the memory" in err and "2 translated" in err
    # memory hits still report their glossary terms, verified on the stored text
    hit = next(s for s in segments if s["source"].startswith("Azerbaijan's Ambassador"))
    assert hit["from_memory"] and {t["required"] for t in hit["terms"]} >= {"Santa Sede",
                                                                          "Ilgar Muxtarov"}
    assert all(t["status"] == "found" for t in hit["terms"])

    without, plain, decoded, _ = translate(capsys, tmp_path, story, None)
    assert decoded == ALL
    assert out == without  # the memory changes nothing in the output
    strip = [{k: v for k, v in s.items() if k != "from_memory"} for s in segments]
    assert strip == [{k: v for k, v in s.items() if k != "from_memory"} for s in plain]

    again, segments, decoded, _ = translate(capsys, tmp_path, story, tm)
    assert decoded == 0
    assert again == out and all(s["from_memory"] for s in segments)


def test_a_changed_setting_never_returns_a_stored_translation(capsys, tmp_path):
    tm = tmp_path / "news.sqlite"
    _, _, decoded, _ = translate(capsys, tmp_path, EN, tm)
    assert decoded == ALL
    _, segments, decoded, _ = translate(capsys, tmp_path, EN, tm, "--beam-size", "2")
    assert decoded == ALL and not any(s["from_memory"] for s in segments)

    glossary = tmp_path / "desk.tsv"
    glossary.write_text("en\tit\nRome\tRoma\n", encoding="utf-8")
    _, _, decoded, _ = translate(capsys, tmp_path, EN, tm, "--glossary", str(glossary))
    assert decoded == ALL
    _, _, decoded, _ = translate(capsys, tmp_path, EN, tm, "--glossary", str(glossary))
    assert decoded == 0
    # the same file, other content: a different glossary
    glossary.write_text("en\tit\nRome\tRoma\nVatican\tVaticano\n", encoding="utf-8")
    _, _, decoded, _ = translate(capsys, tmp_path, EN, tm, "--glossary", str(glossary))
    assert decoded == ALL
    _, _, decoded, _ = translate(capsys, tmp_path, EN, tm, "--glossary", str(glossary),
                                 "--no-enforce")
    assert decoded == ALL


def test_with_workers_the_parent_looks_up_and_stores(capsys, tmp_path):
    """--workers 2: the hits go to the worker with the article, what it decodes comes
    back and is stored here; output and report as in one process."""
    tm = tmp_path / "news.sqlite"
    translate(capsys, tmp_path, EN, tm)
    assert tm_count(tm) == 18
    story = edited(tmp_path)
    out, segments, _, err = translate(capsys, tmp_path, story, tm, "--workers", "2")
    assert out == translate(capsys, tmp_path, story, None)[0]
    assert [s["source"] for s in segments if not s["from_memory"]] == list(EDITS.values())
    assert tm_count(tm) == 20  # the two new sentences, stored by this process
    _, segments, decoded, _ = translate(capsys, tmp_path, story, tm)
    assert decoded == 0 and all(s["from_memory"] for s in segments)


def one_line_error(capsys, *argv: str) -> str:
    with counting_decodes() as calls:
        code = main(["article", str(EN), "--from", "en", "--to", "it", "--models-dir",
                     str(MODELS), *argv])
    out, err = capsys.readouterr()
    assert code == 2 and out == "" and not calls
    assert len(err.strip().splitlines()) == 1, err
    return err


def test_a_corrupt_memory_is_a_one_line_error(capsys, tmp_path):
    bad = tmp_path / "bad.sqlite"
    bad.write_bytes(b"this is not a database, " * 100)
    out_dir = tmp_path / "out"
    err = one_line_error(capsys, "--tm", str(bad), "-o", str(out_dir))
    assert "bad.sqlite" in err and "not a translation memory" in err
    assert bad.read_bytes() == b"this is not a database, " * 100  # nothing lost
    assert not (out_dir / "khojaly-rome.it.txt").exists()


def test_an_unwritable_memory_is_a_one_line_error(capsys, tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    err = one_line_error(capsys, "--tm", str(blocker / "tm.sqlite"))
    # found by the pre-flight (#12 item 7), before a model loads
    assert "tm.sqlite" in err and "is a file, not a directory" in err
    err = one_line_error(capsys, "--tm", str(tmp_path))
    assert "is a directory" in err


def test_the_memory_is_confined_like_every_output(capsys, tmp_path):
    err = one_line_error(capsys, "--tm", str(EN))
    assert "is an input of this run" in err
    out_dir = tmp_path / "out"
    err = one_line_error(capsys, "--tm", str(out_dir / "khojaly-rome.it.txt"), "-o",
                         str(out_dir))
    assert "also an output" in err
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    out_dir.mkdir()
    (out_dir / "link").symlink_to(outside, target_is_directory=True)
    err = one_line_error(capsys, "--tm", str(out_dir / "link/tm.sqlite"), "-o", str(out_dir))
    assert "outside the output directory" in err
    assert not list(outside.iterdir())


def test_the_python_api_takes_an_open_memory(translator, tmp_path):
    from translate.memory import TranslationMemory

    sentences = ["The event began with prayers.", "The ambassador also spoke about the campaign."]
    with TranslationMemory(tmp_path / "tm.sqlite") as tm:
        with counting_decodes() as calls:
            first = translator.translate_batch(sentences, "en", "it", memory=tm)
        assert sum(calls) == 2 and not any(t.from_memory for t in first)
        with counting_decodes() as calls:
            again = translator.translate_batch(sentences[::-1], "en", "it", memory=tm)
        assert sum(calls) == 0 and all(t.from_memory for t in again)
        assert [t.text for t in again] == [t.text for t in first][::-1]
        assert again[0].models == first[0].models


def test_a_sentence_stored_with_a_missing_term_is_never_reused(capsys, tmp_path):
    """As in the localisation jobs: a failure is journaled (with its reason) but never
    reused as a translation; the sentence is decoded again and the term reported again."""
    story = tmp_path / "short.en.txt"
    story.write_text("The event began with prayers.\n\nAll news on our Facebook page\n",
                     encoding="utf-8")
    glossary = tmp_path / "desk.tsv"
    glossary.write_text("en\tit\nprayers\tpreghiere solenni\n", encoding="utf-8")
    tm = tmp_path / "news.sqlite"
    args = ("--glossary", str(glossary), "--no-enforce")
    for expected in (2, 1):  # the second run reuses the clean sentence only
        _, segments, decoded, _ = translate(capsys, tmp_path, story, tm, *args)
        assert decoded == expected
        missing = segments[0]
        assert not missing["from_memory"]
        assert [t["status"] for t in missing["terms"]] == ["missing"]
    with sqlite3.connect(tm) as db:
        qa = dict(db.execute("SELECT source, qa FROM units").fetchall())
    assert "preghiere solenni" in qa["The event began with prayers."]
    assert qa["All news on our Facebook page"] == ""


@pytest.mark.parametrize("fmt", ["html", "srt"])
def test_documents_reuse_the_memory_too(capsys, tmp_path, fmt):
    """``--tm`` works for every document format: a second run decodes nothing and writes
    the same file (markup placed by forced alignment on the reused sentences)."""
    html_en = ROOT.parent / "shared" / "corpus" / "html" / "khojaly-rome.en.html"
    if fmt == "html":
        src = tmp_path / "story.en.html"
        src.write_text(html_en.read_text(encoding="utf-8"), encoding="utf-8")
    else:
        src = tmp_path / "clip.en.srt"
        src.write_text("1\n00:00:01,000 --> 00:00:03,000\nThe event began with prayers"
                       "\n\n2\n00:00:03,100 --> 00:00:05,000\nfor the victims of the <i>Khojaly"
                       "</i> genocide.\n", encoding="utf-8")
    out = tmp_path / "out"
    tm = tmp_path / "m.sqlite"
    argv = ["article", str(src), "--from", "en", "--to", "it", "--models-dir", str(MODELS),
            "-o", str(out), "--tm", str(tm)]
    with counting_decodes() as first:
        assert main(argv) == 0, capsys.readouterr().err
    written = next(out.iterdir()).read_bytes()
    assert sum(first) > 0 and tm_count(tm) > 0
    with counting_decodes() as second:
        assert main(argv) == 0, capsys.readouterr().err
    assert sum(second) == 0
    assert next(out.iterdir()).read_bytes() == written


def test_a_document_rerun_with_the_memory_reports_its_reused_sentences(capsys, tmp_path):
    """Regression: an HTML article run twice with --tm reused every sentence, but its report
    had no "from_memory" and the summary said "0 segment(s) from the memory, 18 translated"."""
    html = tmp_path / "story.en.html"
    html.write_bytes((ROOT.parent / "shared/corpus/html/khojaly-rome.en.html").read_bytes())
    args = ["article", str(html), "--from", "en", "--to", "it", "-o", str(tmp_path / "out"),
            "--tm", str(tmp_path / "tm.sqlite"), "--models-dir", str(MODELS), "--no-glossary",
            "--report", str(tmp_path / "r.json")]
    assert main(args) == 0
    first = (tmp_path / "out/story.it.html").read_bytes()
    capsys.readouterr()
    assert main(args) == 0
    assert "18 segment(s) from the memory" in capsys.readouterr().err
    segments = json.loads((tmp_path / "r.json").read_text())["files"][0]["targets"]["it"][
        "segments"]
    assert segments and all(s["from_memory"] for s in segments if s["action"] == "translated")
    assert (tmp_path / "out/story.it.html").read_bytes() == first
