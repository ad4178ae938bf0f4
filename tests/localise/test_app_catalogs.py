"""App catalog formats (issue 28): Android strings.xml so far. Through the CLI with the
fixture models, and on the real files of fixtures/catalogs-real/app through the job with
the job-logic double (quick); every Android output is compiled by ``aapt`` where it is
installed (Debian's package; .ci/run installs it) and its compiled strings compared with
what the job meant to write."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path, PurePath

import pytest
from localise_doubles import CountingTranslate, clean_translate

from support import FIXTURES
from translate.cli import main
from translate.localise.formats import (
    android,
    applestrings,
    arb,
    format_for,
    locales,
    properties,
    stringsdict,
    xcstrings,
    yamlfmt,
)
from translate.localise.formats.xliff import escape_text as xml_text
from translate.localise.jobs import DEFAULT_TM_NAME, run_job
from translate.localise.placeholders import declared_formats, find_spans
from translate.localise.units import WriteOptions

MODELS = FIXTURES / "models"
APP = FIXTURES / "catalogs-real" / "app"
ANDROID_REAL = sorted((APP / "android").glob("*/res/values/strings.xml"))
AAPT = shutil.which("aapt")
needs_aapt = pytest.mark.skipif(AAPT is None, reason="aapt is not installed (apt-get install aapt)")

ANDROID = """<?xml version="1.0" encoding="utf-8"?>
<resources xmlns:xliff="urn:oasis:names:tc:xliff:document:1.2">
    <!-- The app's name is a brand -->
    <string name="app_name" translatable="false">Newsdesk</string>
    <string name="greeting">Don\\'t miss the news, <xliff:g id="name" example="Ann">%1$s\
</xliff:g>!</string>
    <string name="saved">Article saved.</string>
    <string name="link">@string/saved</string>
    <string name="terms"><![CDATA[Read the <a href=\\"%1$s\\">terms</a> first.]]></string>
    <plurals name="articles">
        <item quantity="one">%d new article</item>
        <item quantity="other">%d new articles</item>
    </plurals>
    <string-array name="sections">
        <item>World news</item>
        <item>Sport</item>
    </string-array>
    <color name="accent">#ff0000</color>
