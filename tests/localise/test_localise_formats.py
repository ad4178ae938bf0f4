"""Formats: gettext PO/POT (Babel), JSON bundles, XLIFF 1.2 and 2.0."""

from __future__ import annotations

import io
import json
import shutil
import subprocess

import pytest
from babel.messages.pofile import read_po
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree

from support import FIXTURES
from translate.errors import InputFileError
from translate.localise.formats import format_for, jsonfmt, po, xliff
from translate.localise.plurals import cldr_categories, gettext_plural_forms
from translate.localise.units import Fill, WriteOptions

CATALOGS = FIXTURES / "catalogs"
POT = CATALOGS / "news.pot"


def read(fmt, path, lang="en"):
    return fmt.read(path.read_bytes(), str(path), lang)


# ----------------------------------------------------------------------------- plurals


def test_plural_forms_default_to_msginit_and_cldr_on_request():
    assert gettext_plural_forms("az") == (2, "(n != 1)")
    # what GNU msginit writes for Italian (issue 13), and Babel's CLDR on request
    assert gettext_plural_forms("it") == (2, "(n != 1)")
    n, expr = gettext_plural_forms("it", "cldr")
    assert n == len(cldr_categories("it"))  # Babel's CLDR: one, many, other
    assert cldr_categories("it") == ("one", "many", "other")
    assert cldr_categories("it", rules="gettext") == ("one", "other")
    assert cldr_categories("az") == ("one", "other")
    assert cldr_categories("en") == ("one", "other")
    assert n == 3 and "1000000" in expr


def test_format_for():
    assert format_for("a/b.pot") is po and format_for("x.PO") is po
    assert format_for("x.json") is jsonfmt
    assert format_for("x.xlf") is xliff and format_for("x.xliff") is xliff
    assert format_for("x.txt") is None


# ----------------------------------------------------------------------------- PO


def test_pot_units_keep_context_comments_flags_and_plurals():
    doc = read(po, POT)
    by_key = {u.key: u for u in doc.units}
    assert doc.target_lang is None
    assert by_key["navigation\x04World"].context == "navigation"
    assert by_key["map\x04World"].notes == \
        ('"World" as in the world map widget, not the news section',)
    plural = by_key["%d comment"]
    assert plural.source_plural == "%d comments" and plural.flags == {"c-format"}
    assert plural.location == "templates/article.html:31"
    # the file's own flags, not Babel's python-format guess
    assert by_key["SIA"].flags == {"no-python-format"}
    assert "python-format" not in by_key["Temperature in Rome: %.1f°C, humidity 80%%"].flags
    assert "Breaking news" not in by_key  # obsolete entries are not units


@pytest.mark.parametrize(("lang", "rules", "nplurals"),
                         [("az", "gettext", 2), ("it", "gettext", 2), ("it", "cldr", 3)])
def test_po_plural_entries_get_every_form_of_the_target(lang, rules, nplurals):
    doc = read(po, POT)
    data = po.write(doc, {"%d comment": Fill("%d commento", "%d commenti")}, lang,
                    options=WriteOptions(plural_rules=rules))
    catalog = read_po(io.BytesIO(data))
    assert catalog.num_plurals == nplurals
    assert str(catalog.locale) == lang
    msg = catalog.get(("%d comment", "%d comments"))
    assert msg.string == ("%d commento",) + ("%d commenti",) * (nplurals - 1)


def test_po_plural_forms_of_an_existing_catalog_win(tmp_path):
    doc = read(po, POT)
    # an Italian catalog someone keeps with the CLDR three-form rule
    cldr = WriteOptions(plural_rules="cldr")
    prev = po.read(po.write(doc, {}, "it", options=cldr), "prev.po")
    data = po.write(doc, {"%d comment": Fill("%d commento", "%d commenti")}, "it", prev)
    assert read_po(io.BytesIO(data)).num_plurals == 3


