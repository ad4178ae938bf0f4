"""Catalog formats declare themselves (extensions, a content sniff, the output layout per
language), so a new format drops in: the formats here are registered by the tests only,
built on the shipped readers, and run through real localisation jobs (the translation is
the job-logic test double of localise_doubles.py)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path, PurePath
from types import ModuleType

from localise_doubles import clean_translate

from support import FIXTURES
from translate.localise import formats
from translate.localise.formats import Layout, android, format_for, jsonfmt, po, xliff
from translate.localise.jobs import DEFAULT_TM_NAME, run_job

CATALOGS = FIXTURES / "catalogs"


def test_layouts_name_each_languages_output():
    rel = PurePath
    assert Layout().path(rel("web/errors.json"), "it", "errors.json") == \
        rel("it/web/errors.json")  # OUT/<lang>/..., every shipped format's
    android = Layout(folder="values-{lang}")
    assert android.path(rel("res/values/strings.xml"), "it", "strings.xml") == \
        rel("res/values-it/strings.xml")
    assert android.path(rel("strings.xml"), "az", "strings.xml") == rel("values-az/strings.xml")
    apple = Layout(folder="{lang}.lproj")
    assert apple.path(rel("App/en.lproj/Localizable.strings"), "it",
                      "Localizable.strings") == rel("App/it.lproj/Localizable.strings")
    arb = Layout(file="{stem}_{lang}{suffix}")
    assert arb.path(rel("lib/l10n/app_en.arb"), "it", "app_en.arb", "en") == \
        rel("lib/l10n/app_it.arb")
    assert arb.path(rel("messages.properties"), "it", "messages.properties", "en") == \
        rel("messages_it.properties")
    # an earlier translation in a source tree is not a source
    assert android.is_translation(rel("res/values-it/strings.xml"), ["az", "it"])
    assert not android.is_translation(rel("res/values/strings.xml"), ["az", "it"])
    assert arb.is_translation(rel("lib/app_it.arb"), ["it"])
    assert not arb.is_translation(rel("lib/app_en.arb"), ["it"])
    assert not Layout().is_translation(rel("it/news.po"), ["it"])


def test_each_shipped_format_sniffs_its_own_files_only():
    files = {p: p.read_bytes()[:formats.SNIFF_BYTES] for p in sorted(CATALOGS.rglob("*.*"))}
    assert {format_for(p) for p in files} == {po, jsonfmt, xliff}
    for fmt in (f for f in formats.FORMATS if hasattr(f, "sniff")):  # sniff is optional
        for path, head in files.items():
            assert fmt.sniff(head) == (format_for(path) is fmt), (fmt.NAME, path)


def _format(name: str, base: ModuleType, extensions: tuple[str, ...], **declared) -> ModuleType:
    """A format for the tests: ``base``'s reader and writer under another declaration."""
    fmt = ModuleType(f"test_{name}")
    for attr in ("read", "existing", "write", "output_name", "escape_text", "check_fill",
                 "MARKUP", "sniff"):
        if hasattr(base, attr):
            setattr(fmt, attr, getattr(base, attr))
    fmt.NAME, fmt.EXTENSIONS = name, extensions
    for key, value in declared.items():
        setattr(fmt, key, value)
    return fmt


def _files(root: Path) -> list[str]:
    return sorted(str(p.relative_to(root)) for p in root.rglob("*")
                  if p.is_file() and p.name != DEFAULT_TM_NAME)


def test_a_format_with_a_per_language_file_name_drops_in(tmp_path, monkeypatch):
    """Flutter's ``app_en.arb`` -> ``app_it.arb`` beside it: the job writes where the
    format's layout says, and a second run does not take its outputs for sources."""
    arb = _format("arb", jsonfmt, (".arb",), LAYOUT=Layout(file="{stem}_{lang}{suffix}"))
    monkeypatch.setattr(formats, "FORMATS", (*formats.FORMATS, arb))
    tree = tmp_path / "app"
    (tree / "lib" / "l10n").mkdir(parents=True)
    shutil.copy(CATALOGS / "web" / "errors.json", tree / "lib" / "l10n" / "app_en.arb")
    report = run_job([tree], "en", ["az", "it"], tree, clean_translate)
    assert _files(tree) == ["lib/l10n/app_az.arb", "lib/l10n/app_en.arb",
                            "lib/l10n/app_it.arb"]
    assert sorted(report.files_written) == [str(tree / "lib/l10n/app_az.arb"),
                                            str(tree / "lib/l10n/app_it.arb")]
    it = json.loads((tree / "lib/l10n/app_it.arb").read_text(encoding="utf-8"))
    assert it["brand"] == "[it] NEWSDESK"
    again = run_job([tree], "en", ["az", "it"], tree, clean_translate)
    assert _files(tree) == ["lib/l10n/app_az.arb", "lib/l10n/app_en.arb",
                            "lib/l10n/app_it.arb"]
    assert again.units == report.units  # the outputs were not read as sources


def test_formats_sharing_an_extension_are_told_apart_by_content(tmp_path, monkeypatch):
    """Two formats read ``.xml`` (Android's strings.xml, and here XLIFF too): each file
    goes to the one whose sniff accepts it, and is written by that format's layout."""
    xlf = _format("xliff-xml", xliff, (".xml",), LAYOUT=Layout(folder="values-{lang}"))
    monkeypatch.setattr(formats, "FORMATS", (*formats.FORMATS, xlf))
    res = tmp_path / "res" / "values"
    res.mkdir(parents=True)
    shutil.copy(CATALOGS / "app.xlf", res / "strings.xml")
    (res / "colors.xml").write_text("<resources><color name='a'>#fff</color></resources>")
    assert format_for(res / "strings.xml") is xlf
    assert format_for(res / "colors.xml") is android
    assert format_for("x.xml", b"<?xml version='1.0'?>\n<xliff version='2.0'>") is xlf
    out = tmp_path / "out"
    run_job([res / "strings.xml"], "en", ["it"], out, clean_translate)
    assert _files(out) == ["values-it/strings.xml"]
    written = (out / "values-it" / "strings.xml").read_text(encoding="utf-8")
    assert 'target-language="it"' in written and "[it] " in written