</resources>
"""


def _files(root: Path) -> list[str]:
    return sorted(str(p.relative_to(root)) for p in root.rglob("*")
                  if p.is_file() and p.name != DEFAULT_TM_NAME)


# ------------------------------------------------------------------------ locale naming


def test_platform_locale_names():
    assert [android.folder(x) for x in ("it", "az", "en-XA", "pt-BR", "zh-Hant-TW")] == \
        ["values-it", "values-az", "values-en-rXA", "values-pt-rBR", "values-b+zh+Hant+TW"]
    assert [locales.apple(x) + ".lproj" for x in ("it", "az", "en-XA", "en_xa")] == \
        ["it.lproj", "az.lproj", "en-XA.lproj", "en-XA.lproj"]
    assert [f"app_{locales.underscored(x)}.arb" for x in ("it", "az", "en-XA")] == \
        ["app_it.arb", "app_az.arb", "app_en_XA.arb"]
    assert f"messages_{locales.underscored('en-XA')}.properties" == "messages_en_XA.properties"
    with pytest.raises(ValueError):
        locales.android("../it")


# ------------------------------------------------------------------------ Android


@pytest.mark.parametrize("text", [
    "Don't", 'say "hi"', "back\\slash", "@home", "?why", "a@b?c", " lead", "trail ",
    "two  spaces", "line\nbreak\ttab", "  ", "x <b>bold</b>  y", "é \u00a0nbsp", "100%",
    "&amp; &lt;b&gt;"])
def test_android_escapes_round_trip(text):
    assert android.decode(android.encode(text)) == text


def _aapt_strings(res: Path) -> dict[str, dict[str, str]]:
    """``{config: {resource name: compiled string}}`` of a res folder, by aapt (plural
    items as ``name/quantity``)."""
    (res.parent / "AndroidManifest.xml").write_text(
        '<manifest xmlns:android="http://schemas.android.com/apk/res/android" '
        'package="org.example.check"/>')
    apk = res.parent / "check.apk"
    done = subprocess.run([AAPT, "package", "-f", "-M", str(res.parent / "AndroidManifest.xml"),
                           "-S", str(res), "-F", str(apk)], capture_output=True, text=True,
                          check=False)
    assert done.returncode == 0, done.stderr
    dump = subprocess.run([AAPT, "dump", "--values", "resources", str(apk)],
                          capture_output=True, text=True, check=True).stdout
    out: dict[str, dict[str, str]] = {}
    config = name = None
    for line in dump.splitlines():
        if m := re.match(r"\s+config (\S+):", line):
            config = m.group(1)
        elif m := re.match(r"\s+resource 0x\w+ [\w.]+:(\w+)/(\w+):", line):
            name = f"{m.group(1)}/{m.group(2)}"
        elif m := re.match(r'\s+\(string\d+\) "(.*)"$', line):
            out.setdefault(config, {})[name] = _unquote(m.group(1))
        elif m := re.match(r'\s+#\d+ \(Key=0x\w+\): \(string\d+\) "(.*)"$', line):
            out.setdefault(config, {}).setdefault(name, "")  # array items: not compared
    return out


def _unquote(s: str) -> str:
    return re.sub(r'\\(["\\n])', lambda m: {"n": "\n"}.get(m.group(1), m.group(1)), s)


def _shown(text: str) -> str:
    """What aapt compiles from a unit text: tags gone, XML entities resolved."""
    plain = re.sub(r"<[^>]*>", "", text)
    return plain.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


@needs_aapt
def test_aapt_compiles_our_escapes_to_the_text(tmp_path):
    """The escaping rules are aapt's: whatever the model writes, aapt compiles what the
    job meant (apostrophes, quotes, a leading @ or ?, spaces it would collapse)."""
    texts = ["Don't", 'say "hi"', "back\\slash", "@home", "?why", " lead", "trail ",
             "two  spaces", "line\nbreak\ttab", "x <b>bold</b> y", "a & b < c"]
    res = tmp_path / "res" / "values"
    res.mkdir(parents=True)
    body = "".join(f'<string name="s{i}">{android.escape_text(t)}</string>\n'
                   for i, t in enumerate(texts))
    (res / "strings.xml").write_text(f"<resources>\n{body}</resources>\n")
    compiled = _aapt_strings(tmp_path / "res")["(default)"]
    assert [compiled[f"string/s{i}"] for i in range(len(texts))] == \
        [_shown(xml_text(t)) for t in texts]


def test_android_job_layout_plurals_and_what_is_not_written(tmp_path):
    res = tmp_path / "app" / "src" / "main" / "res"
    (res / "values").mkdir(parents=True)
    (res / "values" / "strings.xml").write_text(ANDROID)
    # the rest of a res/ tree is no catalog
    (res / "values" / "colors.xml").write_text('<resources><color name="a">#fff</color>'
                                                '</resources>')
    (res / "layout").mkdir()
    (res / "layout" / "main.xml").write_text('<LinearLayout xmlns:android="http://'
                                             'schemas.android.com/apk/res/android"/>')
    (res.parent / "AndroidManifest.xml").write_text('<manifest package="org.example"/>')
    # another language's resources are not sources
    (res / "values-de").mkdir()
    (res / "values-de" / "strings.xml").write_text(
        '<resources><string name="saved">Gespeichert.</string></resources>')
    out = tmp_path / "out"
    report = run_job([res.parent], "en", ["az", "it"], out, clean_translate,
                     write_options=WriteOptions(plural_rules="cldr"))
    assert report.failed == ()
    assert _files(out) == ["res/values-az/strings.xml", "res/values-it/strings.xml"]
    out = out / "res"
    it = (out / "values-it" / "strings.xml").read_text(encoding="utf-8")
    assert "app_name" not in it and "accent" not in it and 'name="link"' not in it
    assert ('<string name="greeting">[it] DON\\\'T MISS THE NEWS, '
            '<xliff:g id="name" example="Ann">%1$s</xliff:g>!</string>') in it
    assert '<string name="terms"><![CDATA[[it] READ THE <a href=\\"%1$s\\">TERMS</a> FIRST.]]>' \
        in it
    doc = android.read((out / "values-it" / "strings.xml").read_bytes(), "it.xml", "it")
    quantities = re.findall(r'quantity="(\w+)"', it)
    assert quantities == ["one", "many", "other"]  # Italian under CLDR rules
    az = (out / "values-az" / "strings.xml").read_text(encoding="utf-8")
    assert re.findall(r'quantity="(\w+)"', az) == ["one", "other"]
    assert "<!-- The app's name is a brand -->" in it
    assert {u.key for u in doc.units} == {
        "string/greeting", "string/saved", "string/terms", "plurals/articles",
        "string-array/sections/0", "string-array/sections/1"}
    again = CountingTranslate()
    rerun = run_job([res.parent], "en", ["az", "it"], out.parent, again,
                    write_options=WriteOptions(plural_rules="cldr"))
    assert again.pairs == [] and rerun.files_written == ()


def test_android_existing_translations_are_kept_unless_overwrite(tmp_path):
    src = tmp_path / "values" / "strings.xml"
    src.parent.mkdir()
    src.write_text(ANDROID)
    out = tmp_path / "out"
    (out / "values-it").mkdir(parents=True)
    (out / "values-it" / "strings.xml").write_text(
        '<resources>\n    <string name="saved">Articolo salvato</string>\n'
        '    <string name="gone">Non più nel sorgente</string>\n</resources>\n')
    run_job([src], "en", ["it"], out, clean_translate)
    it = (out / "values-it" / "strings.xml").read_text(encoding="utf-8")
    assert '<string name="saved">Articolo salvato</string>' in it
    assert "gone" not in it and "[it] DON" in it
    run_job([src], "en", ["it"], out, clean_translate, overwrite=True)
    it = (out / "values-it" / "strings.xml").read_text(encoding="utf-8")
    assert '<string name="saved">[it] ARTICLE SAVED.</string>' in it


def test_an_android_string_that_fails_qa_is_left_out_and_reported(tmp_path):
    src = tmp_path / "values" / "strings.xml"
    src.parent.mkdir()
    src.write_text(ANDROID)

    def drops_placeholders(texts, s, t):
        return [re.sub(r"__PH\d+__", "", x) for x in clean_translate(texts, s, t)]

    report = run_job([src], "en", ["it"], tmp_path / "out", drops_placeholders)
    failed = {f.key for f in report.failed}
    assert {"string/greeting", "plurals/articles", "string/terms"} <= failed
    it = (tmp_path / "out" / "values-it" / "strings.xml").read_text(encoding="utf-8")
    assert "greeting" not in it and "articles" not in it and "[it] ARTICLE SAVED." in it


def test_bad_android_input_is_file_line_and_the_other_files_are_done(tmp_path, capsys):
    good = tmp_path / "good" / "values" / "strings.xml"
    bad = tmp_path / "bad" / "values" / "strings.xml"
    for p in (good, bad):
        p.parent.mkdir(parents=True)
    good.write_text(ANDROID)
    bad.write_text('<resources>\n  <string name="a">ok</string>\n'
                   '  <string name="b">Don\'t</string>\n</resources>\n')
    out = tmp_path / "out"
    code = main(["localise", str(good), str(bad), "--from", "en", "--to", "it", "-o",
                 str(out), "--models-dir", str(MODELS), "--no-glossary"])
    err = capsys.readouterr().err
    assert code == 2
    assert f"{bad}:3: unescaped apostrophe" in err
    assert (out / "values-it" / "strings.xml").is_file()


def test_android_through_the_cli_with_the_fixture_models(tmp_path, capsys):
    res = tmp_path / "res"
    (res / "values").mkdir(parents=True)
    (res / "values" / "strings.xml").write_text(ANDROID)
    out = tmp_path / "out"
    args = ["localise", str(res), "--from", "en", "--to", "it,az", "-o", str(out),
            "--models-dir", str(MODELS), "--no-glossary", "--beam-size", "1"]
    assert main(args) == 0, capsys.readouterr().err
    for lang in ("it", "az"):
        path = out / f"values-{lang}" / "strings.xml"
        doc = android.read(path.read_bytes(), str(path), lang)
        source = {u.key: u for u in android.read(ANDROID.encode(), "s.xml").units}
        for u in doc.units:  # whatever was written keeps its placeholders
            spans = sorted(s.text for s in find_spans(source[u.key].source,
                                                      formats=declared_formats(u.flags)))
            assert sorted(s.text for s in find_spans(
                u.source, formats=declared_formats(u.flags))) == spans
    capsys.readouterr()
    assert main(args) == 0
    assert "0 file(s) written" in capsys.readouterr().err


@pytest.mark.parametrize("path", ANDROID_REAL, ids=lambda p: p.parents[2].name)
def test_real_android_files(path, tmp_path):
    """A real app's strings.xml to it and az: the keys of the output are the source's
    translatable ones, placeholders and xliff:g spans kept, plurals by the target's
    categories, aapt compiles it to exactly the texts the job wrote, a rerun is free."""
    assert format_for(path) is android
    res = tmp_path / "res"
    shutil.copytree(path.parent, res / "values")
    src_doc = android.read(path.read_bytes(), str(path), "en")
    report = run_job([res], "en", ["az", "it"], res, clean_translate)
    # the double uppercases text glued to a placeholder ("%1$sconfiguration"): QA fails
    # those few, and they are left out (Android falls back to the source)
    assert len(report.failed) <= len(src_doc.units) // 50
    for lang in ("az", "it"):
        out = res / android.folder(lang) / "strings.xml"
        doc = android.read(out.read_bytes(), str(out), lang)
        failed = {f.key for f in report.failed if f.lang == lang}
        kept = [u for u in src_doc.units if u.key not in failed]
        assert [u.key for u in doc.units] == [u.key for u in kept]
        for u, s in zip(doc.units, kept, strict=True):
            spans = sorted(x.text for x in find_spans(s.source,
                                                      formats=declared_formats(s.flags)))
            assert sorted(x.text for x in find_spans(u.source, formats=declared_formats(
                u.flags))) == spans
    if AAPT is not None:
        compiled = _aapt_strings(res)
        for lang in ("az", "it"):
            out = res / android.folder(lang) / "strings.xml"
            doc = android.read(out.read_bytes(), str(out), lang)
            got = compiled[lang]
            for u in doc.units:
                if not u.is_plural and "cdata" not in u.flags:
                    assert got[u.key] == _shown(u.source), u.key
    rerun = CountingTranslate()
    assert run_job([res], "en", ["az", "it"], res, rerun).files_written == ()
    assert rerun.pairs == []


# ------------------------------------------------------------------------ Java properties

PROPERTIES_REAL = sorted((APP / "properties").rglob("*.properties"))
JAVA = shutil.which("java")
needs_java = pytest.mark.skipif(JAVA is None, reason="java is not installed")
CHECKER = Path(__file__).resolve().parent / "tools" / "PropertiesCheck.java"

PROPERTIES = """# Newsdesk messages
! a bang comment
app.title = Newsdesk
greeting = Hello {0}, you have {1,number} new articles
saved: The article was saved.
quoted = Don''t close this window.
multi = First line.\\n\\
        Second line.