def test_po_fuzzy_flag_and_header():
    doc = read(po, POT)
    data = po.write(doc, {"Latest news": Fill("Ultime notizie", fuzzy=True),
                          "navigation\x04World": Fill("Mondo")}, "it")
    text = data.decode()
    assert "#, fuzzy\nmsgid \"Latest news\"\nmsgstr \"Ultime notizie\"" in text
    assert 'msgctxt "navigation"\nmsgid "World"\nmsgstr "Mondo"' in text
    assert '"Language: it\\n"' in text
    assert "#~ msgid \"Breaking news\"" in text  # obsolete entries kept
    assert "# Translations template for the newsdesk site." not in text


def test_po_round_trip_unchanged_when_nothing_is_translated():
    doc = read(po, POT)
    again = po.read(po.write(doc, {}, "it"), "out.po")
    assert again.units == doc.units


def test_po_existing_translations_and_unknown_headers_survive():
    src = (CATALOGS / "news.pot").read_text().replace(
        '"Language: \\n"', '"Language: it\\n"\n"X-Generator: Poedit 3.4\\n"\n'
                              '"X-Poedit-Basepath: ..\\n"').replace(
        'msgid "Latest news"\nmsgstr ""', 'msgid "Latest news"\nmsgstr "Ultime notizie"')
    doc = po.read(src.encode(), "it.po")
    assert doc.target_lang == "it"
    assert po.existing(doc)["Latest news"].forms == ("Ultime notizie",)
    out = po.write(doc, {}, "it").decode()
    assert 'msgstr "Ultime notizie"' in out and "X-Poedit-Basepath: ..\\n" in out
    # the tool that wrote the file says so (issue 13)
    assert "X-Generator: translate " in out and "Poedit 3.4" not in out


def test_po_source_in_another_language_does_not_leak_its_translations():
    src = POT.read_text().replace('"Language: \\n"', '"Language: en\\n"').replace(
        'msgid "Latest news"\nmsgstr ""', 'msgid "Latest news"\nmsgstr "Latest news"')
    doc = po.read(src.encode(), "en.po")
    out = po.write(doc, {}, "it").decode()
    assert 'msgid "Latest news"\nmsgstr ""' in out


def test_xgettext_template_header_is_read(tmp_path):
    # python-babel/babel#1154: nplurals=INTEGER made read_po raise ValueError
    assert "nplurals=INTEGER" in POT.read_text()
    assert len(read(po, POT).units) > 10


@pytest.mark.parametrize(("text", "line"), [
    ('msgid "a"\nmsgstr "b"\nmsgid "unterminated\n', 3),
    ('msgid "a"\nmsgstr "b"\n\nmsgid "c"\nmsgstr[0] "x"\nmsgstr "y"\nbogus\n', 5),
])
def test_malformed_po_is_an_input_error_with_a_line(text, line):
    with pytest.raises(InputFileError) as err:
        po.read(text.encode(), "bad.po")
    assert err.value.line == line
    assert str(err.value).startswith(f"bad.po:{line}: ")


@pytest.mark.skipif(shutil.which("msgfmt") is None, reason="msgfmt (gettext) not installed")
@pytest.mark.parametrize("lang", ["az", "it"])
def test_written_po_passes_msgfmt_check(tmp_path, lang):
    doc = read(po, POT)
    fills = {}
    for u in doc.units:
        fills[u.key] = Fill(f"[{lang}] {u.source}",
                            f"[{lang}] {u.source_plural}" if u.source_plural else None,
                            fuzzy=True)
    path = tmp_path / "news.po"
    path.write_bytes(po.write(doc, fills, lang))
    for extra in ([], ["--use-fuzzy"]):
        done = subprocess.run(["msgfmt", "--check", *extra, "-o", str(tmp_path / "x.mo"),
                               str(path)], capture_output=True, text=True)
        assert done.returncode == 0, done.stderr
    assert po.compile_mo(path.read_bytes(), str(path)).startswith(b"\xde\x12\x04\x95")


_PO_TEXT = st.text(st.characters(blacklist_categories=("Cs", "Cc")) | st.sampled_from(
    list("\n\t\"\\%{}<>&#")), min_size=1, max_size=20)


