"""Localisation jobs, driven by TEST DOUBLES of translate_batch (see localise_doubles.py):
they check the job logic (layout, dedupe, memory, resume, QA gating, path safety), not
translation quality. The end-to-end runs through the real fixture models use the
Translator."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path, PurePath

import pytest
from localise_doubles import CountingTranslate, clean_translate, mangling_translate

from support import FIXTURES, ROOT, tm_count
from translate.cli import main
from translate.errors import InputFileError, UserError
from translate.localise import checkers as C
from translate.localise.formats import format_for, jsonfmt, po, xliff
from translate.localise.jobs import DEFAULT_TM_NAME, _prepare, run_job
from translate.localise.units import WriteOptions
from translate.memory import TMEntry, TranslationMemory

CATALOGS = FIXTURES / "catalogs"
HERE = Path(__file__).resolve().parent
EVENT = ("The event began with prayers for the victims of the Khojaly genocide and those "
         "who sacrificed their lives in the struggle for our country's territorial "
         "integrity, SIA reports.")
EXPECTED = ["app.xlf", "article.xlf", "news.po", "web/common.json", "web/errors.json"]


@pytest.fixture(autouse=True)
def _reproducible(monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1708941600")


def outputs(out: Path) -> dict[str, bytes]:
    return {str(p.relative_to(out)): p.read_bytes() for p in sorted(out.rglob("*"))
            if p.is_file() and p.name != DEFAULT_TM_NAME and not p.name.startswith(".")}


def test_output_layout_and_pot_becomes_po(tmp_path):
    out = tmp_path / "out"
    report = run_job([CATALOGS], "en", ["az", "it"], out, clean_translate)
    assert sorted(outputs(out)) == sorted(f"{lang}/{name}" for lang in ("az", "it")
                                          for name in EXPECTED)
    assert (out / DEFAULT_TM_NAME).is_file()
    assert report.failed == ()
    assert sorted(report.files_written) == sorted(str(out / lang / name) for lang in
                                                  ("az", "it") for name in EXPECTED)
    # a single file goes straight under OUT/<lang>/
    run_job([CATALOGS / "web" / "errors.json"], "en", ["it"], tmp_path / "one",
            clean_translate)
    assert list(outputs(tmp_path / "one")) == ["it/errors.json"]


def test_identical_units_across_files_are_translated_once(tmp_path):
    counting = CountingTranslate()
    report = run_job([CATALOGS], "en", ["it"], tmp_path / "out", counting)
    assert len(counting.texts) == len(set(counting.texts))
    # in news.pot, errors.json and app.xlf; in news.pot, common.json and app.xlf
    assert counting.texts.count(EVENT) == 1
    assert counting.texts.count("Latest news") == 1
    assert report.strings_translated < report.units
    assert report.model_calls == counting.calls


def test_second_run_makes_no_model_call(tmp_path):
    first = CountingTranslate()
    run_job([CATALOGS], "en", ["az", "it"], tmp_path / "out", first)
    assert first.calls > 0
    before = outputs(tmp_path / "out")
    again = CountingTranslate()
    report = run_job([CATALOGS], "en", ["az", "it"], tmp_path / "out", again)
    assert again.calls == 0 and report.model_calls == 0
    assert report.kept_existing > 0 and report.files_written == ()
    assert outputs(tmp_path / "out") == before
    # with a fresh output directory the memory alone answers everything
    third = CountingTranslate()
    report = run_job([CATALOGS], "en", ["az", "it"], tmp_path / "out2", third,
                     tm=tmp_path / "out" / DEFAULT_TM_NAME)
    assert third.calls == 0 and report.reused_from_tm > 0
    assert outputs(tmp_path / "out2") == before


def test_existing_translations_are_kept_unless_overwrite(tmp_path):
    out = tmp_path / "out"
    run_job([CATALOGS / "news.pot"], "en", ["it"], out, clean_translate)
    po_path = out / "it" / "news.po"
    edited = po_path.read_text().replace('msgstr "[it] LATEST NEWS"', 'msgstr "Ultime notizie"')
    po_path.write_text(edited)
    counting = CountingTranslate()
    run_job([CATALOGS / "news.pot"], "en", ["it"], out, counting)
    assert 'msgstr "Ultime notizie"' in po_path.read_text() and counting.calls == 0
    report = run_job([CATALOGS / "news.pot"], "en", ["it"], out, counting, overwrite=True)
    assert 'msgstr "[it] LATEST NEWS"' in po_path.read_text()
    assert counting.calls == 0 and report.reused_from_tm > 0


def test_machine_output_is_fuzzy_unless_no_fuzzy(tmp_path):
    run_job([CATALOGS], "en", ["it"], tmp_path / "a", clean_translate)
    text = (tmp_path / "a/it/news.po").read_text()
    assert '#, fuzzy\nmsgid "Latest news"' in text
    assert 'state="needs-review-translation"' in (tmp_path / "a/it/app.xlf").read_text()
    run_job([CATALOGS], "en", ["it"], tmp_path / "b", clean_translate, fuzzy=False)
    text = (tmp_path / "b/it/news.po").read_text()
    assert '#, fuzzy' not in text.split("msgid", 2)[2]
    assert 'state="translated"' in (tmp_path / "b/it/app.xlf").read_text()


def test_imported_human_translations_are_used_and_not_fuzzy(tmp_path):
    tm = tmp_path / "tm.sqlite"
    with TranslationMemory(tm) as memory:
        memory.store_many([TMEntry("en", "it", None, "Latest news", "Ultime notizie",
                                   origin="tmx")])
    counting = CountingTranslate()
    run_job([CATALOGS / "news.pot"], "en", ["it"], tmp_path / "out", counting, tm=tm)
    assert "Latest news" not in counting.texts
    text = (tmp_path / "out/it/news.po").read_text()
    assert '#: templates/nav.html:4\nmsgid "Latest news"\nmsgstr "Ultime notizie"' in text


def test_plural_forms_in_the_outputs(tmp_path):
    run_job([CATALOGS], "en", ["az", "it"], tmp_path / "out", clean_translate)
    from babel.messages.pofile import read_po

    for lang, n in (("az", 2), ("it", 2)):  # msginit's Italian rule by default
        with open(tmp_path / f"out/{lang}/news.po", "rb") as fh:
            catalog = read_po(fh)
        assert catalog.num_plurals == n
        msg = catalog.get(("%d comment", "%d comments"))
        assert msg.string == (f"[{lang}] %d COMMENT",) + (f"[{lang}] %d COMMENTS",) * (n - 1)
    common = json.loads((tmp_path / "out/it/web/common.json").read_text())
    assert [k for k in common["article"] if k.startswith("comments_")] == \
        ["comments_one", "comments_other"]
    cldr = tmp_path / "cldr"
    run_job([CATALOGS], "en", ["it"], cldr, clean_translate,
            write_options=WriteOptions(plural_rules="cldr"))
    with open(cldr / "it/news.po", "rb") as fh:
        assert read_po(fh).num_plurals == 3
    common = json.loads((cldr / "it/web/common.json").read_text())
    assert [k for k in common["article"] if k.startswith("comments_")] == \
        ["comments_one", "comments_many", "comments_other"]
    errors = json.loads((tmp_path / "out/it/web/errors.json").read_text())
    assert errors["articles.count"] == ("{count, plural, =0 {[it] NO ARTICLES} "
                                        "one {[it] # ARTICLE} other {[it] # ARTICLES}}")


def test_mo_files_on_request(tmp_path):
    run_job([CATALOGS], "en", ["it"], tmp_path / "out", clean_translate, fuzzy=False,
            mo=True)
    from babel.messages.mofile import read_mo

    with open(tmp_path / "out/it/news.mo", "rb") as fh:
        catalog = read_mo(fh)
    assert catalog.get("Latest news").string == "[it] LATEST NEWS"


def _translations(path: Path, source_doc, lang: str):
    """(source, translation) pairs of a written file, for every plural form."""
    fmt = format_for(path)
    doc = fmt.read(path.read_bytes(), str(path), lang)
    sources = {u.key: u for u in source_doc.units}
    for key, existing in fmt.existing(doc, lang).items():
        unit = sources[key]
        for i, text in enumerate(existing.forms):
            src = unit.source if i == 0 or unit.source_plural is None else unit.source_plural
            yield src, text


def test_no_output_ever_holds_a_broken_string(tmp_path):
    out = tmp_path / "out"
    report = run_job([CATALOGS], "en", ["az", "it"], out, mangling_translate, batch_size=5)
    assert report.failed, "the mangling double should have broken some strings"
    for issue in report.failed:
        assert issue.reasons and all(":" in r for r in issue.reasons)
    critical = (C.check_placeholders, C.check_tags, C.check_mask_tokens, C.check_edges)
    checked = 0
    for lang in ("az", "it"):
        for name in EXPECTED:
            source_path = CATALOGS / (name + "t" if name.endswith(".po") else name)
            source_doc = format_for(source_path).read(source_path.read_bytes(),
                                                     str(source_path), "en")
            for src, text in _translations(out / lang / name, source_doc, lang):
                ctx = C.CheckContext("en", lang)
                assert [p for c in critical for p in c(src, text, ctx)] == [], (src, text)
                checked += 1
    assert checked > 40
    # failures are journaled too: a second run asks the model nothing
    again = CountingTranslate(mangling_translate)
    report2 = run_job([CATALOGS], "en", ["az", "it"], out, again)
    assert again.calls == 0 and len(report2.failed) == len(report.failed)


@pytest.mark.skipif(shutil.which("msgfmt") is None, reason="msgfmt (gettext) not installed")
@pytest.mark.parametrize("fn", [clean_translate, mangling_translate])
def test_every_written_po_passes_msgfmt_check(tmp_path, fn):
    out = tmp_path / "out"
    run_job([CATALOGS], "en", ["az", "it"], out, fn)
    written = sorted(out.rglob("*.po"))
    assert len(written) == 2
    for path in written:
        for extra in ([], ["--use-fuzzy"]):
            done = subprocess.run(["msgfmt", "--check", *extra, "-o", os.devnull, str(path)],
                                  capture_output=True, text=True)
            assert done.returncode == 0, done.stderr


class _ThreadedBatches:
    """TEST DOUBLE of an executor-backed translate (``map_batches``): runs the batches on
    threads, out of order, and yields the outputs in batch order."""

    def __init__(self, fn) -> None:  # noqa: ANN001
        self.fn = fn
        self.batches: list[list[str]] = []

    def map_batches(self, batches, src, tgt):  # noqa: ANN001, ANN201
        from concurrent.futures import ThreadPoolExecutor

        self.batches.extend(list(b) for b in batches)
        with ThreadPoolExecutor(max_workers=4) as pool:
            yield from pool.map(lambda b: self.fn(list(b), src, tgt), batches)


def test_map_batches_gives_the_same_output(tmp_path):
    run_job([CATALOGS], "en", ["it"], tmp_path / "one", clean_translate, batch_size=3)
    threaded = _ThreadedBatches(clean_translate)
    report = run_job([CATALOGS], "en", ["it"], tmp_path / "many", threaded, batch_size=3)
    assert outputs(tmp_path / "one") == outputs(tmp_path / "many")
    assert report.model_calls == len(threaded.batches) > 1
    assert all(len(b) <= 3 for b in threaded.batches)


def test_a_failure_in_the_memory_is_never_reused_as_a_translation(tmp_path):
    tm = tmp_path / "tm.sqlite"
    # a string that failed QA when it was translated, although its text looks harmless
    with TranslationMemory(tm) as memory:
        memory.store("en", "it", None, "Latest news", "[it] LATEST NEWS",
                     qa="mask-token: the model repeated '%s' (__PH0__, 2 times)")
    counting = CountingTranslate()
    report = run_job([CATALOGS / "news.pot"], "en", ["it"], tmp_path / "out", counting, tm=tm)
    assert "Latest news" not in counting.texts
    failed = {i.key: i for i in report.failed}
    assert "memory" in failed["Latest news"].reasons[0]
    assert 'msgid "Latest news"\nmsgstr ""' in (tmp_path / "out/it/news.po").read_text()


def test_retry_failed_asks_the_model_again(tmp_path):
    out = tmp_path / "out"
    first = run_job([CATALOGS], "en", ["it"], out, mangling_translate)
    assert first.failed
    failed_keys = {(i.file, i.key) for i in first.failed}
    again = CountingTranslate(mangling_translate)
    second = run_job([CATALOGS], "en", ["it"], out, again)
    assert again.calls == 0 and {(i.file, i.key) for i in second.failed} == failed_keys
    # the failed strings (and only they) go to the model again; a clean answer is written
    with TranslationMemory(out / DEFAULT_TM_NAME) as tm:
        failed_sources = {e.source for e in tm.entries() if e.qa}
    retry = CountingTranslate(clean_translate)
    third = run_job([CATALOGS], "en", ["it"], out, retry, retry_failed=True)
    with TranslationMemory(out / DEFAULT_TM_NAME) as tm:
        assert not [e for e in tm.entries() if e.qa]
    assert retry.calls > 0
    assert {p.text for s in failed_sources for p in _prepare(s).pieces} >= set(retry.texts)
    assert third.failed == () and third.translated == len(first.failed)
    run_job([CATALOGS], "en", ["it"], tmp_path / "clean", clean_translate)
    assert outputs(out) == outputs(tmp_path / "clean")


def test_report_json(tmp_path):
    path = tmp_path / "report.json"
    report = run_job([CATALOGS], "en", ["it"], tmp_path / "out", mangling_translate,
                     report=path)
    data = json.loads(path.read_text())
    assert data == json.loads(report.to_json())
    assert data["translated"] == report.translated > 0
    assert data["failed"][0]["reasons"]
    assert set(data) >= {"units", "kept_existing", "reused_from_tm", "translated", "failed",
                         "warnings", "files", "files_written", "model_calls"}


def test_progress_is_quiet_when_piped(tmp_path, capsys):
    run_job([CATALOGS], "en", ["it"], tmp_path / "out", clean_translate)
    assert capsys.readouterr().err == ""
    run_job([CATALOGS], "en", ["az"], tmp_path / "out", clean_translate, progress=True)
    assert "en->az" in capsys.readouterr().err


# ----------------------------------------------------------------------------- safety


def test_output_through_a_symlink_outside_is_refused(tmp_path):
    out = tmp_path / "out"
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    out.mkdir()
    (out / "it").symlink_to(elsewhere)
    with pytest.raises(UserError, match="outside the output directory"):
        run_job([CATALOGS], "en", ["it"], out, clean_translate)
    assert list(elsewhere.iterdir()) == []


def test_output_path_refuses_dotdot():
    from pathlib import PurePath

    from translate.localise.discovery import SourceFile, catalog_output

    bad = SourceFile(CATALOGS / "news.pot", CATALOGS, PurePath("../news.pot"), po)
    with pytest.raises(UserError, match="leave the output directory"):
        catalog_output(Path("out"), "it", bad)


def test_malformed_input_with_fail_fast_writes_nothing(tmp_path):
    src = tmp_path / "src"
    shutil.copytree(CATALOGS, src)
    (src / "web" / "errors.json").write_text('{\n  "a": "b",\n  "c": oops\n}\n')
    out = tmp_path / "out"
    with pytest.raises(InputFileError) as err:
        run_job([src], "en", ["az", "it"], out, clean_translate, fail_fast=True)
    assert err.value.line == 3
    assert not out.exists()


def test_malformed_input_is_reported_at_the_end_and_the_good_files_are_done(tmp_path):
    # #12 item 6: the default no longer stops the batch at the first bad file
    src = tmp_path / "src"
    shutil.copytree(CATALOGS, src)
    (src / "web" / "errors.json").write_text('{\n  "a": "b",\n  "c": oops\n}\n')
    out = tmp_path / "out"
    with pytest.raises(InputFileError) as err:
        run_job([src], "en", ["az", "it"], out, clean_translate)
    assert err.value.line == 3 and err.value.path.endswith("errors.json")
    done = {Path(f.output).relative_to(out).as_posix() for f in err.value.result.files}
    assert "it/news.po" in done and "it/web/errors.json" not in done  # the API gets it too
    for lang in ("az", "it"):
        assert not (out / lang / "web" / "errors.json").exists()
        good = {p.relative_to(out / lang) for p in (out / lang).rglob("*") if p.is_file()}
        assert PurePath("news.po") in good and len(good) > 1


def test_cli_reports_a_malformed_file_in_one_line(tmp_path, capsys):
    bad = tmp_path / "bad.po"
    bad.write_text('msgid "a"\nmsgstr "b"\nmsgid "unterminated\n')
    out = tmp_path / "out"
    code = main(["localise", str(bad), "--from", "en", "--to", "it", "-o", str(out)])
    err = capsys.readouterr().err
    assert code == 2
    assert err.startswith(f"translate: error: {bad}:3: ") and err.count("\n") == 1
    assert not out.exists()


def test_unknown_file_types_and_missing_paths(tmp_path):
    (tmp_path / "notes.txt").write_text("x")
    with pytest.raises(InputFileError, match="unsupported file type"):
        run_job([tmp_path / "notes.txt"], "en", ["it"], tmp_path / "o", clean_translate)
    with pytest.raises(InputFileError, match="no such file"):
        run_job([tmp_path / "nope.po"], "en", ["it"], tmp_path / "o", clean_translate)
    with pytest.raises(UserError, match="source language"):
        run_job([CATALOGS], "en", ["en"], tmp_path / "o", clean_translate)


def test_cli_tm_import_and_export(tmp_path, capsys):
    db = tmp_path / "tm.sqlite"
    with TranslationMemory(db) as tm:
        tm.store("en", "it", None, "Latest news", "Ultime notizie")
        tm.store("en", "az", None, "Latest news", "Son xəbərlər")
    assert main(["tm", "export", "--tm", str(db), "-o", str(tmp_path / "it.tmx"),
                 "--from", "en", "--to", "it"]) == 0
    assert "1 translation unit(s) exported" in capsys.readouterr().err
    assert main(["tm", "import", str(tmp_path / "it.tmx"), "--tm",
                 str(tmp_path / "new.sqlite")]) == 0
    assert "1 translation pair(s) imported" in capsys.readouterr().err
    with TranslationMemory(tmp_path / "new.sqlite") as tm:
        assert tm.lookup("en", "it", None, "Latest news").target == "Ultime notizie"
        assert tm.lookup("en", "az", None, "Latest news") is None


# ----------------------------------------------------------------------------- resume


_SLOW_JOB = textwrap.dedent("""
    import sys
    sys.path[:0] = [{root!r}, {here!r}]
    from localise_doubles import CountingTranslate, clean_translate
    from translate.localise.jobs import run_job
    slow = CountingTranslate(clean_translate, delay=0.05)
    run_job([{catalogs!r}], "en", ["az", "it"], {out!r}, slow, batch_size=2)
