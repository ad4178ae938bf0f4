"""One set of limits for every format (#24): a file past one is ``FILE[:LINE]: problem
(limit N; raise it with --limit name=N)``, exit 2, with the other file of the batch still
written; raised, the same file is translated. Through the CLI in a child process bounded in
time and address space (the files are built here), translating to the pseudo-locale
``en-XA`` (no model: what is measured is the reading); and through the Python API, where
the limits are part of the translator's configuration."""

from __future__ import annotations

import json

import pytest

from support import MODELS, run_bounded

GOOD = "All news on our Facebook page."
LIMIT = "; raise it with --limit {}=N)"

DOCUMENTS = {
    ".html": f"<html><body><p>{GOOD}</p></body></html>\n",
    ".md": f"# News\n\n{GOOD}\n",
    ".srt": f"1\n00:00:01,000 --> 00:00:02,000\n{GOOD}\n",
}


def srt(cues: int, lines: int = 1, text: str = GOOD) -> str:
    return "".join(f"{i}\n00:00:{i % 60:02d},000 --> 00:00:{i % 60:02d},500\n"
                   + "\n".join([text] * lines) + "\n\n" for i in range(1, cues + 1))


def run(command: str, tmp_path, *files, extra=()):
    out = tmp_path / "out"
    done = run_bounded(command, *map(str, files), "--from", "en", "--to", "en-XA", "-o",
                       str(out), "--models-dir", str(MODELS), *extra, seconds=120,
                       address_space_gb=4)
    assert "internal error" not in done.stderr and "Traceback" not in done.stderr
    return done, out


def article(tmp_path, name: str, content: str, *extra: str):
    """``translate article`` on the file ``name`` and a good file of its format."""
    bad = tmp_path / name
    bad.write_text(content, encoding="utf-8")
    ext = bad.suffix
    good = tmp_path / f"good{ext}"
    good.write_text(DOCUMENTS[ext], encoding="utf-8")
    done, out = run("article", tmp_path, bad, good, extra=extra)
    assert (out / f"good.en-XA{ext}").is_file(), done.stderr  # the good file is always done
    return done, out, bad


def refused(done, where: str, *fragments: str) -> None:
    """Exit 2 and one error line, the last (localise prints its summary first)."""
    assert done.returncode == 2, done.stderr
    last = done.stderr.strip().splitlines()[-1]
    assert done.stderr.count("error:") == 1, done.stderr
    assert last.startswith(f"translate: error: {where}: "), done.stderr
    assert last.endswith("; the other 1 input(s) were done"), done.stderr
    for fragment in fragments:
        assert fragment in last, last


# ----------------------------------------------------------------------------- documents

DOCUMENT_CASES = {
    # 1 MB of text in one <p> (9 MB took 109 s and 3.3 GB before): refused as it is read
    "html-text": ("bad.html", lambda: f"<html><body><p>{'word ' * 200_000}</p></body></html>",
                  ":1", ("a block of text of 1000000 characters", "(limit 100000",
                         LIMIT.format("text_chars"))),
    # Markdown `*a ` x 300k (71 s to killed before)
    "markdown-text": ("bad.md", lambda: "*a " * 300_000 + "\n", ":1",
                      ("a block of text of 899999 characters", LIMIT.format("text_chars"))),
    "markdown-depth": ("bad.md", lambda: f"{GOOD}\n\n" + "*a _" * 60 + "x" + "_ a*" * 60 + "\n",
                       ":3", ("inline elements nested more than 100 deep",
                              LIMIT.format("nesting_depth"))),
    # 160k cues were killed before (16k: 18.6 s)
    "srt-cues": ("bad.srt", lambda: srt(100_001), ":400001",
                 ("has more than 100000 cues", "(limit 100000", LIMIT.format("cues"))),
    # one cue of 10k lines: 62 s before
    "srt-lines": ("bad.srt", lambda: srt(1, lines=10_000, text="Hi."), ":1",
                  ("a cue of more than 100 lines", LIMIT.format("cue_lines"))),
    # 50k <i> in one cue: 79 s and 1.1 GB before
    "srt-styling": ("bad.srt", lambda: "1\n00:00:01,000 --> 00:00:02,000\n"
                    + "<i>a</i> " * 50_000 + "\n", ":1",
                    ("a cue of 450000 characters", LIMIT.format("text_chars"))),
}


@pytest.mark.parametrize("case", list(DOCUMENT_CASES))
def test_a_document_past_a_limit_is_refused_while_read_and_the_batch_done(tmp_path, case):
    name, build, line, fragments = DOCUMENT_CASES[case]
    done, out, bad = article(tmp_path, name, build())
    refused(done, f"{bad}{line}", *fragments)
    assert not list(out.glob("bad.*"))