key\\ with\\ spaces = Value with caf\\u00e9
empty =
"""


def _java_bundles(*files: Path) -> dict[str, dict[str, tuple[str, str]]]:
    """``{file: {key: (value, MessageFormat rendering)}}`` as Java reads the files."""
    done = subprocess.run([JAVA, str(CHECKER), *map(str, files)], capture_output=True,
                          text=True, check=False)
    assert done.returncode == 0, done.stderr
    out: dict[str, dict[str, tuple[str, str]]] = {}
    unesc = {"\\\\": "\\", "\\t": "\t", "\\n": "\n", "\\r": "\r"}
    for line in done.stdout.splitlines():
        f, k, v, r = (re.sub(r"\\[\\tnr]", lambda m: unesc[m.group()], x)
                      for x in line.split("\t"))
        out.setdefault(f, {})[k] = (v, r)
    return out


def test_properties_job_layout_escapes_and_message_format(tmp_path):
    tree = tmp_path / "src"
    tree.mkdir()
    (tree / "messages.properties").write_text(PROPERTIES, encoding="latin-1")
    (tree / "messages_de.properties").write_text("app.title = Nachrichten\n")

    def apostrophes(texts, s, t):
        return [x.replace("[it] ", "l'[it] ") for x in clean_translate(texts, s, t)]

    report = run_job([tree], "en", ["it", "az"], tree, apostrophes)
    assert report.failed == ()
    # beside the source, Java's names; the German bundle is another language's, not a source
    assert _files(tree) == ["messages.properties", "messages_az.properties",
                            "messages_de.properties", "messages_it.properties"]
    it = (tree / "messages_it.properties").read_text(encoding="latin-1")
    assert it.startswith("# Newsdesk messages\n! a bang comment\n")
    assert "greeting = l''[it] HELLO {0}, YOU HAVE {1,number} NEW ARTICLES\n" in it
    assert "quoted = l''[it] DON''T CLOSE THIS WINDOW.\n" in it
    # a value without an argument quotes an apostrophe as '': every value is MessageFormat
    assert "saved: l''[it] THE ARTICLE WAS SAVED.\n" in it
    assert "multi = l''[it] FIRST LINE.\\n\\\n        l''[it] SECOND LINE.\n" in it
    assert "key\\ with\\ spaces = l''[it] VALUE WITH CAF\\u00c9\n" in it
    assert "empty" not in it and it.isascii()
    doc = properties.read((tree / "messages_it.properties").read_bytes(), "it", "it")
    assert [u.key for u in doc.units] == ["app.title", "greeting", "saved", "quoted", "multi",
                                          "key with spaces"]
    again = CountingTranslate()
    assert run_job([tree], "en", ["it", "az"], tree, again).files_written == ()
    assert again.pairs == []
    if JAVA is not None:
        java = _java_bundles(tree / "messages_it.properties")[str(tree / "messages_it.properties")]
        assert java["greeting"][1] == "2:l'[it] HELLO {0}, YOU HAVE {1} NEW ARTICLES"
        assert java["quoted"][1] == "0:l'[it] DON'T CLOSE THIS WINDOW."
        assert java["multi"][1] == "0:l'[it] FIRST LINE.\nl'[it] SECOND LINE."
        assert java["key with spaces"][1] == "0:l'[it] VALUE WITH CAF\u00c9"
    # otherwise only a value with an argument is MessageFormat (Spring's, Tomcat's way)
    spring = tmp_path / "spring" / "labels.properties"
    spring.parent.mkdir()
    spring.write_text("saved = Saved ']'.\ngreeting = Hello {0}, ''{1}''\n")
    run_job([spring], "en", ["it"], spring.parent, apostrophes)
    assert (spring.parent / "labels_it.properties").read_text() == \
        "saved = l'[it] SAVED ']'.\ngreeting = l''[it] HELLO {0}, ''{1}''\n"


def test_properties_existing_translations_kept_and_bad_input(tmp_path, capsys):
    tree = tmp_path / "src"
    tree.mkdir()
    (tree / "messages.properties").write_text(PROPERTIES)
    (tree / "messages_it.properties").write_text("saved = Articolo salvato.\n")
    bad = tmp_path / "bad" / "errors.properties"
    bad.parent.mkdir()
    bad.write_text("ok = fine\nbroken = caf\\u00zz\n")
    code = main(["localise", str(tree), str(bad), "--from", "en", "--to", "it", "-o",
                 str(tree), "--models-dir", str(MODELS), "--no-glossary", "--beam-size", "1"])
    err = capsys.readouterr().err
    assert code == 2 and f"{bad}:2: malformed \\uxxxx escape" in err
    it = (tree / "messages_it.properties").read_text(encoding="utf-8")
    assert "saved: Articolo salvato.\n" in it and "greeting = " in it
    assert not (bad.parent / "errors_it.properties").exists()


@pytest.mark.parametrize("path", PROPERTIES_REAL,
                         ids=lambda p: str(p.parent.relative_to(APP / "properties")))
def test_real_properties_files(path, tmp_path):
    """A real bundle to it and az: keys of the output are the source's, placeholders kept,
    Java reads it back to the values the job wrote and every MessageFormat value still
    parses with the source's argument count; a rerun is free."""
    assert format_for(path) is properties
    tree = tmp_path / "src"
    shutil.copytree(path.parent, tree)
    source = tree / path.name
    src_doc = properties.read(source.read_bytes(), str(source), "en")
    report = run_job([source], "en", ["az", "it"], tree, clean_translate)
    assert report.failed == ()
    outs = [tree / properties.LAYOUT.path(PurePath(path.name), lang, path.name, "en")
            for lang in ("az", "it")]
    for out in outs:
        doc = properties.read(out.read_bytes(), str(out), "it")
        assert [u.key for u in doc.units] == [u.key for u in src_doc.units]
        for u, s in zip(doc.units, src_doc.units, strict=True):
            # (an apostrophe of the translation is written '' in a MessageFormat value)
            want = sorted(x.text for x in find_spans(s.source, formats=declared_formats(s.flags))
                          if x.text != "''")
            assert sorted(x.text for x in find_spans(u.source, formats=declared_formats(
                s.flags)) if x.text != "''") == want, u.key
    if JAVA is not None:
        java = _java_bundles(source, *outs)
        for out in outs:
            doc = properties.read(out.read_bytes(), str(out), "it")
            for u in doc.units:
                value, rendered = java[str(out)][u.key]
                assert value == u.source
                if "java-format" in u.flags:
                    assert rendered != "ERROR"
                    assert rendered.split(":")[0] == java[str(source)][u.key][1].split(":")[0]
    rerun = CountingTranslate()
    assert run_job([source], "en", ["az", "it"], tree, rerun).files_written == ()
    assert rerun.pairs == []