@settings(max_examples=60, suppress_health_check=list(HealthCheck), deadline=None)
@given(st.lists(st.tuples(st.none() | _PO_TEXT, _PO_TEXT, st.none() | _PO_TEXT, _PO_TEXT,
                          _PO_TEXT), min_size=1, max_size=6,
                unique_by=lambda t: (t[0], t[1])))
def test_po_round_trip_property(entries):
    from babel.messages.catalog import Catalog
    from babel.messages.pofile import write_po

    template = Catalog()
    for ctx, msgid, plural, _, _ in entries:
        template.add((msgid, plural) if plural else msgid, context=ctx,
                     user_comments=["a comment"], flags=["c-format"])
    buf = io.BytesIO()
    write_po(buf, template)
    doc = po.read(buf.getvalue(), "t.pot")
    assert len(doc.units) == len(entries)
    fills = {u.key: Fill(e[3], e[4] if e[2] else None)
             for u, e in zip(doc.units, entries, strict=True)}
    out = po.read(po.write(doc, fills, "it"), "t.po")
    for u, before, e in zip(out.units, doc.units, entries, strict=True):
        assert (u.context, u.source, u.source_plural) == (e[0], e[1], e[2])
        assert u.flags == before.flags and "c-format" in u.flags
        assert u.notes == ("a comment",)
        assert u.translations == ((e[3],) if not e[2] else (e[3], e[4]))  # msginit: 2


# ----------------------------------------------------------------------------- JSON


def test_nested_json_units_and_plural_groups():
    doc = read(jsonfmt, CATALOGS / "web/common.json")
    by_key = {u.key: u for u in doc.units}
    assert by_key["/nav/latest"].source == "Latest news"
    comments = by_key["/article/comments_<plural>"]
    assert (comments.source, comments.source_plural) == ("{{count}} comment",
                                                         "{{count}} comments")
    assert by_key["/article/place_ordinal_<plural>"].flags == {"ordinal"}
    assert by_key["/footer/links/1"].source == "Contact"
    assert "/footer/year" not in by_key


@pytest.mark.parametrize(("lang", "rules", "keys"), [
    ("it", "cldr", ["comments_one", "comments_many", "comments_other"]),
    ("it", "gettext", ["comments_one", "comments_other"]),
    ("az", "cldr", ["comments_one", "comments_other"]),
])
def test_json_plural_keys_follow_the_target_categories(lang, rules, keys):
    doc = read(jsonfmt, CATALOGS / "web/common.json")
    fills = {u.key: Fill("T1 {{count}}", "T2 {{count}}") for u in doc.units}
    obj = json.loads(jsonfmt.write(doc, fills, lang, src="en",
                                   options=WriteOptions(plural_rules=rules)))
    assert [k for k in obj["article"] if k.startswith("comments")] == keys
    assert obj["article"]["comments_one"] == "T1 {{count}}"
    assert obj["article"][keys[-1]] == "T2 {{count}}"
    ordinal = [k for k in obj["article"] if k.startswith("place_ordinal")]
    assert ordinal == [f"place_ordinal_{c}" for c in cldr_categories(lang, ordinal=True)]
    assert obj["footer"]["year"] == 2024
    # and the output reads back as complete translations of the target
    existing = jsonfmt.existing(jsonfmt.read(json.dumps(obj).encode(), "o.json", lang), lang)
    assert len(existing["/article/comments_<plural>"].forms) == len(keys)


def test_json_untranslated_units_are_left_out():
    doc = read(jsonfmt, CATALOGS / "web/common.json")
    obj = json.loads(jsonfmt.write(doc, {"/nav/home": Fill("Ana səhifə")}, "az", src="en"))
    assert obj == {"nav": {"home": "Ana səhifə"}, "footer": {"year": 2024}}