@pytest.mark.parametrize(("name", "content", "limit", "enough"), [
    ("three.srt", srt(3), "cues", 3),
    ("long.srt", srt(1, lines=4), "cue_lines", 4),  # its text lines
    ("styled.srt", srt(1, text="<i>All</i> <b>news</b> on our <u>Facebook</u> page."),
     "cue_tags", 3),
    ("deep.html", f"<p><b><i><u>{GOOD}</u></i></b></p>", "nesting_depth", 3),
    ("para.md", f"{GOOD} {GOOD}\n", "text_chars", 61),
], ids=["cues", "cue_lines", "cue_tags", "nesting_depth", "text_chars"])
def test_a_limit_lowered_refuses_and_raised_translates(tmp_path, name, content, limit,
                                                        enough):
    done, out, bad = article(tmp_path, name, content, "--limit", f"{limit}={enough - 1}")
    assert done.returncode == 2 and LIMIT.format(limit) in done.stderr, done.stderr
    assert str(bad) in done.stderr
    done, out, bad = article(tmp_path, name, content, "--limit", f"{limit}={enough}")
    assert done.returncode == 0, done.stderr
    written = (out / f"{bad.stem}.en-XA{bad.suffix}").read_text(encoding="utf-8")
    assert GOOD not in written and "[" in written


def test_input_mb_is_the_limit_max_size_sets(tmp_path):
    story = tmp_path / "story.html"
    story.write_text("<p>" + "Some news. " * 120_000 + "</p>", encoding="utf-8")  # 1.3 MB
    done, _ = run("article", tmp_path, story, extra=("--limit", "input_mb=1"))
    assert done.returncode == 2 and "1.3 MB is over the 1 MB limit" in done.stderr, done.stderr


@pytest.mark.parametrize("setting", ["nesting_depth=501", "cues=0", "texts=3"])
def test_a_bad_limit_is_one_line_for_both_commands(tmp_path, setting):
    (tmp_path / "a.po").write_text('msgid "x"\nmsgstr ""\n', encoding="utf-8")
    for command, name in (("article", "a.po"), ("localise", "a.po")):
        done, _ = run(command, tmp_path, tmp_path / name, extra=("--limit", setting))
        assert done.returncode == 2, done.stderr
        assert len(done.stderr.strip().splitlines()) == 1, done.stderr
        assert f"--limit {setting}: " in done.stderr, done.stderr


# ----------------------------------------------------------------------------- catalogs

HEADER = 'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n'


def po(path, *texts: str):
    path.write_text(HEADER + "".join(f'\nmsgid "{t}"\nmsgstr ""\n' for t in texts),
                    encoding="utf-8")
    return path


def localise(tmp_path, bad, *extra: str):
    good = po(tmp_path / "good.po", GOOD)
    done, out = run("localise", tmp_path, bad, good, extra=extra)
    assert (out / "en-XA" / "good.po").is_file(), done.stderr
    return done, out


def android(path, *texts: str):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text('<?xml version="1.0" encoding="utf-8"?>\n<resources>\n' + "".join(
        f'    <string name="s{i}">{t}</string>\n' for i, t in enumerate(texts))
        + "</resources>\n", encoding="utf-8")
    return path


def xliff(path, *texts: str):
    units = "".join(f'<trans-unit id="u{i}"><source>{t}</source></trans-unit>'
                    for i, t in enumerate(texts))
    path.write_text('<?xml version="1.0" encoding="UTF-8"?>\n<xliff version="1.2" '
                    'xmlns="urn:oasis:names:tc:xliff:document:1.2"><file original="a" '
                    'source-language="en" datatype="plaintext"><body>'
                    f"{units}</body></file></xliff>\n", encoding="utf-8")
    return path


CATALOGS = {
    "po": lambda d, *t: po(d / "bad.po", *t),
    "json": lambda d, *t: (d / "bad.json").write_text(json.dumps(
        {f"k{i}": x for i, x in enumerate(t)}), encoding="utf-8") and d / "bad.json",
    "xliff": lambda d, *t: xliff(d / "bad.xlf", *t),
    "android": lambda d, *t: android(d / "res" / "values" / "strings.xml", *t),
}


@pytest.mark.parametrize("fmt", list(CATALOGS))
def test_a_catalog_with_more_units_than_the_limit(tmp_path, fmt):
    bad = CATALOGS[fmt](tmp_path, "One", "Two", "Three")
    done, out = localise(tmp_path, bad, "--limit", "catalog_units=2")
    refused(done, str(bad), "has more than 2 units", LIMIT.format("catalog_units"))


@pytest.mark.parametrize("fmt", list(CATALOGS))
def test_a_catalog_string_longer_than_the_limit(tmp_path, fmt):
    bad = CATALOGS[fmt](tmp_path, "word " * 20_000 + "end")
    done, out = localise(tmp_path, bad)
    refused(done, str(bad), "has a string of 100003 characters", "(limit 100000",
            LIMIT.format("string_chars"))