# ------------------------------------------------------------------------ Flutter ARB

ARB_REAL = sorted((APP / "arb").rglob("*.arb"))
ARB = """{
  "@@locale": "en",
  "appTitle": "Newsdesk",
  "@appTitle": {"description": "The app's name"},
  "greeting": "Hello {name}!",
  "@greeting": {"placeholders": {"name": {"type": "String"}}},
  "articles": "{count, plural, =0{No articles} =1{One article} other{{count} articles}}",
  "@articles": {"placeholders": {"count": {"type": "int"}}},
  "section": "{kind, select, world{World news} other{Other news}}",
  "empty": ""
}
"""


def _icu_structure(text: str) -> list[str]:
    """The ICU arguments of a message (name, kind, selectors) and its placeholders."""
    from translate.localise.checkers import placeholder_signature

    return sorted(placeholder_signature(text, formats=frozenset({"icu"})))


def test_arb_job_layout_metadata_and_icu(tmp_path):
    l10n = tmp_path / "lib" / "l10n"
    l10n.mkdir(parents=True)
    (l10n / "app_en.arb").write_text(ARB)
    (l10n / "app_de.arb").write_text('{"@@locale": "de", "appTitle": "Nachrichten"}\n')
    report = run_job([tmp_path / "lib"], "en", ["it", "az"], tmp_path / "lib",
                     clean_translate)
    assert report.failed == ()
    # beside the template, Flutter's names; the German file is not a source
    assert _files(tmp_path / "lib") == ["l10n/app_az.arb", "l10n/app_de.arb",
                                        "l10n/app_en.arb", "l10n/app_it.arb"]
    it = json.loads((l10n / "app_it.arb").read_text(encoding="utf-8"))
    assert list(it) == ["@@locale", "appTitle", "@appTitle", "greeting", "@greeting",
                        "articles", "@articles", "section"]
    assert it["@@locale"] == "it" and it["@greeting"] == {
        "placeholders": {"name": {"type": "String"}}}
    assert it["greeting"] == "[it] HELLO {name}!"
    assert it["articles"] == ("{count, plural, =0{[it] NO ARTICLES} =1{[it] ONE ARTICLE} "
                              "other{[it] {count} ARTICLES}}")
    assert it["section"] == "{kind, select, world{[it] WORLD NEWS} other{[it] OTHER NEWS}}"
    assert (l10n / "app_it.arb").read_text(encoding="utf-8").startswith('{\n  "@@locale"')
    again = CountingTranslate()
    assert run_job([tmp_path / "lib"], "en", ["it", "az"], tmp_path / "lib",
                   again).files_written == ()
    assert again.pairs == []


def test_arb_existing_kept_qa_failures_left_out_and_bad_input(tmp_path, capsys):
    l10n = tmp_path / "l10n"
    l10n.mkdir()
    (l10n / "app_en.arb").write_text(ARB)
    (l10n / "app_it.arb").write_text('{"@@locale": "it", "appTitle": "Notizie"}\n')

    def drops_placeholders(texts, s, t):
        return [re.sub(r"__PH\d+__", "", x) for x in clean_translate(texts, s, t)]

    report = run_job([l10n / "app_en.arb"], "en", ["it"], l10n, drops_placeholders)
    it = json.loads((l10n / "app_it.arb").read_text(encoding="utf-8"))
    assert it["appTitle"] == "Notizie"  # kept
    assert "greeting" in {f.key for f in report.failed}
    assert "greeting" not in it and "@greeting" not in it  # left out, with its metadata
    bad = tmp_path / "bad" / "app_en.arb"
    bad.parent.mkdir()
    bad.write_text('{\n  "a": "A",\n  "a": "B"\n}\n')
    code = main(["localise", str(l10n / "app_en.arb"), str(bad), "--from", "en", "--to",
                 "az", "-o", str(tmp_path / "out"), "--models-dir", str(MODELS),
                 "--no-glossary", "--beam-size", "1"])
    err = capsys.readouterr().err
    assert code == 2 and f"{bad}:3: message 'a' is defined twice" in err
    assert (tmp_path / "out" / "app_az.arb").is_file()


