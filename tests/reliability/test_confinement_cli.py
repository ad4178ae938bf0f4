"""Issue #12, command level: confinement, batches, pre-flight and argument checks through
the CLI, on the real fixture models.

The mechanisms are in translate/paths.py (tested in test_paths.py); each test here failed
before the commands called them (they were strict xfails until the wiring).
"""

from __future__ import annotations

import json

import pytest

from support import MODELS, tm_count
from translate.cli import main

EN = "All news on our Facebook page"
IT = "Tutte le notizie sulla nostra pagina Facebook"


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main([*argv, "--models-dir", str(MODELS), "--no-glossary"])
    out, err = capsys.readouterr()
    return code, out, err


def catalog(path, text: str = EN) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({"footer": text}) + "\n", encoding="utf-8")


# ----------------------------------------------------------------------------- item 1


def test_an_output_that_is_the_input_is_refused_before_any_work(capsys, tmp_path):
    src = tmp_path / "srcdir"
    src.mkdir()
    story = src / "story.en.txt"
    story.write_text(EN + "\nXəbərlər\n", encoding="utf-8")
    before = story.read_bytes()
    code, _, err = run(capsys, "article", str(story), "--from", "en", "--to", "en,it", "-o",
                       str(src))
    assert code == 2, err
    assert "would overwrite the input" in err and "story.en.txt" in err
    assert story.read_bytes() == before
    assert sorted(p.name for p in src.iterdir()) == ["story.en.txt"]


# ----------------------------------------------------------------------------- item 2


def test_a_source_symlink_pointing_outside_src_is_refused_and_never_sent(capsys, tmp_path):
    src, out = tmp_path / "src", tmp_path / "out"
    catalog(src / "good.json")
    secret = tmp_path / "secret.json"
    catalog(secret, "Secret salary list")
    (src / "leak.json").symlink_to(secret)
    code, _, err = run(capsys, "localise", str(src), "--from", "en", "--to", "it", "-o",
                       str(out))
    assert code == 2, err
    assert f"{src / 'leak.json'}: is a symlink to {secret}" in err
    assert (out / "it" / "good.json").is_file()  # the good file is still done
    assert not (out / "it" / "leak.json").exists()
    assert "Secret" not in "".join(p.read_text() for p in out.rglob("*.json"))


# ----------------------------------------------------------------------------- item 3


def test_article_output_through_a_symlinked_subfolder_is_refused(capsys, tmp_path):
    src, out, elsewhere = tmp_path / "src", tmp_path / "out", tmp_path / "elsewhere"
    (src / "sub").mkdir(parents=True)
    (src / "sub" / "story.it.txt").write_text(IT + "\n", encoding="utf-8")
    out.mkdir()
    elsewhere.mkdir()
    (out / "sub").symlink_to(elsewhere)
    code, _, err = run(capsys, "article", str(src), "--from", "it", "--to", "en", "-o",
                       str(out))
    assert code == 2, err
    assert "is a symlink" in err and str(out / "sub") in err
    assert list(elsewhere.iterdir()) == []


def test_a_symlinked_default_memory_is_not_followed(capsys, tmp_path):
    src, out = tmp_path / "src", tmp_path / "out"
    catalog(src / "a.json")
    out.mkdir()
    victim = tmp_path / "victim.sqlite"
    victim.write_bytes(b"")
    (out / ".translate-memory.sqlite").symlink_to(victim)
    code, _, err = run(capsys, "localise", str(src), "--from", "en", "--to", "it", "-o",
                       str(out))
    assert code == 2, err
    assert ".translate-memory.sqlite: is a symlink" in err
    assert victim.read_bytes() == b""


# ----------------------------------------------------------------------------- item 4


def test_out_equal_to_src_localises_the_subfolders_too(capsys, tmp_path):
    src = tmp_path / "src"
    catalog(src / "a.json")
    catalog(src / "sub" / "b.json")
    code, _, err = run(capsys, "localise", str(src), "--from", "en", "--to", "it", "-o",
                       str(src))
    assert code == 0, err
    assert (src / "it" / "a.json").is_file()
    assert (src / "it" / "sub" / "b.json").is_file()


def test_out_inside_src_is_never_read_as_a_source(capsys, tmp_path):
    # pruning only OUT/<lang>/ would read an earlier run's OUT/az/ as sources for --to it
    src = tmp_path / "src"
    catalog(src / "web" / "a.json")
    out = src / "out"
    assert run(capsys, "localise", str(src), "--from", "en", "--to", "az", "-o", str(out))[0] == 0
    code, _, err = run(capsys, "localise", str(src), "--from", "en", "--to", "it", "-o",
                       str(out))
    assert code == 0, err
    assert sorted(p.relative_to(out).as_posix() for p in out.rglob("*.json")) == [
        "az/web/a.json", "it/web/a.json"]


# ----------------------------------------------------------------------------- item 6


@pytest.fixture
def batch(tmp_path):
    src = tmp_path / "src"
    src.mkdir()
    (src / "a.it.txt").write_text(IT + "\n", encoding="utf-8")
    (src / "b.it.txt").write_bytes(b"Tutte le notizie\n\xff\xfe oops\n")
    (src / "c.it.txt").write_text("\n", encoding="utf-8")
    (src / "d.it.txt").write_text(IT + "\n", encoding="utf-8")
    return src