@pytest.mark.parametrize("name", ["web/common.json", "web/errors.json"])
def test_json_round_trip_unchanged(name):
    path = CATALOGS / name
    doc = read(jsonfmt, path)
    fills = {k: Fill(forms=e.forms) for k, e in jsonfmt.existing(doc, "en").items()}
    assert jsonfmt.write(doc, fills, "en", src="en") == path.read_bytes()


_KEY = st.text(st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=8).filter(
    lambda k: jsonfmt._PLURAL_KEY_RE.match(k) is None)
_LEAF = st.one_of(st.text(max_size=15), st.integers(), st.booleans(), st.none())
_JSON = st.recursive(_LEAF, lambda inner: st.one_of(
    st.lists(inner, max_size=3), st.dictionaries(_KEY, inner, max_size=4)), max_leaves=12)


@settings(max_examples=80, suppress_health_check=list(HealthCheck), deadline=None)
@given(st.dictionaries(_KEY, _JSON, max_size=5), st.sampled_from([None, 2, 4, "\t"]))
def test_json_round_trip_property(obj, indent):
    data = (json.dumps(obj, ensure_ascii=False, indent=indent) + "\n").encode()
    doc = jsonfmt.read(data, "x.json", "en")
    fills = {u.key: Fill(u.source) for u in doc.units}
    assert jsonfmt.write(doc, fills, "en", src="en") == data


def test_malformed_json_is_an_input_error_with_a_line():
    with pytest.raises(InputFileError) as err:
        jsonfmt.read(b'{\n  "a": "b",\n  "c": \n}\n', "bad.json")
    assert err.value.line == 4
    with pytest.raises(InputFileError):
        jsonfmt.read(b'["a"]', "list.json")


# ----------------------------------------------------------------------------- XLIFF


def test_xliff12_units_and_inline_codes():
    doc = read(xliff, CATALOGS / "app.xlf")
    by_key = {u.key: u for u in doc.units}
    assert by_key["app.html::save"].source == 'Press <g id="1">Save</g> to keep your changes.'
    assert by_key["app.html::title"].notes == ("Page title",)
    assert by_key["app.html::title"].location == "page.title"
    assert by_key["app.html::amp"].source == "Politics &amp; society"
    assert "app.html::brand" not in by_key  # translate="no" group
    assert doc.source_lang == "en"


def test_xliff20_units_are_segments():
    doc = read(xliff, CATALOGS / "article.xlf")
    keys = [u.key for u in doc.units]
    assert keys[:3] == ["article.html::headline::s1", "article.html::lead::s1",
                        "article.html::lead::s2"]
    assert doc.units[0].notes == ("Article headline",)
    assert '<pc id="1" dataRefStart="d1" dataRefEnd="d2">prayers</pc>' in doc.units[1].source


@pytest.mark.parametrize(("name", "key", "text", "inline"), [
    ("app.xlf", "app.html::save", 'Premi <g id="1">Salva</g> per &amp; tenere.', ["g"]),
    ("app.xlf", "app.html::bold", 'È una notizia <bx id="1" ctype="bold"/>urgente<ex id="1"/>.',
     ["bx", "ex"]),
    ("article.xlf", "article.html::lead::s1",
     'L\'evento è iniziato con <pc id="1" dataRefStart="d1" dataRefEnd="d2">preghiere</pc>.',
     ["pc"]),
    ("article.xlf", "article.html::split::1", 'Foto: <sc id="3"/>SIA<ec startRef="3"/>',
     ["sc", "ec"]),
])
def test_xliff_targets_keep_inline_codes(name, key, text, inline):
    doc = read(xliff, CATALOGS / name)
    out = xliff.write(doc, {key: Fill(text, fuzzy=True)}, "it")
    again = xliff.read(out, name, "it")
    assert again.target_lang == "it"
    unit = {u.key: u for u in again.units}[key]
    assert unit.translations == (text,) and unit.fuzzy
    root = etree.fromstring(out)
    targets = root.iter("{*}target")
    tags = [etree.QName(el).localname for t in targets for el in t.iter() if el is not t]
    assert tags == inline