def test_a_catalog_is_refused_past_input_mb_before_it_is_read(tmp_path):
    """Catalogs had no size limit at all: 11 MB of PO is refused at its 10th MB."""
    bad = tmp_path / "bad.po"
    with bad.open("w", encoding="utf-8") as f:
        f.write(HEADER)
        for i in range(200_000):
            f.write(f'\n#. a comment long enough to fill the file quickly {i:08d}\n'
                    f'msgid "Message number {i}"\nmsgstr ""\n')
    assert bad.stat().st_size > 11 * 1024 * 1024
    done, out = localise(tmp_path, bad)
    refused(done, str(bad), "is larger than 10 MB", "(limit 10 MB", LIMIT.format("input_mb"))


# ----------------------------------------------------------------------------- the API


def test_the_limits_of_the_translator_config_hold_for_documents_and_catalogs(tmp_path):
    """One configuration: ``Translator(limits=...)`` is what translate_files,
    translate_document and run_job read with."""
    from translate import Translator
    from translate.article import translate_files
    from translate.documents import translate_document
    from translate.errors import UserError
    from translate.limits import Limits
    from translate.localise import run_job
    from translate.paths import BatchError

    translator = Translator(models_dir=MODELS, limits=Limits(cues=2, catalog_units=1))
    assert translator.config.limits.cues == 2
    (tmp_path / "three.srt").write_text(srt(3), encoding="utf-8")
    (tmp_path / "two.srt").write_text(srt(2), encoding="utf-8")
    with pytest.raises(BatchError) as err:
        translate_files([tmp_path / "three.srt", tmp_path / "two.srt"], "en", ["en-XA"],
                        tmp_path / "out", translator)
    assert "three.srt:9: has more than 2 cues (limit 2; raise it with limits=cues=N)" \
        in str(err.value)
    assert (tmp_path / "out" / "two.en-XA.srt").is_file()
    with pytest.raises(UserError, match="has more than 2 cues"):
        translate_document(srt(3).encode(), "srt", "en", "en-XA", translator)
    assert translate_document(srt(3).encode(), "srt", "en", "en-XA", translator,
                              limits=Limits(cues=3)).data.count(b"-->") == 3
    two = po(tmp_path / "two.po", "One", "Two")
    with pytest.raises(BatchError, match="has more than 1 units"):
        run_job([two, po(tmp_path / "one.po", GOOD)], "en", ["en-XA"], tmp_path / "cat",
                translator, progress=False)
    assert (tmp_path / "cat" / "en-XA" / "one.po").is_file()


def test_any_exception_a_file_causes_is_its_one_line_problem(tmp_path):
    """Not only the errors a reader names: whatever a file makes fail (a bug it finds,
    memory it exhausts) is that file's problem, and the batch goes on."""
    from translate import Translator
    from translate.article import translate_files
    from translate.paths import BatchError

    class Fragile:
        """The real pseudo-locale translator, with a bug a word can set off."""

        def __init__(self) -> None:
            self.real = Translator(models_dir=MODELS)

        def __getattr__(self, name):
            return getattr(self.real, name)

        def translate_batch(self, texts, *args, **kwargs):
            if any("Divide" in t for t in texts):
                raise ZeroDivisionError("division by zero")
            return self.real.translate_batch(texts, *args, **kwargs)

    (tmp_path / "bad.html").write_text("<p>Divide the news.</p>", encoding="utf-8")
    (tmp_path / "good.html").write_text(f"<p>{GOOD}</p>", encoding="utf-8")
    with pytest.raises(BatchError) as err:
        translate_files([tmp_path / "bad.html", tmp_path / "good.html"], "en", ["en-XA"],
                        tmp_path / "out", Fragile())
    assert str(err.value) == (f"{tmp_path / 'bad.html'}: could not be translated: "
                              "ZeroDivisionError: division by zero (a bug in translate: "
                              "please report it with this file); the other 1 input(s) "
                              "were done")
    assert (tmp_path / "out" / "good.en-XA.html").is_file()


def test_a_docx_paragraph_past_text_chars_is_refused(tmp_path):
    """The same block limit for DOCX/ODT paragraphs (1 MB in one paragraph)."""
    import io
    import zipfile

    def docx(text: str) -> bytes:
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
            z.writestr("[Content_Types].xml", "<Types/>")
            z.writestr("word/document.xml", (
                '<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="http://schemas.'
                'openxmlformats.org/wordprocessingml/2006/main"><w:body><w:p><w:r><w:t>'
                f"{text}</w:t></w:r></w:p></w:body></w:document>"))
        return buf.getvalue()

    (tmp_path / "bad.docx").write_bytes(docx("word " * 200_000))
    (tmp_path / "good.docx").write_bytes(docx(GOOD))
    done, out = run("article", tmp_path, tmp_path / "bad.docx", tmp_path / "good.docx")
    refused(done, str(tmp_path / "bad.docx"),
            "word/document.xml: paragraph 1 holds 1000000 characters", "(limit 100000",
            LIMIT.format("text_chars"))
    assert (out / "good.en-XA.docx").is_file() and not (out / "bad.en-XA.docx").exists()
