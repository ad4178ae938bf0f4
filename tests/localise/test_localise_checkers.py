"""Every QA checker: one passing and one failing case (at least)."""

from __future__ import annotations

import pytest

from translate.localise import checkers as C

CTX = C.CheckContext("en", "it")


def names(problems):
    return [p.check for p in problems]


def test_check_empty():
    assert C.check_empty("Save", "Salva", CTX) == []
    assert names(C.check_empty("Save", "  ", CTX)) == ["empty"]


@pytest.mark.parametrize(("source", "good", "bad"), [
    ("Hello %s", "Ciao %s", "Ciao"),
    ("Page %1$s of %2$s", "Pagina %1$s di %2$s", "Pagina %1$s di %1$s"),
    ("By {{author}}", "Di {{author}}", "Di {{autore}}"),
    ("Found {count} in {section}", "{count} in {section}", "{count} in {sezione}"),
    ("Read <a href='/x'>more</a>", "Leggi <a href='/x'>altro</a>", "Leggi <a>altro</a>"),
    ("Tom &amp; Jerry", "Tom &amp; Jerry", "Tom & Jerry"),
    ("{n, plural, one {# file} other {# files}}",
     "{n, plural, one {# file} other {# file}}", "{n, plural, one {# file} other {file}}"),
    ("{n, plural, one {# file} other {# files}}",
     "{n, plural, one {# file} other {# file}}", "{n, plural, one {# file} many {# file}}"),
    ("Line one\nLine two", "Riga uno\nRiga due", "Riga uno riga due"),
])
def test_check_placeholders(source, good, bad):
    assert C.check_placeholders(source, good, CTX) == []
    problems = C.check_placeholders(source, bad, CTX)
    assert names(problems) == ["placeholders"] and problems[0].critical


def test_check_placeholder_order():
    assert C.check_placeholder_order("%s of %d", "%s di %d", CTX) == []
    assert C.check_placeholder_order("%1$s of %2$d", "%2$d di %1$s", CTX) == []
    assert C.check_placeholder_order("{a} and {b}", "{b} e {a}", CTX) == []
    assert names(C.check_placeholder_order("%s of %d", "%d di %s", CTX)) == \
        ["placeholder-order"]
    assert names(C.check_placeholder_order("{} of {:.2f}", "{:.2f} di {}", CTX)) == \
        ["placeholder-order"]


@pytest.mark.parametrize(("source", "good", "bad"), [
    ("<b>bold</b> text", "testo <b>grassetto</b>", "testo </b>grassetto<b>"),
    ("<a><b>x</b></a>", "<a><b>y</b></a>", "<a><b>y</a></b>"),
    ('This is <bx id="1"/>new<ex id="1"/>', 'Questo è <bx id="1"/>nuovo<ex id="1"/>',
     'Questo è <ex id="1"/>nuovo<bx id="1"/>'),
    ('A <sc id="3"/>B<ec startRef="3"/>', 'A <sc id="3"/>B<ec startRef="3"/>',
     'A <ec startRef="3"/>B<sc id="3"/>'),
])
def test_check_tags(source, good, bad):
    assert C.check_tags(source, good, CTX) == []
    assert set(names(C.check_tags(source, bad, CTX))) == {"tags"}


def test_check_tags_accepts_void_elements_and_ignores_unbalanced_sources():
    assert C.check_tags("a<br>b<img src='x'>", "a<br>b<img src='x'>", CTX) == []
    assert C.check_tags("a</b> b", "a</b> b", CTX) == []


def test_check_mask_tokens():
    assert C.check_mask_tokens("Hi %s", "Ciao %s", CTX) == []
    assert C.check_mask_tokens("Code PH1", "Codice PH1", CTX) == []  # was in the source
    assert names(C.check_mask_tokens("Hi %s", "Ciao __PH0__", CTX)) == ["mask-token"]
    assert names(C.check_mask_tokens("Hi %s", "Ciao __ ph3 __", CTX)) == ["mask-token"]


def test_check_edges():
    assert C.check_edges("\nHello\n", "\nCiao\n", CTX) == []
    assert names(C.check_edges("Hello\n", "Ciao", CTX)) == ["newlines"]
    assert names(C.check_edges("\nHello", "Ciao", CTX)) == ["newlines"]


def test_check_untranslated():
    assert C.check_untranslated("The event began", "L'evento è iniziato", CTX) == []
    assert C.check_untranslated("Santa Maria della Mercede", "Santa Maria della Mercede",
                                CTX) == []
    assert C.check_untranslated("SIA", "SIA", CTX) == []
    assert C.check_untranslated("Privacy Policy", "Privacy Policy", CTX) == []
    assert names(C.check_untranslated("The event began with prayers",
                                      "The event began with prayers", CTX)) == ["untranslated"]


def test_check_numbers_is_a_warning():
    assert C.check_numbers("613 people, 63 children", "613 persone, 63 bambini", CTX) == []
    assert C.check_numbers("1,000 readers", "1.000 lettori", CTX) == []
    assert C.check_numbers("%d items", "%d elementi", CTX) == []
    problems = C.check_numbers("the 20th century", "XX əsr", CTX)
    assert names(problems) == ["numbers"] and not problems[0].critical


def test_check_glossary_uses_the_hook():
    assert C.check_glossary("Khojaly", "Xocalı", CTX) == []  # no hook, no check

    def hook(source, target, src, tgt):
        return [] if "Xocalı" in target else ["'Khojaly' should be 'Xocalı'"]

    ctx = C.CheckContext("en", "az", hook)
    assert C.check_glossary("Khojaly", "Xocalı", ctx) == []
    problems = C.check_glossary("Khojaly", "Hocali", ctx)
    assert names(problems) == ["glossary"] and not problems[0].critical


def test_glossary_hook_from_the_glossary_package():
    pytest.importorskip("translate.glossary")
    from translate.glossary import Glossary, load_glossary
    from translate.localise.jobs import glossary_term_check

    try:
        glossary = load_glossary([])
    except Exception:  # noqa: BLE001 - an empty glossary is all this test needs
        glossary = Glossary(())
    check = glossary_term_check(glossary)
    assert check("Khojaly", "Xocalı", "en", "az") == []


def test_run_checks_collects_every_checker():
    problems = C.run_checks("Hello %s, <b>32</b> news", "Ciao, </b>news<b>", CTX)
    assert {"placeholders", "tags", "numbers"} <= set(names(problems))
    assert C.run_checks("Hello %s", "Ciao %s", CTX) == []
    assert all(callable(c) for c in C.CHECKERS)