def test_xliff_round_trip_unchanged(tmp_path):
    original = (CATALOGS / "app.xlf").read_bytes()
    doc = xliff.read(original, "app.xlf", "en")
    filled = xliff.write(doc, {"app.html::title": Fill("Ultime notizie")}, "it")
    # a file already for "it": nothing translated -> byte for byte the same
    doc_it = xliff.read(filled, "app.it.xlf", "en")
    assert xliff.write(doc_it, {}, "it") == filled
    # keeping its translation as a fill changes nothing either
    kept = xliff.existing(doc_it)["app.html::title"]
    assert xliff.write(doc_it, {"app.html::title": Fill(forms=kept.forms, fuzzy=kept.fuzzy,
                                                        state=kept.state)}, "it") == filled
    # and apart from the declared target language the source is unchanged
    # (lxml writes namespace declarations first; compare canonical XML)
    stripped = filled.replace(b' target-language="it"', b"").replace(
        b'\n        <target state="translated">Ultime notizie</target>', b"")
    c14n = [etree.tostring(etree.fromstring(x), method="c14n") for x in (stripped, original)]
    assert c14n[0] == c14n[1]
    assert stripped.startswith(b'<?xml version="1.0" encoding="UTF-8"?>\n<xliff ')


def test_xliff_bad_markup_in_a_translation_is_reported():
    assert xliff.check_fill('Premi <g id="1">Salva</g>') == []
    # a bare & or < of the model's text is escaped by the writer, not a failure (issue 11)
    assert xliff.check_fill("Tom & Jerry") == []
    assert xliff.check_fill('Premi <g id="1">Salva') != []
    assert xliff.escape_text("Tom & Jerry <3 &amp; <b>x</b>") == \
        "Tom &amp; Jerry &lt;3 &amp; <b>x</b>"


def test_xliff_parsing_is_safe(tmp_path):
    evil = b"""<?xml version="1.0"?>
<!DOCTYPE xliff [
  <!ENTITY lol "lol">
  <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
  <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
  <!ENTITY xxe SYSTEM "file:///etc/passwd">
]>
<xliff version="1.2" xmlns="urn:oasis:names:tc:xliff:document:1.2">
 <file original="x" source-language="en"><body>
  <trans-unit id="1"><source>&lol3; &xxe;</source></trans-unit>
 </body></file></xliff>"""
    # refused outright (issue 13): lxml would still expand internal entities in attributes
    with pytest.raises(InputFileError, match="internal subset") as err:
        xliff.read(evil, "evil.xlf", "en")
    assert err.value.line == 2


@pytest.mark.parametrize(("data", "line"), [
    (b'<?xml version="1.0"?>\n<xliff version="1.2">\n<file>\n</xliff>\n', 4),
    (b'<?xml version="1.0"?>\n\n<tmx version="1.4"/>\n', 3),
    (b'<xliff version="3.0" xmlns="urn:x"/>', 1),
])
def test_malformed_xliff_is_an_input_error_with_a_line(data, line):
    with pytest.raises(InputFileError) as err:
        xliff.read(data, "bad.xlf")
    assert err.value.line == line


def test_i18next_fallback_keys_of_the_source_are_not_emitted_for_other_languages():
    # an English bundle carrying _few/_many (i18next writes them for some tools)
    src = json.dumps({"files_one": "{{count}} file", "files_few": "{{count}} files",
                      "files_many": "{{count}} files", "files_other": "{{count}} files"})
    doc = jsonfmt.read(src.encode(), "en.json", "en")
    assert [u.key for u in doc.units] == ["/files_<plural>"]
    fills = {"/files_<plural>": Fill("{{count}} file", "{{count}} file")}
    it = json.loads(jsonfmt.write(doc, fills, "it", src="en"))
    assert list(it) == ["files_one", "files_other"]
    cldr = json.loads(jsonfmt.write(doc, fills, "it", src="en",
                                    options=WriteOptions(plural_rules="cldr")))
    assert list(cldr) == ["files_one", "files_many", "files_other"]