def test_one_bad_article_does_not_stop_the_good_ones(capsys, tmp_path, batch):
    out = tmp_path / "out"
    code, _, err = run(capsys, "article", str(batch), "--from", "it", "--to", "en", "-o",
                       str(out))
    assert code == 2, err
    assert f"{batch / 'b.it.txt'}:2: invalid UTF-8" in err
    assert f"{batch / 'c.it.txt'}: is empty" in err  # every problem, not only the first
    assert (out / "a.en.txt").read_text(encoding="utf-8") == EN + "\n"
    assert (out / "d.en.txt").read_text(encoding="utf-8") == EN + "\n"
    assert not (out / "b.en.txt").exists() and not (out / "c.en.txt").exists()


def test_fail_fast_keeps_todays_behaviour(capsys, tmp_path, batch):
    out = tmp_path / "out"
    code, _, err = run(capsys, "article", str(batch), "--from", "it", "--to", "en", "-o",
                       str(out), "--fail-fast")
    assert code == 2, err
    assert len(err.strip().splitlines()) == 1 and "b.it.txt:2" in err
    assert not out.exists() or list(out.iterdir()) == []


def test_one_bad_catalog_does_not_stop_the_good_ones(capsys, tmp_path):
    src, out = tmp_path / "src", tmp_path / "out"
    catalog(src / "a.json")
    (src / "b.json").write_text('{"x": ', encoding="utf-8")
    code, _, err = run(capsys, "localise", str(src), "--from", "en", "--to", "it", "-o",
                       str(out))
    assert code == 2, err
    assert f"{src / 'b.json'}:1: not valid JSON" in err
    assert "translate: 1 file(s) written" in err  # the summary of what was done, first
    assert (out / "it" / "a.json").is_file()
    assert tm_count(out / ".translate-memory.sqlite") == 1


# ----------------------------------------------------------------------------- item 7


def test_a_read_only_output_is_found_before_a_model_loads(capsys, tmp_path, tmpfs):
    story = tmp_path / "story.it.txt"
    story.write_text(IT + "\n", encoding="utf-8")
    ro = tmpfs("ro,size=64k")
    code = main(["article", str(story), "--from", "it", "--to", "en", "-o", str(ro / "out"),
                 "--model", f"it-en={tmp_path / 'no-such-model'}", "--no-glossary"])
    _, err = capsys.readouterr()
    assert code == 2, err
    assert "Read-only file system" in err  # not the (later) model error


def test_a_report_in_a_missing_folder_is_an_error_not_a_created_tree(capsys, tmp_path):
    story = tmp_path / "story.it.txt"
    story.write_text(IT + "\n", encoding="utf-8")
    code, _, err = run(capsys, "article", str(story), "--from", "it", "--to", "en", "-o",
                       str(tmp_path / "out"), "--report", str(tmp_path / "nope" / "r.json"))
    assert code == 2, err
    assert "does not exist" in err
    assert not (tmp_path / "nope").exists() and not (tmp_path / "out").exists()


# ----------------------------------------------------------------------------- items 9, 12


@pytest.mark.parametrize("workers", ["0", "-1"])
def test_article_refuses_workers_below_one(capsys, tmp_path, workers):
    story = tmp_path / "story.it.txt"
    story.write_text(IT + "\n", encoding="utf-8")
    code, _, err = run(capsys, "article", str(story), "--from", "it", "--to", "en",
                       "--workers", workers)
    assert code == 2 and "--workers" in err


def test_article_refuses_max_size_zero(capsys, tmp_path):
    story = tmp_path / "story.it.txt"
    story.write_text(IT + "\n", encoding="utf-8")
    code, _, err = run(capsys, "article", str(story), "--from", "it", "--to", "en",
                       "--max-size", "0")
    assert code == 2 and "--max-size" in err


def test_a_scheduler_that_is_not_an_address(capsys, tmp_path):
    story = tmp_path / "story.it.txt"
    story.write_text(IT + "\n", encoding="utf-8")
    code, _, err = run(capsys, "article", str(story), "--from", "it", "--to", "en",
                       "--executor", "dask", "--scheduler", "notanaddress")
    assert code == 2, err
    assert "internal error" not in err and "notanaddress" in err


# ----------------------------------------------------------------------------- wiring cases
# found while wiring: documents follow the batch rule, every named output is confined