@pytest.mark.parametrize("path", ARB_REAL, ids=lambda p: p.parents[2].name)
def test_real_arb_files(path, tmp_path):
    """A real template to it and az: the output's messages are the source's (those QA
    failed left out), in order, with their metadata; ICU arguments, selectors and
    placeholders identical; @@locale the target's; a rerun is free."""
    assert format_for(path) is arb
    src_obj = json.loads(path.read_text(encoding="utf-8"))
    l10n = tmp_path / "l10n"
    shutil.copytree(path.parent, l10n)
    report = run_job([l10n / path.name], "en", ["az", "it"], l10n, clean_translate)
    messages = [k for k, v in src_obj.items() if not k.startswith("@") and v]
    assert len(report.failed) <= len(messages) // 50
    for lang in ("az", "it"):
        out = l10n / arb.LAYOUT.path(PurePath(path.name), lang, path.name, "en")
        obj = json.loads(out.read_text(encoding="utf-8"))
        failed = {f.key for f in report.failed if f.lang == lang}
        written = [k for k in messages if k not in failed]
        assert obj["@@locale"] == lang
        assert [k for k in obj if not k.startswith("@")] == written
        for k in written:
            assert _icu_structure(obj[k]) == _icu_structure(src_obj[k]), k
            if f"@{k}" in src_obj:
                assert obj[f"@{k}"] == src_obj[f"@{k}"]
    rerun = CountingTranslate()
    assert run_job([l10n / path.name], "en", ["az", "it"], l10n, rerun).files_written == ()
    assert rerun.pairs == []


# ------------------------------------------------------------------------ Rails/Symfony YAML

YAML_REAL = sorted((APP / "yaml").rglob("*.yml"))
RAILS = """---
# Newsdesk's messages
en:
  app:
    title: Newsdesk
    greeting: "Hello %{name}!"   # shown on the home page
    saved: 'The article was saved.'
    articles:
      one: "%{count} new article"
      other: "%{count} new articles"
  date:
    order:
    - :year
    - :month
    abbr_day_names:
    - Sun
    - Mon
  number:
    precision: 3
"""


def test_yaml_rails_layout_comments_plurals_and_root(tmp_path):
    locales_dir = tmp_path / "config" / "locales"
    locales_dir.mkdir(parents=True)
    (locales_dir / "en.yml").write_text(RAILS)
    (locales_dir / "de.yml").write_text("de:\n  app:\n    title: Nachrichten\n")
    (tmp_path / "config" / "database.yml").write_text("default:\n  adapter: sqlite3\n")
    report = run_job([tmp_path / "config"], "en", ["it", "az"], tmp_path / "config",
                     clean_translate, write_options=WriteOptions(plural_rules="cldr"))
    assert report.failed == ()
    # beside the source, Rails' names; German is another language, database.yml no catalog
    assert _files(tmp_path / "config") == ["database.yml", "locales/az.yml", "locales/de.yml",
                                           "locales/en.yml", "locales/it.yml"]
    it = (locales_dir / "it.yml").read_text(encoding="utf-8")
    assert it == """---
# Newsdesk's messages
it:
  app:
    title: '[it] NEWSDESK'
    greeting: "[it] HELLO %{name}!" # shown on the home page
    saved: '[it] THE ARTICLE WAS SAVED.'
    articles:
      one: "[it] %{count} NEW ARTICLE"
      many: "[it] %{count} NEW ARTICLES"
      other: "[it] %{count} NEW ARTICLES"
  date:
    order:
    - :year
    - :month
    abbr_day_names:
    - '[it] SUN'
    - '[it] MON'
  number:
    precision: 3
"""
    az = (locales_dir / "az.yml").read_text(encoding="utf-8")
    assert "\naz:\n" in az and "many" not in az
    again = CountingTranslate()
    assert run_job([tmp_path / "config"], "en", ["it", "az"], tmp_path / "config", again,
                   write_options=WriteOptions(plural_rules="cldr")).files_written == ()
    assert again.pairs == []


def test_yaml_existing_kept_untranslated_left_out_and_refusals(tmp_path, capsys):
    d = tmp_path / "locales"
    d.mkdir()
    (d / "en.yml").write_text(RAILS)
    (d / "it.yml").write_text("it:\n  app:\n    title: Notizie\n")

    def drops_placeholders(texts, s, t):
        return [re.sub(r"__PH\d+__", "", x) for x in clean_translate(texts, s, t)]

    report = run_job([d / "en.yml"], "en", ["it"], d, drops_placeholders)
    it = (d / "it.yml").read_text(encoding="utf-8")
    assert "title: Notizie" in it
    assert {"/app/greeting", "/app/articles/<plural>"} <= {f.key for f in report.failed}
    assert "greeting" not in it and "articles" not in it and "SAVED" in it
    anchors = tmp_path / "anchors" / "en.yml"
    anchors.parent.mkdir()
    anchors.write_text("en:\n  a: &x Hello\n  b: *x\n")
    bad = tmp_path / "bad" / "en.yml"
    bad.parent.mkdir()
    bad.write_text("en:\n  a: Hello\n  b: [unclosed\n")
    code = main(["localise", str(d / "en.yml"), str(anchors), str(bad), "--from", "en", "--to",
                 "az", "-o", str(tmp_path / "out"), "--models-dir", str(MODELS),
                 "--no-glossary", "--beam-size", "1"])
    err = capsys.readouterr().err
    assert code == 2
    assert f"{anchors}:2: uses YAML anchors or aliases" in err
    assert f"{bad}:4: not valid YAML" in err
    assert (tmp_path / "out" / "az.yml").is_file()