""")


def test_killed_job_resumes_without_redoing_work(tmp_path):
    reference = CountingTranslate()
    run_job([CATALOGS], "en", ["az", "it"], tmp_path / "ref", reference, batch_size=2)
    expected = outputs(tmp_path / "ref")
    total = tm_count(tmp_path / "ref" / DEFAULT_TM_NAME)

    out = tmp_path / "out"
    script = _SLOW_JOB.format(root=str(ROOT), here=str(HERE), catalogs=str(CATALOGS),
                              out=str(out))
    env = {**os.environ, "SOURCE_DATE_EPOCH": "1708941600"}
    proc = subprocess.Popen([sys.executable, "-c", script], env=env,
                            stderr=subprocess.PIPE, text=True)
    tm_path = out / DEFAULT_TM_NAME
    deadline = time.monotonic() + 60
    try:
        # past the first language (its files are written), in the middle of the second
        while tm_count(tm_path) < total * 0.6:
            assert proc.poll() is None, proc.stderr.read()
            assert time.monotonic() < deadline, "the slow job made no progress"
            time.sleep(0.02)
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait()
    assert proc.returncode == -signal.SIGKILL
    done_before = tm_count(tm_path)
    assert 0 < done_before < total
    with TranslationMemory(tm_path) as tm:
        finished = {(e.tgt, e.source) for e in tm.entries()}
    with TranslationMemory(tmp_path / "ref" / DEFAULT_TM_NAME) as tm:
        everything = {(e.tgt, e.source) for e in tm.entries()}
    # whatever the killed run left is whole: every output file parses
    for path in out.rglob("*"):
        fmt = format_for(path)
        if path.is_file() and fmt is not None and not path.name.startswith("."):
            fmt.read(path.read_bytes(), str(path), path.relative_to(out).parts[0])

    rerun = CountingTranslate()
    run_job([CATALOGS], "en", ["az", "it"], out, rerun, batch_size=2)
    # only pieces of strings the killed run had not finished went to the model again
    unfinished = {(lang, p.text) for lang, source in everything - finished
                  for p in _prepare(source).pieces}
    assert rerun.pairs and set(rerun.pairs) <= unfinished
    assert len(rerun.pairs) < len(reference.pairs)
    with TranslationMemory(tm_path) as tm:
        assert len(tm) == total
    assert outputs(out) == expected
    assert not [p for p in out.rglob("*.part")]


def test_json_and_xliff_outputs_are_what_the_formats_read_back(tmp_path):
    run_job([CATALOGS], "en", ["it"], tmp_path / "out", clean_translate)
    doc = jsonfmt.read((tmp_path / "out/it/web/errors.json").read_bytes(), "e.json", "it")
    assert f"[it] {EVENT.upper()}" in {u.source for u in doc.units}
    x = xliff.read((tmp_path / "out/it/app.xlf").read_bytes(), "app.xlf", "it")
    save = {u.key: u for u in x.units}["app.html::save"]
    assert save.translations == ('[it] PRESS <g id="1">SAVE</g> TO KEEP YOUR CHANGES.',)
    assert x.target_lang == "it"
    assert po.read((tmp_path / "out/it/news.po").read_bytes(), "n.po").target_lang == "it"


def test_translations_already_in_a_source_for_the_target_are_kept(tmp_path):
    src = tmp_path / "src"
    src.mkdir()
    text = (CATALOGS / "app.xlf").read_text().replace(
        'source-language="en"', 'source-language="en" target-language="it"').replace(
        "<source>Latest news</source>",
        '<source>Latest news</source>\n        <target state="final">Ultime notizie</target>')
    (src / "app.xlf").write_text(text)
    counting = CountingTranslate()
    report = run_job([src], "en", ["it"], tmp_path / "out", counting)
    assert "Latest news" not in counting.texts and report.kept_existing == 1
    out = (tmp_path / "out/it/app.xlf").read_text()
    assert '<target state="final">Ultime notizie</target>' in out


class _TranslatorDouble:
    """Stands in for translate.translator.Translator in a CLI wiring test (TEST DOUBLE)."""

    glossary = None

    def translate(self, texts, src, tgt):
        return clean_translate(texts, src, tgt)


def test_cli_localise_wiring(tmp_path, capsys, monkeypatch):
    import translate.commands.localise as command

    monkeypatch.setattr(command, "make_translator", lambda config: _TranslatorDouble())
    out = tmp_path / "out"
    code = main(["localise", str(CATALOGS / "news.pot"), str(CATALOGS / "web"),
                 "--from", "en", "--to", "az,it", "-o", str(out), "--no-fuzzy", "--mo"])
    captured = capsys.readouterr()
    assert code == 0, captured.err
    report = json.loads(captured.out)
    assert report["targets"] == ["az", "it"] and report["failed"] == []
    assert "file(s) written" in captured.err
    assert sorted(outputs(out)) == sorted(f"{lang}/{name}" for lang in ("az", "it") for name in
                                          ("news.po", "news.mo", "common.json", "errors.json"))
    code = main(["localise", str(CATALOGS / "news.pot"), "--from", "en", "--to", "it",
                 "-o", str(out), "--report", str(tmp_path / "r.json")])
    captured = capsys.readouterr()
    assert code == 0 and captured.out == ""
    assert json.loads((tmp_path / "r.json").read_text())["model_calls"] == 0


def test_a_symlink_made_in_out_while_the_model_runs_is_not_followed(tmp_path):
    # #12 item 3: the confinement rule is applied again as each file is written
    out, elsewhere = tmp_path / "out", tmp_path / "elsewhere"
    elsewhere.mkdir()

    def translate_and_plant_a_link(texts, src, tgt):
        if not (out / "it").exists():
            out.mkdir(exist_ok=True)
            (out / "it").symlink_to(elsewhere)
        return clean_translate(texts, src, tgt)

    with pytest.raises(UserError, match="is a symlink"):
        run_job([CATALOGS / "news.pot"], "en", ["it"], out, translate_and_plant_a_link)
    assert list(elsewhere.iterdir()) == []