def test_bad_documents_in_a_batch_are_reported_and_the_good_ones_done(capsys, tmp_path):
    import docx

    src, out = tmp_path / "src", tmp_path / "out"
    src.mkdir()
    (src / "a.it.txt").write_text(IT + "\n", encoding="utf-8")
    d = docx.Document()
    d.add_paragraph(IT)
    d.save(str(src / "good.it.docx"))
    (src / "bad.it.docx").write_bytes(b"PK\x03\x04 not really a zip")
    (src / "cues.it.srt").write_text("1\n00:00:01,000 --> soon\nCiao\n", encoding="utf-8")
    secret = tmp_path / "secret.it.txt"
    secret.write_text("Segreto\n", encoding="utf-8")
    (src / "leak.it.txt").symlink_to(secret)
    code, _, err = run(capsys, "article", str(src), "--from", "it", "--to", "en", "-o",
                       str(out))
    assert code == 2, err
    assert f"{src / 'bad.it.docx'}: is not a valid Word (.docx) file" in err
    assert f"{src / 'cues.it.srt'}:2: bad timing" in err
    assert f"{src / 'leak.it.txt'}: is a symlink to {secret}" in err
    assert "3 of 5 input(s) had problems" in err
    assert sorted(p.name for p in out.iterdir()) == ["a.en.txt", "good.en.docx"]
    assert "All news" in docx.Document(str(out / "good.en.docx")).paragraphs[0].text


def test_a_report_that_is_an_input_or_a_link_in_out_is_refused(capsys, tmp_path):
    story = tmp_path / "story.it.txt"
    story.write_text(IT + "\n", encoding="utf-8")
    code, _, err = run(capsys, "article", str(story), "--from", "it", "--to", "en", "-o",
                       str(tmp_path / "out"), "--report", str(story))
    assert code == 2 and "is an input of this run" in err, err
    assert story.read_text(encoding="utf-8") == IT + "\n"
    out = tmp_path / "out2"
    out.mkdir()
    (out / "r.json").symlink_to(tmp_path / "victim.json")
    code, _, err = run(capsys, "article", str(story), "--from", "it", "--to", "en", "-o",
                       str(out), "--report", str(out / "r.json"))
    assert code == 2 and "r.json: is a symlink" in err, err
    assert not (tmp_path / "victim.json").exists() and not (out / "story.en.txt").exists()


def test_an_output_hard_linked_to_the_input_names_the_input(capsys, tmp_path):
    story = tmp_path / "story.it.txt"
    story.write_text(IT + "\n", encoding="utf-8")
    out = tmp_path / "out"
    out.mkdir()
    (out / "story.en.txt").hardlink_to(story)
    code, _, err = run(capsys, "article", str(story), "--from", "it", "--to", "en", "-o",
                       str(out))
    assert code == 2, err
    assert f"would overwrite the input {story}" in err
    assert story.read_text(encoding="utf-8") == IT + "\n"


def test_documents_with_workers_are_refused_before_any_work(capsys, tmp_path):
    src = tmp_path / "src"
    src.mkdir()
    (src / "a.it.txt").write_text(IT + "\n", encoding="utf-8")  # before: written, then error
    (src / "page.it.html").write_text(f"<p>{IT}</p>\n", encoding="utf-8")
    code, _, err = run(capsys, "article", str(src), "--from", "it", "--to", "en", "-o",
                       str(tmp_path / "out"), "--workers", "2")
    assert code == 2 and "plain-text articles only" in err, err
    assert not (tmp_path / "out").exists()


def test_a_symlinked_mo_and_a_memory_that_is_an_input_are_refused(capsys, tmp_path):
    src, out = tmp_path / "src", tmp_path / "out"
    src.mkdir()
    (src / "m.po").write_text('msgid ""\nmsgstr ""\n"Content-Type: text/plain; '
                              'charset=UTF-8\\n"\n\nmsgid "Hello"\nmsgstr ""\n',
                              encoding="utf-8")
    (out / "it").mkdir(parents=True)
    (out / "it" / "m.mo").symlink_to(tmp_path / "victim.mo")
    code, _, err = run(capsys, "localise", str(src), "--from", "en", "--to", "it", "-o",
                       str(out), "--mo")
    assert code == 2 and "m.mo: is a symlink" in err, err
    assert not (tmp_path / "victim.mo").exists() and not (out / "it" / "m.po").exists()
    before = (src / "m.po").read_bytes()
    code, _, err = run(capsys, "localise", str(src), "--from", "en", "--to", "it", "-o",
                       str(tmp_path / "o2"), "--tm", str(src / "m.po"))
    assert code == 2 and "--tm" in err and "is an input of this run" in err, err
    assert (src / "m.po").read_bytes() == before


def test_empty_stdin_is_named_once(capsys, tmp_path, monkeypatch):
    import io
    import sys

    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(b"")))
    code, out, err = run(capsys, "article", "--from", "it", "--to", "en")
    assert code == 2 and err.strip() == "translate: error: <stdin>: is empty; nothing to " \
        "translate", err


def test_a_fifo_in_a_source_tree_is_refused_not_read(capsys, tmp_path):
    import os

    src, out = tmp_path / "src", tmp_path / "out"
    src.mkdir()
    (src / "a.it.txt").write_text(IT + "\n", encoding="utf-8")
    os.mkfifo(src / "pipe.it.txt")  # reading it would block for ever
    code, _, err = run(capsys, "article", str(src), "--from", "it", "--to", "en", "-o",
                       str(out))
    assert code == 2, err
    assert f"{src / 'pipe.it.txt'}: is not a regular file" in err
    assert (out / "a.en.txt").read_text(encoding="utf-8") == EN + "\n"