@pytest.mark.parametrize("path", YAML_REAL, ids=lambda p: p.parts[len(APP.parts) + 1])
def test_real_yaml_files(path, tmp_path):
    """A real locale file to it and az: the same tree of keys (those QA failed left out),
    the root renamed for Rails, plural keys the target's, placeholders kept, comments
    kept; the output parses; a rerun is free."""
    from ruamel.yaml import YAML

    assert format_for(path) is yamlfmt
    d = tmp_path / "l"
    shutil.copytree(path.parent, d)
    src_doc = yamlfmt.read(path.read_bytes(), str(path), "en")
    report = run_job([d / path.name], "en", ["az", "it"], d, clean_translate)
    assert len(report.failed) <= max(1, len(src_doc.units) // 50)
    comments = [line.strip() for line in path.read_text().splitlines()
                if line.strip().startswith("#")]
    for lang in ("az", "it"):
        out = d / yamlfmt.LAYOUT.path(PurePath(path.name), lang, path.name, "en")
        text = out.read_text(encoding="utf-8")
        YAML(typ="safe").load(text)
        if src_doc.source_lang:
            assert f"\n{lang}:" in "\n" + text
        doc = yamlfmt.read(out.read_bytes(), str(out), lang)
        failed = {f.key for f in report.failed if f.lang == lang}
        kept = [u for u in src_doc.units if u.key not in failed]
        got = {u.key: u for u in doc.units}
        for u in kept:
            if u.key not in got:  # an item of a list with a failed item
                assert any(k.rsplit("/", 1)[0] == u.key.rsplit("/", 1)[0] for k in failed)
                continue
            want = sorted(x.text for x in find_spans(u.source, formats=declared_formats(
                u.flags)))
            assert sorted(x.text for x in find_spans(
                got[u.key].source, formats=declared_formats(u.flags))) == want, u.key
        if src_doc.source_lang and any(u.is_plural for u in kept):
            assert yamlfmt.existing(doc, lang)  # plural units complete in the target
        for c in comments[:5]:
            assert c in text
    rerun = CountingTranslate()
    assert run_job([d / path.name], "en", ["az", "it"], d, rerun).files_written == ()
    assert rerun.pairs == []


# ------------------------------------------------------------------------ Apple .strings

STRINGS_REAL = sorted((APP / "apple-strings").rglob("*.strings"))
STRINGS = """/* The app's title */
"app.title" = "Newsdesk";

/* %@ is the reader's name */
"greeting" = "Hello %@, you have %ld new \\"articles\\"";
// a line comment
saved = "Saved.\\nReady.";
"minutes" = "%1$#@minutes@ left";
"""


def test_strings_layout_escapes_comments_and_utf16(tmp_path):
    app = tmp_path / "App"
    (app / "en.lproj").mkdir(parents=True)
    (app / "en.lproj" / "Localizable.strings").write_text(STRINGS)
    (app / "de.lproj").mkdir()  # another language's: not a source
    (app / "de.lproj" / "Localizable.strings").write_text('"app.title" = "Nachrichten";\n')
    (app / "Base.lproj").mkdir()
    (app / "Base.lproj" / "Main.strings").write_bytes(
        b"\xff\xfe" + '/* Class = "UIButton" */\n"abc-12.title" = "Open";\n'.encode("utf-16-le"))
    report = run_job([app], "en", ["it", "az"], app, clean_translate)
    assert report.failed == ()
    assert _files(app) == ["Base.lproj/Main.strings", "az.lproj/Localizable.strings",
                           "az.lproj/Main.strings", "de.lproj/Localizable.strings",
                           "en.lproj/Localizable.strings",
                           "it.lproj/Localizable.strings", "it.lproj/Main.strings"]
    it = (app / "it.lproj" / "Localizable.strings").read_text(encoding="utf-8")
    assert it == ('/* The app\'s title */\n"app.title" = "[it] NEWSDESK";\n\n'
                  '/* %@ is the reader\'s name */\n'
                  '"greeting" = "[it] HELLO %@, YOU HAVE %ld NEW \\"ARTICLES\\"";\n'
                  '// a line comment\nsaved = "[it] SAVED.\\n[it] READY.";\n'
                  '"minutes" = "[it] %1$#@minutes@ LEFT";\n')
    main_it = (app / "it.lproj" / "Main.strings").read_bytes()
    assert main_it.startswith(b"\xff\xfe")  # UTF-16 as the source
    assert main_it[2:].decode("utf-16-le") == \
        '/* Class = "UIButton" */\n"abc-12.title" = "[it] OPEN";\n'
    again = CountingTranslate()
    assert run_job([app], "en", ["it", "az"], app, again).files_written == ()
    assert again.pairs == []


def test_strings_existing_qa_failures_and_bad_input(tmp_path, capsys):
    app = tmp_path / "App"
    (app / "en.lproj").mkdir(parents=True)
    (app / "en.lproj" / "Localizable.strings").write_text(STRINGS)
    (app / "it.lproj").mkdir()
    (app / "it.lproj" / "Localizable.strings").write_text('"app.title" = "Notizie";\n')

    def drops_placeholders(texts, s, t):
        return [re.sub(r"__PH\d+__", "", x) for x in clean_translate(texts, s, t)]

    report = run_job([app], "en", ["it"], app, drops_placeholders)
    it = (app / "it.lproj" / "Localizable.strings").read_text(encoding="utf-8")
    assert '"app.title" = "Notizie";' in it
    assert {"greeting", "minutes"} <= {f.key for f in report.failed}
    # left out with its comment
    assert "greeting" not in it and "reader's name" not in it and "[it] SAVED." in it
    bad = tmp_path / "bad" / "en.lproj" / "Localizable.strings"
    bad.parent.mkdir(parents=True)
    bad.write_text('"a" = "A";\n"b" = "B"\n"c" = "C";\n')
    code = main(["localise", str(app / "en.lproj" / "Localizable.strings"), str(bad),
                 "--from", "en", "--to", "az", "-o", str(tmp_path / "out"), "--models-dir",
                 str(MODELS), "--no-glossary", "--beam-size", "1"])
    err = capsys.readouterr().err
    assert code == 2 and f"{bad}:3: expected ';'" in err
    assert (tmp_path / "out" / "az.lproj" / "Localizable.strings").is_file()


@pytest.mark.parametrize("path", STRINGS_REAL, ids=lambda p: p.parents[1].name)
def test_real_strings_files(path, tmp_path):
    assert format_for(path) is applestrings
    app = tmp_path / "App"
    shutil.copytree(path.parent, app / path.parent.name)
    source = app / path.parent.name / path.name
    src_doc = applestrings.read(path.read_bytes(), str(path))
    report = run_job([source], "en", ["az", "it"], app, clean_translate)
    assert len(report.failed) <= max(1, len(src_doc.units) // 50)
    for lang in ("az", "it"):
        out = app / f"{lang}.lproj" / path.name
        doc = applestrings.read(out.read_bytes(), str(out))
        failed = {f.key for f in report.failed if f.lang == lang}
        kept = [u for u in src_doc.units if u.key not in failed]
        assert [u.key for u in doc.units] == [u.key for u in kept]
        for u, s in zip(doc.units, kept, strict=True):
            assert sorted(x.text for x in find_spans(u.source)) == \
                sorted(x.text for x in find_spans(s.source)), u.key
        assert out.read_bytes()[:2] == path.read_bytes()[:2] or path.read_bytes()[0] < 0x80
    rerun = CountingTranslate()
    assert run_job([source], "en", ["az", "it"], app, rerun).files_written == ()
    assert rerun.pairs == []


# ------------------------------------------------------------------------ .stringsdict

STRINGSDICT_REAL = sorted((APP / "stringsdict").rglob("*.stringsdict"))
STRINGSDICT = """<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">
<plist version="1.0">
<dict>
	<key>articles</key>
	<dict>
		<key>NSStringLocalizedFormatKey</key>
		<string>You have %1$#@count@ in %2$@</string>
		<key>count</key>
		<dict>
			<key>NSStringFormatSpecTypeKey</key>
			<string>NSStringPluralRuleType</string>
			<key>NSStringFormatValueTypeKey</key>
			<string>d</string>
			<key>zero</key>
			<string>no articles</string>
			<key>one</key>
			<string>%d article</string>
			<key>other</key>
			<string>%d articles</string>
		</dict>
	</dict>
	<key>files</key>
	<dict>
		<key>NSStringLocalizedFormatKey</key>
		<string>%#@files@</string>
		<key>files</key>
		<dict>
			<key>NSStringFormatSpecTypeKey</key>
			<string>NSStringPluralRuleType</string>
			<key>NSStringFormatValueTypeKey</key>
			<string>ld</string>
			<key>one</key>
			<string>%ld file</string>
			<key>other</key>
			<string>%ld files</string>
		</dict>
	</dict>
</dict>
</plist>
"""


def test_stringsdict_categories_zero_and_format_key(tmp_path):
    import plistlib

    app = tmp_path / "App"
    (app / "en.lproj").mkdir(parents=True)
    (app / "en.lproj" / "Localizable.stringsdict").write_text(STRINGSDICT)
    report = run_job([app], "en", ["it", "az"], app, clean_translate,
                     write_options=WriteOptions(plural_rules="cldr"))
    assert report.failed == ()
    it = plistlib.loads((app / "it.lproj" / "Localizable.stringsdict").read_bytes())
    assert list(it) == ["articles", "files"]
    assert it["articles"]["NSStringLocalizedFormatKey"] == "[it] YOU HAVE %1$#@count@ IN %2$@"
    rule = it["articles"]["count"]
    assert list(rule) == ["NSStringFormatSpecTypeKey", "NSStringFormatValueTypeKey", "zero",
                          "one", "many", "other"]
    assert rule["zero"] == "[it] NO ARTICLES" and rule["many"] == "[it] %d ARTICLES"
    assert it["files"]["NSStringLocalizedFormatKey"] == "%#@files@"
    az = plistlib.loads((app / "az.lproj" / "Localizable.stringsdict").read_bytes())
    assert [k for k in az["files"]["files"] if not k.startswith("NS")] == ["one", "other"]
    again = CountingTranslate()
    assert run_job([app], "en", ["it", "az"], app, again,
                   write_options=WriteOptions(plural_rules="cldr")).files_written == ()
    assert again.pairs == []


def test_stringsdict_an_entry_is_written_whole_or_not_and_bad_input(tmp_path, capsys):
    import plistlib

    app = tmp_path / "App"
    (app / "en.lproj").mkdir(parents=True)
    (app / "en.lproj" / "Localizable.stringsdict").write_text(STRINGSDICT)

    def drops_placeholders(texts, s, t):
        return [re.sub(r"__PH\d+__", "", x) if "ARTICLE" in x else x
                for x in clean_translate(texts, s, t)]

    report = run_job([app], "en", ["it"], app, drops_placeholders)
    it = plistlib.loads((app / "it.lproj" / "Localizable.stringsdict").read_bytes())
    assert "articles/count" in {f.key for f in report.failed}
    assert list(it) == ["files"]  # the entry with a failed part is left out whole
    bad = tmp_path / "bad" / "en.lproj" / "Localizable.stringsdict"
    bad.parent.mkdir(parents=True)
    bad.write_text(STRINGSDICT.replace("<string>d</string>", "<string>d</strin>"))
    code = main(["localise", str(app / "en.lproj" / "Localizable.stringsdict"), str(bad),
                 "--from", "en", "--to", "az", "-o", str(tmp_path / "out"), "--models-dir",
                 str(MODELS), "--no-glossary", "--beam-size", "1"])
    err = capsys.readouterr().err
    assert code == 2 and f"{bad}:14: not well-formed XML" in err
    assert (tmp_path / "out" / "az.lproj" / "Localizable.stringsdict").is_file()


@pytest.mark.parametrize("path", STRINGSDICT_REAL, ids=lambda p: p.parents[1].name)
def test_real_stringsdict_files(path, tmp_path):
    import plistlib

    assert format_for(path) is stringsdict
    app = tmp_path / "App"
    shutil.copytree(path.parent, app / path.parent.name)
    source = app / path.parent.name / path.name
    src = plistlib.loads(path.read_bytes())
    src_doc = stringsdict.read(path.read_bytes(), str(path))
    report = run_job([source], "en", ["az", "it"], app, clean_translate)
    assert len(report.failed) <= max(1, len(src_doc.units) // 50)
    for lang in ("az", "it"):
        out = plistlib.loads((app / f"{lang}.lproj" / path.name).read_bytes())
        failed = {f.key.split("/")[0] for f in report.failed if f.lang == lang}
        assert list(out) == [k for k in src if k not in failed]
        for name, entry in out.items():
            if isinstance(entry, str):
                continue
            for var in stringsdict._variables(src[name]):
                cats = [k for k in entry[var] if not k.startswith("NS")]
                want = ["zero"] if "zero" in src[name][var] else []
                assert sorted(cats) == sorted(want + list(locales_categories(lang))), name
                for cat in cats:
                    ref = src[name][var].get(cat, src[name][var]["other"])
                    assert sorted(x.text for x in find_spans(entry[var][cat])) == \
                        sorted(x.text for x in find_spans(ref)), (name, cat)
            assert _VARS(entry["NSStringLocalizedFormatKey"]) == \
                _VARS(src[name]["NSStringLocalizedFormatKey"])
    rerun = CountingTranslate()
    assert run_job([source], "en", ["az", "it"], app, rerun).files_written == ()
    assert rerun.pairs == []


def locales_categories(lang: str) -> tuple[str, ...]:
    from translate.localise.plurals import cldr_categories

    return cldr_categories(lang, False, "gettext")


def _VARS(text: str) -> list[str]:  # noqa: N802
    return sorted(re.findall(r"%(?:\d+\$?)?#@\w+@", text))


# ------------------------------------------------------------------------ String Catalogs

XCSTRINGS_REAL = sorted((APP / "xcstrings").rglob("*.xcstrings"))
XCSTRINGS = {
    "sourceLanguage": "en",
    "strings": {
        "Brand": {"shouldTranslate": False},
        "Hello %@": {"comment": "The key is the English text"},
        "files": {"localizations": {
            "en": {"variations": {"plural": {
                "one": {"stringUnit": {"state": "translated", "value": "%lld file"}},
                "other": {"stringUnit": {"state": "translated", "value": "%lld files"}},
                "zero": {"stringUnit": {"state": "translated", "value": "No files"}}}}},
            "it": {"stringUnit": {"state": "translated", "value": "Archivi"}}}},
        "open": {"localizations": {
            "en": {"variations": {"device": {
                "mac": {"stringUnit": {"state": "translated", "value": "Click to open"}},
                "other": {"stringUnit": {"state": "translated", "value": "Tap to open"}}}}},
            "de": {"variations": {"device": {
                "mac": {"stringUnit": {"state": "translated", "value": "Klicken"}},
                "other": {"stringUnit": {"state": "translated", "value": "Tippen"}}}}}}},
        "saved": {"localizations": {
            "en": {"stringUnit": {"state": "translated", "value": "Saved"}},
            "it": {"stringUnit": {"state": "translated", "value": "Salvato"}}}},
    },
    "version": "1.0",
}


def _xcode(obj) -> str:
    return json.dumps(obj, ensure_ascii=False, indent=2, separators=(",", " : "))


def test_xcstrings_targets_added_to_the_catalog(tmp_path):
    src = tmp_path / "App" / "Localizable.xcstrings"
    src.parent.mkdir()
    src.write_text(_xcode(XCSTRINGS))
    out = tmp_path / "out"
    report = run_job([src], "en", ["it", "az"], out, clean_translate,
                     write_options=WriteOptions(plural_rules="cldr"))
    assert report.failed == ()
    assert _files(out) == ["Localizable.xcstrings"]  # one catalog, every language in it
    text = (out / "Localizable.xcstrings").read_text(encoding="utf-8")
    obj = json.loads(text)
    assert text == _xcode(obj)  # Xcode's formatting
    s = obj["strings"]
    assert "localizations" not in s["Brand"]  # shouldTranslate: false
    assert s["Hello %@"]["localizations"]["az"] == {
        "stringUnit": {"state": "needs_review", "value": "[az] HELLO %@"}}
    # the plural: Italian's CLDR categories plus the source's zero; machine output to review
    it_files = s["files"]["localizations"]["it"]["variations"]["plural"]
    assert list(it_files) == ["many", "one", "other", "zero"]
    assert it_files["one"] == {"stringUnit": {"state": "needs_review",
                                              "value": "[it] %lld FILE"}}
    assert list(s["files"]["localizations"]["az"]["variations"]["plural"]) == \
        ["one", "other", "zero"]
    assert list(s["open"]["localizations"]) == ["az", "de", "en", "it"]
    assert s["open"]["localizations"]["de"] == XCSTRINGS["strings"]["open"]["localizations"]["de"]
    assert s["open"]["localizations"]["it"]["variations"]["device"]["mac"]["stringUnit"][
        "value"] == "[it] CLICK TO OPEN"
    # a translation already there is kept, with its state
    assert s["saved"]["localizations"]["it"] == {
        "stringUnit": {"state": "translated", "value": "Salvato"}}
    again = CountingTranslate()
    assert run_job([src], "en", ["it", "az"], out, again,
                   write_options=WriteOptions(plural_rules="cldr")).files_written == ()
    assert again.pairs == []


def test_xcstrings_in_place_is_refused_and_bad_input(tmp_path, capsys):
    src = tmp_path / "App" / "Localizable.xcstrings"
    src.parent.mkdir()
    src.write_text(_xcode(XCSTRINGS))
    before = src.read_bytes()
    code = main(["localise", str(src), "--from", "en", "--to", "it", "-o", str(src.parent),
                 "--models-dir", str(MODELS), "--no-glossary"])
    assert code == 2 and "would overwrite the input" in capsys.readouterr().err
    assert src.read_bytes() == before
    bad = tmp_path / "bad" / "Localizable.xcstrings"
    bad.parent.mkdir()
    bad.write_text('{\n  "sourceLanguage" : "en",\n  "strings" : {\n    "a" : {\n  }\n')
    code = main(["localise", str(src), str(bad), "--from", "en", "--to", "az", "-o",
                 str(tmp_path / "out"), "--models-dir", str(MODELS), "--no-glossary",
                 "--beam-size", "1"])
    err = capsys.readouterr().err
    assert code == 2 and f"{bad}:6: not valid JSON" in err
    obj = json.loads((tmp_path / "out" / "App" / "Localizable.xcstrings").read_text()
                     if (tmp_path / "out" / "App").exists()
                     else (tmp_path / "out" / "Localizable.xcstrings").read_text())
    assert "az" in obj["strings"]["saved"]["localizations"]


def _shape(node):
    """A localization's structure: variation kinds and cases, substitutions, no text."""
    if not isinstance(node, dict):
        return None
    return {k: _shape(v) for k, v in node.items() if k not in ("stringUnit",)}


@pytest.mark.parametrize("path", XCSTRINGS_REAL,
                         ids=lambda p: str(p.relative_to(APP / "xcstrings")))
def test_real_xcstrings_files(path, tmp_path):
    assert format_for(path) is xcstrings
    src = json.loads(path.read_text(encoding="utf-8"))
    out = tmp_path / "out"
    report = run_job([path], "en", ["az", "it"], out, clean_translate)
    assert len(report.failed) <= 1
    text = (out / path.name).read_text(encoding="utf-8")
    obj = json.loads(text)
    assert text == _xcode(obj)
    assert list(obj["strings"]) == list(src["strings"])
    for key, entry in obj["strings"].items():
        locs = entry.get("localizations", {})
        before = src["strings"][key].get("localizations", {})
        for lang, node in before.items():  # the other languages as they were
            if lang not in ("az", "it"):
                assert locs[lang] == node
        failed = {f.key.split("|")[0] for f in report.failed}
        for lang in ("az", "it"):
            if key in failed or not any(u.key.split("|")[0] == key for u in
                                        xcstrings.read(path.read_bytes(), str(path)).units):
                continue
            if lang in before and lang == "it":
                continue  # kept as the source had it
            en = before.get("en")
            if en is not None:
                shape = _shape(en)
                for kind, cases in (shape.get("variations") or {}).items():
                    if kind == "plural":
                        cases = {c: None for c in [*(["zero"] if "zero" in cases else []),
                                                   *locales_categories(lang)]}
                        shape["variations"][kind] = dict(sorted(cases.items()))
                assert _shape(locs[lang]).keys() == shape.keys(), key
    rerun = CountingTranslate()
    assert run_job([path], "en", ["az", "it"], out, rerun).files_written == ()
    assert rerun.pairs == []
